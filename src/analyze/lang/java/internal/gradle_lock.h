// gradle.lockfile (Gradle dependency locking): "group:artifact:version=configuration,…" lines.
#pragma once

#include <string_view>
#include <vector>

#include "base/problems.h"
#include "inventory/package.h"

namespace hullscan::analyze::java_internal {

// Comments (#), blank lines and the "empty=" line are skipped; a line that is not
// group:artifact:version is a problem. location.path is left for the caller.
std::vector<inventory::Package> ParseGradleLockfile(std::string_view text, Problems& problems);

}  // namespace hullscan::analyze::java_internal
