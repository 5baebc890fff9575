// package-lock.json / npm-shrinkwrap.json, lockfileVersion 1 ("dependencies" tree), 2 and 3
// ("packages" keyed by install path; v2 also carries the v1 tree, which is then ignored).
#pragma once

#include <string_view>
#include <vector>

#include "base/problems.h"
#include "inventory/package.h"

namespace hullscan::analyze::npm_internal {

// The packages the lockfile installs, one per (name, version), sorted; dev = every occurrence is a
// dev dependency. Not reported: the root project, links to workspace folders (their target entry is
// reported), workspace members themselves (the project's own code), and dependencies without a
// registry version (git, file and tarball URLs): there is nothing to match them against.
std::vector<inventory::Package> ParsePackageLock(std::string_view text, Problems& problems);

}  // namespace hullscan::analyze::npm_internal
