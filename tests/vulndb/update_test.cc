// db update against a mirror built from the real feed files in ../shared/vulndata: as a
// directory and served by python3's http.server on loopback. The expected counts come from
// importing the same files directly (ImportPath), never from numbers written here.
#include "vulndb/update.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <map>
#include <set>
#include <tuple>

#include "net/test_server.h"
#include "testing/testdata.h"
#include "vulndb/import.h"
#include "vulndb/store.h"

namespace hullscan::vulndb {
namespace {

namespace fs = std::filesystem;
using hullscan::testing::LoopbackServer;
using hullscan::testing::ReadFileOrFail;
using hullscan::testing::SharedDir;
using hullscan::testing::TempDir;

fs::path VulnData() { return SharedDir() / "vulndata"; }

// The real Alpine sample is the v3.16 branch, which the default list no longer carries: the test
// adds it as a feed of its own (same URL pattern and layout as the defaults).
FeedSource AlpineV316Main() {
  return {"alpine-v3.16-main", "https://secdb.alpinelinux.org/v3.16/main.json", "alpine/v3.16/main.json", false,
          std::string(kFormatAlpineSecdb)};
}

std::vector<FeedSource> TestFeeds() {
  std::vector<FeedSource> feeds = DefaultFeeds();
  feeds.push_back(AlpineV316Main());
  return feeds;
}

// The feeds the mirror holds.
const std::vector<std::string> kMirrored = {"osv-go", "debian-tracker", "alpine-v3.16", "alpine-edge", "kev", "epss"};

void Copy(const fs::path& from, const fs::path& to) {
  fs::create_directories(to.parent_path());
  fs::copy_file(from, to, fs::copy_options::overwrite_existing);
}

// Sorted (format, records, withdrawn, date) of each feed file: what the DB must record.
std::vector<std::tuple<std::string, int64_t, int64_t, std::string>> FeedSummary(const std::vector<FeedFile>& feeds) {
  std::vector<std::tuple<std::string, int64_t, int64_t, std::string>> out;
  for (const FeedFile& f : feeds) out.emplace_back(f.format, f.records, f.withdrawn, f.date);
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::string> ListDir(const fs::path& dir) {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

class UpdateTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    mirror_dir_ = new TempDir();
    const fs::path m = Mirror();
    // OSV.dev's Go export is a zip of the per-advisory JSON files: build one from the real ones.
    fs::create_directories(m / "osv" / "Go");
    std::string zip = "cd '" + (VulnData() / "osv-go" / "data" / "osv").string() + "' && zip -q -X '" +
                      (m / "osv" / "Go" / "all.zip").string() + "' GO-*.json";
    ASSERT_EQ(std::system(zip.c_str()), 0) << zip;
    Copy(VulnData() / "samples/debian/tracker-json/debian.json", m / "debian/tracker.json");
    Copy(VulnData() / "samples/alpine/secdb-vuls/v3.16/main.json", m / "alpine/v3.16/main.json");
    Copy(VulnData() / "samples/alpine/secdb-vuls/edge/main.json", m / "alpine/edge/main.json");
    Copy(VulnData() / "samples/alpine/secdb-vuls/edge/community.json", m / "alpine/edge/community.json");
    Copy(VulnData() / "kev/known_exploited_vulnerabilities.json", m / "kev/known_exploited_vulnerabilities.json");
    Copy(VulnData() / "samples/epss/epss_scores-2023-03-07.csv.gz", m / "epss/epss_scores-current.csv.gz");

    // The reference: the same files imported directly.
    reference_dir_ = new TempDir();
    auto writer = StoreWriter::Create(reference_dir_->path() / "ref.sqlite");
    ASSERT_TRUE(writer.ok()) << writer.error().message();
    auto feeds = ImportPath(m, **writer);
    ASSERT_TRUE(feeds.ok()) << feeds.error().message();
    reference_feeds_ = new std::vector<FeedFile>(*feeds);
    for (const FeedFile& f : *feeds) (*writer)->AddFeed(f);
    ASSERT_TRUE((*writer)->Finish("2026-01-01T00:00:00Z", "test").ok());
    writer->reset();
    auto store = Store::Open(reference_dir_->path() / "ref.sqlite");
    ASSERT_TRUE(store.ok()) << store.error().message();
    reference_info_ = new DbInfo((*store)->Info());
  }

  static void TearDownTestSuite() {
    delete reference_info_;
    delete reference_feeds_;
    delete reference_dir_;
    delete mirror_dir_;
  }

  static fs::path Mirror() { return mirror_dir_->path() / "mirror"; }

  static UpdateOptions Options(const fs::path& db, const std::string& mirror) {
    UpdateOptions o;
    o.db_path = db;
    o.mirror = mirror;
    o.feeds = TestFeeds();
    o.only = kMirrored;
    o.hullscan_version = "test";
    o.net.initial_backoff = std::chrono::milliseconds(10);
    return o;
  }

  static void ExpectSameAsReference(const DbInfo& info) {
    EXPECT_EQ(info.advisories, reference_info_->advisories);
    EXPECT_EQ(info.affected, reference_info_->affected);
    EXPECT_EQ(info.kev, reference_info_->kev);
    EXPECT_EQ(info.epss, reference_info_->epss);
    EXPECT_EQ(FeedSummary(info.feeds), FeedSummary(*reference_feeds_));
    // Every mirrored feed produced a feed file (the Go zip, the tracker, three secdb files, KEV, EPSS).
    EXPECT_EQ(info.feeds.size(), 7u);
    EXPECT_GT(info.advisories, 4000);  // sanity: the Go database is in
    EXPECT_GT(info.kev, 0);
    EXPECT_GT(info.epss, 0);
    EXPECT_EQ(info.hullscan_version, "test");
  }

  static TempDir* mirror_dir_;
  static TempDir* reference_dir_;
  static std::vector<FeedFile>* reference_feeds_;
  static DbInfo* reference_info_;
};
TempDir* UpdateTest::mirror_dir_ = nullptr;
TempDir* UpdateTest::reference_dir_ = nullptr;
std::vector<FeedFile>* UpdateTest::reference_feeds_ = nullptr;
DbInfo* UpdateTest::reference_info_ = nullptr;

TEST_F(UpdateTest, FromMirrorDirectory) {
  TempDir dir;
  fs::path db = dir.path() / "cache" / "db.sqlite";  // the cache folder does not exist yet
  auto info = Update(Options(db, Mirror().string()));
  ASSERT_TRUE(info.ok()) << info.error().message();
  ExpectSameAsReference(*info);
  // The feeds are named by where they came from, not by the temporary download path.
  std::vector<std::string> paths;
  for (const FeedFile& f : info->feeds) paths.push_back(f.path);
  EXPECT_NE(std::find(paths.begin(), paths.end(), (Mirror() / "osv/Go/all.zip").string()), paths.end());
  EXPECT_NE(std::find(paths.begin(), paths.end(), (Mirror() / "debian/tracker.json").string()), paths.end());
  // Nothing left behind but the database.
  EXPECT_EQ(ListDir(dir.path() / "cache"), std::vector<std::string>{"db.sqlite"});
  // What Update returned is what a scan will open.
  auto store = Store::Open(db);
  ASSERT_TRUE(store.ok()) << store.error().message();
  EXPECT_EQ((*store)->Info().advisories, info->advisories);
  EXPECT_EQ((*store)->Info().feeds.size(), info->feeds.size());
}

TEST_F(UpdateTest, FromMirrorUrl) {
  LoopbackServer server(LoopbackServer::StaticFiles(Mirror()));
  ASSERT_TRUE(server.running());
  TempDir dir;
  fs::path db = dir.path() / "db.sqlite";
  auto info = Update(Options(db, server.base_url() + "/"));
  ASSERT_TRUE(info.ok()) << info.error().message();
  ExpectSameAsReference(*info);
  for (const FeedFile& f : info->feeds) EXPECT_EQ(f.path.rfind(server.base_url() + "/", 0), 0u) << f.path;
  EXPECT_EQ(ListDir(dir.path()), std::vector<std::string>{"db.sqlite"});
}

TEST_F(UpdateTest, MissingRequiredFeedLeavesTheOldDatabase) {
  TempDir dir;
  fs::path db = dir.path() / "db.sqlite";
  UpdateOptions first = Options(db, Mirror().string());
  first.only = {"kev"};
  ASSERT_TRUE(Update(first).ok());
  const std::string before = ReadFileOrFail(db);

  UpdateOptions second = Options(db, Mirror().string());
  second.only = {"osv-go", "osv-pypi"};  // the mirror has no osv/PyPI/all.zip
  auto r = Update(second);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), ErrorCode::kNotFound);
  EXPECT_NE(r.error().message().find("feed osv-pypi"), std::string::npos) << r.error().message();
  EXPECT_NE(r.error().message().find("osv/PyPI/all.zip"), std::string::npos) << r.error().message();
  EXPECT_EQ(ReadFileOrFail(db), before);
  EXPECT_EQ(ListDir(dir.path()), std::vector<std::string>{"db.sqlite"});
}

