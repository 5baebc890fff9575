// sign/cosign.h and sign/store.h against the real tools over a real registry on loopback
// (tests/testing/registry_fixture.h): cosign 2.x and 3.x ($PEERS/bin/cosign2, cosign3) and
// skopeo with sigstore support ($PEERS/bin/skopeo-sigstore), both directions, plus the bad-input
// cases of shared/tools/sign-interop.sh, each checked for its specific reason, with the peers'
// own verdict on the same bytes as the cross-check.
#include "sign/cosign.h"

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <vector>

#include "base/digest.h"
#include "net/registry.h"
#include "sign/keys.h"
#include "sign/store.h"
#include "testing/registry_fixture.h"
#include "testing/testdata.h"

namespace hullscan::sign {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;
using hullscan::testing::LocalRegistry;
using hullscan::testing::ReadFileOrFail;
using hullscan::testing::TempDir;

constexpr char kPassword[] = "interop-pass";

using hullscan::testing::PeersDir;

// A peer tool, or empty when it is not there (tests then skip, naming it).
fs::path Peer(const std::string& name) { return hullscan::testing::PeerTool(name); }

std::string ShellQuote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') out += "'\\''";
    else out.push_back(c);
  }
  return out + "'";
}

struct RunResult {
  int rc = -1;
  std::string output;
};

// Runs argv in `cwd` (also HOME, so no tool reads or writes the real home) with extra environment.
RunResult RunTool(const std::vector<std::string>& argv, const fs::path& cwd,
                  const std::map<std::string, std::string>& env = {}) {
  std::string cmd = "cd " + ShellQuote(cwd.string()) + " && env HOME=" + ShellQuote(cwd.string());
  for (const auto& [k, v] : env) cmd += " " + k + "=" + ShellQuote(v);
  cmd += " timeout 120";
  for (const auto& a : argv) cmd += " " + ShellQuote(a);
  fs::path out = cwd / ".run-output";
  cmd += " >" + ShellQuote(out.string()) + " 2>&1";
  int status = std::system(cmd.c_str());
  RunResult r;
  r.rc = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  std::ifstream in(out);
  std::stringstream ss;
  ss << in.rdbuf();
  r.output = ss.str();
  return r;
}

void WriteFile(const fs::path& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary);
  out << content;
}

// cosign 3 writes the legacy .sig format (what this module reads) only when told.
struct CosignTool {
  std::string name;
  std::vector<std::string> sign_flags;
};
const std::vector<CosignTool>& CosignTools() {
  static const std::vector<CosignTool> tools = {
      {"cosign2", {"--tlog-upload=false"}},
      {"cosign3", {"--tlog-upload=false", "--use-signing-config=false", "--new-bundle-format=false"}}};
  return tools;
}

// A one-layer OCI image made here (an empty tar layer): a real image as far as registries,
// skopeo and cosign are concerned, and independent of the reference image set.
Digest MakeTinyLayout(const fs::path& dir) {
  fs::create_directories(dir / "blobs" / "sha256");
  auto put = [&](const std::string& data) {
    Digest d = Sha256::Of(data);
    WriteFile(dir / "blobs" / "sha256" / d.hex(), data);
    return d;
  };
  // An empty tar archive (two zero blocks), gzip -n -9: compressed already, so skopeo pushes it
  // unchanged and the manifest keeps its digest in the registry.
  static constexpr unsigned char kGzipEmptyTar[] = {0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x03,
                                                    0x63, 0x60, 0x18, 0x05, 0xa3, 0x60, 0x14, 0x8c, 0x54, 0x00,
                                                    0x00, 0x2e, 0xaf, 0xb5, 0xef, 0x00, 0x04, 0x00, 0x00};
  std::string layer(reinterpret_cast<const char*>(kGzipEmptyTar), sizeof(kGzipEmptyTar));
  Digest layer_digest = put(layer);
  Digest diff_id = Sha256::Of(std::string(1024, '\0'));
  std::string config = R"({"architecture":"amd64","os":"linux","config":{},"rootfs":{"type":"layers","diff_ids":[")" +
                       diff_id.ToString() + R"("]}})";
  Digest config_digest = put(config);
  json manifest = {{"schemaVersion", 2},
                   {"mediaType", "application/vnd.oci.image.manifest.v1+json"},
                   {"config",
                    {{"mediaType", "application/vnd.oci.image.config.v1+json"},
                     {"digest", config_digest.ToString()},
                     {"size", config.size()}}},
                   {"layers",
                    {{{"mediaType", "application/vnd.oci.image.layer.v1.tar+gzip"},
                      {"digest", layer_digest.ToString()},
                      {"size", layer.size()}}}}};
  std::string manifest_text = manifest.dump();
  Digest manifest_digest = put(manifest_text);
  json index = {{"schemaVersion", 2},
                {"manifests",
                 {{{"mediaType", "application/vnd.oci.image.manifest.v1+json"},
                   {"digest", manifest_digest.ToString()},
                   {"size", manifest_text.size()},
                   {"annotations", {{"org.opencontainers.image.ref.name", "v1"}}}}}}};
  WriteFile(dir / "index.json", index.dump());
  WriteFile(dir / "oci-layout", R"({"imageLayoutVersion":"1.0.0"})");
  return manifest_digest;
}

