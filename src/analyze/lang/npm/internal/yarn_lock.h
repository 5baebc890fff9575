// yarn.lock, classic (v1, its own syntax) and Berry (v2+, YAML subset) formats.
#pragma once

#include <string_view>
#include <vector>

#include "base/problems.h"
#include "inventory/package.h"

namespace hullscan::analyze::npm_internal {

// One package per (name, version), sorted. Aliases ("alias@npm:real@^1") report the real name.
// Not reported: Berry's __metadata, workspace / link / portal / file entries (the project's own
// code) and git or tarball dependencies without a registry version.
std::vector<inventory::Package> ParseYarnLock(std::string_view text, Problems& problems);

}  // namespace hullscan::analyze::npm_internal
