// Hostile and damaged input: empty, truncated, garbage and byte-mutated databases, and damaged
// structures aimed at each reader's pointers (pages, slots, schema). The analyzer must never crash
// or hang (run these under ASan/UBSan), must always report the file as one PackageDb, and must say
// what went wrong in diagnostics.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <algorithm>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "analyze/rpm/internal/convert.h"
#include "analyze/rpm/internal/header.h"
#include "analyze/rpm/rpm.h"
#include "rpm_test_support.h"

namespace hullscan::analyze::rpm_test {
namespace {

using ::testing::HasSubstr;

const char* const kDbPaths[] = {
    "var/lib/rpm/Packages",          "var/lib/rpm/Packages.db",          "var/lib/rpm/rpmdb.sqlite",
    "usr/lib/sysimage/rpm/Packages", "usr/lib/sysimage/rpm/Packages.db", "usr/lib/sysimage/rpm/rpmdb.sqlite"};

std::string AllMessages(const inventory::LayerResult& out) {
  std::string all;
  for (const auto& d : out.diagnostics) all += d.message + "\n";
  return all;
}

// The invariants every run must keep, whatever the input.
void ExpectWellFormed(const inventory::LayerResult& out, const std::string& path) {
  ASSERT_EQ(out.package_dbs.size(), 1u);
  EXPECT_EQ(out.package_dbs[0].path, path);
  EXPECT_EQ(out.package_dbs[0].analyzer, "rpm");
  EXPECT_LE(out.diagnostics.size(), 51u);  // 50 kept + one "further problems" line
  for (const auto& d : out.diagnostics) {
    EXPECT_EQ(d.path, path);
    EXPECT_EQ(d.layer_diff_id, "");  // filled in by the layer walker, not the analyzer
    EXPECT_TRUE(d.message.starts_with("rpm: ")) << d.message;
  }
  for (const auto& p : out.package_dbs[0].packages) {
    EXPECT_FALSE(p.name.empty());
    EXPECT_FALSE(p.version.empty());
    EXPECT_EQ(p.location.path, path);
  }
}

RpmCase CaseFor(const std::string& backend, const std::string& name) {
  RpmCase c = LoadRpmCase(name);
  EXPECT_EQ(c.backend, backend);
  return c;
}

void PutLE32(std::string& s, size_t off, uint32_t v) {
  ASSERT_LE(off + 4, s.size());
  for (int i = 0; i < 4; ++i) s[off + i] = static_cast<char>(v >> (8 * i));
}
void PutLE16(std::string& s, size_t off, uint16_t v) {
  ASSERT_LE(off + 2, s.size());
  s[off] = static_cast<char>(v);
  s[off + 1] = static_cast<char>(v >> 8);
}

// ---- Interface basics ----

TEST(RpmAnalyzer, WantsExactlyTheDatabaseFiles) {
  std::unique_ptr<Analyzer> a = NewRpmAnalyzer();
  EXPECT_EQ(a->Name(), "rpm");
  EXPECT_GE(a->Version(), 1);
  EXPECT_GE(a->MaxFileSize(), int64_t{512} << 20);
  for (const char* path : kDbPaths) EXPECT_TRUE(a->Wants({path, 0644, 100})) << path;
  for (const char* path :
       {"var/lib/rpm/Name", "var/lib/rpm/Basenames", "var/lib/rpm/rpmdb.sqlite-wal", "var/lib/rpm/rpmdb.sqlite-shm",
        "var/lib/rpm/Packages.bak", "var/lib/rpm/sub/Packages", "xvar/lib/rpm/Packages", "var/lib/rpmPackages",
        "Packages", "var/lib/dpkg/status", "usr/share/rpm/Packages", "var/lib/rpm/"}) {
    EXPECT_FALSE(a->Wants({path, 0644, 100})) << path;
  }
}

TEST(RpmSourceRpm, SplitsLikeTrivy) {
  using rpm_internal::SourceRpmName;
  using rpm_internal::SplitSourceRpm;
  EXPECT_EQ(SplitSourceRpm("util-linux-2.32.1-42.el8_8.src.rpm"), (SourceRpmName{"util-linux", "2.32.1-42.el8_8"}));
  EXPECT_EQ(SplitSourceRpm("gcc-toolset-12-gcc-12.2.1-7.el8.nosrc.rpm"),
            (SourceRpmName{"gcc-toolset-12-gcc", "12.2.1-7.el8"}));
  EXPECT_EQ(SplitSourceRpm("a-1-2.src.rpm"), (SourceRpmName{"a", "1-2"}));
  for (const char* bad : {"", "(none)", "foo.src.rpm", "foo-1.src.rpm", "-1-2.src.rpm", "a--2.src.rpm", "a-1-.src.rpm",
                          "a-1-2", "nodots-at-all-rpm"}) {
    EXPECT_EQ(SplitSourceRpm(bad), std::nullopt) << bad;
  }
}

// ---- Empty and garbage files ----

TEST(RpmHostile, ZeroLengthFileAtEveryLocation) {
  for (const char* path : kDbPaths) {
    SCOPED_TRACE(path);
    inventory::LayerResult out = AnalyzeOne(path, "");
    ExpectWellFormed(out, path);
    EXPECT_TRUE(out.package_dbs[0].packages.empty());
    EXPECT_THAT(AllMessages(out), HasSubstr("empty file"));
  }
}

TEST(RpmHostile, RandomGarbageWithTheRightName) {
  std::mt19937 rng(1234);
  for (size_t size : {1, 3, 7, 8, 15, 16, 31, 32, 100, 511, 512, 513, 4095, 4096, 4097, 65536, 1 << 20}) {
    for (const char* path : {"var/lib/rpm/Packages", "var/lib/rpm/Packages.db", "var/lib/rpm/rpmdb.sqlite"}) {
      SCOPED_TRACE(std::string(path) + " " + std::to_string(size));
      std::string garbage(size, '\0');
      for (char& ch : garbage) ch = static_cast<char>(rng());
      inventory::LayerResult out = AnalyzeOne(path, garbage);
      ExpectWellFormed(out, path);
      EXPECT_TRUE(out.package_dbs[0].packages.empty());
      EXPECT_THAT(AllMessages(out), HasSubstr("not an rpm database"));
    }
  }
}

// Garbage behind each format's magic number gets past detection and into the readers.
TEST(RpmHostile, GarbageBehindEachMagic) {
  std::mt19937 rng(99);
  std::string bdb_magic(16, '\0');
  PutLE32(bdb_magic, 12, 0x00061561);
  std::string big_endian_bdb_magic(16, '\0');
  big_endian_bdb_magic[13] = 0x06, big_endian_bdb_magic[14] = 0x15, big_endian_bdb_magic[15] = 0x61;
  for (const std::string& magic :
       {std::string("SQLite format 3\0", 16), std::string("RpmP\0\0\0\0", 8), bdb_magic, big_endian_bdb_magic}) {
    for (size_t size : {16, 32, 100, 512, 4096, 70000}) {
      for (int round = 0; round < 20; ++round) {
        std::string data(std::max(size, magic.size()), '\0');
        for (char& ch : data) ch = static_cast<char>(rng() % (round % 2 ? 256 : 4));  // also near-zero noise
        std::copy(magic.begin(), magic.end(), data.begin());
        inventory::LayerResult out = AnalyzeOne("var/lib/rpm/Packages", data);
        ExpectWellFormed(out, "var/lib/rpm/Packages");
        EXPECT_FALSE(out.diagnostics.empty()) << "size " << size;
      }
    }
  }
}

// ---- Truncation ----

TEST(RpmHostile, TruncatedFixtures) {
  for (const std::string& name : RpmCaseNames()) {
    RpmCase c = LoadRpmCase(name);
    if (c.bytes.empty()) continue;
    size_t full = c.expected.at("count").get<size_t>();
    std::vector<size_t> cuts = {1, 7, 8, 15, 16, 31, 32, 99, 100, 511, 512, 513, 4095, 4096, 4097};
    for (size_t part = 1; part < 16; ++part) cuts.push_back(c.bytes.size() * part / 16);
    cuts.push_back(c.bytes.size() - 1);
    for (size_t cut : cuts) {
      if (cut >= c.bytes.size()) continue;
      SCOPED_TRACE(name + " cut at " + std::to_string(cut));
      inventory::LayerResult out = AnalyzeOne(c.input, c.bytes.substr(0, cut));
      ExpectWellFormed(out, c.input);
      EXPECT_LE(out.package_dbs[0].packages.size(), full);
      // Every format records its own size (page count, slot extents, SQLite page count), so a
      // cut file is always noticed.
      EXPECT_FALSE(out.diagnostics.empty());
    }
  }
}

// ---- Berkeley DB: pages pointing where they must not ----

struct BdbDamage {
  std::string what;
  std::function<void(std::string&)> apply;
  std::string expect_message;
  size_t expect_packages;
};

TEST(RpmHostile, BdbDamagedPointers) {
  RpmCase c = CaseFor("bdb", "bdb-rhel8-libuuid");
  // Layout of this fixture (4096-byte pages): page 0 metadata; bucket 0 on page 1 (the counter
  // record), bucket 1 on page 2 with the package: entry 1 is an off-page item at offset 4079;
  // overflow chain pages 3..22.
  const size_t page = 4096;
  const size_t item = 2 * page + 4079;
  std::vector<BdbDamage> damages = {
      {"off-page item points past the file", [&](std::string& f) { PutLE32(f, item + 4, 0x7fffffff); },
       "lies outside the file", 0},
      {"off-page item points at page 0", [&](std::string& f) { PutLE32(f, item + 4, 0); }, "outside the file", 0},
      {"off-page item points at a hash page", [&](std::string& f) { PutLE32(f, item + 4, 1); },
       "is not an overflow page", 0},
      {"off-page length beyond the file", [&](std::string& f) { PutLE32(f, item + 8, 0x0fffffff); },
       "exceeds the file size", 0},
      {"off-page length zero", [&](std::string& f) { PutLE32(f, item + 8, 0); }, "overflow item of 0 bytes", 0},
      {"bucket page chain points past the file", [&](std::string& f) { PutLE32(f, 2 * page + 16, 0x00ffffff); },
       "lies outside the file", 1},
      {"bucket page chain loops", [&](std::string& f) { PutLE32(f, 2 * page + 16, 2); }, "reached twice", 1},
      {"overflow chain loops", [&](std::string& f) { PutLE32(f, 10 * page + 16, 10); }, "claims", 0},
      {"overflow chain ends early", [&](std::string& f) { PutLE32(f, 10 * page + 16, 0); }, "outside the file", 0},
      {"overflow page claims no data", [&](std::string& f) { PutLE16(f, 5 * page + 22, 0); }, "claims 0 bytes", 0},
      {"overflow page claims more than a page", [&](std::string& f) { PutLE16(f, 5 * page + 22, 60000); },
       "claims 60000 bytes", 0},
      {"hash page entry count too large", [&](std::string& f) { PutLE16(f, 2 * page + 20, 0xffff); },
       "do not fit the page", 0},
      {"hash item offset outside the page", [&](std::string& f) { PutLE16(f, 2 * page + 26 + 2, 5000); },
       "item offsets", 0},
      {"hash item of unknown kind", [&](std::string& f) { f[item] = 9; }, "unsupported item kind 9", 0},
      {"hash page of the wrong type", [&](std::string& f) { f[2 * page + 25] = 5; }, "not a hash page", 0},
      {"hash page with the wrong number", [&](std::string& f) { PutLE32(f, 2 * page + 8, 7); }, "carries page number 7",
       0},
      {"spares point past the file", [&](std::string& f) { PutLE32(f, 96 + 4, 0x7ffffff0); }, "outside the file", 0},
      {"max bucket beyond the pages", [&](std::string& f) { PutLE32(f, 72, 0xffffffff); }, "exceeds last page", 0},
      {"last page beyond the file", [&](std::string& f) { PutLE32(f, 32, 0xfffffff0); }, "truncated", 1},
      {"bad page size", [&](std::string& f) { PutLE32(f, 20, 3000); }, "bad page size 3000", 0},
      {"huge page size", [&](std::string& f) { PutLE32(f, 20, 1u << 31); }, "bad page size", 0},
      {"unknown hash version", [&](std::string& f) { PutLE32(f, 16, 77); }, "hash version 77", 0},
      {"encrypted", [&](std::string& f) { f[24] = 1; }, "encrypted", 0},
      {"checksummed", [&](std::string& f) { f[26] = 1; }, "checksummed", 0},
      {"btree, not hash", [&](std::string& f) { PutLE32(f, 12, 0x00053162); }, "not an rpm database", 0},
  };
  for (const BdbDamage& d : damages) {
    SCOPED_TRACE(d.what);
    std::string file = c.bytes;
    d.apply(file);
    inventory::LayerResult out = AnalyzeOne(c.input, file);
    ExpectWellFormed(out, c.input);
    EXPECT_THAT(AllMessages(out), HasSubstr(d.expect_message));
    EXPECT_EQ(out.package_dbs[0].packages.size(), d.expect_packages);
  }
}

// ---- NDB: slots and blobs ----

TEST(RpmHostile, NdbDamagedSlotsAndBlobs) {
  RpmCase c = CaseFor("ndb", "ndb-sle15-bci");
  const size_t full = c.expected.at("count").get<size_t>();
  const size_t slot = 32;  // the first slot (package index 1) follows the 32-byte file header
  uint32_t block = 0;
  for (int i = 0; i < 4; ++i) block |= uint32_t{static_cast<uint8_t>(c.bytes[slot + 8 + i])} << (8 * i);
  uint32_t blocks = 0;
  for (int i = 0; i < 4; ++i) blocks |= uint32_t{static_cast<uint8_t>(c.bytes[slot + 12 + i])} << (8 * i);
  const size_t blob = size_t{block} * 16, blob_end = blob + size_t{blocks} * 16;
  std::vector<BdbDamage> damages = {
      {"slot points past the file", [&](std::string& f) { PutLE32(f, slot + 8, 0x7fffffff); },
       "beyond the end of the file", full - 1},
      {"slot with a huge block count", [&](std::string& f) { PutLE32(f, slot + 12, 0xffffffff); },
       "beyond the end of the file", full - 1},
      {"slot points into the slot pages", [&](std::string& f) { PutLE32(f, slot + 8, 1); }, "invalid entry", full - 1},
      {"slot without package index", [&](std::string& f) { PutLE32(f, slot + 4, 0); }, "invalid entry", full - 1},
      {"bad slot magic", [&](std::string& f) { f[slot] = 'X'; }, "bad slot magic", full - 1},
      {"two slots for one package", [&](std::string& f) { f.replace(slot + 16, 16, f.substr(slot, 16)); },
       "appears twice", full - 1},
      {"blob head names another package", [&](std::string& f) { PutLE32(f, blob + 4, 999); }, "no blob of package",
       full - 1},
      {"blob length disagrees with the slot", [&](std::string& f) { PutLE32(f, blob + 12, 5); }, "does not match",
       full - 1},
      {"damaged blob tail", [&](std::string& f) { f[blob_end - 1] = 'X'; }, "damaged blob tail", full - 1},
      // rpm does not verify the checksum when reading; neither do we drop the package for it.
      {"checksum mismatch", [&](std::string& f) { f[blob_end - 12] ^= 1; }, "checksum mismatch", full},
      {"broken header inside a sound blob", [&](std::string& f) { PutLE32(f, blob + 16, 0x7fffffff); },
       "header counts out of range", full - 1},
      {"slot page count beyond the file", [&](std::string& f) { PutLE32(f, 12, 0x7fffffff); }, "truncated", 0},
      {"unknown version", [&](std::string& f) { PutLE32(f, 4, 3); }, "version 3", 0},
      {"no slot pages", [&](std::string& f) { PutLE32(f, 12, 0); }, "no slot pages", 0},
  };
  for (const BdbDamage& d : damages) {
    SCOPED_TRACE(d.what);
    std::string file = c.bytes;
    d.apply(file);
    inventory::LayerResult out = AnalyzeOne(c.input, file);
    ExpectWellFormed(out, c.input);
    EXPECT_THAT(AllMessages(out), HasSubstr(d.expect_message));
    EXPECT_EQ(out.package_dbs[0].packages.size(), d.expect_packages);
  }
}

// Every slot pointing at the same large blob must not make the work quadratic (each blob head
// names its one package, so the copies are refused before any checksum or header work), and the
// flood of per-slot problems is capped.
TEST(RpmHostile, NdbSlotsSharingOneBlob) {
  RpmCase c = CaseFor("ndb", "ndb-sle15-bci");
  std::string file = c.bytes;
  for (size_t off = 48; off + 16 <= 4096; off += 16) {
    file.replace(off, 16, file.substr(32, 16));
    PutLE32(file, off + 4, static_cast<uint32_t>(off));  // distinct package indexes
  }
  inventory::LayerResult out = AnalyzeOne(c.input, file);
  ExpectWellFormed(out, c.input);
  EXPECT_EQ(out.package_dbs[0].packages.size(), 1u);  // the untouched first slot
  EXPECT_THAT(AllMessages(out), HasSubstr("no blob of package"));
  EXPECT_THAT(AllMessages(out), HasSubstr("further problems not listed"));
}

// ---- SQLite: damaged files and hostile schemas ----

// Builds a database with `sql` and returns its bytes (sqlite3_serialize).
std::string MakeSqliteDb(const std::string& sql, const std::vector<std::string>& blobs = {}) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open(":memory:", &db), SQLITE_OK);
  char* err = nullptr;
  EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err), SQLITE_OK) << (err ? err : "");
  sqlite3_free(err);
  for (const std::string& blob : blobs) {
    sqlite3_stmt* stmt = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(db, "INSERT INTO Packages (blob) VALUES (?)", -1, &stmt, nullptr), SQLITE_OK);
    sqlite3_bind_blob(stmt, 1, blob.data(), static_cast<int>(blob.size()), SQLITE_TRANSIENT);
    EXPECT_EQ(sqlite3_step(stmt), SQLITE_DONE);
    sqlite3_finalize(stmt);
  }
  sqlite3_int64 size = 0;
  unsigned char* bytes = sqlite3_serialize(db, "main", &size, 0);
  std::string out(reinterpret_cast<const char*>(bytes), static_cast<size_t>(size));
  sqlite3_free(bytes);
  sqlite3_close(db);
  return out;
}

