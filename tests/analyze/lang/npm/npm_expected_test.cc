// The npm analyzer and parsers against what the peers (trivy, osv-scalibr, syft) assert for their own
// fixtures: testdata/lang/npm/<unit>/expected.json, compared as sets of name@version (our lockfile
// parsers report each name@version once; the peers differ on repeating installed copies), plus the
// dev flag and licences where the peer asserts them. Deliberate differences are in kExceptions with
// the reason; an exception that no longer differs fails as stale.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "analyze/lang/npm/internal/package_json.h"
#include "analyze/lang/npm/internal/package_lock.h"
#include "analyze/lang/npm/internal/pnpm_lock.h"
#include "analyze/lang/npm/internal/yarn_lock.h"
#include "analyze/lang/npm/npm.h"
#include "base/problems.h"
#include "testing/testdata.h"

namespace hullscan::analyze {
namespace {

namespace fs = std::filesystem;
using inventory::Package;
using nlohmann::json;

// Key: "<unit>|<case>|<fixture>" (case empty when the peer's table has none).
const std::map<std::string, std::string> kExceptions = {
    // --- The project's own code is not reported (root project, workspace members, local paths):
    // it is what is being scanned, not a published package, and matching it by name against
    // registry advisories gives false positives when names collide.
    {"syft-javascript||testdata/pkg-lock/package-lock-2.json", "root project; also syft drops dev (async)"},
    {"syft-javascript||testdata/pkg-lock/package-lock-3.json", "root project; also syft drops dev (async)"},
    {"syft-javascript||testdata/pkg-lock/array-license-package-lock.json", "root project tmp@1.0.0"},
    {"syft-javascript||testdata/pkg-json/package-partial.json", "syft emits a package with no name or version"},
    {"syft-javascript||testdata/yarn-berry/yarn.lock", "workspace root c0n-fab_u.laTION@workspace:."},
    {"trivy-parser-npm|lock version v3 with workspace|testdata/package-lock_v3_with_workspace.json",
     "workspace members"},
    {"trivy-parser-npm|lock version v3 with workspace as object|testdata/package-lock_v3_with_workspace_as_object.json",
     "workspace member"},
    {"trivy-parser-npm|lock version v3 with workspace and without direct deps field|"
     "testdata/package-lock_v3_without_root_deps_field.json",
     "workspace member"},
    {"scalibr-yarnlock|exclude root|testdata/exclude-root.v2.lock", "workspace member @ws/ansi-regex"},
    {"scalibr-yarnlock|files|testdata/files.v1.lock", "file: dependencies are local code"},
    {"scalibr-yarnlock|files|testdata/files.v2.lock", "file: dependencies are local code"},
    {"scalibr-packagelockjson|files|testdata/files.v1.json", "file: dependency without a version"},
    {"scalibr-packagelockjson|files|testdata/files.v2.json", "file: dependency etag (link to a folder)"},
    // --- Dev dependencies are reported and flagged dev (Package::dev); syft drops them by default.
    {"syft-javascript||testdata/pkg-lock/nested-package-lock-1.json", "dev-parent, dev-nested reported"},
    // --- Git and URL dependencies: in package-lock v1 the "version" is the git URL, so there is no
    // version to match; scalibr reports them with an empty version.
    {"scalibr-packagelockjson|commits|testdata/commits.v1.json", "git deps without a version"},
    {"scalibr-packagelockjson|commits|testdata/commits.v2.json", "raven-js: git dep without a version"},
    // yarn records the git dependency's real version ("1.1.1"); Trivy drops git and unknown-protocol
    // entries, we keep the recorded version (as scalibr does).
    {"trivy-parser-yarn|yarn with git dependency|testdata/yarn_with_git.lock", "git dep with recorded version"},
    {"trivy-parser-yarn|yarn file with bad protocol|testdata/yarn_with_bad_protocol.lock",
     "asap@unsupported:~2.0.6 has a recorded version"},
    // Berry's fsevents@patch:… entry is the patched registry package with its version; Trivy drops
    // patch-protocol entries.
    {"trivy-parser-yarn|happy v2|testdata/yarn_v2_happy.lock", "patch: entry kept"},
    // syft names yarn v1 packages from the tarball URL in "resolved"; we use the lockfile key, which is
    // the name the project depends on (the same as the URL except for un-prefixed aliases).
    {"syft-javascript||testdata/yarn/yarn.lock", "name from key, not from URL"},
    {"syft-javascript||testdata/yarn-v1-deps/yarn.lock", "name from key, not from URL"},
    // Known limitation: here the key is an alias without "npm:" and the URL names the real package
    // @4lolo/resize-observer-polyfill; syft is right, we report the alias name.
    {"syft-javascript||testdata/yarn-dups/yarn.lock", "LIMITATION: v1 alias without npm: prefix"},
    // Known limitation: legacy licence arrays inside package-lock entries are not read (installed
    // package.json files are, see trivy-parser-packagejson).
    {"trivy-parser-npm|lock version v3 with legacy license formats|testdata/package-lock_v3_with_legacy_licenses.json",
     "LIMITATION: lockfile licence arrays"},
    // Parser level only: with npm-shrinkwrap.json beside it npm ignores package-lock.json; that is the
    // analyzer's rule (both files in a layer: NpmAnalyzerTest.ShrinkwrapWinsOverPackageLock).
    {"scalibr-packagelockjson|valid package-lock.json and npm-shrinkwrap.json and extract package-lock.json|"
     "testdata/both/package-lock.json",
     "analyzer-level rule"},
    // Trivy's analyzer test scans a project (fs mode): it reports the lockfile, including the dev
    // dependency ansi-colors and array-flatten that are not installed. Our rule prefers what is
    // installed in node_modules/ next to the lockfile (see npm.h), so those two are not reported.
    {"trivy-analyzer-npm|with node_modules|testdata/happy", "installed metadata preferred over the lockfile"},
    // scalibr's includeDeps option reports declared dependency ranges as packages with guessed
    // versions: not installed, not reported.
    {"scalibr-packagejson|package_with_dependencies|testdata/package-with-deps.json", "no guessed versions"},
    {"scalibr-packagejson|duplicate_keys_in_dev_deps|testdata/duplicate-keys.json", "no guessed versions"},
    // scalibr recognises this manifest as a VS Code extension by fields other than engines.vscode
    // (which it lacks); we only skip manifests with engines.vscode or unity.
    {"scalibr-packagejson|VSCode extension|testdata/vscode-extension.json", "LIMITATION: VS Code detection"},
    // --- pnpm-lock.yaml.
    // Trivy's pnpm parser drops dev packages ("dev: true" in v5/v6); we report them flagged dev, as
    // for package-lock.json and yarn.lock (exactly the 78/79 entries marked dev are the difference).
    {"trivy-parser-pnpm|with dev deps|testdata/pnpm-lock_with_dev.yaml", "dev packages reported, flagged"},
    {"trivy-parser-pnpm|many|testdata/pnpm-lock_many.yaml", "dev packages reported, flagged"},
    {"trivy-parser-pnpm|v6 with dev deps|testdata/pnpm-lock_v6_with_dev.yaml", "dev packages reported, flagged"},
    // file: dependencies (a folder or a tarball in the project) are the project's own code, as for
    // package-lock and yarn.lock above: Trivy reports package1 and lodash (file:foo/bar/lodash.tgz),
    // SCALIBR the file: packages.
    {"trivy-parser-pnpm|archives|testdata/pnpm-lock_archives.yaml", "file: dependencies are local code"},
    {"trivy-parser-pnpm|v9|testdata/pnpm-lock_v9.yaml", "file: dependency package1 without a version"},
    {"scalibr-pnpmlock|files|testdata/files.yaml", "file: dependencies are local code"},
    // v9 lockfiles carry no dev field; we derive dev as Trivy does (not reachable from any importer's
    // dependencies / optionalDependencies through the snapshots). SCALIBR leaves v9 packages without
    // a dependency group, so its "production" differs on the devDependencies-only packages.
    {"scalibr-pnpmlock|one package dev|testdata/one-package-dev.v9.yaml", "v9 dev derived from importers"},
    {"scalibr-pnpmlock|peer dependencies advanced|testdata/peer-dependencies-advanced.v9.yaml",
     "v9 dev derived from importers"},
    {"scalibr-pnpmlock|multiple versions|testdata/multiple-versions.v9.yaml", "v9 dev derived from importers"},
    {"scalibr-pnpmlock|mixed groups|testdata/mixed-groups.v9.yaml", "v9 dev derived from importers"},
    // syft also reports the importer's dependencies that have no packages entry (this fixture is cut
    // short); we report what the lockfile resolves, the packages section.
    {"syft-javascript||testdata/pnpm/pnpm-lock.yaml", "importer deps without a packages entry"},
    // pnpm 11 writes its own tool lockfile (pnpm itself, @pnpm/exe) as a first YAML document; syft
    // reports both documents, we (and Trivy) only the project's, the last one.
    {"syft-javascript||testdata/pnpm-multi-doc/pnpm-lock.yaml", "package-manager document not reported"},
};

struct Extracted {
  std::vector<Package> packages;
  size_t problems = 0;
};

Extracted RunAnalyzerOnDirectory(const fs::path& dir) {
  auto analyzer = NewNpmAnalyzer();
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
      out.packages.push_back(p);
    }
  }
  out.problems = result.diagnostics.size();
  return out;
}

