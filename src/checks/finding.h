// A check finding: one configuration, filesystem, secret, Dockerfile or Kubernetes problem, with
// the evidence and what to do about it. Check findings flow through the same policy (severity
// filters, ignore file, gates) and reports as vulnerability findings.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "vulndb/model.h"

namespace hullscan::checks {

enum class Kind {
  kConfig,      // the image config: USER, ENV, HEALTHCHECK, history, labels, ports, volumes
  kFilesystem,  // files of the image: setuid/setgid, world-writable, accounts, leftovers
  kSecret,      // secrets in file contents, ENV, labels or history
  kDockerfile,  // a Dockerfile (`hullscan config`)
  kKubernetes,  // a Kubernetes manifest (`hullscan config`)
};
// "config", "filesystem", "secret", "dockerfile", "kubernetes"
std::string_view KindName(Kind kind);

struct Finding {
  // Stable rule id, upper-case with dashes, prefixed by kind: "CFG-USER-ROOT", "FS-SETUID",
  // "SECRET-AWS-ACCESS-KEY-ID", "DF-LAST-USER-ROOT", "K8S-PRIVILEGED". What ignore files name.
  std::string id;
  Kind kind = Kind::kConfig;
  vulndb::SeverityLevel severity = vulndb::SeverityLevel::kUnknown;
  std::string title;        // what the rule is about: "Image runs as root"
  std::string message;      // what was found here: "USER is empty: the container runs as uid 0"
  std::string remediation;  // one line: "Add `USER 10001:10001` after the last RUN step"
  // Evidence. Empty / 0 when it does not apply.
  std::string target;         // the file scanned by `hullscan config` (Dockerfile, manifest); empty for images
  std::string layer_diff_id;  // the layer holding the file or made by the history step
  std::string path;           // file in the image, relative to the root
  int line = 0;               // 1-based line (secret in a file, Dockerfile instruction, manifest line)
  std::string history;        // the history step (created_by) that did it
  std::string resource;       // Kubernetes: "Deployment/web", with the container when it is about one
  std::string match;          // the offending text; secrets masked, never the secret itself
  // Set by the policy when an ignore rule hides the finding (it is kept, marked, not gated).
  std::optional<std::string> suppressed_by;

  friend bool operator==(const Finding&, const Finding&) = default;
};

// Sorted for reports: severity (highest first), kind, id, target, path, line, resource.
void SortFindings(std::vector<Finding>& findings);

}  // namespace hullscan::checks
