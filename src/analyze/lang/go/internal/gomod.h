// go.mod and go.sum, re-implemented from the file formats the go command documents
// (https://go.dev/ref/mod#go-mod-file, #go-sum-files). Lenient: a malformed line becomes a problem
// and parsing continues with the next one.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/problems.h"
#include "inventory/package.h"

namespace hullscan::analyze::go_internal {

struct GoModRequire {
  std::string path;
  std::string version;
  bool indirect = false;  // "// indirect"
  size_t line = 0;
};

struct GoModReplace {
  std::string old_path;
  std::string old_version;  // empty: every version of old_path is replaced
  std::string new_path;     // a module path, or a directory ("./fork", "../x", "/abs")
  std::string new_version;  // empty for a directory
  size_t line = 0;
};

struct GoMod {
  std::string module;
  std::string go_version;  // the `go` line: "1.16", "1.22.0"; empty when absent
  std::string toolchain;   // the `toolchain` line: "go1.22.5", "go1.23.6-xyz"; empty when absent
  std::vector<GoModRequire> requirements;
  std::vector<GoModReplace> replaces;
};

// `exclude`, `retract`, `godebug`, `tool` and `ignore` directives are read and dropped: none of
// them changes which module versions a build uses (exclude only matters to version selection,
// which the requirements already record).
GoMod ParseGoMod(std::string_view text, Problems& problems);

struct GoSumEntry {
  std::string path;
  std::string version;  // "/go.mod" suffix removed
  // Only the module's go.mod was hashed ("v1.2.3/go.mod h1:…"): the go command read it during
  // version selection, but the module's code is not part of the build.
  bool go_mod_only = false;
  size_t line = 0;
};
std::vector<GoSumEntry> ParseGoSum(std::string_view text, Problems& problems);

// True when the module's `go` line is below 1.17 (or missing: the go command then assumes 1.16).
// Before 1.17 go.mod lists only direct requirements; the rest of the build list is in go.sum.
bool ListsOnlyDirectRequirements(const GoMod& mod);

// The modules a build of this go.mod uses, one kGolang package per (name, version), sorted:
// requirements with replace directives applied (a version-specific replacement wins over a
// module-wide one; a directory replacement drops the module: its code is a local copy with no
// version to match); the toolchain as "stdlib" (the `toolchain` line, else the `go` line), and,
// when `sum` is given and the module lists only direct requirements, the modules whose code go.sum
// hashes (one version each, the last listed) as further, indirect, dependencies. The module itself
// is the project being scanned, not a dependency, and is not reported.
std::vector<inventory::Package> GoModPackages(const GoMod& mod, const std::vector<GoSumEntry>* sum);

// The "stdlib" version for a `toolchain` name or a `go` line version: "go1.22.5" → "v1.22.5",
// "go1.23.6-xyz" (custom suffix) → "v1.23.6", "1.17" → "v1.17.0". Empty when not a release.
std::string StdlibVersionOfGoMod(std::string_view toolchain_or_go_version);

}  // namespace hullscan::analyze::go_internal
