// A real registry for tests: Debian's docker-registry (the Docker "distribution" v2 registry),
// started on a free loopback port in its own temp directory, with the configurations the tests
// need (plain HTTP; htpasswd basic auth over TLS with a self-signed CA; Bearer-token auth against
// a TokenServer run by the test), images pushed into it with the real skopeo. The registry's
// access log is parsed to count requests, so tests can prove what was (not) downloaded.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "testing/testdata.h"

namespace hullscan::testing {

class TokenServer;

struct RegistryConfig {
  bool tls = false;          // HTTPS with a fresh self-signed certificate for 127.0.0.1/localhost
  std::string username;      // non-empty: htpasswd basic auth (bcrypt) with username/password
  std::string password;
  // Bearer-token auth: the registry trusts tokens of this server (realm, service, issuer and
  // its certificate bundle go into the registry's config). Mutually exclusive with username.
  const TokenServer* token_server = nullptr;
};

// One access-log line of the registry: "GET /v2/app/blobs/sha256:… 200".
struct RegistryRequest {
  std::string method;
  std::string path;  // without the query string
  int status = 0;
};

class LocalRegistry {
 public:
  // Starts the registry and waits until /v2/ answers. Fails the test (ADD_FAILURE) and returns
  // nullptr when docker-registry or skopeo is missing or the registry does not come up.
  static std::unique_ptr<LocalRegistry> Start(const RegistryConfig& config);
  ~LocalRegistry();  // stops the registry, removes the directory

  std::string host() const;     // "127.0.0.1:PORT"
  std::string url() const;      // "http(s)://127.0.0.1:PORT"
  std::filesystem::path ca_file() const;  // the self-signed certificate (TLS only), PEM
  std::filesystem::path dir() const;

  // skopeo copy SOURCE docker://HOST/DEST with the right TLS/credential flags. SOURCE is any
  // skopeo transport: "oci:/path:tag", "docker-archive:/path.tar", "oci-archive:…". `all` adds
  // --all (copies every image of an index). Returns skopeo's stderr as the failure message.
  ::testing::AssertionResult Push(const std::string& source, const std::string& dest, bool all = false) const;

  // Stops (SIGTERM, waits), kills (SIGKILL, no wait for cleanup) and restarts on the same port
  // with the same storage.
  void Stop();
  void Kill();
  ::testing::AssertionResult Restart();
  bool Running() const;

  // Requests logged since the start (or since the last ClearRequests()), in order.
  std::vector<RegistryRequest> Requests() const;
  void ClearRequests();
  // How many logged requests have this method and a path containing `path_part` ("/blobs/").
  int CountRequests(std::string_view method, std::string_view path_part) const;

  // Where the registry stores a blob's bytes (…/blobs/sha256/ab/<hex>/data), to corrupt it.
  std::filesystem::path BlobFile(std::string_view digest) const;

 private:
  LocalRegistry() = default;
  struct State;
  std::unique_ptr<State> state_;
};

// A minimal Docker token server (https://distribution.github.io/distribution/spec/auth/token/)
// on a free loopback port, run inside the test process: GET /token?service=…&scope=… with Basic
// credentials answers {"token": JWT, "access_token": JWT, "expires_in": N}, the JWT (RS256)
// signed by a key whose certificate the registry trusts, granting exactly the requested
// actions for the configured user (anonymous requests get 401). Counts the tokens it issues.
class TokenServer {
 public:
  static std::unique_ptr<TokenServer> Start(std::string username, std::string password, int expires_in_seconds = 300);
  ~TokenServer();

  std::string realm() const;    // "http://127.0.0.1:PORT/token"
  std::string service() const;  // "hullscan-test-registry"
  std::string issuer() const;   // "hullscan-test-token-server"
  std::filesystem::path certificate_bundle() const;  // PEM certificate of the signing key
  // The one user it issues tokens to (LocalRegistry::Push uses them as skopeo's --dest-creds).
  const std::string& username() const;
  const std::string& password() const;
  int tokens_issued() const;
  int requests_refused() const;

 private:
  TokenServer() = default;
  struct State;
  std::unique_ptr<State> state_;
};

// Builds an OCI layout at `out` holding one index (ref `tag`) with two platform images made
// from two single-platform OCI layouts: the first as linux/amd64, the second relabelled as
// linux/arm64 (its config's architecture rewritten, so config, manifest and index digests are
// all real and consistent). Returns the index digest ("sha256:…").
std::string MakeMultiArchLayout(const std::filesystem::path& amd64_layout, const std::string& amd64_tag,
                                const std::filesystem::path& arm64_layout, const std::string& arm64_tag,
                                const std::filesystem::path& out, const std::string& tag);

// The reference images (HULLSCAN_IMAGES, built by scripts/build-test-images), or empty when the
// variable is unset (tests then GTEST_SKIP with the reason).
std::filesystem::path ReferenceImagesDir();

}  // namespace hullscan::testing
