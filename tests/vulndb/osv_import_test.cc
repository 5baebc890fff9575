// OSV importers (JSON, PyPA YAML, OSV.dev zip) against the real feeds in /work/shared/vulndata:
// the full Go and PyPA databases, the GHSA/Debian/Alpine/Ubuntu OSV samples, and hostile input.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <array>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "io/archive.h"
#include "testing/testdata.h"
#include "version/osv_range.h"
#include "version/scheme.h"
#include "vulndb/collecting_sink.h"
#include "vulndb/import.h"

namespace hullscan::vulndb {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;
using testing::CollectingSink;

fs::path VulnData() { return hullscan::testing::SharedDir() / "vulndata"; }

std::vector<fs::path> FilesUnder(const fs::path& dir, std::string_view extension) {
  std::vector<fs::path> out;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (e.is_regular_file() && e.path().extension() == extension) out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string KindName(version::osv::Event::Kind k) {
  switch (k) {
    case version::osv::Event::Kind::kIntroduced: return "introduced";
    case version::osv::Event::Kind::kFixed: return "fixed";
    case version::osv::Event::Kind::kLastAffected: return "last_affected";
    case version::osv::Event::Kind::kLimit: return "limit";
  }
  return "?";
}

// The events of an OSV range object as (kind, version) pairs, in file order.
std::vector<std::pair<std::string, std::string>> FileEvents(const json& range) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const json& e : range.at("events")) {
    for (const auto& [k, v] : e.items()) out.emplace_back(k, v.get<std::string>());
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> OurEvents(const version::osv::Range& range) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& e : range.events) out.emplace_back(KindName(e.kind), e.version);
  return out;
}

std::vector<std::string> SortedUnique(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
  return v;
}

// Our advisory against the record it came from (parsed independently, as JSON): affected entries of
// known ecosystems in order, their ranges, versions and fixed events; aliases.
void ExpectMatchesRecord(const Advisory& adv, const json& rec, const std::set<std::string>& skipped_ecosystems) {
  SCOPED_TRACE(adv.id);
  EXPECT_EQ(adv.id, rec.at("id").get<std::string>());
  std::vector<std::string> aliases = rec.value("aliases", std::vector<std::string>{});
  std::vector<std::string> upstream = rec.value("upstream", std::vector<std::string>{});
  aliases.insert(aliases.end(), upstream.begin(), upstream.end());
  std::erase(aliases, adv.id);
  if (!adv.id.starts_with("DSA-") && !adv.id.starts_with("DLA-") && !adv.id.starts_with("DTSA-")) {
    EXPECT_EQ(adv.aliases, SortedUnique(aliases));
  }
  EXPECT_EQ(adv.withdrawn, rec.contains("withdrawn"));
  size_t ours = 0;
  for (const json& a : rec.value("affected", json::array())) {
    if (!a.contains("package")) continue;
    if (skipped_ecosystems.count(a["package"]["ecosystem"].get<std::string>())) continue;
    ASSERT_LT(ours, adv.affected.size());
    const AffectedPackage& pkg = adv.affected[ours++];
    EXPECT_EQ(pkg.record, adv.id);
    std::vector<std::string> fixed;
    size_t r = 0;
    for (const json& range : a.value("ranges", json::array())) {
      ASSERT_LT(r, pkg.affected.ranges.size());
      EXPECT_EQ(OurEvents(pkg.affected.ranges[r++]), FileEvents(range));
      if (range.at("type") == "GIT") continue;
      for (const auto& [k, v] : FileEvents(range)) {
        if (k == "fixed" && std::find(fixed.begin(), fixed.end(), v) == fixed.end()) fixed.push_back(v);
      }
    }
    EXPECT_EQ(r, pkg.affected.ranges.size());
    EXPECT_EQ(pkg.affected.versions, a.value("versions", std::vector<std::string>{}));
    EXPECT_EQ(pkg.fixed_versions, fixed);
    EXPECT_EQ(pkg.state, fixed.empty() ? FixState::kAffected : FixState::kFixed);
  }
  EXPECT_EQ(ours, adv.affected.size());
}

// ------------------------------------------------------------------------------------------
// Go vulnerability database, full

