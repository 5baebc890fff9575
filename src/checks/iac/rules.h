// The rule table of the Dockerfile and Kubernetes manifest checks: each rule's id, severity,
// title, remediation, and the ids the peers (hadolint, Trivy/defsec) give the same problem.
#pragma once

#include <span>
#include <string_view>

#include "checks/finding.h"
#include "vulndb/model.h"

namespace hullscan::checks::iac {

struct RuleInfo {
  std::string_view id;        // "DF-SUDO", "K8S-PRIVILEGED"
  Kind kind;                  // kDockerfile or kKubernetes
  vulndb::SeverityLevel severity;
  std::string_view title;
  std::string_view remediation;
  std::string_view hadolint;  // "DL3004" (Dockerfile rules), empty when hadolint has none
  std::string_view trivy;     // "DS010" / "KSV017" (comma-separated when several), empty when Trivy v0.44 has none
};

// Every rule, Dockerfile rules first, in a fixed order.
std::span<const RuleInfo> IacRules();
// The rule with this id, or nullptr.
const RuleInfo* FindIacRule(std::string_view id);

}  // namespace hullscan::checks::iac
