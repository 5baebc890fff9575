// The name, version and licences of a *.gemspec (Ruby source). Read like Trivy does, line by line:
// the block variable of `Gem::Specification.new do |s|`, then `s.name = "…"`, `s.version = "…"`
// (also `Gem::Version.new("…")` and a constant assigned in the same file), `s.license = "…"` and
// `s.licenses = [...]`. String values may carry `.freeze`.
#pragma once

#include <optional>
#include <string_view>

#include "base/problems.h"
#include "inventory/package.h"

namespace hullscan::analyze::ruby_internal {

// nullopt (and a problem) when the file has no specification block or no literal name/version.
std::optional<inventory::Package> ParseGemspec(std::string_view text, Problems& problems);

}  // namespace hullscan::analyze::ruby_internal
