// The layer cache: the serialisation round-trips real analyzer output exactly and survives
// hostile bytes; the SQLite store hits, misses, drops corrupt entries and shares one file
// between processes.
#include "cache/layer_cache.h"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <random>
#include <thread>

#include "analyze/analyzer.h"
#include "analyze/layer_analysis.h"
#include "layer/layer.h"
#include "testing/testdata.h"

namespace hullscan::cache {
namespace {

namespace fs = std::filesystem;
using inventory::LayerResult;
using inventory::Package;
using inventory::PackageType;

Digest DigestOf(std::string_view text) { return Sha256::Of(text); }

// The real analyzers over a directory walked as one layer.
LayerResult AnalyzeDirectory(const analyze::AnalyzerList& analyzers, const fs::path& root, const Digest& diff_id) {
  analyze::LayerAnalysis analysis(analyzers, diff_id.ToString());
  Status s = layer::WalkDirectory(root, analysis, {});
  EXPECT_TRUE(s.ok()) << root << ": " << s.error().message();
  return std::move(analysis).Finish();
}

size_t PackageCount(const LayerResult& r) {
  size_t n = 0;
  for (const auto& db : r.package_dbs) n += db.packages.size();
  return n;
}

size_t ExpectedPackageCount(const fs::path& case_dir) {
  auto json = nlohmann::json::parse(testing::ReadFileOrFail(case_dir / "expected.json"), nullptr, false);
  EXPECT_FALSE(json.is_discarded());
  return json.is_discarded() ? 0 : json["packages"].size();
}

// Every case directory of the shared package-database fixtures, analysed as a layer.
std::vector<std::pair<std::string, LayerResult>> RealResults() {
  static const auto* const results = [] {
    auto* out = new std::vector<std::pair<std::string, LayerResult>>;
    analyze::AnalyzerList analyzers = analyze::BuiltinAnalyzers();
    for (const char* kind : {"dpkg", "apk", "rpm"}) {
      std::vector<fs::path> cases;
      for (const auto& e : fs::directory_iterator(testing::TestData() / "osdb" / kind))
        if (e.is_directory()) cases.push_back(e.path());
      std::sort(cases.begin(), cases.end());
      for (const fs::path& dir : cases) {
        std::string name = std::string(kind) + "/" + dir.filename().string();
        out->emplace_back(name, AnalyzeDirectory(analyzers, dir, DigestOf(name)));
      }
    }
    return out;
  }();
  return *results;
}

const LayerResult& RealResult(std::string_view name) {
  static const auto results = RealResults();
  for (const auto& [n, r] : results)
    if (n == name) return r;
  ADD_FAILURE() << "no case " << name;
  static const LayerResult empty;
  return empty;
}

void ExpectRoundTrip(const LayerResult& r, std::string_view what) {
  std::string bytes = SerializeLayerResult(r);
  Result<LayerResult> parsed = ParseLayerResult(bytes);
  ASSERT_TRUE(parsed.ok()) << what << ": " << parsed.error().message();
  EXPECT_TRUE(*parsed == r) << what;
  EXPECT_EQ(SerializeLayerResult(*parsed), bytes) << what << ": the encoding is deterministic";
}

// ---------------------------------------------------------------------------------------------
// Serialisation

TEST(LayerResultCodecTest, RoundTripsEveryRealPackageDatabase) {
  auto results = RealResults();
  ASSERT_GE(results.size(), 25u);
  size_t packages = 0, files = 0, diagnostics = 0, owned = 0, os_files = 0;
  for (const auto& [name, r] : results) {
    SCOPED_TRACE(name);
    ExpectRoundTrip(r, name);
    packages += PackageCount(r);
    for (const auto& db : r.package_dbs)
      for (const auto& p : db.packages) files += p.installed_files.size();
    diagnostics += r.diagnostics.size();
    owned += r.owned_files.size();
    os_files += r.os_files.size();
  }
  // The fixtures exercise every part of a result: packages with file lists, per-package list
  // files, os-release files and diagnostics from the deliberately broken databases.
  EXPECT_GT(packages, 600u);
  EXPECT_GT(files, 0u);
  EXPECT_GT(diagnostics, 0u);
  EXPECT_GT(owned, 0u);
  EXPECT_GT(os_files, 0u);
}

TEST(LayerResultCodecTest, KeepsTheFullPackageListOfReferenceDatabases) {
  // The packages counted by the reference tools (apk-tools' own test, rpm -qa) survive the cache.
  for (const char* name : {"apk/apk-tools-alpine3.21.3", "rpm/sqlite-cbl-mariner-2.0"}) {
    SCOPED_TRACE(name);
    const LayerResult& r = RealResult(name);
    auto parsed = ParseLayerResult(SerializeLayerResult(r));
    ASSERT_TRUE(parsed.ok());
    EXPECT_EQ(PackageCount(*parsed), ExpectedPackageCount(testing::TestData() / "osdb" / name));
  }
}

// A result in which every field of every struct is set (and differs from its neighbours).
LayerResult EveryFieldResult() {
  LayerResult r;
  r.diff_id = "sha256:" + std::string(64, 'a');
  r.os_files = {{"etc/os-release", "ID=debian\nVERSION_ID=\"12\"\n"}, {"etc/debian_version", "12.5\n"}};
  Package p;
  p.type = PackageType::kRpm;
  p.name = "openssl-libs";
  p.version = "1:3.0.7-6.el9";
  p.arch = "x86_64";
  p.source_name = "openssl";
  p.source_version = "3.0.7-6.el9";
  p.source_rpm = "openssl-3.0.7-6.el9.src.rpm";
  p.licenses = {"Apache-2.0", "OpenSSL"};
  p.maintainer = "Red Hat <security@redhat.com>";
  p.vendor = "Red Hat, Inc.";
  p.modularity_label = "perl:5.30:8030020200818142127:466ed8d1";
  p.digest = "md5:0123456789abcdef0123456789abcdef";
  p.installed_files = {"usr/lib64/libcrypto.so.3", "usr/lib64/libcrypto.so.3.0.7", "usr/lib64/libssl.so.3"};
  p.location = {.layer_diff_id = "sha256:" + std::string(64, 'b'), .path = "var/lib/rpm/rpmdb.sqlite"};
  p.purl = "pkg:rpm/redhat/openssl-libs@3.0.7-6.el9?arch=x86_64&epoch=1";
  p.dev = true;
  Package q = p;
  q.type = PackageType::kNuget;
  q.name = "Newtonsoft.Json";
  q.installed_files = {};
  q.dev = false;
  r.package_dbs = {{.path = "var/lib/rpm/rpmdb.sqlite", .analyzer = "rpm", .packages = {p, q}},
                   {.path = "app/packages.lock.json", .analyzer = "dotnet", .packages = {}}};
  r.owned_files = {
      {.path = "var/lib/dpkg/info/tar.list", .package = "tar:amd64", .files = {"bin/tar", "usr/bin/tarcat"}}};
  r.whiteouts = {"etc/secret", "etc/secret2", "tmp/.env"};
  r.opaque_dirs = {"var/cache/apt"};
  r.diagnostics = {{.layer_diff_id = r.diff_id, .path = "var/lib/dpkg/status", .message = "line 3: missing Version"},
                   {.layer_diff_id = "", .path = "", .message = "ünïcode and \0 bytes"}};
  r.diagnostics[1].message.push_back('\0');
  r.secrets = {{.rule_id = "aws-access-key-id", .category = "AWS", .title = "AWS Access Key ID", .severity = "CRITICAL",
                .path = "app/.env", .line = 3, .match = "AWS_ACCESS_KEY_ID=********************", .layer_diff_id = "l"}};
  r.notable_files = {{.path = "usr/bin/passwd", .type = 'f', .mode = 04755, .uid = 0, .gid = 0, .layer_diff_id = "x"},
                     {.path = "tmp", .type = 'd', .mode = 01777, .uid = 1, .gid = 2, .layer_diff_id = ""}};
  r.written_paths = {1, 17, 0xffffffffffffff00ull};
  return r;
}

TEST(LayerResultCodecTest, RoundTripsEveryField) {
  ExpectRoundTrip(EveryFieldResult(), "every field");
  ExpectRoundTrip(LayerResult{}, "empty");
}

TEST(LayerResultCodecTest, EveryFieldIsSerialised) {
  // Changing any single field must change the encoding and survive the round trip; a field the
  // codec forgot would leave the bytes unchanged.
  using Mutation = std::function<void(LayerResult&)>;
  auto pkg = [](LayerResult& r) -> Package& { return r.package_dbs[0].packages[0]; };
  std::vector<std::pair<std::string, Mutation>> mutations = {
      {"diff_id", [](LayerResult& r) { r.diff_id += "0"; }},
      {"os_files key", [](LayerResult& r) { r.os_files["etc/alpine-release"] = "3.20.3"; }},
      {"os_files value", [](LayerResult& r) { r.os_files["etc/os-release"] += "x"; }},
      {"package_db.path", [](LayerResult& r) { r.package_dbs[0].path += "x"; }},
      {"package_db.analyzer", [](LayerResult& r) { r.package_dbs[0].analyzer += "x"; }},
      {"package.type", [&](LayerResult& r) { pkg(r).type = PackageType::kCargo; }},
      {"package.name", [&](LayerResult& r) { pkg(r).name += "x"; }},
      {"package.version", [&](LayerResult& r) { pkg(r).version += "x"; }},
      {"package.arch", [&](LayerResult& r) { pkg(r).arch += "x"; }},
      {"package.source_name", [&](LayerResult& r) { pkg(r).source_name += "x"; }},
      {"package.source_version", [&](LayerResult& r) { pkg(r).source_version += "x"; }},
      {"package.source_rpm", [&](LayerResult& r) { pkg(r).source_rpm += "x"; }},
      {"package.licenses", [&](LayerResult& r) { pkg(r).licenses.push_back("MIT"); }},
      {"package.maintainer", [&](LayerResult& r) { pkg(r).maintainer += "x"; }},
      {"package.vendor", [&](LayerResult& r) { pkg(r).vendor += "x"; }},
      {"package.modularity_label", [&](LayerResult& r) { pkg(r).modularity_label += "x"; }},
      {"package.digest", [&](LayerResult& r) { pkg(r).digest += "x"; }},
      {"package.installed_files", [&](LayerResult& r) { pkg(r).installed_files[1] += "x"; }},
      {"package.location.layer_diff_id", [&](LayerResult& r) { pkg(r).location.layer_diff_id += "x"; }},
      {"package.location.path", [&](LayerResult& r) { pkg(r).location.path += "x"; }},
      {"package.purl", [&](LayerResult& r) { pkg(r).purl += "x"; }},
      {"package.dev", [&](LayerResult& r) { pkg(r).dev = false; }},
      {"owned_files.path", [](LayerResult& r) { r.owned_files[0].path += "x"; }},
      {"owned_files.package", [](LayerResult& r) { r.owned_files[0].package += "x"; }},
      {"owned_files.files", [](LayerResult& r) { r.owned_files[0].files.push_back("usr/bin/z"); }},
      {"whiteouts", [](LayerResult& r) { r.whiteouts.pop_back(); }},
      {"opaque_dirs", [](LayerResult& r) { r.opaque_dirs.push_back("opt"); }},
      {"diagnostic.layer_diff_id", [](LayerResult& r) { r.diagnostics[0].layer_diff_id += "x"; }},
      {"diagnostic.path", [](LayerResult& r) { r.diagnostics[0].path += "x"; }},
      {"diagnostic.message", [](LayerResult& r) { r.diagnostics[0].message += "x"; }},
      {"secret.rule_id", [](LayerResult& r) { r.secrets[0].rule_id += "x"; }},
      {"secret.category", [](LayerResult& r) { r.secrets[0].category += "x"; }},
      {"secret.title", [](LayerResult& r) { r.secrets[0].title += "x"; }},
      {"secret.severity", [](LayerResult& r) { r.secrets[0].severity = "HIGH"; }},
      {"secret.path", [](LayerResult& r) { r.secrets[0].path += "x"; }},
      {"secret.line", [](LayerResult& r) { r.secrets[0].line = 4; }},
      {"secret.match", [](LayerResult& r) { r.secrets[0].match += "x"; }},
      {"secret.layer_diff_id", [](LayerResult& r) { r.secrets[0].layer_diff_id += "x"; }},
      {"notable.path", [](LayerResult& r) { r.notable_files[0].path += "x"; }},
      {"notable.type", [](LayerResult& r) { r.notable_files[0].type = 'h'; }},
      {"notable.mode", [](LayerResult& r) { r.notable_files[0].mode = 02755; }},
      {"notable.uid", [](LayerResult& r) { r.notable_files[1].uid = 1000; }},
      {"notable.gid", [](LayerResult& r) { r.notable_files[1].gid = 1000; }},
      {"notable.layer_diff_id", [](LayerResult& r) { r.notable_files[1].layer_diff_id = "y"; }},
      {"written_paths", [](LayerResult& r) { r.written_paths[1] = 18; }},
  };
  const LayerResult base = EveryFieldResult();
  const std::string base_bytes = SerializeLayerResult(base);
  for (const auto& [name, mutate] : mutations) {
    SCOPED_TRACE(name);
    LayerResult changed = base;
    mutate(changed);
    ASSERT_FALSE(changed == base);
    EXPECT_NE(SerializeLayerResult(changed), base_bytes);
    ExpectRoundTrip(changed, name);
  }
}

TEST(LayerResultCodecTest, EveryPackageTypeRoundTrips) {
  LayerResult r;
  PackageType types[] = {PackageType::kDeb,    PackageType::kApk,   PackageType::kRpm,   PackageType::kPypi,
                         PackageType::kNpm,    PackageType::kGolang, PackageType::kMaven, PackageType::kGem,
                         PackageType::kCargo,  PackageType::kComposer, PackageType::kNuget};
  auto& db = r.package_dbs.emplace_back();
  for (PackageType t : types) {
    Package& p = db.packages.emplace_back();
    p.type = t;
    p.name = inventory::PackageTypeName(t);
  }
  ExpectRoundTrip(r, "package types");
}

TEST(LayerResultCodecTest, AnotherFormatVersionIsUnsupported) {
  std::string bytes = SerializeLayerResult(EveryFieldResult());
  for (int delta : {1, -1}) {
    std::string other = bytes;
    other[4] = static_cast<char>(other[4] + delta);  // the little-endian format version after the magic
    auto parsed = ParseLayerResult(other);
    ASSERT_FALSE(parsed.ok());
    EXPECT_EQ(parsed.error().code(), ErrorCode::kUnsupported) << parsed.error().message();
  }
}

// Damaged bytes: every prefix, and single-byte changes at every position. The unchecked parse
// (no checksum) must give an error or a value that itself round-trips; never crash, hang or
// allocate wildly. The checked parse must reject every damaged body.
void ExpectSurvivesDamage(const std::string& bytes, size_t flip_stride) {
  size_t errors = 0, values = 0;
  auto check = [&](const std::string& damaged, bool must_fail_checked) {
    auto unchecked = internal::ParseLayerResultUnchecked(damaged);
    if (unchecked.ok()) {
      ++values;
      auto again = ParseLayerResult(SerializeLayerResult(*unchecked));
      ASSERT_TRUE(again.ok());
      EXPECT_TRUE(*again == *unchecked);
    } else {
      ++errors;
      EXPECT_FALSE(unchecked.error().message().empty());
    }
    auto checked = ParseLayerResult(damaged);
    if (must_fail_checked) {
      EXPECT_FALSE(checked.ok());
    }
  };
  for (size_t len = 0; len < bytes.size(); ++len) check(bytes.substr(0, len), true);
  const unsigned char changes[] = {0x01, 0x80, 0xff};
  for (size_t i = 0; i < bytes.size(); i += flip_stride) {
    for (unsigned char x : changes) {
      std::string damaged = bytes;
      damaged[i] = static_cast<char>(damaged[i] ^ x);
      check(damaged, /*must_fail_checked=*/true);
    }
  }
  EXPECT_GT(errors, 0u);
  EXPECT_GT(values, 0u);  // a changed string byte gives another valid value
}

TEST(LayerResultCodecTest, SurvivesTruncationAndByteFlips) {
  ExpectSurvivesDamage(SerializeLayerResult(EveryFieldResult()), 1);
  // A real database with installed-file lists and diagnostics (flips sampled to keep it quick).
  std::string real = SerializeLayerResult(RealResult("apk/trivy-alpine3.4"));
  ASSERT_GT(real.size(), 1000u);
  ExpectSurvivesDamage(real, 7);
}

TEST(LayerResultCodecTest, RejectsGarbageAndHostileCounts) {
  std::mt19937 rng(42);
  for (int i = 0; i < 2000; ++i) {
    std::string garbage(rng() % 200, '\0');
    for (char& c : garbage) c = static_cast<char>(rng());
    if (i % 2) garbage = SerializeLayerResult(LayerResult{}).substr(0, 16) + garbage;  // valid header
    auto parsed = internal::ParseLayerResultUnchecked(garbage);
    if (parsed.ok()) {
      EXPECT_TRUE(ParseLayerResult(SerializeLayerResult(*parsed)).ok());
    }
  }
  // A body claiming 2^63 os files, then 2^64-1 whiteouts: errors, without trying to allocate.
  std::string header = SerializeLayerResult(LayerResult{}).substr(0, 16);
  std::string huge_count = header + std::string(1, '\0') + "\xff\xff\xff\xff\xff\xff\xff\xff\x80\x01";
  EXPECT_FALSE(internal::ParseLayerResultUnchecked(huge_count).ok());
  std::string overflow = header + std::string(1, '\0') + "\xff\xff\xff\xff\xff\xff\xff\xff\xff\x7f";
  EXPECT_FALSE(internal::ParseLayerResultUnchecked(overflow).ok());
  EXPECT_FALSE(ParseLayerResult("").ok());
  EXPECT_FALSE(ParseLayerResult("HSLR").ok());
  EXPECT_FALSE(ParseLayerResult(std::string(64, '\0')).ok());
}

// The real base layers of the reference images (Debian: ~90 packages with hundreds of files
// each), with the cost of the cache's encode/decode measured on them.
TEST(LayerResultCodecTest, ReferenceImageRootfsRoundTripsAndIsQuick) {
  const char* images = std::getenv("HULLSCAN_IMAGES");
  if (!images || !*images) GTEST_SKIP() << "HULLSCAN_IMAGES is not set (reference images from make-images.sh)";
  analyze::AnalyzerList analyzers = analyze::BuiltinAnalyzers();
  for (const char* key : {"debian_bookworm-minbase", "alpine_3.20.3", "app-python_bookworm"}) {
    SCOPED_TRACE(key);
    fs::path root = fs::path(images) / "rootfs" / key / "rootfs";  // umoci bundles: <key>/rootfs
    if (!fs::is_directory(root)) GTEST_SKIP() << root << " is missing";
    LayerResult r = AnalyzeDirectory(analyzers, root, DigestOf(key));
    size_t files = 0;  // per package: installed_files (apk, rpm) or the dpkg .list files
    for (const auto& db : r.package_dbs)
      for (const auto& p : db.packages) files += p.installed_files.size();
    for (const auto& o : r.owned_files) files += o.files.size();
    EXPECT_GT(PackageCount(r), 10u);
    ExpectRoundTrip(r, key);

    constexpr int kRounds = 20;
    std::string bytes;
    auto t0 = std::chrono::steady_clock::now();
    for (int i = 0; i < kRounds; ++i) bytes = SerializeLayerResult(r);
    auto t1 = std::chrono::steady_clock::now();
    for (int i = 0; i < kRounds; ++i) ASSERT_TRUE(ParseLayerResult(bytes).ok());
    auto t2 = std::chrono::steady_clock::now();
    auto us = [&](auto d) { return std::chrono::duration_cast<std::chrono::microseconds>(d).count() / kRounds; };

    // The same through the SQLite store (a hit is what a rescan pays per cached layer).
    testing::TempDir tmp;
    auto cache = LayerCache::Open(tmp.path());
    ASSERT_TRUE(cache.ok());
    Digest d = DigestOf(key);
    auto t3 = std::chrono::steady_clock::now();
    for (int i = 0; i < kRounds; ++i) ASSERT_TRUE((*cache)->Put(d, "k", r).ok());
    auto t4 = std::chrono::steady_clock::now();
    for (int i = 0; i < kRounds; ++i) ASSERT_TRUE((*cache)->Get(d, "k").has_value());
    auto t5 = std::chrono::steady_clock::now();
    std::printf("[timing] %s: %zu packages, %zu package files, %zu bytes; serialize %lld us, parse %lld us, "
                "cache put %lld us, cache get %lld us\n",
                key, PackageCount(r), files, bytes.size(), static_cast<long long>(us(t1 - t0)),
                static_cast<long long>(us(t2 - t1)), static_cast<long long>(us(t4 - t3)),
                static_cast<long long>(us(t5 - t4)));
  }
}

// ---------------------------------------------------------------------------------------------
// The SQLite store

int64_t CountRows(const fs::path& db_path) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  sqlite3_stmt* s = nullptr;
  int64_t n = -1;
  if (sqlite3_prepare_v2(db, "SELECT count(*) FROM layers", -1, &s, nullptr) == SQLITE_OK &&
      sqlite3_step(s) == SQLITE_ROW)
    n = sqlite3_column_int64(s, 0);
  sqlite3_finalize(s);
  sqlite3_close(db);
  return n;
}

void ExecSql(const fs::path& db_path, const std::string& sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(db_path.c_str(), &db), SQLITE_OK);
  sqlite3_busy_timeout(db, 10000);
  char* message = nullptr;
  int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &message);
  EXPECT_EQ(rc, SQLITE_OK) << (message ? message : "");
  sqlite3_free(message);
  sqlite3_close(db);
}

