// Inventory: the bill of materials of one artifact (image, rootfs, directory) after the layers
// have been merged. Everything in it is sorted, so reports are byte-stable.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "inventory/layer_result.h"
#include "inventory/package.h"

namespace hullscan::inventory {

struct LayerInfo {
  std::string digest;      // blob digest (compressed), "sha256:…"
  std::string diff_id;     // uncompressed tar digest
  std::string media_type;
  int64_t size = 0;        // blob size in bytes
  std::string created_by;  // the history step that made it, when the config records one
  friend auto operator<=>(const LayerInfo&, const LayerInfo&) = default;
};

enum class ArtifactKind { kImage, kRootfs };

// One step of the image's build history (the config's "history").
struct HistoryStep {
  std::string created;
  std::string created_by;  // "/bin/sh -c #(nop) USER app", "RUN apt-get …"
  bool empty_layer = false;
  friend auto operator<=>(const HistoryStep&, const HistoryStep&) = default;
};

// What the image runs as and with: the runtime part of its config, for the configuration checks
// (checks/image). Never written to reports whole: ENV values may be secrets.
struct RuntimeConfig {
  bool present = false;  // false for a root filesystem or an SBOM
  std::string user;      // "", "root", "0:0", "app", "10001:10001"
  std::vector<std::string> env;  // "NAME=value"
  std::map<std::string, std::string> labels;
  std::vector<std::string> exposed_ports;  // "22/tcp"
  std::vector<std::string> volumes;
  std::vector<std::string> entrypoint;
  std::vector<std::string> cmd;
  std::string working_dir;
  std::vector<std::string> healthcheck;  // the HEALTHCHECK test; empty when there is none
  std::vector<HistoryStep> history;
  friend auto operator<=>(const RuntimeConfig&, const RuntimeConfig&) = default;
};

// What was scanned. For images, the identity a report must carry: digests, platform, layers.
struct Artifact {
  ArtifactKind kind = ArtifactKind::kImage;
  std::string name;             // as the user named it, e.g. "oci:build/img:latest", "/srv/rootfs"
  std::string manifest_digest;  // images only
  std::string config_digest;    // images only (the image ID)
  std::vector<std::string> repo_tags;
  std::string os;
  std::string architecture;
  std::string variant;
  std::string created;
  std::vector<LayerInfo> layers;
  // "registry/repo@sha256:…": the digest the reference resolved to in its registry (for a
  // multi-platform image, the index's), as `docker inspect` shows RepoDigests. Registry images only.
  std::vector<std::string> repo_digests;
  RuntimeConfig runtime;
  friend auto operator<=>(const Artifact&, const Artifact&) = default;
};

struct Inventory {
  Artifact artifact;
  std::optional<Distro> distro;
  std::vector<Package> packages;  // sorted by (type, name, version, arch, location)
  // The merged distro-identifying files, input to distro detection.
  std::map<std::string, std::string> os_files;
  std::vector<Diagnostic> diagnostics;  // sorted
  // Secrets in any layer's files, deleted or not, each with its layer; sorted.
  std::vector<SecretHit> secrets;
  // Notable files of the final filesystem (whiteouts applied), each with the layer that wrote it; sorted.
  std::vector<NotableFile> notable_files;
};

// Merges per-layer results, lowest layer first, into one inventory: a file rewritten by a later
// layer replaces the earlier one, whiteouts and opaque directories hide lower content, and each
// package is attributed to the lowest layer from which it has been present unchanged.
// Pure: the same layers always give the same inventory. `artifact` is copied in as given;
// distro and purls are left for the caller (they need the analyzers' distro detection).
Inventory Squash(const Artifact& artifact, std::span<const LayerResult> layers);

// Trivy's rule: a language package whose metadata file belongs to an OS package (Debian's
// python3-urllib3 ships urllib3's dist-info) is the OS package, already matched against the
// distro's advisories, which know its backported fixes; matching it again against the language
// feed would report fixed vulnerabilities. Removes such packages; returns how many.
size_t RemoveOsOwnedLanguagePackages(Inventory& inventory);

// npm: when a lockfile's directory also has an installed node_modules/ (the usual `COPY
// package-lock.json` then `RUN npm ci` in two layers), the installed packages are what the image
// runs; the lockfile's list would report them twice and add dev dependencies never installed.
// Removes the lockfile's packages in that case; returns how many.
size_t PreferInstalledNpmPackages(Inventory& inventory);

// Sorts packages and diagnostics into the canonical order.
void Canonicalize(Inventory& inventory);

}  // namespace hullscan::inventory
