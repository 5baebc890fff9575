// Self-test of the registry fixture (registry_fixture.h) against the real docker-registry,
// skopeo and curl: every configuration comes up, pushes work, auth is enforced, the access log
// is counted, the data survives a kill, and a multi-arch index round-trips.
#include "testing/registry_fixture.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

extern char** environ;

namespace hullscan::testing {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;
using ::testing::HasSubstr;

struct CommandResult {
  int exit_code = -1;
  std::string out;
};

// Runs a program from PATH (no shell), capturing stdout; stderr is discarded.
CommandResult RunCommand(const std::vector<std::string>& args) {
  std::vector<std::string> storage = args;
  std::vector<char*> argv;
  for (auto& a : storage) argv.push_back(a.data());
  argv.push_back(nullptr);
  int out_pipe[2];
  if (pipe2(out_pipe, O_CLOEXEC) != 0) return {};
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out_pipe[1], 1);
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  pid_t pid = -1;
  int rc = posix_spawnp(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(out_pipe[1]);
  CommandResult result;
  if (rc == 0) {
    char buf[8192];
    ssize_t n;
    while ((n = read(out_pipe[0], buf, sizeof(buf))) > 0) result.out.append(buf, static_cast<size_t>(n));
    int status = 0;
    waitpid(pid, &status, 0);
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128;
  }
  close(out_pipe[0]);
  return result;
}

// curl's HTTP status for GET url ("000" when no HTTP answer came).
std::string CurlStatus(std::vector<std::string> extra, const std::string& url) {
  std::vector<std::string> args = {"curl", "-s", "-o", "/dev/null", "-w", "%{http_code}"};
  args.insert(args.end(), extra.begin(), extra.end());
  args.push_back(url);
  return RunCommand(args).out;
}

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

json ReadJson(const fs::path& path) { return json::parse(ReadFile(path), nullptr, false); }

fs::path BlobPath(const fs::path& layout, const std::string& digest) {
  return layout / "blobs" / "sha256" / digest.substr(digest.find(':') + 1);
}

class RegistryFixtureTest : public ::testing::Test {
 protected:
  void SetUp() override {
    images_ = ReferenceImagesDir();
    if (images_.empty()) GTEST_SKIP() << "HULLSCAN_IMAGES is unset (reference images from scripts/build-test-images)";
  }
  // A small single-layer reference image and its manifest, straight from the OCI layout.
  std::string Alpine(const std::string& version) const {
    return "oci:" + (images_ / "oci" / ("alpine_" + version)).string() + ":" + version;
  }
  json AlpineManifest(const std::string& version) const {
    fs::path layout = images_ / "oci" / ("alpine_" + version);
    json index = ReadJson(layout / "index.json");
    return ReadJson(BlobPath(layout, index["manifests"][0]["digest"].get<std::string>()));
  }

