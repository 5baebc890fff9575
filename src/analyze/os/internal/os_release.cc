#include "analyze/os/internal/os_release.h"

#include "base/strings.h"

namespace hullscan::analyze::os_internal {
namespace {

bool IsKeyChar(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}

// Shell-style unquoting of one value, as far as os-release(5) allows: "…" with \" \\ \$ \`
// escapes, '…' verbatim, a backslash outside quotes escaping the next character. An unterminated
// quote takes the rest of the line (lenient: the intent is clear).
std::string Unquote(std::string_view raw) {
  std::string out;
  out.reserve(raw.size());
  size_t i = 0;
  while (i < raw.size()) {
    char c = raw[i];
    if (c == '"') {
      ++i;
      while (i < raw.size() && raw[i] != '"') {
        if (raw[i] == '\\' && i + 1 < raw.size()) {
          char next = raw[i + 1];
          if (next == '"' || next == '\\' || next == '$' || next == '`') {
            out.push_back(next);
            i += 2;
            continue;
          }
        }
        out.push_back(raw[i++]);
      }
      ++i;  // the closing quote, if any
    } else if (c == '\'') {
      ++i;
      while (i < raw.size() && raw[i] != '\'') out.push_back(raw[i++]);
      ++i;
    } else if (c == '\\' && i + 1 < raw.size()) {
      out.push_back(raw[i + 1]);
      i += 2;
    } else {
      out.push_back(c);
      ++i;
    }
  }
  return out;
}

}  // namespace

std::map<std::string, std::string> ParseKeyValues(std::string_view content) {
  std::map<std::string, std::string> values;
  size_t pos = 0;
  while (pos < content.size()) {
    size_t end = content.find('\n', pos);
    if (end == std::string_view::npos) end = content.size();
    std::string_view line = TrimSpace(content.substr(pos, end - pos));
    pos = end + 1;
    if (line.empty() || line.front() == '#') continue;
    size_t eq = line.find('=');
    if (eq == std::string_view::npos) continue;
    std::string_view key = TrimSpace(line.substr(0, eq));
    if (key.empty()) continue;
    bool valid_key = true;
    for (char c : key) valid_key = valid_key && IsKeyChar(c);
    if (!valid_key) continue;
    values[std::string(key)] = Unquote(TrimSpace(line.substr(eq + 1)));
  }
  return values;
}

}  // namespace hullscan::analyze::os_internal
