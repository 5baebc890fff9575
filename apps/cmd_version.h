// `hullscan version compare|satisfies`: the version schemes on the command line.
#pragma once

#include <ostream>
#include <string>

namespace hullscan::apps {

// Prints "<", "=" or ">" and returns 0; on an unknown scheme or an invalid version prints the reason to `err` and
// returns 2.
int RunVersionCompare(const std::string& scheme, const std::string& a, const std::string& b, std::ostream& out,
                      std::ostream& err);

// Prints "true" or "false" and returns 0; on an unknown scheme, an invalid version or an invalid constraint prints
// the reason to `err` and returns 2.
int RunVersionSatisfies(const std::string& scheme, const std::string& version, const std::string& constraint,
                        std::ostream& out, std::ostream& err);

}  // namespace hullscan::apps
