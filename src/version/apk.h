// Alpine (apk-tools) versions: digit{.digit}...{letter}{_suffix{N}}...{~hash}{-rN}.
#pragma once

#include <string_view>

#include "base/status.h"

namespace hullscan::version::apk {

// apk_version_validate(): true when apk-tools accepts `v` as a version.
bool IsValid(std::string_view v);

// apk_version_compare() exactly as apk-tools defines it, also for invalid strings (tokenising stops at the first
// invalid token). -1/0/1. The Scheme's Compare() rejects invalid versions instead.
int CompareRaw(std::string_view a, std::string_view b);

// apk_version_match(a, op, b) with the operator spelled as in a dependency: "<", "<=", "=", ">=", ">", "~"
// (fuzzy: b is a prefix of a), "<~", ">~", optionally prefixed by "!" (negation). Error for an unknown operator.
Result<bool> Match(std::string_view a, std::string_view op, std::string_view b);

}  // namespace hullscan::version::apk
