// OCI Distribution API client (https://github.com/opencontainers/distribution-spec) over libcurl.
//
// One RegistryClient per registry host, shared by threads: blobs of one image are fetched in
// parallel. Authentication follows the registry's challenge (WWW-Authenticate on /v2/):
// anonymous, Basic, or the Bearer token flow (token fetched from the realm for
// "repository:<repo>:pull[,push]", cached per scope until it expires, fetched again on a 401 with
// another scope). Credentials come from net/credentials.h.
//
// Transport policy: HTTPS with the system CA store (or `ca_file`); `insecure` skips verification
// for this registry only; plain HTTP only for loopback hosts (tried after HTTPS fails to
// handshake) or when `plain_http` is set. Retries as net/http.h (connection failures, 429, 5xx,
// Retry-After). Redirects are followed (blob storage); the Authorization header is never sent to
// another host. No URL with a token, no credential and no token appears in a message or a log line.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/digest.h"
#include "base/status.h"
#include "io/reader.h"
#include "net/credentials.h"

namespace hullscan::net {

struct RegistryOptions {
  CredentialSources credentials;
  std::string ca_file;      // PEM bundle to trust instead of the system store (--cacert)
  bool insecure = false;    // skip TLS verification and allow plain HTTP for this registry (--insecure)
  bool plain_http = false;  // talk HTTP, never HTTPS (--plain-http)
  int max_attempts = 5;     // per request, as net::RequestOptions
  std::chrono::milliseconds initial_backoff{500};
  std::chrono::milliseconds max_backoff{30000};
  std::chrono::seconds connect_timeout{30};
  std::chrono::seconds stall_timeout{60};
  // Page size asked of /v2/_catalog and /tags/list ("?n="); 0 = the registry's default. Every
  // page is followed through the Link header either way.
  int page_size = 0;
};

// A manifest or index as served, its bytes verified against `digest`.
struct ManifestResponse {
  std::string media_type;  // Content-Type, or the document's mediaType when the header is generic
  Digest digest;           // the digest asked for, else Docker-Content-Digest (checked), else computed
  std::string body;
};

// What a HEAD on a manifest tells.
struct ManifestHead {
  std::string media_type;
  Digest digest;
  int64_t size = -1;
};

// Counters since the client was created (for progress, tests and benchmarks).
struct RegistryStats {
  uint64_t requests = 0;         // HTTP requests sent, auth and retries included
  uint64_t manifest_requests = 0;
  uint64_t blob_requests = 0;    // GETs of /blobs/ (each resume counts)
  uint64_t blob_bytes = 0;       // blob body bytes received
  uint64_t token_requests = 0;
};

class RegistryClient {
 public:
  // Resolves credentials and the scheme; no request is sent before the first call.
  static Result<std::unique_ptr<RegistryClient>> Connect(std::string_view registry, RegistryOptions options);
  virtual ~RegistryClient() = default;

  const std::string& registry() const { return registry_; }

  // GET /v2/<repo>/manifests/<reference> (a tag or a digest) accepting OCI manifest and index
  // and Docker schema 2 manifest and manifest list. NotFound when the registry has no such
  // manifest; DigestMismatch when the bytes do not hash to the digest asked for or announced.
  virtual Result<ManifestResponse> GetManifest(std::string_view repository, std::string_view reference) = 0;
  // HEAD of the same; nullopt when the registry answers 404.
  virtual Result<std::optional<ManifestHead>> HeadManifest(std::string_view repository, std::string_view reference) = 0;

  // A small blob (an image config) in memory, verified against `digest`; LimitExceeded above max_bytes.
  virtual Result<std::string> GetBlob(std::string_view repository, const Digest& digest, uint64_t max_bytes) = 0;

  // A blob as a stream, read straight from the network (no temp file). A transfer that breaks
  // is resumed with a Range request from the last byte received (up to max_attempts). With
  // `verify`, the stream ends with DigestMismatch when the bytes do not hash to `digest` (or
  // `size` >= 0 is not met); callers that verify the same bytes themselves (the layer stream
  // does) pass verify=false so no byte is hashed twice.
  virtual Result<std::unique_ptr<io::Reader>> OpenBlob(std::string_view repository, const Digest& digest,
                                                       int64_t size, bool verify) = 0;

  // Every repository of /v2/_catalog and every tag of /v2/<repo>/tags/list, following Link
  // headers across pages, in the order served.
  virtual Result<std::vector<std::string>> ListRepositories() = 0;
  virtual Result<std::vector<std::string>> ListTags(std::string_view repository) = 0;

  // Pushing (signatures and attestations): a blob uploaded in one POST+PUT (skipped when HEAD
  // finds it), a manifest PUT under a tag or digest; returns the manifest's digest.
  virtual Status PutBlob(std::string_view repository, const Digest& digest, std::string_view content) = 0;
  virtual Result<Digest> PutManifest(std::string_view repository, std::string_view reference,
                                     std::string_view media_type, std::string_view body) = 0;
  // GET /v2/<repo>/referrers/<digest> (OCI 1.1); an empty index body when the registry lacks the API.
  virtual Result<std::string> GetReferrers(std::string_view repository, const Digest& digest,
                                           std::string_view artifact_type) = 0;

  virtual RegistryStats Stats() const = 0;

 protected:
  explicit RegistryClient(std::string registry) : registry_(std::move(registry)) {}

 private:
  std::string registry_;
};

}  // namespace hullscan::net
