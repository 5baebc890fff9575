// End-to-end signing: `hullscan key generate`, `sign`, `verify` and `image --require-signature`
// against a real docker-registry on loopback, checked both ways with the real cosign
// (../shared/tools/peer-tools.sh puts it in $PEERS/bin; the tests skip without it).
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
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

constexpr char kPassword[] = "e2e-key-password";

fs::path Peer(const std::string& name) { return hullscan::testing::PeerTool(name); }

// Runs a shell command; returns its exit code and combined output.
std::pair<int, std::string> Shell(const std::string& command, const fs::path& dir) {
  fs::path out = dir / "shell.out";
  int status = std::system((command + " >" + Quote(out.string()) + " 2>&1").c_str());
  int code = (status != -1 && WIFEXITED(status)) ? WEXITSTATUS(status) : -1;
  return {code, hullscan::testing::Slurp(out)};
}

class SignE2E : public ::testing::Test {
 protected:
  void SetUp() override {
    if (ImagesDir().empty()) GTEST_SKIP() << "HULLSCAN_IMAGES is not set (scripts/test sets it)";
    registry_ = LocalRegistry::Start(RegistryConfig{});
    ASSERT_TRUE(registry_);
    ASSERT_TRUE(registry_->Push("oci:" + (ImagesDir() / "oci" / "alpine_3.20.3").string() + ":3.20.3", "signed/alpine:1"));
    ASSERT_TRUE(registry_->Push("oci:" + (ImagesDir() / "oci" / "alpine_3.19.4").string() + ":3.19.4", "unsigned/alpine:1"));
    env_ = "HULLSCAN_PASSWORD=" + Quote(kPassword) + " HULLSCAN_CACHE_DIR=" + Quote((work_.path() / "cache").string());
    prefix_ = (work_.path() / "release").string();
    CliRun gen = Run("key generate --output-key-prefix " + Quote(prefix_));
    ASSERT_EQ(gen.exit_code, 0) << gen.err;
  }

  CliRun Run(const std::string& args) { return Hullscan(args, work_.path(), env_); }
  std::string Ref(const std::string& repo) { return registry_->host() + "/" + repo + ":1"; }

  hullscan::testing::TempDir work_;
  std::unique_ptr<LocalRegistry> registry_;
  std::string env_;
  std::string prefix_;
};

TEST_F(SignE2E, SignVerifyAndGateAScan) {
  EXPECT_EQ(fs::status(prefix_ + ".key").permissions() & fs::perms::group_all, fs::perms::none);
  CliRun signed_ = Run("sign --key " + Quote(prefix_ + ".key") + " -a team=payments " + Ref("signed/alpine"));
  ASSERT_EQ(signed_.exit_code, 0) << signed_.err;

  CliRun ok = Run("verify --key " + Quote(prefix_ + ".pub") + " -a team=payments -f json " + Ref("signed/alpine"));
  ASSERT_EQ(ok.exit_code, 0) << ok.out << ok.err;
  json doc = json::parse(ok.out, nullptr, false);
  ASSERT_FALSE(doc.is_discarded()) << ok.out;
  EXPECT_TRUE(doc["verified"].get<bool>());

  // A required annotation the signature lacks: not verified, with the reason.
  CliRun missing = Run("verify --key " + Quote(prefix_ + ".pub") + " -a team=billing " + Ref("signed/alpine"));
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.out.find("team"), std::string::npos) << missing.out;

  // The scan gate: signed image scanned; unsigned image and wrong key refused before scanning.
  CliRun scan = Run("image --require-signature --key " + Quote(prefix_ + ".pub") + " --scanners none -f json " +
                    Ref("signed/alpine"));
  EXPECT_EQ(scan.exit_code, 0) << scan.err;
  json scanned = json::parse(scan.out, nullptr, false);
  EXPECT_FALSE(scanned["packages"].empty());
  // The report says which signature let the image through.
  ASSERT_TRUE(scanned["signature"].is_object()) << scan.out.substr(0, 300);
  EXPECT_TRUE(scanned["signature"]["verified"].get<bool>());
  EXPECT_EQ(scanned["signature"]["signatures"][0]["kind"], "cosign");
  EXPECT_TRUE(scanned["signature"]["signatures"][0]["valid"].get<bool>());
  CliRun unsigned_ = Run("image --require-signature --key " + Quote(prefix_ + ".pub") + " --scanners none " +
                         Ref("unsigned/alpine"));
  EXPECT_EQ(unsigned_.exit_code, 2);
  EXPECT_NE(unsigned_.err.find("no signature"), std::string::npos) << unsigned_.err;
  EXPECT_TRUE(unsigned_.out.empty());

  ASSERT_EQ(Run("key generate --output-key-prefix " + Quote((work_.path() / "other").string())).exit_code, 0);
  CliRun wrong = Run("image --require-signature --key " + Quote((work_.path() / "other.pub").string()) +
                     " --scanners none " + Ref("signed/alpine"));
  EXPECT_EQ(wrong.exit_code, 2);
  EXPECT_NE(wrong.err.find("does not verify"), std::string::npos) << wrong.err;

  // A wrong password for the private key is a clear error.
  CliRun bad_password = Hullscan("sign --key " + Quote(prefix_ + ".key") + " " + Ref("signed/alpine"), work_.path(),
                                 "HULLSCAN_PASSWORD=not-it");
  EXPECT_EQ(bad_password.exit_code, 2);
  EXPECT_NE(bad_password.err.find("password"), std::string::npos) << bad_password.err;
}

TEST_F(SignE2E, CosignAcceptsOurSignaturesAndWeAcceptCosigns) {
  fs::path cosign = Peer("cosign2");
  if (cosign.empty()) GTEST_SKIP() << "cosign2 not in $PEERS/bin (../shared/tools/peer-tools.sh DIR cosign2)";
  ASSERT_EQ(Run("sign --key " + Quote(prefix_ + ".key") + " " + Ref("signed/alpine")).exit_code, 0);
  auto [code, out] = Shell("COSIGN_PASSWORD= " + Quote(cosign.string()) + " verify --key " + Quote(prefix_ + ".pub") +
                               " --insecure-ignore-tlog --allow-insecure-registry " + Ref("signed/alpine"),
                           work_.path());
  EXPECT_EQ(code, 0) << out;

  // cosign signs with ITS key (and our key file format is not involved); we verify.
  auto [gen, gen_out] = Shell("cd " + Quote(work_.path().string()) + " && COSIGN_PASSWORD=pw " + Quote(cosign.string()) +
                                  " generate-key-pair --output-key-prefix cosign",
                              work_.path());
  ASSERT_EQ(gen, 0) << gen_out;
  auto [sign, sign_out] = Shell("COSIGN_PASSWORD=pw " + Quote(cosign.string()) + " sign --yes --key " +
                                    Quote((work_.path() / "cosign.key").string()) +
                                    " --tlog-upload=false --allow-insecure-registry " + Ref("unsigned/alpine"),
                                work_.path());
  ASSERT_EQ(sign, 0) << sign_out;
  CliRun verified = Run("verify --key " + Quote((work_.path() / "cosign.pub").string()) + " " + Ref("unsigned/alpine"));
  EXPECT_EQ(verified.exit_code, 0) << verified.out << verified.err;
  // And our gate takes cosign's signature too.
  CliRun scan = Run("image --require-signature --key " + Quote((work_.path() / "cosign.pub").string()) +
                    " --scanners none -q " + Ref("unsigned/alpine"));
  EXPECT_EQ(scan.exit_code, 0) << scan.err;
}

}  // namespace
}  // namespace hullscan
