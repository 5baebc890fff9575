// Feed importers: read vulnerability feeds in their original formats and hand normalised records
// to a Sink. One function per format (vulndb/import/<format>.cc); ImportPath() detects the format
// of each file under a directory and dispatches.
//
// Importers never stop at a bad record: it becomes a diagnostic (file, record, reason) and the
// import goes on. Only an unreadable file or directory is an error.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "vulndb/model.h"

namespace hullscan::vulndb {

// Receives what the importers read. The Store is the real sink; tests collect into vectors.
class Sink {
 public:
  virtual ~Sink() = default;
  // Records with the same (source, id) may arrive several times (a CVE in two DSAs, in two Alpine
  // branches): the sink merges them (aliases, affected, references united).
  virtual Status AddAdvisory(Advisory advisory) = 0;
  virtual Status AddKev(KevEntry entry) = 0;
  virtual Status AddEpss(EpssScore score) = 0;
  // A record that could not be imported; the import continues.
  virtual void Diagnose(std::string_view file, std::string_view message) = 0;
};

// What an importer read from one file, for the DB's feed metadata and for tests.
struct FeedFile {
  std::string path;    // as given
  std::string format;  // one of the names below
  std::string date;    // the feed's own date when it states one (KEV dateReleased, EPSS score_date, …)
  int64_t records = 0;     // records imported (advisories, KEV entries, EPSS rows)
  int64_t withdrawn = 0;   // of which withdrawn/rejected
  int64_t diagnostics = 0;
};

// Format names, also used by --debug and `db status`.
inline constexpr std::string_view kFormatOsvJson = "osv-json";        // one OSV record, or a JSON array of them
inline constexpr std::string_view kFormatOsvYaml = "osv-yaml";        // PyPA advisory-database
inline constexpr std::string_view kFormatOsvZip = "osv-zip";          // OSV.dev per-ecosystem all.zip export
inline constexpr std::string_view kFormatRustsec = "rustsec";         // Markdown + TOML front matter
inline constexpr std::string_view kFormatDebianJson = "debian-tracker-json";
inline constexpr std::string_view kFormatDebianList = "debian-tracker-list";  // data/DSA/list, DLA/list, DTSA/list
inline constexpr std::string_view kFormatDebianCveList = "debian-cve-list";   // data/CVE/list
inline constexpr std::string_view kFormatAlpineSecdb = "alpine-secdb";        // JSON or YAML; also Wolfi/Chainguard
inline constexpr std::string_view kFormatRedhatCsafVex = "redhat-csaf-vex";
inline constexpr std::string_view kFormatNvdApi = "nvd-api-2.0";
inline constexpr std::string_view kFormatKev = "cisa-kev";
inline constexpr std::string_view kFormatEpss = "epss-csv";           // .csv or .csv.gz

// Per-format importers. `content` is the whole file; `path` names it in diagnostics and records
// (and gives context some formats need: the Alpine branch "v3.11" from the path when the file
// lacks distroversion, the DSA/DLA kind from "DSA/list"). Each returns what it read.
Result<FeedFile> ImportOsvJson(std::string_view path, std::string_view content, Sink& sink);
Result<FeedFile> ImportOsvYaml(std::string_view path, std::string_view content, Sink& sink);
Result<FeedFile> ImportOsvZip(std::string_view path, std::string_view content, Sink& sink);
Result<FeedFile> ImportRustsec(std::string_view path, std::string_view content, Sink& sink);
Result<FeedFile> ImportDebianTrackerJson(std::string_view path, std::string_view content, Sink& sink);
Result<FeedFile> ImportDebianTrackerList(std::string_view path, std::string_view content, Sink& sink);
Result<FeedFile> ImportDebianCveList(std::string_view path, std::string_view content, Sink& sink);
Result<FeedFile> ImportAlpineSecdb(std::string_view path, std::string_view content, Sink& sink);
Result<FeedFile> ImportRedhatCsafVex(std::string_view path, std::string_view content, Sink& sink);
Result<FeedFile> ImportNvdApi(std::string_view path, std::string_view content, Sink& sink);
Result<FeedFile> ImportKev(std::string_view path, std::string_view content, Sink& sink);
Result<FeedFile> ImportEpssCsv(std::string_view path, std::string_view content, Sink& sink);  // gzip-compressed OK

// The format of one file from its name and first bytes; empty when it is not a feed file
// (READMEs, licences, schemas, indexes) and should be skipped.
std::string_view DetectFormat(std::string_view path, std::string_view head);

// Imports one feed file, or every feed file under a directory (recursively, sorted by path, so
// merges are deterministic). Files of no known format are skipped silently.
Result<std::vector<FeedFile>> ImportPath(const std::filesystem::path& path, Sink& sink);

}  // namespace hullscan::vulndb
