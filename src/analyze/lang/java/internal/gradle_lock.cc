#include "analyze/lang/java/internal/gradle_lock.h"

#include <string>

namespace hullscan::analyze::java_internal {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

}  // namespace

std::vector<inventory::Package> ParseGradleLockfile(std::string_view text, Problems& problems) {
  std::vector<inventory::Package> out;
  size_t line_no = 0;
  while (!text.empty()) {
    size_t nl = text.find('\n');
    std::string_view line = Trim(text.substr(0, nl));
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    ++line_no;
    if (line.empty() || line.front() == '#') continue;
    std::string_view coordinates = Trim(line.substr(0, line.find('=')));
    if (coordinates == "empty" || (coordinates.empty() && line.front() == '=')) continue;
    size_t first = coordinates.find(':');
    size_t second = first == std::string_view::npos ? first : coordinates.find(':', first + 1);
    if (second == std::string_view::npos || coordinates.find(':', second + 1) != std::string_view::npos ||
        first == 0 || second == first + 1 || second + 1 == coordinates.size()) {
      problems.Add(line_no, "not a group:artifact:version line");
      continue;
    }
    inventory::Package p;
    p.type = inventory::PackageType::kMaven;
    p.name = std::string(coordinates.substr(0, second));
    p.version = std::string(coordinates.substr(second + 1));
    out.push_back(std::move(p));
  }
  return out;
}

}  // namespace hullscan::analyze::java_internal