TEST(OsvImportTest, EveryGoRecordImportsWithoutDiagnostics) {
  std::vector<fs::path> files = FilesUnder(VulnData() / "osv-go", ".json");
  int64_t expected_withdrawn = 0;
  int64_t records = 0;
  int64_t withdrawn = 0;
  CollectingSink sink;
  for (const fs::path& f : files) {
    std::string content = hullscan::testing::ReadFileOrFail(f);
    if (json::parse(content).contains("withdrawn")) ++expected_withdrawn;
    auto file = ImportOsvJson(f.string(), content, sink);
    ASSERT_TRUE(file.ok()) << file.error().message();
    EXPECT_EQ(file->format, kFormatOsvJson);
    records += file->records;
    withdrawn += file->withdrawn;
  }
  EXPECT_TRUE(sink.diagnostics.empty()) << sink.diagnostics.front();
  EXPECT_EQ(records, static_cast<int64_t>(files.size()));
  EXPECT_EQ(withdrawn, expected_withdrawn);
  // The data's own statement (vulndata/README.md).
  EXPECT_EQ(records, 4291);
  EXPECT_EQ(withdrawn, 17);
  for (const Advisory& a : sink.advisories) {
    EXPECT_EQ(a.source, "go");
    for (const AffectedPackage& p : a.affected) {
      EXPECT_EQ(p.ecosystem, "go");
      EXPECT_EQ(p.scheme, "go");
    }
  }
}

// The converter's output is something the evaluator can evaluate: every event version of every
// Go record parses, and an "introduced" version is itself affected.
TEST(OsvImportTest, GoRangesEvaluateForEveryEventVersion) {
  CollectingSink sink;
  for (const fs::path& f : FilesUnder(VulnData() / "osv-go", ".json")) {
    ASSERT_TRUE(ImportOsvJson(f.string(), hullscan::testing::ReadFileOrFail(f), sink).ok());
  }
  ASSERT_EQ(sink.advisories.size(), 4291u);
  const version::Scheme* go = version::FindScheme("go");
  ASSERT_NE(go, nullptr);
  int64_t evaluated = 0;
  for (const Advisory& a : sink.advisories) {
    for (const AffectedPackage& p : a.affected) {
      for (const version::osv::Range& r : p.affected.ranges) {
        for (const version::osv::Event& e : r.events) {
          if (e.version == "0") continue;
          auto affected = version::osv::IsAffected(*go, e.version, p.affected);
          ASSERT_TRUE(affected.ok()) << a.id << " " << p.package << " " << e.version << ": "
                                     << affected.error().message();
          if (e.kind == version::osv::Event::Kind::kIntroduced) {
            EXPECT_TRUE(*affected) << a.id << " " << p.package << " introduced " << e.version;
          }
          ++evaluated;
        }
      }
    }
  }
  EXPECT_GT(evaluated, 4291);
}

TEST(OsvImportTest, Go20231571MatchesItsFile) {
  fs::path path = VulnData() / "osv-go/data/osv/GO-2023-1571.json";
  std::string content = hullscan::testing::ReadFileOrFail(path);
  json rec = json::parse(content);
  CollectingSink sink;
  auto file = ImportOsvJson(path.string(), content, sink);
  ASSERT_TRUE(file.ok());
  ASSERT_EQ(sink.advisories.size(), 1u);
  const Advisory& adv = sink.advisories[0];
  ExpectMatchesRecord(adv, rec, {});
  EXPECT_EQ(adv.summary, rec["summary"].get<std::string>());
  EXPECT_EQ(adv.details, rec["details"].get<std::string>());
  ASSERT_FALSE(adv.references.empty());
  EXPECT_EQ(adv.references[0], rec["database_specific"]["url"].get<std::string>());
  EXPECT_EQ(adv.references.size(), rec["references"].size() + 1);
  // golang.org/x/net: fixed in 0.7.0 per the file; stdlib kept under its own name.
  auto net = std::find_if(adv.affected.begin(), adv.affected.end(),
                          [](const AffectedPackage& p) { return p.package == "golang.org/x/net"; });
  ASSERT_NE(net, adv.affected.end());
  EXPECT_EQ(net->fixed_versions, std::vector<std::string>{rec["affected"][1]["ranges"][0]["events"][1]["fixed"]});
  EXPECT_EQ(net->affected.ranges[0].type, version::osv::RangeType::kSemver);
  const version::Scheme* go = version::FindScheme("go");
  EXPECT_TRUE(*version::osv::IsAffected(*go, "0.6.0", net->affected));
  EXPECT_FALSE(*version::osv::IsAffected(*go, "0.7.0", net->affected));
  EXPECT_EQ(adv.affected[0].package, "stdlib");
}

// ------------------------------------------------------------------------------------------
// PyPA advisory database (YAML), full

