// Cargo (Rust "semver" crate 1.x) versions and requirements.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace hullscan::version::cargo {

struct Version {
  uint64_t major = 0, minor = 0, patch = 0;
  std::string_view pre;    // without '-'
  std::string_view build;  // without '+'
};

// Version::parse: strict MAJOR.MINOR.PATCH (no leading zeros, no whitespace), optional -pre and +build.
Result<Version> Parse(std::string_view s);
// Ord for Version: major, minor, patch, pre (none > some), then build metadata (the crate orders it too).
int Compare(const Version& a, const Version& b);

enum class Op { kExact, kGreater, kGreaterEq, kLess, kLessEq, kTilde, kCaret, kWildcard };

struct Comparator {
  Op op = Op::kCaret;
  uint64_t major = 0;
  std::optional<uint64_t> minor, patch;
  std::string pre;
};

class VersionReq {
 public:
  // VersionReq::parse: comma-separated comparators; "*" (alone) is STAR; a bare version is a caret requirement.
  static Result<VersionReq> Parse(std::string_view s);
  bool Matches(const Version& v) const;
  // Display: "^1.0.0", ">=1.0.0, <2.0.0", "0.*", "*".
  std::string ToString() const;
  const std::vector<Comparator>& comparators() const { return comparators_; }

 private:
  std::vector<Comparator> comparators_;
};

}  // namespace hullscan::version::cargo
