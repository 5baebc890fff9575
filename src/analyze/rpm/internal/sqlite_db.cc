#include "analyze/rpm/internal/sqlite_db.h"

#include <sqlite3.h>

#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "base/strings.h"

namespace hullscan::analyze::rpm_internal {
namespace {

constexpr char kSqliteMagic[16] = "SQLite format 3";  // with its terminating NUL, as in the file
constexpr size_t kSqliteHeaderSize = 100;
// Header bytes 18 and 19: the file format write/read versions; 2 means WAL, 1 rollback journal.
constexpr size_t kWriteVersionOffset = 18;
constexpr size_t kReadVersionOffset = 19;

// Work budget for hostile databases, in progress-handler ticks of kOpsPerTick VM instructions:
// a fixed allowance plus some per byte. Reading a sound rpmdb takes a few instructions per row.
constexpr int kOpsPerTick = 1000;
constexpr uint64_t kBaseTicks = 10'000;
constexpr uint64_t kBytesPerTick = 64;

struct CloseDb {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
struct FinalizeStmt {
  void operator()(sqlite3_stmt* stmt) const { sqlite3_finalize(stmt); }
};
using DbPtr = std::unique_ptr<sqlite3, CloseDb>;
using StmtPtr = std::unique_ptr<sqlite3_stmt, FinalizeStmt>;

int OnProgress(void* ticks_left) {
  auto* left = static_cast<uint64_t*>(ticks_left);
  if (*left == 0) return 1;  // interrupts the running statement with SQLITE_INTERRUPT
  --*left;
  return 0;
}

std::string ErrorOf(sqlite3* db) { return sqlite3_errmsg(db); }

Result<StmtPtr> Prepare(sqlite3* db, const char* sql) {
  sqlite3_stmt* raw = nullptr;
  if (sqlite3_prepare_v2(db, sql, -1, &raw, nullptr) != SQLITE_OK) {
    sqlite3_finalize(raw);
    return Corrupt("SQLite: " + ErrorOf(db));
  }
  return StmtPtr(raw);
}

// Locks the connection down to reading plain tables: the schema comes from the image, so no
// triggers, views, virtual tables, extensions or attached databases, and no writes.
void Harden(sqlite3* db) {
  sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, nullptr);
  sqlite3_db_config(db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, nullptr);
  sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_TRIGGER, 0, nullptr);
  sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_VIEW, 0, nullptr);
  sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0, nullptr);
  sqlite3_limit(db, SQLITE_LIMIT_ATTACHED, 0);
  sqlite3_limit(db, SQLITE_LIMIT_LENGTH, static_cast<int>(kMaxHeaderBlobSize));
}

// The Packages table must be an ordinary table: a view or virtual table of that name would run
// the image's own SQL (or a virtual-table module) on our side.
Status CheckPackagesTable(sqlite3* db) {
  HS_ASSIGN_OR_RETURN(StmtPtr stmt,
                      Prepare(db, "SELECT type, sql FROM sqlite_schema WHERE name = 'Packages' COLLATE NOCASE"));
  int rc = sqlite3_step(stmt.get());
  if (rc == SQLITE_DONE) return Corrupt("SQLite: no Packages table");
  if (rc != SQLITE_ROW) return Corrupt("SQLite: reading the schema: " + ErrorOf(db));
  auto text = [&](int col) {
    const unsigned char* p = sqlite3_column_text(stmt.get(), col);
    return p ? std::string(reinterpret_cast<const char*>(p)) : std::string();
  };
  std::string type = text(0), sql = text(1);
  if (type != "table" || !StartsWith(ToLower(sql), "create table")) {
    return Corrupt("SQLite: Packages is a " + type + ", not a plain table");
  }
  return OkStatus();
}

}  // namespace

bool LooksLikeSqlite(Bytes file) {
  return file.size() >= sizeof(kSqliteMagic) && std::memcmp(file.data(), kSqliteMagic, sizeof(kSqliteMagic)) == 0;
}

Status ReadSqlitePackages(Bytes file, const RecordSink& sink) {
  if (!LooksLikeSqlite(file) || file.size() < kSqliteHeaderSize) return Corrupt("SQLite: no SQLite 3 header");

  // rpm leaves its database in WAL mode. The in-memory VFS has no WAL support and we must not
  // look for a -wal file anyway, so a copy with the header switched to rollback-journal mode is
  // what gets opened. Otherwise the caller's bytes are used in place: sqlite3_deserialize takes a
  // non-const pointer, but with SQLITE_DESERIALIZE_READONLY (and without RESIZEABLE/FREEONCLOSE)
  // it never writes to or frees the buffer.
  std::vector<uint8_t> patched;
  unsigned char* data = const_cast<unsigned char*>(file.data());
  if (file[kWriteVersionOffset] != 1 || file[kReadVersionOffset] != 1) {
    patched.assign(file.begin(), file.end());
    patched[kWriteVersionOffset] = 1;
    patched[kReadVersionOffset] = 1;
    data = patched.data();
  }

  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(":memory:", &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  DbPtr db(raw);
  if (rc != SQLITE_OK) return Internal("SQLite: cannot open an in-memory database: " + ErrorOf(raw));
  Harden(db.get());
  uint64_t ticks_left = kBaseTicks + file.size() / kBytesPerTick;
  sqlite3_progress_handler(db.get(), kOpsPerTick, OnProgress, &ticks_left);

  rc = sqlite3_deserialize(db.get(), "main", data, static_cast<sqlite3_int64>(file.size()),
                           static_cast<sqlite3_int64>(file.size()), SQLITE_DESERIALIZE_READONLY);
  if (rc != SQLITE_OK) return Corrupt("SQLite: cannot load the database: " + ErrorOf(db.get()));
  // Extra b-tree cell checks turn some corruption into errors early instead of odd reads.
  sqlite3_exec(db.get(), "PRAGMA cell_size_check = ON; PRAGMA temp_store = MEMORY", nullptr, nullptr, nullptr);

  HS_TRY(CheckPackagesTable(db.get()));
  // No ORDER BY: hnum is the rowid, so a table scan is already in hnum order (as rpm reads it), and
  // sorting could need temporary storage.
  HS_ASSIGN_OR_RETURN(StmtPtr rows, Prepare(db.get(), "SELECT hnum, blob FROM Packages"));
  while ((rc = sqlite3_step(rows.get())) == SQLITE_ROW) {
    // The type first: reading the value may convert it, after which the type is undefined.
    bool integer = sqlite3_column_type(rows.get(), 0) == SQLITE_INTEGER;
    sqlite3_int64 hnum = sqlite3_column_int64(rows.get(), 0);
    if (!integer || hnum <= 0 || hnum > UINT32_MAX) {
      sink.on_problem("SQLite: row with a bad hnum");
      continue;
    }
    const void* blob = sqlite3_column_blob(rows.get(), 1);
    int size = sqlite3_column_bytes(rows.get(), 1);
    if (blob == nullptr || size <= 0) {
      sink.on_problem("SQLite: package " + std::to_string(hnum) + ": empty blob");
      continue;
    }
    sink.on_header(static_cast<uint32_t>(hnum), Bytes(static_cast<const uint8_t*>(blob), static_cast<size_t>(size)));
  }
  if (rc != SQLITE_DONE) {
    sink.on_problem(rc == SQLITE_INTERRUPT ? std::string("SQLite: gave up reading Packages: work limit reached")
                                           : "SQLite: reading Packages stopped: " + ErrorOf(db.get()));
  }
  return OkStatus();
}

}  // namespace hullscan::analyze::rpm_internal