TEST(OsvImportTest, EveryPypaRecordImportsWithoutDiagnostics) {
  std::vector<fs::path> files = FilesUnder(VulnData() / "osv-pypi/vulns", ".yaml");
  int64_t expected_withdrawn = 0;
  int64_t records = 0;
  int64_t withdrawn = 0;
  CollectingSink sink;
  for (const fs::path& f : files) {
    std::string content = hullscan::testing::ReadFileOrFail(f);
    if (YAML::Load(content)["withdrawn"]) ++expected_withdrawn;
    auto file = ImportOsvYaml(f.string(), content, sink);
    ASSERT_TRUE(file.ok()) << file.error().message();
    records += file->records;
    withdrawn += file->withdrawn;
  }
  EXPECT_TRUE(sink.diagnostics.empty()) << sink.diagnostics.front();
  EXPECT_EQ(records, static_cast<int64_t>(files.size()));
  EXPECT_EQ(withdrawn, expected_withdrawn);
  EXPECT_EQ(records, 2661);
  EXPECT_EQ(withdrawn, 10);
  // Every ECOSYSTEM event is a PEP 440 version the evaluator accepts, except where the feed itself
  // is wrong. The importer keeps what the feed says (the matcher reports the evaluation error for
  // that one package); these are the feed's only non-PEP 440 event versions:
  //   PYSEC-2021-371 (binderhub) fixed "0.2.0-n653": a Helm chart build tag, not a PyPI release;
  //   PYSEC-2019-125 (steam)     fixed "2019-09-12": the Steam *client* release date, not a version.
  const std::set<std::pair<std::string, std::string>> kFeedErrors = {{"PYSEC-2021-371", "0.2.0-n653"},
                                                                     {"PYSEC-2019-125", "2019-09-12"}};
  std::set<std::pair<std::string, std::string>> invalid;
  const version::Scheme* pep440 = version::FindScheme("pep440");
  for (const Advisory& a : sink.advisories) {
    EXPECT_EQ(a.source, "pypa");
    for (const AffectedPackage& p : a.affected) {
      EXPECT_EQ(p.ecosystem, "pypi");
      EXPECT_EQ(p.scheme, "pep440");
      for (const version::osv::Range& r : p.affected.ranges) {
        if (r.type == version::osv::RangeType::kGit) continue;
        for (const version::osv::Event& e : r.events) {
          if (e.version == "0") continue;
          if (!pep440->Validate(e.version).ok()) {
            invalid.emplace(a.id, e.version);
            continue;
          }
          auto affected = version::osv::IsAffected(*pep440, e.version, p.affected);
          // A record with one invalid event cannot be evaluated at all: the evaluator says so.
          if (a.id == "PYSEC-2021-371" || a.id == "PYSEC-2019-125") continue;
          EXPECT_TRUE(affected.ok()) << a.id << " " << e.version << ": " << affected.error().message();
        }
      }
    }
  }
  EXPECT_EQ(invalid, kFeedErrors);
}

TEST(OsvImportTest, PysecRecordWithVersionsListMatchesItsFile) {
  fs::path path = VulnData() / "osv-pypi/vulns/accesscontrol/PYSEC-2021-335.yaml";
  std::string content = hullscan::testing::ReadFileOrFail(path);
  YAML::Node rec = YAML::Load(content);
  CollectingSink sink;
  ASSERT_TRUE(ImportOsvYaml(path.string(), content, sink).ok());
  ASSERT_EQ(sink.advisories.size(), 1u);
  ASSERT_TRUE(sink.diagnostics.empty());
  const Advisory& adv = sink.advisories[0];
  EXPECT_EQ(adv.id, rec["id"].as<std::string>());
  EXPECT_EQ(adv.source, "pypa");
  EXPECT_EQ(adv.aliases, SortedUnique(rec["aliases"].as<std::vector<std::string>>()));
  EXPECT_EQ(adv.published, rec["published"].as<std::string>());
  ASSERT_EQ(adv.affected.size(), 1u);
  const AffectedPackage& p = adv.affected[0];
  EXPECT_EQ(p.package, rec["affected"][0]["package"]["name"].as<std::string>());
  EXPECT_EQ(p.affected.versions, rec["affected"][0]["versions"].as<std::vector<std::string>>());
  ASSERT_FALSE(p.affected.versions.empty());
  std::vector<std::string> fixed;
  for (const YAML::Node& range : rec["affected"][0]["ranges"]) {
    if (range["type"].as<std::string>() == "GIT") continue;
    for (const YAML::Node& e : range["events"]) {
      if (e["fixed"]) fixed.push_back(e["fixed"].as<std::string>());
    }
  }
  EXPECT_EQ(p.fixed_versions, fixed);
  EXPECT_EQ(p.state, FixState::kFixed);
  // The primary reference is the ADVISORY one, wherever the feed put it.
  for (const YAML::Node& ref : rec["references"]) {
    if (ref["type"].as<std::string>() == "ADVISORY") {
      EXPECT_EQ(adv.references[0], ref["url"].as<std::string>());
    }
  }
  const version::Scheme* pep440 = version::FindScheme("pep440");
  for (const std::string& v : p.affected.versions) EXPECT_TRUE(*version::osv::IsAffected(*pep440, v, p.affected)) << v;
  for (const std::string& v : fixed) EXPECT_FALSE(*version::osv::IsAffected(*pep440, v, p.affected)) << v;
}

