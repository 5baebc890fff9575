// The Ruby analyzer and parsers against what the peers (trivy, osv-scalibr, syft) assert for their own
// fixtures: testdata/lang/ruby/<unit>/expected.json, compared as sets of name@version plus the dev
// flag and licences where the peer asserts them, and the peers' path checks against Wants().
// Deliberate differences are in kExceptions with the reason; an exception that no longer differs, or
// that matches no case, fails.
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
int g_rule_applied = 0;

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

// No fixture-derived rule for Ruby: every expected package is compared.
std::set<std::string> DeliberatelyNotReported(const fs::path&) { return {}; }

struct Extracted {
  std::vector<Package> packages;
  size_t problems = 0;
};

Extracted RunParserOnFile(std::string_view /*unit*/, const fs::path& file) {
  std::string text = testing::ReadFileOrFail(file);
  Problems problems;
  Extracted out;
  if (file.extension() == ".gemspec") {
    if (auto p = ruby_internal::ParseGemspec(text, problems)) out.packages.push_back(*p);
  } else {
    out.packages = ruby_internal::ParseGemfileLock(text, problems);
  }
  out.problems = problems.count();
  return out;
}

Extracted RunAnalyzerOnDirectory(const fs::path& dir) {
  auto analyzer = NewAnalyzer();
  std::vector<File> files;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (!entry.is_regular_file()) continue;
    std::string rel = (dir.filename() / fs::relative(entry.path(), dir)).generic_string();
    if (!analyzer->Wants(FileInfo{rel, 0644, static_cast<int64_t>(entry.file_size())})) continue;
    files.push_back(File{rel, 0644, testing::ReadFileOrFail(entry.path())});
  }
  std::sort(files.begin(), files.end(), [](const File& a, const File& b) { return a.path < b.path; });
  Extracted out;
  if (files.empty()) return out;
  inventory::LayerResult result;
  analyzer->Analyze(files, result);
  for (const auto& db : result.package_dbs) {
    for (const auto& p : db.packages) {
      EXPECT_EQ(p.location.path, db.path);
      EXPECT_EQ(p.type, kType);
      out.packages.push_back(p);
    }
  }
  out.problems = result.diagnostics.size();
  return out;
}

std::vector<json> ExpectedPackages(const json& c) {
  std::vector<json> out;
  if (c.contains("packages") && c["packages"].is_array()) {
    for (const auto& p : c["packages"]) out.push_back(p);
  }
  if (c.contains("applications") && c["applications"].is_array()) {
    for (const auto& app : c["applications"]) {
      for (const auto& p : app["packages"]) out.push_back(p);
    }
  }
  return out;
}

std::vector<std::string> ExpectedLicenses(const json& p) {
  std::vector<std::string> out;
  if (!p.contains("licenses") || !p["licenses"].is_array()) return out;
  for (const auto& l : p["licenses"]) {
    if (l.is_string()) out.push_back(l.get<std::string>());
    if (l.is_object() && l.contains("value")) out.push_back(l["value"].get<std::string>());
  }
  return out;
}