// The exact payload bytes cosign writes (see cosign.h).
std::string PayloadText(const std::string& ref, const std::string& digest, const std::string& optional = "null") {
  return R"({"critical":{"identity":{"docker-reference":")" + ref + R"("},"image":{"docker-manifest-digest":")" +
         digest + R"("},"type":"cosign container image signature"},"optional":)" + optional + "}";
}

struct CraftedSignature {
  std::string payload;
  std::string signature_b64;
};

// Pushes a signature manifest made by hand (as sign-interop.sh's reference signer does), to
// store bad signatures that no tool would write.
void PushCrafted(ArtifactStore& store, const Digest& image, const std::vector<CraftedSignature>& sigs) {
  json layers = json::array();
  json diff_ids = json::array();
  for (const auto& s : sigs) {
    Digest d = Sha256::Of(s.payload);
    ASSERT_TRUE(store.PutBlob(d, s.payload).ok());
    layers.push_back({{"mediaType", kCosignSimpleSigningMediaType},
                      {"digest", d.ToString()},
                      {"size", s.payload.size()},
                      {"annotations", {{std::string(kCosignSignatureAnnotation), s.signature_b64}}}});
    diff_ids.push_back(d.ToString());
  }
  std::string config = json({{"architecture", ""}, {"os", ""}, {"config", json::object()},
                             {"rootfs", {{"type", "layers"}, {"diff_ids", diff_ids}}}})
                           .dump();
  Digest cd = Sha256::Of(config);
  ASSERT_TRUE(store.PutBlob(cd, config).ok());
  json manifest = {{"schemaVersion", 2},
                   {"mediaType", "application/vnd.oci.image.manifest.v1+json"},
                   {"config", {{"mediaType", "application/vnd.oci.image.config.v1+json"}, {"digest", cd.ToString()},
                               {"size", config.size()}}},
                   {"layers", layers}};
  auto pushed = store.PutManifest(CosignSignatureTag(image), "application/vnd.oci.image.manifest.v1+json", manifest.dump());
  ASSERT_TRUE(pushed.ok()) << pushed.error().message();
}

std::string Flip(const std::string& bytes) {
  std::string out = bytes;
  out[out.size() - 1] ^= 1;
  return out;
}

std::string Reasons(const Verification& v) {
  std::string out;
  for (const auto& c : v.checks) out += c.where + ": " + (c.valid ? "valid" : c.reason) + "\n";
  return out;
}

