#include "checks/iac/internal/evidence.h"

#include <algorithm>
#include <cctype>

#include "base/strings.h"

namespace hullscan::checks::iac::internal {
namespace {

bool ContainsIgnoreCase(std::string_view haystack, std::string_view needle) {
  auto it = std::search(haystack.begin(), haystack.end(), needle.begin(), needle.end(), [](char a, char b) {
    return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
  });
  return it != haystack.end();
}

}  // namespace

std::string PrintableLine(std::string_view line) {
  line = TrimSpace(line);
  std::string out;
  size_t i = 0;
  while (i < line.size() && out.size() < kMaxMatchBytes) {
    char32_t cp = 0;
    size_t len = DecodeUtf8(line, i, &cp);
    if (len == 0) {  // not UTF-8: one '?' per byte
      out += '?';
      ++i;
      continue;
    }
    if (out.size() + len > kMaxMatchBytes) break;
    if (cp < 0x20 || cp == 0x7f) {
      out += cp == '\t' ? ' ' : '?';
    } else {
      out.append(line.substr(i, len));
    }
    i += len;
  }
  return out;
}

std::string EvidenceLine(const std::vector<std::string>& lines, int first, int last, std::string_view needle) {
  if (first < 1 || static_cast<size_t>(first) > lines.size()) return {};
  last = std::clamp(last, first, static_cast<int>(lines.size()));
  if (!needle.empty()) {
    for (int l = first; l <= last; ++l) {
      if (ContainsIgnoreCase(lines[static_cast<size_t>(l) - 1], needle)) {
        return PrintableLine(lines[static_cast<size_t>(l) - 1]);
      }
    }
  }
  return PrintableLine(lines[static_cast<size_t>(first) - 1]);
}

}  // namespace hullscan::checks::iac::internal
