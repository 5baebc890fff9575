// LayerResult: what the analyzers found in one layer. The central, serialisable per-layer type;
// Squash() merges a stack of them into an Inventory as a pure function.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
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

// A secret found in the content of a file of a layer (checks/secret). Kept whatever the layers
// above do: a file deleted by a later layer still ships, secret and all, in this layer's blob.
struct SecretHit {
  std::string rule_id;   // "aws-access-key-id", "private-key", a custom rule's id
  std::string category;  // "AWS", "AsymmetricPrivateKey", "GitHub", …
  std::string title;     // "AWS Access Key ID"
  std::string severity;  // "CRITICAL", "HIGH", "MEDIUM", "LOW"
  std::string path;      // the file, relative to the root
  int line = 0;          // 1-based line of the match
  std::string match;     // the matching line, the secret itself masked with '*' (never the secret)
  std::string layer_diff_id;  // empty in a LayerResult; set by Squash
  friend auto operator<=>(const SecretHit&, const SecretHit&) = default;
};

// A file or directory a filesystem check looks at (checks/image): setuid or setgid, world-writable,
// or a leftover by name (.git/, id_rsa, *.pem, .env, .DS_Store). Squash applies whiteouts: the
// final filesystem is what counts, attributed to the layer that last wrote the path.
struct NotableFile {
  std::string path;
  char type = 'f';  // 'f' regular file, 'd' directory, 'l' symlink, 'h' hard link
  uint32_t mode = 0;  // permission bits incl. setuid/setgid/sticky
  int64_t uid = 0;
  int64_t gid = 0;
  std::string layer_diff_id;  // empty in a LayerResult; set by Squash
  friend auto operator<=>(const NotableFile&, const NotableFile&) = default;
};

struct LayerResult {
  std::string diff_id;  // "sha256:…"; empty for a rootfs directory
  // Small system files read whole and decided on the merged view of all layers, because a layer
  // may change only one of them: the distro-identifying files (etc/os-release, etc/alpine-release,
  // …; analyze/os) and the account databases etc/passwd, etc/group and etc/shadow (checks/image;
  // shadow's password hashes are replaced by markers before they get here, never stored).
  std::map<std::string, std::string> os_files;
  std::vector<PackageDb> package_dbs;
  std::vector<OwnedFiles> owned_files;
  // Whiteouts in this layer: paths deleted, and directories made opaque (their lower content
  // hidden). Both apply to lower layers only.
  std::vector<std::string> whiteouts;
  std::vector<std::string> opaque_dirs;
  std::vector<Diagnostic> diagnostics;
  std::vector<SecretHit> secrets;
  std::vector<NotableFile> notable_files;
  // PathHash of every path this layer writes, sorted — filled when an analyzer observes entries.
  // Lets Squash see that a later layer rewrote a notable file without its notable bits (the
  // hardening step `chmod u-s`), which recording notable files alone cannot show.
  std::vector<uint64_t> written_paths;

  friend bool operator==(const LayerResult&, const LayerResult&) = default;
};

// FNV-1a 64 of a path, for LayerResult::written_paths.
inline uint64_t PathHash(std::string_view path) {
  uint64_t h = 14695981039346656037ull;
  for (unsigned char c : path) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

}  // namespace hullscan::inventory
