#include "cache/layer_cache.h"

#include <pwd.h>
#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <thread>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <system_error>
#include <utility>
#include <vector>

#include "base/log.h"

namespace hullscan::cache {
namespace {

using inventory::Diagnostic;
using inventory::LayerResult;
using inventory::Location;
using inventory::NotableFile;
using inventory::OwnedFiles;
using inventory::SecretHit;
using inventory::Package;
using inventory::PackageDb;
using inventory::PackageType;

// ---------------------------------------------------------------------------------------------
// Serialisation: a compact binary encoding, chosen over JSON because parsing it is a straight
// walk with no tokenising, escaping or key lookups. Measured on the Debian bookworm base layer
// (88 packages, 5,400 file paths; Release build): 87 KB, serialise ~0.1 ms, parse ~0.2-0.4 ms;
// the same data as compact short-key nlohmann JSON is 245 KB, ~2.4 ms to dump, ~2.7 ms to parse.
//
//   "HSLR"  u32le format version  u64le checksum of the body  body
//
// The body is the fields of LayerResult in declaration order: integers as LEB128 varints,
// strings as varint length + bytes, lists as varint count + items. String lists (installed
// files, owned files, whiteouts, licenses) are front-coded: each item is (bytes shared with the
// previous item, suffix), so sorted paths do not repeat their directories. PackageType is written
// by name, so reordering the enum cannot silently change cached values.
//
// Bump kFormatVersion whenever the encoding or any serialised struct changes; entries written
// with another version are misses.
constexpr uint32_t kFormatVersion = 2;
constexpr char kMagic[4] = {'H', 'S', 'L', 'R'};
constexpr size_t kHeaderSize = sizeof(kMagic) + 4 + 8;

#if defined(__GLIBCXX__) && defined(__x86_64__) && !defined(_GLIBCXX_DEBUG)
// Tripwires: a field added to one of these structs changes its size. Serialise the new field
// (Write/Read below), bump kFormatVersion, extend the every-field test, then update the size.
static_assert(sizeof(Location) == 64, "Location changed: update the cache serialisation");
static_assert(sizeof(Package) == 480, "Package changed: update the cache serialisation");
static_assert(sizeof(PackageDb) == 88, "PackageDb changed: update the cache serialisation");
static_assert(sizeof(OwnedFiles) == 88, "OwnedFiles changed: update the cache serialisation");
static_assert(sizeof(Diagnostic) == 96, "Diagnostic changed: update the cache serialisation");
static_assert(sizeof(SecretHit) == 232, "SecretHit changed: update the cache serialisation");
static_assert(sizeof(NotableFile) == 88, "NotableFile changed: update the cache serialisation");
static_assert(sizeof(LayerResult) == 272, "LayerResult changed: update the cache serialisation");
#endif

// Detects torn or bit-rotted values (SQLite keeps no page checksums); not a security measure.
// Eight bytes per step, so it costs little next to parsing.
uint64_t Checksum(std::string_view data) {
  constexpr uint64_t kMul = 0x9E3779B97F4A7C15ull;
  uint64_t h = 0x6A09E667F3BCC908ull ^ (data.size() * kMul);
  size_t i = 0;
  for (; i + 8 <= data.size(); i += 8) {
    uint64_t word;
    std::memcpy(&word, data.data() + i, 8);
    h = (h ^ word) * kMul;
    h ^= h >> 32;
  }
  uint64_t tail = 0;
  for (size_t shift = 0; i < data.size(); ++i, shift += 8)
    tail |= uint64_t{static_cast<unsigned char>(data[i])} << shift;
  h = (h ^ tail) * kMul;
  h ^= h >> 29;
  h *= kMul;
  h ^= h >> 32;
  return h;
}

void PutFixed(std::string& out, uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}
uint64_t GetFixed(std::string_view in, int bytes) {
  uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) v |= uint64_t{static_cast<unsigned char>(in[i])} << (8 * i);
  return v;
}

class Writer {
 public:
  explicit Writer(std::string& out) : out_(out) {}