std::vector<std::string> SomeHeaderBlobs() {
  std::vector<std::string> blobs;
  for (auto& [id, blob] : ReadRecords("bdb", LoadRpmCase("bdb-rhel8-libuuid").bytes).headers) blobs.push_back(blob);
  for (auto& [id, blob] : ReadRecords("bdb", LoadRpmCase("bdb-scalibr-epoch").bytes).headers) blobs.push_back(blob);
  return blobs;
}

const char kRpmSchema[] = "CREATE TABLE Packages (hnum INTEGER PRIMARY KEY AUTOINCREMENT, blob BLOB NOT NULL);";

TEST(RpmSqlite, RollbackJournalDatabaseAndWalHeaderReadTheSame) {
  std::string db = MakeSqliteDb(kRpmSchema, SomeHeaderBlobs());
  ASSERT_EQ(db[18], 1);
  std::string wal = db;
  wal[18] = wal[19] = 2;  // what rpm leaves behind; the -wal file is never looked for
  inventory::LayerResult a = AnalyzeOne("var/lib/rpm/rpmdb.sqlite", db);
  inventory::LayerResult b = AnalyzeOne("var/lib/rpm/rpmdb.sqlite", wal);
  ExpectWellFormed(a, "var/lib/rpm/rpmdb.sqlite");
  EXPECT_TRUE(a.diagnostics.empty()) << AllMessages(a);
  ASSERT_EQ(a.package_dbs[0].packages.size(), 2u);
  EXPECT_EQ(a.package_dbs[0].packages[0].name, "libuuid");
  EXPECT_EQ(a.package_dbs[0].packages[1].name, "hello");
  EXPECT_EQ(a, b);
}

