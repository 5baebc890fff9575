#include "analyze/lang/ruby/internal/gemfile_lock.h"

#include <set>
#include <string>
#include <utility>

#include "base/strings.h"

namespace hullscan::analyze::ruby_internal {

std::vector<inventory::Package> ParseGemfileLock(std::string_view text, Problems& problems) {
  std::vector<inventory::Package> out;
  std::set<std::pair<std::string, std::string>> seen;
  bool in_source_section = false;  // GEM, GIT, PATH: the sections whose specs are installed gems
  bool in_specs = false;
  size_t line_number = 0;
  for (std::string_view line : Split(text, '\n')) {
    ++line_number;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (TrimSpace(line).empty()) continue;
    if (line.front() != ' ') {  // a section header
      in_source_section = line == "GEM" || line == "GIT" || line == "PATH";
      in_specs = false;
      continue;
    }
    if (!in_source_section) continue;
    size_t indent = 0;
    while (indent < line.size() && line[indent] == ' ') ++indent;
    if (indent == 2) {
      in_specs = TrimSpace(line) == "specs:";
      continue;
    }
    if (!in_specs || indent != 4) continue;
    std::string_view spec = TrimSpace(line);
    size_t open = spec.find(" (");
    if (open == std::string_view::npos || spec.back() != ')') {
      problems.Add(line_number, "gem spec without a version: " + QuoteForMessage(spec));
      continue;
    }
    std::string_view name = spec.substr(0, open);
    std::string_view version = TrimSpace(spec.substr(open + 2, spec.size() - open - 3));
    version = version.substr(0, version.find('-'));  // platform suffix: 1.13.3-x86_64-linux
    if (name.empty() || version.empty() || name.find(' ') != std::string_view::npos) {
      problems.Add(line_number, "malformed gem spec: " + QuoteForMessage(spec));
      continue;
    }
    if (!seen.emplace(std::string(name), std::string(version)).second) continue;  // one per platform
    inventory::Package package;
    package.type = inventory::PackageType::kGem;
    package.name = std::string(name);
    package.version = std::string(version);
    out.push_back(std::move(package));
  }
  return out;
}

}  // namespace hullscan::analyze::ruby_internal
