// The Dotnet analyzer and parsers against what the peers (trivy, osv-scalibr, syft) assert for their own
// fixtures: testdata/lang/dotnet/<unit>/expected.json, compared as sets of name@version plus the dev
// flag and licences where the peer asserts them, and the peers' path checks against Wants().
// The comparison is tests/analyze/lang/expected_harness.h; the deliberate differences are in kExceptions
// with the reason.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "analyze/lang/dotnet/dotnet.h"
#include "analyze/lang/dotnet/internal/nuget.h"
#include "analyze/lang/expected_harness.h"
#include "base/problems.h"
#include "testing/testdata.h"

namespace hullscan::analyze {
namespace {

namespace fs = std::filesystem;
using inventory::Package;
using nlohmann::json;

constexpr const char* kEcosystem = "dotnet";
constexpr inventory::PackageType kType = inventory::PackageType::kNuget;
std::unique_ptr<Analyzer> NewAnalyzer() { return NewDotnetAnalyzer(); }

// Key: "<unit>|<case>|<fixture>" (case empty when the peer's table has none), or
// "<unit>|file_required|<path>" for a path check.
const std::map<std::string, std::string> kExceptions = {
};

// The one rule: a deps.json "project" library is the application's own code (or another project of
// its solution), not a NuGet package; trivy and scalibr report it (trivy as the root/workspace of its
// dependency graph), we do not: nothing in the NuGet advisories is about it, and matching its name
// against them gives false positives when names collide. Derived from the fixture itself, and checked:
// we must not report it (the harness checks), and the rule must apply somewhere (below).
std::set<std::string> DeliberatelyNotReported(const fs::path& fixture) {
  std::set<std::string> out;
  if (fs::is_directory(fixture)) return out;
  json doc = json::parse(testing::ReadFileOrFail(fixture), nullptr, false);
  if (doc.is_discarded() || !doc.is_object() || !doc.contains("libraries") || !doc["libraries"].is_object()) return out;
  for (const auto& [key, library] : doc["libraries"].items()) {
    if (!library.is_object() || library.value("type", "") != "project") continue;
    size_t slash = key.find('/');
    if (slash != std::string::npos) out.insert(key.substr(0, slash) + "@" + key.substr(slash + 1));
  }
  return out;
}

lang_testing::Extracted RunParserOnFile(std::string_view unit, const fs::path& file) {
  std::string text = testing::ReadFileOrFail(file);
  Problems problems;
  lang_testing::Extracted out;
  if (unit.find("deps") != std::string_view::npos) {
    out.packages = dotnet_internal::ParseDepsJson(text, problems);
  } else {
    out.packages = dotnet_internal::ParsePackagesLock(text, problems);
  }
  out.problems = problems.count();
  return out;
}

TEST(ExpectedTest, EveryPeerCaseAgreesOrIsAnExplainedException) {
  lang_testing::Ecosystem eco{kEcosystem, kType, NewAnalyzer, RunParserOnFile, kExceptions, DeliberatelyNotReported};
  const int rule_applied = lang_testing::ExpectEveryPeerCaseAgreesOrIsAnExplainedException(eco);
  EXPECT_GT(rule_applied, 0);
}

// Untrusted input: every prefix of real files parses without crashing.
TEST(DotnetParsersTest, TruncatedFilesNeverCrash) {
  const fs::path root = testing::TestData() / "lang/dotnet";
  for (const char* rel : {"trivy-parser-core-deps/testdata/without-runtime.deps.json",
                          "trivy-parser-nuget-lock/testdata/packages_lock_multi.json"}) {
    std::string text = testing::ReadFileOrFail(root / rel);
    for (size_t n = 0; n <= text.size(); n += std::max<size_t>(1, text.size() / 80)) {
      std::string_view prefix(text.data(), n);
      Problems problems;
      (void)dotnet_internal::ParseDepsJson(prefix, problems);
      (void)dotnet_internal::ParsePackagesLock(prefix, problems);
    }
  }
}

TEST(DotnetAnalyzerTest, OneDatabasePerFile) {
  const fs::path root = testing::TestData() / "lang/dotnet";
  auto analyzer = NewDotnetAnalyzer();
  std::vector<File> files = {
      {"app/App.deps.json", 0644, testing::ReadFileOrFail(root / "trivy-parser-core-deps/testdata/self-contained.deps.json")},
      {"app/broken.deps.json", 0644, "{\"libraries\": "},
      {"src/packages.lock.json", 0644, testing::ReadFileOrFail(root / "trivy-parser-nuget-lock/testdata/packages_lock_legacy.json")},
  };
  for (const File& f : files) EXPECT_TRUE(analyzer->Wants(FileInfo{f.path, 0644, 1})) << f.path;
  EXPECT_FALSE(analyzer->Wants(FileInfo{"app/.deps.json", 0644, 1}));
  EXPECT_FALSE(analyzer->Wants(FileInfo{"app/App.runtimeconfig.json", 0644, 1}));
  inventory::LayerResult result;
  analyzer->Analyze(files, result);
  ASSERT_EQ(result.package_dbs.size(), 3u);
  EXPECT_EQ(result.package_dbs[0].analyzer, "dotnet-deps");
  EXPECT_EQ(result.package_dbs[0].packages.size(), 3u);  // Newtonsoft.Json and the two bundled runtimes
  EXPECT_TRUE(result.package_dbs[1].packages.empty());
  EXPECT_EQ(result.package_dbs[2].analyzer, "nuget-lock");
  EXPECT_EQ(result.package_dbs[2].packages.size(), 2u);  // the Project entry is not a package
  ASSERT_EQ(result.diagnostics.size(), 1u);
  EXPECT_EQ(result.diagnostics[0].path, "app/broken.deps.json");
  for (const auto& db : result.package_dbs) {
    for (const auto& p : db.packages) EXPECT_EQ(p.type, inventory::PackageType::kNuget);
  }
}

}  // namespace
}  // namespace hullscan::analyze