Extracted RunParserOnFile(std::string_view unit, const fs::path& file) {
  std::string text = testing::ReadFileOrFail(file);
  std::string name = file.filename().string();
  Problems problems;
  Extracted out;
  if (unit.find("pnpm") != std::string_view::npos || name == "pnpm-lock.yaml") {
    out.packages = npm_internal::ParsePnpmLock(text, problems);
  } else if (unit.find("yarn") != std::string_view::npos || name == "yarn.lock") {
    out.packages = npm_internal::ParseYarnLock(text, problems);
  } else if (unit.find("packagejson") != std::string_view::npos || file.parent_path().filename() == "pkg-json") {
    if (auto p = npm_internal::ParsePackageJson(text, problems)) out.packages.push_back(*p);
  } else if (unit == "trivy-parser-npm" || unit == "scalibr-packagelockjson" || unit == "syft-javascript") {
    out.packages = npm_internal::ParsePackageLock(text, problems);
  } else {
    ADD_FAILURE() << "no parser for " << unit << " " << file;
  }
  out.problems = problems.count();
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
  // trivy's package.json parser test: {"want": {"Package": {"Name", "Version", "Licenses"}}}; a
  // package.json without name or version describes no package.
  if (c.contains("want") && c["want"].is_object() && c["want"].contains("Package")) {
    const json& p = c["want"]["Package"];
    if (!p.value("Name", "").empty() && !p.value("Version", "").empty()) {
      json converted = {{"name", p["Name"]}, {"version", p["Version"]}};
      converted["licenses"] = p.contains("Licenses") ? p["Licenses"] : json::array();
      out.push_back(converted);
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

std::vector<std::string> Compare(const json& c, const Extracted& ours) {
  std::vector<std::string> diffs;
  std::set<std::string> want, got;
  // dev is asserted per occurrence; a name@version is dev only if every occurrence is.
  std::map<std::string, bool> want_dev;
  std::map<std::string, std::vector<std::string>> want_licenses;
  const std::vector<json> expected = ExpectedPackages(c);
  for (const json& p : expected) {
    std::string id = p.value("name", "") + "@" + p.value("version", "");
    want.insert(id);
    std::optional<bool> dev;
    if (p.contains("dev") && p["dev"].is_boolean()) dev = p["dev"].get<bool>();
    if (p.contains("dep_groups") && p["dep_groups"].is_array()) {
      dev = std::find(p["dep_groups"].begin(), p["dep_groups"].end(), "dev") != p["dep_groups"].end();
    }
    if (dev) want_dev[id] = want_dev.count(id) ? (want_dev[id] && *dev) : *dev;
    if (p.contains("licenses") && p["licenses"].is_array()) want_licenses[id] = ExpectedLicenses(p);
  }
  std::map<std::string, const Package*> got_by_id;
  for (const Package& p : ours.packages) {
    std::string id = p.name + "@" + p.version;
    got.insert(id);
    got_by_id[id] = &p;
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
    // Lockfile peers mostly leave licences out (trivy fills them from node_modules at the analyzer
    // level); compare where the peer asserts some.
    if (!licenses.empty() && mine != licenses) diffs.push_back(id + ": licences differ");
  }
  if (c.contains("error") && ours.problems == 0) diffs.push_back("peer expects an error; we report no problem");
  return diffs;
}

TEST(NpmExpectedTest, EveryPeerCaseAgreesOrIsAnExplainedException) {
  const fs::path root = testing::TestData() / "lang/npm";
  std::set<std::string> used_exceptions;
  int compared = 0;
  for (const auto& unit_entry : fs::directory_iterator(root)) {
    const fs::path expected_path = unit_entry.path() / "expected.json";
    if (!fs::exists(expected_path)) continue;
    const std::string unit = unit_entry.path().filename().string();
    json doc = json::parse(testing::ReadFileOrFail(expected_path));
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
        std::vector<std::string> diffs = Compare(c, ours);
        ++compared;
        if (auto it = kExceptions.find(key); it != kExceptions.end()) {
          used_exceptions.insert(key);
          EXPECT_FALSE(diffs.empty()) << "stale exception (we now agree): " << key;
          continue;
        }
        std::string all;
        for (const auto& d : diffs) all += "\n  " + d;
        EXPECT_TRUE(diffs.empty()) << key << all;
      }
    }
  }
  for (const auto& [key, reason] : kExceptions) EXPECT_TRUE(used_exceptions.count(key)) << "unused exception " << key;
  EXPECT_GT(compared, 100);
  std::cout << "compared " << compared << " peer cases, " << used_exceptions.size() << " explained exceptions\n";
}

}  // namespace
}  // namespace hullscan::analyze

