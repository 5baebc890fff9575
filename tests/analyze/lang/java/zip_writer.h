// A minimal zip writer for tests: builds hostile archives (traversal names, deep nesting, bombs)
// in memory, which no zip tool writes on request.
#pragma once

#include <string>
#include <vector>

namespace hullscan::analyze::testing_zip {

struct Entry {
  std::string name;
  std::string data;
  bool deflate = false;
};

std::string MakeZip(const std::vector<Entry>& entries);

}  // namespace hullscan::analyze::testing_zip
