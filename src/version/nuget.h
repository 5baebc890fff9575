// NuGet versions (NuGet.Versioning NuGetVersion: SemVer 2 plus legacy 4-part versions) and version ranges.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/status.h"

namespace hullscan::version::nuget {

struct Version {
  uint32_t major = 0, minor = 0, patch = 0, revision = 0;
  int parts = 0;                 // how many numeric parts were written (1..4)
  std::string_view release;      // prerelease label without '-'
  std::string_view metadata;     // without '+'
};

// NuGetVersion.TryParse: 1 to 4 dot-separated numbers (0..2^31-1, leading zeros allowed), optional -label
// (dot-separated [0-9A-Za-z-] identifiers) and +metadata.
Result<Version> Parse(std::string_view s);
// VersionComparer.Default: numbers (missing = 0), a release sorts after its prereleases, labels compared per
// identifier (numeric numerically and before alphanumeric; alphanumeric case-insensitively); metadata ignored.
int Compare(const Version& a, const Version& b);
// Normalised string: leading zeros dropped, at least 3 parts, the 4th only when non-zero, metadata dropped.
std::string Normalize(const Version& v);

// A version range in NuGet's interval notation: "1.0" (>= 1.0), "[1.0]", "(1.0,)", "[1.0,2.0)", "(,2.0]", and the
// floating forms "*", "1.*", "1.0.*" (lower bound only, as VersionRange.Satisfies evaluates them).
class Range {
 public:
  static Result<Range> Parse(std::string_view s);
  bool Satisfies(const Version& v) const;

 private:
  // Bounds as owned text (parsed on use, so a moved Range never holds dangling views); empty = unbounded.
  std::string min_text_, max_text_;
  bool min_inclusive_ = false, max_inclusive_ = false;
};

}  // namespace hullscan::version::nuget
