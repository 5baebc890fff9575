// The shared harness of the language-analyzer tests that compare with the peers' expectations
// (testdata/lang/<ecosystem>/<unit>/expected.json): packages as sets of name@version, then the dev
// flag and licences where the peer asserts them, and the peers' path checks against Wants().
// Deliberate differences are listed per ecosystem with their reason; an exception that no longer
// differs, or that matches no case, fails.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "analyze/analyzer.h"
#include "inventory/package.h"
#include "testing/testdata.h"

namespace hullscan::analyze::lang_testing {

namespace fs = std::filesystem;
using inventory::Package;
using nlohmann::json;

// What a parser or the analyzer extracted from one fixture.
struct Extracted {
  std::vector<Package> packages;
  size_t problems = 0;
};

struct Ecosystem {
  std::string name;  // the testdata/lang folder: "ruby", "php", "dotnet"
  inventory::PackageType type;
  std::function<std::unique_ptr<Analyzer>()> new_analyzer;
  // Runs the right parser on a single fixture file of `unit`.
  std::function<Extracted(std::string_view unit, const fs::path& file)> parse_file;
  // Key: "<unit>|<case>|<fixture>" (case empty when the peer's table has none), or
  // "<unit>|file_required|<path>" for a path check; value: why we differ.
  std::map<std::string, std::string> exceptions;
  // Optional fixture-derived rule: name@version entries we must not report (checked, not skipped).
  std::function<std::set<std::string>(const fs::path& fixture)> not_reported;
};

inline Extracted RunAnalyzerOnDirectory(const Ecosystem& eco, const fs::path& dir) {
  auto analyzer = eco.new_analyzer();
  std::vector<File> files;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (!entry.is_regular_file()) continue;
    std::string rel = (dir.filename() / fs::relative(entry.path(), dir)).generic_string();
    if (!analyzer->Wants(FileInfo{rel, 0644, static_cast<int64_t>(entry.file_size())})) continue;
    files.push_back(File{rel, 0644, hullscan::testing::ReadFileOrFail(entry.path())});
  }
  std::sort(files.begin(), files.end(), [](const File& a, const File& b) { return a.path < b.path; });
  Extracted out;
  if (files.empty()) return out;
  inventory::LayerResult result;
  analyzer->Analyze(files, result);
  for (const auto& db : result.package_dbs) {
    for (const auto& p : db.packages) {
      EXPECT_EQ(p.location.path, db.path);
      EXPECT_EQ(p.type, eco.type);
      out.packages.push_back(p);
    }
  }
  out.problems = result.diagnostics.size();
  return out;
}

inline std::vector<json> ExpectedPackages(const json& c) {
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

inline std::vector<std::string> ExpectedLicenses(const json& p) {
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
inline std::vector<std::string> Compare(const Ecosystem& eco, std::string_view unit, const json& c, const fs::path& fixture,
                                        const Extracted& ours, int& rule_applied) {
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
  const std::set<std::string> not_reported = eco.not_reported ? eco.not_reported(fixture) : std::set<std::string>{};
  for (const json& p : ExpectedPackages(c)) {
    std::string id = p.value("name", "") + "@" + p.value("version", "");
    if (not_reported.count(id)) {
      // A rule, not a skip: we must indeed leave it out.
      if (got.count(id)) diffs.push_back(id + ": reported although the rule says it is not");
      ++rule_applied;
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

// Compares every case of every unit of testdata/lang/<eco.name>; returns how often the fixture-derived
// rule (eco.not_reported) applied.
inline int ExpectEveryPeerCaseAgreesOrIsAnExplainedException(const Ecosystem& eco) {
  const fs::path root = hullscan::testing::TestData() / "lang" / eco.name;
  int rule_applied = 0;
  std::set<std::string> used_exceptions;
  int compared = 0, wants_checked = 0;
  for (const auto& unit_entry : fs::directory_iterator(root)) {
    const fs::path expected_path = unit_entry.path() / "expected.json";
    if (!fs::exists(expected_path)) continue;
    const std::string unit = unit_entry.path().filename().string();
    json doc = json::parse(hullscan::testing::ReadFileOrFail(expected_path));
    auto check = [&](const std::string& key, const std::vector<std::string>& diffs) {
      if (eco.exceptions.count(key)) {
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
        EXPECT_TRUE(fs::exists(path)) << key;
        if (!fs::exists(path)) continue;
        Extracted ours = fs::is_directory(path) ? RunAnalyzerOnDirectory(eco, path) : eco.parse_file(unit, path);
        ++compared;
        check(key, Compare(eco, unit, c, path, ours, rule_applied));
      }
    }
    // Which paths the analyzer claims; the size-limit rows test the peers' own size options.
    if (doc.contains("file_required")) {
      auto analyzer = eco.new_analyzer();
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
  for (const auto& [key, reason] : eco.exceptions) EXPECT_TRUE(used_exceptions.count(key)) << "unused exception " << key;
  EXPECT_GT(compared, 0);
  std::cout << "compared " << compared << " peer cases and " << wants_checked << " path checks, "
            << used_exceptions.size() << " explained exceptions, rule applied to " << rule_applied
            << " expected packages\n";
  return rule_applied;
}


}  // namespace hullscan::analyze::lang_testing