TEST(RpmSqlite, HostileSchemasAndRows) {
  std::vector<std::string> blobs = SomeHeaderBlobs();
  struct SchemaCase {
    std::string what;
    std::string db;
    std::string expect_message;
    size_t expect_packages;
  };
  std::vector<SchemaCase> cases = {
      {"no Packages table", MakeSqliteDb("CREATE TABLE Other (x);"), "no Packages table", 0},
      {"Packages is a view",
       MakeSqliteDb("CREATE TABLE t (hnum INTEGER, blob BLOB);"
                    "CREATE VIEW Packages AS WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) "
                    "SELECT x AS hnum, zeroblob(10) AS blob FROM c;"),
       "not a plain table", 0},
      {"Packages is a virtual table", MakeSqliteDb("CREATE VIRTUAL TABLE Packages USING fts5(hnum, blob);"),
       "not a plain table", 0},
      {"a trigger on Packages",
       MakeSqliteDb(std::string(kRpmSchema) +
                        "CREATE TABLE log (x); CREATE TRIGGER t AFTER INSERT ON Packages BEGIN INSERT INTO log "
                        "VALUES (1); END;",
                    blobs),
       "", 2},
      {"rows with a bad hnum, an empty blob and a broken header",
       [&] {
         std::string db = MakeSqliteDb(
             "CREATE TABLE Packages (hnum, blob);"
             "INSERT INTO Packages VALUES ('text', x'00');"
             "INSERT INTO Packages VALUES (-5, x'00');"
             "INSERT INTO Packages VALUES (7, x'');"
             "INSERT INTO Packages VALUES (8, NULL);"
             "INSERT INTO Packages VALUES (9, x'0000000100000000');");
         return db;
       }(),
       "bad hnum", 0},
  };
  for (const SchemaCase& sc : cases) {
    SCOPED_TRACE(sc.what);
    inventory::LayerResult out = AnalyzeOne("var/lib/rpm/rpmdb.sqlite", sc.db);
    ExpectWellFormed(out, "var/lib/rpm/rpmdb.sqlite");
    if (sc.expect_message.empty()) {
      EXPECT_TRUE(out.diagnostics.empty()) << AllMessages(out);
    } else {
      EXPECT_THAT(AllMessages(out), HasSubstr(sc.expect_message));
    }
    EXPECT_EQ(out.package_dbs[0].packages.size(), sc.expect_packages);
  }
}

