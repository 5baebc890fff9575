// The Java parsers against what the peers (trivy, osv-scalibr) assert for their own fixtures:
// testdata/lang/java/<unit>/expected.json. Archives are compared as sets of name@version@file_path
// (trivy's file_path is the nested-archive path, which is our location.path; scalibr reports the
// outer file, so only name@version there); lockfiles and poms as name@version, plus the dev flag
// for scalibr's "test" dep group. Deliberate differences are in kExceptions with the reason; an
// exception that no longer differs fails as stale.
#include <gtest/gtest.h>

#include <filesystem>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "analyze/lang/java/internal/archive.h"
#include "analyze/lang/java/internal/gradle_lock.h"
#include "analyze/lang/java/internal/pom_xml.h"
#include "base/problems.h"
#include "testing/testdata.h"
#include "zip_writer.h"

namespace hullscan::analyze {
namespace {

namespace fs = std::filesystem;
using inventory::Package;
using nlohmann::json;

// trivy's pom parser resolves parents, BOMs and transitive dependencies from a Maven repository
// (local tree or an HTTP server the test starts) and reports the project itself; we read one
// pom.xml's declared dependencies only (see pom_xml.h). Its cases are counted, not compared.
const std::set<std::string> kNotImplementedUnits = {"trivy-parser-pom"};

// Key: "<unit>|<case>|<fixture>".
const std::map<std::string, std::string> kExceptions = {
    // --- trivy online mode: its test answers Maven Central searches from a fake server (by sha1 and
    // by artifactId). We never query the network: the offline answer from the manifest stands
    // (trivy's own "offline" case on the same file agrees with us).
    {"trivy-parser-jar|sha1 search|testdata/test.jar", "no Maven Central sha1 search (offline)"},
    // No pom.properties, no usable manifest: trivy asks Maven Central which group has an artifact
    // "heuristic"; offline we name it from the file, groupId = artifactId (heuristic:heuristic).
    {"trivy-parser-jar|artifactId search|testdata/heuristic-1.0.0-SNAPSHOT.jar",
     "no Maven Central artifactId search; file-name fallback instead"},
    // --- scalibr's file-name extraction is an option (extractFilename) that is off in these cases;
    // ours is always on when nothing else names the archive, as it is better than nothing to match.
    {"scalibr-archive|Test_MANIFEST.MF_with_no_valid_ArtifactID|testdata/com.google.src.yolo-0.1.2.jar",
     "file-name fallback: com.google.src.yolo 0.1.2"},
    // scalibr: group/artifact from a table of known artifacts and from combining the manifest with the
    // file name; we use trivy's manifest precedence, which reads different fields.
    {"scalibr-archive|Jar file with no pom.properties but has manifest, and IdentifyByFilename enabled|"
     "testdata/combine-manifest-filename/MANIFEST.MF",
     "manifest+file-name combination (scalibr heuristic)"},
    {"scalibr-archive|Test combination of manifest and filename|testdata/combine-manifest-filename/MANIFEST.MF",
     "manifest+file-name combination (scalibr heuristic)"},
    {"scalibr-archive|Test combination of filename and manifest with group ID transform|"
     "testdata/manifest-implementation-title/MANIFEST.MF",
     "manifest+file-name combination (scalibr heuristic)"},
    {"scalibr-archive|Test artifact ID that is mapped to a known group ID|testdata/known-group-id/MANIFEST.MF",
     "scalibr's table of known group ids"},
    {"scalibr-archive|Apache Axis package with incorrect artifact and group ID and space in version|"
     "testdata/axis/MANIFEST.MF",
     "scalibr special case for Apache Axis"},
    {"scalibr-archive|Test invalid group or artifact id in manifest.mf|testdata/invalid-ids/MANIFEST.MF",
     "scalibr validates id syntax and falls back field by field"},
    {"scalibr-archive|Test MANIFEST.MF with symbolic name|testdata/manifest-symbolicname/MANIFEST.MF",
     "scalibr keeps the full symbolic name as group id"},
    // Nesting is bounded at 8 levels (ArchiveLimits::max_depth, a zip-quine guard); this fixture nests
    // 9 levels deep, so the innermost pom.properties is reported as too deep (a diagnostic).
    {"scalibr-archive|Nested_jars_with_pom.properties_at_depth_10|testdata/nested_at_10.jar", "depth bound 8"},
    // scalibr's memory-limit option (maxOpenedBytes 700) is a test knob; our limits are larger.
    {"scalibr-archive|Ignore inner pom.properties because max opened bytes reached|testdata/complex.jar",
     "test-only limit option"},
    // --- pom.xml: no parent resolution (the parent pom is another file; analyzers see one file at a
    // time), and dependencies without a resolvable version are not reported.
    {"scalibr-pomxml|with parent|testdata/with-parent.xml", "org.dave from the parent; org.frank without version"},
};

struct Extracted {
  std::vector<Package> packages;
  size_t problems = 0;
};

Extracted RunParser(const std::string& unit, const json& c, const fs::path& unit_dir, const std::string& fixture) {
  Extracted out;
  Problems problems;
  const std::string text = testing::ReadFileOrFail(unit_dir / fixture);
  if (unit == "trivy-parser-jar" || unit == "scalibr-archive") {
    if (c.contains("scan_path")) {
      // scalibr wraps the MANIFEST.MF into a jar named scan_path.
      std::string zip = testing_zip::MakeZip({{"META-INF/MANIFEST.MF", text, true}});
      out.packages = java_internal::ParseArchive(c["scan_path"].get<std::string>(), zip, problems);
    } else {
      out.packages = java_internal::ParseArchive(fixture, text, problems);
    }
  } else if (unit.find("gradle") != std::string::npos) {
    out.packages = java_internal::ParseGradleLockfile(text, problems);
  } else if (unit == "scalibr-pomxml") {
    out.packages = java_internal::ParsePomXml(text, problems);
  } else {
    ADD_FAILURE() << "no parser for " << unit;
  }
  out.problems = problems.count();
  return out;
}

std::vector<std::string> Compare(const std::string& unit, const json& c, const Extracted& ours) {
  const bool with_path = unit == "trivy-parser-jar";
  std::multiset<std::string> want, got;
  std::map<std::string, bool> want_dev;
  if (c.contains("packages") && c["packages"].is_array()) {
    for (const json& p : c["packages"]) {
      std::string id = p.value("name", "") + "@" + p.value("version", "");
      if (with_path) id += "@" + p.value("file_path", "");
      want.insert(id);
      if (p.contains("dep_groups")) {
        want_dev[id] = std::find(p["dep_groups"].begin(), p["dep_groups"].end(), "test") != p["dep_groups"].end();
      }
    }
  }
  std::map<std::string, bool> got_dev;
  for (const Package& p : ours.packages) {
    EXPECT_EQ(p.type, inventory::PackageType::kMaven);
    std::string id = p.name + "@" + p.version;
    if (with_path) id += "@" + p.location.path;
    got.insert(id);
    got_dev[id] = p.dev;
  }
  std::vector<std::string> diffs;
  // Sets, not multisets: the peers repeat a dependency declared twice; we report it once.
  std::set<std::string> want_set(want.begin(), want.end()), got_set(got.begin(), got.end());
  if (want_set != got_set) {
    std::string w, g;
    for (const auto& s : want_set) w += s + " ";
    for (const auto& s : got_set) g += s + " ";
    diffs.push_back("packages differ: want [" + w + "] got [" + g + "]");
    return diffs;
  }
  for (const auto& [id, dev] : want_dev) {
    if (got_dev[id] != dev) diffs.push_back(id + ": dev (test scope) differs");
  }
  if (c.contains("error") && ours.problems == 0) diffs.push_back("peer expects an error; we report no problem");
  return diffs;
}

TEST(JavaExpectedTest, EveryPeerCaseAgreesOrIsAnExplainedException) {
  const fs::path root = testing::TestData() / "lang/java";
  std::set<std::string> used_exceptions;
  int compared = 0, not_implemented = 0;
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
        if (kNotImplementedUnits.count(unit)) {
          ++not_implemented;
          continue;
        }
        // Peer test knobs we have no equivalent of: scalibr's extractFilename off is covered by
        // exceptions; trivy's offline flag is how we always run.
        ASSERT_TRUE(fs::exists(unit_entry.path() / fixture)) << key;
        Extracted ours = RunParser(unit, c, unit_entry.path(), fixture);
        std::vector<std::string> diffs = Compare(unit, c, ours);
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
  EXPECT_GT(compared, 50);
  std::cout << "compared " << compared << " peer cases, " << used_exceptions.size() << " explained exceptions, "
            << not_implemented << " trivy pom resolution cases not implemented\n";
}

}  // namespace
}  // namespace hullscan::analyze
