// End-to-end registry scans: the hullscan binary against a real docker-registry on loopback
// (tests/testing/registry_fixture.h), the reference images pushed into it with the real skopeo.
// Every scan from the registry is compared with the scan of the same image from its OCI layout
// on disk, which the local-image tests check against the distributions' own tools.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "cli_runner.h"
#include "testing/registry_fixture.h"
#include "testing/testdata.h"

namespace hullscan {
namespace {

namespace fs = std::filesystem;
using hullscan::testing::CliRun;
using hullscan::testing::Hullscan;
using hullscan::testing::ImagesDir;
using hullscan::testing::LocalRegistry;
using hullscan::testing::Quote;
using hullscan::testing::RegistryConfig;
using nlohmann::json;

constexpr char kUser[] = "scanner";
constexpr char kPassword[] = "s3cret-Pa55word-value";

// "oci:/images/oci/<key>:<tag>" for skopeo, from the layout's own ref name.
std::string OciSource(const std::string& key) {
  std::ifstream in(ImagesDir() / "oci" / key / "index.json");
  json index = json::parse(in, nullptr, false);
  std::string tag = index["manifests"][0]["annotations"]["org.opencontainers.image.ref.name"];
  return "oci:" + (ImagesDir() / "oci" / key).string() + ":" + tag;
}

std::string ManifestDigestOf(const std::string& key) {
  for (const auto& row : hullscan::testing::Images())
    if (row.key == key) return row.manifest_digest;
  return "";
}

// The packages of a JSON report as comparable strings (identity and the layer that added it).
std::set<std::string> Packages(const json& doc) {
  std::set<std::string> out;
  for (const auto& p : doc["packages"])
    out.insert(p["type"].get<std::string>() + " " + p["name"].get<std::string>() + " " +
               p["version"].get<std::string>() + " " + p["location"]["layer_diff_id"].get<std::string>() + " " +
               p["location"]["path"].get<std::string>());
  return out;
}

json ParseJson(const std::string& text) {
  json j = json::parse(text, nullptr, false);
  EXPECT_FALSE(j.is_discarded()) << text.substr(0, 300);
  return j;
}

class RegistryE2E : public ::testing::Test {
 protected:
  void SetUp() override {
    if (ImagesDir().empty()) GTEST_SKIP() << "HULLSCAN_IMAGES is not set (scripts/test sets it)";
    cache_ = work_.path() / "cache";
  }

  // hullscan with a private cache dir and a fixed report time; no Docker config of the machine.
  CliRun Run(const std::string& args, const std::string& env = "") {
    std::string base = "HULLSCAN_CACHE_DIR=" + Quote(cache_.string()) + " SOURCE_DATE_EPOCH=1700000000 DOCKER_CONFIG=" +
                       Quote((work_.path() / "no-docker-config").string()) + " REGISTRY_AUTH_FILE=" +
                       Quote((work_.path() / "no-auth.json").string()) + " HULLSCAN_REGISTRY_USERNAME= HULLSCAN_REGISTRY_PASSWORD=";
    return Hullscan(args, work_.path(), base + (env.empty() ? "" : " " + env));
  }

  // The SBOM (JSON) of a reference image read from its OCI layout on disk.
  json LocalScan(const std::string& key) {
    CliRun r = Run("sbom " + Quote(OciSource(key)) + " -f json -q");
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return ParseJson(r.out);
  }