TEST(RpmSqlite, DamagedPagesOfTheRealDatabase) {
  RpmCase c = CaseFor("sqlite", "sqlite-cbl-mariner-2.0");
  const size_t page_size = static_cast<uint8_t>(c.bytes[16]) << 8 | static_cast<uint8_t>(c.bytes[17]);
  ASSERT_EQ(page_size, 4096u);
  const size_t pages = c.bytes.size() / page_size;
  // Overwrite the b-tree page header (type, free block, cell count, content start, first cell
  // pointers) of page after page; page 1's header follows the 100-byte file header.
  std::mt19937 rng(7);
  for (size_t p = 0; p < pages; p += 13) {
    std::string file = c.bytes;
    size_t base = p * page_size + (p == 0 ? 100 : 0);
    for (size_t i = 0; i < 12; ++i) file[base + i] = static_cast<char>(rng());
    inventory::LayerResult out = AnalyzeOne(c.input, file);
    ExpectWellFormed(out, c.input);
  }
  // The schema page destroyed: the database cannot be opened at all.
  std::string file = c.bytes;
  std::fill(file.begin() + 100, file.begin() + page_size, '\x55');
  inventory::LayerResult out = AnalyzeOne(c.input, file);
  ExpectWellFormed(out, c.input);
  EXPECT_TRUE(out.package_dbs[0].packages.empty());
  EXPECT_THAT(AllMessages(out), HasSubstr("SQLite"));
}