LayerResult ForLayer(LayerResult r, const Digest& d) {
  r.diff_id = d.ToString();
  return r;
}

TEST(LayerCacheTest, PutThenGetAcrossInstances) {
  testing::TempDir tmp;
  fs::path dir = tmp.path() / "nested" / "cache";
  const std::string analyzers = "dpkg:1,apk:1";
  Digest d = DigestOf("debian layer");
  LayerResult r = ForLayer(RealResult("dpkg/claircore-ubuntu1804-texlive"), d);
  {
    auto cache = LayerCache::Open(dir);
    ASSERT_TRUE(cache.ok()) << cache.error().message();
    EXPECT_FALSE((*cache)->Get(d, analyzers).has_value());
    ASSERT_TRUE((*cache)->Put(d, analyzers, r).ok());
    auto hit = (*cache)->Get(d, analyzers);
    ASSERT_TRUE(hit.has_value());
    EXPECT_TRUE(*hit == r);
    EXPECT_FALSE((*cache)->Get(d, "dpkg:2,apk:1").has_value()) << "another analyzer set is another key";
    EXPECT_FALSE((*cache)->Get(DigestOf("other"), analyzers).has_value());
    CacheStats stats = (*cache)->Stats();
    EXPECT_EQ(stats.hits, 1u);
    EXPECT_EQ(stats.misses, 3u);
    EXPECT_EQ(stats.writes, 1u);
  }
  EXPECT_TRUE(fs::exists(dir / "layers.sqlite"));
  auto reopened = LayerCache::Open(dir);
  ASSERT_TRUE(reopened.ok());
  auto hit = (*reopened)->Get(d, analyzers);
  ASSERT_TRUE(hit.has_value());
  EXPECT_TRUE(*hit == r);
  // Replacing an entry.
  LayerResult smaller = ForLayer(RealResult("dpkg/trivy-only-apt"), d);
  ASSERT_TRUE((*reopened)->Put(d, analyzers, smaller).ok());
  EXPECT_TRUE(*(*reopened)->Get(d, analyzers) == smaller);
  EXPECT_EQ(CountRows(dir / "layers.sqlite"), 1);
}

