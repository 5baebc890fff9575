// db update: download → import into a temporary database → rename over the old one.
#include "vulndb/update.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <ctime>
#include <system_error>

#include "base/log.h"
#include "base/strings.h"
#include "io/reader.h"

namespace hullscan::vulndb {
namespace {

constexpr char kOsvBase[] = "https://osv-vulnerabilities.storage.googleapis.com";

// Alpine branches with security support (plus the newest ones); edge moves daily.
constexpr std::string_view kAlpineBranches[] = {"v3.18", "v3.19", "v3.20", "v3.21", "v3.22"};

std::string NowRfc3339() {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

// Where a feed comes from: the official URL, or its relative path under a mirror.
std::string SourceFor(const FeedSource& feed, const std::string& mirror) {
  if (mirror.empty()) return feed.url;
  if (mirror.find("://") != std::string::npos) {
    std::string base = mirror;
    while (!base.empty() && base.back() == '/') base.pop_back();
    return base + "/" + feed.relative_path;
  }
  return (std::filesystem::path(mirror) / feed.relative_path).string();
}

// The downloaded file must be what the feed promises; an HTML error page from a captive portal
// or a moved address would otherwise be skipped silently by the importers.
Status CheckFormat(const std::filesystem::path& file, const FeedSource& feed) {
  if (feed.format.empty()) return {};
  HS_ASSIGN_OR_RETURN(auto reader, io::OpenFile(file));
  std::string head(16384, '\0');
  size_t have = 0;
  while (have < head.size()) {
    HS_ASSIGN_OR_RETURN(size_t n, reader->Read(head.data() + have, head.size() - have));
    if (n == 0) break;
    have += n;
  }
  head.resize(have);
  std::string_view detected = DetectFormat(file.string(), head);
  if (detected != feed.format) {
    return Corrupt(fmt::format("downloaded file is not {} (it reads as {})", feed.format,
                               detected.empty() ? std::string_view("no known feed format") : detected));
  }
  return {};
}

Status FsyncPath(const std::filesystem::path& path, bool directory) {
  int fd = open(path.c_str(), (directory ? O_RDONLY | O_DIRECTORY : O_RDONLY) | O_CLOEXEC);
  if (fd < 0) return IoErrorFromErrno("open " + path.string(), errno);
  int rc = fsync(fd);
  int err = errno;
  close(fd);
  if (rc != 0) return IoErrorFromErrno("fsync " + path.string(), err);
  return {};
}

// Removes the download directory and the half-built database on every way out of Update().
struct TempFiles {
  std::filesystem::path download_dir;
  std::filesystem::path temp_db;
  ~TempFiles() {
    std::error_code ec;
    if (!download_dir.empty()) std::filesystem::remove_all(download_dir, ec);
    if (!temp_db.empty()) std::filesystem::remove(temp_db, ec);
  }
};

struct Fetched {
  const FeedSource* feed;
  std::string source;  // printable (redacted)
  std::filesystem::path file;
};

}  // namespace

std::vector<FeedSource> DefaultFeeds() {
  std::vector<FeedSource> feeds;
  // OSV.dev's per-ecosystem exports: {name suffix, OSV ecosystem}.
  static constexpr std::pair<std::string_view, std::string_view> kOsv[] = {
      {"go", "Go"},         {"pypi", "PyPI"},          {"npm", "npm"},
      {"maven", "Maven"},   {"crates.io", "crates.io"}, {"rubygems", "RubyGems"},
      {"packagist", "Packagist"}, {"nuget", "NuGet"},
  };
  for (const auto& [name, ecosystem] : kOsv) {
    feeds.push_back({fmt::format("osv-{}", name), fmt::format("{}/{}/all.zip", kOsvBase, ecosystem),
                     fmt::format("osv/{}/all.zip", ecosystem), false, std::string(kFormatOsvZip)});
  }
  feeds.push_back({"debian-tracker", "https://security-tracker.debian.org/tracker/data/json", "debian/tracker.json",
                   false, std::string(kFormatDebianJson)});
  auto alpine = [&](std::string_view branch, bool optional) {
    for (std::string_view repo : {"main", "community"}) {
      feeds.push_back({fmt::format("alpine-{}-{}", branch, repo),
                       fmt::format("https://secdb.alpinelinux.org/{}/{}.json", branch, repo),
                       fmt::format("alpine/{}/{}.json", branch, repo), optional, std::string(kFormatAlpineSecdb)});
    }
  };
  for (std::string_view branch : kAlpineBranches) alpine(branch, false);
  alpine("edge", true);
  // Enrichment: a scan without KEV flags or EPSS scores is still correct, so these are optional.
  feeds.push_back({"kev", "https://www.cisa.gov/sites/default/files/feeds/known_exploited_vulnerabilities.json",
                   "kev/known_exploited_vulnerabilities.json", true, std::string(kFormatKev)});
  feeds.push_back({"epss", "https://epss.empiricalsecurity.com/epss_scores-current.csv.gz",
                   "epss/epss_scores-current.csv.gz", true, std::string(kFormatEpss)});
  return feeds;
}

Result<std::vector<FeedSource>> SelectFeeds(const std::vector<FeedSource>& sources,
                                            const std::vector<std::string>& only) {
  if (only.empty()) return sources;
  std::vector<bool> used(only.size(), false);
  std::vector<FeedSource> out;
  for (const FeedSource& feed : sources) {
    bool wanted = false;
    for (size_t i = 0; i < only.size(); ++i) {
      const std::string& sel = only[i];
      if (!sel.empty() && (feed.name == sel || StartsWith(feed.name, sel + "-"))) {
        wanted = true;
        used[i] = true;
      }
    }
    if (wanted) out.push_back(feed);
  }
  for (size_t i = 0; i < only.size(); ++i) {
    if (!used[i]) {
      std::string known;
      for (const FeedSource& f : sources) known += (known.empty() ? "" : ", ") + f.name;
      return InvalidArgument(fmt::format("no feed named {} (known: {})", QuoteForMessage(only[i]), known));
    }
  }
  return out;
}

net::RequestOptions DefaultUpdateNetOptions() {
  net::RequestOptions o;
  o.timeout = std::chrono::seconds(3600);
  o.stall_timeout = std::chrono::seconds(60);
  o.max_body_bytes = uint64_t{4} << 30;
  return o;
}

Result<DbInfo> Update(const UpdateOptions& options) {
  if (options.db_path.empty()) return InvalidArgument("db update: no database path");
  const std::vector<FeedSource> all = options.feeds.empty() ? DefaultFeeds() : options.feeds;
  HS_ASSIGN_OR_RETURN(std::vector<FeedSource> feeds, SelectFeeds(all, options.only));
  if (feeds.empty()) return InvalidArgument("db update: no feeds selected");
  // Deterministic merges: import in the order ImportPath would walk the download directory.
  std::sort(feeds.begin(), feeds.end(),
            [](const FeedSource& a, const FeedSource& b) { return a.relative_path < b.relative_path; });

  const std::filesystem::path db_path = options.db_path;
  std::filesystem::path dir = db_path.parent_path();
  if (dir.empty()) dir = ".";
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return IoErrorFromErrno("create " + dir.string(), ec.value());

  // Next to the database: same file system, so the final rename is atomic.
  // Unique per process and per call, so that concurrent updates never share a temporary file.
  static std::atomic<int> calls{0};
  const std::string tag = fmt::format("{}-{}", static_cast<long>(getpid()), calls.fetch_add(1));
  TempFiles temp;
  temp.download_dir = dir / fmt::format(".{}.download-{}", db_path.filename().string(), tag);
  temp.temp_db = db_path;
  temp.temp_db += ".tmp-" + tag;
  std::filesystem::remove_all(temp.download_dir, ec);  // left by a crashed run with our pid
  std::filesystem::create_directories(temp.download_dir, ec);
  if (ec) return IoErrorFromErrno("create " + temp.download_dir.string(), ec.value());

  std::vector<Fetched> fetched;
  std::vector<std::string> skipped;
  for (const FeedSource& feed : feeds) {
    const std::string source = SourceFor(feed, options.mirror);
    const std::string shown = net::RedactUrl(source);
    std::filesystem::path file = temp.download_dir / feed.relative_path;
    std::filesystem::create_directories(file.parent_path(), ec);
    if (ec) return IoErrorFromErrno("create " + file.parent_path().string(), ec.value());
    log::Info("db update: {}: fetching {}", feed.name, shown);
    Status status = net::Download(source, file, options.net);
    if (status.ok()) status = CheckFormat(file, feed).AddContext(shown);
    if (!status.ok()) {
      std::filesystem::remove(file, ec);
      if (feed.optional) {
        log::Warn("db update: optional feed {} skipped: {}", feed.name, status.error().message());
        skipped.push_back(feed.name);
        continue;
      }
      return std::move(status).error().AddContext("db update: feed " + feed.name);
    }
    fetched.push_back({&feed, shown, file});
  }
  if (fetched.empty()) return Unavailable("db update: no feed could be fetched");

  HS_ASSIGN_OR_RETURN(std::unique_ptr<StoreWriter> writer, StoreWriter::Create(temp.temp_db));
  for (const Fetched& f : fetched) {
    auto imported = ImportPath(f.file, *writer);
    if (!imported.ok()) {
      if (f.feed->optional) {
        log::Warn("db update: optional feed {} not imported: {}", f.feed->name, imported.error().message());
        continue;
      }
      return std::move(imported).error().AddContext("db update: import " + f.feed->name);
    }
    for (FeedFile& file : *imported) {
      file.path = f.source;  // not the temporary download path
      writer->AddFeed(file);
    }
  }
  if (!writer->diagnostics().empty()) {
    log::Info("db update: {} feed records could not be imported (see --debug)", writer->diagnostics().size());
    for (const std::string& d : writer->diagnostics()) log::Debug("db update: {}", d);
  }
  std::string version = options.hullscan_version;
  if (version.empty()) {
    std::string_view agent = net::UserAgent();
    version = std::string(agent.substr(agent.find('/') + 1));
  }
  HS_TRY_CTX(writer->Finish(NowRfc3339(), version), "db update: build " + temp.temp_db.string());
  writer.reset();  // closes the SQLite handle before the file is synced and renamed

  // Durable before visible: the data, then the rename, then the directory entry.
  HS_TRY_CTX(FsyncPath(temp.temp_db, false), "db update");
  if (std::rename(temp.temp_db.c_str(), db_path.c_str()) != 0)
    return IoErrorFromErrno(fmt::format("db update: rename {} to {}", temp.temp_db.string(), db_path.string()), errno);
  temp.temp_db.clear();
  if (Status s = FsyncPath(dir, true); !s.ok()) log::Debug("db update: {}", s.error().message());

  HS_ASSIGN_OR_RETURN(std::unique_ptr<Store> store, Store::Open(db_path));
  DbInfo info = store->Info();
  log::Info("db update: {} advisories, {} KEV entries, {} EPSS scores from {} feeds{}", info.advisories, info.kev,
            info.epss, fetched.size(),
            skipped.empty() ? std::string() : fmt::format(" ({} optional skipped)", skipped.size()));
  return info;
}

}  // namespace hullscan::vulndb
