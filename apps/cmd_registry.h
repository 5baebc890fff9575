// `hullscan registry scan REGISTRY`: every (matching) repository and tag of a registry, scanned
// with one shared client (connections, tokens) and one layer cache (shared layers analysed
// once), `concurrency` images at a time; one report per image plus a summary.
#pragma once

#include <string>
#include <vector>

#include "apps/cmd_scan.h"

namespace hullscan::apps {

struct RegistryScanFlags {
  std::string registry;            // "registry.example.com", "127.0.0.1:5000"
  std::vector<std::string> repos;  // glob patterns (fnmatch: * ? [..]); empty = all
  std::string tags = "latest";     // latest | all | N (the N highest tags, versions compared numerically)
  int concurrency = 2;
  std::string output_dir;          // per-image reports: DIR/<repository>/<tag>.<ext>
  std::string summary_format = "table";  // table | json, to stdout (or --summary-output)
  std::string summary_output;
  ScanFlags scan;                  // what each image's scan does (format, vuln flags, auth, cache)
};

// Returns the exit code: 2 when any image could not be scanned (the summary says which and
// why), else the highest gate code of the images (0 when all pass).
int RunRegistryScan(RegistryScanFlags flags);

// The tags a --tags value selects from a repository's tag list, in scan order. Exposed for tests.
Result<std::vector<std::string>> SelectTags(const std::vector<std::string>& tags, const std::string& mode);

}  // namespace hullscan::apps
