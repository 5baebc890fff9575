// Debian (dpkg) versions: [epoch:]upstream[-revision], compared as dpkg --compare-versions does.
#pragma once

#include <cstdint>
#include <string_view>

#include "base/status.h"

namespace hullscan::version::dpkg {

// A parsed version; the views point into the parsed string (which must outlive this value).
struct Version {
  uint32_t epoch = 0;
  std::string_view upstream;
  std::string_view revision;  // empty when absent (compares equal to "0")
  bool has_epoch = false;
  bool has_revision = false;
};

// Parses like dpkg's parseversion(): surrounding whitespace is ignored; embedded whitespace, an empty or
// non-numeric or too big epoch, and an empty upstream/revision are errors. An upstream not starting with a digit
// and characters outside [A-Za-z0-9.+~-:] (upstream) / [A-Za-z0-9.+~] (revision) are only warnings in dpkg
// (dpkg --compare-versions still compares such versions): errors when strict, accepted when `lenient`.
Result<Version> Parse(std::string_view s, bool lenient = false);

// Three-way comparison of parsed versions (-1/0/1).
int Compare(const Version& a, const Version& b);

// dpkg's verrevcmp() on one part (upstream or revision): '~' < end < letters < other characters, digit runs
// numerically.
int ComparePart(std::string_view a, std::string_view b);

// Dpkg::Version's version_compare_string(): a character-by-character ordering ('~' < end < digits < letters <
// other), no numeric runs. Exposed for completeness of the Dpkg::Version vectors.
int CompareString(std::string_view a, std::string_view b);

}  // namespace hullscan::version::dpkg
