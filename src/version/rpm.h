// RPM versions: [epoch:]version[-release], compared with rpmvercmp() per part.
#pragma once

#include <cstdint>
#include <string_view>

#include "base/status.h"

namespace hullscan::version::rpm {

// A parsed EVR; views point into the parsed string.
struct Evr {
  uint32_t epoch = 0;
  bool has_epoch = false;
  std::string_view version;
  std::string_view release;
  bool has_release = false;
};

// Splits like librpm's rpmverParse(): a leading run of digits followed by ':' is the epoch, the text after the last
// '-' is the release. Errors: empty input, whitespace or control characters, an epoch above 2^32-1, an empty
// version or an empty release after '-'.
Result<Evr> Parse(std::string_view s);

// librpm's rpmverCmp(): epoch numerically (absent = 0), then version and release with rpmvercmp(); a missing
// release sorts before a present one (as rpmverCmp does).
int Compare(const Evr& a, const Evr& b);

// rpmvercmp() from rpmio/rpmvercmp.c: alphanumeric segments, '~' sorts before everything (even the end), '^'
// sorts after the end but before anything else. -1/0/1. Stops at a NUL byte as the C function does.
int Vercmp(std::string_view a, std::string_view b);

}  // namespace hullscan::version::rpm