TEST(LayerCacheTest, PutRefusesAResultForAnotherLayer) {
  testing::TempDir tmp;
  auto cache = LayerCache::Open(tmp.path());
  ASSERT_TRUE(cache.ok());
  LayerResult r = ForLayer(EveryFieldResult(), DigestOf("a"));
  Status s = (*cache)->Put(DigestOf("b"), "x:1", r);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ((*cache)->Stats().writes, 0u);
}

TEST(LayerCacheTest, CorruptOrOutdatedEntriesAreDroppedAsMisses) {
  testing::TempDir tmp;
  fs::path db = tmp.path() / "layers.sqlite";
  Digest a = DigestOf("a"), b = DigestOf("b"), c = DigestOf("c"), e = DigestOf("e");
  {
    auto cache = LayerCache::Open(tmp.path());
    ASSERT_TRUE(cache.ok());
    for (const Digest& d : {a, b, c, e}) ASSERT_TRUE((*cache)->Put(d, "k", ForLayer(EveryFieldResult(), d)).ok());
  }
  ExecSql(db, "UPDATE layers SET value = substr(value, 1, 40) WHERE diff_id = '" + a.ToString() + "'");
  ExecSql(db, "UPDATE layers SET format = format + 1 WHERE diff_id = '" + b.ToString() + "'");
  // An intact value stored under another layer's key (a copy gone wrong) is not served.
  ExecSql(db, "UPDATE layers SET value = (SELECT value FROM layers WHERE diff_id = '" + e.ToString() +
                  "') WHERE diff_id = '" + c.ToString() + "'");
  auto cache = LayerCache::Open(tmp.path());
  ASSERT_TRUE(cache.ok());
  EXPECT_FALSE((*cache)->Get(a, "k").has_value());
  EXPECT_FALSE((*cache)->Get(b, "k").has_value());
  EXPECT_FALSE((*cache)->Get(c, "k").has_value());
  EXPECT_TRUE((*cache)->Get(e, "k").has_value());
  EXPECT_EQ((*cache)->Stats().misses, 3u);
  EXPECT_EQ(CountRows(db), 1) << "the three bad entries are deleted";
}

