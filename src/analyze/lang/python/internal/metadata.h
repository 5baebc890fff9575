// Core metadata of an installed Python distribution (PKG-INFO / METADATA): RFC 822-style headers.
#pragma once

#include <optional>
#include <string_view>

#include "base/problems.h"
#include "inventory/package.h"

namespace hullscan::analyze::python_internal {

// A kPypi package with name (as written), version and licences, or nullopt (and a problem) when the
// headers have no Name or no Version. Licences: License-Expression, else the last part of each
// "License :: …" classifier, else License (unless empty, "UNKNOWN" or a whole licence text).
std::optional<inventory::Package> ParseMetadata(std::string_view text, Problems& problems);

}  // namespace hullscan::analyze::python_internal
