#include "checks/iac/rules.h"

#include <array>

namespace hullscan::checks::iac {
namespace {

using vulndb::SeverityLevel;
constexpr Kind kDf = Kind::kDockerfile;
constexpr Kind kK8s = Kind::kKubernetes;

// Severities follow Trivy's check metadata (defsec rules/docker/policies/*.rego and
// rules/kubernetes/policies/**.rego) where Trivy has the check; hadolint has only
// error/warning/info, so rules that only hadolint has get LOW (reproducibility, image size).
constexpr std::array kRules = {
    RuleInfo{"DF-LAST-USER-ROOT", kDf, SeverityLevel::kHigh, "Image runs as root",
             "Add `USER <uid>:<gid>` (a non-zero numeric uid) to the final stage, after the last step that needs root",
             "DL3002", "DS002"},
    RuleInfo{"DF-FROM-LATEST", kDf, SeverityLevel::kMedium, "Base image without a tag or with the `latest` tag",
             "Pin the base image to a version tag, better to a digest: `FROM debian:12.5@sha256:…`", "DL3006,DL3007",
             "DS001"},
    RuleInfo{"DF-ADD-INSTEAD-OF-COPY", kDf, SeverityLevel::kLow, "ADD used to copy local files",
             "Use COPY for local files and folders; ADD only to extract a local archive", "DL3020", "DS005"},
    RuleInfo{"DF-ADD-REMOTE", kDf, SeverityLevel::kMedium, "ADD downloads a remote URL",
             "Download with `RUN curl -fsSLo` and verify a checksum (or `ADD --checksum=sha256:…`)", "DL3020",
             "DS005"},
    RuleInfo{"DF-APT-NO-INSTALL-RECOMMENDS", kDf, SeverityLevel::kHigh,
             "apt-get install without --no-install-recommends",
             "Add `--no-install-recommends` to `apt-get install`", "DL3015", "DS029"},
    RuleInfo{"DF-APT-LISTS-NOT-CLEANED", kDf, SeverityLevel::kLow, "apt lists left in the image",
             "End the same RUN with `&& rm -rf /var/lib/apt/lists/*`", "DL3009", ""},
    RuleInfo{"DF-APT-UPGRADE", kDf, SeverityLevel::kHigh, "apt-get upgrade/dist-upgrade in a Dockerfile",
             "Use a newer base image instead of upgrading packages in the build", "DL3005", "DS024"},
    RuleInfo{"DF-APT-UNPINNED", kDf, SeverityLevel::kLow, "apt package installed without a pinned version",
             "Pin versions: `apt-get install <package>=<version>`", "DL3008", ""},
    RuleInfo{"DF-APK-UNPINNED", kDf, SeverityLevel::kLow, "apk package installed without a pinned version",
             "Pin versions: `apk add <package>=<version>`", "DL3018", ""},
    RuleInfo{"DF-APK-NO-CACHE", kDf, SeverityLevel::kHigh, "apk add without --no-cache",
             "Use `apk add --no-cache`", "DL3019", "DS025"},
    RuleInfo{"DF-PIP-UNPINNED", kDf, SeverityLevel::kLow, "pip package installed without a pinned version",
             "Pin versions: `pip install <package>==<version>` or install from a pinned requirements file",
             "DL3013", ""},
    RuleInfo{"DF-NPM-UNPINNED", kDf, SeverityLevel::kLow, "npm package installed without a pinned version",
             "Pin versions: `npm install <package>@<version>`", "DL3016", ""},
    RuleInfo{"DF-SUDO", kDf, SeverityLevel::kCritical, "RUN uses sudo",
             "Drop sudo: RUN steps run as the current USER; switch with USER root / USER <uid> around them",
             "DL3004", "DS010"},
    RuleInfo{"DF-RUN-CD", kDf, SeverityLevel::kMedium, "RUN cd instead of WORKDIR",
             "Use `WORKDIR /path` instead of `RUN cd /path && …`", "DL3003", "DS013"},
    RuleInfo{"DF-MAINTAINER", kDf, SeverityLevel::kHigh, "MAINTAINER is deprecated",
             "Use `LABEL org.opencontainers.image.authors=\"…\"`", "DL4000", "DS022"},
    RuleInfo{"DF-CURL-PIPE-SHELL", kDf, SeverityLevel::kMedium, "Remote script piped into a shell",
             "Download the script to a file, verify its checksum or signature, then run it", "DL4006", ""},
    RuleInfo{"DF-EXPOSE-SSH", kDf, SeverityLevel::kMedium, "SSH port 22 exposed",
             "Do not run sshd in a container; use `docker exec`/`kubectl exec` to get a shell", "", "DS004"},
    RuleInfo{"DF-NO-HEALTHCHECK", kDf, SeverityLevel::kLow, "No HEALTHCHECK defined",
             "Add `HEALTHCHECK CMD …` to the final stage (or `HEALTHCHECK NONE` to say it is deliberate)", "",
             "DS026"},

    RuleInfo{"K8S-RUN-AS-NON-ROOT", kK8s, SeverityLevel::kMedium, "Container may run as root",
             "Set `securityContext.runAsNonRoot: true` on the pod or the container", "", "KSV012"},
    RuleInfo{"K8S-RUN-AS-USER-ROOT", kK8s, SeverityLevel::kLow, "Container runs with runAsUser 0",
             "Set `securityContext.runAsUser` to a non-zero uid (e.g. 10001) or leave it unset", "", "KSV105"},
    RuleInfo{"K8S-PRIVILEGED", kK8s, SeverityLevel::kHigh, "Privileged container",
             "Remove `securityContext.privileged: true`; grant only the capabilities needed", "", "KSV017"},
    RuleInfo{"K8S-ALLOW-PRIVILEGE-ESCALATION", kK8s, SeverityLevel::kMedium, "Container can elevate its privileges",
             "Set `securityContext.allowPrivilegeEscalation: false`", "", "KSV001"},
    RuleInfo{"K8S-CAP-SYS-ADMIN", kK8s, SeverityLevel::kHigh, "SYS_ADMIN capability added",
             "Remove SYS_ADMIN from `securityContext.capabilities.add`", "", "KSV005,KSV022"},
    RuleInfo{"K8S-CAP-ADDED", kK8s, SeverityLevel::kMedium, "Non-default capabilities added",
             "Do not add capabilities (NET_BIND_SERVICE is the only one the restricted profile allows)", "",
             "KSV022"},
    RuleInfo{"K8S-CAPS-NOT-DROPPED", kK8s, SeverityLevel::kLow, "Capabilities not dropped",
             "Set `securityContext.capabilities.drop: [\"ALL\"]` and add back only what is needed", "", "KSV003"},
    RuleInfo{"K8S-HOST-PATH", kK8s, SeverityLevel::kMedium, "hostPath volume mounted",
             "Use a persistentVolumeClaim, configMap, secret or emptyDir volume instead of hostPath", "",
             "KSV023,KSV006"},
    RuleInfo{"K8S-HOST-NETWORK", kK8s, SeverityLevel::kHigh, "Pod uses the host network",
             "Remove `hostNetwork: true`", "", "KSV009"},
    RuleInfo{"K8S-HOST-PID", kK8s, SeverityLevel::kHigh, "Pod shares the host PID namespace",
             "Remove `hostPID: true`", "", "KSV010"},
    RuleInfo{"K8S-HOST-IPC", kK8s, SeverityLevel::kHigh, "Pod shares the host IPC namespace",
             "Remove `hostIPC: true`", "", "KSV008"},
    RuleInfo{"K8S-READONLY-ROOTFS", kK8s, SeverityLevel::kLow, "Root filesystem is writable",
             "Set `securityContext.readOnlyRootFilesystem: true` and mount emptyDir volumes where writes are needed",
             "", "KSV014"},
    RuleInfo{"K8S-IMAGE-LATEST", kK8s, SeverityLevel::kMedium, "Image without a tag or with the `latest` tag",
             "Use a specific image tag, better a digest (`image: repo@sha256:…`)", "", "KSV013"},
    RuleInfo{"K8S-IMAGE-NOT-DIGEST", kK8s, SeverityLevel::kLow, "Image not pinned by digest",
             "Pin the image by digest: `image: repo:tag@sha256:…`", "", ""},
    RuleInfo{"K8S-NO-CPU-LIMIT", kK8s, SeverityLevel::kLow, "CPU not limited",
             "Set `resources.limits.cpu`", "", "KSV011"},
    RuleInfo{"K8S-NO-MEMORY-LIMIT", kK8s, SeverityLevel::kLow, "Memory not limited",
             "Set `resources.limits.memory`", "", "KSV018"},
};

}  // namespace

std::span<const RuleInfo> IacRules() { return kRules; }

const RuleInfo* FindIacRule(std::string_view id) {
  for (const RuleInfo& rule : kRules) {
    if (rule.id == id) return &rule;
  }
  return nullptr;
}

}  // namespace hullscan::checks::iac