// A YAML record whose versions are unquoted numbers ("1.34") keeps them as written.
TEST(OsvImportTest, YamlScalarsStayStrings) {
  CollectingSink sink;
  ASSERT_TRUE(ImportOsvYaml("t.yaml",
                            "id: PYSEC-0-1\naffected:\n- package: {name: Foo_Bar, ecosystem: PyPI}\n"
                            "  ranges:\n  - type: ECOSYSTEM\n    events:\n    - introduced: 0\n    - fixed: 1.30\n"
                            "  versions: [1.0, 1.10]\nwithdrawn: 2024-01-01\n",
                            sink)
                  .ok());
  ASSERT_TRUE(sink.diagnostics.empty()) << sink.diagnostics.front();
  ASSERT_EQ(sink.advisories.size(), 1u);
  const AffectedPackage& p = sink.advisories[0].affected.at(0);
  EXPECT_EQ(p.package, "foo-bar");
  EXPECT_EQ(p.fixed_versions, std::vector<std::string>{"1.30"});
  EXPECT_EQ(p.affected.versions, (std::vector<std::string>{"1.0", "1.10"}));
  EXPECT_TRUE(sink.advisories[0].withdrawn);
}

// ------------------------------------------------------------------------------------------
// Samples: GHSA, Debian, Alpine, Ubuntu OSV

// The namespace the task defines for an OSV ecosystem string, written out independently of
// EcosystemNamespace; empty for ecosystems we skip.
std::string ExpectedNamespace(const std::string& ecosystem) {
  static const std::map<std::string, std::string> kLanguages = {
      {"PyPI", "pypi"},         {"npm", "npm"},     {"Go", "go"},       {"Maven", "maven"},
      {"crates.io", "crates.io"}, {"RubyGems", "rubygems"}, {"Packagist", "packagist"},
      {"NuGet", "nuget"},       {"Hex", "hex"},     {"Pub", "pub"}};
  if (auto it = kLanguages.find(ecosystem); it != kLanguages.end()) return it->second;
  std::smatch m;
  if (std::regex_match(ecosystem, m, std::regex(R"(Debian:([0-9.]+))"))) return "debian:" + m[1].str();
  if (std::regex_match(ecosystem, m, std::regex(R"(Alpine:v([0-9.]+))"))) return "alpine:" + m[1].str();
  if (std::regex_match(ecosystem, m, std::regex(R"(Ubuntu:Pro:([0-9.]+):LTS)"))) return "ubuntu-pro:" + m[1].str();
  if (std::regex_match(ecosystem, m, std::regex(R"(Ubuntu:([0-9.]+)(:LTS)?)"))) return "ubuntu:" + m[1].str();
  return "";
}

TEST(OsvImportTest, EverySampleOsvFileImportsAndMatchesItsFile) {
  std::vector<fs::path> files;
  for (const char* dir : {"samples/ghsa", "samples/debian/osv", "samples/alpine/osv", "samples/ubuntu/osv",
                          "samples/ubuntu/osv-esm-cases"}) {
    std::vector<fs::path> more = FilesUnder(VulnData() / dir, ".json");
    ASSERT_FALSE(more.empty()) << dir;
    files.insert(files.end(), more.begin(), more.end());
  }
  std::set<std::string> namespaces;
  std::set<std::string> expected_namespaces;
  for (const fs::path& f : files) {
    SCOPED_TRACE(f.string());
    std::string content = hullscan::testing::ReadFileOrFail(f);
    json rec = json::parse(content);
    CollectingSink sink;
    auto file = ImportOsvJson(f.string(), content, sink);
    ASSERT_TRUE(file.ok());
    EXPECT_TRUE(sink.diagnostics.empty()) << sink.diagnostics.front();
    ASSERT_EQ(sink.advisories.size(), 1u);
    EXPECT_EQ(file->withdrawn, rec.contains("withdrawn") ? 1 : 0);
    std::set<std::string> skipped;
    std::vector<std::pair<std::string, std::string>> expected_packages;
    for (const json& a : rec.value("affected", json::array())) {
      if (!a.contains("package")) continue;
      std::string eco = a["package"]["ecosystem"];
      std::string ns = ExpectedNamespace(eco);
      if (ns.empty()) {
        skipped.insert(eco);
        continue;
      }
      expected_namespaces.insert(ns);
      expected_packages.emplace_back(ns, NormalizePackageName(ns, a["package"]["name"].get<std::string>()));
    }
    const Advisory& adv = sink.advisories[0];
    ExpectMatchesRecord(adv, rec, skipped);
    std::vector<std::pair<std::string, std::string>> packages;
    for (const AffectedPackage& p : adv.affected) {
      packages.emplace_back(p.ecosystem, p.package);
      namespaces.insert(p.ecosystem);
      EXPECT_NE(version::FindScheme(p.scheme), nullptr) << p.ecosystem;
    }
    EXPECT_EQ(packages, expected_packages);
  }
  EXPECT_EQ(namespaces, expected_namespaces);
  for (const char* ns : {"debian:11", "debian:3.0", "alpine:3.18", "ubuntu:22.04", "ubuntu-pro:16.04", "npm", "maven",
                         "pypi", "go", "crates.io", "rubygems", "packagist", "nuget", "hex", "pub"}) {
    EXPECT_TRUE(namespaces.count(ns)) << ns;
  }
}

