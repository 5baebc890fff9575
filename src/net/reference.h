// Image references exactly as Docker (distribution/reference) normalises them:
//   "alpine"                       → docker.io/library/alpine:latest
//   "user/app:1.4"                 → docker.io/user/app:1.4
//   "localhost:5000/app"           → localhost:5000/app:latest   (a first component with '.' or ':'
//                                    or equal to "localhost" is a registry host)
//   "ghcr.io/org/app@sha256:…"     → by digest, no tag
//   "reg/app:1.4@sha256:…"         → tag kept for display, the digest decides what is pulled
// Repository names are lowercase path components ([a-z0-9]+ with separators . _ __ -+), the path
// at most 255 characters (the host not counted, as distribution/reference counts today); tags
// [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}; digests algorithm:hex.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "base/digest.h"
#include "base/status.h"

namespace hullscan::net {

inline constexpr std::string_view kDockerHub = "docker.io";

struct Reference {
  std::string registry;          // "docker.io", "127.0.0.1:5000", "ghcr.io", "[::1]:5000"
  std::string repository;        // "library/alpine", "team/app"
  std::string tag;               // "latest" when neither tag nor digest was given; may be empty with a digest
  std::optional<Digest> digest;  // set for "…@sha256:…"

  // InvalidArgument naming what is wrong ("invalid reference format: repository name must be
  // lowercase", "… tag too long", …) as docker says it.
  static Result<Reference> Parse(std::string_view text);
  // Docker's reference.Parse, the grammar alone without normalisation: `registry` is whatever
  // the first component is when it is a valid host (empty otherwise: "test_com" has none, but
  // "foo/bar" has registry "foo"), no "library/" and no default tag. For checking text that
  // must already be fully qualified, and for testing the grammar against Docker's own table.
  static Result<Reference> ParseUnnormalized(std::string_view text);

  // "docker.io/library/alpine:latest", "reg:5000/app:1.4@sha256:…" (fully qualified).
  std::string ToString() const;
  // What docker prints: "alpine:latest", "user/app:1.4", "reg:5000/app@sha256:…".
  std::string Familiar() const;
  // The digest when there is one, else the tag: what goes into /v2/<repo>/manifests/<here>.
  std::string Identifier() const;
  // The host that serves the API: "registry-1.docker.io" for docker.io, else `registry`.
  std::string ApiHost() const;

  friend bool operator==(const Reference&, const Reference&) = default;
};

// True for hosts that are this machine: localhost, 127.0.0.0/8, ::1 (with or without a port).
bool IsLoopbackHost(std::string_view host_and_port);

}  // namespace hullscan::net
