// Rust: binaries built with cargo-auditable (the crate graph, zlib-compressed JSON, in a .dep-v0
// section of the ELF/PE file, __DATA,.dep-v0 in Mach-O) and Cargo.lock files. One analyzer for
// both, so that the builtin list has one Rust line; each file becomes one PackageDb whose
// `analyzer` says which reader produced it: "cargo-auditable" or "cargo-lock".
#pragma once

#include <memory>

#include "analyze/analyzer.h"

namespace hullscan::analyze {
std::unique_ptr<Analyzer> NewRustAnalyzer();
}  // namespace hullscan::analyze