class CosignInterop : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    image_dir_ = new TempDir();
    image_digest_ = MakeTinyLayout(image_dir_->path() / "img");
    registry_ = LocalRegistry::Start({}).release();
    if (registry_ == nullptr) return;
    net::RegistryOptions options;
    options.plain_http = true;
    auto client = net::RegistryClient::Connect(registry_->host(), options);
    if (client.ok()) shared_client_ = new std::shared_ptr<net::RegistryClient>(std::move(*client));
  }
  static void TearDownTestSuite() {
    delete shared_client_;
    shared_client_ = nullptr;
    delete registry_;
    registry_ = nullptr;
    delete image_dir_;
    image_dir_ = nullptr;
  }

  void SetUp() override {
    if (registry_ == nullptr || shared_client_ == nullptr) GTEST_SKIP() << "no local registry (docker-registry/skopeo)";
    cosign_key_ = GenerateKeyPair(kPassword).value();
  }

  static std::string Host() { return registry_->host(); }
  static std::string Layout() { return "oci:" + (image_dir_->path() / "img").string() + ":v1"; }

  // Pushes the tiny image to REG/<repo>:v1.
  static void PushImage(const std::string& repo) { ASSERT_TRUE(registry_->Push(Layout(), repo + ":v1")); }
  static std::unique_ptr<ArtifactStore> Store(const std::string& repo) { return NewRegistryStore(*shared_client_, repo); }

  // A key pair of ours, written as files in `dir` (NAME.key / NAME.pub).
  static PrivateKey WriteOurKeys(const fs::path& dir, const std::string& name, PublicKey* pub) {
    auto pair = GenerateKeyPair(kPassword).value();
    WriteFile(dir / (name + ".key"), pair.private_pem);
    WriteFile(dir / (name + ".pub"), pair.public_pem);
    *pub = LoadPublicKey(pair.public_pem).value();
    return LoadPrivateKey(pair.private_pem, kPassword).value();
  }

  static RunResult CosignSign(const CosignTool& tool, const fs::path& dir, const std::string& key_file,
                              const std::string& ref, const std::vector<std::string>& extra = {}) {
    std::vector<std::string> argv = {Peer(tool.name).string(), "sign", "--key", key_file, "--yes",
                                     "--allow-http-registry"};
    argv.insert(argv.end(), tool.sign_flags.begin(), tool.sign_flags.end());
    argv.insert(argv.end(), extra.begin(), extra.end());
    argv.push_back(ref);
    return RunTool(argv, dir, {{"COSIGN_PASSWORD", kPassword}});
  }
  static RunResult CosignVerify(const std::string& tool, const fs::path& dir, const std::string& pub_file,
                                const std::string& ref, const std::vector<std::string>& extra = {}) {
    std::vector<std::string> argv = {Peer(tool).string(), "verify", "--key", pub_file, "--insecure-ignore-tlog",
                                     "--allow-http-registry"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    argv.push_back(ref);
    return RunTool(argv, dir);
  }
  // skopeo with a sigstoreSigned policy for REG/<scope> pulls REG/<repo>:v1.
  static RunResult SkopeoPull(const fs::path& dir, const std::string& pub_file, const std::string& scope,
                              const std::string& repo) {
    fs::create_directories(dir / "regd");
    WriteFile(dir / "regd" / "local.yaml", "docker:\n  " + Host() + ":\n    use-sigstore-attachments: true\n");
    json policy = {{"default", {{{"type", "reject"}}}},
                   {"transports",
                    {{"docker",
                      {{Host() + "/" + scope,
                        {{{"type", "sigstoreSigned"},
                          {"keyPath", pub_file},
                          // cosign and hullscan sign the repository without a tag, which the default
                          // matchRepoDigestOrExact refuses when pulling by tag (sign-interop.sh).
                          {"signedIdentity", {{"type", "matchRepository"}}}}}}}}}}};
    WriteFile(dir / "policy.json", policy.dump());
    fs::remove_all(dir / "out");
    return RunTool({Peer("skopeo-sigstore").string(), "--policy", "policy.json", "--registries.d", "regd", "copy",
                    "--remove-signatures", "--src-tls-verify=false", "docker://" + Host() + "/" + repo + ":v1",
                    "oci:out:v1"},
                   dir);
  }
  // The first of `names` missing from $PEERS/bin, as a skip reason; empty when all are there.
  static std::string MissingPeer(const std::vector<std::string>& names) {
    for (const auto& n : names) {
      if (Peer(n).empty()) return n + " not found under " + PeersDir().string() + "/bin (shared/tools/peer-tools.sh)";
    }
    return "";
  }

  static Verification MustVerify(ArtifactStore& store, const PublicKey& key, const VerifyOptions& options = {}) {
    auto v = VerifyCosignSignatures(store, image_digest_, key, options);
    EXPECT_TRUE(v.ok()) << v.error().message();
    return v.ok() ? *v : Verification{};
  }

  static inline TempDir* image_dir_ = nullptr;
  static inline Digest image_digest_;
  static inline LocalRegistry* registry_ = nullptr;
  static inline std::shared_ptr<net::RegistryClient>* shared_client_ = nullptr;
  KeyPairPem cosign_key_;
};

// 1. cosign 2 and 3 signatures (key pair, no tlog), with an annotation, verified by us.
TEST_F(CosignInterop, WeVerifyCosignSignatures) {
  if (auto missing = MissingPeer({"cosign2", "cosign3"}); !missing.empty()) GTEST_SKIP() << missing;
  for (const auto& tool : CosignTools()) {
    SCOPED_TRACE(tool.name);
    TempDir dir;
    ASSERT_EQ(RunTool({Peer(tool.name).string(), "generate-key-pair"}, dir.path(), {{"COSIGN_PASSWORD", kPassword}}).rc, 0);
    std::string repo = "interop/by-" + tool.name;
    PushImage(repo);
    std::string ref = Host() + "/" + repo + "@" + image_digest_.ToString();
    RunResult signed_ = CosignSign(tool, dir.path(), "cosign.key", ref, {"-a", "team=red"});
    ASSERT_EQ(signed_.rc, 0) << signed_.output;

    auto pub = LoadPublicKey(ReadFileOrFail(dir.path() / "cosign.pub")).value();
    auto store = Store(repo);
    Verification v = MustVerify(*store, pub);
    EXPECT_TRUE(v.verified) << Reasons(v);
    ASSERT_EQ(v.checks.size(), 1u);
    EXPECT_EQ(v.checks[0].where, "cosign signature 1 of 1 (" + CosignSignatureTag(image_digest_) + ")");
    EXPECT_EQ(v.checks[0].docker_reference, Host() + "/" + repo);
    EXPECT_EQ(v.checks[0].annotations, (std::map<std::string, std::string>{{"team", "red"}}));

    VerifyOptions annotated;
    annotated.annotations = {{"team", "red"}};
    EXPECT_TRUE(MustVerify(*store, pub, annotated).verified);
    annotated.annotations = {{"team", "blue"}};
    Verification wrong_value = MustVerify(*store, pub, annotated);
    EXPECT_FALSE(wrong_value.verified);
    EXPECT_EQ(wrong_value.checks[0].reason, "annotation team is 'red', expected 'blue'");
    annotated.annotations = {{"env", "prod"}};
    EXPECT_EQ(MustVerify(*store, pub, annotated).checks[0].reason, "annotation env=prod missing");

    PublicKey other;
    WriteOurKeys(dir.path(), "other", &other);
    Verification wrong_key = MustVerify(*store, other);
    EXPECT_FALSE(wrong_key.verified);
    EXPECT_EQ(wrong_key.checks[0].reason, "signature does not verify with the given key");
  }
}

