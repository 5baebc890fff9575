#include "analyze/lang/npm/internal/yarn_lock.h"

#include <map>
#include <string>
#include <utility>

#include "analyze/lang/npm/internal/package_json.h"
#include "base/strings.h"

namespace hullscan::analyze::npm_internal {
namespace {

// Quotes are stripped from each end on its own: in a multi-spec header the first spec has only
// the opening quote ("a@^1, a@^2":).
std::string_view Unquote(std::string_view s) {
  s = TrimSpace(s);
  if (!s.empty() && s.front() == '"') s.remove_prefix(1);
  if (!s.empty() && s.back() == '"') s.remove_suffix(1);
  return s;
}

// "name@range" → (name, range); the '@' of a scope is not the separator.
std::pair<std::string_view, std::string_view> SplitSpec(std::string_view spec) {
  size_t at = spec.find('@', spec.empty() || spec.front() != '@' ? 0 : 1);
  if (at == std::string_view::npos) return {spec, {}};
  return {spec.substr(0, at), spec.substr(at + 1)};
}

// Entries for the project's own code, not a published package.
bool IsLocalRange(std::string_view range) {
  for (std::string_view protocol : {"workspace:", "link:", "portal:", "file:"}) {
    if (StartsWith(range, protocol)) return true;
  }
  return false;
}

struct Entry {
  std::string_view header;
  std::string_view version;
  size_t line = 0;
};

// The entry's package name from the first spec of its header, resolving npm aliases
// ("alias@npm:real@^1.0.0"); empty for local entries.
std::string_view NameOf(std::string_view header, bool* local) {
  std::string_view first = header.substr(0, header.find(','));
  auto [name, range] = SplitSpec(Unquote(first));
  *local = IsLocalRange(range);
  if (StartsWith(range, "npm:")) {
    std::string_view target = range.substr(4);
    if (target.find('@', 1) != std::string_view::npos) name = SplitSpec(target).first;
  }
  return name;
}

}  // namespace

std::vector<inventory::Package> ParseYarnLock(std::string_view text, Problems& problems) {
  std::vector<Entry> entries;
  size_t line_number = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    ++line_number;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (TrimSpace(line).empty() || line.front() == '#') continue;
    if (line.front() != ' ' && line.front() != '\t') {
      // A top-level key: one or more comma-separated specs, then ':'.
      if (line.back() != ':') {
        problems.Add(line_number, "expected an entry header ending in ':'");
        continue;
      }
      entries.push_back(Entry{line.substr(0, line.size() - 1), {}, line_number});
      continue;
    }
    if (entries.empty()) continue;
    // Fields of the entry, indented by two spaces: `version "1.2.3"` (v1) or `version: 1.2.3` (Berry).
    size_t indent = line.find_first_not_of(" \t");
    if (indent != 2) continue;
    std::string_view field = line.substr(indent);
    // The key may be quoted: `"version" "1.2.3"`.
    size_t key_length = 7;
    if (StartsWith(field, "\"version\"")) {
      field.remove_prefix(1);
      key_length = 8;  // "version" plus the closing quote
    }
    if (!StartsWith(field, "version")) continue;
    std::string_view value = field.substr(key_length);
    if (value.empty() || (value.front() != ' ' && value.front() != ':')) continue;  // "versionFoo"
    if (value.front() == ':') value.remove_prefix(1);
    entries.back().version = Unquote(value);
  }

  std::map<std::pair<std::string, std::string>, inventory::Package> collected;
  for (const Entry& entry : entries) {
    if (Unquote(entry.header) == "__metadata") continue;  // Berry's header block
    bool local = false;
    std::string_view name = NameOf(entry.header, &local);
    if (local) continue;
    if (entry.version.empty()) {
      problems.Add(entry.line, "entry without a version");
      continue;
    }
    if (!IsValidPackageName(name)) {
      problems.Add(entry.line, "invalid package name " + QuoteForMessage(name));
      continue;
    }
    auto [it, inserted] = collected.try_emplace({std::string(name), std::string(entry.version)});
    if (inserted) {
      it->second.type = inventory::PackageType::kNpm;
      it->second.name = name;
      it->second.version = entry.version;
    }
  }
  std::vector<inventory::Package> result;
  result.reserve(collected.size());
  for (auto& [key, package] : collected) result.push_back(std::move(package));
  return result;
}

}  // namespace hullscan::analyze::npm_internal