TEST(LayerCacheTest, AFileThatIsNotSqliteIsAnOpenErrorNamingIt) {
  testing::TempDir tmp;
  fs::path db = tmp.path() / "layers.sqlite";
  std::ofstream(db) << std::string(8192, 'x');
  auto cache = LayerCache::Open(tmp.path());
  ASSERT_FALSE(cache.ok());
  EXPECT_NE(cache.error().message().find(db.string()), std::string::npos) << cache.error().message();
  // `cache clean` still removes it.
  auto cleaned = Clean(tmp.path());
  ASSERT_TRUE(cleaned.ok());
  EXPECT_EQ(*cleaned, 0u);
  EXPECT_FALSE(fs::exists(db));
  EXPECT_TRUE(LayerCache::Open(tmp.path()).ok());
}

TEST(LayerCacheTest, OpenFailsWhenTheDirectoryCannotBeCreated) {
  testing::TempDir tmp;
  std::ofstream(tmp.path() / "file") << "x";
  auto cache = LayerCache::Open(tmp.path() / "file" / "cache");
  ASSERT_FALSE(cache.ok());
  EXPECT_NE(cache.error().message().find("file/cache"), std::string::npos) << cache.error().message();
}

TEST(LayerCacheTest, CleanRemovesOnlyTheLayerCache) {
  testing::TempDir tmp;
  auto none = Clean(tmp.path() / "absent");
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(*none, 0u);

  std::ofstream(tmp.path() / "vuln.db") << "the vulnerability database";
  {
    auto cache = LayerCache::Open(tmp.path());
    ASSERT_TRUE(cache.ok());
    for (int i = 0; i < 5; ++i) {
      Digest d = DigestOf(std::to_string(i));
      ASSERT_TRUE((*cache)->Put(d, "k", ForLayer(LayerResult{}, d)).ok());
    }
    // Cleaning while this instance still has the database open (WAL and shm files present).
    ASSERT_TRUE(fs::exists(tmp.path() / "layers.sqlite-wal"));
    auto cleaned = Clean(tmp.path());
    ASSERT_TRUE(cleaned.ok()) << cleaned.error().message();
    EXPECT_EQ(*cleaned, 5u);
  }
  for (const char* f : {"layers.sqlite", "layers.sqlite-wal", "layers.sqlite-shm"})
    EXPECT_FALSE(fs::exists(tmp.path() / f)) << f;
  EXPECT_TRUE(fs::exists(tmp.path() / "vuln.db"));
  auto again = Clean(tmp.path());
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, 0u);
  auto fresh = LayerCache::Open(tmp.path());
  ASSERT_TRUE(fresh.ok());
  EXPECT_FALSE((*fresh)->Get(DigestOf("0"), "k").has_value());
}

