#include "apps/cmd_registry.h"

#include <fnmatch.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include <fmt/format.h>

#include "apps/fail.h"
#include "apps/progress_display.h"
#include "base/log.h"
#include "base/strings.h"
#include "net/reference.h"
#include "report/report.h"

namespace hullscan::apps {
namespace {

// "1.10" after "1.9": runs of digits compare as numbers, everything else bytewise.
bool NaturalLess(std::string_view a, std::string_view b) {
  size_t i = 0, j = 0;
  auto digit = [](char c) { return c >= '0' && c <= '9'; };
  while (i < a.size() && j < b.size()) {
    if (digit(a[i]) && digit(b[j])) {
      size_t i2 = i, j2 = j;
      while (i2 < a.size() && a[i2] == '0') ++i2;
      while (j2 < b.size() && b[j2] == '0') ++j2;
      size_t ie = i2, je = j2;
      while (ie < a.size() && digit(a[ie])) ++ie;
      while (je < b.size() && digit(b[je])) ++je;
      if (ie - i2 != je - j2) return ie - i2 < je - j2;
      if (int c = a.substr(i2, ie - i2).compare(b.substr(j2, je - j2)); c != 0) return c < 0;
      i = ie;
      j = je;
      continue;
    }
    if (a[i] != b[j]) return static_cast<unsigned char>(a[i]) < static_cast<unsigned char>(b[j]);
    ++i;
    ++j;
  }
  return a.size() - i < b.size() - j;
}

struct Item {
  std::string repository;
  std::string tag;
};

struct Row {
  std::string repository;
  std::string tag;
  std::string digest;
  size_t packages = 0;
  policy::Summary summary;
  int exit_code = 0;
  std::string report_path;
  std::string error;  // non-empty: the image could not be scanned
};

std::string ReportExtension(const std::string& format) {
  if (format == "json" || format == "cyclonedx" || format == "spdx-json" || format == "sarif") return ".json";
  return ".txt";
}

Status WriteFileAtomically(const std::filesystem::path& path, const std::string& data) {
  std::error_code ec;
  std::filesystem::create_directories(path.parent_path(), ec);
  if (ec) return IoError("create " + path.parent_path().string() + ": " + ec.message());
  std::filesystem::path tmp = path;
  tmp += ".hullscan-tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << data;
    out.flush();
    if (!out) return IoError("cannot write " + tmp.string());
  }
  std::filesystem::rename(tmp, path, ec);
  if (ec) return IoError("rename to " + path.string() + ": " + ec.message());
  return OkStatus();
}

constexpr vulndb::SeverityLevel kColumns[] = {vulndb::SeverityLevel::kCritical, vulndb::SeverityLevel::kHigh,
                                              vulndb::SeverityLevel::kMedium, vulndb::SeverityLevel::kLow,
                                              vulndb::SeverityLevel::kUnknown};

int Count(const policy::Summary& s, vulndb::SeverityLevel level) {
  auto it = s.by_severity.find(level);
  return it == s.by_severity.end() ? 0 : it->second;
}

std::string SummaryTable(const std::string& registry, const std::vector<Row>& rows, bool vuln) {
  std::vector<std::vector<std::string>> cells;
  std::vector<std::string> head = {"IMAGE", "DIGEST", "PACKAGES"};
  if (vuln)
    for (auto level : kColumns) head.emplace_back(vulndb::SeverityName(level));
  head.emplace_back("STATUS");
  cells.push_back(head);
  for (const Row& r : rows) {
    std::vector<std::string> line = {r.repository + ":" + r.tag, r.digest.empty() ? "-" : r.digest.substr(0, 19),
                                     r.error.empty() ? std::to_string(r.packages) : "-"};
    if (vuln)
      for (auto level : kColumns) line.push_back(r.error.empty() ? std::to_string(Count(r.summary, level)) : "-");
    line.push_back(!r.error.empty() ? "error: " + r.error : r.exit_code != 0 ? "fail" : "ok");
    cells.push_back(std::move(line));
  }
  std::vector<size_t> width(head.size(), 0);
  for (const auto& line : cells)
    for (size_t i = 0; i + 1 < line.size(); ++i) width[i] = std::max(width[i], line[i].size());
  std::string out = fmt::format("registry {}: {} image(s)\n\n", registry, rows.size());
  for (const auto& line : cells) {
    for (size_t i = 0; i < line.size(); ++i) {
      out += line[i];
      if (i + 1 < line.size()) out += std::string(width[i] - line[i].size() + 2, ' ');
    }
    out += "\n";
  }
  return out;
}

std::string SummaryJson(const std::string& registry, const std::vector<Row>& rows, bool vuln) {
  nlohmann::ordered_json images = nlohmann::ordered_json::array();
  for (const Row& r : rows) {
    nlohmann::ordered_json j;
    j["repository"] = r.repository;
    j["tag"] = r.tag;
    j["digest"] = r.digest;
    if (!r.error.empty()) {
      j["error"] = r.error;
    } else {
      j["packages"] = r.packages;
      if (vuln) {
        nlohmann::ordered_json counts;
        for (auto level : kColumns) counts[std::string(vulndb::SeverityName(level))] = Count(r.summary, level);
        j["vulnerabilities"] = counts;
      }
      j["exit_code"] = r.exit_code;
      j["report"] = r.report_path;
    }
    images.push_back(std::move(j));
  }
  nlohmann::ordered_json doc;
  doc["registry"] = registry;
  doc["images"] = std::move(images);
  doc["errors"] = std::count_if(rows.begin(), rows.end(), [](const Row& r) { return !r.error.empty(); });
  return doc.dump(2) + "\n";
}

}  // namespace

