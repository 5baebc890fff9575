// The Python analyzer and parsers against what the peers (trivy, osv-scalibr, syft) assert for their
// own fixtures: testdata/lang/python/<unit>/expected.json, compared as multisets of name@version,
// plus the dev flag and licences where the peer asserts them. Deliberate differences are listed in
// kExceptions with the reason; an exception that no longer differs fails as stale.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "analyze/lang/python/internal/lockfiles.h"
#include "analyze/lang/python/internal/metadata.h"
#include "analyze/lang/python/python.h"
#include "base/problems.h"
#include "testing/testdata.h"

namespace hullscan::analyze {
namespace {

namespace fs = std::filesystem;
using inventory::Package;
using nlohmann::json;

// Key: "<unit>|<case>|<fixture>" (case empty when the peer's table has none).
const std::map<std::string, std::string> kExceptions = {
    // Zip archives are not opened: analyzers get files from the layer walk and do not unpack
    // archives (DESIGN lesson 1); .egg/.whl distributions in images are rare (pip installs
    // unpacked), so they are reported once the io module offers zip reading.
    {"trivy-analyzer-packaging|egg zip|testdata/egg-zip/kitchen-1.2.6-py2.7.egg", "zip .egg not read"},
    {"trivy-analyzer-packaging|egg zip with checksum|testdata/egg-zip/kitchen-1.2.6-py2.7.egg", "zip .egg not read"},
    {"trivy-analyzer-packaging|egg zip with license file|testdata/egg-zip-with-license-file/sample_package.egg",
     "zip .egg not read"},
    {"scalibr-wheelegg|.egg|testdata/monotonic-1.6-py3.10.egg", "zip .egg not read"},
    {"scalibr-wheelegg|.whl|testdata/monotonic-1.6-py2.py3-none-any.whl",
     "a .whl is a package file, not an installed distribution; and zip is not read"},
    // Trivy classifies the text of the License-File (BeOpen, CNRI-Python-GPL-Compatible, …) with its
    // licence classifier; we have none and report no licence rather than a guess.
    {"trivy-analyzer-packaging|license file in dist.info|testdata/license-file-dist", "licence-file classification"},
    // Trivy reports "file://LICENSE.txt" as the licence when only License-File is given: that is a
    // file name, not a licence, so we report none.
    {"trivy-parser-packaging|without licenses, but with a license file (a license in Classifier was removed)|"
     "testdata/networkx-3.0.METADATA",
     "file:// pseudo-licence"},
    // "License: UNKNOWN" is what setuptools writes when the author gave none (the classifiers sit
    // after the headers here): Trivy reports the word UNKNOWN, we report no licence.
    {"trivy-parser-packaging|egg PKG-INFO|testdata/setuptools-51.3.3-py3.8.egg-info.PKG-INFO", "UNKNOWN licence"},
    // Trivy's useMinVersion option guesses the lowest version of ranges (">= 4.1.1" → 4.1.1): a guess
    // is not what is installed, so (like Trivy's default) only == pins are reported.
    {"trivy-parser-pip|compatible versions|testdata/requirements_compatible.txt", "no version guessing"},
    // syft's GuessUnpinnedRequirements option: the same reason.
    {"syft-python|guess unpinned requirements (lowest version)|testdata/requires/requirements.txt",
     "no version guessing"},
    // Trivy requires exactly one root package in uv.lock and fails otherwise; we read the packages
    // of any uv.lock (a workspace lock has several roots, an older one none).
    {"trivy-parser-uv|lockfile without root|testdata/uv_without_root.lock", "no root required"},
    {"trivy-parser-uv|multiple roots|testdata/uv_multiple_roots.lock", "no root required"},
    // syft reports the project itself (source editable "."): see kRootProjectRule below.
    {"syft-python||testdata/uv/simple-deps/uv.lock", "root project not reported"},
    // scalibr puts only the packages a dev group names directly into "dev"; their own dependencies
    // (mypy-extensions, pathspec, … of black) are needed only for development too, as Trivy computes.
    {"scalibr-uvlock|grouped packages|testdata/grouped-packages.lock", "dev is transitive"},
    // syft takes licences from the License field only (none here) and asserts no licence; the
    // "License :: OSI Approved :: BSD License" classifier names one, which we (and Trivy) report.
    {"syft-python|detect licenses|testdata/site-packages/license", "classifier licence reported"},
    // "License: UNKNOWN" is what setuptools writes when the author gave none; Trivy reports the word
    // UNKNOWN, we report no licence.
    {"trivy-parser-packaging|egg PKG-INFO with description containing non-RFC 7230 bytes|"
     "testdata/unidecode-egg-info.PKG-INFO",
     "UNKNOWN is not a licence"},
    {"syft-python|pinned dependencies only|testdata/requires/requirements.txt", "version plus URL rejected"},
    // syft reads only the "default" section of Pipfile.lock; "develop" packages are real
    // dependencies of the project too (scalibr reports them), and we flag them dev.
    {"syft-python||testdata/pipfile-lock/Pipfile.lock", "develop section reported (dev)"},
    // scalibr reports the bound of a range (">=0.2.2" → 0.2.2, "<=1.2.3" → 1.2.3) as the version:
    // not what is installed, and a lower bound makes vulnerability matches wrong. Only pins are reported.
    {"scalibr-requirements|with_version|testdata/with_versions.txt", "range bounds are not versions"},
    // The same, and scalibr follows "-r other-requirements.txt"; our analyzer sees one file at a time
    // (the layer walk hands each requirements*.txt to it on its own).
    {"scalibr-requirements|pip_example|testdata/example.txt", "range bounds; -r includes not followed"},
    // "foo7==1.0 unexpected_text_before_options_stays_around": scalibr makes the stray text part of
    // the version; pip rejects the line, and so do we (with a diagnostic).
    {"scalibr-requirements|per_requirement_options|testdata/per_req_options.txt", "invalid line rejected"},
};

struct Extracted {
  std::vector<Package> packages;
  size_t problems = 0;
};

// PEP 503 normalised name @ version: peers differ in whether they normalise (syft does, trivy and
// scalibr keep the name as written, as we do; the purl normalises), so names compare normalised.
std::string NameVersion(std::string_view name, std::string_view version) {
  std::string out;
  bool in_separator = false;
  for (char c : name) {
    if (c == '-' || c == '_' || c == '.') {
      if (!in_separator) out.push_back('-');
      in_separator = true;
      continue;
    }
    in_separator = false;
    out.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
  }
  return out + "@" + std::string(version);
}

Extracted RunAnalyzerOnDirectory(const fs::path& dir) {
  auto analyzer = NewPythonAnalyzer();
  std::vector<File> files;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (!entry.is_regular_file()) continue;
    // Paths keep the fixture directory's name: "partial.dist-info/METADATA".
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

// Single-file fixtures go to the parser the peer's test exercises.
Extracted RunParserOnFile(std::string_view unit, const fs::path& file) {
  std::string text = testing::ReadFileOrFail(file);
  std::string name = file.filename().string();
  Problems problems;
  Extracted out;
  if (name.size() > 4 && name.substr(name.size() - 4) == ".egg") return out;  // zip: not read (see kExceptions)
  if (unit == "trivy-parser-packaging" || unit == "scalibr-wheelegg") {
    if (auto p = python_internal::ParseMetadata(text, problems)) out.packages.push_back(*p);
  } else if (unit == "trivy-parser-pip" || unit == "scalibr-requirements" || name == "requirements.txt") {
    out.packages = python_internal::ParseRequirements(text, problems);
  } else if (unit == "trivy-parser-pipenv" || unit == "scalibr-pipfilelock" || name == "Pipfile.lock") {
    out.packages = python_internal::ParsePipfileLock(text, problems);
  } else if (unit == "trivy-parser-poetry" || unit == "scalibr-poetrylock" || name == "poetry.lock") {
    out.packages = python_internal::ParsePoetryLock(text, problems);
  } else if (unit == "trivy-parser-uv" || unit == "scalibr-uvlock" || name == "uv.lock") {
    out.packages = python_internal::ParseUvLock(text, problems);
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

// Differences between ours and the peer's expectation for one case; empty = agreement.
std::vector<std::string> Compare(std::string_view unit, const json& c, const Extracted& ours) {
  std::vector<std::string> diffs;
  std::multiset<std::string> want, got;
  std::map<std::string, const json*> want_by_id;
  const std::vector<json> expected = ExpectedPackages(c);
  for (const json& p : expected) {
    std::string version = p.value("version", "");
    // Unpinned requirements (scalibr, syft list them without a version): nothing installed is
    // known, so nothing is reported (Trivy's rule, and what a vulnerability match needs).
    if (version.empty()) continue;
    // kRootProjectRule: Trivy's uv parser reports the project itself (relationship "root", source
    // editable "."): it is the code being scanned, not a distribution from an index, and matching it
    // by name against PyPI advisories would be wrong when the name collides. We leave it out.
    if (p.value("relationship", "") == "root") continue;
    std::string id = NameVersion(p.value("name", ""), version);
    want.insert(id);
    want_by_id[id] = &p;
  }
  std::map<std::string, const Package*> got_by_id;
  for (const Package& p : ours.packages) {
    std::string id = NameVersion(p.name, p.version);
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
  const bool licenses_asserted =
      unit == "trivy-parser-packaging" || unit == "trivy-analyzer-packaging" || unit == "syft-python";
  for (const auto& [id, p] : want_by_id) {
    const Package& mine = *got_by_id[id];
    if (p->contains("dev") && (*p)["dev"].is_boolean() && (*p)["dev"].get<bool>() != mine.dev) diffs.push_back(id + ": dev differs");
    if (p->contains("dep_groups") && (*p)["dep_groups"].is_array()) {
      const auto& groups = (*p)["dep_groups"];
      bool dev = std::find(groups.begin(), groups.end(), "dev") != groups.end();
      if (dev != mine.dev) diffs.push_back(id + ": dev (dep_groups) differs");
    }
    if (licenses_asserted && p->contains("licenses")) {
      std::vector<std::string> want_l = ExpectedLicenses(*p), got_l = mine.licenses;
      std::sort(want_l.begin(), want_l.end());
      std::sort(got_l.begin(), got_l.end());
      if (want_l != got_l) diffs.push_back(id + ": licences differ");
    }
  }
  if (c.contains("error") && ours.problems == 0) diffs.push_back("peer expects an error; we report no problem");
  return diffs;
}

TEST(PythonExpectedTest, EveryPeerCaseAgreesOrIsAnExplainedException) {
  const fs::path root = testing::TestData() / "lang/python";
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
  EXPECT_GT(compared, 80);
  std::cout << "compared " << compared << " peer cases, " << used_exceptions.size() << " explained exceptions\n";
}

}  // namespace
}  // namespace hullscan::analyze

namespace hullscan::analyze {
namespace {

// Untrusted input: every prefix of real files (cut mid-line, mid-string, mid-table) parses without
// crashing; the parsers report problems instead.
TEST(PythonParsersTest, TruncatedFilesNeverCrash) {
  const fs::path root = testing::TestData() / "lang/python";
  for (const char* rel : {"trivy-parser-packaging/testdata/distlib-0.3.1.METADATA",
                          "trivy-parser-pip/testdata/requirements_hash.txt", "trivy-parser-pipenv/testdata/Pipfile_normal.lock",
                          "trivy-parser-poetry/testdata/poetry_normal.lock", "trivy-parser-uv/testdata/uv_normal.lock"}) {
    std::string text = testing::ReadFileOrFail(root / rel);
    // About 60 cut points per file: each parse is linear, so every prefix would be quadratic.
    const size_t step = std::max<size_t>(1, text.size() / 60);
    for (size_t n = 0; n <= text.size(); n += step) {
      std::string_view prefix(text.data(), n);
      Problems problems;
      (void)python_internal::ParseMetadata(prefix, problems);
      (void)python_internal::ParseRequirements(prefix, problems);
      (void)python_internal::ParsePipfileLock(prefix, problems);
      (void)python_internal::ParsePoetryLock(prefix, problems);
      (void)python_internal::ParseUvLock(prefix, problems);
    }
  }
}

}  // namespace
}  // namespace hullscan::analyze