  hullscan::testing::TempDir work_;
  fs::path cache_;
};

TEST_F(RegistryE2E, PlainHttpScanEqualsTheLocalLayoutScan) {
  auto registry = LocalRegistry::Start(RegistryConfig{});
  ASSERT_TRUE(registry);
  for (const std::string key : {"alpine_3.20.3", "app-go_scratch"}) {
    SCOPED_TRACE(key);
    ASSERT_TRUE(registry->Push(OciSource(key), "scantest/" + key + ":v1"));
    CliRun r = Run("sbom " + registry->host() + "/scantest/" + key + ":v1 -f json -q");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    json remote = ParseJson(r.out);
    json local = LocalScan(key);
    EXPECT_EQ(remote["artifact"]["manifest_digest"], ManifestDigestOf(key));
    EXPECT_EQ(remote["artifact"]["config_digest"], local["artifact"]["config_digest"]);
    EXPECT_EQ(remote["artifact"]["repo_digest"], registry->host() + "/scantest/" + key + "@" + ManifestDigestOf(key));
    EXPECT_FALSE(Packages(remote).empty());
    EXPECT_EQ(Packages(remote), Packages(local));
    EXPECT_EQ(remote["distro"], local["distro"]);
  }
}

TEST_F(RegistryE2E, BasicAuthOverTlsWithCustomCa) {
  RegistryConfig config;
  config.tls = true;
  config.username = kUser;
  config.password = kPassword;
  auto registry = LocalRegistry::Start(config);
  ASSERT_TRUE(registry);
  ASSERT_TRUE(registry->Push(OciSource("alpine_3.19.4"), "private/alpine:3.19"));
  const std::string ref = registry->host() + "/private/alpine:3.19";
  const std::string ca = " --cacert " + Quote(registry->ca_file().string());

  // Password on stdin, user name by flag; --debug must not print the password.
  std::ofstream(work_.path() / "password") << kPassword << "\n";
  CliRun ok = Run("sbom " + ref + ca + " -f json --debug --username " + kUser + " --password-stdin < " +
                  Quote((work_.path() / "password").string()));
  ASSERT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_EQ(ParseJson(ok.out)["artifact"]["manifest_digest"], ManifestDigestOf("alpine_3.19.4"));
  EXPECT_EQ(ok.err.find(kPassword), std::string::npos);
  EXPECT_EQ(Packages(ParseJson(ok.out)), Packages(LocalScan("alpine_3.19.4")));

  // Credentials from the environment.
  CliRun env = Run("sbom " + ref + ca + " -f json -q", std::string("HULLSCAN_REGISTRY_USERNAME=") + kUser +
                                                         " HULLSCAN_REGISTRY_PASSWORD=" + Quote(kPassword));
  EXPECT_EQ(env.exit_code, 0) << env.err;

  // Credentials from a Docker config file ("auth": base64 of user:password).
  fs::path docker = work_.path() / "docker";
  fs::create_directories(docker);
  std::string auth;
  {
    // base64 by the real tool, not by the code under test.
    std::string cmd = "printf %s " + Quote(std::string(kUser) + ":" + kPassword) + " | base64 -w0 > " +
                      Quote((work_.path() / "b64").string());
    ASSERT_EQ(std::system(cmd.c_str()), 0);
    auth = hullscan::testing::Slurp(work_.path() / "b64");
  }
  std::ofstream(docker / "config.json") << json{{"auths", {{registry->host(), {{"auth", auth}}}}}}.dump();
  CliRun cfg = Hullscan("sbom " + ref + ca + " -f json -q", work_.path(),
                        "HULLSCAN_CACHE_DIR=" + Quote(cache_.string()) + " DOCKER_CONFIG=" + Quote(docker.string()));
  EXPECT_EQ(cfg.exit_code, 0) << cfg.err;

  // Wrong password: exit 2, a clear message, the password nowhere.
  const std::string wrong = "not-the-Password-42";
  CliRun bad = Run("sbom " + ref + ca + " --debug --username " + kUser + " --password " + Quote(wrong));
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("authentication"), std::string::npos) << bad.err;
  EXPECT_EQ(bad.err.find(wrong), std::string::npos) << bad.err;
  EXPECT_TRUE(bad.out.empty());

  // Anonymous against a registry that wants credentials.
  CliRun anonymous = Run("sbom " + ref + ca);
  EXPECT_EQ(anonymous.exit_code, 2);