// 1. skopeo copy --sign-by-sigstore-private-key (use-sigstore-attachments), verified by us. skopeo
// signs the reference it pushed to, tag included; the repository still matches.
TEST_F(CosignInterop, WeVerifySkopeoSignatures) {
  if (auto missing = MissingPeer({"skopeo-sigstore"}); !missing.empty()) GTEST_SKIP() << missing;
  TempDir dir;
  WriteFile(dir.path() / "pass.txt", kPassword);
  RunResult gen = RunTool({Peer("skopeo-sigstore").string(), "generate-sigstore-key", "--output-prefix", "sk",
                           "--passphrase-file", "pass.txt"},
                          dir.path());
  ASSERT_EQ(gen.rc, 0) << gen.output;
  fs::create_directories(dir.path() / "regd");
  WriteFile(dir.path() / "regd" / "local.yaml", "docker:\n  " + Host() + ":\n    use-sigstore-attachments: true\n");
  WriteFile(dir.path() / "open.json", R"({"default":[{"type":"insecureAcceptAnything"}]})");
  RunResult copy = RunTool({Peer("skopeo-sigstore").string(), "--policy", "open.json", "--registries.d", "regd", "copy",
                            "--dest-tls-verify=false", "--sign-by-sigstore-private-key", "sk.private",
                            "--sign-passphrase-file", "pass.txt", Layout(), "docker://" + Host() + "/interop/by-skopeo:v1"},
                           dir.path());
  ASSERT_EQ(copy.rc, 0) << copy.output;
  auto pub = LoadPublicKey(ReadFileOrFail(dir.path() / "sk.pub")).value();
  auto store = Store("interop/by-skopeo");
  Verification v = MustVerify(*store, pub);
  EXPECT_TRUE(v.verified) << Reasons(v);
  ASSERT_EQ(v.checks.size(), 1u);
  EXPECT_EQ(v.checks[0].docker_reference, Host() + "/interop/by-skopeo:v1");
  EXPECT_EQ(v.checks[0].annotations.count("creator"), 1u);  // skopeo's optional {creator, timestamp}
  // The identity rule sees through the tag but not to another repository.
  VerifyOptions elsewhere;
  elsewhere.identity = Host() + "/interop/other";
  EXPECT_EQ(MustVerify(*store, pub, elsewhere).checks[0].reason,
            "identity '" + Host() + "/interop/by-skopeo:v1' does not match '" + Host() + "/interop/other'");

  // 3. skopeo signs with OUR key file; we, cosign and skopeo verify with our public key.
  PublicKey our_pub;
  WriteOurKeys(dir.path(), "ours", &our_pub);
  copy = RunTool({Peer("skopeo-sigstore").string(), "--policy", "open.json", "--registries.d", "regd", "copy",
                  "--dest-tls-verify=false", "--sign-by-sigstore-private-key", "ours.key", "--sign-passphrase-file",
                  "pass.txt", Layout(), "docker://" + Host() + "/interop/skopeo-our-key:v1"},
                 dir.path());
  ASSERT_EQ(copy.rc, 0) << copy.output;
  auto ours_store = Store("interop/skopeo-our-key");
  Verification ours = MustVerify(*ours_store, our_pub);
  EXPECT_TRUE(ours.verified) << Reasons(ours);
  EXPECT_FALSE(MustVerify(*ours_store, pub).verified);
  if (!Peer("cosign2").empty()) {
    RunResult r = CosignVerify("cosign2", dir.path(), "ours.pub", Host() + "/interop/skopeo-our-key:v1");
    EXPECT_EQ(r.rc, 0) << r.output;
  }
  RunResult pulled = SkopeoPull(dir.path(), (dir.path() / "ours.pub").string(), "interop", "interop/skopeo-our-key");
  EXPECT_EQ(pulled.rc, 0) << pulled.output;
  // skopeo refuses our key file with a wrong passphrase, as we refuse its files.
  WriteFile(dir.path() / "wrong.txt", "wrong-pass");
  RunResult wrong = RunTool({Peer("skopeo-sigstore").string(), "--policy", "open.json", "--registries.d", "regd", "copy",
                             "--dest-tls-verify=false", "--sign-by-sigstore-private-key", "ours.key",
                             "--sign-passphrase-file", "wrong.txt", Layout(),
                             "docker://" + Host() + "/interop/skopeo-wrong-pass:v1"},
                            dir.path());
  EXPECT_NE(wrong.rc, 0);
  EXPECT_NE(wrong.output.find("decryption failed"), std::string::npos) << wrong.output;
}