TEST_F(UpdateTest, MissingRequiredFeedOverHttpLeavesTheOldDatabase) {
  LoopbackServer server(LoopbackServer::StaticFiles(Mirror()));
  ASSERT_TRUE(server.running());
  TempDir dir;
  fs::path db = dir.path() / "db.sqlite";
  UpdateOptions first = Options(db, server.base_url());
  first.only = {"kev"};
  ASSERT_TRUE(Update(first).ok());
  const std::string before = ReadFileOrFail(db);
  UpdateOptions second = Options(db, server.base_url());
  second.only = {"kev", "osv-npm"};
  auto r = Update(second);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message(), "db update: feed osv-npm: GET " + server.base_url() +
                                     "/osv/npm/all.zip: 404 File not found");
  EXPECT_EQ(ReadFileOrFail(db), before);
  EXPECT_EQ(ListDir(dir.path()), std::vector<std::string>{"db.sqlite"});
}

TEST_F(UpdateTest, WrongContentIsRejected) {
  // A captive portal's HTML page where the tracker JSON should be.
  TempDir mirror;
  Copy(Mirror() / "kev/known_exploited_vulnerabilities.json", mirror.path() / "kev/known_exploited_vulnerabilities.json");
  fs::create_directories(mirror.path() / "debian");
  std::ofstream(mirror.path() / "debian/tracker.json") << "<html><body>Please log in</body></html>";
  TempDir dir;
  fs::path db = dir.path() / "db.sqlite";
  UpdateOptions o = Options(db, mirror.path().string());
  o.only = {"debian-tracker", "kev"};
  auto r = Update(o);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), ErrorCode::kCorrupt);
  EXPECT_NE(r.error().message().find("not debian-tracker-json"), std::string::npos) << r.error().message();
  EXPECT_FALSE(fs::exists(db));
  EXPECT_TRUE(ListDir(dir.path()).empty());
}

