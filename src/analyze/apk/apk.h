// apk: lib/apk/db/installed (Alpine, Wolfi, Chainguard; also usr/lib/apk/db/installed of apk-tools 3
// on /usr-merged systems). The file becomes one PackageDb; each package carries its own file list.
// See docs/analyzers.md ("## apk").
#pragma once

#include <memory>

#include "analyze/analyzer.h"

namespace hullscan::analyze {
std::unique_ptr<Analyzer> NewApkAnalyzer();
}  // namespace hullscan::analyze