TEST(OsvImportTest, SourcesSeveritiesAndAliasesOfSamples) {
  CollectingSink sink;
  for (const char* rel : {"samples/ghsa/advisories/github-reviewed/2022/03/GHSA-xvch-5gv4-984h/GHSA-xvch-5gv4-984h.json",
                          "samples/debian/osv/DSA-135.json", "samples/alpine/osv/ALPINE-CVE-2023-46850.json",
                          "samples/ubuntu/osv/cve/2021/UBUNTU-CVE-2021-3782.json",
                          "samples/ubuntu/osv/usn/USN-5614-1.json", "samples/alpine/osv/CVE-2024-10524.json"}) {
    fs::path f = VulnData() / rel;
    ASSERT_TRUE(ImportOsvJson(f.string(), hullscan::testing::ReadFileOrFail(f), sink).ok()) << rel;
  }
  auto by_id = sink.ById();
  // GHSA: its own rating (database_specific.severity) on its CVSS entry.
  const Advisory& ghsa = *by_id.at("GHSA-xvch-5gv4-984h");
  json ghsa_file = json::parse(hullscan::testing::ReadFileOrFail(
      VulnData() / "samples/ghsa/advisories/github-reviewed/2022/03/GHSA-xvch-5gv4-984h/GHSA-xvch-5gv4-984h.json"));
  EXPECT_EQ(ghsa.source, "ghsa");
  ASSERT_EQ(ghsa.severities.size(), 1u);
  EXPECT_EQ(ghsa.severities[0].source, "ghsa");
  EXPECT_EQ(ghsa.severities[0].cvss_vector, ghsa_file["severity"][0]["score"].get<std::string>());
  EXPECT_EQ(ghsa.severities[0].cvss_version, "3.1");
  EXPECT_GT(ghsa.severities[0].cvss_score, 0.0);  // vulndb::CvssBaseScore
  EXPECT_EQ(ghsa.severities[0].level, ParseSeverity(ghsa_file["database_specific"]["severity"].get<std::string>()));
  // Debian: the DSA keeps its id; the CVEs it fixes ("related" in OSV.dev's conversion) are aliases.
  const Advisory& dsa = *by_id.at("DSA-135");
  EXPECT_EQ(dsa.source, "debian");
  EXPECT_EQ(dsa.aliases, std::vector<std::string>{"CVE-2002-0653"});
  EXPECT_EQ(dsa.affected.at(0).ecosystem, "debian:3.0");
  EXPECT_EQ(dsa.affected.at(0).scheme, "dpkg");
  EXPECT_EQ(by_id.at("ALPINE-CVE-2023-46850")->source, "alpine");
  EXPECT_EQ(by_id.at("ALPINE-CVE-2023-46850")->aliases, std::vector<std::string>{"CVE-2023-46850"});
  EXPECT_EQ(by_id.at("CVE-2024-10524")->source, "osv");
  // Ubuntu: the CVE from "upstream"; the Ubuntu priority; identical vectors kept once.
  const Advisory& ubuntu = *by_id.at("UBUNTU-CVE-2021-3782");
  EXPECT_EQ(ubuntu.source, "ubuntu");
  EXPECT_EQ(ubuntu.aliases, std::vector<std::string>{"CVE-2021-3782"});
  int ubuntu_levels = 0;
  int vectors = 0;
  for (const Severity& s : ubuntu.severities) {
    EXPECT_EQ(s.source, "ubuntu");
    if (s.cvss_vector.empty()) {
      EXPECT_EQ(s.level, SeverityLevel::kMedium);
      ++ubuntu_levels;
    } else {
      ++vectors;
    }
  }
  EXPECT_EQ(ubuntu_levels, 1);
  EXPECT_EQ(vectors, 1);
  EXPECT_EQ(by_id.at("USN-5614-1")->source, "ubuntu");
}

