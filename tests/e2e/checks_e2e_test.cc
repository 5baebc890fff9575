// End-to-end checks with the hullscan binary: the image hygiene checks and the secret scan on
// the real reference images, `hullscan config` on the Dockerfile/Kubernetes fixtures, and the
// policy file, through every report format that carries check findings. Expected values come
// from the images themselves (their config, read here) and from the fixtures' own headers.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "cli_runner.h"
#include "testing/testdata.h"

namespace hullscan {
namespace {

namespace fs = std::filesystem;
using hullscan::testing::CliRun;
using hullscan::testing::Hullscan;
using hullscan::testing::ImagesDir;
using hullscan::testing::Quote;
using nlohmann::json;

json Parse(const std::string& text) {
  json j = json::parse(text, nullptr, false);
  EXPECT_FALSE(j.is_discarded()) << text.substr(0, 300);
  return j;
}

// The image config (from the OCI layout) of a reference image.
json ImageConfig(const std::string& key) {
  fs::path dir = ImagesDir() / "oci" / key;
  std::ifstream index_in(dir / "index.json");
  json index = json::parse(index_in);
  std::string manifest_digest = index["manifests"][0]["digest"];
  std::ifstream manifest_in(dir / "blobs" / "sha256" / manifest_digest.substr(7));
  json manifest = json::parse(manifest_in);
  std::string config_digest = manifest["config"]["digest"];
  std::ifstream config_in(dir / "blobs" / "sha256" / config_digest.substr(7));
  return json::parse(config_in);
}

class ChecksE2E : public ::testing::Test {
 protected:
  void SetUp() override {
    if (ImagesDir().empty()) GTEST_SKIP() << "HULLSCAN_IMAGES is not set (scripts/test sets it)";
  }
  CliRun Run(const std::string& args) {
    return Hullscan(args, work_.path(), "HULLSCAN_CACHE_DIR=" + Quote((work_.path() / "cache").string()));
  }
  std::string Archive(const std::string& key) {
    return Quote("docker-archive:" + (ImagesDir() / "docker-archive" / (key + ".tar")).string());
  }
  std::set<std::string> Ids(const json& doc) {
    std::set<std::string> ids;
    for (const auto& c : doc["checks"]) ids.insert(c["id"].get<std::string>());
    return ids;
  }
  hullscan::testing::TempDir work_;
};

TEST_F(ChecksE2E, SecretsImageRunsAsRootAndLeaksEverySecretMasked) {
  CliRun r = Run("image " + Archive("app-secrets_bookworm") + " --scanners config,secret -f json -q");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  json doc = Parse(r.out);
  std::set<std::string> ids = Ids(doc);
  EXPECT_TRUE(ids.count("CFG-USER-ROOT"));
  // Every ENV value of the image config that names a credential is reported from the config,
  // and no value appears anywhere in the output.
  json config = ImageConfig("app-secrets_bookworm");
  int env_secrets = 0;
  for (const auto& e : config["config"]["Env"]) {
    std::string kv = e.get<std::string>();
    std::string name = kv.substr(0, kv.find('='));
    std::string value = kv.substr(kv.find('=') + 1);
    if (name == "PATH") continue;
    ++env_secrets;
    EXPECT_EQ(r.out.find(value), std::string::npos) << name << "'s value is in the report";
    bool reported = false;
    for (const auto& c : doc["checks"])
      if (c["kind"] == "secret" && c["match"].get<std::string>().rfind(name + "=", 0) == 0) reported = true;
    EXPECT_TRUE(reported) << name << " in ENV not reported";
  }
  EXPECT_EQ(env_secrets, 4);
  // The .env deleted by the top layer is still reported, from the layer that added it.
  const auto& layers = doc["artifact"]["layers"];
  ASSERT_EQ(layers.size(), 3u);
  int env_file_hits = 0;
  for (const auto& c : doc["checks"]) {
    if (c["path"] != "app/.env") continue;
    ++env_file_hits;
    EXPECT_EQ(c["layer_diff_id"], layers[1]["diff_id"]);
  }
  EXPECT_EQ(env_file_hits, 4);
  // Private keys by content and by name.
  for (const std::string path : {"root/.ssh/id_rsa", "root/.ssh/id_ed25519", "etc/ssl/private/app.key"}) {
    bool by_content = false, by_name = false;
    for (const auto& c : doc["checks"]) {
      if (c["path"] != path) continue;
      by_content = by_content || c["id"] == "SECRET-PRIVATE-KEY";
      by_name = by_name || c["id"] == "FS-CREDENTIAL-FILE";
    }
    EXPECT_TRUE(by_content && by_name) << path;
  }
}

TEST_F(ChecksE2E, NonRootImagePassesTheUserCheckAndThePolicy) {
  std::ofstream(work_.path() / "policy.yaml") << "require_non_root: true\nforbid_secrets: true\n";
  std::string policy = " --policy " + Quote((work_.path() / "policy.yaml").string());
  CliRun nonroot = Run("image " + Archive("app-nonroot_bookworm") + " --scanners config,secret -f json -q" + policy);
  ASSERT_EQ(nonroot.exit_code, 0) << nonroot.err;
  std::set<std::string> ids = Ids(Parse(nonroot.out));
  EXPECT_FALSE(ids.count("CFG-USER-ROOT"));
  EXPECT_FALSE(ids.count("CFG-USER-NAME")) << "USER 10001:10001 is numeric";

  CliRun root = Run("image " + Archive("app-secrets_bookworm") + " --scanners config,secret -f json -q" + policy);
  EXPECT_EQ(root.exit_code, 1);
  EXPECT_NE(root.err.find("require_non_root"), std::string::npos) << root.err;
  EXPECT_NE(root.err.find("forbid_secrets"), std::string::npos) << root.err;
}

TEST_F(ChecksE2E, GatesAndIgnoreFileApplyToCheckFindings) {
  std::string base = "image " + Archive("app-secrets_bookworm") + " --scanners config -f json -q";
  EXPECT_EQ(Run(base + " --severity HIGH --exit-code 3").exit_code, 3);
  std::ofstream(work_.path() / "ignore") << "CFG-USER-ROOT  # runs as root on purpose in this test\n";
  CliRun ignored = Run(base + " --severity HIGH --exit-code 3 --ignorefile " + Quote((work_.path() / "ignore").string()));
  EXPECT_EQ(ignored.exit_code, 0) << ignored.err;
  json doc = Parse(ignored.out);
  bool marked = false;
  for (const auto& c : doc["checks"])
    if (c["id"] == "CFG-USER-ROOT") marked = c.contains("suppressed_by") && !c["suppressed_by"].is_null();
  EXPECT_TRUE(marked) << "an ignored finding is kept and marked";
}

TEST_F(ChecksE2E, SarifWithCheckFindingsIsValid) {
  fs::path out = work_.path() / "checks.sarif";
  CliRun r = Run("image " + Archive("app-secrets_bookworm") + " --scanners config,secret -f sarif -q -o " +
                 Quote(out.string()));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  fs::path validator = hullscan::testing::SourceDir() / "tests/tools/schema-validator/validate.mjs";
  fs::path schema = hullscan::testing::SharedDir() / "schemas" / "sarif-2.1.0.schema.json";
  ASSERT_TRUE(fs::exists(validator)) << validator;
  int status = std::system(("node " + Quote(validator.string()) + " " + Quote(schema.string()) + " " + Quote(out.string()) +
                            " > " + Quote((work_.path() / "validate.out").string()) + " 2>&1")
                               .c_str());
  EXPECT_EQ(status, 0) << hullscan::testing::Slurp(work_.path() / "validate.out");
  json sarif = json::parse(hullscan::testing::Slurp(out));
  std::set<std::string> rules;
  for (const auto& rule : sarif["runs"][0]["tool"]["driver"]["rules"]) rules.insert(rule["id"].get<std::string>());
  EXPECT_TRUE(rules.count("CFG-USER-ROOT"));
  EXPECT_TRUE(rules.count("SECRET-PRIVATE-KEY"));
}

TEST_F(ChecksE2E, ConfigCommandOnTheFixtures) {
  fs::path fixtures = hullscan::testing::SourceDir() / "tests/checks/iac/fixtures";
  ASSERT_TRUE(fs::is_directory(fixtures));
  CliRun all = Run("config " + Quote(fixtures.string()) + " -f json -q");
  ASSERT_EQ(all.exit_code, 0) << all.err;
  std::set<std::string> ids = Ids(Parse(all.out));
  EXPECT_TRUE(ids.count("DF-LAST-USER-ROOT"));
  EXPECT_TRUE(ids.count("K8S-PRIVILEGED"));
  CliRun gated = Run("config " + Quote(fixtures.string()) + " --severity CRITICAL,HIGH --exit-code 4 -q");
  EXPECT_EQ(gated.exit_code, 4);
  CliRun missing = Run("config " + Quote((work_.path() / "nope").string()));
  EXPECT_EQ(missing.exit_code, 2);
}

}  // namespace
}  // namespace hullscan
