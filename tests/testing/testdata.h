// Helpers for tests: where the shared real-world test data lives, and small file utilities.
#pragma once

#include <filesystem>
#include <string>

namespace hullscan::testing {

// ../shared next to the checkout (testdata/, vulndata/, tools/, schemas/); the environment
// variable HULLSCAN_SHARED_DIR overrides it.
std::filesystem::path SharedDir();
inline std::filesystem::path TestData() { return SharedDir() / "testdata"; }
std::filesystem::path SourceDir();  // the project checkout
std::filesystem::path BinaryDir();  // the CMake build tree

// The real peer tools (Trivy, cosign, skopeo with sigstore, Notation, crane, oras) that
// ../shared/tools/peer-tools.sh unpacks: $PEERS (scripts/test sets it), else build/peers of the
// checkout. PeerTool("cosign2") is $PEERS/bin/cosign2, or an empty path when it is not there
// (tests then skip, naming the tool and how to get it).
std::filesystem::path PeersDir();
std::filesystem::path PeerTool(const std::string& name);

// The whole file, or a test failure (and an empty string) when it cannot be read.
std::string ReadFileOrFail(const std::filesystem::path& path);

// A fresh empty directory under the system temp dir, removed when the object dies.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace hullscan::testing
