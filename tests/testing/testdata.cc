#include "testing/testdata.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace hullscan::testing {

std::filesystem::path SharedDir() {
  if (const char* env = std::getenv("HULLSCAN_SHARED_DIR"); env && *env) return env;
  return std::filesystem::weakly_canonical(HULLSCAN_SHARED_DIR_DEFAULT);
}
std::filesystem::path SourceDir() { return HULLSCAN_SOURCE_DIR; }
std::filesystem::path BinaryDir() { return HULLSCAN_BINARY_DIR; }

std::string ReadFileOrFail(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    ADD_FAILURE() << "cannot read " << path;
    return {};
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TempDir::TempDir() {
  std::string tmpl = (std::filesystem::temp_directory_path() / "hullscan-test-XXXXXX").string();
  if (!mkdtemp(tmpl.data())) ADD_FAILURE() << "mkdtemp failed";
  path_ = tmpl;
}
TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

}  // namespace hullscan::testing
