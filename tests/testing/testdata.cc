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

std::filesystem::path PeersDir() {
  const char* env = std::getenv("PEERS");
  return env != nullptr && *env != '\0' ? std::filesystem::path(env) : SourceDir() / "build" / "peers";
}

std::filesystem::path PeerTool(const std::string& name) {
  std::filesystem::path p = PeersDir() / "bin" / name;
  return std::filesystem::exists(p) ? p : std::filesystem::path();
}

}  // namespace hullscan::testing
