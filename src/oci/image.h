// OCI image-spec and Docker image types: descriptors, manifests, indexes, image configs, and
// platforms — parsed strictly from untrusted JSON into plain structs.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/digest.h"
#include "base/status.h"

namespace hullscan::oci {

namespace media_type {
inline constexpr std::string_view kOciManifest = "application/vnd.oci.image.manifest.v1+json";
inline constexpr std::string_view kOciIndex = "application/vnd.oci.image.index.v1+json";
inline constexpr std::string_view kOciConfig = "application/vnd.oci.image.config.v1+json";
inline constexpr std::string_view kDockerManifest = "application/vnd.docker.distribution.manifest.v2+json";
inline constexpr std::string_view kDockerManifestList = "application/vnd.docker.distribution.manifest.list.v2+json";
inline constexpr std::string_view kDockerConfig = "application/vnd.docker.container.image.v1+json";
}  // namespace media_type

struct Platform {
  std::string os;
  std::string architecture;
  std::string variant;
  std::string os_version;

  // "linux/amd64", "linux/arm64/v8", "linux/arm/v7"; architecture aliases are normalised
  // (x86_64 → amd64, aarch64 → arm64) as containerd does.
  static Result<Platform> Parse(std::string_view text);
  // The platform of the machine hullscan runs on.
  static Platform Host();
  std::string ToString() const;
  // True when an image for `*this` satisfies a request for `wanted` (an empty variant in
  // `wanted` accepts any; arm64's default variant is v8).
  bool Satisfies(const Platform& wanted) const;
  friend auto operator<=>(const Platform&, const Platform&) = default;
};

struct Descriptor {
  std::string media_type;
  Digest digest;
  int64_t size = 0;
  std::optional<Platform> platform;
  std::map<std::string, std::string> annotations;
};

struct Manifest {
  std::string media_type;
  Descriptor config;
  std::vector<Descriptor> layers;
  std::map<std::string, std::string> annotations;
};

struct Index {
  std::string media_type;
  std::vector<Descriptor> manifests;
  std::map<std::string, std::string> annotations;
};

struct HistoryEntry {
  std::string created;
  std::string created_by;
  std::string comment;
  bool empty_layer = false;
};

// The runtime part of an image config ("config" in the JSON).
struct ContainerConfig {
  std::string user;
  std::vector<std::string> env;
  std::vector<std::string> entrypoint;
  std::vector<std::string> cmd;
  std::string working_dir;
  std::map<std::string, std::string> labels;
  std::vector<std::string> exposed_ports;
  std::vector<std::string> volumes;
  std::vector<std::string> healthcheck_test;  // empty when there is no HEALTHCHECK
};

struct ImageConfig {
  std::string architecture;
  std::string os;
  std::string variant;
  std::string created;
  std::vector<Digest> diff_ids;
  std::vector<HistoryEntry> history;
  ContainerConfig config;
};

// Whether a JSON document is a single-image manifest or an index (manifest list); decided from
// mediaType when present, else from its shape.
enum class ManifestKind { kManifest, kIndex };
Result<ManifestKind> DetectManifestKind(std::string_view json);

Result<Manifest> ParseManifest(std::string_view json);
Result<Index> ParseIndex(std::string_view json);
Result<ImageConfig> ParseImageConfig(std::string_view json);

// The descriptor for `wanted` in an index (manifests only, attestation manifests skipped), or a
// NotFound error listing the platforms the index offers.
Result<Descriptor> SelectPlatform(const Index& index, const Platform& wanted);

// Limits for metadata documents: manifests, indexes and configs are small; refuse monsters.
inline constexpr uint64_t kMaxManifestBytes = 4 << 20;
inline constexpr uint64_t kMaxConfigBytes = 16 << 20;

}  // namespace hullscan::oci
