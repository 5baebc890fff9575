// OSV "affected" evaluation (ossf/osv-schema docs/schema.md, section "Evaluation") on top of any version scheme.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "version/scheme.h"

namespace hullscan::version::osv {

enum class RangeType { kSemver, kEcosystem, kGit };

struct Event {
  enum class Kind { kIntroduced, kFixed, kLastAffected, kLimit };
  Kind kind = Kind::kIntroduced;
  std::string version;
  friend bool operator==(const Event&, const Event&) = default;
};

// affected[].ranges[]
struct Range {
  RangeType type = RangeType::kEcosystem;
  std::vector<Event> events;
  friend bool operator==(const Range&, const Range&) = default;
};

// affected[]: the ranges and the explicit versions list of one package.
struct Affected {
  std::vector<Range> ranges;
  std::vector<std::string> versions;
  friend bool operator==(const Affected&, const Affected&) = default;
};

// Whether `version` is affected: listed in `versions` (equal under the scheme), or inside any range. ECOSYSTEM
// ranges are evaluated with `scheme`; SEMVER ranges with SemVer 2.0 precedence (the "semver" scheme, which accepts
// a leading "v"), as the OSV schema defines them; GIT ranges name commits and never match a version. Events are
// sorted by version ("introduced": "0" first); "limit" events bound the range ("*" = no limit).
// Errors: an invalid installed version, or an event / listed version the scheme cannot parse.
Result<bool> IsAffected(const Scheme& scheme, std::string_view version, const Affected& affected);

}  // namespace hullscan::version::osv