namespace hullscan::analyze {
namespace {

// Untrusted input: every prefix of real files parses without crashing, and deep nesting is refused.
TEST(NpmParsersTest, TruncatedAndDeeplyNestedFilesNeverCrash) {
  const fs::path root = testing::TestData() / "lang/npm";
  for (const char* rel : {"trivy-parser-npm/testdata/package-lock_v1.json", "trivy-parser-npm/testdata/package-lock_v3.json",
                          "trivy-parser-yarn/testdata/yarn_v2_happy.lock", "trivy-parser-yarn/testdata/yarn_happy.lock",
                          "trivy-parser-packagejson/testdata/package.json"}) {
    std::string text = testing::ReadFileOrFail(root / rel);
    // About 60 cut points per file: each parse is linear, so every prefix would be quadratic.
    const size_t step = std::max<size_t>(1, text.size() / 60);
    for (size_t n = 0; n <= text.size(); n += step) {
      std::string_view prefix(text.data(), n);
      Problems problems;
      (void)npm_internal::ParsePackageLock(prefix, problems);
      (void)npm_internal::ParseYarnLock(prefix, problems);
      (void)npm_internal::ParsePackageJson(prefix, problems);
    }
  }
  std::string deep = "{\"dependencies\":";
  for (int i = 0; i < 5000; ++i) deep += "{\"a\":{\"version\":\"1.0.0\",\"dependencies\":";
  deep += "{}";
  for (int i = 0; i < 5000; ++i) deep += "}}";
  deep += "}";
  Problems problems;
  EXPECT_TRUE(npm_internal::ParsePackageLock(deep, problems).empty());
  EXPECT_GT(problems.count(), 0u);
}

}  // namespace
}  // namespace hullscan::analyze

