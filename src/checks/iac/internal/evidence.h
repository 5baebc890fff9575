// The `match` evidence of a finding: one line of the scanned file, bounded and made printable.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace hullscan::checks::iac::internal {

// At most this many bytes of a line go into Finding::match.
inline constexpr size_t kMaxMatchBytes = 200;

// `line` trimmed, cut to kMaxMatchBytes (on a UTF-8 boundary), control characters as '?'.
std::string PrintableLine(std::string_view line);

// The first of lines[first-1 .. last-1] (1-based, inclusive) that contains `needle` (ASCII
// case-insensitive), else line `first`; printable. Empty when `first` is out of range.
std::string EvidenceLine(const std::vector<std::string>& lines, int first, int last, std::string_view needle);

}  // namespace hullscan::checks::iac::internal