// 2. + 3. Signatures made by SignImage, with our key file and with cosign's: cosign 2, cosign 3
// and skopeo (sigstoreSigned policy) accept them; cosign signs with our key file; signatures
// append to one manifest and the payload is byte-for-byte cosign's.
TEST_F(CosignInterop, PeersAcceptOurSignaturesAndSignaturesAppend) {
  if (auto missing = MissingPeer({"cosign2", "cosign3", "skopeo-sigstore"}); !missing.empty()) GTEST_SKIP() << missing;
  TempDir dir;
  const std::string repo = "interop/by-hullscan";
  PushImage(repo);
  PublicKey our_pub;
  PrivateKey our_key = WriteOurKeys(dir.path(), "ours", &our_pub);
  auto store = Store(repo);
  SignOptions options;
  options.annotations = {{"team", "red"}};
  ASSERT_TRUE(SignImage(*store, image_digest_, our_key, options).ok());

  const std::string by_tag = Host() + "/" + repo + ":v1";
  for (const char* tool : {"cosign2", "cosign3"}) {
    RunResult r = CosignVerify(tool, dir.path(), "ours.pub", by_tag, {"-a", "team=red"});
    EXPECT_EQ(r.rc, 0) << tool << ": " << r.output;
    EXPECT_NE(r.output.find(R"("optional":{"team":"red"})"), std::string::npos) << r.output;
    RunResult wrong_annotation = CosignVerify(tool, dir.path(), "ours.pub", by_tag, {"-a", "team=blue"});
    EXPECT_NE(wrong_annotation.rc, 0) << tool;
  }
  RunResult pulled = SkopeoPull(dir.path(), (dir.path() / "ours.pub").string(), "interop", repo);
  EXPECT_EQ(pulled.rc, 0) << pulled.output;

  // The manifest and config have cosign's shape.
  auto sig_manifest = store->GetManifest(CosignSignatureTag(image_digest_));
  ASSERT_TRUE(sig_manifest.ok());
  json m = json::parse(sig_manifest->body);
  EXPECT_EQ(m["mediaType"], "application/vnd.oci.image.manifest.v1+json");
  ASSERT_EQ(m["layers"].size(), 1u);
  EXPECT_EQ(m["layers"][0]["mediaType"], kCosignSimpleSigningMediaType);
  std::string payload = store->GetBlob(Digest::Parse(m["layers"][0]["digest"].get<std::string>()).value(), 1 << 20).value();
  EXPECT_EQ(payload, PayloadText(Host() + "/" + repo, image_digest_.ToString(), R"({"team":"red"})"));

  // cosign signs the same image with OUR key file (COSIGN_PASSWORD) and the same annotation:
  // its payload is byte-identical to ours (same layer digest), appended as a second layer.
  const CosignTool& cosign2 = CosignTools()[0];
  RunResult theirs = CosignSign(cosign2, dir.path(), "ours.key", Host() + "/" + repo + "@" + image_digest_.ToString(),
                                {"-a", "team=red"});
  ASSERT_EQ(theirs.rc, 0) << theirs.output;
  m = json::parse(store->GetManifest(CosignSignatureTag(image_digest_))->body);
  // cosign's duplicate detector: the same payload already signed by this key is not added again.
  EXPECT_EQ(m["layers"].size(), 1u) << m.dump();

  // A second key of cosign's own: appended after ours; we verify both; so does cosign.
  ASSERT_EQ(RunTool({Peer("cosign2").string(), "generate-key-pair"}, dir.path(), {{"COSIGN_PASSWORD", kPassword}}).rc, 0);
  theirs = CosignSign(cosign2, dir.path(), "cosign.key", Host() + "/" + repo + "@" + image_digest_.ToString(),
                      {"-a", "team=red"});
  ASSERT_EQ(theirs.rc, 0) << theirs.output;
  m = json::parse(store->GetManifest(CosignSignatureTag(image_digest_))->body);
  ASSERT_EQ(m["layers"].size(), 2u);
  EXPECT_EQ(m["layers"][0]["digest"], m["layers"][1]["digest"]) << "cosign's payload bytes are ours";
  auto cosign_pub = LoadPublicKey(ReadFileOrFail(dir.path() / "cosign.pub")).value();
  Verification by_cosign_key = MustVerify(*store, cosign_pub);
  EXPECT_TRUE(by_cosign_key.verified);
  ASSERT_EQ(by_cosign_key.checks.size(), 2u);
  EXPECT_EQ(by_cosign_key.checks[0].reason, "signature does not verify with the given key");
  EXPECT_TRUE(by_cosign_key.checks[1].valid);
  EXPECT_EQ(by_cosign_key.checks[1].where, "cosign signature 2 of 2 (" + CosignSignatureTag(image_digest_) + ")");

  // We append a third with another key of ours; re-signing with a key already there adds nothing.
  PublicKey third_pub;
  PrivateKey third = WriteOurKeys(dir.path(), "third", &third_pub);
  ASSERT_TRUE(SignImage(*store, image_digest_, third, options).ok());
  ASSERT_TRUE(SignImage(*store, image_digest_, third, options).ok());
  ASSERT_TRUE(SignImage(*store, image_digest_, our_key, options).ok());
  m = json::parse(store->GetManifest(CosignSignatureTag(image_digest_))->body);
  EXPECT_EQ(m["layers"].size(), 3u);
  json config = json::parse(store->GetBlob(Digest::Parse(m["config"]["digest"].get<std::string>()).value(), 1 << 20).value());
  EXPECT_EQ(config["rootfs"]["diff_ids"].size(), 3u);
  for (const auto& [pub_file, key] : std::vector<std::pair<std::string, const PublicKey*>>{
           {"ours.pub", &our_pub}, {"cosign.pub", &cosign_pub}, {"third.pub", &third_pub}}) {
    EXPECT_TRUE(MustVerify(*store, *key).verified) << pub_file;
    for (const char* tool : {"cosign2", "cosign3"}) {
      RunResult r = CosignVerify(tool, dir.path(), pub_file, by_tag);
      EXPECT_EQ(r.rc, 0) << tool << " " << pub_file << ": " << r.output;
    }
    RunResult p = SkopeoPull(dir.path(), (dir.path() / pub_file).string(), "interop", repo);
    EXPECT_EQ(p.rc, 0) << pub_file << ": " << p.output;
  }
}

