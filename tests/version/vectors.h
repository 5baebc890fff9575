// Loading the shared version vectors (/work/shared/testdata/versions) for the version tests.
#pragma once

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "version/scheme.h"

namespace hullscan::version::testing {

struct Row {
  std::string file;                // path relative to testdata/versions
  int line = 0;                    // 1-based line in the file
  std::vector<std::string> cells;  // unescaped cells
  const std::string& operator[](size_t i) const;
  std::string Where() const;       // "file:line: cell|cell|..."
};

// The data rows of a TSV file (header skipped). `escaped`: the file uses \t \n \r \\ escapes.
std::vector<Row> LoadTsv(const std::string& rel_path, bool escaped = false);
// One value per non-empty line.
std::vector<std::string> LoadLines(const std::string& rel_path);
nlohmann::json LoadJson(const std::string& rel_path);

// Expected-ordering string ("-1", "0", "1") to int.
int ExpectedOrder(const std::string& s);

// Property check: Compare() is a total order on `versions` (reflexive, antisymmetric, transitive over all triples).
void ExpectTotalOrder(const Scheme& scheme, const std::vector<std::string>& versions);

}  // namespace hullscan::version::testing
