// rpm: var/lib/rpm/{rpmdb.sqlite, Packages, Packages.db} and the usr/lib/sysimage/rpm equivalents.
#pragma once

#include <memory>

#include "analyze/analyzer.h"

namespace hullscan::analyze {
std::unique_ptr<Analyzer> NewRpmAnalyzer();
}  // namespace hullscan::analyze