// 3. cosign 3 also signs an image with our key file; we and cosign 2 verify it.
TEST_F(CosignInterop, Cosign3SignsWithOurKeyFile) {
  if (auto missing = MissingPeer({"cosign2", "cosign3"}); !missing.empty()) GTEST_SKIP() << missing;
  TempDir dir;
  const std::string repo = "interop/cosign3-our-key";
  PushImage(repo);
  PublicKey pub;
  WriteOurKeys(dir.path(), "ours", &pub);
  RunResult r = CosignSign(CosignTools()[1], dir.path(), "ours.key", Host() + "/" + repo + "@" + image_digest_.ToString());
  ASSERT_EQ(r.rc, 0) << r.output;
  auto store = Store(repo);
  Verification v = MustVerify(*store, pub);
  EXPECT_TRUE(v.verified) << Reasons(v);
  EXPECT_EQ(CosignVerify("cosign2", dir.path(), "ours.pub", Host() + "/" + repo + ":v1").rc, 0);
}

// 5. Bad input: each case stored in its own repository, rejected by us with its specific reason,
// and the peers' verdict on the same bytes as the cross-check (sign-interop.sh's messages).
TEST_F(CosignInterop, BadSignaturesAreRejectedWithSpecificReasons) {
  TempDir dir;
  PublicKey pub;
  PrivateKey key = WriteOurKeys(dir.path(), "ours", &pub);
  PublicKey other_pub;
  PrivateKey other = WriteOurKeys(dir.path(), "other", &other_pub);
  const std::string digest = image_digest_.ToString();
  auto sign = [&](const PrivateKey& k, const std::string& payload) {
    return CraftedSignature{payload, Base64Encode(SignData(k, payload).value())};
  };

  struct Case {
    std::string repo;
    std::vector<CraftedSignature> sigs;  // empty: no signature pushed
    std::string reason;                  // ours
    std::string cosign_says;             // in cosign verify's output ("" = cosign accepts)
    std::string skopeo_says;             // in skopeo's output
  };
  auto good_payload = [&](const std::string& repo) { return PayloadText(Host() + "/" + repo, digest); };
  std::vector<Case> cases;
  {
    CraftedSignature s = sign(key, good_payload("bad/tampered"));
    s.payload = PayloadText(Host() + "/bad/tampered", digest, R"({"x":"y"})");
    cases.push_back({"bad/tampered", {s}, "signature does not verify with the given key", "no matching signatures",
                     "cryptographic signature verification failed"});
  }
  {
    CraftedSignature s = sign(key, good_payload("bad/badsig"));
    s.signature_b64 = Base64Encode(Flip(*Base64Decode(s.signature_b64)));
    cases.push_back({"bad/badsig", {s}, "signature does not verify with the given key", "no matching signatures",
                     "cryptographic signature verification failed"});
  }
  cases.push_back({"bad/wrongkey", {sign(other, good_payload("bad/wrongkey"))}, "signature does not verify with the given key",
                   "no matching signatures", "cryptographic signature verification failed"});
  const std::string zero = "sha256:" + std::string(64, '0');
  cases.push_back({"bad/digest", {sign(key, PayloadText(Host() + "/bad/digest", zero))},
                   "payload digest '" + zero + "' ≠ image digest " + digest, "invalid or missing digest in claim",
                   "does not match"});
  // cosign checks no identity for key-based verification (it accepts this one); skopeo and we do.
  cases.push_back({"bad/otherrepo", {sign(key, PayloadText(Host() + "/elsewhere/app", digest))},
                   "identity '" + Host() + "/elsewhere/app' does not match '" + Host() + "/bad/otherrepo'", "",
                   "is not accepted"});
  cases.push_back({"bad/nosig", {}, "no signature (no tag " + CosignSignatureTag(image_digest_) + ")", "no signatures found",
                   "no signature exists"});
  cases.push_back({"bad/notbase64", {CraftedSignature{good_payload("bad/notbase64"), "%%%"}},
                   "dev.cosignproject.cosign/signature annotation is not base64", "no matching signatures",
                   "illegal base64 data"});
  {
    // cosign 2 does not look at critical.type (it accepts this); skopeo and we do.
    CraftedSignature s = sign(key, R"({"critical":{"identity":{"docker-reference":")" + Host() +
                      R"(/bad/type"},"image":{"docker-manifest-digest":")" + digest +
                      R"("},"type":"atomic container signature"},"optional":null})");
    cases.push_back({"bad/type", {s}, "payload type 'atomic container signature' is not 'cosign container image signature'",
                     "", "Unrecognized signature type"});
  }

  const bool have_cosign = !Peer("cosign2").empty();
  const bool have_skopeo = !Peer("skopeo-sigstore").empty();
  for (const auto& c : cases) {
    SCOPED_TRACE(c.repo);
    PushImage(c.repo);
    auto store = Store(c.repo);
    if (!c.sigs.empty()) PushCrafted(*store, image_digest_, c.sigs);
    Verification v = MustVerify(*store, pub);
    EXPECT_FALSE(v.verified);
    ASSERT_EQ(v.checks.size(), 1u) << Reasons(v);
    EXPECT_FALSE(v.checks[0].valid);
    EXPECT_EQ(v.checks[0].reason, c.reason);
    if (have_cosign) {
      RunResult r = CosignVerify("cosign2", dir.path(), "ours.pub", Host() + "/" + c.repo + ":v1");
      if (c.cosign_says.empty()) {
        EXPECT_EQ(r.rc, 0) << "cosign's own verdict changed: " << r.output;
      } else {
        EXPECT_NE(r.rc, 0) << r.output;
        EXPECT_NE(r.output.find(c.cosign_says), std::string::npos) << r.output;
      }
    }
    if (have_skopeo) {
      RunResult r = SkopeoPull(dir.path(), (dir.path() / "ours.pub").string(), "bad", c.repo);
      EXPECT_NE(r.rc, 0) << r.output;
      EXPECT_NE(r.output.find(c.skopeo_says), std::string::npos) << r.output;
    }
  }

  // One bad and one good signature: verified, and the bad one still reported with its reason.
  PushImage("bad/mixed");
  auto mixed = Store("bad/mixed");
  PushCrafted(*mixed, image_digest_, {sign(other, good_payload("bad/mixed")), sign(key, good_payload("bad/mixed"))});
  Verification v = MustVerify(*mixed, pub);
  EXPECT_TRUE(v.verified);
  ASSERT_EQ(v.checks.size(), 2u);
  EXPECT_EQ(v.checks[0].reason, "signature does not verify with the given key");
  EXPECT_TRUE(v.checks[1].valid);
}

