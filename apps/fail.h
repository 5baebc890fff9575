// How every command reports an error: one line on stderr, exit code 2.
#pragma once

#include <iostream>

#include "base/status.h"

namespace hullscan::apps {

inline constexpr int kExitError = 2;

inline int Fail(const Error& e) {
  std::cerr << "hullscan: error (" << ErrorCodeName(e.code()) << "): " << e.message() << "\n";
  return kExitError;
}

}  // namespace hullscan::apps
