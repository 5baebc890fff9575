// Where signatures live: the registry (OCI distribution API) or an OCI image layout directory,
// behind one small interface, so signing and verifying code is written once.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "base/digest.h"
#include "base/status.h"
#include "net/registry.h"

namespace hullscan::sign {

struct StoredManifest {
  std::string media_type;
  Digest digest;
  std::string body;
};

class ArtifactStore {
 public:
  virtual ~ArtifactStore() = default;
  // "127.0.0.1:5000/team/app" or "oci:/path/layout": what messages and docker-reference call it.
  virtual std::string Describe() const = 0;
  // A manifest by tag or digest; NotFound when absent.
  virtual Result<StoredManifest> GetManifest(std::string_view reference) = 0;
  // A small blob, verified against its digest.
  virtual Result<std::string> GetBlob(const Digest& digest, uint64_t max_bytes) = 0;
  virtual Status PutBlob(const Digest& digest, std::string_view content) = 0;
  // Stores a manifest and, when `tag` is not empty, points the tag at it. Returns its digest.
  virtual Result<Digest> PutManifest(std::string_view tag, std::string_view media_type, std::string_view body) = 0;
  // The OCI 1.1 referrers of `subject` as an image index JSON (an empty index when none; the
  // layout store scans its index.json and blobs for manifests whose subject is `subject`).
  virtual Result<std::string> GetReferrers(const Digest& subject, std::string_view artifact_type) = 0;
};

// A repository of a registry, through a client (which holds auth and TLS settings).
std::unique_ptr<ArtifactStore> NewRegistryStore(std::shared_ptr<net::RegistryClient> client, std::string repository);
// An OCI image layout directory (created on first write when missing? no: must exist).
Result<std::unique_ptr<ArtifactStore>> OpenLayoutStore(const std::filesystem::path& dir);

}  // namespace hullscan::sign
