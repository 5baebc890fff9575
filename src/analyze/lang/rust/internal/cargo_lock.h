// Cargo.lock (versions 1-4): the [[package]] array of tables.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace hullscan::analyze::rust_internal {

struct LockedPackage {
  std::string name;
  std::string version;
  std::string source;    // "registry+https://…", "git+https://…#rev"; empty for path (local) packages
  std::string checksum;  // sha256 of the .crate; v1 lockfiles keep it in [metadata] instead
};

// kCorrupt when the file is not TOML. Packages without name or version are skipped and counted in
// `skipped`; a file without [[package]] is an empty list.
Result<std::vector<LockedPackage>> ParseCargoLock(std::string_view text, int* skipped);

}  // namespace hullscan::analyze::rust_internal