// ------------------------------------------------------------------------------------------
// Hostile and malformed input

TEST(OsvImportTest, MalformedJsonBecomesDiagnostics) {
  std::string good = hullscan::testing::ReadFileOrFail(VulnData() / "osv-go/data/osv/GO-2023-1571.json");
  struct Case {
    const char* name;
    std::string content;
    int64_t records;
    size_t diagnostics;
  };
  std::vector<Case> cases = {
      {"truncated", good.substr(0, good.size() / 2), 0, 1},
      {"empty", "", 0, 1},
      {"scalar document", "42", 0, 1},
      {"no id", R"({"summary": "x", "affected": []})", 0, 1},
      {"empty id", R"({"id": ""})", 0, 1},
      {"id not a string", R"({"id": 7})", 0, 1},
      {"affected not a list", R"({"id": "X-1", "affected": "all"})", 0, 1},
      {"events not a list", R"({"id": "X-1", "affected": [{"package": {"name": "a", "ecosystem": "npm"},
                                 "ranges": [{"type": "SEMVER", "events": {"fixed": "1"}}]}]})", 0, 1},
      {"version not a string", R"({"id": "X-1", "affected": [{"package": {"name": "a", "ecosystem": "npm"},
                                 "ranges": [{"type": "SEMVER", "events": [{"fixed": 1.2}]}]}]})", 0, 1},
      {"package without name", R"({"id": "X-1", "affected": [{"package": {"ecosystem": "npm"}}]})", 0, 1},
      {"array with a bad record", "[" + good + R"(, {"summary": "no id"}, 5])", 1, 2},
      {"invalid UTF-8", "{\"id\": \"X-\xff\"}", 0, 1},
      {"deep nesting", std::string(100000, '[') + std::string(100000, ']'), 0, 1},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    CollectingSink sink;
    auto file = ImportOsvJson("bad.json", c.content, sink);
    ASSERT_TRUE(file.ok()) << file.error().message();
    EXPECT_EQ(file->records, c.records);
    EXPECT_EQ(sink.diagnostics.size(), c.diagnostics);
    EXPECT_EQ(file->diagnostics, static_cast<int64_t>(c.diagnostics));
    for (const std::string& d : sink.diagnostics) EXPECT_TRUE(d.starts_with("bad.json: ")) << d;
  }
}

TEST(OsvImportTest, UnknownEcosystemsAndPackagelessEntriesAreSkippedQuietly) {
  CollectingSink sink;
  auto file = ImportOsvJson("t.json", R"({"id": "GHSA-aaaa-bbbb-cccc", "affected": [
      {"package": {"name": "x/y", "ecosystem": "GitHub Actions"}},
      {"ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}]}]},
      {"package": {"name": "Lodash", "ecosystem": "npm"},
       "ranges": [{"type": "FUTURE_TYPE", "events": [{"introduced": "0"}]},
                  {"type": "SEMVER", "events": [{"introduced": "0"}, {"last_affected": "4.17.20"}]}]}]})",
                            sink);
  ASSERT_TRUE(file.ok());
  EXPECT_TRUE(sink.diagnostics.empty());
  ASSERT_EQ(sink.advisories.size(), 1u);
  ASSERT_EQ(sink.advisories[0].affected.size(), 1u);
  const AffectedPackage& p = sink.advisories[0].affected[0];
  EXPECT_EQ(p.package, "lodash");
  EXPECT_EQ(p.state, FixState::kAffected);  // last_affected is no fix
  ASSERT_EQ(p.affected.ranges.size(), 1u);
  EXPECT_EQ(p.affected.ranges[0].events.back().kind, version::osv::Event::Kind::kLastAffected);
}

