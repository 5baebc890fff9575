// Format detection and the directory walk; the per-format importers live next to this file.
#include <algorithm>
#include <system_error>

#include "base/strings.h"
#include "io/reader.h"
#include "vulndb/import.h"

namespace hullscan::vulndb {
namespace {

bool Contains(std::string_view s, std::string_view needle) { return s.find(needle) != std::string_view::npos; }

// The largest feed file read: NVD's yearly files and OSV's all.zip exports stay far below.
constexpr int64_t kMaxFeedFileBytes = int64_t{4} << 30;

using ImportFn = Result<FeedFile> (*)(std::string_view, std::string_view, Sink&);

ImportFn ImporterFor(std::string_view format) {
  struct Entry {
    std::string_view format;
    ImportFn fn;
  };
  static constexpr Entry kImporters[] = {
      {kFormatOsvJson, ImportOsvJson},
      {kFormatOsvYaml, ImportOsvYaml},
      {kFormatOsvZip, ImportOsvZip},
      {kFormatRustsec, ImportRustsec},
      {kFormatDebianJson, ImportDebianTrackerJson},
      {kFormatDebianList, ImportDebianTrackerList},
      {kFormatDebianCveList, ImportDebianCveList},
      {kFormatAlpineSecdb, ImportAlpineSecdb},
      {kFormatRedhatCsafVex, ImportRedhatCsafVex},
      {kFormatNvdApi, ImportNvdApi},
      {kFormatKev, ImportKev},
      {kFormatEpss, ImportEpssCsv},
  };
  for (const Entry& e : kImporters)
    if (e.format == format) return e.fn;
  return nullptr;
}

// The tracker's JSON is {"<source package>": {"CVE-…" or "TEMP-…": {…}}}: the first key's value
// opens with a vulnerability id (Ubuntu's API pages, say, also mention "releases" and CVEs).
bool LooksLikeDebianTracker(std::string_view head) {
  size_t i = 0;
  auto skip_space = [&] {
    while (i < head.size() && (head[i] == ' ' || head[i] == '\n' || head[i] == '\r' || head[i] == '\t')) ++i;
  };
  auto expect = [&](char c) {
    skip_space();
    if (i >= head.size() || head[i] != c) return false;
    ++i;
    return true;
  };
  if (!expect('{') || !expect('"')) return false;
  size_t end = head.find('"', i);
  if (end == std::string_view::npos) return false;
  i = end + 1;
  if (!expect(':') || !expect('{') || !expect('"')) return false;
  return StartsWith(head.substr(i), "CVE-") || StartsWith(head.substr(i), "TEMP-");
}

}  // namespace

std::string_view DetectFormat(std::string_view path, std::string_view head) {
  std::string name = ToLower(path);
  if (EndsWith(name, "/dsa/list") || EndsWith(name, "/dla/list") || EndsWith(name, "/dtsa/list") ||
      name == "dsa/list" || name == "dla/list")
    return kFormatDebianList;
  if (EndsWith(name, "/cve/list") || name == "cve/list") return kFormatDebianCveList;
  if (EndsWith(name, ".zip")) return kFormatOsvZip;
  if (EndsWith(name, ".md"))  // RustSec names its files after the advisory id
    return Contains(name, "rustsec-") && Contains(head, "```toml") ? kFormatRustsec : "";
  if (EndsWith(name, ".csv") || EndsWith(name, ".csv.gz")) {
    // EPSS daily files; the KEV catalogue's CSV twin is skipped (its JSON is imported).
    if (Contains(name, "epss") || StartsWith(head, "#model_version") || StartsWith(head, "cve,epss")) return kFormatEpss;
    return "";
  }
  if (EndsWith(name, ".yaml") || EndsWith(name, ".yml")) {
    if (Contains(head, "secfixes") || Contains(head, "distroversion")) return kFormatAlpineSecdb;
    if (StartsWith(head, "id:") || Contains(head, "\nid:")) return kFormatOsvYaml;
    return "";
  }
  if (!EndsWith(name, ".json")) return "";
  // JSON schemas, OpenVEX documents and index files are not feeds.
  if (Contains(head, "\"$schema\"") || Contains(head, "\"@context\"")) return "";
  if (Contains(head, "\"catalogVersion\"")) return kFormatKev;
  if (Contains(head, "\"csaf_version\"")) return Contains(head, "csaf_vex") ? kFormatRedhatCsafVex : "";
  if (Contains(head, "\"NVD_CVE\"") || (Contains(head, "\"resultsPerPage\"") && Contains(head, "\"vulnerabilities\"")))
    return kFormatNvdApi;
  if (Contains(head, "\"secfixes\"") || Contains(head, "\"distroversion\"")) return kFormatAlpineSecdb;
  if (Contains(head, "\"schema_version\"") || (Contains(head, "\"id\"") && Contains(head, "\"modified\"")))
    return kFormatOsvJson;
  if (Contains(head, "\"releases\"") && LooksLikeDebianTracker(head)) return kFormatDebianJson;
  return "";
}

Result<std::vector<FeedFile>> ImportPath(const std::filesystem::path& path, Sink& sink) {
  std::vector<std::filesystem::path> files;
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    for (auto it = std::filesystem::recursive_directory_iterator(path, ec); !ec && it != std::filesystem::end(it);
         it.increment(ec)) {
      if (it->is_regular_file(ec)) files.push_back(it->path());
    }
    if (ec) return IoErrorFromErrno("read directory " + path.string(), ec.value());
    std::sort(files.begin(), files.end());
  } else if (std::filesystem::is_regular_file(path, ec)) {
    files.push_back(path);
  } else {
    return NotFound("no feed file or directory at " + path.string());
  }

  std::vector<FeedFile> out;
  for (const auto& file : files) {
    std::string display = file.string();
    // Detect from the name and the first bytes before reading the whole file.
    std::string head(16384, '\0');
    {
      HS_ASSIGN_OR_RETURN(auto reader, io::OpenFile(file));
      size_t have = 0;
      while (have < head.size()) {
        HS_ASSIGN_OR_RETURN(size_t n, reader->Read(head.data() + have, head.size() - have));
        if (n == 0) break;
        have += n;
      }
      head.resize(have);
    }
    std::string_view format = DetectFormat(display, head);
    if (format.empty()) continue;
    auto content = io::ReadFile(file, kMaxFeedFileBytes);
    if (!content) return std::move(content).error().AddContext(display);
    auto feed = ImporterFor(format)(display, *content, sink);
    if (!feed) return std::move(feed).error().AddContext(display);
    out.push_back(std::move(*feed));
  }
  return out;
}

}  // namespace hullscan::vulndb