  void Varint(uint64_t v) {
    while (v >= 0x80) {
      out_.push_back(static_cast<char>((v & 0x7f) | 0x80));
      v >>= 7;
    }
    out_.push_back(static_cast<char>(v));
  }
  void Str(std::string_view s) {
    Varint(s.size());
    out_.append(s);
  }
  void StrList(const std::vector<std::string>& list) {
    Varint(list.size());
    std::string_view previous;
    for (const std::string& s : list) {
      size_t shared = 0;
      size_t limit = std::min(previous.size(), s.size());
      while (shared < limit && previous[shared] == s[shared]) ++shared;
      Varint(shared);
      Str(std::string_view(s).substr(shared));
      previous = s;
    }
  }
  void Bool(bool b) { out_.push_back(b ? 1 : 0); }

  void Write(const Location& l) {
    Str(l.layer_diff_id);
    Str(l.path);
  }
  void Write(const Package& p) {
    Str(inventory::PackageTypeName(p.type));
    Str(p.name);
    Str(p.version);
    Str(p.arch);
    Str(p.source_name);
    Str(p.source_version);
    Str(p.source_rpm);
    StrList(p.licenses);
    Str(p.maintainer);
    Str(p.vendor);
    Str(p.modularity_label);
    Str(p.digest);
    StrList(p.installed_files);
    Write(p.location);
    Str(p.purl);
    Bool(p.dev);
  }
  void Write(const PackageDb& db) {
    Str(db.path);
    Str(db.analyzer);
    Varint(db.packages.size());
    for (const Package& p : db.packages) Write(p);
  }
  void Write(const OwnedFiles& o) {
    Str(o.path);
    Str(o.package);
    StrList(o.files);
  }
  void Write(const Diagnostic& d) {
    Str(d.layer_diff_id);
    Str(d.path);
    Str(d.message);
  }
  void Write(const LayerResult& r) {
    Str(r.diff_id);
    Varint(r.os_files.size());
    for (const auto& [path, content] : r.os_files) {
      Str(path);
      Str(content);
    }
    Varint(r.package_dbs.size());
    for (const PackageDb& db : r.package_dbs) Write(db);
    Varint(r.owned_files.size());
    for (const OwnedFiles& o : r.owned_files) Write(o);
    StrList(r.whiteouts);
    StrList(r.opaque_dirs);
    Varint(r.diagnostics.size());
    for (const Diagnostic& d : r.diagnostics) Write(d);
    Varint(r.secrets.size());
    for (const SecretHit& h : r.secrets) Write(h);
    Varint(r.notable_files.size());
    for (const NotableFile& f : r.notable_files) Write(f);
    // Sorted hashes: deltas are small varints.
    Varint(r.written_paths.size());
    uint64_t previous = 0;
    for (uint64_t h : r.written_paths) {
      Varint(h - previous);
      previous = h;
    }
  }
  void Write(const SecretHit& h) {
    Str(h.rule_id);
    Str(h.category);
    Str(h.title);
    Str(h.severity);
    Str(h.path);
    Varint(static_cast<uint64_t>(std::max(h.line, 0)));
    Str(h.match);
    Str(h.layer_diff_id);
  }
  void Write(const NotableFile& f) {
    Str(f.path);
    out_.push_back(f.type);
    Varint(f.mode);
    Varint(static_cast<uint64_t>(f.uid));
    Varint(static_cast<uint64_t>(f.gid));
    Str(f.layer_diff_id);
  }

