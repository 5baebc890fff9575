#include "vulndb/store.h"

#include <sqlite3.h>

#include <algorithm>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <utility>

namespace hullscan::vulndb {
namespace {

using Json = nlohmann::json;

// The schema. Nested lists (aliases, severities, references, the affected ranges) are JSON text:
// they are only ever read whole, with the row that holds them. The DB is never modified after
// `db build`; updates write a new file and rename it over the old one, so readers open it
// `immutable` and take no locks (see Store::Open).
constexpr const char* kSchema = R"sql(
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE feeds(path TEXT NOT NULL, format TEXT NOT NULL, date TEXT NOT NULL, records INTEGER NOT NULL,
                   withdrawn INTEGER NOT NULL, diagnostics INTEGER NOT NULL);
CREATE TABLE advisories(source TEXT NOT NULL, id TEXT NOT NULL, aliases TEXT NOT NULL, summary TEXT NOT NULL,
                        details TEXT NOT NULL, severities TEXT NOT NULL, refs TEXT NOT NULL, published TEXT NOT NULL,
                        modified TEXT NOT NULL, withdrawn INTEGER NOT NULL, PRIMARY KEY(source, id)) WITHOUT ROWID;
CREATE TABLE affected(ecosystem TEXT NOT NULL, package TEXT NOT NULL, source TEXT NOT NULL, id TEXT NOT NULL,
                      data TEXT NOT NULL);
CREATE TABLE ids(id TEXT NOT NULL, source TEXT NOT NULL, advisory TEXT NOT NULL);
CREATE TABLE kev(cve TEXT PRIMARY KEY, data TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE epss(cve TEXT PRIMARY KEY, score REAL NOT NULL, percentile REAL NOT NULL, date TEXT NOT NULL) WITHOUT ROWID;
)sql";

constexpr const char* kIndexes = R"sql(
CREATE INDEX affected_by_package ON affected(ecosystem, package);
CREATE INDEX ids_by_id ON ids(id);
)sql";

Error SqliteError(sqlite3* db, std::string_view what) {
  return IoError(std::string(what) + ": " + (db ? sqlite3_errmsg(db) : "out of memory"));
}

// A prepared statement, finalized on scope exit.
class Statement {
 public:
  Statement(sqlite3* db, const char* sql) : db_(db) { rc_ = sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr); }
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  bool ok() const { return rc_ == SQLITE_OK; }
  sqlite3_stmt* get() { return stmt_; }
  void Bind(int i, std::string_view s) { sqlite3_bind_text(stmt_, i, s.data(), static_cast<int>(s.size()), SQLITE_TRANSIENT); }
  void Bind(int i, int64_t v) { sqlite3_bind_int64(stmt_, i, v); }
  void Bind(int i, double v) { sqlite3_bind_double(stmt_, i, v); }
  // Runs an INSERT (or any statement without rows) and resets it for the next use.
  Status Run(std::string_view what) {
    int rc = sqlite3_step(stmt_);
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
    if (rc != SQLITE_DONE) return SqliteError(db_, what);
    return {};
  }
  std::string Text(int col) {
    const unsigned char* t = sqlite3_column_text(stmt_, col);
    return t ? std::string(reinterpret_cast<const char*>(t), sqlite3_column_bytes(stmt_, col)) : std::string();
  }

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
  int rc_;
};

Status Exec(sqlite3* db, const char* sql) {
  char* message = nullptr;
  if (sqlite3_exec(db, sql, nullptr, nullptr, &message) != SQLITE_OK) {
    std::string text = message ? message : "unknown error";
    sqlite3_free(message);
    return IoError(std::string("sqlite: ") + text);
  }
  return {};
}

Json SeveritiesToJson(const std::vector<Severity>& severities) {
  Json out = Json::array();
  for (const Severity& s : severities) {
    out.push_back({{"source", s.source},
                   {"level", SeverityName(s.level)},
                   {"cvss_version", s.cvss_version},
                   {"cvss_vector", s.cvss_vector},
                   {"cvss_score", s.cvss_score}});
  }
  return out;
}

