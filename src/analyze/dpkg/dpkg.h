// dpkg: var/lib/dpkg/status, distroless var/lib/dpkg/status.d/*, and the per-package file lists
// var/lib/dpkg/info/<pkg>.list (or <pkg>.md5sums when there is no .list, and status.d/<pkg>.md5sums).
// Each status file becomes one PackageDb of its installed packages; each file list one OwnedFiles.
// See docs/analyzers.md ("## dpkg") for what counts as installed and why.
#pragma once

#include <memory>

#include "analyze/analyzer.h"

namespace hullscan::analyze {
std::unique_ptr<Analyzer> NewDpkgAnalyzer();
}  // namespace hullscan::analyze