// ---- Header blobs ----

TEST(RpmHeader, RejectsMalformedBlobs) {
  std::string blob = ReadRecords("bdb", LoadRpmCase("bdb-rhel8-libuuid").bytes).headers.at(0).second;
  ASSERT_TRUE(rpm_internal::DecodeHeader(AsBytes(blob)).ok());
  auto reject = [](const std::string& b, const std::string& message) {
    Result<rpm_internal::HeaderFields> r = rpm_internal::DecodeHeader(AsBytes(b));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code(), ErrorCode::kCorrupt);
    EXPECT_THAT(r.error().message(), HasSubstr(message));
  };
  reject("", "too short");
  reject(std::string("\0\0\0\1\0\0", 6), "too short");
  reject(std::string(8, '\0'), "out of range");
  reject(std::string("\0\1\0\0\0\0\0\0", 8), "out of range");    // 65536 tags
  reject(std::string("\0\0\0\1\x10\0\0\0", 8), "out of range");  // 256 MiB of data
  reject(std::string("\0\0\0\1\0\0\0\0", 8), "size mismatch");   // one tag promised, none there
  for (size_t cut = 0; cut < blob.size(); cut += 97) reject(blob.substr(0, cut), "");
  reject(blob + "x", "size mismatch");
  // Right geometry, nonsense index: librpm's own checks must refuse it.
  std::string nonsense = blob;
  for (size_t i = 8; i < 8 + 16 * 4; ++i) nonsense[i] = '\xff';
  reject(nonsense, "librpm rejected");
}

