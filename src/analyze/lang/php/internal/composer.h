// composer.lock and vendor/composer/installed.json.
#pragma once

#include <string_view>
#include <vector>

#include "base/problems.h"
#include "inventory/package.h"

namespace hullscan::analyze::php_internal {

// "packages" and "packages-dev" (dev = true); one package per (name, version), dev only when every
// occurrence is in packages-dev.
std::vector<inventory::Package> ParseComposerLock(std::string_view text, Problems& problems);

// Composer 1: a top-level array of packages; composer 2: {"packages": [...], "dev-package-names": [...]}.
std::vector<inventory::Package> ParseInstalledJson(std::string_view text, Problems& problems);

}  // namespace hullscan::analyze::php_internal
