// libFuzzer target: rpm's Berkeley DB hash reader (analyze/rpm/internal/bdb_hash) on arbitrary
// bytes, with every record it finds passed on to the header decoder, as the analyzer does.
// Seeds: testdata/osdb/rpm/bdb-*/var/lib/rpm/Packages.
#include <cstddef>
#include <cstdint>
#include <string>

#include "analyze/rpm/internal/bdb_hash.h"
#include "analyze/rpm/internal/header.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace rpm = hullscan::analyze::rpm_internal;
  rpm::RecordSink sink;
  sink.on_header = [](uint32_t, rpm::Bytes blob) { (void)rpm::DecodeHeader(blob); };
  sink.on_problem = [](std::string) {};
  (void)rpm::ReadBdbHashPackages(rpm::Bytes(data, size), sink);
  return 0;
}
