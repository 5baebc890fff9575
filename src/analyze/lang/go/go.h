// Go: the build info the Go linker embeds in every module-aware binary (ELF, PE, Mach-O): the
// main module, the dependency modules (replacements applied) and the toolchain as "stdlib".
// Each binary becomes one PackageDb (analyzer "gobinary"); go.cc explains the version choices.
#pragma once

#include <memory>

#include "analyze/analyzer.h"

namespace hullscan::analyze {
std::unique_ptr<Analyzer> NewGoBinaryAnalyzer();
}  // namespace hullscan::analyze