Result<std::vector<std::string>> SelectTags(const std::vector<std::string>& tags, const std::string& mode) {
  if (mode == "all") return tags;
  if (mode == "latest") {
    if (std::find(tags.begin(), tags.end(), "latest") != tags.end()) return std::vector<std::string>{"latest"};
    return std::vector<std::string>{};
  }
  size_t n = 0;
  if (mode.empty() || !std::all_of(mode.begin(), mode.end(), [](char c) { return c >= '0' && c <= '9'; }) ||
      mode.size() > 6 || (n = std::stoul(mode)) == 0)
    return InvalidArgument("--tags: use latest, all, or a positive number (got " + QuoteForMessage(mode) + ")");
  std::vector<std::string> sorted = tags;
  std::sort(sorted.begin(), sorted.end(), [](const std::string& a, const std::string& b) { return NaturalLess(b, a); });
  if (sorted.size() > n) sorted.resize(n);
  return sorted;
}

int RunRegistryScan(RegistryScanFlags flags) {
  if (flags.registry.empty()) return Fail(InvalidArgument("registry scan needs a REGISTRY (host[:port])"));
  if (flags.concurrency < 1) return Fail(InvalidArgument("--concurrency must be at least 1"));
  if (flags.summary_format != "table" && flags.summary_format != "json")
    return Fail(InvalidArgument("--summary-format: use table or json"));
  // Reports go to files; the target argument is per image.
  flags.scan.target.clear();
  if (flags.output_dir.empty()) flags.output_dir = "hullscan-reports";
  flags.scan.output = flags.output_dir;  // not a TTY: no colour in the reports

  auto options = RegistryOptionsFromFlags(flags.scan);
  if (!options.ok()) return Fail(options.error());
  auto connected = net::RegistryClient::Connect(flags.registry, *options);
  if (!connected.ok()) return Fail(connected.error());
  std::shared_ptr<net::RegistryClient> client = std::move(*connected);

  auto repositories = client->ListRepositories();
  if (!repositories.ok()) return Fail(std::move(repositories).error().AddContext("registry " + flags.registry));
  std::vector<Item> items;
  std::vector<Row> rows;
  for (const std::string& repo : *repositories) {
    bool wanted = flags.repos.empty();
    for (const std::string& glob : flags.repos)
      if (fnmatch(glob.c_str(), repo.c_str(), 0) == 0) wanted = true;
    if (!wanted) continue;
    auto tags = client->ListTags(repo);
    if (!tags.ok()) {
      Row row;
      row.repository = repo;
      row.tag = "*";
      row.error = tags.error().message();
      rows.push_back(std::move(row));
      continue;
    }
    auto selected = SelectTags(*tags, flags.tags);
    if (!selected.ok()) return Fail(selected.error());
    for (const std::string& tag : *selected) items.push_back({repo, tag});
  }
  log::Info("registry {}: {} repositories, {} images to scan", flags.registry, repositories->size(), items.size());

  // Workers take images in order; each has its own session (DB handle), all share the client
  // and the layer cache on disk.
  std::vector<Row> scanned(items.size());
  std::atomic<size_t> next{0};
  std::mutex fail_mu;
  std::optional<Error> setup_error;
  scan::Progress progress;
  scan::SharedLayers shared_layers;
  const std::string ext = ReportExtension(flags.scan.format);
  auto work = [&] {
    auto session = ScanSession::Create(Command::kImage, flags.scan);
    if (!session.ok()) {
      std::lock_guard lock(fail_mu);
      if (!setup_error) setup_error = session.error();
      return;
    }
    for (size_t i; (i = next.fetch_add(1)) < items.size();) {
      const Item& item = items[i];
      Row& row = scanned[i];
      row.repository = item.repository;
      row.tag = item.tag;
      std::string ref_text = flags.registry + "/" + item.repository + ":" + item.tag;
      // The catalog is the registry's word: names that are not valid references (or could climb
      // out of the report folder) are refused, not scanned.
      auto ref = net::Reference::Parse(ref_text);
      if (!ref.ok() || ref->registry != flags.registry) {
        row.error = "not a valid image reference: " + QuoteForMessage(ref_text);
        continue;
      }
      auto outcome = (*session)->Scan("docker://" + ref_text, client, &progress, &shared_layers);
      if (!outcome.ok()) {
        row.error = outcome.error().message();
        log::Warn("{}: {}", ref_text, row.error);
        continue;
      }
      row.digest = outcome->manifest_digest;
      row.packages = outcome->packages;
      row.summary = outcome->summary;
      row.exit_code = outcome->exit_code;
      std::filesystem::path path = std::filesystem::path(flags.output_dir) / item.repository / (item.tag + ext);
      Status written = WriteFileAtomically(path, outcome->report);
      if (!written.ok()) {
        row.error = written.error().message();
        continue;
      }
      row.report_path = path.string();
    }
  };
  {
    std::optional<ProgressDisplay> display;
    if (!flags.scan.quiet) display.emplace(progress, flags.registry);
    size_t workers = std::min<size_t>(static_cast<size_t>(flags.concurrency), std::max<size_t>(items.size(), 1));
    std::vector<std::thread> threads;
    for (size_t t = 0; t < workers; ++t) threads.emplace_back(work);
    for (auto& t : threads) t.join();
  }
  if (setup_error) return Fail(*setup_error);
  rows.insert(rows.end(), std::make_move_iterator(scanned.begin()), std::make_move_iterator(scanned.end()));

  bool vuln = flags.scan.scanners != "none";
  std::string summary = flags.summary_format == "json" ? SummaryJson(flags.registry, rows, vuln)
                                                       : SummaryTable(flags.registry, rows, vuln);
  if (flags.summary_output.empty()) {
    std::cout << summary;
    std::cout.flush();
  } else if (Status st = WriteFileAtomically(flags.summary_output, summary); !st.ok()) {
    return Fail(st.error());
  }
  int code = 0;
  for (const Row& r : rows) {
    if (!r.error.empty()) return kExitError;
    code = std::max(code, r.exit_code);
  }
  return code;
}

}  // namespace hullscan::apps