// Writers and readers at once: several processes, each with several threads, each thread with
// its own LayerCache on the same directory. No operation may fail and no entry may be lost.
constexpr int kProcesses = 3;
constexpr int kThreadsPerProcess = 3;
constexpr int kEntriesPerThread = 40;

Digest ConcurrencyKey(int process, int thread, int i) {
  return DigestOf("p" + std::to_string(process) + "t" + std::to_string(thread) + "i" + std::to_string(i));
}

// Returns the number of failures.
int RunWorkers(const fs::path& dir, int process, const LayerResult& payload) {
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreadsPerProcess; ++t) {
    threads.emplace_back([&, t] {
      auto cache = LayerCache::Open(dir);
      if (!cache.ok()) {
        ++failures;
        std::fprintf(stderr, "open: %s\n", cache.error().message().c_str());
        return;
      }
      for (int i = 0; i < kEntriesPerThread; ++i) {
        Digest d = ConcurrencyKey(process, t, i);
        if (!(*cache)->Put(d, "k", ForLayer(payload, d)).ok()) ++failures;
        auto own = (*cache)->Get(d, "k");
        if (!own || own->diff_id != d.ToString()) ++failures;
        // Read what the other workers may have written by now: a hit must be intact.
        auto other = (*cache)->Get(ConcurrencyKey((process + 1) % kProcesses, (t + 1) % kThreadsPerProcess, i), "k");
        if (other && !(other->package_dbs == payload.package_dbs)) ++failures;
      }
    });
  }
  for (auto& th : threads) th.join();
  return failures.load();
}