  // TLS is verified: without the CA the scan fails; --insecure (this registry only) skips it.
  CliRun untrusted = Run("sbom " + ref + " --username " + kUser + " --password " + Quote(kPassword));
  EXPECT_EQ(untrusted.exit_code, 2);
  EXPECT_NE(untrusted.err.find("certificate"), std::string::npos) << untrusted.err;
  CliRun insecure = Run("sbom " + ref + " --insecure -f json -q --username " + kUser + " --password " + Quote(kPassword));
  EXPECT_EQ(insecure.exit_code, 0) << insecure.err;
}

TEST_F(RegistryE2E, BearerTokenFlow) {
  auto tokens = hullscan::testing::TokenServer::Start(kUser, kPassword);
  ASSERT_TRUE(tokens);
  RegistryConfig config;
  config.token_server = tokens.get();
  auto registry = LocalRegistry::Start(config);
  ASSERT_TRUE(registry);
  ASSERT_TRUE(registry->Push(OciSource("alpine_3.20.3"), "team/alpine:3.20"));
  int issued_before = tokens->tokens_issued();
  CliRun r = Run("sbom " + registry->host() + "/team/alpine:3.20 -f json --debug --username " + kUser +
                 " --password " + Quote(kPassword));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(Packages(ParseJson(r.out)), Packages(LocalScan("alpine_3.20.3")));
  // One token for the repository's pull scope serves the manifest, config and layer requests.
  EXPECT_EQ(tokens->tokens_issued() - issued_before, 1);
  EXPECT_EQ(r.err.find(kPassword), std::string::npos);
  EXPECT_EQ(r.err.find("eyJ"), std::string::npos) << "a JWT reached the log";

  CliRun bad = Run("sbom " + registry->host() + "/team/alpine:3.20 --username " + kUser + " --password wrong");
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_GT(tokens->requests_refused(), 0);
}

TEST_F(RegistryE2E, MultiArchIndexSelectsThePlatform) {
  auto registry = LocalRegistry::Start(RegistryConfig{});
  ASSERT_TRUE(registry);
  fs::path layout = work_.path() / "multi";
  std::string index_digest = hullscan::testing::MakeMultiArchLayout(
      ImagesDir() / "oci" / "alpine_3.19.4", "3.19.4", ImagesDir() / "oci" / "alpine_3.20.3", "3.20.3", layout, "multi");
  ASSERT_FALSE(index_digest.empty());
  ASSERT_TRUE(registry->Push("oci:" + layout.string() + ":multi", "multi/alpine:both", /*all=*/true));
  const std::string ref = registry->host() + "/multi/alpine:both";

  CliRun amd = Run("sbom " + ref + " --platform linux/amd64 -f json -q");
  ASSERT_EQ(amd.exit_code, 0) << amd.err;
  json a = ParseJson(amd.out);
  EXPECT_EQ(a["artifact"]["architecture"], "amd64");
  EXPECT_EQ(a["artifact"]["manifest_digest"], ManifestDigestOf("alpine_3.19.4"));
  EXPECT_EQ(a["artifact"]["repo_digest"], registry->host() + "/multi/alpine@" + index_digest);
  EXPECT_EQ(Packages(a), Packages(LocalScan("alpine_3.19.4")));

  CliRun arm = Run("sbom " + ref + " --platform linux/arm64 -f json -q");
  ASSERT_EQ(arm.exit_code, 0) << arm.err;
  json b = ParseJson(arm.out);
  EXPECT_EQ(b["artifact"]["architecture"], "arm64");
  EXPECT_EQ(b["distro"]["version"], LocalScan("alpine_3.20.3")["distro"]["version"]);

  CliRun none = Run("sbom " + ref + " --platform linux/s390x");
  EXPECT_EQ(none.exit_code, 2);
  EXPECT_NE(none.err.find("linux/arm64"), std::string::npos) << "the error lists what the index offers: " << none.err;
}

TEST_F(RegistryE2E, CorruptedBlobFailsWithADigestErrorAndNoReport) {
  auto registry = LocalRegistry::Start(RegistryConfig{});
  ASSERT_TRUE(registry);
  ASSERT_TRUE(registry->Push(OciSource("alpine_3.20.3"), "corrupt/alpine:1"));
  std::ifstream in(ImagesDir() / "oci" / "alpine_3.20.3" / "blobs" / "sha256" /
                   ManifestDigestOf("alpine_3.20.3").substr(7));
  json manifest = json::parse(in, nullptr, false);
  std::string layer = manifest["layers"][0]["digest"];
  fs::path blob = registry->BlobFile(layer);
  ASSERT_TRUE(fs::exists(blob)) << blob;
  {
    // Flip bytes in the middle of the stored gzip stream; the size stays the same.
    std::fstream f(blob, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(static_cast<std::streamoff>(fs::file_size(blob) / 2));
    f.write("\xde\xad\xbe\xef", 4);
  }
  fs::path report = work_.path() / "report.json";
  CliRun r = Run("sbom " + registry->host() + "/corrupt/alpine:1 -f json -o " + Quote(report.string()));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("digest mismatch"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(layer), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(report));
  EXPECT_TRUE(r.out.empty());
  // Nothing was cached from the bad layer: a second try fails the same way.
  CliRun again = Run("sbom " + registry->host() + "/corrupt/alpine:1 -f json");
  EXPECT_EQ(again.exit_code, 2);
}

TEST_F(RegistryE2E, CachedRescanDownloadsNoLayerBlob) {
  auto registry = LocalRegistry::Start(RegistryConfig{});
  ASSERT_TRUE(registry);
  ASSERT_TRUE(registry->Push(OciSource("app-go_bookworm"), "apps/go:1"));
  const std::string ref = registry->host() + "/apps/go:1";
  registry->ClearRequests();
  CliRun first = Run("sbom " + ref + " -f json -q");
  ASSERT_EQ(first.exit_code, 0) << first.err;
  json doc = ParseJson(first.out);
  size_t layers = doc["artifact"]["layers"].size();
  ASSERT_GE(layers, 2u);
  // First scan: every layer blob and the config blob fetched once.
  EXPECT_EQ(registry->CountRequests("GET", "/blobs/"), static_cast<int>(layers) + 1);

  registry->ClearRequests();
  CliRun second = Run("sbom " + ref + " -f json -q");
  ASSERT_EQ(second.exit_code, 0) << second.err;
  EXPECT_EQ(second.out, first.out) << "the cached inventory is the same inventory";
  // Rescan: only the manifest and the config.
  EXPECT_EQ(registry->CountRequests("GET", "/blobs/"), 1);
  for (const auto& l : doc["artifact"]["layers"])
    EXPECT_EQ(registry->CountRequests("GET", l["digest"].get<std::string>()), 0);

  // --no-cache reads the layers again; `cache clean` empties the cache.
  registry->ClearRequests();
  ASSERT_EQ(Run("sbom " + ref + " -f json -q --no-cache").exit_code, 0);
  EXPECT_EQ(registry->CountRequests("GET", "/blobs/"), static_cast<int>(layers) + 1);
  CliRun clean = Run("cache clean");
  EXPECT_EQ(clean.exit_code, 0) << clean.err;
  EXPECT_NE(clean.out.find("removed " + std::to_string(layers)), std::string::npos) << clean.out;
  registry->ClearRequests();
  ASSERT_EQ(Run("sbom " + ref + " -f json -q").exit_code, 0);
  EXPECT_EQ(registry->CountRequests("GET", "/blobs/"), static_cast<int>(layers) + 1);
}

TEST_F(RegistryE2E, RegistryDownIsAClearErrorAndRetryWorksAfterRestart) {
  auto registry = LocalRegistry::Start(RegistryConfig{});
  ASSERT_TRUE(registry);
  ASSERT_TRUE(registry->Push(OciSource("alpine_3.20.3"), "down/alpine:1"));
  registry->Kill();
  CliRun down = Run("sbom " + registry->host() + "/down/alpine:1 -f json");
  EXPECT_EQ(down.exit_code, 2);
  EXPECT_TRUE(down.out.empty());
  EXPECT_NE(down.err.find(registry->host()), std::string::npos) << down.err;
  ASSERT_TRUE(registry->Restart());
  CliRun up = Run("sbom " + registry->host() + "/down/alpine:1 -f json -q");
  EXPECT_EQ(up.exit_code, 0) << up.err;
}

TEST_F(RegistryE2E, RegistrySweepScansEveryImageOnceAndSharesLayers) {
  auto registry = LocalRegistry::Start(RegistryConfig{});
  ASSERT_TRUE(registry);
  // Three images on the same Debian base layer, one Alpine, under several repositories and tags.
  ASSERT_TRUE(registry->Push(OciSource("debian_bookworm-minbase"), "base/debian:bookworm"));
  ASSERT_TRUE(registry->Push(OciSource("app-nonroot_bookworm"), "apps/nonroot:1.0"));
  ASSERT_TRUE(registry->Push(OciSource("app-go_bookworm"), "apps/go:1.9"));
  ASSERT_TRUE(registry->Push(OciSource("app-go_bookworm"), "apps/go:1.10"));
  ASSERT_TRUE(registry->Push(OciSource("alpine_3.20.3"), "other/alpine:latest"));
  registry->ClearRequests();

  fs::path reports = work_.path() / "reports";
  CliRun r = Run("registry scan " + registry->host() + " --repo 'apps/*' --repo 'base/*' --tags all --concurrency 2 "
                 "--scanners none --output-dir " + Quote(reports.string()) + " --summary-format json -q");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  json summary = ParseJson(r.out);
  std::set<std::string> scanned;
  for (const auto& img : summary["images"]) {
    scanned.insert(img["repository"].get<std::string>() + ":" + img["tag"].get<std::string>());
    ASSERT_FALSE(img.contains("error")) << img.dump();
    json report = ParseJson(hullscan::testing::Slurp(img["report"].get<std::string>()));
    EXPECT_EQ(report["artifact"]["manifest_digest"], img["digest"]);
    EXPECT_EQ(img["packages"].get<size_t>(), report["packages"].size());
  }
  EXPECT_EQ(scanned, (std::set<std::string>{"apps/go:1.10", "apps/go:1.9", "apps/nonroot:1.0", "base/debian:bookworm"}));
  EXPECT_EQ(summary["errors"], 0);
  // The shared Debian base layer crossed the wire once, not once per image (two workers that
  // reach it at the same time share one download); the Go app's layers once for its two tags.
  std::ifstream in(ImagesDir() / "oci" / "debian_bookworm-minbase" / "blobs" / "sha256" /
                   ManifestDigestOf("debian_bookworm-minbase").substr(7));
  std::string base_layer = json::parse(in)["layers"][0]["digest"];
  EXPECT_EQ(registry->CountRequests("GET", "/blobs/" + base_layer), 1);

  // --tags 1: the highest tag by numeric comparison (1.10 > 1.9).
  CliRun one = Run("registry scan " + registry->host() + " --repo apps/go --tags 1 --scanners none --output-dir " +
                   Quote(reports.string()) + " --summary-format json -q");
  ASSERT_EQ(one.exit_code, 0) << one.err;
  json s1 = ParseJson(one.out);
  ASSERT_EQ(s1["images"].size(), 1u);
  EXPECT_EQ(s1["images"][0]["tag"], "1.10");
}

}  // namespace
}  // namespace hullscan
