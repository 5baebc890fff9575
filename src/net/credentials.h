// Registry credentials: where they come from, in the order Docker, Trivy and skopeo look.
//   1. explicit: --username/--password (or --registry-token)            → every registry
//   2. environment: HULLSCAN_REGISTRY_USERNAME / HULLSCAN_REGISTRY_PASSWORD                → every registry
//   3. the Docker config ($DOCKER_CONFIG/config.json, else ~/.docker/config.json):
//        credHelpers[host] → docker-credential-<helper> get
//        credsStore        → docker-credential-<store> get
//        auths[host]       → "auth" (base64 user:pass), "username"/"password", "identitytoken"
//   4. the containers auth file ($REGISTRY_AUTH_FILE, else $XDG_RUNTIME_DIR/containers/auth.json),
//      which podman/skopeo write in the same "auths" format.
// Docker Hub is looked up under "https://index.docker.io/v1/", "index.docker.io" and "docker.io";
// other hosts under "host[:port]" and "https://host[:port]" (with or without a trailing path).
//
// Secrets never leave this module in printable form: Credential has no stream/format operator,
// and every error message names the host and the source, never a value.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "base/status.h"

namespace hullscan::net {

struct Credential {
  std::string username;
  std::string password;
  // An OAuth2 refresh token (Docker's "identitytoken"): exchanged at the token endpoint with
  // grant_type=refresh_token instead of basic credentials.
  std::string identity_token;
  // A ready bearer token given by the user (--registry-token): sent as is.
  std::string registry_token;
  // For messages: "docker config credHelpers (ecr-login)", "--username", "HULLSCAN_REGISTRY_USERNAME", …
  std::string source;

  bool empty() const { return username.empty() && password.empty() && identity_token.empty() && registry_token.empty(); }
};

struct CredentialSources {
  std::optional<std::string> username;  // --username
  std::optional<std::string> password;  // --password / --password-stdin
  std::optional<std::string> registry_token;  // --registry-token
  // Overrides for tests; empty = the defaults above (read from the environment at lookup).
  std::filesystem::path docker_config;  // a config.json file
  std::filesystem::path auth_file;      // a containers auth.json file
  bool use_environment = true;          // read HULLSCAN_REGISTRY_USERNAME/PASSWORD, DOCKER_CONFIG, …
};

// The credential for `registry` ("docker.io", "127.0.0.1:5000", …), or nullopt for anonymous
// access. Errors: a config file that exists but is malformed, a credential helper that fails
// (other than "credentials not found", which is nullopt), a helper that is not on PATH.
Result<std::optional<Credential>> LookupCredential(std::string_view registry, const CredentialSources& sources);

}  // namespace hullscan::net