TEST(LayerCacheTest, ConcurrentProcessesAndThreadsShareTheCache) {
  testing::TempDir tmp;
  fs::path dir = tmp.path() / "cache";
  const LayerResult payload = RealResult("dpkg/trivy-ubuntu1804-valid");
  std::vector<pid_t> children;
  for (int p = 1; p < kProcesses; ++p) {
    pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) _exit(RunWorkers(dir, p, payload) == 0 ? 0 : 1);
    children.push_back(pid);
  }
  EXPECT_EQ(RunWorkers(dir, 0, payload), 0);
  for (pid_t pid : children) {
    int status = 0;
    ASSERT_EQ(waitpid(pid, &status, 0), pid);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "child failed, status " << status;
  }
  auto cache = LayerCache::Open(dir);
  ASSERT_TRUE(cache.ok());
  for (int p = 0; p < kProcesses; ++p)
    for (int t = 0; t < kThreadsPerProcess; ++t)
      for (int i = 0; i < kEntriesPerThread; ++i) {
        Digest d = ConcurrencyKey(p, t, i);
        auto hit = (*cache)->Get(d, "k");
        ASSERT_TRUE(hit.has_value()) << "lost entry p" << p << " t" << t << " i" << i;
        EXPECT_TRUE(*hit == ForLayer(payload, d));
      }
  EXPECT_EQ(CountRows(dir / "layers.sqlite"), kProcesses * kThreadsPerProcess * kEntriesPerThread);
}

