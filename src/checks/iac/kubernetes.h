// Kubernetes manifest checks (`hullscan config`): the pod security rules of Trivy's KSV checks
// for Pods, Deployments, StatefulSets, DaemonSets, ReplicaSets, ReplicationControllers, Jobs,
// CronJobs, PodTemplates and `kind: List` items. The rule table is in checks/iac/rules.h.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "checks/finding.h"

namespace hullscan::checks::iac {

// Input bounds: larger manifests or more findings are a kLimitExceeded error, not a partial result.
inline constexpr size_t kMaxManifestBytes = 8 << 20;
inline constexpr size_t kMaxManifestFindings = 20000;

// Findings (kind kKubernetes, ids "K8S-…") for a multi-document YAML (or JSON) manifest.
// Documents that are not workloads are skipped. Malformed YAML is a kCorrupt error, and no
// findings: "<target>:<line>: <parser message>". Containers, init containers and ephemeral
// containers are checked; a container's securityContext overrides the pod's. Findings carry the
// line of the offending key where the YAML gives one, else of the container or the document.
Result<std::vector<Finding>> CheckKubernetes(std::string_view yaml, const std::string& target);

}  // namespace hullscan::checks::iac
