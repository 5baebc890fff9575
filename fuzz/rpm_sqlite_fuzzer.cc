// libFuzzer target: rpm's SQLite backend reader (analyze/rpm/internal/sqlite_db: in-memory
// deserialize, hardened connection) on arbitrary bytes, records passed on to the header decoder.
// Seeds: testdata/osdb/rpm/sqlite-*/var/lib/rpm/rpmdb.sqlite (3.6 MB: use -max_len accordingly).
#include <cstddef>
#include <cstdint>
#include <string>

#include "analyze/rpm/internal/header.h"
#include "analyze/rpm/internal/sqlite_db.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace rpm = hullscan::analyze::rpm_internal;
  rpm::RecordSink sink;
  sink.on_header = [](uint32_t, rpm::Bytes blob) { (void)rpm::DecodeHeader(blob); };
  sink.on_problem = [](std::string) {};
  (void)rpm::ReadSqlitePackages(rpm::Bytes(data, size), sink);
  return 0;
}
