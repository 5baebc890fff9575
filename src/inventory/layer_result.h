// LayerResult: what the analyzers found in one layer. The central, serialisable per-layer type;
// Squash() merges a stack of them into an Inventory as a pure function.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "inventory/package.h"

namespace hullscan::inventory {

// The packages recorded in one package-database file (var/lib/dpkg/status, one status.d/ file,
// lib/apk/db/installed, var/lib/rpm/rpmdb.sqlite, …). A later layer that rewrites the file
// replaces the whole list, which is how package managers behave.
struct PackageDb {
  std::string path;      // the database file, relative to the root
  std::string analyzer;  // which analyzer read it, e.g. "dpkg"
  std::vector<Package> packages;  // location.path set; location.layer_diff_id left empty
  friend auto operator<=>(const PackageDb&, const PackageDb&) = default;
};

// Files a package owns according to a per-package list file (dpkg's info/<pkg>.list).
struct OwnedFiles {
  std::string path;     // the list file
  std::string package;  // package name, as the list file names it (may carry ":arch")
  std::vector<std::string> files;  // relative to the root, sorted
  friend auto operator<=>(const OwnedFiles&, const OwnedFiles&) = default;
};

struct LayerResult {
  std::string diff_id;  // "sha256:…"; empty for a rootfs directory
  // Distro-identifying files (etc/os-release, etc/alpine-release, …) with their content; the
  // distro is decided on the merged view, because a layer may change only one of them.
  std::map<std::string, std::string> os_files;
  std::vector<PackageDb> package_dbs;
  std::vector<OwnedFiles> owned_files;
  // Whiteouts in this layer: paths deleted, and directories made opaque (their lower content
  // hidden). Both apply to lower layers only.
  std::vector<std::string> whiteouts;
  std::vector<std::string> opaque_dirs;
  std::vector<Diagnostic> diagnostics;

  friend bool operator==(const LayerResult&, const LayerResult&) = default;
};

}  // namespace hullscan::inventory
