// NVD CVE API 2.0 importer against the NVD samples.
#include <filesystem>
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

fs::path NvdDir() { return hullscan::testing::SharedDir() / "vulndata/samples/nvd"; }

TEST(NvdImportTest, EveryCvePageImports) {
  for (const char* name : {"api2-cves-page-vunnel.json", "api2-single-entry-vunnel.json", "api2-cves-page-vuls.json"}) {
    std::string text = hullscan::testing::ReadFileOrFail(NvdDir() / name);
    Json doc = Json::parse(text);
    CollectingSink sink;
    auto feed = ImportNvdApi(name, text, sink);
    ASSERT_TRUE(feed.ok());
    EXPECT_EQ(feed->records, static_cast<int64_t>(doc["vulnerabilities"].size())) << name;
    EXPECT_EQ(feed->diagnostics, 0) << name;
    int64_t rejected = 0;
    for (size_t i = 0; i < doc["vulnerabilities"].size(); ++i) {
      const Json& cve = doc["vulnerabilities"][i]["cve"];
      const Advisory& adv = sink.advisories.at(i);
      EXPECT_EQ(adv.id, cve["id"]);
      EXPECT_EQ(adv.source, "nvd");
      EXPECT_TRUE(adv.affected.empty());
      EXPECT_EQ(adv.published, cve["published"]);
      EXPECT_EQ(adv.modified, cve["lastModified"]);
      bool is_rejected = cve["vulnStatus"] == "Rejected";
      rejected += is_rejected;
      EXPECT_EQ(adv.withdrawn, is_rejected);
      for (const Json& d : cve["descriptions"]) {
        if (d["lang"] == "en") {
          EXPECT_EQ(adv.summary, d["value"]);
          break;
        }
      }
      // One severity per CVSS version present; NVD's Primary metric when there is one.
      int versions = 0;
      const Json metrics = cve.value("metrics", Json::object());
      for (const auto& [key, list] : metrics.items()) {
        if (!key.starts_with("cvssMetric")) continue;
        ++versions;
        const Json* chosen = &list[0];
        for (const Json& m : list) {
          if (m["type"] == "Primary") {
            chosen = &m;
            break;
          }
        }
        bool found = false;
        for (const Severity& s : adv.severities) {
          if (s.cvss_vector == (*chosen)["cvssData"]["vectorString"] && s.cvss_score == (*chosen)["cvssData"]["baseScore"]) {
            found = true;
          }
        }
        EXPECT_TRUE(found) << adv.id << " " << key;
      }
      EXPECT_EQ(static_cast<int>(adv.severities.size()), versions) << adv.id;
    }
    EXPECT_EQ(feed->withdrawn, rejected);
  }
}

TEST(NvdImportTest, Log4Shell) {
  // api2-cves-page-vuls.json: CVE-2021-44228, v3.1 Primary 10.0 CRITICAL, v2 Primary 9.3 (baseSeverity "HIGH" outside cvssData).
  CollectingSink sink;
  ASSERT_TRUE(ImportNvdApi("p", hullscan::testing::ReadFileOrFail(NvdDir() / "api2-cves-page-vuls.json"), sink).ok());
  const Advisory& a = sink.advisories.at(0);
  EXPECT_EQ(a.id, "CVE-2021-44228");
  ASSERT_EQ(a.severities.size(), 2u);
  EXPECT_EQ(a.severities[0].cvss_version, "3.1");  // v3.1 before v2
  EXPECT_EQ(a.severities[0].level, SeverityLevel::kCritical);
  EXPECT_EQ(a.severities[1].cvss_version, "2.0");
  EXPECT_EQ(a.severities[1].level, SeverityLevel::kHigh);
  EXPECT_EQ(a.references.at(0), "https://nvd.nist.gov/vuln/detail/CVE-2021-44228");
}

TEST(NvdImportTest, NonCvePagesAndMalformedInput) {
  // The CPE-match page is an NVD API response without CVE records.
  CollectingSink sink;
  auto feed = ImportNvdApi("cpematch", hullscan::testing::ReadFileOrFail(NvdDir() / "api2-cpematch-page-vuls.json"), sink);
  ASSERT_TRUE(feed.ok());
  EXPECT_EQ(feed->records, 0);
  EXPECT_EQ(feed->diagnostics, 1);

  std::string real = hullscan::testing::ReadFileOrFail(NvdDir() / "api2-single-entry-vunnel.json");
  for (const std::string& bad : {real.substr(0, 500), std::string("[]"),
                                 std::string(R"({"vulnerabilities": [1, {"cve": {"id": 5}}, {"cve": {"id": "CVE-1-1", "metrics": {"cvssMetricV31": [{"type": "Primary"}]}, "vulnStatus": "Rejected"}}]})")}) {
    CollectingSink s;
    auto f = ImportNvdApi("bad", bad, s);
    ASSERT_TRUE(f.ok());
    EXPECT_GE(f->diagnostics, 1);
  }
  CollectingSink s;
  auto f = ImportNvdApi("bad", R"({"vulnerabilities": [{"cve": {"id": "CVE-2099-1", "vulnStatus": "Rejected"}}]})", s);
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->withdrawn, 1);
  EXPECT_TRUE(s.advisories.at(0).withdrawn);
}

}  // namespace
}  // namespace hullscan::vulndb
