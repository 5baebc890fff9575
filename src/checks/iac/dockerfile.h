// Dockerfile checks (`hullscan config`): hadolint's core rules, mapped to Trivy's DS checks.
// The rule table with the peer ids is in checks/iac/rules.h.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "checks/finding.h"

namespace hullscan::checks::iac {

// Findings (kind kDockerfile, ids "DF-…") for one Dockerfile; `target` is copied into each
// Finding::target. Never fails: any text parses (unknown lines are ignored), in time and memory
// linear in the input; callers bound the input size (CheckPath reads at most kMaxConfigFileSize).
// Findings come sorted by line, then id.
std::vector<Finding> CheckDockerfile(std::string_view content, const std::string& target);

}  // namespace hullscan::checks::iac