TEST_F(UpdateTest, MissingOptionalFeedIsSkipped) {
  TempDir mirror;
  Copy(Mirror() / "debian/tracker.json", mirror.path() / "debian/tracker.json");
  TempDir dir;
  fs::path db = dir.path() / "db.sqlite";
  UpdateOptions o = Options(db, mirror.path().string());
  o.only = {"debian-tracker", "kev", "epss"};  // KEV and EPSS are optional and absent
  auto info = Update(o);
  ASSERT_TRUE(info.ok()) << info.error().message();
  ASSERT_EQ(info->feeds.size(), 1u);
  EXPECT_EQ(info->feeds[0].format, kFormatDebianJson);
  EXPECT_EQ(info->kev, 0);
  EXPECT_EQ(info->epss, 0);
  EXPECT_GT(info->advisories, 0);
}

TEST_F(UpdateTest, NothingFetchedIsAnError) {
  TempDir empty;
  TempDir dir;
  UpdateOptions o = Options(dir.path() / "db.sqlite", empty.path().string());
  o.only = {"kev", "epss"};
  auto r = Update(o);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), ErrorCode::kUnavailable);
  EXPECT_TRUE(ListDir(dir.path()).empty());
}

TEST_F(UpdateTest, ReaderOfTheOldDatabaseKeepsWorkingDuringTheSwap) {
  TempDir dir;
  fs::path db = dir.path() / "db.sqlite";
  UpdateOptions first = Options(db, Mirror().string());
  first.only = {"kev"};
  ASSERT_TRUE(Update(first).ok());
  auto old_store = Store::Open(db);
  ASSERT_TRUE(old_store.ok()) << old_store.error().message();
  EXPECT_TRUE((*old_store)->Ecosystems().empty());
  auto old_kev_before = (*old_store)->FindKev({"CVE-2021-44228"});
  ASSERT_TRUE(old_kev_before.ok());
  ASSERT_EQ(old_kev_before->size(), 1u);  // Log4Shell is in the real catalogue

  auto info = Update(Options(db, Mirror().string()));
  ASSERT_TRUE(info.ok()) << info.error().message();

  // The old handle still reads the old file: same answers, no Go data, no error.
  auto old_kev_after = (*old_store)->FindKev({"CVE-2021-44228"});
  ASSERT_TRUE(old_kev_after.ok()) << old_kev_after.error().message();
  EXPECT_EQ(*old_kev_after, *old_kev_before);
  auto old_go = (*old_store)->FindAffected("go", "golang.org/x/net");
  ASSERT_TRUE(old_go.ok()) << old_go.error().message();
  EXPECT_TRUE(old_go->empty());
  EXPECT_EQ((*old_store)->Info().feeds.size(), 1u);

  // A new open sees the new data.
  auto new_store = Store::Open(db);
  ASSERT_TRUE(new_store.ok()) << new_store.error().message();
  auto ecosystems = (*new_store)->Ecosystems();
  EXPECT_NE(std::find(ecosystems.begin(), ecosystems.end(), "go"), ecosystems.end());
  auto new_go = (*new_store)->FindAffected("go", "golang.org/x/net");
  ASSERT_TRUE(new_go.ok()) << new_go.error().message();
  EXPECT_FALSE(new_go->empty());
  EXPECT_EQ((*new_store)->Info().feeds.size(), 7u);
}

