// FIRST EPSS daily scores (epss_scores-YYYY-MM-DD.csv[.gz]).
//
// Three layouts exist: v1 (2021) "cve,epss" with no comment line and no date inside, v2/v3
// (2022-) a "#model_version:v2023.03.01,score_date:2023-03-07T00:00:00+0000" comment line then
// "cve,epss,percentile". The header row names the columns, so columns are found by name. The
// score date comes from score_date, else from an epss_scores-YYYY-MM-DD file name.
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "base/strings.h"
#include "io/compression.h"
#include "io/reader.h"
#include "vulndb/import.h"

namespace hullscan::vulndb {
namespace {

constexpr uint64_t kMaxDecompressed = uint64_t{1} << 30;  // a full day is ~10 MB; this is a bomb bound

bool IsDate(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (s[i] < '0' || s[i] > '9') return false;
  }
  return true;
}

// A probability 0..1 written as a plain decimal; false otherwise.
bool ParseProbability(std::string_view text, double& out) {
  text = TrimSpace(text);
  if (text.empty() || text.size() > 32) return false;
  std::string s(text);
  char* end = nullptr;
  double v = std::strtod(s.c_str(), &end);
  if (end != s.c_str() + s.size() || !(v >= 0 && v <= 1)) return false;
  out = v;
  return true;
}

}  // namespace

Result<FeedFile> ImportEpssCsv(std::string_view path, std::string_view content, Sink& sink) {
  FeedFile feed;
  feed.path = std::string(path);
  feed.format = std::string(kFormatEpss);
  auto diagnose = [&](std::string_view message) {
    ++feed.diagnostics;
    sink.Diagnose(path, message);
  };

  std::string text;
  if (io::DetectCompression(content) != io::Compression::kNone) {
    auto reader = io::NewDecompressingReader(io::NewMemoryReader(content));
    if (!reader.ok()) return Error(std::move(reader).error()).AddContext(path);
    auto all = io::ReadAll(**reader, kMaxDecompressed);
    if (!all.ok()) {
      // ReadAll returns nothing on a truncated or corrupt stream: the whole file is a diagnostic.
      diagnose("cannot decompress: " + all.error().message());
      return feed;
    }
    text = std::move(*all);
  } else {
    text = std::string(content);
  }

  // Date from the file name until score_date says otherwise.
  std::string name(path);
  if (size_t at = name.rfind("epss_scores-"); at != std::string::npos && IsDate(std::string_view(name).substr(at + 12, 10))) {
    feed.date = name.substr(at + 12, 10);
  }

  int cve_col = -1, epss_col = -1, pct_col = -1;
  size_t line_no = 0;
  for (std::string_view line : Split(text, '\n')) {
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (TrimSpace(line).empty()) continue;
    if (line.front() == '#') {
      for (std::string_view field : Split(line.substr(1), ',')) {
        if (StartsWith(field, "score_date:")) {
          std::string_view date = field.substr(11);
          if (date.size() >= 10 && IsDate(date.substr(0, 10))) feed.date = std::string(date.substr(0, 10));
          else diagnose("line " + std::to_string(line_no) + ": bad score_date " + QuoteForMessage(date));
        }
      }
      continue;
    }
    std::vector<std::string_view> cols = Split(line, ',');
    if (cve_col < 0) {
      for (size_t i = 0; i < cols.size(); ++i) {
        std::string c = ToLower(TrimSpace(cols[i]));
        if (c == "cve") cve_col = static_cast<int>(i);
        if (c == "epss") epss_col = static_cast<int>(i);
        if (c == "percentile") pct_col = static_cast<int>(i);
      }
      if (cve_col < 0 || epss_col < 0) {
        diagnose("line " + std::to_string(line_no) + ": expected a 'cve,epss[,percentile]' header, got " +
                 QuoteForMessage(line));
        return feed;
      }
      continue;
    }
    auto col = [&](int i) { return i >= 0 && static_cast<size_t>(i) < cols.size() ? TrimSpace(cols[i]) : std::string_view(); };
    EpssScore s;
    s.cve = std::string(col(cve_col));
    if (!StartsWith(s.cve, "CVE-")) {
      diagnose("line " + std::to_string(line_no) + ": no CVE id in " + QuoteForMessage(line));
      continue;
    }
    if (!ParseProbability(col(epss_col), s.score)) {
      diagnose("line " + std::to_string(line_no) + ": bad epss " + QuoteForMessage(col(epss_col)));
      continue;
    }
    if (pct_col >= 0 && !ParseProbability(col(pct_col), s.percentile)) {
      diagnose("line " + std::to_string(line_no) + ": bad percentile " + QuoteForMessage(col(pct_col)));
      continue;
    }
    s.date = feed.date;
    ++feed.records;
    HS_TRY(sink.AddEpss(std::move(s)));
  }
  return feed;
}

}  // namespace hullscan::vulndb
