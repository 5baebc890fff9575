// pnpm-lock.yaml, lockfileVersion 5.x ("/name/1.0.0_peer" keys), 6.x ("/name@1.0.0(peer)") and
// 9.x ("name@1.0.0" in packages, peer variants in snapshots, several YAML documents possible).
#pragma once

#include <string_view>
#include <vector>

#include "base/problems.h"
#include "inventory/package.h"

namespace hullscan::analyze::npm_internal {

// One package per (name, version), sorted. Names and versions come from the entry's own name /
// version fields when present (tarball and git dependencies), else from its key; entries with no
// registry version (file: and link: folders, the project's own code) are not reported; a key that
// names no package is a problem. dev: v5/v6 take the entry's "dev" field; v9 marks dev every
// package that no importer's dependencies / optionalDependencies reach through the snapshots.
std::vector<inventory::Package> ParsePnpmLock(std::string_view text, Problems& problems);

}  // namespace hullscan::analyze::npm_internal