TEST_F(CosignInterop, SigningNeedsAnExistingImageAndAValidReference) {
  TempDir dir;
  PublicKey pub;
  PrivateKey key = WriteOurKeys(dir.path(), "ours", &pub);
  PushImage("misc/app");
  auto store = Store("misc/app");
  Digest absent = Sha256::Of("no such manifest");
  Status missing = SignImage(*store, absent, key, {});
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code(), ErrorCode::kNotFound) << missing.error().message();
  SignOptions bad_ref;
  bad_ref.docker_reference = "Not A Reference";
  Status bad = SignImage(*store, image_digest_, key, bad_ref);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code(), ErrorCode::kInvalidArgument);
  auto tags = (*shared_client_)->ListTags("misc/app");
  ASSERT_TRUE(tags.ok());
  EXPECT_EQ(*tags, std::vector<std::string>{"v1"}) << "nothing was pushed";
}

// The OCI layout store: sign a layout, verify it, copy image + signature tag to the registry
// (skopeo) and have cosign verify there, since cosign cannot read a layout's .sig tag itself.
TEST_F(CosignInterop, OciLayoutSignedVerifiedAndAcceptedByCosignAfterCopy) {
  TempDir dir;
  fs::path layout = dir.path() / "layout";
  fs::copy(image_dir_->path() / "img", layout, fs::copy_options::recursive);
  auto opened = OpenLayoutStore(layout);
  ASSERT_TRUE(opened.ok()) << opened.error().message();
  ArtifactStore& store = **opened;
  EXPECT_EQ(store.Describe(), "oci:" + layout.string());
  PublicKey pub;
  PrivateKey key = WriteOurKeys(dir.path(), "ours", &pub);
  const std::string repo = "layout/app";

  Status no_ref = SignImage(store, image_digest_, key, {});
  ASSERT_FALSE(no_ref.ok());
  EXPECT_EQ(no_ref.error().code(), ErrorCode::kInvalidArgument);
  SignOptions options;
  options.docker_reference = Host() + "/" + repo;
  ASSERT_TRUE(SignImage(store, image_digest_, key, options).ok());
  PublicKey pub2;
  PrivateKey key2 = WriteOurKeys(dir.path(), "second", &pub2);
  ASSERT_TRUE(SignImage(store, image_digest_, key2, options).ok());

  // index.json: the image and one .sig tag (moved to the appended manifest, not duplicated).
  json index = json::parse(ReadFileOrFail(layout / "index.json"));
  std::vector<std::string> refs;
  for (const auto& d : index["manifests"]) refs.push_back(d["annotations"]["org.opencontainers.image.ref.name"]);
  EXPECT_EQ(refs, (std::vector<std::string>{"v1", CosignSignatureTag(image_digest_)}));

  auto no_identity = VerifyCosignSignatures(store, image_digest_, pub, {});
  ASSERT_FALSE(no_identity.ok());
  EXPECT_EQ(no_identity.error().code(), ErrorCode::kInvalidArgument);
  VerifyOptions vo;
  vo.identity = Host() + "/" + repo;
  Verification v = MustVerify(store, pub, vo);
  EXPECT_TRUE(v.verified) << Reasons(v);
  EXPECT_EQ(v.checks.size(), 2u);
  EXPECT_TRUE(MustVerify(store, pub2, vo).verified);
  vo.identity = Host() + "/elsewhere";
  EXPECT_FALSE(MustVerify(store, pub, vo).verified);

  // Referrers of a layout: a manifest whose subject is the image, listed even without a tag.
  json referrer = {{"schemaVersion", 2},
                   {"mediaType", "application/vnd.oci.image.manifest.v1+json"},
                   {"artifactType", "application/vnd.example.test"},
                   {"config", {{"mediaType", "application/vnd.oci.empty.v1+json"},
                               {"digest", Sha256::Of("{}").ToString()}, {"size", 2}}},
                   {"layers", json::array()},
                   {"subject", {{"mediaType", "application/vnd.oci.image.manifest.v1+json"},
                                {"digest", image_digest_.ToString()}, {"size", 1}}}};
  ASSERT_TRUE(store.PutBlob(Sha256::Of("{}"), "{}").ok());
  auto ref_digest = store.PutManifest("", "application/vnd.oci.image.manifest.v1+json", referrer.dump());
  ASSERT_TRUE(ref_digest.ok());
  json referrers = json::parse(store.GetReferrers(image_digest_, "").value());
  ASSERT_EQ(referrers["manifests"].size(), 1u);
  EXPECT_EQ(referrers["manifests"][0]["digest"], ref_digest->ToString());
  EXPECT_EQ(referrers["manifests"][0]["artifactType"], "application/vnd.example.test");
  EXPECT_EQ(json::parse(store.GetReferrers(image_digest_, "application/other").value())["manifests"].size(), 0u);
  EXPECT_EQ(store.GetManifest(ref_digest->ToString())->body, referrer.dump());

  if (Peer("cosign2").empty()) GTEST_SKIP() << "cosign2 not found: the registry half of this test is skipped";
  // Copy image and signature tag as they are (digests preserved), then cosign verifies.
  WriteFile(dir.path() / "open.json", R"({"default":[{"type":"insecureAcceptAnything"}]})");
  for (const std::string& tag : {std::string("v1"), CosignSignatureTag(image_digest_)}) {
    RunResult r = RunTool({"skopeo", "--policy", "open.json", "copy", "--preserve-digests", "--dest-tls-verify=false",
                           "oci:" + layout.string() + ":" + tag, "docker://" + Host() + "/" + repo + ":" + tag},
                          dir.path());
    ASSERT_EQ(r.rc, 0) << tag << ": " << r.output;
  }
  for (const char* tool : {"cosign2", "cosign3"}) {
    if (Peer(tool).empty()) continue;
    EXPECT_EQ(CosignVerify(tool, dir.path(), "ours.pub", Host() + "/" + repo + ":v1").rc, 0) << tool;
    EXPECT_EQ(CosignVerify(tool, dir.path(), "second.pub", Host() + "/" + repo + ":v1").rc, 0) << tool;
  }
  EXPECT_TRUE(MustVerify(*Store(repo), pub).verified);
}

}  // namespace
}  // namespace hullscan::sign