TEST(OsvImportTest, MalformedYamlBecomesDiagnostics) {
  struct Case {
    const char* name;
    const char* content;
  };
  for (const Case& c : std::vector<Case>{
           {"syntax error", "id: [unclosed\n"},
           {"aliases not a list", "id: PYSEC-1\naliases: CVE-1\n"},
           {"affected is a map", "id: PYSEC-1\naffected:\n  package: {name: a, ecosystem: PyPI}\n"},
           {"versions is a map", "id: PYSEC-1\naffected:\n- package: {name: a, ecosystem: PyPI}\n  versions: {a: b}\n"},
           {"summary is a list", "id: PYSEC-1\nsummary: [a, b]\n"},
           {"no id", "summary: x\n"},
           {"scalar document", "just text\n"},
           {"complex key", "? [a, b]\n: c\n"},
           {"deep nesting", "a: [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[x]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]\n"},
       }) {
    SCOPED_TRACE(c.name);
    CollectingSink sink;
    auto file = ImportOsvYaml("bad.yaml", c.content, sink);
    ASSERT_TRUE(file.ok()) << file.error().message();
    EXPECT_EQ(file->records, 0);
    EXPECT_EQ(sink.diagnostics.size(), 1u);
  }
}

// ------------------------------------------------------------------------------------------
// OSV.dev all.zip: hand-built archives (stored entries; a deflate bomb)

uint32_t Crc32(std::string_view data) {
  static const std::array<uint32_t, 256> table = [] {
    std::array<uint32_t, 256> t{};
    for (uint32_t i = 0; i < 256; ++i) {
      uint32_t c = i;
      for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
      t[i] = c;
    }
    return t;
  }();
  uint32_t crc = 0xFFFFFFFFu;
  for (unsigned char b : data) crc = table[(crc ^ b) & 0xFF] ^ (crc >> 8);
  return crc ^ 0xFFFFFFFFu;
}

void Put16(std::string& out, uint32_t v) {
  out.push_back(static_cast<char>(v & 0xFF));
  out.push_back(static_cast<char>((v >> 8) & 0xFF));
}
void Put32(std::string& out, uint32_t v) {
  Put16(out, v & 0xFFFF);
  Put16(out, v >> 16);
}

struct ZipMember {
  std::string name;
  std::string data;         // stored bytes (deflate stream when `deflated`)
  bool deflated = false;
  uint32_t size = 0;        // uncompressed size as declared (stored: data.size())
  uint32_t crc = 0;
};

ZipMember Stored(std::string name, std::string data) {
  ZipMember m{std::move(name), std::move(data)};
  m.size = static_cast<uint32_t>(m.data.size());
  m.crc = Crc32(m.data);
  return m;
}

std::string BuildZip(const std::vector<ZipMember>& members) {
  std::string out;
  std::string central;
  for (const ZipMember& m : members) {
    uint32_t offset = static_cast<uint32_t>(out.size());
    uint16_t method = m.deflated ? 8 : 0;
    Put32(out, 0x04034b50);
    Put16(out, 20);
    Put16(out, 0);
    Put16(out, method);
    Put16(out, 0);
    Put16(out, 0x21);  // 1980-01-01
    Put32(out, m.crc);
    Put32(out, static_cast<uint32_t>(m.data.size()));
    Put32(out, m.size);
    Put16(out, static_cast<uint32_t>(m.name.size()));
    Put16(out, 0);
    out += m.name;
    out += m.data;
    Put32(central, 0x02014b50);
    Put16(central, 0x031E);  // made by: Unix, 3.0
    Put16(central, 20);
    Put16(central, 0);
    Put16(central, method);
    Put16(central, 0);
    Put16(central, 0x21);
    Put32(central, m.crc);
    Put32(central, static_cast<uint32_t>(m.data.size()));
    Put32(central, m.size);
    Put16(central, static_cast<uint32_t>(m.name.size()));
    Put16(central, 0);
    Put16(central, 0);
    Put16(central, 0);
    Put16(central, 0);
    bool dir = m.name.ends_with("/");
    Put32(central, (dir ? 0040755u : 0100644u) << 16 | (dir ? 0x10u : 0u));
    Put32(central, offset);
    central += m.name;
  }
  uint32_t central_offset = static_cast<uint32_t>(out.size());
  out += central;
  Put32(out, 0x06054b50);
  Put16(out, 0);
  Put16(out, 0);
  Put16(out, static_cast<uint32_t>(members.size()));
  Put16(out, static_cast<uint32_t>(members.size()));
  Put32(out, static_cast<uint32_t>(central.size()));
  Put32(out, central_offset);
  Put16(out, 0);
  return out;
}