  fs::path images_;
};

TEST_F(RegistryFixtureTest, PlainRegistryCountsThePushAndStoresTheBlobs) {
  auto registry = LocalRegistry::Start({});
  ASSERT_TRUE(registry);
  EXPECT_THAT(registry->url(), ::testing::StartsWith("http://127.0.0.1:"));
  EXPECT_TRUE(registry->ca_file().empty());
  // The fixture's readiness probe is not counted.
  EXPECT_TRUE(registry->Requests().empty());

  ASSERT_TRUE(registry->Push(Alpine("3.19.4"), "alpine:3.19.4"));
  std::vector<RegistryRequest> pushed = registry->Requests();
  ASSERT_FALSE(pushed.empty());
  EXPECT_EQ(registry->CountRequests("PUT", "/v2/alpine/manifests/3.19.4"), 1);
  bool manifest_created = false;
  for (const RegistryRequest& r : pushed) {
    EXPECT_EQ(r.path.find('?'), std::string::npos) << r.path;
    EXPECT_GT(r.status, 0);
    if (r.method == "PUT" && r.path == "/v2/alpine/manifests/3.19.4") manifest_created = r.status == 201;
  }
  EXPECT_TRUE(manifest_created);
  // The layer and the config were uploaded (blob upload sessions end with a PUT).
  EXPECT_EQ(registry->CountRequests("PUT", "/v2/alpine/blobs/uploads/"), 2);

  json manifest = AlpineManifest("3.19.4");
  std::string layer = manifest["layers"][0]["digest"];
  fs::path blob = registry->BlobFile(layer);
  ASSERT_TRUE(fs::exists(blob)) << blob;
  EXPECT_EQ(fs::file_size(blob), manifest["layers"][0]["size"].get<uintmax_t>());
  EXPECT_EQ(blob.filename(), "data");
  EXPECT_EQ(blob.parent_path().filename(), layer.substr(7));

  // After ClearRequests only new requests count: exactly the one curl sends.
  registry->ClearRequests();
  EXPECT_TRUE(registry->Requests().empty());
  EXPECT_EQ(CurlStatus({"-H", "Accept: application/vnd.oci.image.manifest.v1+json"},
                       registry->url() + "/v2/alpine/manifests/3.19.4?x=1"),
            "200");
  std::vector<RegistryRequest> after = registry->Requests();
  ASSERT_EQ(after.size(), 1u);
  EXPECT_EQ(after[0].method, "GET");
  EXPECT_EQ(after[0].path, "/v2/alpine/manifests/3.19.4");
  EXPECT_EQ(after[0].status, 200);
  EXPECT_EQ(registry->CountRequests("GET", "/manifests/"), 1);
  EXPECT_EQ(registry->CountRequests("GET", "/blobs/"), 0);
}

TEST_F(RegistryFixtureTest, BasicAuthOverTlsWithTheSelfSignedCertificate) {
  RegistryConfig config;
  config.tls = true;
  config.username = "scanner";
  config.password = "s3cret pass";
  auto registry = LocalRegistry::Start(config);
  ASSERT_TRUE(registry);
  EXPECT_THAT(registry->url(), ::testing::StartsWith("https://127.0.0.1:"));
  ASSERT_TRUE(fs::exists(registry->ca_file()));
  std::string ca = registry->ca_file().string();
  std::string catalog = registry->url() + "/v2/_catalog";

  EXPECT_EQ(CurlStatus({"--cacert", ca, "-u", "scanner:s3cret pass"}, catalog), "200");
  EXPECT_EQ(CurlStatus({"--cacert", ca}, catalog), "401");
  EXPECT_EQ(CurlStatus({"--cacert", ca, "-u", "scanner:wrong"}, catalog), "401");
  // The certificate names localhost too.
  EXPECT_EQ(CurlStatus({"--cacert", ca, "-u", "scanner:s3cret pass"},
                       "https://localhost:" + registry->host().substr(registry->host().rfind(':') + 1) + "/v2/"),
            "200");
  // Without the CA the certificate is not trusted: no HTTP answer at all.
  EXPECT_EQ(CurlStatus({}, catalog), "000");

  ASSERT_TRUE(registry->Push(Alpine("3.19.4"), "team/alpine:3.19.4"));
  CommandResult listed = RunCommand({"curl", "-s", "--cacert", ca, "-u", "scanner:s3cret pass", catalog});
  EXPECT_THAT(listed.out, HasSubstr("team/alpine"));
  EXPECT_EQ(registry->CountRequests("PUT", "/v2/team/alpine/manifests/3.19.4"), 1);
  EXPECT_GE(registry->CountRequests("GET", "/v2/_catalog"), 4);
}

TEST_F(RegistryFixtureTest, BearerTokenAuthAgainstTheTokenServer) {
  auto tokens = TokenServer::Start("robot", "t0ken-pass");
  ASSERT_TRUE(tokens);
  EXPECT_THAT(tokens->realm(), ::testing::MatchesRegex("http://127\\.0\\.0\\.1:[0-9]+/token"));
  RegistryConfig config;
  config.token_server = tokens.get();
  auto registry = LocalRegistry::Start(config);
  ASSERT_TRUE(registry);

  // Anonymous: 401 with the Bearer challenge that points at the token server.
  CommandResult challenge = RunCommand({"curl", "-s", "-i", registry->url() + "/v2/"});
  EXPECT_THAT(challenge.out, ::testing::StartsWith("HTTP/1.1 401"));
  EXPECT_THAT(challenge.out, HasSubstr("Www-Authenticate: Bearer realm=\"" + tokens->realm() + "\",service=\"" +
                                       tokens->service() + "\""));
  EXPECT_EQ(tokens->tokens_issued(), 0);

  ASSERT_TRUE(registry->Push(Alpine("3.19.4"), "secure/alpine:3.19.4"));
  EXPECT_GE(tokens->tokens_issued(), 1);
  EXPECT_EQ(tokens->requests_refused(), 0);
  EXPECT_EQ(registry->CountRequests("PUT", "/v2/secure/alpine/manifests/3.19.4"), 1);

  // The token server refuses anonymous and wrong credentials.
  std::string token_url = tokens->realm() + "?service=" + tokens->service() + "&scope=repository:secure/alpine:pull";
  EXPECT_EQ(CurlStatus({}, token_url), "401");
  EXPECT_EQ(CurlStatus({"-u", "robot:nope"}, token_url), "401");
  EXPECT_EQ(tokens->requests_refused(), 2);

  // A pull token works for GET, and its JWT carries the granted access and the x5c chain.
  int issued = tokens->tokens_issued();
  CommandResult answer = RunCommand({"curl", "-s", "-u", "robot:t0ken-pass", token_url});
  json body = json::parse(answer.out, nullptr, false);
  ASSERT_FALSE(body.is_discarded()) << "token answer is not JSON";
  EXPECT_EQ(tokens->tokens_issued(), issued + 1);
  ASSERT_TRUE(body["token"].is_string());
  EXPECT_EQ(body["token"], body["access_token"]);
  EXPECT_EQ(body["expires_in"], 300);
  EXPECT_TRUE(body["issued_at"].is_string());
  std::string token = body["token"];
  std::string manifest_url = registry->url() + "/v2/secure/alpine/manifests/3.19.4";
  std::vector<std::string> accept = {"-H", "Accept: application/vnd.oci.image.manifest.v1+json"};
  std::vector<std::string> bearer = accept;
  bearer.insert(bearer.end(), {"-H", "Authorization: Bearer " + token});
  EXPECT_EQ(CurlStatus(bearer, manifest_url), "200");
  EXPECT_EQ(CurlStatus(accept, manifest_url), "401");
  // The pull-only token does not allow pushing (starting an upload needs push).
  std::vector<std::string> post = bearer;
  post.insert(post.end(), {"-X", "POST"});
  EXPECT_EQ(CurlStatus(post, registry->url() + "/v2/secure/alpine/blobs/uploads/"), "401");
  // Nor another repository.
  EXPECT_EQ(CurlStatus(bearer, registry->url() + "/v2/other/manifests/3.19.4"), "401");
  // The registry really checks the signature: a tampered one is refused.
  std::string tampered = token;
  char& c = tampered[tampered.size() - 10];
  c = c == 'A' ? 'B' : 'A';
  std::vector<std::string> bad_bearer = accept;
  bad_bearer.insert(bad_bearer.end(), {"-H", "Authorization: Bearer " + tampered});
  EXPECT_EQ(CurlStatus(bad_bearer, manifest_url), "401");

  // Header and claims, decoded with a tiny base64url decoder via basenc (coreutils).
  std::string header_b64 = token.substr(0, token.find('.'));
  std::string claims_b64 = token.substr(token.find('.') + 1, token.rfind('.') - token.find('.') - 1);
  auto decode = [](std::string b64) {
    while (b64.size() % 4) b64 += '=';
    fs::path tmp = fs::temp_directory_path() / ("hullscan-jwt-" + std::to_string(getpid()));
    std::ofstream(tmp) << b64;
    CommandResult r = RunCommand({"basenc", "--base64url", "-d", tmp.string()});
    fs::remove(tmp);
    return json::parse(r.out, nullptr, false);
  };
  json header = decode(header_b64);
  json claims = decode(claims_b64);
  ASSERT_FALSE(header.is_discarded());
  ASSERT_FALSE(claims.is_discarded());
  EXPECT_EQ(header["alg"], "RS256");
  EXPECT_EQ(header["x5c"].size(), 1u);
  EXPECT_THAT(header["kid"].get<std::string>(), ::testing::MatchesRegex("([A-Z2-7]{4}:){11}[A-Z2-7]{4}"));
  EXPECT_EQ(claims["iss"], tokens->issuer());
  EXPECT_EQ(claims["aud"], tokens->service());
  EXPECT_EQ(claims["sub"], "robot");
  EXPECT_EQ(claims["access"], json::parse(R"([{"type":"repository","name":"secure/alpine","actions":["pull"]}])"));
}

TEST_F(RegistryFixtureTest, KillAndRestartKeepPortAndData) {
  auto registry = LocalRegistry::Start({});
  ASSERT_TRUE(registry);
  ASSERT_TRUE(registry->Push(Alpine("3.19.4"), "alpine:3.19.4"));
  std::string host = registry->host();
  std::string manifest_url = registry->url() + "/v2/alpine/manifests/3.19.4";
  std::vector<std::string> accept = {"-H", "Accept: application/vnd.oci.image.manifest.v1+json"};

  registry->Kill();
  EXPECT_FALSE(registry->Running());
  EXPECT_EQ(CurlStatus(accept, manifest_url), "000");
  // Requests of a dead registry are still readable.
  EXPECT_EQ(registry->CountRequests("PUT", "/manifests/"), 1);

  ASSERT_TRUE(registry->Restart());
  EXPECT_TRUE(registry->Running());
  EXPECT_EQ(registry->host(), host);
  EXPECT_EQ(CurlStatus(accept, manifest_url), "200");
  EXPECT_EQ(registry->CountRequests("GET", "/v2/alpine/manifests/3.19.4"), 1);

  registry->Stop();
  EXPECT_FALSE(registry->Running());
  // Restarted from a thread that then ends (as tests do to kill a registry mid-transfer): the
  // registry must outlive that thread.
  bool restarted = false;
  std::thread([&] { restarted = static_cast<bool>(registry->Restart()); }).join();
  ASSERT_TRUE(restarted);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  EXPECT_TRUE(registry->Running());
  EXPECT_EQ(CurlStatus(accept, manifest_url), "200");

  // Destroying the fixture stops the registry and removes its directory.
  fs::path dir = registry->dir();
  registry.reset();
  EXPECT_EQ(CurlStatus(accept, manifest_url), "000");
  EXPECT_FALSE(fs::exists(dir));
}

TEST_F(RegistryFixtureTest, MultiArchIndexPushedWithAll) {
  TempDir temp;
  fs::path out = temp.path() / "multi";
  std::string index_digest = MakeMultiArchLayout(images_ / "oci/alpine_3.19.4", "3.19.4",
                                                 images_ / "oci/alpine_3.20.3", "3.20.3", out, "multi");
  ASSERT_THAT(index_digest, ::testing::StartsWith("sha256:"));

  // The layout is consistent: the arm64 config was rewritten, the amd64 one kept.
  json image_index = ReadJson(BlobPath(out, index_digest));
  ASSERT_EQ(image_index["manifests"].size(), 2u);
  EXPECT_EQ(image_index["manifests"][0]["platform"], json::parse(R"({"architecture":"amd64","os":"linux"})"));
  EXPECT_EQ(image_index["manifests"][1]["platform"], json::parse(R"({"architecture":"arm64","os":"linux"})"));
  EXPECT_EQ(image_index["manifests"][0]["digest"],
            ReadJson(images_ / "oci/alpine_3.19.4/index.json")["manifests"][0]["digest"]);
  json arm64_manifest = ReadJson(BlobPath(out, image_index["manifests"][1]["digest"]));
  json arm64_config = ReadJson(BlobPath(out, arm64_manifest["config"]["digest"]));
  EXPECT_EQ(arm64_config["architecture"], "arm64");
  EXPECT_EQ(arm64_manifest["layers"], AlpineManifest("3.20.3")["layers"]);

  auto registry = LocalRegistry::Start({});
  ASSERT_TRUE(registry);
  ASSERT_TRUE(registry->Push("oci:" + out.string() + ":multi", "alpine:multi", /*all=*/true));
  EXPECT_EQ(registry->CountRequests("PUT", "/v2/alpine/manifests/"), 3);  // two images + the index

  std::string ref = "docker://" + registry->host() + "/alpine:multi";
  CommandResult raw = RunCommand({"skopeo", "inspect", "--raw", "--tls-verify=false", ref});
  ASSERT_EQ(raw.exit_code, 0);
  EXPECT_EQ(raw.out, ReadFile(BlobPath(out, index_digest)));  // byte for byte: same digest
  json pushed = json::parse(raw.out, nullptr, false);
  EXPECT_EQ(pushed["mediaType"], "application/vnd.oci.image.index.v1+json");

  CommandResult arm = RunCommand({"skopeo", "--override-arch", "arm64", "inspect", "--tls-verify=false", ref});
  ASSERT_EQ(arm.exit_code, 0);
  json arm_info = json::parse(arm.out, nullptr, false);
  EXPECT_EQ(arm_info["Architecture"], "arm64");
  EXPECT_EQ(arm_info["Layers"][0], AlpineManifest("3.20.3")["layers"][0]["digest"]);
}

}  // namespace
}  // namespace hullscan::testing
