// package.json of an installed npm package.
#pragma once

#include <optional>
#include <string_view>

#include "base/problems.h"
#include "inventory/package.h"

namespace hullscan::analyze::npm_internal {

// A kNpm package (name, version, licences from "license" / legacy "licenses"), or nullopt when the
// file does not describe a package: no name or version (a nested package.json that only sets
// "type": "module"), a VS Code extension or Unity package manifest, or (with a problem) text that
// is not a JSON object or a name npm would not accept.
std::optional<inventory::Package> ParsePackageJson(std::string_view text, Problems& problems);

// npm's rules for package names (validate-npm-package-name, legacy names with capitals allowed):
// "name" or "@scope/name", URL-safe characters, not starting with '.' or '_', at most 214 bytes.
bool IsValidPackageName(std::string_view name);

}  // namespace hullscan::analyze::npm_internal