 private:
  std::string& out_;
};

// The type for each name PackageTypeName() knows, found by asking it (so a new enum value needs
// no change here).
const std::vector<std::pair<std::string_view, PackageType>>& PackageTypesByName() {
  static const auto* const table = [] {
    auto* t = new std::vector<std::pair<std::string_view, PackageType>>;
    for (int i = 0; i < 256; ++i) {
      auto type = static_cast<PackageType>(i);
      std::string_view name = inventory::PackageTypeName(type);
      if (name != "unknown") t->emplace_back(name, type);
    }
    return t;
  }();
  return *table;
}

// Reads the body. Every read is bounds-checked; the first failure sticks (ok() turns false and
// all later reads return empty values), so the field code below stays linear. Counts are
// checked against the bytes left (every item takes at least one byte), so a hostile count
// cannot make us allocate more than a small multiple of the input.
class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}

  bool ok() const { return error_.empty(); }
  const std::string& error() const { return error_; }
  bool AtEnd() const { return pos_ == in_.size(); }

  uint64_t Varint() {
    uint64_t v = 0;
    for (int shift = 0; ok(); shift += 7) {
      if (pos_ >= in_.size()) {
        Fail("truncated integer");
        break;
      }
      auto byte = static_cast<unsigned char>(in_[pos_++]);
      if (shift == 63 && byte > 1) {
        Fail("integer overflow");
        break;
      }
      v |= uint64_t{byte & 0x7fu} << shift;
      if (!(byte & 0x80)) return v;
    }
    return 0;
  }
  size_t Count() {
    uint64_t n = Varint();
    if (n > in_.size() - pos_) {
      Fail("count exceeds the data");
      return 0;
    }
    return static_cast<size_t>(n);
  }
  std::string_view View() {
    uint64_t n = Varint();
    if (n > in_.size() - pos_) {
      Fail("truncated string");
      return {};
    }
    std::string_view s = in_.substr(pos_, n);
    pos_ += n;
    return s;
  }
  std::string Str() { return std::string(View()); }
  void StrList(std::vector<std::string>& out) {
    size_t n = Count();
    out.reserve(n);
    for (size_t i = 0; i < n && ok(); ++i) {
      uint64_t shared = Varint();
      size_t available = out.empty() ? 0 : out.back().size();
      if (shared > available) return Fail("bad shared prefix");
      std::string_view suffix = View();
      if (!ok()) return;
      std::string s;
      s.reserve(shared + suffix.size());
      if (shared) s.append(out.back(), 0, shared);
      s.append(suffix);
      out.push_back(std::move(s));
    }
  }
  bool Bool() {
    if (pos_ >= in_.size()) {
      Fail("truncated flag");
      return false;
    }
    char c = in_[pos_++];
    if (c != 0 && c != 1) Fail("bad flag");
    return c == 1;
  }

  void Read(Location& l) {
    l.layer_diff_id = Str();
    l.path = Str();
  }
  void Read(Package& p) {
    std::string_view type = View();
    if (!ok()) return;
    bool known = false;
    for (const auto& [name, value] : PackageTypesByName())
      if (name == type) p.type = value, known = true;
    if (!known) return Fail("unknown package type");
    p.name = Str();
    p.version = Str();
    p.arch = Str();
    p.source_name = Str();
    p.source_version = Str();
    p.source_rpm = Str();
    StrList(p.licenses);
    p.maintainer = Str();
    p.vendor = Str();
    p.modularity_label = Str();
    p.digest = Str();
    StrList(p.installed_files);
    Read(p.location);
    p.purl = Str();
    p.dev = Bool();
  }
  void Read(PackageDb& db) {
    db.path = Str();
    db.analyzer = Str();
    size_t n = Count();
    db.packages.reserve(n);
    for (size_t i = 0; i < n && ok(); ++i) Read(db.packages.emplace_back());
  }
  void Read(OwnedFiles& o) {
    o.path = Str();
    o.package = Str();
    StrList(o.files);
  }
  void Read(Diagnostic& d) {
    d.layer_diff_id = Str();
    d.path = Str();
    d.message = Str();
  }
  void Read(LayerResult& r) {
    r.diff_id = Str();
    size_t n = Count();
    for (size_t i = 0; i < n && ok(); ++i) {
      std::string path = Str();
      std::string content = Str();
      if (!ok()) return;
      // std::map iterates in key order, so a valid encoding has strictly increasing keys.
      if (!r.os_files.empty() && !(r.os_files.rbegin()->first < path)) return Fail("os files out of order");
      r.os_files.emplace_hint(r.os_files.end(), std::move(path), std::move(content));
    }
    n = Count();
    r.package_dbs.reserve(n);
    for (size_t i = 0; i < n && ok(); ++i) Read(r.package_dbs.emplace_back());
    n = Count();
    r.owned_files.reserve(n);
    for (size_t i = 0; i < n && ok(); ++i) Read(r.owned_files.emplace_back());
    StrList(r.whiteouts);
    StrList(r.opaque_dirs);
    n = Count();
    r.diagnostics.reserve(n);
    for (size_t i = 0; i < n && ok(); ++i) Read(r.diagnostics.emplace_back());
    n = Count();
    r.secrets.reserve(n);
    for (size_t i = 0; i < n && ok(); ++i) Read(r.secrets.emplace_back());
    n = Count();
    r.notable_files.reserve(n);
    for (size_t i = 0; i < n && ok(); ++i) Read(r.notable_files.emplace_back());
    n = Count();
    r.written_paths.reserve(n);
    uint64_t previous = 0;
    for (size_t i = 0; i < n && ok(); ++i) {
      uint64_t delta = Varint();
      if (i > 0 && delta == 0) return Fail("written paths not strictly increasing");
      if (delta > UINT64_MAX - previous) return Fail("written path hash overflow");
      previous += delta;
      r.written_paths.push_back(previous);
    }
  }
  void Read(SecretHit& h) {
    h.rule_id = Str();
    h.category = Str();
    h.title = Str();
    h.severity = Str();
    h.path = Str();
    uint64_t line = Varint();
    if (line > static_cast<uint64_t>(INT32_MAX)) return Fail("line number out of range");
    h.line = static_cast<int>(line);
    h.match = Str();
    h.layer_diff_id = Str();
  }
  void Read(NotableFile& f) {
    f.path = Str();
    if (pos_ >= in_.size()) return Fail("truncated file type");
    f.type = in_[pos_++];
    uint64_t mode = Varint();
    if (mode > UINT32_MAX) return Fail("mode out of range");
    f.mode = static_cast<uint32_t>(mode);
    f.uid = static_cast<int64_t>(Varint());
    f.gid = static_cast<int64_t>(Varint());
    f.layer_diff_id = Str();
  }

 private:
  // Records the first failure and where it happened, then parks at the end so that every later
  // read fails fast.
  void Fail(std::string_view what) {
    if (ok()) error_ = fmt::format("{} at body byte {}", what, pos_);
    pos_ = in_.size();
  }

  std::string_view in_;
  size_t pos_ = 0;
  std::string error_;
};