TEST(LayerCacheTest, OneInstanceIsSafeAcrossThreads) {
  testing::TempDir tmp;
  auto cache = LayerCache::Open(tmp.path());
  ASSERT_TRUE(cache.ok());
  LayerCache& shared = **cache;
  const LayerResult payload = RealResult("apk/trivy-alpine3.4");
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < 25; ++i) {
        Digest d = DigestOf(std::to_string(t) + "/" + std::to_string(i));
        if (!shared.Put(d, "k", ForLayer(payload, d)).ok()) ++failures;
        auto hit = shared.Get(d, "k");
        if (!hit || !(*hit == ForLayer(payload, d))) ++failures;
      }
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  CacheStats stats = shared.Stats();
  EXPECT_EQ(stats.writes, 100u);
  EXPECT_EQ(stats.hits, 100u);
  EXPECT_EQ(stats.misses, 0u);
}

// ---------------------------------------------------------------------------------------------
// DefaultCacheDir

class ScopedEnv {
 public:
  explicit ScopedEnv(const char* name) : name_(name) {
    if (const char* v = std::getenv(name)) saved_ = v;
  }
  ~ScopedEnv() {
    if (saved_) setenv(name_, saved_->c_str(), 1);
    else unsetenv(name_);
  }
  void Set(const char* value) const {
    if (value) setenv(name_, value, 1);
    else unsetenv(name_);
  }

