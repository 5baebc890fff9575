#include "checks/finding.h"

#include <algorithm>
#include <tuple>

namespace hullscan::checks {

std::string_view KindName(Kind kind) {
  switch (kind) {
    case Kind::kConfig: return "config";
    case Kind::kFilesystem: return "filesystem";
    case Kind::kSecret: return "secret";
    case Kind::kDockerfile: return "dockerfile";
    case Kind::kKubernetes: return "kubernetes";
  }
  return "unknown";
}

void SortFindings(std::vector<Finding>& findings) {
  std::stable_sort(findings.begin(), findings.end(), [](const Finding& a, const Finding& b) {
    return std::tuple(b.severity, a.kind, a.id, a.target, a.path, a.line, a.resource) <
           std::tuple(a.severity, b.kind, b.id, b.target, b.path, b.line, b.resource);
  });
}

}  // namespace hullscan::checks
