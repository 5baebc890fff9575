// OSV range evaluation. The algorithm follows the pseudocode of the OSV schema ("Evaluation"):
//
//   IncludedInRanges(v, ranges): for range in ranges: if BeforeLimits(v, range):
//       vulnerable = false
//       for evt in sorted(range.events):
//         if evt.introduced is present && v >= evt.introduced: vulnerable = true
//         else if evt.fixed is present && v >= evt.fixed: vulnerable = false
//         else if evt.last_affected is present && v > evt.last_affected: vulnerable = false
//       if vulnerable: return true
//   BeforeLimits(v, range): true without limit events, else true when v < some limit.
#include "version/osv_range.h"

#include <algorithm>

#include "version/internal/util.h"

namespace hullscan::version::osv {
namespace {

bool IsZeroIntroduced(const Event& e) { return e.kind == Event::Kind::kIntroduced && e.version == "0"; }

Result<bool> IncludedInRange(const Scheme& scheme, std::string_view v, const Range& range) {
  // BeforeLimits
  bool has_limit = false, before_limit = false;
  for (const Event& e : range.events) {
    if (e.kind != Event::Kind::kLimit) continue;
    has_limit = true;
    if (e.version == "*") {
      before_limit = true;
      continue;
    }
    HS_ASSIGN_OR_RETURN(int c, scheme.Compare(v, e.version));
    if (c < 0) before_limit = true;
  }
  if (has_limit && !before_limit) return false;

  // Validate every event version once, then sort by version with introduced "0" lowest.
  std::vector<const Event*> events;
  for (const Event& e : range.events) {
    if (e.kind == Event::Kind::kLimit) continue;
    if (!IsZeroIntroduced(e)) HS_TRY_CTX(scheme.Validate(e.version), "OSV event");
    events.push_back(&e);
  }
  std::stable_sort(events.begin(), events.end(), [&](const Event* a, const Event* b) {
    bool za = IsZeroIntroduced(*a), zb = IsZeroIntroduced(*b);
    if (za || zb) return za && !zb;
    auto c = scheme.Compare(a->version, b->version);
    return c.ok() && *c < 0;
  });

  bool vulnerable = false;
  for (const Event* e : events) {
    switch (e->kind) {
      case Event::Kind::kIntroduced: {
        if (IsZeroIntroduced(*e)) {
          vulnerable = true;
        } else {
          HS_ASSIGN_OR_RETURN(int c, scheme.Compare(v, e->version));
          if (c >= 0) vulnerable = true;
        }
        break;
      }
      case Event::Kind::kFixed: {
        HS_ASSIGN_OR_RETURN(int c, scheme.Compare(v, e->version));
        if (c >= 0) vulnerable = false;
        break;
      }
      case Event::Kind::kLastAffected: {
        HS_ASSIGN_OR_RETURN(int c, scheme.Compare(v, e->version));
        if (c > 0) vulnerable = false;
        break;
      }
      case Event::Kind::kLimit:
        break;
    }
  }
  return vulnerable;
}

}  // namespace

Result<bool> IsAffected(const Scheme& scheme, std::string_view version, const Affected& affected) {
  HS_TRY(scheme.Validate(version));
  for (const std::string& listed : affected.versions) {
    auto c = scheme.Compare(version, listed);
    if (c.ok() ? *c == 0 : listed == version) return true;
  }
  const Scheme* semver = FindScheme("semver");
  for (const Range& range : affected.ranges) {
    if (range.type == RangeType::kGit) continue;
    const Scheme& s = range.type == RangeType::kSemver ? *semver : scheme;
    HS_ASSIGN_OR_RETURN(bool in, IncludedInRange(s, version, range));
    if (in) return true;
  }
  return false;
}

}  // namespace hullscan::version::osv
