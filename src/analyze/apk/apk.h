// apk: lib/apk/db/installed (Alpine, Wolfi, Chainguard).
#pragma once

#include <memory>

#include "analyze/analyzer.h"

namespace hullscan::analyze {
std::unique_ptr<Analyzer> NewApkAnalyzer();
}  // namespace hullscan::analyze
