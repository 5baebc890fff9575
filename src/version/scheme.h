// Version schemes: parse, compare and constraint evaluation for every ecosystem hullscan matches.
//
// One Scheme object per ecosystem ordering (dpkg, rpm, apk, npm, pep440, maven, gem, go, cargo, nuget). The
// schemes are stateless singletons; FindScheme() hands out pointers that live for the whole program.
// Typed parsers (dpkg::Version, npm::SemVer, ...) live in the per-scheme headers next to this one for callers
// that want to parse once and compare many times.
//
// Invalid input is never "equal" and never a crash: every operation returns an Error (kInvalidArgument) that names
// the scheme and the offending string.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace hullscan::version {

class Scheme {
 public:
  virtual ~Scheme() = default;

  // Canonical scheme name ("dpkg", "rpm", "apk", "npm", "pep440", "maven", "gem", "go", "cargo", "nuget").
  virtual std::string_view Name() const = 0;

  // OK when `version` is a valid version string of this scheme.
  virtual Status Validate(std::string_view version) const = 0;

  // -1 when a < b, 0 when equal, 1 when a > b, in this scheme's ordering.
  virtual Result<int> Compare(std::string_view a, std::string_view b) const = 0;

  // Whether `version` satisfies `constraint`, written in the scheme's native constraint syntax (npm ranges,
  // PEP 440 specifier sets, Maven ranges, Gem requirements, Cargo requirements, NuGet ranges). Schemes without a
  // native syntax (dpkg, rpm, apk, go) accept comparator lists: "OP VERSION" terms joined by ',' (and), terms
  // groups joined by "||" (or); see docs/version-schemes.md.
  virtual Result<bool> Satisfies(std::string_view version, std::string_view constraint) const = 0;

  // OK when `constraint` parses.
  virtual Status ValidateConstraint(std::string_view constraint) const = 0;
};

// The scheme for a name or alias: "dpkg" ("deb", "debian"), "rpm", "apk" ("alpine"), "npm" ("semver"),
// "pep440" ("pypi"), "maven", "gem" ("rubygems"), "go" ("golang"), "cargo" ("crates.io"), "nuget".
// Case-insensitive. nullptr when unknown.
const Scheme* FindScheme(std::string_view name);

// The canonical names of all schemes, sorted.
std::vector<std::string_view> SchemeNames();

}  // namespace hullscan::version
