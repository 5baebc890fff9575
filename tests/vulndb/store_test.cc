// The store: what goes in through the Sink comes back from the lookups, merged per (source, id);
// the file opens read-only and immutably; foreign files and schema versions are refused.
#include "vulndb/store.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <fstream>

#include "testing/testdata.h"

namespace hullscan::vulndb {
namespace {

Advisory DebianRecord(std::string cve, std::string dsa, std::string release, std::string fixed) {
  Advisory a;
  a.id = std::move(cve);
  a.source = "debian";
  a.aliases = {std::move(dsa)};
  AffectedPackage p;
  p.ecosystem = "debian:" + release;
  p.package = "openssl";
  p.scheme = "dpkg";
  p.state = FixState::kFixed;
  p.affected.ranges.push_back({version::osv::RangeType::kEcosystem,
                               {{version::osv::Event::Kind::kIntroduced, "0"}, {version::osv::Event::Kind::kFixed, fixed}}});
  p.fixed_versions = {fixed};
  p.record = a.aliases[0];
  a.affected.push_back(std::move(p));
  return a;
}

TEST(StoreTest, RoundTripMergesRecordsOfTheSameId) {
  hullscan::testing::TempDir dir;
  auto path = dir.path() / "db.sqlite";
  {
    auto writer = StoreWriter::Create(path);
    ASSERT_TRUE(writer.ok()) << writer.error().message();
    // The same CVE in a DSA (bullseye) and a DLA (buster): one advisory, two affected entries.
    ASSERT_TRUE((*writer)->AddAdvisory(DebianRecord("CVE-2023-0286", "DSA-5343-1", "11", "1.1.1n-0+deb11u4")).ok());
    ASSERT_TRUE((*writer)->AddAdvisory(DebianRecord("CVE-2023-0286", "DLA-3325-1", "10", "1.1.1n-0+deb10u4")).ok());
    Advisory nvd;
    nvd.id = "CVE-2023-0286";
    nvd.source = "nvd";
    nvd.summary = "There is a type confusion vulnerability relating to X.400 address processing";
    nvd.severities.push_back({"nvd", SeverityLevel::kHigh, "3.1", "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:N/A:H", 7.4});
    ASSERT_TRUE((*writer)->AddAdvisory(nvd).ok());
    ASSERT_TRUE((*writer)->AddKev({"CVE-2023-0286", "OpenSSL", "OpenSSL", "x", "2023-01-01", "2023-02-01", false}).ok());
    ASSERT_TRUE((*writer)->AddEpss({"CVE-2023-0286", 0.01, 0.5, "2023-03-01"}).ok());
    ASSERT_TRUE((*writer)->AddEpss({"CVE-2023-0286", 0.02, 0.6, "2023-04-01"}).ok());  // newer wins
    (*writer)->AddFeed({"data/DSA/list", "debian-tracker-list", "", 1, 0, 0});
    ASSERT_TRUE((*writer)->Finish("2024-01-01T00:00:00Z", "test").ok());
  }
  auto store = Store::Open(path);
  ASSERT_TRUE(store.ok()) << store.error().message();
  DbInfo info = (*store)->Info();
  EXPECT_EQ(info.schema_version, kSchemaVersion);
  EXPECT_EQ(info.built_at, "2024-01-01T00:00:00Z");
  EXPECT_EQ(info.advisories, 2);
  EXPECT_EQ(info.affected, 2);
  ASSERT_EQ(info.feeds.size(), 1u);
  EXPECT_EQ((*store)->Ecosystems(), (std::vector<std::string>{"debian:10", "debian:11"}));

  auto found = (*store)->FindAffected("debian:11", "openssl");
  ASSERT_TRUE(found.ok());
  ASSERT_EQ(found->size(), 1u);
  const Advisory& a = found->front();
  EXPECT_EQ(a.id, "CVE-2023-0286");
  EXPECT_EQ(a.aliases, (std::vector<std::string>{"DLA-3325-1", "DSA-5343-1"}));
  ASSERT_EQ(a.affected.size(), 1u);  // only the entry that was asked for
  EXPECT_EQ(a.affected[0].fixed_versions, std::vector<std::string>{"1.1.1n-0+deb11u4"});
  EXPECT_EQ(a.affected[0].affected.ranges[0].events[1].version, "1.1.1n-0+deb11u4");
  EXPECT_EQ(a.affected[0].record, "DSA-5343-1");

  auto by_alias = (*store)->FindByIds({"DSA-5343-1"});
  ASSERT_TRUE(by_alias.ok());
  ASSERT_EQ(by_alias->size(), 1u);
  EXPECT_EQ(by_alias->front().source, "debian");
  auto by_cve = (*store)->FindByIds({"CVE-2023-0286"});
  ASSERT_TRUE(by_cve.ok());
  ASSERT_EQ(by_cve->size(), 2u);  // debian and nvd
  EXPECT_EQ((*by_cve)[1].severities.at(0).cvss_score, 7.4);
  auto kev = (*store)->FindKev({"CVE-2023-0286", "CVE-1999-0001"});
  ASSERT_TRUE(kev.ok());
  ASSERT_EQ(kev->size(), 1u);
  auto epss = (*store)->FindEpss({"CVE-2023-0286"});
  ASSERT_TRUE(epss.ok());
  ASSERT_EQ(epss->size(), 1u);
  EXPECT_EQ(epss->front().date, "2023-04-01");
  EXPECT_TRUE((*store)->FindAffected("debian:12", "openssl")->empty());
}

TEST(StoreTest, WithdrawnAdvisoriesAreNeverReturnedForMatching) {
  hullscan::testing::TempDir dir;
  auto path = dir.path() / "db.sqlite";
  auto writer = StoreWriter::Create(path);
  ASSERT_TRUE(writer.ok());
  Advisory a = DebianRecord("CVE-2020-0001", "DSA-1-1", "11", "1.0");
  a.withdrawn = true;
  ASSERT_TRUE((*writer)->AddAdvisory(a).ok());
  ASSERT_TRUE((*writer)->Finish("2024-01-01T00:00:00Z", "test").ok());
  auto store = Store::Open(path);
  ASSERT_TRUE(store.ok());
  EXPECT_TRUE((*store)->FindAffected("debian:11", "openssl")->empty());
  EXPECT_EQ((*store)->FindByIds({"CVE-2020-0001"})->size(), 1u);  // still known, for status
}

TEST(StoreTest, RefusesMissingForeignAndNewerFiles) {
  hullscan::testing::TempDir dir;
  auto missing = Store::Open(dir.path() / "none.sqlite");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code(), ErrorCode::kNotFound);

  auto text = dir.path() / "text.sqlite";
  std::ofstream(text) << "not a database";
  auto foreign = Store::Open(text);
  ASSERT_FALSE(foreign.ok());

  auto other = dir.path() / "other.sqlite";
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(other.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "CREATE TABLE meta(key TEXT, value TEXT); INSERT INTO meta VALUES('schema_version','99');",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);
  auto newer = Store::Open(other);
  ASSERT_FALSE(newer.ok());
  EXPECT_EQ(newer.error().code(), ErrorCode::kUnsupported);
  EXPECT_NE(newer.error().message().find("db update"), std::string::npos);
}

}  // namespace
}  // namespace hullscan::vulndb
