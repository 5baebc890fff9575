// EPSS CSV importer against the EPSS samples (v1 2021, v2 2022, v3 2023 models; gzip and plain).
#include <filesystem>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "io/compression.h"
#include "io/reader.h"
#include "testing/testdata.h"
#include "vulndb/collecting_sink.h"
#include "vulndb/import.h"

namespace hullscan::vulndb {
namespace {

namespace fs = std::filesystem;
using testing::CollectingSink;

fs::path EpssDir() { return hullscan::testing::SharedDir() / "vulndata/samples/epss"; }

std::string Plain(const std::string& content) {
  auto reader = io::NewDecompressingReader(io::NewStringReader(content));
  EXPECT_TRUE(reader.ok());
  auto all = io::ReadAll(**reader, 1 << 20);
  EXPECT_TRUE(all.ok());
  return all.ok() ? *all : std::string();
}

int64_t DataRows(const std::string& text) {
  std::istringstream in(text);
  int64_t n = 0;
  for (std::string line; std::getline(in, line);) n += line.starts_with("CVE-");
  return n;
}

TEST(EpssImportTest, EverySampleImports) {
  struct Expect {
    const char* file;
    const char* date;
    bool percentile;
  };
  for (const Expect& e : {Expect{"epss_scores-2021-04-14.csv.gz", "2021-04-14", false},
                          Expect{"epss_scores-2022-02-04.csv.gz", "2022-02-04", true},
                          Expect{"epss_scores-2023-03-07.csv.gz", "2023-03-07", true},
                          Expect{"example-1.csv", "2025-02-20", true}}) {
    std::string content = hullscan::testing::ReadFileOrFail(EpssDir() / e.file);
    CollectingSink sink;
    auto feed = ImportEpssCsv((EpssDir() / e.file).string(), content, sink);
    ASSERT_TRUE(feed.ok()) << e.file;
    EXPECT_EQ(feed->format, kFormatEpss);
    // v1 files carry no date inside: it comes from the file name; v2/v3 from score_date.
    EXPECT_EQ(feed->date, e.date) << e.file;
    EXPECT_EQ(feed->records, DataRows(Plain(content))) << e.file;
    EXPECT_GT(feed->records, 0);
    EXPECT_EQ(feed->diagnostics, 0);
    for (const EpssScore& s : sink.epss) {
      EXPECT_EQ(s.date, e.date);
      EXPECT_GT(s.score, 0);
      EXPECT_LE(s.score, 1);
      if (e.percentile) {
        EXPECT_GT(s.percentile, 0);
      }
    }
  }
}

TEST(EpssImportTest, NamedRows) {
  // epss_scores-2021-04-14.csv.gz: "CVE-2020-5902,0.65117"; 2023-03-07: "CVE-2020-5902,0.97567,0.99995".
  CollectingSink v1, v3;
  ASSERT_TRUE(ImportEpssCsv("epss_scores-2021-04-14.csv.gz",
                            hullscan::testing::ReadFileOrFail(EpssDir() / "epss_scores-2021-04-14.csv.gz"), v1).ok());
  ASSERT_TRUE(ImportEpssCsv("x.csv.gz", hullscan::testing::ReadFileOrFail(EpssDir() / "epss_scores-2023-03-07.csv.gz"), v3)
                  .ok());
  EXPECT_EQ(v1.epss.at(0).cve, "CVE-2020-5902");
  EXPECT_DOUBLE_EQ(v1.epss.at(0).score, 0.65117);
  EXPECT_EQ(v3.epss.at(0).cve, "CVE-2020-5902");
  EXPECT_DOUBLE_EQ(v3.epss.at(0).score, 0.97567);
  EXPECT_DOUBLE_EQ(v3.epss.at(0).percentile, 0.99995);
  EXPECT_EQ(v3.epss.at(0).date, "2023-03-07");
}

TEST(EpssImportTest, MalformedInput) {
  std::string gz = hullscan::testing::ReadFileOrFail(EpssDir() / "epss_scores-2023-03-07.csv.gz");
  {
    CollectingSink sink;  // truncated gzip
    auto feed = ImportEpssCsv("t.csv.gz", gz.substr(0, gz.size() - 20), sink);
    ASSERT_TRUE(feed.ok());
    EXPECT_EQ(feed->records, 0);
    EXPECT_EQ(feed->diagnostics, 1);
  }
  {
    CollectingSink sink;
    auto feed = ImportEpssCsv("x.csv",
                              "#model_version:v1,score_date:yesterday\n"
                              "cve,epss,percentile\n"
                              "CVE-2099-1,0.5,0.9\n"
                              "CVE-2099-2,abc,0.1\n"
                              "CVE-2099-3,1.5,0.1\n"
                              "NOPE,0.1,0.1\n"
                              "CVE-2099-4,0.1\n"
                              "CVE-2099-5,0.2,0.3\r\n",
                              sink);
    ASSERT_TRUE(feed.ok());
    EXPECT_EQ(feed->records, 2);
    EXPECT_EQ(feed->diagnostics, 5);  // bad date, abc, 1.5, NOPE, missing percentile
    EXPECT_DOUBLE_EQ(sink.epss.at(1).percentile, 0.3);
  }
  {
    CollectingSink sink;
    auto feed = ImportEpssCsv("x.csv", "hello,world\n1,2\n", sink);
    ASSERT_TRUE(feed.ok());
    EXPECT_EQ(feed->records, 0);
    EXPECT_EQ(feed->diagnostics, 1);
  }
}

}  // namespace
}  // namespace hullscan::vulndb
