#include "report/internal/findings.h"

#include <fmt/format.h>

#include "base/strings.h"

namespace hullscan::report::internal {

FindingTally Tally(const std::vector<FindingView>& findings) {
  FindingTally tally;
  for (vulndb::SeverityLevel level : kSeveritiesDescending) tally.by_severity[level] = 0;
  for (const FindingView& view : findings) {
    const match::Finding& f = *view.finding;
    if (f.suppressed) {
      ++tally.suppressed;
      (f.suppressed->kind == "vex" ? tally.suppressed_by_vex : tally.suppressed_by_ignore)++;
    } else {
      ++tally.total;
      ++tally.by_severity[f.severity];
    }
  }
  return tally;
}

FindingTally Tally(const std::vector<const checks::Finding*>& findings) {
  FindingTally tally;
  for (vulndb::SeverityLevel level : kSeveritiesDescending) tally.by_severity[level] = 0;
  for (const checks::Finding* f : findings) {
    if (f->suppressed_by) {
      ++tally.suppressed;
      ++tally.suppressed_by_ignore;
    } else {
      ++tally.total;
      ++tally.by_severity[f->severity];
    }
  }
  return tally;
}

std::string CheckLocation(const checks::Finding& f) {
  std::string where = !f.path.empty() ? f.path : f.target;
  if (!where.empty() && f.line > 0) where += ":" + std::to_string(f.line);
  if (!f.resource.empty()) where += (where.empty() ? "" : " ") + f.resource;
  if (where.empty() && !f.history.empty()) where = "history: " + f.history;
  // Nothing else locates it: the image config itself (USER, ENV, labels, HEALTHCHECK).
  if (where.empty()) where = "image config";
  return where;
}

bool IsWebUrl(std::string_view url) {
  if (!StartsWith(url, "https://") && !StartsWith(url, "http://")) return false;
  if (url.size() > 4096) return false;
  for (unsigned char c : url) {
    if (c <= 0x20 || c >= 0x7F) return false;  // no spaces, controls or raw non-ASCII
    if (c == '"' || c == '<' || c == '>' || c == '\\' || c == '^' || c == '`' || c == '{' || c == '|' || c == '}')
      return false;
  }
  return true;
}

std::optional<std::string> DateTime(std::string_view text) {
  auto digits = [&](size_t from, size_t n) {
    if (from + n > text.size()) return false;
    for (size_t i = from; i < from + n; ++i) {
      if (text[i] < '0' || text[i] > '9') return false;
    }
    return true;
  };
  if (!digits(0, 4) || text.size() < 10 || text[4] != '-' || !digits(5, 2) || text[7] != '-' || !digits(8, 2)) {
    return std::nullopt;
  }
  int month = (text[5] - '0') * 10 + (text[6] - '0');
  int day = (text[8] - '0') * 10 + (text[9] - '0');
  if (month < 1 || month > 12 || day < 1 || day > 31) return std::nullopt;
  if (text.size() == 10) return std::string(text) + "T00:00:00Z";
  if (text[10] != 'T' || !digits(11, 2) || text.size() < 19 || text[13] != ':' || !digits(14, 2) || text[16] != ':' ||
      !digits(17, 2)) {
    return std::nullopt;
  }
  int hour = (text[11] - '0') * 10 + (text[12] - '0');
  int minute = (text[14] - '0') * 10 + (text[15] - '0');
  int second = (text[17] - '0') * 10 + (text[18] - '0');
  if (hour > 23 || minute > 59 || second > 60) return std::nullopt;
  size_t i = 19;
  if (i < text.size() && text[i] == '.') {
    size_t start = ++i;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i;
    if (i == start) return std::nullopt;
  }
  std::string_view zone = text.substr(i);
  if (zone == "Z" || zone == "z") return std::string(text.substr(0, i)) + "Z";
  if (zone.size() == 6 && (zone[0] == '+' || zone[0] == '-') && digits(i + 1, 2) && zone[3] == ':' &&
      digits(i + 4, 2)) {
    return std::string(text);
  }
  if (zone.empty()) return std::string(text) + "Z";  // feeds that leave the zone out mean UTC
  return std::nullopt;
}

std::string ScoreText(double score) { return fmt::format("{:.1f}", score); }

std::string JoinVersions(const std::vector<std::string>& versions) {
  std::string out;
  for (const std::string& v : versions) {
    if (!out.empty()) out += ", ";
    out += v;
  }
  return out;
}

}  // namespace hullscan::report::internal
