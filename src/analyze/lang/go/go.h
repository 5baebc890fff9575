// Go: the build info the Go linker embeds in every module-aware binary (ELF, PE, Mach-O): the
// main module, the dependency modules (replacements applied) and the toolchain as "stdlib".
// Each binary becomes one PackageDb (analyzer "gobinary"); go.cc explains the version choices.
//
// go.mod (pre-build projects, `hullscan fs`, and sources copied into images): the required modules
// with replace directives applied, and the toolchain as "stdlib"; for modules below go 1.17, whose
// go.mod lists only direct requirements, the go.sum in the same directory (same layer) adds the
// modules whose code it hashes. Each go.mod becomes one PackageDb (analyzer "gomod");
// internal/gomod.h gives the rules.
#pragma once

#include <memory>

#include "analyze/analyzer.h"

namespace hullscan::analyze {
std::unique_ptr<Analyzer> NewGoBinaryAnalyzer();
std::unique_ptr<Analyzer> NewGoModAnalyzer();
}  // namespace hullscan::analyze