 private:
  const char* name_;
  std::optional<std::string> saved_;
};

TEST(DefaultCacheDirTest, FollowsTheDocumentedOrder) {
  ScopedEnv hullscan("HULLSCAN_CACHE_DIR"), xdg("XDG_CACHE_HOME"), home("HOME");
  hullscan.Set("/srv/hs-cache");
  xdg.Set("/xdg");
  home.Set("/home/u");
  EXPECT_EQ(DefaultCacheDir(), fs::path("/srv/hs-cache"));
  hullscan.Set(nullptr);
  EXPECT_EQ(DefaultCacheDir(), fs::path("/xdg/hullscan"));
  hullscan.Set("");  // empty counts as unset
  xdg.Set("relative/dir");  // the XDG spec says to ignore relative paths
  EXPECT_EQ(DefaultCacheDir(), fs::path("/home/u/.cache/hullscan"));
  xdg.Set(nullptr);
  EXPECT_EQ(DefaultCacheDir(), fs::path("/home/u/.cache/hullscan"));
  home.Set(nullptr);
  fs::path fallback = DefaultCacheDir();  // the passwd entry's home, or a per-user temp dir
  EXPECT_TRUE(fallback.is_absolute()) << fallback;
  EXPECT_FALSE(fallback.empty());
}

}  // namespace
}  // namespace hullscan::cache