// ---------------------------------------------------------------------------------------------
// SQLite

constexpr char kDbName[] = "layers.sqlite";
constexpr int kBusyTimeoutMs = 10'000;
// last_used is refreshed on a hit only when it is older than this, so hits stay read-only.
constexpr int64_t kLastUsedGranularitySeconds = 24 * 3600;

int64_t NowSeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

Error SqliteError(sqlite3* db, const std::filesystem::path& path, std::string_view what) {
  return IoError(
      fmt::format("cache database {}: {}: {}", path.string(), what, db ? sqlite3_errmsg(db) : "out of memory"));
}

struct StatementDeleter {
  void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
};
using Statement = std::unique_ptr<sqlite3_stmt, StatementDeleter>;

// Resets a statement (and drops its bindings) when it goes out of scope.
class StatementUse {
 public:
  explicit StatementUse(sqlite3_stmt* s) : s_(s) {}
  ~StatementUse() {
    sqlite3_reset(s_);
    sqlite3_clear_bindings(s_);
  }
  StatementUse(const StatementUse&) = delete;
  StatementUse& operator=(const StatementUse&) = delete;

 private:
  sqlite3_stmt* s_;
};

void BindText(sqlite3_stmt* s, int i, std::string_view text) {
  sqlite3_bind_text(s, i, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
}

// SQLite returns SQLITE_BUSY without waiting in the cases its busy handler cannot help with —
// two connections creating the same new database and switching it to WAL at once, a read
// transaction that must become a write one — so the operations are retried here, for as long as
// the busy timeout. `op` must be safe to repeat (statements are reset by it or by the caller).
template <typename Op>
int RetryBusy(Op&& op) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(kBusyTimeoutMs);
  for (int delay_ms = 1;; delay_ms = std::min(delay_ms * 2, 50)) {
    int rc = op();
    int primary = rc & 0xff;
    if ((primary != SQLITE_BUSY && primary != SQLITE_LOCKED) || std::chrono::steady_clock::now() > deadline) return rc;
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
  }
}

