// `hullscan config PATH`: finds Dockerfiles and Kubernetes manifests under a path and checks them.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "base/status.h"
#include "checks/finding.h"

namespace hullscan::checks::iac {

// Files larger than this are not read (a kLimitExceeded file error).
inline constexpr uintmax_t kMaxConfigFileSize = 8 << 20;

enum class ConfigFileType { kNone, kDockerfile, kKubernetes };

// By name: Dockerfile, Containerfile, *.dockerfile, Dockerfile.* (any case) are Dockerfiles;
// *.yaml, *.yml, *.json are Kubernetes candidates (kept only when they hold a workload).
ConfigFileType ClassifyConfigFile(const std::filesystem::path& path);

struct ConfigScan {
  std::vector<Finding> findings;    // sorted (SortFindings)
  std::vector<Error> file_errors;   // one per file that could not be read or parsed; "<relpath>:<line>: …"
  int files_checked = 0;            // Dockerfiles and manifests that were checked
};

// Scans a file or a directory tree. Symlinks are not followed (symlinked files and directories
// are skipped), nor are `.git` directories. Finding::target is the path relative to `path` (the
// file name when `path` is a file), with '/' separators. A file that cannot be parsed is a
// file_error and the scan goes on; only an unreadable `path` itself fails the scan.
// A .yaml/.json file that does not parse counts as an error only when its text names both
// `apiVersion` and `kind`, i.e. when it claims to be a manifest.
Result<ConfigScan> ScanConfigPath(const std::filesystem::path& path);

// ScanConfigPath's findings. When `path` is a single file, that file's error is the result;
// in a directory, file errors are logged as warnings and skipped.
Result<std::vector<Finding>> CheckPath(const std::filesystem::path& path);

}  // namespace hullscan::checks::iac