// A raw deflate stream (one fixed-Huffman block) that expands to 1 + 258 * matches zero bytes:
// a literal 0, then `matches` copies of (length 258, distance 1). 13 bits in, 258 bytes out.
std::string DeflateBomb(uint32_t matches) {
  std::string out;
  uint32_t bitbuf = 0;
  int bits = 0;
  auto put_bits = [&](uint32_t value, int n) {  // LSB first (header fields, extra bits)
    bitbuf |= value << bits;
    bits += n;
    while (bits >= 8) {
      out.push_back(static_cast<char>(bitbuf & 0xFF));
      bitbuf >>= 8;
      bits -= 8;
    }
  };
  auto put_code = [&](uint32_t code, int n) {  // Huffman codes go MSB first
    for (int i = n - 1; i >= 0; --i) put_bits((code >> i) & 1, 1);
  };
  put_bits(1, 1);  // BFINAL
  put_bits(1, 2);  // BTYPE = fixed Huffman
  put_code(0x30, 8);  // literal 0
  for (uint32_t i = 0; i < matches; ++i) {
    put_code(0xC5, 8);  // length symbol 285 = 258
    put_code(0, 5);     // distance symbol 0 = 1
  }
  put_code(0, 7);  // end of block
  if (bits > 0) put_bits(0, 8 - bits);
  return out;
}

TEST(OsvImportTest, ZipEntriesImportLikeTheirFiles) {
  std::vector<fs::path> files = FilesUnder(VulnData() / "osv-go", ".json");
  files.resize(25);
  std::vector<ZipMember> members = {Stored("osv/", "")};
  CollectingSink direct;
  for (const fs::path& f : files) {
    std::string content = hullscan::testing::ReadFileOrFail(f);
    members.push_back(Stored(f.filename().string(), content));
    ASSERT_TRUE(ImportOsvJson(f.string(), content, direct).ok());
  }
  members.push_back(Stored("README.md", "not a record"));
  CollectingSink sink;
  auto file = ImportOsvZip("all.zip", BuildZip(members), sink);
  ASSERT_TRUE(file.ok()) << file.error().message();
  EXPECT_EQ(file->format, kFormatOsvZip);
  EXPECT_TRUE(sink.diagnostics.empty()) << sink.diagnostics.front();
  EXPECT_EQ(file->records, 25);
  EXPECT_EQ(sink.advisories, direct.advisories);
}

TEST(OsvImportTest, ZipWithTraversalNamesIsDiagnosed) {
  std::string record = R"({"id": "GHSA-1111-2222-3333"})";
  std::vector<ZipMember> members = {Stored("../evil.json", record), Stored("/abs.json", record),
                                    Stored("a/../../b.json", record), Stored("ok/GO-1.json", record)};
  CollectingSink sink;
  auto file = ImportOsvZip("all.zip", BuildZip(members), sink);
  ASSERT_TRUE(file.ok());
  EXPECT_EQ(file->records, 1);
  EXPECT_EQ(sink.diagnostics.size(), 3u);
  for (const std::string& d : sink.diagnostics) EXPECT_NE(d.find("unsafe entry name"), std::string::npos) << d;
}

TEST(OsvImportTest, ZipBombAndGarbageAreDiagnosedNotExpanded) {
  // 280,000 matches: ~72 MB of zeros from ~455 KB, above the 64 MiB entry limit.
  ZipMember bomb;
  bomb.name = "bomb.json";
  bomb.data = DeflateBomb(280'000);
  bomb.deflated = true;
  for (uint32_t declared : {uint32_t{1000}, uint32_t{0xFFFFFFF0u}}) {  // a lying and an honest-ish size
    SCOPED_TRACE(declared);
    bomb.size = declared;
    CollectingSink sink;
    auto file = ImportOsvZip("all.zip", BuildZip({Stored("GO-1.json", R"({"id": "GO-1"})"), bomb}), sink);
    ASSERT_TRUE(file.ok());
    EXPECT_EQ(file->records, 1);  // what came before the bomb is kept
    ASSERT_EQ(sink.diagnostics.size(), 1u);
  }
  // The io limit itself, with a small bound: the bytes are counted, not the declared size.
  ZipMember small_bomb = bomb;
  small_bomb.size = 10;
  io::ZipLimits limits;
  limits.max_entry_bytes = 1 << 20;
  int visited = 0;
  Status s = io::ForEachZipEntry(BuildZip({small_bomb}), [&](std::string_view, std::string_view) -> Status {
    ++visited;
    return OkStatus();
  }, limits);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code(), ErrorCode::kLimitExceeded);
  EXPECT_EQ(visited, 0);

  for (std::string garbage : {std::string(), std::string("PK\x03\x04garbage", 11), std::string(1000, 'x'),
                              BuildZip({Stored("a.json", "{}")}).substr(0, 40)}) {
    CollectingSink sink;
    auto file = ImportOsvZip("all.zip", garbage, sink);
    ASSERT_TRUE(file.ok());
    EXPECT_EQ(file->records, 0);
  }
}

}  // namespace
}  // namespace hullscan::vulndb
