// A policy file (`--policy FILE`, YAML): requirements an image must meet to pass, beyond the
// severity gate. Every key is optional:
//
//   require_non_root: true     # fail when the image (or Dockerfile / manifest) runs as root
//   forbid_secrets: true       # fail on any unsuppressed secret finding
//   max_severity: HIGH         # fail when an unsuppressed finding (vulnerability or check) is above this
//   required_labels: [org.opencontainers.image.source, maintainer]  # labels the image config must carry
//
// The requirements are decided from the findings (one source of truth: the checks), after
// policy::Apply / ApplyChecks, so that suppressed findings (ignore file, VEX) do not count. Format,
// rules and examples: docs/output-formats.md ("Policy file").
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "checks/finding.h"
#include "inventory/inventory.h"
#include "match/finding.h"
#include "vulndb/model.h"

namespace hullscan::policy {

struct PolicyFile {
  std::string origin;  // the file it was read from
  bool require_non_root = false;
  bool forbid_secrets = false;
  std::optional<vulndb::SeverityLevel> max_severity;
  std::vector<std::string> required_labels;  // in file order, without duplicates
  friend bool operator==(const PolicyFile&, const PolicyFile&) = default;
};

// Reads a policy file. An unknown key, a value of the wrong type or an unknown severity is an
// InvalidArgument error naming FILE:LINE; an empty file is a policy without requirements.
Result<PolicyFile> LoadPolicyFile(const std::filesystem::path& path);
// The same from text; `name` is used in messages and as the origin.
Result<PolicyFile> ParsePolicyFile(std::string_view text, std::string_view name);

struct PolicyViolation {
  // The requirement broken: "require_non_root", "forbid_secrets", "max_severity", "required_labels".
  std::string rule;
  std::string message;  // what broke it, for people: "secret SECRET-GITHUB-PAT in app/.env:1 (layer sha256:…)"
  friend bool operator==(const PolicyViolation&, const PolicyViolation&) = default;
};

struct PolicyVerdict {
  bool passed = true;                       // no violations
  std::vector<PolicyViolation> violations;  // in requirement order (as listed above), then finding order
  // Requirements that could not be decided for this artifact and were not held against it:
  // required_labels on something that is not an image (a root filesystem, `hullscan config`).
  std::vector<PolicyViolation> not_applicable;
  friend bool operator==(const PolicyVerdict&, const PolicyVerdict&) = default;
};

// Check ids that mean "runs as root": the image's effective USER (CFG-USER-ROOT), a Dockerfile's
// last USER (DF-LAST-USER-ROOT) and a Kubernetes container with runAsUser 0 (K8S-RUN-AS-USER-ROOT).
// K8S-RUN-AS-NON-ROOT (runAsNonRoot not set: it *may* run as root) is not one. A check that adds
// another such id adds it here.
const std::vector<std::string>& RunsAsRootCheckIds();

// Evaluates `policy` over one scan. `vulns` and `checks` are the findings after Apply/ApplyChecks
// (suppressed ones marked; they do not count). require_non_root fails on an unsuppressed finding
// whose id is in RunsAsRootCheckIds(); when there is none at all (suppressed or not: the config
// check did not run, or a severity filter dropped it) it also fails when the image config's USER
// is plainly root ("", "root", "0", "0:…", "root:…"), which needs no /etc/passwd.
PolicyVerdict EvaluatePolicy(const PolicyFile& policy, const inventory::Inventory& inventory,
                             const std::vector<match::Finding>& vulns, const std::vector<checks::Finding>& checks);

// The exit code for a verdict: 0 when it passed, else `exit_code` (Trivy's --exit-code) or 1 when
// that is 0 (a policy that fails must fail the process). Combine with the gates' codes through
// CombineExitCodes (policy.h).
int PolicyExitCode(const PolicyVerdict& verdict, int exit_code);

}  // namespace hullscan::policy
