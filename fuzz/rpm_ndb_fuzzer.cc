// libFuzzer target: rpm's NDB Packages.db reader (analyze/rpm/internal/ndb) on arbitrary bytes,
// with every blob it finds passed on to the header decoder, as the analyzer does.
// Seeds: testdata/osdb/rpm/ndb-*/var/lib/rpm/Packages.db.
#include <cstddef>
#include <cstdint>
#include <string>

#include "analyze/rpm/internal/header.h"
#include "analyze/rpm/internal/ndb.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace rpm = hullscan::analyze::rpm_internal;
  rpm::RecordSink sink;
  sink.on_header = [](uint32_t, rpm::Bytes blob) { (void)rpm::DecodeHeader(blob); };
  sink.on_problem = [](std::string) {};
  (void)rpm::ReadNdbPackages(rpm::Bytes(data, size), sink);
  return 0;
}