class SqliteLayerCache final : public LayerCache {
 public:
  SqliteLayerCache(sqlite3* db, std::filesystem::path path) : db_(db), path_(std::move(path)) {}
  ~SqliteLayerCache() override {
    get_.reset();
    put_.reset();
    delete_.reset();
    touch_.reset();
    sqlite3_close(db_);
  }

  Status Init() {
    sqlite3_busy_timeout(db_, kBusyTimeoutMs);
    // The first statement reads the file header, so a file that is not a database fails here.
    HS_TRY(Exec("PRAGMA journal_mode=WAL"));
    // A cache entry lost to a power cut is re-analysed; no need to fsync every write.
    HS_TRY(Exec("PRAGMA synchronous=NORMAL"));
    HS_TRY(Exec(
        "CREATE TABLE IF NOT EXISTS layers ("
        " diff_id TEXT NOT NULL, analyzers TEXT NOT NULL, format INTEGER NOT NULL, value BLOB NOT NULL,"
        " created INTEGER NOT NULL, last_used INTEGER NOT NULL, PRIMARY KEY (diff_id, analyzers))"));
    HS_TRY(Prepare("SELECT format, value, last_used FROM layers WHERE diff_id = ?1 AND analyzers = ?2", get_));
    HS_TRY(Prepare(
        "INSERT OR REPLACE INTO layers (diff_id, analyzers, format, value, created, last_used)"
        " VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
        put_));
    HS_TRY(Prepare("DELETE FROM layers WHERE diff_id = ?1 AND analyzers = ?2", delete_));
    HS_TRY(Prepare("UPDATE layers SET last_used = ?3 WHERE diff_id = ?1 AND analyzers = ?2", touch_));
    return OkStatus();
  }

  std::optional<LayerResult> Get(const Digest& diff_id, std::string_view analyzers) override {
    std::string key = diff_id.ToString();
    std::string value;
    int64_t format = 0;
    int64_t last_used = 0;
    {
      std::lock_guard lock(mu_);
      StatementUse use(get_.get());
      BindText(get_.get(), 1, key);
      BindText(get_.get(), 2, analyzers);
      int rc = RetryBusy([&] {
        sqlite3_reset(get_.get());
        return sqlite3_step(get_.get());
      });
      if (rc != SQLITE_ROW) {
        if (rc != SQLITE_DONE) log::Warn("{}", SqliteError(db_, path_, "read").message());
        ++misses_;
        return std::nullopt;
      }
      format = sqlite3_column_int64(get_.get(), 0);
      const void* blob = sqlite3_column_blob(get_.get(), 1);
      int size = sqlite3_column_bytes(get_.get(), 1);
      if (blob && size > 0) value.assign(static_cast<const char*>(blob), static_cast<size_t>(size));
      last_used = sqlite3_column_int64(get_.get(), 2);
    }
    Result<LayerResult> parsed = format == kFormatVersion ? ParseLayerResult(value)
                                                          : Result<LayerResult>(Unsupported("other format"));
    if (parsed.ok() && parsed->diff_id != key) parsed = Corrupt("entry is for layer " + parsed->diff_id);
    std::lock_guard lock(mu_);
    if (!parsed.ok()) {
      log::Debug("cache: dropping entry {} ({}): {}", diff_id.Short(), analyzers, parsed.error().message());
      Run(delete_.get(), key, analyzers, std::nullopt);
      ++misses_;
      return std::nullopt;
    }
    int64_t now = NowSeconds();
    if (now - last_used > kLastUsedGranularitySeconds) Run(touch_.get(), key, analyzers, now);
    ++hits_;
    return std::move(parsed).value();
  }

