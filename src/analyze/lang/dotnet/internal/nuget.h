// *.deps.json and packages.lock.json.
#pragma once

#include <string_view>
#include <vector>

#include "base/problems.h"
#include "inventory/package.h"

namespace hullscan::analyze::dotnet_internal {

// "libraries" keyed "Name/Version": entries of type "package", and "runtimepack" (the bundled .NET
// runtime of a self-contained app, reported under its NuGet name without the "runtimepack." prefix).
// Not reported: "project" entries (the application's own code, not a published package), and, as
// Trivy does, packages whose entry in the runtime target deploys nothing (no runtime, runtimeTargets
// or native assets: reference-only and meta packages that are not in the image). One package per
// (name, version).
std::vector<inventory::Package> ParseDepsJson(std::string_view text, Problems& problems);

// "dependencies" per target framework: the "resolved" version of every Direct, Transitive and
// CentralTransitive entry; "Project" entries (other projects of the solution) are skipped. One
// package per (name, version) over all frameworks.
std::vector<inventory::Package> ParsePackagesLock(std::string_view text, Problems& problems);

}  // namespace hullscan::analyze::dotnet_internal
