// npm: installed packages (node_modules/<name>/package.json and node_modules/@scope/<name>/package.json,
// at any nesting depth) and lockfiles (package-lock.json v1/v2/v3, npm-shrinkwrap.json, yarn.lock v1
// and Berry, pnpm-lock.yaml v5/v6/v9). Each file becomes one inventory::PackageDb of kNpm packages: analyzer "npm-installed"
// for package.json, "npm-lock" for lockfiles.
//
// Installed metadata is preferred over lockfiles: a lockfile is skipped (an empty PackageDb) when the
// same layer installs packages into the node_modules/ next to it, because then the lockfile only
// repeats them, and also lists dev and optional dependencies that were never installed
// (`npm ci --omit=dev`). package-lock.json is skipped when npm-shrinkwrap.json sits beside it in the
// layer (npm itself then ignores package-lock.json).
#pragma once

#include <memory>

#include "analyze/analyzer.h"

namespace hullscan::analyze {
std::unique_ptr<Analyzer> NewNpmAnalyzer();
}  // namespace hullscan::analyze