TEST(RpmHeader, SurvivesByteMutations) {
  std::vector<std::string> blobs = SomeHeaderBlobs();
  std::mt19937 rng(42);
  size_t accepted = 0;
  for (int round = 0; round < 4000; ++round) {
    std::string b = blobs[round % blobs.size()];
    int flips = 1 + static_cast<int>(rng() % 4);
    for (int i = 0; i < flips; ++i) {
      // Aim most mutations at the intro and the tag index, where the pointers are.
      size_t index_end = std::min<size_t>(b.size(), 8 + 16 * 40);
      size_t pos = rng() % 3 ? rng() % index_end : rng() % b.size();
      b[pos] = static_cast<char>(rng());
    }
    Result<rpm_internal::HeaderFields> r = rpm_internal::DecodeHeader(AsBytes(b));
    if (r.ok()) {
      ++accepted;
      EXPECT_FALSE(r->name.empty());
    }
  }
  EXPECT_GT(accepted, 0u);  // data-only mutations still decode
}

// ---- Random mutation of whole databases (a deterministic mini-fuzzer) ----

TEST(RpmHostile, RandomMutationsOfEveryFixture) {
  std::mt19937 rng(2024);
  for (const std::string& name : RpmCaseNames()) {
    RpmCase c = LoadRpmCase(name);
    if (c.bytes.empty()) continue;
    int rounds = c.bytes.size() > (1 << 20) ? 40 : 400;
    for (int round = 0; round < rounds; ++round) {
      std::string file = c.bytes;
      int flips = 1 + static_cast<int>(rng() % 16);
      for (int i = 0; i < flips; ++i) {
        // Half the mutations land in the first 4 KiB (metadata, slots, schema), where pointers live.
        size_t pos = rng() % 2 ? rng() % std::min<size_t>(file.size(), 4096) : rng() % file.size();
        file[pos] = static_cast<char>(rng());
      }
      inventory::LayerResult out = AnalyzeOne(c.input, file);
      ExpectWellFormed(out, c.input);
      if (::testing::Test::HasFailure()) {
        ADD_FAILURE() << name << " round " << round;
        return;
      }
    }
  }
}

}  // namespace
}  // namespace hullscan::analyze::rpm_test
