// The identity of the scanned artifact as SBOMs name it: its registry repository (when the user's
// name or a repo tag says one), its purl (purl-spec "oci" type) and a repo digest.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "inventory/inventory.h"

namespace hullscan::report::internal {

// A registry image reference split the way the Docker/OCI distribution grammar splits it, with Docker
// Hub's defaults applied: "alpine:3.18" -> {"docker.io", "library/alpine", "3.18", ""}.
struct RegistryReference {
  std::string registry;    // "docker.io", "ghcr.io", "localhost:5000"
  std::string repository;  // path below the registry, lower case: "library/alpine"
  std::string tag;
  std::string digest;  // "sha256:…" when the reference pins one
  std::string RepositoryUrl() const { return registry + "/" + repository; }
};

// Parses a registry reference, optionally prefixed "docker://" or "registry:". Anything that names a
// local source ("oci:dir:tag", "docker-archive:x.tar", "/srv/rootfs", "./img") gives nullopt.
std::optional<RegistryReference> ParseRegistryReference(std::string_view text);

struct ImageIdentity {
  std::optional<RegistryReference> reference;  // from the artifact name, else the first parseable repo tag
  // purl name: last repository path component, or the local source's base name ("rootfs" for
  // "/srv/rootfs"); also the label of SPDX ids and namespace. Never empty ("image" at worst).
  std::string purl_name;
  std::string purl;         // "pkg:oci/alpine@sha256%3A…?arch=amd64&repository_url=docker.io%2Flibrary%2Falpine"
  std::string repo_digest;  // "docker.io/library/alpine@sha256:…" (only with a repository and a digest)
};

// Empty purl when there is no manifest digest to pin (a rootfs, or an image read without one).
ImageIdentity IdentifyImage(const inventory::Artifact& artifact);

}  // namespace hullscan::report::internal
