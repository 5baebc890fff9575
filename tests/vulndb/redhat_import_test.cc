// Red Hat CSAF VEX importer against the three complete VEX documents in samples/redhat/csaf-vex.
#include <algorithm>
#include <filesystem>
#include <map>
#include <set>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "testing/testdata.h"
#include "vulndb/collecting_sink.h"
#include "vulndb/import.h"

namespace hullscan::vulndb {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;
using testing::CollectingSink;

fs::path VexDir() { return hullscan::testing::SharedDir() / "vulndata/samples/redhat/csaf-vex"; }

Advisory ImportOne(const std::string& name, CollectingSink& sink) {
  fs::path file = VexDir() / name;
  auto feed = ImportRedhatCsafVex(file.string(), hullscan::testing::ReadFileOrFail(file), sink);
  EXPECT_TRUE(feed.ok());
  EXPECT_EQ(feed->records, 1);
  EXPECT_EQ(feed->diagnostics, 0);
  for (const std::string& d : sink.diagnostics) ADD_FAILURE() << d;
  return sink.advisories.empty() ? Advisory() : sink.advisories[0];
}

const AffectedPackage* Find(const Advisory& adv, std::string_view ns, std::string_view pkg) {
  for (const AffectedPackage& a : adv.affected) {
    if (a.ecosystem == ns && a.package == pkg) return &a;
  }
  return nullptr;
}

TEST(RedhatImportTest, Curl38545) {
  CollectingSink sink;
  Advisory adv = ImportOne("cve-2023-38545.json", sink);
  Json doc = Json::parse(hullscan::testing::ReadFileOrFail(VexDir() / "cve-2023-38545.json"));
  EXPECT_EQ(adv.id, doc["document"]["tracking"]["id"]);
  EXPECT_EQ(adv.source, "redhat");
  EXPECT_EQ(adv.summary, doc["vulnerabilities"][0]["title"]);
  EXPECT_EQ(adv.published, "2023-10-11T00:00:00+00:00");
  // threats: impact "Important"; scores: CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:H 8.1
  ASSERT_EQ(adv.severities.size(), 1u);
  EXPECT_EQ(adv.severities[0].source, "redhat");
  EXPECT_EQ(adv.severities[0].level, SeverityLevel::kHigh);
  EXPECT_EQ(adv.severities[0].cvss_vector, doc["vulnerabilities"][0]["scores"][0]["cvss_v3"]["vectorString"]);
  // The vendor_fix RHSAs become aliases.
  EXPECT_TRUE(std::find(adv.aliases.begin(), adv.aliases.end(), "RHSA-2023:6745") != adv.aliases.end());

  // RHEL 9: AppStream-9.3.0.Z.MAIN curl-0:7.76.1-26.el9_3.2 (RHSA-2023:6745) and
  // AppStream-9.2.0.Z.MAIN.EUS curl-0:7.76.1-23.el9_2.4 (RHSA-2023:5763) both carry the
  // enterprise_linux:9 CPE; the higher fix is kept.
  const AffectedPackage* curl9 = Find(adv, "redhat:9", "curl");
  ASSERT_NE(curl9, nullptr);
  EXPECT_EQ(curl9->state, FixState::kFixed);
  EXPECT_EQ(curl9->scheme, "rpm");
  EXPECT_EQ(curl9->fixed_versions, std::vector<std::string>{"7.76.1-26.el9_3.2"});
  EXPECT_EQ(curl9->record, "RHSA-2023:6745");
  ASSERT_EQ(curl9->affected.ranges.size(), 1u);
  EXPECT_EQ(curl9->affected.ranges[0].events[1].version, "7.76.1-26.el9_3.2");
  ASSERT_NE(Find(adv, "redhat:9", "libcurl"), nullptr);
  EXPECT_EQ(Find(adv, "redhat:9", "curl-debuginfo"), nullptr);  // debug packages skipped

  // RHEL 6/7/8: known_not_affected "red_hat_enterprise_linux_8:curl" …
  for (const char* ns : {"redhat:6", "redhat:7", "redhat:8"}) {
    const AffectedPackage* curl = Find(adv, ns, "curl");
    ASSERT_NE(curl, nullptr) << ns;
    EXPECT_EQ(curl->state, FixState::kNotAffected) << ns;
  }
  // Layered products (Satellite's puppet-agent, JBCS's jbcs-httpd24-curl) and EUS streams are skipped.
  for (const AffectedPackage& a : adv.affected) {
    EXPECT_TRUE(a.ecosystem.starts_with("redhat:")) << a.ecosystem;
    EXPECT_FALSE(a.package.starts_with("jbcs-")) << a.package;
    EXPECT_NE(a.package, "puppet-agent");
  }
}

TEST(RedhatImportTest, SambaOnlyNotAffected) {
  CollectingSink sink;
  Advisory adv = ImportOne("cve-2023-4154.json", sink);
  EXPECT_EQ(adv.id, "CVE-2023-4154");
  EXPECT_EQ(adv.severities.at(0).level, SeverityLevel::kMedium);  // "Moderate"
  ASSERT_FALSE(adv.affected.empty());
  for (const AffectedPackage& a : adv.affected) EXPECT_EQ(a.state, FixState::kNotAffected) << a.package;
  ASSERT_NE(Find(adv, "redhat:9", "samba"), nullptr);
  // Independent count: distinct (platform, component) of known_not_affected on RHEL platforms.
  Json doc = Json::parse(hullscan::testing::ReadFileOrFail(VexDir() / "cve-2023-4154.json"));
  std::set<std::string> expected;
  for (const Json& id : doc["vulnerabilities"][0]["product_status"]["known_not_affected"]) {
    std::string s = id;
    if (!s.starts_with("red_hat_enterprise_linux_")) continue;
    std::string major = s.substr(25, s.find(':') - 25);
    std::string pkg = s.substr(s.find(':') + 1);
    if (pkg.ends_with(".src")) pkg.resize(pkg.size() - 4);
    if (pkg.ends_with("-debuginfo") || pkg.ends_with("-debugsource")) continue;
    expected.insert("redhat:" + major + " " + pkg);
  }
  std::set<std::string> got;
  for (const AffectedPackage& a : adv.affected) got.insert(a.ecosystem + " " + a.package);
  EXPECT_EQ(got, expected);
}

TEST(RedhatImportTest, FirefoxOutOfSupportScope) {
  CollectingSink sink;
  Advisory adv = ImportOne("cve-2023-6212.json", sink);
  // known_affected red_hat_enterprise_linux_6:firefox with remediation no_fix_planned
  // "Out of support scope" → end of life (Trivy's mapping of that text).
  const AffectedPackage* ff6 = Find(adv, "redhat:6", "firefox");
  ASSERT_NE(ff6, nullptr);
  EXPECT_EQ(ff6->state, FixState::kEndOfLife);
  EXPECT_EQ(ff6->note, "Out of support scope");
  // RHEL 7 client/server/workstation products merge into one redhat:7 entry.
  const AffectedPackage* ff7 = Find(adv, "redhat:7", "firefox");
  ASSERT_NE(ff7, nullptr);
  EXPECT_EQ(ff7->fixed_versions, std::vector<std::string>{"115.5.0-1.el7_9"});
  EXPECT_EQ(ff7->record, "RHSA-2023:7509");
  // RHEL 8: AppStream-8.9.0.Z.MAIN (enterprise_linux:8) is kept; the AUS/E4S/TUS/EUS streams are not.
  EXPECT_EQ(Find(adv, "redhat:8", "thunderbird")->fixed_versions, std::vector<std::string>{"115.5.0-1.el8_9"});
}

TEST(RedhatImportTest, HandFixtureStatesAndModules) {
  // Shaped like the samples, with the remediation texts and a module stream they lack.
  const char* text = R"({
    "document": {"tracking": {"id": "CVE-2099-0001", "current_release_date": "2099-01-01T00:00:00+00:00"}},
    "product_tree": {
      "branches": [{"category": "vendor", "name": "Red Hat", "branches": [
        {"category": "product_family", "name": "RHEL 9", "branches": [
          {"category": "product_name", "name": "RHEL 9", "product": {"name": "RHEL 9", "product_id": "red_hat_enterprise_linux_9",
            "product_identification_helper": {"cpe": "cpe:/o:redhat:enterprise_linux:9"}}},
          {"category": "product_name", "name": "AppStream", "product": {"name": "AppStream", "product_id": "AppStream-9.3.0.Z.MAIN",
            "product_identification_helper": {"cpe": "cpe:/a:redhat:enterprise_linux:9::appstream"}}}]},
        {"category": "product_version", "name": "a", "product": {"name": "a", "product_id": "a", "product_identification_helper": {"purl": "pkg:rpm/redhat/a"}}},
        {"category": "product_version", "name": "b", "product": {"name": "b", "product_id": "b", "product_identification_helper": {"purl": "pkg:rpm/redhat/b"}}},
        {"category": "product_version", "name": "c", "product": {"name": "c", "product_id": "c", "product_identification_helper": {"purl": "pkg:rpm/redhat/c"}}},
        {"category": "product_version", "name": "nodejs", "product": {"name": "nodejs", "product_id": "nodejs-1:18.18.2-2.module+el9.3.0.src",
          "product_identification_helper": {"purl": "pkg:rpm/redhat/nodejs@18.18.2-2.module%2Bel9.3.0?arch=src&epoch=1&rpmmod=nodejs:18:9030020231027151036:rhel9"}}}]}],
      "relationships": [
        {"category": "default_component_of", "full_product_name": {"name": "a", "product_id": "red_hat_enterprise_linux_9:a"}, "product_reference": "a", "relates_to_product_reference": "red_hat_enterprise_linux_9"},
        {"category": "default_component_of", "full_product_name": {"name": "b", "product_id": "red_hat_enterprise_linux_9:b"}, "product_reference": "b", "relates_to_product_reference": "red_hat_enterprise_linux_9"},
        {"category": "default_component_of", "full_product_name": {"name": "c", "product_id": "red_hat_enterprise_linux_9:c"}, "product_reference": "c", "relates_to_product_reference": "red_hat_enterprise_linux_9"},
        {"category": "default_component_of", "full_product_name": {"name": "n", "product_id": "AppStream-9.3.0.Z.MAIN:nodejs:18::nodejs-1:18.18.2-2.module+el9.3.0.src"},
          "product_reference": "nodejs:18::nodejs-1:18.18.2-2.module+el9.3.0.src", "relates_to_product_reference": "AppStream-9.3.0.Z.MAIN"}]
    },
    "vulnerabilities": [{
      "cve": "CVE-2099-0001", "title": "t",
      "product_status": {"known_affected": ["red_hat_enterprise_linux_9:a", "red_hat_enterprise_linux_9:b"],
                         "under_investigation": ["red_hat_enterprise_linux_9:c"],
                         "fixed": ["AppStream-9.3.0.Z.MAIN:nodejs:18::nodejs-1:18.18.2-2.module+el9.3.0.src"]},
      "remediations": [
        {"category": "no_fix_planned", "details": "Will not fix", "product_ids": ["red_hat_enterprise_linux_9:a"]},
        {"category": "none_available", "details": "Fix deferred", "product_ids": ["red_hat_enterprise_linux_9:b"]},
        {"category": "vendor_fix", "details": "x", "url": "https://access.redhat.com/errata/RHSA-2099:1",
         "product_ids": ["AppStream-9.3.0.Z.MAIN:nodejs:18::nodejs-1:18.18.2-2.module+el9.3.0.src"]}]
    }]
  })";
  CollectingSink sink;
  auto feed = ImportRedhatCsafVex("fixture.json", text, sink);
  ASSERT_TRUE(feed.ok());
  ASSERT_EQ(sink.advisories.size(), 1u);
  const Advisory& adv = sink.advisories[0];
  EXPECT_EQ(Find(adv, "redhat:9", "a")->state, FixState::kWillNotFix);
  EXPECT_EQ(Find(adv, "redhat:9", "b")->state, FixState::kDeferred);
  EXPECT_EQ(Find(adv, "redhat:9", "c")->state, FixState::kAffected);
  EXPECT_EQ(Find(adv, "redhat:9", "c")->note, "Under investigation");
  const AffectedPackage* node = Find(adv, "redhat:9", "nodejs");
  ASSERT_NE(node, nullptr);
  EXPECT_EQ(node->fixed_versions, std::vector<std::string>{"1:18.18.2-2.module+el9.3.0"});
  EXPECT_EQ(node->note, "module nodejs:18");
  EXPECT_EQ(node->record, "RHSA-2099:1");
}

TEST(RedhatImportTest, MalformedDocumentsGiveDiagnostics) {
  std::string real = hullscan::testing::ReadFileOrFail(VexDir() / "cve-2023-4154.json");
  for (const std::string& bad : {real.substr(0, real.size() / 3), std::string("[]"), std::string("{}"),
                                 std::string(R"({"vulnerabilities": "x", "product_tree": 3})"),
                                 std::string(R"({"vulnerabilities": [5, {"title": "no id"}]})")}) {
    CollectingSink sink;
    auto feed = ImportRedhatCsafVex("bad.json", bad, sink);
    ASSERT_TRUE(feed.ok());
    EXPECT_EQ(feed->records, 0);
    EXPECT_GE(feed->diagnostics, 1);
  }
}

}  // namespace
}  // namespace hullscan::vulndb
