#include "apps/cmd_db.h"

#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <ctime>
#include <iostream>
#include <map>

#include "apps/fail.h"
#include "base/log.h"
#include "report/report.h"
#include "vulndb/import.h"
#include "vulndb/store.h"
#include "vulndb/update.h"

#ifndef HULLSCAN_VERSION
#define HULLSCAN_VERSION "0.0.0"
#endif

namespace hullscan::apps {
namespace {

// "2024-01-01T00:00:00Z" → seconds since the epoch; -1 when malformed.
int64_t ParseRfc3339(const std::string& s) {
  std::tm tm{};
  if (!strptime(s.c_str(), "%Y-%m-%dT%H:%M:%SZ", &tm)) return -1;
  return static_cast<int64_t>(timegm(&tm));
}

std::string Age(int64_t seconds) {
  if (seconds < 0) return "in the future";
  if (seconds < 3600) return std::to_string(seconds / 60) + " minutes";
  if (seconds < 2 * 86400) return std::to_string(seconds / 3600) + " hours";
  return std::to_string(seconds / 86400) + " days";
}

std::string JsonString(std::string_view s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

}  // namespace

std::filesystem::path DefaultDbPath() {
  if (const char* db = std::getenv("HULLSCAN_DB"); db && *db) return db;
  if (const char* cache = std::getenv("XDG_CACHE_HOME"); cache && *cache)
    return std::filesystem::path(cache) / "hullscan" / "db.sqlite";
  if (const char* home = std::getenv("HOME"); home && *home)
    return std::filesystem::path(home) / ".cache" / "hullscan" / "db.sqlite";
  return std::filesystem::path(".hullscan-db.sqlite");
}

int RunDbBuild(const std::vector<std::string>& from, const std::filesystem::path& output, std::ostream& out) {
  if (from.empty()) return Fail(InvalidArgument("db build needs at least one --from DIR"));
  std::error_code ec;
  if (output.has_parent_path()) std::filesystem::create_directories(output.parent_path(), ec);
  std::filesystem::path tmp = output;
  tmp += ".tmp-" + std::to_string(::getpid());
  auto cleanup = [&] { std::filesystem::remove(tmp, ec); };
  auto writer = vulndb::StoreWriter::Create(tmp);
  if (!writer.ok()) return Fail(writer.error());
  int64_t files = 0, records = 0;
  for (const std::string& dir : from) {
    auto feeds = vulndb::ImportPath(dir, **writer);
    if (!feeds.ok()) {
      cleanup();
      return Fail(feeds.error());
    }
    for (const auto& f : *feeds) {
      (*writer)->AddFeed(f);
      ++files;
      records += f.records;
      log::Debug("imported {} ({}): {} records, {} withdrawn", f.path, f.format, f.records, f.withdrawn);
    }
  }
  // The first few skipped records as warnings, all of them with --debug.
  const auto& diagnostics = (*writer)->diagnostics();
  for (size_t i = 0; i < diagnostics.size(); ++i) {
    if (i < 20) log::Warn("{}", diagnostics[i]);
    else log::Debug("{}", diagnostics[i]);
  }
  if (diagnostics.size() > 20) log::Warn("… and {} more skipped records (--debug shows all)", diagnostics.size() - 20);
  size_t skipped = diagnostics.size();
  Status done = (*writer)->Finish(report::ReportTimestamp(), HULLSCAN_VERSION);
  writer->reset();
  if (!done.ok()) {
    cleanup();
    return Fail(done.error());
  }
  if (files == 0) {
    cleanup();
    return Fail(NotFound("no feed files found under the --from directories"));
  }
  std::filesystem::rename(tmp, output, ec);
  if (ec) {
    cleanup();
    return Fail(IoErrorFromErrno("rename to " + output.string(), ec.value()));
  }
  auto store = vulndb::Store::Open(output);
  if (!store.ok()) return Fail(store.error());
  auto info = (*store)->Info();
  out << "hullscan: built " << output.string() << ": " << info.advisories << " advisories (" << info.affected
      << " affected packages), " << info.kev << " KEV, " << info.epss << " EPSS scores from " << files << " files";
  if (skipped) out << "; " << skipped << " records skipped (see warnings)";
  out << "\n";
  return 0;
}

int RunDbUpdate(const std::filesystem::path& db, const std::string& mirror, const std::vector<std::string>& feeds,
                const std::string& cacert, bool insecure, std::ostream& out) {
  vulndb::UpdateOptions options;
  options.db_path = db;
  options.mirror = mirror;
  options.only = feeds;
  options.net.ca_file = cacert;
  options.net.insecure_tls = insecure;
  options.hullscan_version = HULLSCAN_VERSION;
  auto info = vulndb::Update(options);
  if (!info.ok()) return Fail(info.error());
  out << "hullscan: updated " << db.string() << ": " << info->advisories << " advisories (" << info->affected
      << " affected packages), " << info->kev << " KEV, " << info->epss << " EPSS scores from " << info->feeds.size()
      << " feed files\n";
  return 0;
}

int RunDbStatus(const std::filesystem::path& db, const std::string& format, std::ostream& out) {
  auto store = vulndb::Store::Open(db);
  if (!store.ok()) {
    if (store.error().code() == ErrorCode::kNotFound) {
      return Fail(NotFound("no vulnerability database at " + db.string() +
                           ": run `hullscan db update` (downloads the public feeds) or `hullscan db build --from DIR "
                           "--output " + db.string() + "` (offline)"));
    }
    return Fail(store.error());
  }
  vulndb::DbInfo info = (*store)->Info();
  int64_t built = ParseRfc3339(info.built_at);
  int64_t age = built < 0 ? -1 : static_cast<int64_t>(std::time(nullptr)) - built;
  // Per format: files and records.
  std::map<std::string, std::pair<int64_t, int64_t>> by_format;
  for (const auto& f : info.feeds) {
    by_format[f.format].first += 1;
    by_format[f.format].second += f.records;
  }
  if (format == "json") {
    out << "{\n  \"path\": " << JsonString(db.string()) << ",\n  \"schema_version\": " << info.schema_version
        << ",\n  \"built_at\": " << JsonString(info.built_at) << ",\n  \"age_seconds\": " << age
        << ",\n  \"hullscan_version\": " << JsonString(info.hullscan_version) << ",\n  \"advisories\": " << info.advisories
        << ",\n  \"affected\": " << info.affected << ",\n  \"kev\": " << info.kev << ",\n  \"epss\": " << info.epss
        << ",\n  \"ecosystems\": [";
    auto ecosystems = (*store)->Ecosystems();
    for (size_t i = 0; i < ecosystems.size(); ++i) out << (i ? ", " : "") << JsonString(ecosystems[i]);
    out << "],\n  \"feeds\": [";
    for (size_t i = 0; i < info.feeds.size(); ++i) {
      const auto& f = info.feeds[i];
      out << (i ? "," : "") << "\n    {\"path\": " << JsonString(f.path) << ", \"format\": " << JsonString(f.format)
          << ", \"date\": " << JsonString(f.date) << ", \"records\": " << f.records << ", \"withdrawn\": " << f.withdrawn
          << ", \"diagnostics\": " << f.diagnostics << "}";
    }
    out << "\n  ]\n}\n";
    return 0;
  }
  if (format != "table") return Fail(InvalidArgument("db status formats: table, json"));
  out << "Database:   " << db.string() << "\n"
      << "Built:      " << info.built_at << " (" << (age < 0 ? std::string("unknown age") : Age(age) + " ago") << ")\n"
      << "Schema:     " << info.schema_version << " (hullscan " << info.hullscan_version << ")\n"
      << "Contents:   " << info.advisories << " advisories, " << info.affected << " affected packages, " << info.kev
      << " KEV entries, " << info.epss << " EPSS scores\n"
      << "Ecosystems:";
  for (const auto& e : (*store)->Ecosystems()) out << " " << e;
  out << "\nSources:\n";
  for (const auto& [fmt, counts] : by_format)
    out << "  " << fmt << ": " << counts.first << (counts.first == 1 ? " file, " : " files, ") << counts.second
        << " records\n";
  return 0;
}

}  // namespace hullscan::apps