// Compares as sets of name@version (peers repeat a package per occurrence; we report it once), then
// the dev flag and licences where the peer asserts them.
std::vector<std::string> Compare(std::string_view unit, const json& c, const fs::path& fixture, const Extracted& ours) {
  const bool trivy = unit.substr(0, 6) == "trivy-";
  std::vector<std::string> diffs;
  std::set<std::string> want, got;
  std::map<std::string, bool> want_dev;
  std::map<std::string, std::vector<std::string>> want_licenses;
  std::map<std::string, const Package*> got_by_id;
  for (const Package& p : ours.packages) {
    std::string id = p.name + "@" + p.version;
    got.insert(id);
    got_by_id[id] = &p;
  }
  const std::set<std::string> not_reported = DeliberatelyNotReported(fixture);
  for (const json& p : ExpectedPackages(c)) {
    std::string id = p.value("name", "") + "@" + p.value("version", "");
    if (not_reported.count(id)) {
      // A rule, not a skip: we must indeed leave it out.
      if (got.count(id)) diffs.push_back(id + ": reported although the rule says it is not");
      ++g_rule_applied;
      continue;
    }
    want.insert(id);
    std::optional<bool> dev;
    if (p.contains("dev") && p["dev"].is_boolean()) dev = p["dev"].get<bool>();
    if (p.contains("dep_groups") && p["dep_groups"].is_array()) {
      dev = std::find(p["dep_groups"].begin(), p["dep_groups"].end(), "dev") != p["dep_groups"].end();
    }
    if (dev) want_dev[id] = want_dev.count(id) ? (want_dev[id] && *dev) : *dev;
    if (p.contains("licenses") && p["licenses"].is_array()) {
      want_licenses[id] = ExpectedLicenses(p);
    } else if (trivy) {
      want_licenses[id] = {};  // trivy compares whole structs: no licences asserted = none
    }
  }
  if (want != got) {
    std::string w, g;
    for (const auto& s : want) w += s + " ";
    for (const auto& s : got) g += s + " ";
    diffs.push_back("packages differ: want [" + w + "] got [" + g + "]");
    return diffs;
  }
  for (const auto& [id, dev] : want_dev) {
    if (got_by_id[id]->dev != dev) diffs.push_back(id + ": dev differs");
  }
  for (auto& [id, licenses] : want_licenses) {
    std::vector<std::string> mine = got_by_id[id]->licenses;
    std::sort(mine.begin(), mine.end());
    std::sort(licenses.begin(), licenses.end());
    // trivy compares whole structs, so an absent licence list is asserted as empty; syft and scalibr
    // leave the field out when they do not read it.
    if (mine != licenses) diffs.push_back(id + ": licences differ");
  }
  if (c.contains("error") && ours.problems == 0) diffs.push_back("peer expects an error; we report no problem");
  return diffs;
}

TEST(ExpectedTest, EveryPeerCaseAgreesOrIsAnExplainedException) {
  const fs::path root = testing::TestData() / "lang" / kEcosystem;
  std::set<std::string> used_exceptions;
  int compared = 0, wants_checked = 0;
  for (const auto& unit_entry : fs::directory_iterator(root)) {
    const fs::path expected_path = unit_entry.path() / "expected.json";
    if (!fs::exists(expected_path)) continue;
    const std::string unit = unit_entry.path().filename().string();
    json doc = json::parse(testing::ReadFileOrFail(expected_path));
    auto check = [&](const std::string& key, const std::vector<std::string>& diffs) {
      if (kExceptions.count(key)) {
        used_exceptions.insert(key);
        EXPECT_FALSE(diffs.empty()) << "stale exception (we now agree): " << key;
        return;
      }
      std::string all;
      for (const auto& d : diffs) all += "\n  " + d;
      EXPECT_TRUE(diffs.empty()) << key << all;
    };
    for (const json& c : doc["cases"]) {
      std::vector<std::string> fixtures;
      if (c["fixture"].is_array()) {
        for (const auto& f : c["fixture"]) fixtures.push_back(f.get<std::string>());
      } else {
        fixtures.push_back(c["fixture"].get<std::string>());
      }
      for (const std::string& fixture : fixtures) {
        const std::string key = unit + "|" + c.value("case", "") + "|" + fixture;
        const fs::path path = unit_entry.path() / fixture;
        ASSERT_TRUE(fs::exists(path)) << key;
        Extracted ours = fs::is_directory(path) ? RunAnalyzerOnDirectory(path) : RunParserOnFile(unit, path);
        ++compared;
        check(key, Compare(unit, c, path, ours));
      }
    }
    // Which paths the analyzer claims; the size-limit rows test the peers' own size options.
    if (doc.contains("file_required")) {
      auto analyzer = NewAnalyzer();
      for (const json& row : doc["file_required"]) {
        if (row.contains("fileSizeBytes") || row.contains("maxFileSizeBytes")) continue;
        std::string path = row["path"].get<std::string>();
        const std::string key = unit + "|file_required|" + path;
        while (!path.empty() && path.front() == '/') path.erase(0, 1);
        const bool wanted = analyzer->Wants(FileInfo{path, 0644, 100});
        std::vector<std::string> diffs;
        if (wanted != row["required"].get<bool>()) diffs.push_back(std::string("Wants() = ") + (wanted ? "true" : "false"));
        ++wants_checked;
        check(key, diffs);
      }
    }
  }
  for (const auto& [key, reason] : kExceptions) EXPECT_TRUE(used_exceptions.count(key)) << "unused exception " << key;
  EXPECT_GT(compared, 0);
  std::cout << "compared " << compared << " peer cases and " << wants_checked << " path checks, "
            << used_exceptions.size() << " explained exceptions, rule applied to " << g_rule_applied
            << " expected packages\n";
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
