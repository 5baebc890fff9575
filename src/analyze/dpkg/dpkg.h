// dpkg: var/lib/dpkg/status, distroless var/lib/dpkg/status.d/*, info/*.list owned files.
#pragma once

#include <memory>

#include "analyze/analyzer.h"

namespace hullscan::analyze {
std::unique_ptr<Analyzer> NewDpkgAnalyzer();
}  // namespace hullscan::analyze
