// Alpine secdb importer against the legacy alpine-secdb YAML (v3.3–v3.11, full), the secdb JSON and
// YAML samples, and the Wolfi secdb sample.
#include <algorithm>
#include <filesystem>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

#include "testing/testdata.h"
#include "version/apk.h"
#include "vulndb/collecting_sink.h"
#include "vulndb/import.h"

namespace hullscan::vulndb {
namespace {

namespace fs = std::filesystem;
using testing::CollectingSink;

fs::path VulnData() { return hullscan::testing::SharedDir() / "vulndata"; }

// Independent count of the advisories a secdb file yields: for every secfix entry under a key
// that is "0" or a valid apk version, its distinct CVE ids ("CVE 2018-16859" included), or 1
// when it has none but some other id.
int64_t CountFromYamlNode(const YAML::Node& root) {
  static const std::regex kCve(R"(CVE[-_ ](\d{4}-\d{4,}))");
  int64_t n = 0;
  for (const auto& item : root["packages"]) {
    YAML::Node secfixes = item["pkg"]["secfixes"];
    if (!secfixes || !secfixes.IsMap()) continue;
    for (const auto& kv : secfixes) {
      std::string key = kv.first.Scalar();
      if (key != "0" && !version::apk::IsValid(key)) continue;
      for (const auto& e : kv.second) {
        std::string s = e.Scalar();
        s = s.substr(0, s.find('('));
        std::set<std::string> cves;
        for (std::sregex_iterator it(s.begin(), s.end(), kCve), end; it != end; ++it) cves.insert((*it)[1]);
        if (!cves.empty()) n += static_cast<int64_t>(cves.size());
        else if (s.find('-') != std::string::npos) n += 1;
      }
    }
  }
  return n;
}

std::vector<fs::path> SecdbFiles() {
  std::vector<fs::path> files;
  for (const auto& dir : {VulnData() / "alpine-secdb-legacy", VulnData() / "samples/alpine/secdb-vuls",
                          VulnData() / "samples/alpine/secdb-vunnel", VulnData() / "samples/alpine/secdb-claircore"}) {
    for (const auto& e : fs::recursive_directory_iterator(dir)) {
      if (e.is_regular_file() && (e.path().extension() == ".yaml" || e.path().extension() == ".json")) {
        files.push_back(e.path());
      }
    }
  }
  files.push_back(VulnData() / "samples/alpine/wolfi-secdb-security.json");
  std::sort(files.begin(), files.end());
  return files;
}

TEST(AlpineImportTest, EveryFileImportsWithIndependentCounts) {
  std::vector<fs::path> files = SecdbFiles();
  ASSERT_GE(files.size(), 18u + 7u + 1u);
  int64_t total = 0;
  for (const fs::path& file : files) {
    std::string text = hullscan::testing::ReadFileOrFail(file);
    CollectingSink sink;
    auto feed = ImportAlpineSecdb(file.string(), text, sink);
    ASSERT_TRUE(feed.ok()) << file;
    EXPECT_EQ(feed->records, CountFromYamlNode(YAML::Load(text))) << file;  // yaml-cpp reads the JSON too
    EXPECT_EQ(feed->records, static_cast<int64_t>(sink.advisories.size()));
    total += feed->records;
    bool wolfi = file.filename() == "wolfi-secdb-security.json";
    for (const Advisory& a : sink.advisories) {
      EXPECT_EQ(a.source, wolfi ? "wolfi" : "alpine");
      ASSERT_EQ(a.affected.size(), 1u);
      EXPECT_EQ(a.affected[0].scheme, "apk");
      if (wolfi) {
        EXPECT_EQ(a.affected[0].ecosystem, "wolfi");
      } else {
        EXPECT_TRUE(a.affected[0].ecosystem.starts_with("alpine:")) << a.affected[0].ecosystem;
      }
    }
  }
  EXPECT_GT(total, 10000);
}

TEST(AlpineImportTest, V311MainNamedRecords) {
  fs::path file = VulnData() / "alpine-secdb-legacy/v3.11/main.yaml";
  CollectingSink sink;
  auto feed = ImportAlpineSecdb(file.string(), hullscan::testing::ReadFileOrFail(file), sink);
  ASSERT_TRUE(feed.ok());
  // The README: "v3.11/main: 175 packages, 1,204 CVE entries". Every entry holds one vulnerability
  // (a CVE, possibly with its XSA alias, or an XSA alone), so each gives one advisory, except —
  // deliberately — the 6 entries under keys that are not apk versions (apk-tools rejects them, and
  // an unparseable fixed version could never be compared at match time), one diagnostic per key:
  // opensmtpd "6.6.2p1-r0" (1 entry), python2 "2.7.16-33" (2), xen "4.10-1-r1" (3). A fourth
  // diagnostic names the placeholder in xen 4.12.1-r0's "CVE-????-?????  XSA-295", which is
  // imported under XSA-295.
  EXPECT_EQ(feed->records, 1204 - 6);
  EXPECT_EQ(feed->diagnostics, 4) << ::testing::PrintToString(sink.diagnostics);
  EXPECT_TRUE(sink.ById().count("XSA-295"));
  // "name: ansible / secfixes: 2.9.3-r0: [CVE-2019-14904, CVE-2019-14905]"
  bool found = false;
  for (const Advisory& a : sink.advisories) {
    if (a.id != "CVE-2019-14904") continue;
    found = true;
    const AffectedPackage& p = a.affected.at(0);
    EXPECT_EQ(p.ecosystem, "alpine:3.11");
    EXPECT_EQ(p.package, "ansible");
    EXPECT_EQ(p.state, FixState::kFixed);
    EXPECT_EQ(p.fixed_versions, std::vector<std::string>{"2.9.3-r0"});
    EXPECT_EQ(p.record, "alpine v3.11/main.yaml");
    ASSERT_EQ(p.affected.ranges.size(), 1u);
    EXPECT_EQ(p.affected.ranges[0].events[0].version, "0");
    EXPECT_EQ(p.affected.ranges[0].events[1].version, "2.9.3-r0");
  }
  EXPECT_TRUE(found);
  // xen: "- CVE-2017-8904 XSA-214" → id CVE, alias XSA-214; "- XSA-207" → keyed by XSA-207.
  auto by_id = sink.ById();
  ASSERT_TRUE(by_id.count("CVE-2017-8904"));
  EXPECT_EQ(by_id.at("CVE-2017-8904")->aliases, std::vector<std::string>{"XSA-214"});
  ASSERT_TRUE(by_id.count("XSA-207"));
  EXPECT_EQ(by_id.at("XSA-207")->affected.at(0).package, "xen");
}

TEST(AlpineImportTest, LegacyNoiseIsRepairedOrDiagnosed) {
  // v3.8/main.yaml: db has `"0": [CVE-2016-0682, …]` (Oracle Berkeley DB, "whitelist issues").
  fs::path file = VulnData() / "alpine-secdb-legacy/v3.8/main.yaml";
  CollectingSink sink;
  ASSERT_TRUE(ImportAlpineSecdb(file.string(), hullscan::testing::ReadFileOrFail(file), sink).ok());
  auto by_id = sink.ById();
  ASSERT_TRUE(by_id.count("CVE-2016-0682"));
  const AffectedPackage& db = by_id.at("CVE-2016-0682")->affected.at(0);
  EXPECT_EQ(db.package, "db");
  EXPECT_EQ(db.state, FixState::kNotAffected);
  EXPECT_TRUE(db.affected.ranges.empty());

  // Across the legacy set: keys that are no apk versions ("0.8.21.r2", "1.11-20-r0") are diagnosed;
  // "CVE-2017-8073.patch" is read as CVE-2017-8073.
  int64_t diagnostics = 0;
  bool patch_suffix = false;
  for (const auto& e : fs::recursive_directory_iterator(VulnData() / "alpine-secdb-legacy")) {
    if (!e.is_regular_file()) continue;
    CollectingSink s;
    auto feed = ImportAlpineSecdb(e.path().string(), hullscan::testing::ReadFileOrFail(e.path()), s);
    ASSERT_TRUE(feed.ok());
    diagnostics += feed->diagnostics;
    for (const Advisory& a : s.advisories) patch_suffix = patch_suffix || a.id == "CVE-2017-8073";
  }
  EXPECT_GT(diagnostics, 0);
  EXPECT_TRUE(patch_suffix);
}

TEST(AlpineImportTest, JsonEdgeAndWolfi) {
  CollectingSink edge;
  fs::path file = VulnData() / "samples/alpine/secdb-vuls/edge/main.json";
  ASSERT_TRUE(ImportAlpineSecdb(file.string(), hullscan::testing::ReadFileOrFail(file), edge).ok());
  // "distroversion": "edge", aom 3.1.1-r0: CVE-2021-30473 …
  ASSERT_FALSE(edge.advisories.empty());
  EXPECT_EQ(edge.ById().at("CVE-2021-30473")->affected.at(0).ecosystem, "alpine:edge");

  CollectingSink wolfi;
  file = VulnData() / "samples/alpine/wolfi-secdb-security.json";
  ASSERT_TRUE(ImportAlpineSecdb(file.string(), hullscan::testing::ReadFileOrFail(file), wolfi).ok());
  auto by_id = wolfi.ById();
  // coreutils "0": ["CVE-2016-2781"] → not affected in Wolfi.
  const AffectedPackage& coreutils = by_id.at("CVE-2016-2781")->affected.at(0);
  EXPECT_EQ(coreutils.ecosystem, "wolfi");
  EXPECT_EQ(coreutils.package, "coreutils");
  EXPECT_EQ(coreutils.state, FixState::kNotAffected);
  // binutils 2.39-r2: CVE-2022-38533
  EXPECT_EQ(by_id.at("CVE-2022-38533")->affected.at(0).fixed_versions, std::vector<std::string>{"2.39-r2"});
  // A GHSA id alone under "0" is keyed by itself.
  EXPECT_TRUE(by_id.count("GHSA-jq35-85cj-fj4p"));
}

TEST(AlpineImportTest, HandFixtureWithZeroKeyAndBranchFromPath) {
  // Copied from v3.11/main.yaml's "name: ansible" record, without distroversion, plus a "0" key
  // (no real legacy or JSON sample of v3.11 has one; openssl's APKBUILD writes such blocks).
  const char* text =
      "reponame: main\n"
      "packages:\n"
      "  - pkg:\n"
      "      name: ansible\n"
      "      secfixes:\n"
      "        2.9.3-r0:\n"
      "          - CVE-2019-14904\n"
      "          - CVE-2019-14905\n"
      "        0:\n"
      "          - CVE-2019-0001 CVE-2019-0002 XSA-1\n"
      "          - CVE-2017-16808 (AoE)\n"
      "        not-a-version:\n"
      "          - CVE-2019-0003\n"
      "  - pkg: {}\n"
      "  - pkg:\n"
      "      name: broken\n"
      "      secfixes: [1, 2]\n";
  CollectingSink sink;
  auto feed = ImportAlpineSecdb("/mirror/v3.11/main.yaml", text, sink);
  ASSERT_TRUE(feed.ok());
  EXPECT_EQ(feed->records, 5);  // 2 + 2 + 1
  EXPECT_EQ(feed->diagnostics, 3);  // not-a-version, pkg without name, secfixes not a mapping
  auto by_id = sink.ById();
  const Advisory* zero = by_id.at("CVE-2019-0002");
  EXPECT_EQ(zero->aliases, std::vector<std::string>{"XSA-1"});
  EXPECT_EQ(zero->affected.at(0).state, FixState::kNotAffected);
  EXPECT_EQ(zero->affected.at(0).ecosystem, "alpine:3.11");
  EXPECT_EQ(by_id.at("CVE-2017-16808")->affected.at(0).state, FixState::kNotAffected);
  EXPECT_FALSE(by_id.count("CVE-2019-0003"));
}

TEST(AlpineImportTest, MalformedFilesGiveDiagnostics) {
  std::string real = hullscan::testing::ReadFileOrFail(VulnData() / "samples/alpine/secdb-vunnel/v3.15/main.yaml");
  std::string json = hullscan::testing::ReadFileOrFail(VulnData() / "samples/alpine/secdb-vuls/v3.16/main.json");
  for (const std::string& bad : {json.substr(0, json.size() / 2), std::string("{\"packages\": 5}"),
                                 std::string("- just\n- a list\n"), std::string("key: [unclosed"),
                                 std::string("packages:\n  - pkg:\n      name: x\n      secfixes:\n        1.0-r0: nope\n")}) {
    CollectingSink sink;
    auto feed = ImportAlpineSecdb("/x/v3.15/main.yaml", bad, sink);
    ASSERT_TRUE(feed.ok());
    EXPECT_EQ(feed->records, 0) << bad;
    EXPECT_GE(feed->diagnostics, 1) << bad;
  }
  // A file that names no branch, in a path that names none either.
  CollectingSink sink;
  auto feed = ImportAlpineSecdb("/x/main.yaml", "packages: []\n", sink);
  ASSERT_TRUE(feed.ok());
  EXPECT_EQ(feed->diagnostics, 1);
  // Truncated real YAML still imports what precedes the cut, or diagnoses.
  CollectingSink cut;
  ASSERT_TRUE(ImportAlpineSecdb("/x/v3.15/main.yaml", real.substr(0, real.size() - 30), cut).ok());
}

}  // namespace
}  // namespace hullscan::vulndb