std::vector<Severity> SeveritiesFromJson(const Json& j) {
  std::vector<Severity> out;
  if (!j.is_array()) return out;
  for (const Json& e : j) {
    Severity s;
    s.source = e.value("source", "");
    s.level = ParseSeverity(e.value("level", ""));
    s.cvss_version = e.value("cvss_version", "");
    s.cvss_vector = e.value("cvss_vector", "");
    s.cvss_score = e.value("cvss_score", 0.0);
    out.push_back(std::move(s));
  }
  return out;
}

std::string_view RangeTypeName(version::osv::RangeType t) {
  switch (t) {
    case version::osv::RangeType::kSemver: return "SEMVER";
    case version::osv::RangeType::kEcosystem: return "ECOSYSTEM";
    case version::osv::RangeType::kGit: return "GIT";
  }
  return "ECOSYSTEM";
}

version::osv::RangeType ParseRangeType(std::string_view s) {
  if (s == "SEMVER") return version::osv::RangeType::kSemver;
  if (s == "GIT") return version::osv::RangeType::kGit;
  return version::osv::RangeType::kEcosystem;
}

constexpr std::pair<version::osv::Event::Kind, const char*> kEventNames[] = {
    {version::osv::Event::Kind::kIntroduced, "introduced"},
    {version::osv::Event::Kind::kFixed, "fixed"},
    {version::osv::Event::Kind::kLastAffected, "last_affected"},
    {version::osv::Event::Kind::kLimit, "limit"},
};

Json AffectedToJson(const AffectedPackage& a) {
  Json ranges = Json::array();
  for (const auto& r : a.affected.ranges) {
    Json events = Json::array();
    for (const auto& e : r.events) {
      for (const auto& [kind, name] : kEventNames)
        if (kind == e.kind) events.push_back({{name, e.version}});
    }
    ranges.push_back({{"type", RangeTypeName(r.type)}, {"events", std::move(events)}});
  }
  return {{"scheme", a.scheme},
          {"state", FixStateName(a.state)},
          {"ranges", std::move(ranges)},
          {"versions", a.affected.versions},
          {"fixed", a.fixed_versions},
          {"record", a.record},
          {"note", a.note}};
}

AffectedPackage AffectedFromJson(std::string ecosystem, std::string package, const Json& j) {
  AffectedPackage a;
  a.ecosystem = std::move(ecosystem);
  a.package = std::move(package);
  a.scheme = j.value("scheme", "");
  if (!ParseFixState(j.value("state", ""), a.state)) a.state = FixState::kAffected;
  for (const Json& r : j.value("ranges", Json::array())) {
    version::osv::Range range;
    range.type = ParseRangeType(r.value("type", ""));
    for (const Json& e : r.value("events", Json::array())) {
      for (const auto& [kind, name] : kEventNames) {
        if (e.contains(name) && e[name].is_string()) range.events.push_back({kind, e[name].get<std::string>()});
      }
    }
    a.affected.ranges.push_back(std::move(range));
  }
  a.affected.versions = j.value("versions", std::vector<std::string>{});
  a.fixed_versions = j.value("fixed", std::vector<std::string>{});
  a.record = j.value("record", "");
  a.note = j.value("note", "");
  return a;
}

template <typename T>
void UniteSorted(std::vector<T>& into, const std::vector<T>& from) {
  for (const T& x : from)
    if (std::find(into.begin(), into.end(), x) == into.end()) into.push_back(x);
}