namespace hullscan::analyze {
namespace {

// pnpm-lock.yaml follows the lockfile rules: wanted outside node_modules/ only, and an empty
// database when the same layer installs into the node_modules/ beside it.
TEST(NpmAnalyzerTest, PnpmLockGivesWayToInstalledPackages) {
  auto analyzer = NewNpmAnalyzer();
  EXPECT_TRUE(analyzer->Wants(FileInfo{"app/pnpm-lock.yaml", 0644, 10}));
  EXPECT_TRUE(analyzer->Wants(FileInfo{"pnpm-lock.yaml", 0644, 10}));
  EXPECT_FALSE(analyzer->Wants(FileInfo{"app/node_modules/x/pnpm-lock.yaml", 0644, 10}));
  const std::string lock =
      testing::ReadFileOrFail(testing::TestData() / "lang/npm/trivy-parser-pnpm/testdata/pnpm-lock_normal.yaml");
  Problems problems;
  const size_t lock_packages = npm_internal::ParsePnpmLock(lock, problems).size();
  ASSERT_GT(lock_packages, 0u);
  std::vector<File> alone = {File{"app/pnpm-lock.yaml", 0644, lock}};
  inventory::LayerResult r1;
  analyzer->Analyze(alone, r1);
  ASSERT_EQ(r1.package_dbs.size(), 1u);
  EXPECT_EQ(r1.package_dbs[0].analyzer, "npm-lock");
  EXPECT_EQ(r1.package_dbs[0].packages.size(), lock_packages);
  std::vector<File> installed = {File{"app/node_modules/jquery/package.json", 0644,
                                      R"({"name": "jquery", "version": "3.6.0"})"},
                                 File{"app/pnpm-lock.yaml", 0644, lock}};
  inventory::LayerResult r2;
  analyzer->Analyze(installed, r2);
  ASSERT_EQ(r2.package_dbs.size(), 2u);
  EXPECT_EQ(r2.package_dbs[1].path, "app/pnpm-lock.yaml");
  EXPECT_TRUE(r2.package_dbs[1].packages.empty());
}

// Untrusted input: every prefix of real pnpm lockfiles, and hostile YAML, parse without crashing.
TEST(NpmParsersTest, TruncatedPnpmLockfilesNeverCrash) {
  const fs::path root = testing::TestData() / "lang/npm";
  for (const char* rel : {"trivy-parser-pnpm/testdata/pnpm-lock_v9.yaml", "trivy-parser-pnpm/testdata/pnpm-lock_v6.yaml",
                          "trivy-parser-pnpm/testdata/pnpm-lock_with_dev.yaml",
                          "trivy-parser-pnpm/testdata/pnpm-lock_v9_cyclic_import.yaml",
                          "scalibr-pnpmlock/testdata/exotic.yaml"}) {
    const std::string text = testing::ReadFileOrFail(root / rel);
    const size_t step = std::max<size_t>(1, text.size() / 60);
    for (size_t n = 0; n <= text.size(); n += step) {
      Problems problems;
      (void)npm_internal::ParsePnpmLock(std::string_view(text.data(), n), problems);
    }
  }
  std::string deep = "packages: ";
  for (int i = 0; i < 5000; ++i) deep += "[";
  Problems problems;
  EXPECT_TRUE(npm_internal::ParsePnpmLock(deep, problems).empty());
  EXPECT_GT(problems.count(), 0u);
  Problems cyclic;  // snapshots that depend on each other terminate
  const auto packages = npm_internal::ParsePnpmLock(
      "lockfileVersion: '9.0'\nimporters:\n  .:\n    dependencies:\n      a: {specifier: '1', version: 1.0.0}\n"
      "packages:\n  a@1.0.0: {}\n  b@1.0.0: {}\n  c@1.0.0: {}\n"
      "snapshots:\n  a@1.0.0:\n    dependencies: {b: 1.0.0}\n  b@1.0.0:\n    dependencies: {a: 1.0.0}\n  c@1.0.0: {}\n",
      cyclic);
  ASSERT_EQ(packages.size(), 3u);
  EXPECT_FALSE(packages[0].dev);
  EXPECT_FALSE(packages[1].dev);
  EXPECT_TRUE(packages[2].dev);  // reached from no importer
}

}  // namespace
}  // namespace hullscan::analyze
