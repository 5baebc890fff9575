// The Ruby analyzer and parsers against what the peers (trivy, osv-scalibr, syft) assert for their own
// fixtures: testdata/lang/ruby/<unit>/expected.json, compared as sets of name@version plus the dev
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

#include "analyze/lang/ruby/internal/gemfile_lock.h"
#include "analyze/lang/ruby/internal/gemspec.h"
#include "analyze/lang/ruby/ruby.h"
#include "analyze/lang/expected_harness.h"
#include "base/problems.h"
#include "testing/testdata.h"

namespace hullscan::analyze {
namespace {

namespace fs = std::filesystem;
using inventory::Package;
using nlohmann::json;

constexpr const char* kEcosystem = "ruby";
constexpr inventory::PackageType kType = inventory::PackageType::kGem;
std::unique_ptr<Analyzer> NewAnalyzer() { return NewRubyAnalyzer(); }

// Key: "<unit>|<case>|<fixture>" (case empty when the peer's table has none), or
// "<unit>|file_required|<path>" for a path check.
const std::map<std::string, std::string> kExceptions = {
    // RubyGems' `licenses=` is `@licenses = Array(licenses)`: a plain string is one licence, so
    // `spec.licenses = "MIT"` declares MIT. Trivy's regex only reads arrays there and reports none.
    {"trivy-parser-gemspec|another variable name|testdata/normal01.gemspec", "licenses = \"MIT\" is MIT"},
    // Only installed gems are read: RubyGems writes them to <gem home>/specifications/*.gemspec (Trivy's
    // rule). scalibr reads any *.gemspec, including gem source trees whose versions Ruby code computes.
    {"scalibr-gemspec|file_required|testdata/yaml-0.2.1.gemspec", "only specifications/*.gemspec"},
};

lang_testing::Extracted RunParserOnFile(std::string_view /*unit*/, const fs::path& file) {
  std::string text = testing::ReadFileOrFail(file);
  Problems problems;
  lang_testing::Extracted out;
  if (file.extension() == ".gemspec") {
    if (auto p = ruby_internal::ParseGemspec(text, problems)) out.packages.push_back(*p);
  } else {
    out.packages = ruby_internal::ParseGemfileLock(text, problems);
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
TEST(RubyParsersTest, TruncatedFilesNeverCrash) {
  const fs::path root = testing::TestData() / "lang/ruby";
  for (const char* rel : {"trivy-parser-gemspec/testdata/multiple_licenses.gemspec", "syft-ruby/testdata/bundler.gemspec",
                          "scalibr-gemfilelock/testdata/has-git-gem.lock", "syft-ruby/testdata/Gemfile.lock"}) {
    std::string text = testing::ReadFileOrFail(root / rel);
    for (size_t n = 0; n <= text.size(); n += std::max<size_t>(1, text.size() / 80)) {
      std::string_view prefix(text.data(), n);
      Problems problems;
      (void)ruby_internal::ParseGemspec(prefix, problems);
      (void)ruby_internal::ParseGemfileLock(prefix, problems);
    }
  }
}

TEST(RubyAnalyzerTest, InstalledGemspecAndLockfileBecomeOneDatabaseEach) {
  const fs::path root = testing::TestData() / "lang/ruby";
  auto analyzer = NewRubyAnalyzer();
  std::vector<File> files = {
      {"app/Gemfile.lock", 0644, testing::ReadFileOrFail(root / "trivy-parser-bundler/testdata/Gemfile_normal.lock")},
      {"usr/lib/ruby/gems/3.1.0/specifications/broken.gemspec", 0644, "Gem::Specification.new do |s|\n  s.name ="},
      {"usr/lib/ruby/gems/3.1.0/specifications/rake-13.0.3.gemspec", 0644,
       testing::ReadFileOrFail(root / "trivy-parser-gemspec/testdata/normal00.gemspec")},
  };
  for (const File& f : files) EXPECT_TRUE(analyzer->Wants(FileInfo{f.path, 0644, 1})) << f.path;
  EXPECT_FALSE(analyzer->Wants(FileInfo{"src/mygem/mygem.gemspec", 0644, 1}));
  EXPECT_FALSE(analyzer->Wants(FileInfo{"app/Gemfile", 0644, 1}));
  inventory::LayerResult result;
  analyzer->Analyze(files, result);
  ASSERT_EQ(result.package_dbs.size(), 3u);
  EXPECT_EQ(result.package_dbs[0].analyzer, "gemfile-lock");
  EXPECT_EQ(result.package_dbs[0].packages.size(), 7u);
  EXPECT_EQ(result.package_dbs[2].analyzer, "gemspec");
  ASSERT_EQ(result.package_dbs[2].packages.size(), 1u);
  EXPECT_EQ(result.package_dbs[2].packages[0].name, "rake");
  EXPECT_EQ(result.package_dbs[2].packages[0].location.path, files[2].path);
  EXPECT_TRUE(result.package_dbs[1].packages.empty());  // broken: an empty database and a diagnostic
  ASSERT_FALSE(result.diagnostics.empty());
  EXPECT_EQ(result.diagnostics[0].path, files[1].path);
}

}  // namespace
}  // namespace hullscan::analyze
