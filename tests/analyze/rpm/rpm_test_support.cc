#include "rpm_test_support.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>

#include "analyze/rpm/internal/bdb_hash.h"
#include "analyze/rpm/internal/ndb.h"
#include "analyze/rpm/internal/sqlite_db.h"
#include "analyze/rpm/rpm.h"
#include "testing/testdata.h"

namespace hullscan::analyze::rpm_test {

std::filesystem::path RpmCasesDir() { return hullscan::testing::TestData() / "osdb" / "rpm"; }

std::vector<std::string> RpmCaseNames() {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(RpmCasesDir(), ec)) {
    if (std::filesystem::exists(entry.path() / "expected.json")) names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

std::vector<std::string> RpmCaseNamesWhere(bool (*keep)(const RpmCase&)) {
  std::vector<std::string> out;
  for (const std::string& name : RpmCaseNames())
    if (keep(LoadRpmCase(name))) out.push_back(name);
  return out;
}

RpmCase LoadRpmCase(const std::string& name) {
  RpmCase c;
  c.name = name;
  c.dir = RpmCasesDir() / name;
  c.expected = nlohmann::json::parse(hullscan::testing::ReadFileOrFail(c.dir / "expected.json"), nullptr, false);
  if (c.expected.is_discarded() || !c.expected.is_object()) {
    ADD_FAILURE() << name << ": expected.json does not parse";
    return c;
  }
  c.input = c.expected.value("input", "");
  c.backend = c.expected.value("backend", "");
  c.bytes = hullscan::testing::ReadFileOrFail(c.dir / c.input);
  return c;
}

std::string CaseTestName(const ::testing::TestParamInfo<std::string>& param) {
  std::string name = param.param;
  for (char& ch : name) {
    if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
  }
  return name;
}

inventory::LayerResult AnalyzeOne(const std::string& path, std::string content) {
  std::unique_ptr<Analyzer> analyzer = NewRpmAnalyzer();
  std::vector<File> files(1);
  files[0].path = path;
  files[0].mode = 0644;
  files[0].content = std::move(content);
  inventory::LayerResult out;
  out.diff_id = "sha256:test";
  analyzer->Analyze(files, out);
  return out;
}

RawRecords ReadRecords(const std::string& backend, const std::string& bytes) {
  RawRecords records;
  rpm_internal::RecordSink sink;
  sink.on_header = [&](uint32_t id, rpm_internal::Bytes blob) {
    records.headers.emplace_back(id, std::string(reinterpret_cast<const char*>(blob.data()), blob.size()));
  };
  sink.on_problem = [&](std::string message) { records.problems.push_back(std::move(message)); };
  Status status = Unsupported("unknown backend " + backend);
  if (backend == "bdb") status = rpm_internal::ReadBdbHashPackages(AsBytes(bytes), sink);
  if (backend == "ndb") status = rpm_internal::ReadNdbPackages(AsBytes(bytes), sink);
  if (backend == "sqlite") status = rpm_internal::ReadSqlitePackages(AsBytes(bytes), sink);
  if (!status.ok()) {
    records.ok = false;
    records.problems.push_back(status.error().message());
  }
  return records;
}

}  // namespace hullscan::analyze::rpm_test
