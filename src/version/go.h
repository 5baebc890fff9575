// Go module versions with golang.org/x/mod/semver semantics (v prefix, shorthands v1 / v1.2, +incompatible and
// other build metadata ignored, pseudo-versions ordered as the prereleases they are).
#pragma once

#include <string>
#include <string_view>

namespace hullscan::version::go {

// semver.IsValid: "v" MAJOR[.MINOR[.PATCH[-PRE][+BUILD]]] (shorthands allow no prerelease/build).
bool IsValid(std::string_view v);
// semver.Canonical: "vM.m.p[-pre]" or "" for an invalid version.
std::string Canonical(std::string_view v);
// semver.Compare: invalid versions compare equal to each other and less than every valid version.
int CompareModSemver(std::string_view a, std::string_view b);
// module.IsPseudoVersion: vX.0.0-yyyymmddhhmmss-abcdefabcdef, vX.Y.Z-pre.0.yyyymmddhhmmss-abcdefabcdef,
// vX.Y.(Z+1)-0.yyyymmddhhmmss-abcdefabcdef (optionally +incompatible).
bool IsPseudoVersion(std::string_view v);

}  // namespace hullscan::version::go
