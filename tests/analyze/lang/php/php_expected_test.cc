// The Php analyzer and parsers against what the peers (trivy, osv-scalibr, syft) assert for their own
// fixtures: testdata/lang/php/<unit>/expected.json, compared as sets of name@version plus the dev
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

#include "analyze/lang/php/internal/composer.h"
#include "analyze/lang/php/php.h"
#include "analyze/lang/expected_harness.h"
#include "base/problems.h"
#include "testing/testdata.h"

namespace hullscan::analyze {
namespace {

namespace fs = std::filesystem;
using inventory::Package;
using nlohmann::json;

constexpr const char* kEcosystem = "php";
constexpr inventory::PackageType kType = inventory::PackageType::kComposer;
std::unique_ptr<Analyzer> NewAnalyzer() { return NewPhpAnalyzer(); }

// Key: "<unit>|<case>|<fixture>" (case empty when the peer's table has none), or
// "<unit>|file_required|<path>" for a path check.
const std::map<std::string, std::string> kExceptions = {
    // packages-dev are reported and flagged dev (Package::dev, as trivy and scalibr do); syft drops them.
    {"syft-php||testdata/composer.lock", "dev packages behat/gherkin, codeception/codeception reported"},
};

lang_testing::Extracted RunParserOnFile(std::string_view unit, const fs::path& file) {
  std::string text = testing::ReadFileOrFail(file);
  Problems problems;
  lang_testing::Extracted out;
  if (file.filename() == "installed.json") {
    out.packages = php_internal::ParseInstalledJson(text, problems);
  } else if (unit == "scalibr-composerlock" || file.extension() == ".lock") {
    out.packages = php_internal::ParseComposerLock(text, problems);
  } else {
    ADD_FAILURE() << "no parser for " << unit << " " << file;
  }
  out.problems = problems.count();
  return out;
}

TEST(ExpectedTest, EveryPeerCaseAgreesOrIsAnExplainedException) {
  // No fixture-derived rule here: every expected package is compared.
  lang_testing::ExpectEveryPeerCaseAgreesOrIsAnExplainedException(
      {kEcosystem, kType, NewAnalyzer, RunParserOnFile, kExceptions, /*not_reported=*/{}});
}

// Untrusted input: every prefix of real files parses without crashing.
TEST(PhpParsersTest, TruncatedFilesNeverCrash) {
  const fs::path root = testing::TestData() / "lang/php";
  for (const char* rel : {"trivy-parser-composer/testdata/composer_happy.lock", "syft-php/testdata/vendor/composer_1/installed.json",
                          "syft-php/testdata/vendor/composer_2/installed.json"}) {
    std::string text = testing::ReadFileOrFail(root / rel);
    for (size_t n = 0; n <= text.size(); n += std::max<size_t>(1, text.size() / 80)) {
      std::string_view prefix(text.data(), n);
      Problems problems;
      (void)php_internal::ParseComposerLock(prefix, problems);
      (void)php_internal::ParseInstalledJson(prefix, problems);
    }
  }
  Problems problems;
  EXPECT_TRUE(php_internal::ParseComposerLock(R"({"packages": [1, {"name": "a/b"}, {"name": "c/d", "version": "1.0"}]})", problems).size() == 1);
  EXPECT_EQ(problems.count(), 2u);
}

// composer.lock is superseded by the installed.json of the same project in the same layer; a
// composer.lock inside vendor/ (shipped by a library) is not the project's.
TEST(PhpAnalyzerTest, InstalledJsonSupersedesTheLockfileNextToIt) {
  const fs::path root = testing::TestData() / "lang/php";
  auto analyzer = NewPhpAnalyzer();
  std::vector<File> files = {
      {"app/composer.lock", 0644, testing::ReadFileOrFail(root / "trivy-parser-composer/testdata/composer_happy.lock")},
      {"app/vendor/composer/installed.json", 0644,
       testing::ReadFileOrFail(root / "syft-php/testdata/vendor/composer_2/installed.json")},
      {"other/composer.lock", 0644, testing::ReadFileOrFail(root / "trivy-parser-composer/testdata/composer_happy.lock")},
  };
  for (const File& f : files) EXPECT_TRUE(analyzer->Wants(FileInfo{f.path, 0644, 1})) << f.path;
  EXPECT_FALSE(analyzer->Wants(FileInfo{"app/vendor/guzzlehttp/guzzle/composer.lock", 0644, 1}));
  EXPECT_FALSE(analyzer->Wants(FileInfo{"app/composer.json", 0644, 1}));
  EXPECT_FALSE(analyzer->Wants(FileInfo{"app/myvendor/composer/installed.json", 0644, 1}));
  inventory::LayerResult result;
  analyzer->Analyze(files, result);
  ASSERT_EQ(result.package_dbs.size(), 3u);
  EXPECT_EQ(result.package_dbs[0].analyzer, "composer-lock");
  EXPECT_TRUE(result.package_dbs[0].packages.empty());
  EXPECT_EQ(result.package_dbs[1].analyzer, "composer-installed");
  EXPECT_EQ(result.package_dbs[1].packages.size(), 2u);
  EXPECT_EQ(result.package_dbs[2].packages.size(), 10u);
  EXPECT_TRUE(result.diagnostics.empty());
}

}  // namespace
}  // namespace hullscan::analyze