  Status Put(const Digest& diff_id, std::string_view analyzers, const LayerResult& result) override {
    std::string key = diff_id.ToString();
    if (result.diff_id != key)
      return InvalidArgument(fmt::format("cache put: result is for layer '{}', not {}", result.diff_id, key));
    std::string value = SerializeLayerResult(result);
    std::lock_guard lock(mu_);
    sqlite3_stmt* s = put_.get();
    StatementUse use(s);
    BindText(s, 1, key);
    BindText(s, 2, analyzers);
    sqlite3_bind_int64(s, 3, kFormatVersion);
    sqlite3_bind_blob64(s, 4, value.data(), value.size(), SQLITE_STATIC);
    sqlite3_bind_int64(s, 5, NowSeconds());
    int rc = RetryBusy([&] {
      sqlite3_reset(s);
      return sqlite3_step(s);
    });
    if (rc != SQLITE_DONE) return SqliteError(db_, path_, "write layer " + diff_id.Short());
    ++writes_;
    return OkStatus();
  }

  CacheStats Stats() const override { return {hits_.load(), misses_.load(), writes_.load()}; }

 private:
  Status Exec(const char* sql) {
    char* message = nullptr;
    if (RetryBusy([&] {
          sqlite3_free(message);
          message = nullptr;
          return sqlite3_exec(db_, sql, nullptr, nullptr, &message);
        }) != SQLITE_OK) {
      std::string text = message ? message : sqlite3_errmsg(db_);
      sqlite3_free(message);
      return IoError(fmt::format("cache database {}: {}", path_.string(), text));
    }
    return OkStatus();
  }
  Status Prepare(const char* sql, Statement& out) {
    sqlite3_stmt* s = nullptr;
    if (RetryBusy([&] { return sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &s, nullptr); }) != SQLITE_OK)
      return SqliteError(db_, path_, "prepare");
    out.reset(s);
    return OkStatus();
  }
  // Best effort (caller holds mu_): a failed delete or touch costs nothing but a later retry.
  void Run(sqlite3_stmt* s, std::string_view key, std::string_view analyzers, std::optional<int64_t> now) {
    StatementUse use(s);
    BindText(s, 1, key);
    BindText(s, 2, analyzers);
    if (now) sqlite3_bind_int64(s, 3, *now);
    if (sqlite3_step(s) != SQLITE_DONE) log::Debug("{}", SqliteError(db_, path_, "update").message());
  }

  std::mutex mu_;  // guards the connection and its statements
  sqlite3* db_;
  std::filesystem::path path_;
  Statement get_, put_, delete_, touch_;
  std::atomic<uint64_t> hits_{0}, misses_{0}, writes_{0};
};

std::string EnvOrEmpty(const char* name) {
  const char* v = std::getenv(name);
  return v ? std::string(v) : std::string();
}

}  // namespace

std::filesystem::path DefaultCacheDir() {
  if (std::string dir = EnvOrEmpty("HULLSCAN_CACHE_DIR"); !dir.empty()) return dir;
  // The XDG spec says to ignore a relative XDG_CACHE_HOME.
  if (std::string xdg = EnvOrEmpty("XDG_CACHE_HOME"); !xdg.empty() && xdg.front() == '/')
    return std::filesystem::path(xdg) / "hullscan";
  std::string home = EnvOrEmpty("HOME");
  if (home.empty()) {
    if (const passwd* pw = getpwuid(getuid()); pw && pw->pw_dir) home = pw->pw_dir;
  }
  if (!home.empty()) return std::filesystem::path(home) / ".cache" / "hullscan";
  std::error_code ec;
  std::filesystem::path tmp = std::filesystem::temp_directory_path(ec);
  if (ec) tmp = "/tmp";
  return tmp / fmt::format("hullscan-cache-{}", getuid());
}