// Two records of the same (source, id): a CVE in two DSAs, in two Alpine branches.
void Merge(Advisory& into, Advisory&& from) {
  UniteSorted(into.aliases, from.aliases);
  std::sort(into.aliases.begin(), into.aliases.end());
  UniteSorted(into.references, from.references);
  UniteSorted(into.severities, from.severities);
  for (auto& a : from.affected)
    if (std::find(into.affected.begin(), into.affected.end(), a) == into.affected.end())
      into.affected.push_back(std::move(a));
  if (into.summary.empty()) into.summary = std::move(from.summary);
  if (into.details.empty()) into.details = std::move(from.details);
  if (into.published.empty() || (!from.published.empty() && from.published < into.published))
    into.published = std::move(from.published);
  if (from.modified > into.modified) into.modified = std::move(from.modified);
  into.withdrawn = into.withdrawn || from.withdrawn;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// StoreWriter

struct StoreWriter::Impl {
  sqlite3* db = nullptr;
  // Advisories are merged in memory and written at Finish(): feeds repeat (source, id) across
  // files, and writing once keeps the build a single sequential pass over the tables.
  std::map<std::pair<std::string, std::string>, Advisory> advisories;
  std::map<std::string, KevEntry> kev;
  std::map<std::string, EpssScore> epss;
  std::vector<FeedFile> feeds;
  ~Impl() { sqlite3_close(db); }
};

StoreWriter::StoreWriter(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
StoreWriter::~StoreWriter() = default;

Result<std::unique_ptr<StoreWriter>> StoreWriter::Create(const std::filesystem::path& path) {
  auto impl = std::make_unique<Impl>();
  std::error_code ec;
  std::filesystem::remove(path, ec);
  int rc = sqlite3_open_v2(path.c_str(), &impl->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
  if (rc != SQLITE_OK) return SqliteError(impl->db, "create " + path.string());
  // A half-built file is deleted by the caller, never used: no journal needed.
  HS_TRY(Exec(impl->db, "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA page_size=8192;"));
  HS_TRY(Exec(impl->db, kSchema));
  return std::unique_ptr<StoreWriter>(new StoreWriter(std::move(impl)));
}

Status StoreWriter::AddAdvisory(Advisory advisory) {
  if (advisory.id.empty()) return InvalidArgument("advisory without id");
  auto key = std::make_pair(advisory.source, advisory.id);
  auto it = impl_->advisories.find(key);
  if (it == impl_->advisories.end()) {
    impl_->advisories.emplace(std::move(key), std::move(advisory));
  } else {
    Merge(it->second, std::move(advisory));
  }
  return {};
}

Status StoreWriter::AddKev(KevEntry entry) {
  std::string cve = entry.cve;
  impl_->kev[cve] = std::move(entry);
  return {};
}

Status StoreWriter::AddEpss(EpssScore score) {
  // Several EPSS files: the newest score of a CVE wins.
  auto it = impl_->epss.find(score.cve);
  if (it == impl_->epss.end() || score.date >= it->second.date) impl_->epss[score.cve] = std::move(score);
  return {};
}

void StoreWriter::Diagnose(std::string_view file, std::string_view message) {
  diagnostics_.push_back(std::string(file) + ": " + std::string(message));
}

void StoreWriter::AddFeed(const FeedFile& feed) { impl_->feeds.push_back(feed); }

Status StoreWriter::Finish(std::string_view built_at, std::string_view hullscan_version) {
  sqlite3* db = impl_->db;
  HS_TRY(Exec(db, "BEGIN"));
  {
    Statement meta(db, "INSERT INTO meta(key, value) VALUES(?1, ?2)");
    if (!meta.ok()) return SqliteError(db, "prepare meta");
    std::pair<const char*, std::string> rows[] = {{"schema_version", std::to_string(kSchemaVersion)},
                                                  {"built_at", std::string(built_at)},
                                                  {"hullscan_version", std::string(hullscan_version)}};
    for (const auto& [k, v] : rows) {
      meta.Bind(1, k);
      meta.Bind(2, v);
      HS_TRY(meta.Run("write meta"));
    }
    Statement feed(db, "INSERT INTO feeds VALUES(?1, ?2, ?3, ?4, ?5, ?6)");
    if (!feed.ok()) return SqliteError(db, "prepare feeds");
    for (const FeedFile& f : impl_->feeds) {
      feed.Bind(1, f.path);
      feed.Bind(2, f.format);
      feed.Bind(3, f.date);
      feed.Bind(4, f.records);
      feed.Bind(5, f.withdrawn);
      feed.Bind(6, f.diagnostics);
      HS_TRY(feed.Run("write feeds"));
    }

    Statement adv(db, "INSERT INTO advisories VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)");
    Statement aff(db, "INSERT INTO affected VALUES(?1, ?2, ?3, ?4, ?5)");
    Statement ids(db, "INSERT INTO ids VALUES(?1, ?2, ?3)");
    if (!adv.ok() || !aff.ok() || !ids.ok()) return SqliteError(db, "prepare advisories");
    for (auto& [key, a] : impl_->advisories) {
      adv.Bind(1, a.source);
      adv.Bind(2, a.id);
      adv.Bind(3, Json(a.aliases).dump());
      adv.Bind(4, a.summary);
      adv.Bind(5, a.details);
      adv.Bind(6, SeveritiesToJson(a.severities).dump());
      adv.Bind(7, Json(a.references).dump());
      adv.Bind(8, a.published);
      adv.Bind(9, a.modified);
      adv.Bind(10, int64_t{a.withdrawn ? 1 : 0});
      HS_TRY(adv.Run("write advisory " + a.id));
      std::set<std::string> names(a.aliases.begin(), a.aliases.end());
      names.insert(a.id);
      for (const std::string& name : names) {
        ids.Bind(1, name);
        ids.Bind(2, a.source);
        ids.Bind(3, a.id);
        HS_TRY(ids.Run("write ids"));
      }
      for (const AffectedPackage& p : a.affected) {
        aff.Bind(1, p.ecosystem);
        aff.Bind(2, p.package);
        aff.Bind(3, a.source);
        aff.Bind(4, a.id);
        aff.Bind(5, AffectedToJson(p).dump());
        HS_TRY(aff.Run("write affected " + a.id));
      }
    }

    Statement kev(db, "INSERT INTO kev VALUES(?1, ?2)");
    if (!kev.ok()) return SqliteError(db, "prepare kev");
    for (const auto& [cve, k] : impl_->kev) {
      kev.Bind(1, cve);
      kev.Bind(2, Json{{"vendor_project", k.vendor_project},
                       {"product", k.product},
                       {"name", k.name},
                       {"date_added", k.date_added},
                       {"due_date", k.due_date},
                       {"ransomware", k.ransomware}}
                      .dump());
      HS_TRY(kev.Run("write kev"));
    }
    Statement epss(db, "INSERT INTO epss VALUES(?1, ?2, ?3, ?4)");
    if (!epss.ok()) return SqliteError(db, "prepare epss");
    for (const auto& [cve, e] : impl_->epss) {
      epss.Bind(1, cve);
      epss.Bind(2, e.score);
      epss.Bind(3, e.percentile);
      epss.Bind(4, e.date);
      HS_TRY(epss.Run("write epss"));
    }
  }
  HS_TRY(Exec(db, kIndexes));
  {
    // Counts and the namespace list, so that opening the DB for a scan reads one small table
    // instead of scanning the big ones.
    std::set<std::string> ecosystems;
    int64_t affected = 0;
    for (const auto& [key, a] : impl_->advisories) {
      affected += static_cast<int64_t>(a.affected.size());
      for (const auto& p : a.affected) ecosystems.insert(p.ecosystem);
    }
    Statement meta(db, "INSERT INTO meta(key, value) VALUES(?1, ?2)");
    if (!meta.ok()) return SqliteError(db, "prepare meta");
    std::pair<const char*, std::string> rows[] = {
        {"advisories", std::to_string(impl_->advisories.size())},
        {"affected", std::to_string(affected)},
        {"kev", std::to_string(impl_->kev.size())},
        {"epss", std::to_string(impl_->epss.size())},
        {"ecosystems", Json(std::vector<std::string>(ecosystems.begin(), ecosystems.end())).dump()}};
    for (const auto& [k, v] : rows) {
      meta.Bind(1, k);
      meta.Bind(2, v);
      HS_TRY(meta.Run("write meta"));
    }
  }
  HS_TRY(Exec(db, "COMMIT"));
  HS_TRY(Exec(db, "ANALYZE; VACUUM;"));
  if (sqlite3_close(db) != SQLITE_OK) return SqliteError(db, "close");
  impl_->db = nullptr;
  return {};
}

// ---------------------------------------------------------------------------------------------
// Store

struct Store::Impl {
  sqlite3* db = nullptr;
  mutable std::mutex mu;  // one connection, serialised: lookups are microseconds
  DbInfo info;
  std::vector<std::string> ecosystems;
  ~Impl() { sqlite3_close(db); }
};

Store::Store(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Store::~Store() = default;

Result<std::unique_ptr<Store>> Store::Open(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec))
    return NotFound("no vulnerability database at " + path.string());
  auto impl = std::make_unique<Impl>();
  // immutable=1: the file is never written after it is built (updates rename a new file into
  // place), so SQLite may skip locking entirely; a scan never waits for an update.
  std::string uri = "file:" + path.string() + "?immutable=1";
  int rc = sqlite3_open_v2(uri.c_str(), &impl->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, nullptr);
  if (rc != SQLITE_OK) return SqliteError(impl->db, "open " + path.string());
  sqlite3* db = impl->db;
  std::map<std::string, std::string> kv;
  {
    Statement meta(db, "SELECT key, value FROM meta");
    if (!meta.ok()) return Corrupt(path.string() + ": not a hullscan vulnerability database");
    while (sqlite3_step(meta.get()) == SQLITE_ROW) kv[meta.Text(0)] = meta.Text(1);
    impl->info.schema_version = std::atoi(kv["schema_version"].c_str());
    impl->info.built_at = kv["built_at"];
    impl->info.hullscan_version = kv["hullscan_version"];
    if (impl->info.schema_version != kSchemaVersion) {
      return Unsupported(path.string() + ": database schema version " + kv["schema_version"] + ", this hullscan reads " +
                         std::to_string(kSchemaVersion) + " (run `hullscan db update` or `hullscan db build`)");
    }
  }
  {
    Statement feeds(db, "SELECT path, format, date, records, withdrawn, diagnostics FROM feeds ORDER BY path");
    if (!feeds.ok()) return Corrupt(path.string() + ": feeds table missing");
    while (sqlite3_step(feeds.get()) == SQLITE_ROW) {
      FeedFile f;
      f.path = feeds.Text(0);
      f.format = feeds.Text(1);
      f.date = feeds.Text(2);
      f.records = sqlite3_column_int64(feeds.get(), 3);
      f.withdrawn = sqlite3_column_int64(feeds.get(), 4);
      f.diagnostics = sqlite3_column_int64(feeds.get(), 5);
      impl->info.feeds.push_back(std::move(f));
    }
  }
  auto number = [&](const char* key) -> Result<int64_t> {
    auto it = kv.find(key);
    if (it == kv.end()) return Corrupt(path.string() + ": metadata '" + key + "' missing (an interrupted build?)");
    return static_cast<int64_t>(std::atoll(it->second.c_str()));
  };
  HS_ASSIGN_OR_RETURN(impl->info.advisories, number("advisories"));
  HS_ASSIGN_OR_RETURN(impl->info.affected, number("affected"));
  HS_ASSIGN_OR_RETURN(impl->info.kev, number("kev"));
  HS_ASSIGN_OR_RETURN(impl->info.epss, number("epss"));
  Json ecosystems = Json::parse(kv["ecosystems"], nullptr, false);
  if (!ecosystems.is_array()) return Corrupt(path.string() + ": metadata 'ecosystems' malformed");
  for (const Json& e : ecosystems)
    if (e.is_string()) impl->ecosystems.push_back(e.get<std::string>());
  return std::unique_ptr<Store>(new Store(std::move(impl)));
}

DbInfo Store::Info() const { return impl_->info; }
std::vector<std::string> Store::Ecosystems() const { return impl_->ecosystems; }

namespace {

Result<Advisory> ReadAdvisory(Statement& s, std::string_view where) {
  Advisory a;
  a.source = s.Text(0);
  a.id = s.Text(1);
  Json aliases = Json::parse(s.Text(2), nullptr, false);
  Json severities = Json::parse(s.Text(5), nullptr, false);
  Json refs = Json::parse(s.Text(6), nullptr, false);
  if (aliases.is_discarded() || severities.is_discarded() || refs.is_discarded() || !aliases.is_array() ||
      !refs.is_array())
    return Corrupt(std::string(where) + ": advisory " + a.id + " has malformed columns");
  for (const Json& x : aliases)
    if (x.is_string()) a.aliases.push_back(x.get<std::string>());
  for (const Json& x : refs)
    if (x.is_string()) a.references.push_back(x.get<std::string>());
  a.summary = s.Text(3);
  a.details = s.Text(4);
  a.severities = SeveritiesFromJson(severities);
  a.published = s.Text(7);
  a.modified = s.Text(8);
  a.withdrawn = sqlite3_column_int64(s.get(), 9) != 0;
  return a;
}

constexpr const char* kAdvisoryColumns =
    "a.source, a.id, a.aliases, a.summary, a.details, a.severities, a.refs, a.published, a.modified, a.withdrawn";

}  // namespace

Result<std::vector<Advisory>> Store::FindAffected(std::string_view ecosystem, std::string_view package) const {
  std::lock_guard lock(impl_->mu);
  std::string sql = std::string("SELECT ") + kAdvisoryColumns +
                    ", f.data FROM affected f JOIN advisories a ON a.source = f.source AND a.id = f.id "
                    "WHERE f.ecosystem = ?1 AND f.package = ?2 AND a.withdrawn = 0 ORDER BY a.source, a.id";
  Statement s(impl_->db, sql.c_str());
  if (!s.ok()) return SqliteError(impl_->db, "query affected");
  s.Bind(1, ecosystem);
  s.Bind(2, package);
  std::vector<Advisory> out;
  int rc;
  while ((rc = sqlite3_step(s.get())) == SQLITE_ROW) {
    HS_ASSIGN_OR_RETURN(Advisory a, ReadAdvisory(s, "vulnerability database"));
    Json data = Json::parse(s.Text(10), nullptr, false);
    if (data.is_discarded() || !data.is_object())
      return Corrupt("vulnerability database: advisory " + a.id + " has a malformed affected entry");
    AffectedPackage p = AffectedFromJson(std::string(ecosystem), std::string(package), data);
    if (!out.empty() && out.back().source == a.source && out.back().id == a.id) {
      out.back().affected.push_back(std::move(p));
    } else {
      a.affected.push_back(std::move(p));
      out.push_back(std::move(a));
    }
  }
  if (rc != SQLITE_DONE) return SqliteError(impl_->db, "query affected");
  return out;
}

Result<std::vector<Advisory>> Store::FindByIds(const std::vector<std::string>& ids) const {
  std::lock_guard lock(impl_->mu);
  std::string sql = std::string("SELECT DISTINCT ") + kAdvisoryColumns +
                    " FROM ids i JOIN advisories a ON a.source = i.source AND a.id = i.advisory WHERE i.id = ?1";
  Statement s(impl_->db, sql.c_str());
  if (!s.ok()) return SqliteError(impl_->db, "query ids");
  std::map<std::pair<std::string, std::string>, Advisory> found;
  for (const std::string& id : ids) {
    s.Bind(1, id);
    int rc;
    while ((rc = sqlite3_step(s.get())) == SQLITE_ROW) {
      HS_ASSIGN_OR_RETURN(Advisory a, ReadAdvisory(s, "vulnerability database"));
      auto key = std::make_pair(a.source, a.id);
      found.emplace(std::move(key), std::move(a));
    }
    sqlite3_reset(s.get());
    if (rc != SQLITE_DONE) return SqliteError(impl_->db, "query ids");
  }
  std::vector<Advisory> out;
  for (auto& [k, a] : found) out.push_back(std::move(a));
  return out;
}

Result<std::vector<KevEntry>> Store::FindKev(const std::vector<std::string>& cves) const {
  std::lock_guard lock(impl_->mu);
  Statement s(impl_->db, "SELECT cve, data FROM kev WHERE cve = ?1");
  if (!s.ok()) return SqliteError(impl_->db, "query kev");
  std::vector<KevEntry> out;
  for (const std::string& cve : cves) {
    s.Bind(1, cve);
    if (sqlite3_step(s.get()) == SQLITE_ROW) {
      Json d = Json::parse(s.Text(1), nullptr, false);
      KevEntry k;
      k.cve = s.Text(0);
      if (d.is_object()) {
        k.vendor_project = d.value("vendor_project", "");
        k.product = d.value("product", "");
        k.name = d.value("name", "");
        k.date_added = d.value("date_added", "");
        k.due_date = d.value("due_date", "");
        k.ransomware = d.value("ransomware", false);
      }
      out.push_back(std::move(k));
    }
    sqlite3_reset(s.get());
  }
  return out;
}

Result<std::vector<EpssScore>> Store::FindEpss(const std::vector<std::string>& cves) const {
  std::lock_guard lock(impl_->mu);
  Statement s(impl_->db, "SELECT cve, score, percentile, date FROM epss WHERE cve = ?1");
  if (!s.ok()) return SqliteError(impl_->db, "query epss");
  std::vector<EpssScore> out;
  for (const std::string& cve : cves) {
    s.Bind(1, cve);
    if (sqlite3_step(s.get()) == SQLITE_ROW) {
      out.push_back({s.Text(0), sqlite3_column_double(s.get(), 1), sqlite3_column_double(s.get(), 2), s.Text(3)});
    }
    sqlite3_reset(s.get());
  }
  return out;
}

}  // namespace hullscan::vulndb
