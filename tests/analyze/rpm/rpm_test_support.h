// Shared helpers for the rpm analyzer tests: the real rpmdb cases under testdata/osdb/rpm/ and a
// way to run the analyzer on bytes.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "analyze/analyzer.h"
#include "analyze/rpm/internal/bytes.h"
#include "analyze/rpm/internal/header.h"
#include "inventory/layer_result.h"

namespace hullscan::analyze::rpm_test {

// One case directory: testdata/osdb/rpm/<name>/ with expected.json and the database it names.
struct RpmCase {
  std::string name;
  std::filesystem::path dir;
  nlohmann::json expected;
  std::string input;    // the database path relative to the case dir (= image root), e.g. "var/lib/rpm/Packages"
  std::string backend;  // "bdb", "ndb" or "sqlite"
  std::string bytes;    // the database file's content
};

std::filesystem::path RpmCasesDir();
// The names of all case directories that hold an expected.json, sorted.
std::vector<std::string> RpmCaseNames();
// The cases for which `keep` holds (so that tests are instantiated only where they apply,
// instead of being skipped at run time).
std::vector<std::string> RpmCaseNamesWhere(bool (*keep)(const RpmCase&));
RpmCase LoadRpmCase(const std::string& name);
// A gtest parameter name for a case ("bdb-empty" -> "bdb_empty").
std::string CaseTestName(const ::testing::TestParamInfo<std::string>& param);

// Runs the rpm analyzer on one file as if a layer held it at `path`.
inventory::LayerResult AnalyzeOne(const std::string& path, std::string content);

inline rpm_internal::Bytes AsBytes(const std::string& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

// Every header blob the backend reader reports (id, blob), and the problems it reports.
struct RawRecords {
  std::vector<std::pair<uint32_t, std::string>> headers;
  std::vector<std::string> problems;
  bool ok = true;  // the reader's own return status
};
RawRecords ReadRecords(const std::string& backend, const std::string& bytes);

}  // namespace hullscan::analyze::rpm_test
