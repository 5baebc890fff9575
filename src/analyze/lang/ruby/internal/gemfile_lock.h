// Gemfile.lock: the "specs:" lists of the GEM, GIT and PATH sections, one "    name (version)" line
// per locked gem (4-space indent; 6-space lines are that gem's dependencies). A platform suffix
// ("1.13.3-x86_64-linux") is dropped, as Trivy does: RubyGems versions never contain '-', and the
// advisories are keyed by the plain version.
#pragma once

#include <string_view>
#include <vector>

#include "base/problems.h"
#include "inventory/package.h"

namespace hullscan::analyze::ruby_internal {

// One package per (name, version), in order of first appearance.
std::vector<inventory::Package> ParseGemfileLock(std::string_view text, Problems& problems);

}  // namespace hullscan::analyze::ruby_internal
