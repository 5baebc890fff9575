// CISA KEV importer against the full catalogue in vulndata/kev.
#include <filesystem>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "testing/testdata.h"
#include "vulndb/collecting_sink.h"
#include "vulndb/import.h"

namespace hullscan::vulndb {
namespace {

using Json = nlohmann::json;
using testing::CollectingSink;

std::filesystem::path KevFile() {
  return hullscan::testing::SharedDir() / "vulndata/kev/known_exploited_vulnerabilities.json";
}

TEST(KevImportTest, FullCatalogue) {
  std::string text = hullscan::testing::ReadFileOrFail(KevFile());
  Json doc = Json::parse(text);
  CollectingSink sink;
  auto feed = ImportKev(KevFile().string(), text, sink);
  ASSERT_TRUE(feed.ok());
  EXPECT_EQ(feed->format, kFormatKev);
  EXPECT_EQ(feed->records, doc["count"].get<int64_t>());
  EXPECT_EQ(feed->date, doc["dateReleased"]);
  EXPECT_EQ(feed->diagnostics, 0);
  ASSERT_EQ(sink.kev.size(), doc["vulnerabilities"].size());
  int64_t known = 0;
  for (size_t i = 0; i < sink.kev.size(); ++i) {
    const Json& v = doc["vulnerabilities"][i];
    const KevEntry& e = sink.kev[i];
    EXPECT_EQ(e.cve, v["cveID"]);
    EXPECT_EQ(e.vendor_project, v["vendorProject"]);
    EXPECT_EQ(e.product, v["product"]);
    EXPECT_EQ(e.name, v["vulnerabilityName"]);
    EXPECT_EQ(e.date_added, v["dateAdded"]);
    EXPECT_EQ(e.due_date, v["dueDate"]);
    EXPECT_EQ(e.ransomware, v["knownRansomwareCampaignUse"] == "Known");
    known += e.ransomware;
  }
  EXPECT_GT(known, 0);
  // The first entry of the 2025.08.25 catalogue.
  EXPECT_EQ(sink.kev[0].cve, "CVE-2025-48384");
  EXPECT_EQ(sink.kev[0].vendor_project, "Git");
  EXPECT_EQ(sink.kev[0].date_added, "2025-08-25");
}

TEST(KevImportTest, MalformedInput) {
  std::string text = hullscan::testing::ReadFileOrFail(KevFile());
  for (const std::string& bad : {text.substr(0, text.size() / 2), std::string("[]"), std::string("{\"count\": 1}")}) {
    CollectingSink sink;
    auto feed = ImportKev("bad", bad, sink);
    ASSERT_TRUE(feed.ok());
    EXPECT_EQ(feed->records, 0);
    EXPECT_EQ(feed->diagnostics, 1);
  }
  CollectingSink sink;
  auto feed = ImportKev("bad", R"({"count": 3, "vulnerabilities": [5, {"cveID": 7}, {"cveID": "CVE-2099-1"}]})", sink);
  ASSERT_TRUE(feed.ok());
  EXPECT_EQ(feed->records, 1);
  EXPECT_EQ(feed->diagnostics, 2);  // two bad entries; the count matches the array length
}

}  // namespace
}  // namespace hullscan::vulndb
