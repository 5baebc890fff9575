// npm semver (node-semver 7.x): versions, comparison, ranges (^ ~ x-ranges || hyphen), loose and
// includePrerelease options.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace hullscan::version::npm {

struct Options {
  bool loose = false;               // node-semver {loose: true}
  bool include_prerelease = false;  // node-semver {includePrerelease: true}
};

// A parsed version. `prerelease` and `build` are the dot-joined identifiers without the leading '-' / '+', as views
// into the parsed string.
struct SemVer {
  uint64_t major = 0, minor = 0, patch = 0;
  std::string_view prerelease;
  std::string_view build;
};

// new SemVer(s, options): at most 256 characters, surrounding whitespace ignored, an optional "v" (strict) or any run
// of "v", "=" and whitespace (loose) before MAJOR.MINOR.PATCH; numbers at most 2^53-1.
Result<SemVer> Parse(std::string_view s, Options options = {});

// SemVer.compare: main version, then prerelease (a version without one is greater); build metadata is ignored.
int Compare(const SemVer& a, const SemVer& b);

// SemVer.version: "M.m.p[-pre]" with numeric prerelease identifiers normalised (loose "01" -> "1").
std::string Format(const SemVer& v);

// A comparator of a desugared range: op is "", "<", "<=", ">", ">=" ("" = equal); any == true for the empty
// comparator that matches everything.
struct Comparator {
  std::string op;
  bool any = false;
  uint64_t major = 0, minor = 0, patch = 0;
  std::string prerelease;
  SemVer semver() const { return SemVer{major, minor, patch, prerelease, {}}; }
  std::string Value() const;  // node-semver comparator.value, e.g. ">=1.2.3-0"
};

class Range {
 public:
  // new Range(text, options): throws (here: returns an error) when no alternative is a valid comparator set.
  static Result<Range> Parse(std::string_view text, Options options = {});

  // range.test(version) with node-semver's prerelease rule: a prerelease version only matches when some comparator
  // of the same alternative has a prerelease on the same MAJOR.MINOR.PATCH (unless include_prerelease).
  bool Test(const SemVer& v) const;
  // The canonical string (range.range; "" means any, validRange() shows it as "*").
  std::string ToString() const;
  // outside(version, range, '>' or '<'): gtr / ltr.
  bool Outside(const SemVer& v, char hilo) const;

  const std::vector<std::vector<Comparator>>& set() const { return set_; }
  Options options() const { return options_; }

 private:
  std::vector<std::vector<Comparator>> set_;
  Options options_;
};

// satisfies(version, range, options): false when the version does not parse (as node-semver does); an error only
// for an invalid range.
Result<bool> Satisfies(std::string_view version, std::string_view range, Options options = {});

}  // namespace hullscan::version::npm