TEST(UpdateFeedsTest, DefaultFeedsAreDetectedAsTheirFormat) {
  // Each default feed's download name, with the first bytes of a real file of that format, must
  // be recognised by the importers' DetectFormat as the format the feed promises.
  auto head = [](const fs::path& p) { return ReadFileOrFail(p).substr(0, 16384); };
  const std::map<std::string, std::string> sample_head = {
      {std::string(kFormatOsvZip), ""},
      {std::string(kFormatDebianJson), head(VulnData() / "samples/debian/tracker-json/debian.json")},
      {std::string(kFormatAlpineSecdb), head(VulnData() / "samples/alpine/secdb-vuls/v3.16/main.json")},
      {std::string(kFormatKev), head(VulnData() / "kev/known_exploited_vulnerabilities.json")},
      {std::string(kFormatEpss), head(VulnData() / "samples/epss/epss_scores-2023-03-07.csv.gz")},
  };
  std::vector<FeedSource> feeds = DefaultFeeds();
  EXPECT_EQ(feeds.size(), 8u + 1u + 12u + 2u);  // OSV ecosystems, Debian, Alpine 5 branches + edge × 2, KEV, EPSS
  std::set<std::string> names, paths;
  for (const FeedSource& f : feeds) {
    ASSERT_TRUE(sample_head.count(f.format)) << f.name;
    EXPECT_EQ(DetectFormat("/cache/.db.sqlite.download-1/" + f.relative_path, sample_head.at(f.format)), f.format)
        << f.name;
    EXPECT_EQ(f.url.rfind("https://", 0), 0u) << f.url;
    names.insert(f.name);
    paths.insert(f.relative_path);
  }
  EXPECT_EQ(names.size(), feeds.size());
  EXPECT_EQ(paths.size(), feeds.size());
}

TEST(UpdateFeedsTest, SelectFeedsByNameAndPrefix) {
  std::vector<FeedSource> all = DefaultFeeds();
  auto osv = SelectFeeds(all, {"osv"});
  ASSERT_TRUE(osv.ok());
  EXPECT_EQ(osv->size(), 8u);
  auto branch = SelectFeeds(all, {"alpine-v3.20"});
  ASSERT_TRUE(branch.ok());
  ASSERT_EQ(branch->size(), 2u);
  EXPECT_EQ((*branch)[0].name, "alpine-v3.20-main");
  EXPECT_EQ((*branch)[1].name, "alpine-v3.20-community");
  auto exact = SelectFeeds(all, {"osv-go", "kev"});
  ASSERT_TRUE(exact.ok());
  EXPECT_EQ(exact->size(), 2u);
  auto unknown = SelectFeeds(all, {"osv-go", "nvd"});
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(unknown.error().message().find("'nvd'"), std::string::npos) << unknown.error().message();
  // "os" is not a dash-separated prefix of "osv-go".
  EXPECT_FALSE(SelectFeeds(all, {"os"}).ok());
}

}  // namespace
}  // namespace hullscan::vulndb