Result<std::unique_ptr<LayerCache>> LayerCache::Open(const std::filesystem::path& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return IoError(fmt::format("cache directory {}: {}", dir.string(), ec.message()));
  std::filesystem::path path = dir / kDbName;
  sqlite3* db = nullptr;
  // NOMUTEX: the connection is guarded by SqliteLayerCache::mu_.
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  if (rc != SQLITE_OK) {
    Error error = SqliteError(db, path, "open");
    sqlite3_close(db);
    return error;
  }
  auto cache = std::make_unique<SqliteLayerCache>(db, path);
  HS_TRY(cache->Init());
  return std::unique_ptr<LayerCache>(std::move(cache));
}

Result<uint64_t> Clean(const std::filesystem::path& dir) {
  std::filesystem::path path = dir / kDbName;
  std::error_code ec;
  bool exists = std::filesystem::exists(path, ec);
  uint64_t entries = 0;
  if (exists) {
    // Count what is there; a database too broken to count is still removed.
    sqlite3* db = nullptr;
    if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
      sqlite3_busy_timeout(db, kBusyTimeoutMs);
      sqlite3_stmt* s = nullptr;
      if (sqlite3_prepare_v2(db, "SELECT count(*) FROM layers", -1, &s, nullptr) == SQLITE_OK &&
          sqlite3_step(s) == SQLITE_ROW)
        entries = static_cast<uint64_t>(sqlite3_column_int64(s, 0));
      sqlite3_finalize(s);
    }
    sqlite3_close(db);
  }
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
    std::filesystem::path file = dir / (std::string(kDbName) + suffix);
    std::filesystem::remove(file, ec);
    if (ec) return IoError(fmt::format("remove {}: {}", file.string(), ec.message()));
  }
  return entries;
}

std::string SerializeLayerResult(const LayerResult& result) {
  std::string out;
  out.reserve(4096);
  out.append(kMagic, sizeof(kMagic));
  PutFixed(out, kFormatVersion, 4);
  PutFixed(out, 0, 8);  // checksum, filled in below
  Writer(out).Write(result);
  uint64_t checksum = Checksum(std::string_view(out).substr(kHeaderSize));
  for (int i = 0; i < 8; ++i) out[sizeof(kMagic) + 4 + i] = static_cast<char>((checksum >> (8 * i)) & 0xff);
  return out;
}

namespace {

// The header minus the checksum check, then the body.
Result<LayerResult> Parse(std::string_view data, bool verify_checksum) {
  if (data.size() < kHeaderSize || std::memcmp(data.data(), kMagic, sizeof(kMagic)) != 0)
    return Corrupt("cached layer result: not a layer result");
  auto version = static_cast<uint32_t>(GetFixed(data.substr(sizeof(kMagic)), 4));
  if (version != kFormatVersion)
    return Unsupported(fmt::format("cached layer result: format {}, expected {}", version, kFormatVersion));
  std::string_view body = data.substr(kHeaderSize);
  if (verify_checksum && GetFixed(data.substr(sizeof(kMagic) + 4), 8) != Checksum(body))
    return Corrupt("cached layer result: checksum mismatch");
  LayerResult result;
  Reader reader(body);
  reader.Read(result);
  if (reader.ok() && !reader.AtEnd()) return Corrupt("cached layer result: trailing bytes");
  if (!reader.ok()) return Corrupt("cached layer result: " + reader.error());
  return result;
}

}  // namespace

Result<LayerResult> ParseLayerResult(std::string_view data) { return Parse(data, true); }

namespace internal {
Result<LayerResult> ParseLayerResultUnchecked(std::string_view data) { return Parse(data, false); }
}  // namespace internal

}  // namespace hullscan::cache
