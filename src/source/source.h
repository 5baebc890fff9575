// Image sources: where an image's manifest, config and layer blobs come from. A source resolves
// a target to one image (selecting the platform from an index), verifies the metadata it reads
// against the digests that name it, and opens layer blobs as streams; the layer module verifies
// the blobs themselves while they are read.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/digest.h"
#include "base/status.h"
#include "inventory/inventory.h"
#include "io/reader.h"
#include "net/registry.h"
#include "oci/image.h"

namespace hullscan::source {

enum class TargetKind {
  kDockerArchive,  // `docker save` / skopeo docker-archive tarball
  kOciArchive,     // an OCI image layout packed in a tar
  kOciLayout,      // an OCI image layout directory
  kRootfs,         // a plain root filesystem directory
  kRegistry,       // an image in an OCI registry, pulled over the distribution API
};
std::string_view TargetKindName(TargetKind kind);

struct Target {
  TargetKind kind = TargetKind::kDockerArchive;
  std::string path;  // empty for kRegistry
  // Tag / ref name selecting one image in a multi-image archive or layout; for kRegistry the
  // image reference ("docker.io/library/alpine:3.20", fully qualified).
  std::string ref;
  std::string display_name;  // what reports call the artifact
};

// Parses a target as Trivy, Grype and skopeo write them: "docker-archive:FILE[:ref]",
// "oci-archive:FILE[:ref]", "oci:DIR[:ref]", "dir:PATH", "rootfs:PATH", "docker://REF" or
// "registry:REF" (a registry image), or a bare text: a path whose kind is detected from its
// content (a directory with oci-layout, a tar with manifest.json or oci-layout, any other
// directory is a rootfs), else, when it parses as an image reference, a registry image.
Result<Target> ParseTarget(std::string_view text);

// One layer of an image, in manifest order (lowest first).
struct LayerBlob {
  std::optional<Digest> digest;  // digest of the blob as stored (absent in docker-archive)
  Digest diff_id;                // digest of the uncompressed tar, from the image config
  std::string media_type;
  int64_t size = -1;             // blob size in bytes, -1 when the source does not know it
  std::string created_by;        // the history step that made the layer
};

class Image {
 public:
  virtual ~Image() = default;
  const inventory::Artifact& artifact() const { return artifact_; }
  const oci::ImageConfig& config() const { return config_; }
  const std::vector<LayerBlob>& layers() const { return layers_; }
  // The raw stored bytes of layer `index` (possibly compressed), unverified: callers verify
  // against layers()[index].digest and diff_id as they stream it.
  virtual Result<std::unique_ptr<io::Reader>> OpenLayer(size_t index) const = 0;

 protected:
  inventory::Artifact artifact_;
  oci::ImageConfig config_;
  std::vector<LayerBlob> layers_;
};

struct OpenOptions {
  // The platform to select from a multi-platform index; default: the host's.
  std::optional<oci::Platform> platform;
  // Registry images: how to connect (auth, TLS), or a client to share (a sweep of a registry
  // reuses one client, its connections and tokens, for every image of that registry).
  net::RegistryOptions registry;
  std::shared_ptr<net::RegistryClient> registry_client;
};

// Opens an image target (not a rootfs). Every metadata blob read on the way (manifest, config)
// is verified against its digest; mismatches are DigestMismatch errors naming the blob.
Result<std::unique_ptr<Image>> OpenImage(const Target& target, const OpenOptions& options);

}  // namespace hullscan::source
