// Notation signatures made by the real `notation` (PEERS/bin/notation) over a real registry on
// loopback (docker-registry 2.8: no referrers API, so notation stores its signatures under the
// referrers tag schema), verified by hullscan; `notation verify` is the sanity check for the
// cases where it can be asked the same question.
#include "sign/notation.h"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <set>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "net/registry.h"
#include "testing/registry_fixture.h"
#include "testing/testdata.h"

namespace hullscan::sign {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;
using Clock = std::chrono::system_clock;

constexpr std::string_view kSignatureType = "application/vnd.cncf.notary.signature";

// ----------------------------------------------------------------------------------------------
// An ArtifactStore over net::RegistryClient for these tests (store.h's NewRegistryStore belongs to
// the "cosign" helper). `serve_referrers` answers GetReferrers from the referrers tag schema, as a
// registry with the OCI 1.1 API would, so both discovery paths are exercised.

class TestRegistryStore : public ArtifactStore {
 public:
  TestRegistryStore(std::shared_ptr<net::RegistryClient> client, std::string repository, bool serve_referrers)
      : client_(std::move(client)), repository_(std::move(repository)), serve_referrers_(serve_referrers) {}
  std::string Describe() const override { return client_->registry() + "/" + repository_; }
  Result<StoredManifest> GetManifest(std::string_view reference) override {
    ++manifest_gets;
    HS_ASSIGN_OR_RETURN(net::ManifestResponse r, client_->GetManifest(repository_, reference));
    return StoredManifest{r.media_type, r.digest, r.body};
  }
  Result<std::string> GetBlob(const Digest& digest, uint64_t max_bytes) override {
    return client_->GetBlob(repository_, digest, max_bytes);
  }
  Status PutBlob(const Digest& digest, std::string_view content) override {
    return client_->PutBlob(repository_, digest, content);
  }
  Result<Digest> PutManifest(std::string_view tag, std::string_view media_type, std::string_view body) override {
    return client_->PutManifest(repository_, tag.empty() ? Sha256::Of(body).ToString() : std::string(tag), media_type,
                                body);
  }
  Result<std::string> GetReferrers(const Digest& subject, std::string_view artifact_type) override {
    ++referrers_gets;
    if (!serve_referrers_) return client_->GetReferrers(repository_, subject, artifact_type);
    auto index = client_->GetManifest(repository_, subject.algorithm() + "-" + subject.hex());
    if (!index.ok()) return std::string(R"({"schemaVersion":2,"manifests":[]})");
    return index->body;
  }
  int manifest_gets = 0;
  int referrers_gets = 0;

 private:
  std::shared_ptr<net::RegistryClient> client_;
  std::string repository_;
  bool serve_referrers_;
};

struct CommandResult {
  int rc = -1;
  std::string output;
};

CommandResult RunCommand(const std::string& command) {
  CommandResult result;
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return result;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, pipe)) > 0) result.output.append(buf, n);
  int status = pclose(pipe);
  result.rc = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

std::string Quote(const std::string& s) { return "'" + s + "'"; }

// notAfter of a PEM certificate.
Clock::time_point NotAfter(const fs::path& pem_file) {
  std::string pem = testing::ReadFileOrFail(pem_file);
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  X509* cert = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  if (cert == nullptr) {
    ADD_FAILURE() << "cannot read " << pem_file;
    return {};
  }
  std::tm tm{};
  ASN1_TIME_to_tm(X509_get0_notAfter(cert), &tm);
  X509_free(cert);
  return Clock::from_time_t(timegm(&tm));
}

// Everything the tests share: a registry with signed and unsigned images, notation's config.
struct World {
  std::string skip_reason;
  std::unique_ptr<testing::TempDir> temp;
  std::unique_ptr<testing::LocalRegistry> registry;
  std::shared_ptr<net::RegistryClient> client;
  fs::path notation;
  fs::path config;  // XDG_CONFIG_HOME
  Digest image;     // app:v1 (alpine 3.20.3), signed JWS + COSE
  Digest other;     // app:other (alpine 3.19.4), unsigned
  std::string env;  // "XDG_CONFIG_HOME=… " for commands
  std::string sign_output;
  fs::path pki;     // root CA and ECDSA leaf made with openssl

  fs::path notation_dir() const { return config / "notation"; }
  std::string repo(std::string_view name) const { return registry->host() + "/" + std::string(name); }

  CommandResult Notation(const std::string& args) const {
    return RunCommand(env + Quote(notation.string()) + " " + args);
  }
};

World* MakeWorld() {
  auto* w = new World;
  w->notation = testing::PeersDir() / "bin" / "notation";
  if (!fs::exists(w->notation)) {
    w->skip_reason = "notation not found at " + w->notation.string() + " (fetch it with shared/tools/peer-tools.sh)";
    return w;
  }
  fs::path images = testing::ReferenceImagesDir();
  if (images.empty()) {
    w->skip_reason = "HULLSCAN_IMAGES is not set (reference images, e.g. /work/images)";
    return w;
  }
  w->temp = std::make_unique<testing::TempDir>();
  w->config = w->temp->path() / "config";
  fs::create_directories(w->config);
  w->env = "XDG_CONFIG_HOME=" + Quote(w->config.string()) + " HOME=" + Quote(w->temp->path().string()) + " ";
  w->registry = testing::LocalRegistry::Start({});
  if (!w->registry) {
    w->skip_reason = "the test registry did not start";
    return w;
  }
  EXPECT_TRUE(w->registry->Push("oci:" + (images / "oci/alpine_3.20.3").string() + ":3.20.3", "app:v1"));
  EXPECT_TRUE(w->registry->Push("oci:" + (images / "oci/alpine_3.19.4").string() + ":3.19.4", "app:other"));
  EXPECT_TRUE(w->registry->Push("oci:" + (images / "oci/alpine_3.20.3").string() + ":3.20.3", "tampered:v1"));
  EXPECT_TRUE(w->registry->Push("oci:" + (images / "oci/alpine_3.19.4").string() + ":3.19.4", "copied:v1"));
  EXPECT_TRUE(w->registry->Push("oci:" + (images / "oci/alpine_3.20.3").string() + ":3.20.3", "chain:v1"));
  auto client = net::RegistryClient::Connect(w->registry->host(), {});
  if (!client.ok()) {
    w->skip_reason = "registry client: " + client.error().message();
    return w;
  }
  w->client = std::move(*client);
  auto head = w->client->GetManifest("app", "v1");
  auto other = w->client->GetManifest("app", "other");
  if (!head.ok() || !other.ok()) {
    w->skip_reason = "pushed images not found";
    return w;
  }
  w->image = head->digest;
  w->other = other->digest;

  for (const std::string args : {"cert generate-test --default test", "cert generate-test other"}) {
    CommandResult r = w->Notation(args);
    if (r.rc != 0) {
      w->skip_reason = "notation " + args + " failed: " + r.output;
      ADD_FAILURE() << w->skip_reason;
      return w;
    }
  }
  // JWS (the default envelope) and COSE, both under the referrers tag schema.
  for (const std::string format : {"jws", "cose"}) {
    for (const std::string repo : {"app", "tampered"}) {
      CommandResult r = w->Notation("sign --insecure-registry --signature-format " + format + " " +
                                    w->repo(repo) + "@" + w->image.ToString());
      w->sign_output += r.output;
      if (r.rc != 0) {
        w->skip_reason = "notation sign failed: " + r.output;
        ADD_FAILURE() << w->skip_reason;
        return w;
      }
    }
  }
  // An ECDSA P-256 leaf issued by a root CA (openssl), registered as a notation signing key by
  // editing signingkeys.json as `notation key add` would (it takes only plugin keys), so the real
  // notation signs with a two-certificate chain and ES256.
  fs::path pki = w->temp->path() / "pki";
  fs::create_directories(pki);
  std::ofstream(pki / "leaf.ext") << "keyUsage=critical,digitalSignature\nextendedKeyUsage=codeSigning\n"
                                     "basicConstraints=CA:FALSE\n";
  std::string cd = "cd " + Quote(pki.string()) + " && ";
  for (const std::string command :
       {"openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key -out ca.crt -days 2 "
        "-subj '/C=US/ST=WA/O=Hullscan Test/CN=Hullscan Test Root' -addext basicConstraints=critical,CA:TRUE "
        "-addext keyUsage=critical,keyCertSign,cRLSign",
        "openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout leaf.key -out leaf.csr "
        "-subj '/C=US/ST=WA/O=Hullscan Test/CN=signer'",
        "openssl x509 -req -in leaf.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 1 -out leaf.crt "
        "-extfile leaf.ext",
        "cat leaf.crt ca.crt > chain.crt"}) {
    CommandResult r = RunCommand(cd + command);
    if (r.rc != 0) {
      w->skip_reason = "openssl failed: " + r.output;
      ADD_FAILURE() << w->skip_reason;
      return w;
    }
  }
  {
    fs::path keys_file = w->notation_dir() / "signingkeys.json";
    json keys = json::parse(testing::ReadFileOrFail(keys_file), nullptr, false);
    keys["keys"].push_back({{"name", "ec-chain"},
                            {"keyPath", (pki / "leaf.key").string()},
                            {"certPath", (pki / "chain.crt").string()}});
    std::ofstream(keys_file) << keys.dump(2);
  }
  CommandResult r = w->Notation("sign --insecure-registry --key ec-chain " + w->repo("chain") + "@" +
                                w->image.ToString());
  if (r.rc != 0) {
    w->skip_reason = "notation sign --key ec-chain failed: " + r.output;
    ADD_FAILURE() << w->skip_reason;
  }
  w->pki = pki;
  return w;
}

const World& TheWorld() {
  static World* world = MakeWorld();
  return *world;
}

TrustPolicy Policy(std::string level, std::vector<std::string> stores,
                   std::vector<std::string> identities = {"x509.subject: C=US, ST=WA, O=Notary, CN=test"}) {
  TrustPolicy p;
  p.name = "test-" + level;
  p.registry_scopes = {"*"};
  p.level = std::move(level);
  p.trust_stores = std::move(stores);
  p.trusted_identities = std::move(identities);
  return p;
}

class NotationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    world_ = &TheWorld();
    if (!world_->skip_reason.empty()) GTEST_SKIP() << world_->skip_reason;
    auto stores = TrustStoreSet::Load(world_->notation_dir() / "truststore");
    ASSERT_TRUE(stores.ok()) << stores.error().message();
    stores_ = std::move(*stores);
  }
  TestRegistryStore Store(std::string repository, bool serve_referrers = false) const {
    return TestRegistryStore(world_->client, std::move(repository), serve_referrers);
  }
  Result<std::vector<NotationCheck>> Verify(std::string repository, const Digest& digest, const TrustPolicy& policy,
                                            Clock::time_point now = Clock::now(), bool serve_referrers = false) {
    // store.h's registry store (the referrers API, which docker-registry 2.8 lacks, then the tag
    // schema), or the test store answering as a registry with the referrers API.
    std::unique_ptr<ArtifactStore> store =
        serve_referrers ? std::make_unique<TestRegistryStore>(world_->client, repository, true)
                        : NewRegistryStore(world_->client, repository);
    auto checks = VerifyNotationSignatures(*store, world_->repo(repository), digest, {policy}, stores_, now);
    if (std::getenv("HULLSCAN_TEST_VERBOSE") != nullptr) {  // to read the messages while debugging
      if (!checks.ok()) std::fprintf(stderr, "  error: %s\n", checks.error().message().c_str());
      for (const auto& c : checks.ok() ? *checks : std::vector<NotationCheck>{}) {
        std::fprintf(stderr, "  %s valid=%d reason=%s\n", c.where.c_str(), c.valid, c.reason.c_str());
        for (const auto& w : c.warnings) std::fprintf(stderr, "    warning: %s\n", w.c_str());
      }
    }
    return checks;
  }
  // The envelope blobs notation stored for the image in `repository`, by layer media type.
  std::vector<std::pair<std::string, std::string>> Envelopes(const std::string& repository) const {
    std::vector<std::pair<std::string, std::string>> out;
    auto index = world_->client->GetManifest(repository, "sha256-" + world_->image.hex());
    EXPECT_TRUE(index.ok());
    if (!index.ok()) return out;
    json index_doc = json::parse(index->body);
    for (const auto& m : index_doc["manifests"]) {
      auto manifest = world_->client->GetManifest(repository, m["digest"].get<std::string>());
      EXPECT_TRUE(manifest.ok());
      json doc = json::parse(manifest->body);
      auto layer = doc["layers"][0];
      auto digest = Digest::Parse(layer["digest"].get<std::string>());
      auto blob = world_->client->GetBlob(repository, *digest, 1 << 20);
      EXPECT_TRUE(blob.ok());
      out.emplace_back(layer["mediaType"].get<std::string>(), *blob);
    }
    return out;
  }
  std::string ImageMediaType() const { return "application/vnd.oci.image.manifest.v1+json"; }

  const World* world_ = nullptr;
  TrustStoreSet stores_;
};

// ----------------------------------------------------------------------------------------------
// Trust policy documents (the format `notation policy import` takes).

TEST(NotationTrustPolicy, ParsesNotationsDocument) {
  auto policies = ParseTrustPolicy(R"({"version": "1.0", "trustPolicies": [
    {"name": "wabbit", "registryScopes": ["registry.example/wabbit", "registry.example/net"],
     "signatureVerification": {"level": "permissive", "override": {"expiry": "enforce"}},
     "trustStores": ["ca:wabbit", "signingAuthority:acme"],
     "trustedIdentities": ["x509.subject: C=US, ST=WA, L=Seattle, O=wabbit-networks.io, OU=Security Tools"]},
    {"name": "everything-else", "registryScopes": ["*"], "signatureVerification": {"level": "skip"}}]})");
  ASSERT_TRUE(policies.ok()) << policies.error().message();
  ASSERT_EQ(policies->size(), 2u);
  const TrustPolicy& p = (*policies)[0];
  EXPECT_EQ(p.name, "wabbit");
  EXPECT_EQ(p.level, "permissive");
  EXPECT_EQ(p.override.at("expiry"), "enforce");
  EXPECT_EQ(p.trust_stores, (std::vector<std::string>{"ca:wabbit", "signingAuthority:acme"}));
  EXPECT_EQ((*policies)[1].level, "skip");

  auto selected = SelectTrustPolicy(*policies, "registry.example/net");
  ASSERT_TRUE(selected.ok());
  EXPECT_EQ((*selected)->name, "wabbit");
  selected = SelectTrustPolicy(*policies, "registry.example/other");
  ASSERT_TRUE(selected.ok());
  EXPECT_EQ((*selected)->name, "everything-else");
}

TEST(NotationTrustPolicy, RejectsWhatNotationRejects) {
  const std::pair<const char*, const char*> cases[] = {
      {R"({"version": "2.0", "trustPolicies": []})", "version"},
      {R"({"version": "1.0", "trustPolicies": []})", "no trustPolicies"},
      {R"({"version": "1.0", "trustPolicies": [{"name": "a", "registryScopes": ["*"],
          "signatureVerification": {"level": "paranoid"}, "trustStores": ["ca:x"], "trustedIdentities": ["*"]}]})",
       "level"},
      {R"({"version": "1.0", "trustPolicies": [
          {"name": "a", "registryScopes": ["*"], "signatureVerification": {"level": "skip"}},
          {"name": "b", "registryScopes": ["*"], "signatureVerification": {"level": "skip"}}]})",
       "second policy"},
      {R"({"version": "1.0", "trustPolicies": [{"name": "a", "registryScopes": ["*"],
          "signatureVerification": {"level": "strict"}, "trustStores": ["ca:x"],
          "trustedIdentities": ["x509.subject: CN=test"]}]})",
       "trusted identity"},
      {R"({"version": "1.0", "trustPolicies": [{"name": "a", "registryScopes": ["*"],
          "signatureVerification": {"level": "strict"}, "trustStores": ["x509:x"], "trustedIdentities": ["*"]}]})",
       "trust store"},
      {R"({"version": "1.0", "trustPolicies": [{"name": "a", "registryScopes": ["*"],
          "signatureVerification": {"level": "skip"}, "trustStores": ["ca:x"]}]})",
       "skip"},
      {R"({"version": "1.0", "trustPolicies": [{"name": "a", "registryScopes": ["*"],
          "signatureVerification": {"level": "strict", "override": {"integrity": "log"}},
          "trustStores": ["ca:x"], "trustedIdentities": ["*"]}]})",
       "integrity"},
      {"not json", "JSON"},
  };
  for (const auto& [doc, expected] : cases) {
    auto policies = ParseTrustPolicy(doc);
    ASSERT_FALSE(policies.ok()) << doc;
    EXPECT_NE(policies.error().message().find(expected), std::string::npos) << policies.error().message();
  }
}

TEST(NotationTrustPolicy, NoMatchingPolicy) {
  TrustPolicy p = Policy("strict", {"ca:test"});
  p.registry_scopes = {"registry.example/only-this"};
  auto selected = SelectTrustPolicy({p}, "registry.example/app");
  ASSERT_FALSE(selected.ok());
  EXPECT_EQ(selected.error().code(), ErrorCode::kNotFound);
  EXPECT_NE(selected.error().message().find("no matching policy"), std::string::npos);
}

TEST(NotationEnvelope, HostileCoseIsRejectedQuickly) {
  TrustPolicy policy = Policy("strict", {"ca:test"});
  TrustStoreSet none;
  Digest digest = Sha256::Of("image");
  std::string many(1 << 20, '\x01');  // an array of a million small integers
  many.insert(0, "\xd2\x9a\x00\x10\x00\x00", 6);
  std::string deep(100000, '\x81');  // [[[[…
  const std::pair<std::string, std::string> cases[] = {
      {many, "too many items"},
      {"\xd2" + deep, "nested too deeply"},
      {std::string("\xd2\x9f", 2), "indefinite length"},
      {std::string("\xd2\x84\x40\xa0\x40", 5), "array longer than its data"},
      {std::string("\xd2\x84\x40\xa0\x40\x5a\x00\x00", 8), "truncated"},
      {std::string("\xd3\x84\x40\xa0\x40\x40", 6), "not a COSE_Sign1"},
      {std::string("\xd2\x84\x40\xa0\x40\x40", 6), "protected header"},
      {std::string("\xd2\x5b\xff\xff\xff\xff\xff\xff\xff\xff", 10), "past the end"},
  };
  for (const auto& [bytes, expected] : cases) {
    NotationCheck c = VerifyNotationEnvelope("application/cose", bytes, digest, "", -1, policy, none, Clock::now());
    EXPECT_FALSE(c.valid);
    EXPECT_EQ(c.reason.rfind("malformed envelope", 0), 0u) << c.reason;
    EXPECT_NE(c.reason.find(expected), std::string::npos) << "want " << expected << ", got " << c.reason;
  }
}

// ----------------------------------------------------------------------------------------------
// Against notation's own output.

TEST_F(NotationTest, TrustStoreReadsNotationsLayout) {
  // generate-test put each test certificate into truststore/x509/ca/<name>/<name>.crt.
  ASSERT_EQ(stores_.Certificates("ca:test").size(), 1u);
  ASSERT_EQ(stores_.Certificates("ca:other").size(), 1u);
  EXPECT_NE(stores_.Certificates("ca:test")[0], stores_.Certificates("ca:other")[0]);
  EXPECT_TRUE(stores_.Certificates("ca:missing").empty());
}

TEST_F(NotationTest, StoredWhatTheCommentSays) {
  // The referrers tag schema: docker-registry 2.8 has no referrers API.
  auto tags = world_->client->ListTags("app");
  ASSERT_TRUE(tags.ok());
  EXPECT_NE(std::find(tags->begin(), tags->end(), "sha256-" + world_->image.hex()), tags->end());
  auto envelopes = Envelopes("app");
  ASSERT_EQ(envelopes.size(), 2u);
  std::set<std::string> types;
  for (const auto& [type, bytes] : envelopes) types.insert(type);
  EXPECT_EQ(types, (std::set<std::string>{"application/jose+json", "application/cose"}));
  for (const auto& [type, bytes] : envelopes) {
    if (type != "application/jose+json") continue;
    json jws = json::parse(bytes);
    EXPECT_TRUE(jws.contains("protected") && jws.contains("payload") && jws.contains("signature"));
    EXPECT_EQ(jws["header"]["x5c"].size(), 1u);  // the self-signed test certificate only
  }
}

TEST_F(NotationTest, ValidSignaturesOfBothEnvelopes) {
  auto checks = Verify("app", world_->image, Policy("strict", {"ca:test"}));
  ASSERT_TRUE(checks.ok()) << checks.error().message();
  ASSERT_EQ(checks->size(), 2u);
  std::set<std::string> formats;
  for (const auto& c : *checks) {
    EXPECT_TRUE(c.valid) << c.where << ": " << c.reason;
    EXPECT_TRUE(c.reason.empty());
    EXPECT_TRUE(c.warnings.empty()) << c.warnings[0];
    EXPECT_EQ(c.signer, "C=US, ST=WA, L=Seattle, O=Notary, CN=test");
    formats.insert(c.where.substr(c.where.find('(')));
  }
  EXPECT_EQ(formats, (std::set<std::string>{"(jws)", "(cose)"}));
  // "*" identity too.
  checks = Verify("app", world_->image, Policy("strict", {"ca:test"}, {"*"}));
  ASSERT_TRUE(checks.ok());
  for (const auto& c : *checks) EXPECT_TRUE(c.valid) << c.reason;
}

TEST_F(NotationTest, FindsSignaturesThroughTheReferrersApiToo) {
  TestRegistryStore store = Store("app", /*serve_referrers=*/true);
  auto checks = VerifyNotationSignatures(store, world_->repo("app"), world_->image, {Policy("strict", {"ca:test"})},
                                         stores_, Clock::now());
  ASSERT_TRUE(checks.ok()) << checks.error().message();
  ASSERT_EQ(checks->size(), 2u);
  for (const auto& c : *checks) EXPECT_TRUE(c.valid) << c.reason;
  EXPECT_EQ(store.referrers_gets, 1);
  // The image manifest and the two signature manifests; the tag schema was not needed.
  EXPECT_EQ(store.manifest_gets, 3);
}

TEST_F(NotationTest, NotationVerifyAgrees) {
  auto write_policy = [&](const std::string& store) {
    std::ofstream(world_->notation_dir() / "trustpolicy.json")
        << R"({"version": "1.0", "trustPolicies": [{"name": "p", "registryScopes": ["*"],
              "signatureVerification": {"level": "strict"}, "trustStores": [")"
        << store << R"("], "trustedIdentities": ["x509.subject: C=US, ST=WA, O=Notary, CN=test"]}]})";
  };
  std::string target = world_->repo("app") + "@" + world_->image.ToString();
  write_policy("ca:test");
  CommandResult ok = world_->Notation("verify --insecure-registry " + target);
  EXPECT_EQ(ok.rc, 0) << ok.output;
  auto policies = LoadTrustPolicy(world_->notation_dir() / "trustpolicy.json");
  ASSERT_TRUE(policies.ok()) << policies.error().message();
  TestRegistryStore store = Store("app");
  auto checks = VerifyNotationSignatures(store, world_->repo("app"), world_->image, *policies, stores_, Clock::now());
  ASSERT_TRUE(checks.ok());
  for (const auto& c : *checks) EXPECT_TRUE(c.valid) << c.reason;

  write_policy("ca:other");
  CommandResult bad = world_->Notation("verify --insecure-registry " + target);
  EXPECT_NE(bad.rc, 0) << bad.output;
  policies = LoadTrustPolicy(world_->notation_dir() / "trustpolicy.json");
  ASSERT_TRUE(policies.ok());
  checks = VerifyNotationSignatures(store, world_->repo("app"), world_->image, *policies, stores_, Clock::now());
  ASSERT_TRUE(checks.ok());
  for (const auto& c : *checks) EXPECT_FALSE(c.valid);
  fs::remove(world_->notation_dir() / "trustpolicy.json");
}

TEST_F(NotationTest, UntrustedRoot) {
  auto checks = Verify("app", world_->image, Policy("strict", {"ca:other"}));
  ASSERT_TRUE(checks.ok()) << checks.error().message();
  ASSERT_EQ(checks->size(), 2u);
  for (const auto& c : *checks) {
    EXPECT_FALSE(c.valid);
    EXPECT_EQ(c.reason.rfind("untrusted root", 0), 0u) << c.reason;
  }
  // A store the trust store directory does not have at all.
  checks = Verify("app", world_->image, Policy("strict", {"ca:missing"}));
  ASSERT_TRUE(checks.ok());
  for (const auto& c : *checks) EXPECT_NE(c.reason.find("untrusted root: trust store ca:missing holds no"), std::string::npos) << c.reason;
  // permissive still enforces authenticity; audit only logs it.
  checks = Verify("app", world_->image, Policy("permissive", {"ca:other"}));
  ASSERT_TRUE(checks.ok());
  for (const auto& c : *checks) EXPECT_FALSE(c.valid);
  checks = Verify("app", world_->image, Policy("audit", {"ca:other"}));
  ASSERT_TRUE(checks.ok());
  for (const auto& c : *checks) {
    EXPECT_TRUE(c.valid) << c.reason;
    ASSERT_EQ(c.warnings.size(), 1u);
    EXPECT_EQ(c.warnings[0].rfind("untrusted root", 0), 0u) << c.warnings[0];
  }
}

TEST_F(NotationTest, UntrustedIdentity) {
  auto checks = Verify("app", world_->image, Policy("strict", {"ca:test"}, {"x509.subject: C=US, ST=WA, O=Notary, CN=other"}));
  ASSERT_TRUE(checks.ok());
  for (const auto& c : *checks) {
    EXPECT_FALSE(c.valid);
    EXPECT_EQ(c.reason.rfind("untrusted identity", 0), 0u) << c.reason;
  }
}

TEST_F(NotationTest, ExpiredCertificate) {
  Clock::time_point not_after = NotAfter(world_->notation_dir() / "localkeys" / "test.crt");
  Clock::time_point later = not_after + std::chrono::hours(1);
  auto checks = Verify("app", world_->image, Policy("strict", {"ca:test"}), later);
  ASSERT_TRUE(checks.ok()) << checks.error().message();
  ASSERT_EQ(checks->size(), 2u);
  for (const auto& c : *checks) {
    EXPECT_FALSE(c.valid);
    EXPECT_EQ(c.reason.rfind("certificate expired", 0), 0u) << c.reason;
  }
  // Just before notAfter it is still fine.
  checks = Verify("app", world_->image, Policy("strict", {"ca:test"}), not_after - std::chrono::minutes(1));
  ASSERT_TRUE(checks.ok());
  for (const auto& c : *checks) EXPECT_TRUE(c.valid) << c.reason;
  // permissive logs the authentic-timestamp failure.
  checks = Verify("app", world_->image, Policy("permissive", {"ca:test"}), later);
  ASSERT_TRUE(checks.ok());
  for (const auto& c : *checks) {
    EXPECT_TRUE(c.valid) << c.reason;
    ASSERT_EQ(c.warnings.size(), 1u);
    EXPECT_EQ(c.warnings[0].rfind("certificate expired", 0), 0u);
  }
  // An override makes it enforced again.
  TrustPolicy p = Policy("permissive", {"ca:test"});
  p.override["authenticTimestamp"] = "enforce";
  checks = Verify("app", world_->image, p, later);
  ASSERT_TRUE(checks.ok());
  for (const auto& c : *checks) EXPECT_FALSE(c.valid);
}

TEST_F(NotationTest, SkipLevelVerifiesNothingAndSaysSo) {
  TrustPolicy p = Policy("skip", {}, {});
  auto checks = Verify("app", world_->image, p);
  ASSERT_TRUE(checks.ok());
  for (const auto& c : *checks) {
    EXPECT_TRUE(c.valid);
    ASSERT_EQ(c.warnings.size(), 1u);
    EXPECT_NE(c.warnings[0].find("not verified"), std::string::npos);
  }
}

TEST_F(NotationTest, SignatureOfAnotherImage) {
  for (const auto& [type, envelope] : Envelopes("app")) {
    NotationCheck c = VerifyNotationEnvelope(type, envelope, world_->other, ImageMediaType(), -1,
                                             Policy("strict", {"ca:test"}), stores_, Clock::now());
    EXPECT_FALSE(c.valid);
    EXPECT_EQ(c.reason.rfind("digest mismatch: the signature is for " + world_->image.ToString(), 0), 0u) << c.reason;
    // The descriptor's size is signed too.
    c = VerifyNotationEnvelope(type, envelope, world_->image, ImageMediaType(), 12345, Policy("strict", {"ca:test"}),
                               stores_, Clock::now());
    EXPECT_FALSE(c.valid);
    EXPECT_NE(c.reason.find("digest mismatch"), std::string::npos) << c.reason;
  }
}

TEST_F(NotationTest, SignatureCopiedOntoAnotherImage) {
  // An attacker copies app's signature manifests onto another image (subject rewritten, the
  // envelope unchanged) under that image's referrers tag.
  const std::string repository = "copied";
  auto index = world_->client->GetManifest("app", "sha256-" + world_->image.hex());
  ASSERT_TRUE(index.ok());
  json new_index = {{"schemaVersion", 2}, {"mediaType", "application/vnd.oci.image.index.v1+json"},
                    {"manifests", json::array()}};
  auto other_manifest = world_->client->GetManifest(repository, world_->other.ToString());
  ASSERT_TRUE(other_manifest.ok());
  json old_index = json::parse(index->body);
  for (const auto& entry : old_index["manifests"]) {
    auto manifest = world_->client->GetManifest("app", entry["digest"].get<std::string>());
    ASSERT_TRUE(manifest.ok());
    json doc = json::parse(manifest->body);
    for (const json& blob : {doc["config"], doc["layers"][0]}) {
      auto digest = Digest::Parse(blob["digest"].get<std::string>());
      auto bytes = world_->client->GetBlob("app", *digest, 1 << 20);
      ASSERT_TRUE(bytes.ok());
      ASSERT_TRUE(world_->client->PutBlob(repository, *digest, *bytes).ok());
    }
    doc["subject"] = {{"mediaType", other_manifest->media_type},
                      {"digest", world_->other.ToString()},
                      {"size", other_manifest->body.size()}};
    std::string body = doc.dump();
    auto pushed = world_->client->PutManifest(repository, Sha256::Of(body).ToString(), doc["mediaType"].get<std::string>(), body);
    ASSERT_TRUE(pushed.ok()) << pushed.error().message();
    json e = entry;
    e["digest"] = pushed->ToString();
    e["size"] = body.size();
    new_index["manifests"].push_back(e);
  }
  std::string body = new_index.dump();
  ASSERT_TRUE(world_->client
                  ->PutManifest(repository, "sha256-" + world_->other.hex(), "application/vnd.oci.image.index.v1+json", body)
                  .ok());
  auto checks = Verify(repository, world_->other, Policy("strict", {"ca:test"}));
  ASSERT_TRUE(checks.ok()) << checks.error().message();
  ASSERT_EQ(checks->size(), 2u);
  for (const auto& c : *checks) {
    EXPECT_FALSE(c.valid);
    EXPECT_EQ(c.reason.rfind("digest mismatch", 0), 0u) << c.reason;
  }
}

TEST_F(NotationTest, TamperedEnvelopePushedToTheRegistry) {
  // In "tampered", notation signed the image (JWS + COSE). Push a copy of the JWS with the
  // signing time in the protected header changed (so the signature no longer covers it) and add
  // it to the referrers tag index next to notation's own signatures.
  const std::string repository = "tampered";
  std::string tag = "sha256-" + world_->image.hex();
  auto index = world_->client->GetManifest(repository, tag);
  ASSERT_TRUE(index.ok());
  json index_doc = json::parse(index->body);
  json jws_entry;
  json jws_manifest;
  for (const auto& entry : index_doc["manifests"]) {
    auto m = world_->client->GetManifest(repository, entry["digest"].get<std::string>());
    ASSERT_TRUE(m.ok());
    json doc = json::parse(m->body);
    if (doc["layers"][0]["mediaType"] == "application/jose+json") {
      jws_entry = entry;
      jws_manifest = doc;
    }
  }
  ASSERT_FALSE(jws_manifest.is_null());
  auto layer_digest = Digest::Parse(jws_manifest["layers"][0]["digest"].get<std::string>());
  auto envelope = world_->client->GetBlob(repository, *layer_digest, 1 << 20);
  ASSERT_TRUE(envelope.ok());
  json jws = json::parse(*envelope);
  // Re-encode the protected header with another signing time (base64url, no padding).
  std::string header_b64 = jws["protected"].get<std::string>();
  std::string header(((header_b64.size() * 3) / 4) + 3, '\0');
  {
    std::string std_b64 = header_b64;
    for (char& ch : std_b64) ch = ch == '-' ? '+' : ch == '_' ? '/' : ch;
    while (std_b64.size() % 4 != 0) std_b64.push_back('=');
    int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(header.data()),
                            reinterpret_cast<const unsigned char*>(std_b64.data()), static_cast<int>(std_b64.size()));
    ASSERT_GT(n, 0);
    header.resize(static_cast<size_t>(n));
    while (!header.empty() && header.back() == '\0') header.pop_back();
  }
  json header_doc = json::parse(header);
  header_doc["io.cncf.notary.signingTime"] = "2020-01-01T00:00:00Z";
  std::string new_header = header_doc.dump();
  std::string encoded(4 * ((new_header.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(encoded.data()),
                          reinterpret_cast<const unsigned char*>(new_header.data()), static_cast<int>(new_header.size()));
  encoded.resize(static_cast<size_t>(n));
  while (!encoded.empty() && encoded.back() == '=') encoded.pop_back();
  for (char& ch : encoded) ch = ch == '+' ? '-' : ch == '/' ? '_' : ch;
  jws["protected"] = encoded;
  std::string tampered = jws.dump();
  Digest tampered_digest = Sha256::Of(tampered);
  ASSERT_TRUE(world_->client->PutBlob(repository, tampered_digest, tampered).ok());
  jws_manifest["layers"][0]["digest"] = tampered_digest.ToString();
  jws_manifest["layers"][0]["size"] = tampered.size();
  std::string manifest_body = jws_manifest.dump();
  auto manifest_digest = world_->client->PutManifest(repository, Sha256::Of(manifest_body).ToString(),
                                                     jws_manifest["mediaType"].get<std::string>(), manifest_body);
  ASSERT_TRUE(manifest_digest.ok()) << manifest_digest.error().message();
  jws_entry["digest"] = manifest_digest->ToString();
  jws_entry["size"] = manifest_body.size();
  index_doc["manifests"].push_back(jws_entry);
  ASSERT_TRUE(world_->client->PutManifest(repository, tag, index->media_type, index_doc.dump()).ok());

  auto checks = Verify(repository, world_->image, Policy("strict", {"ca:test"}));
  ASSERT_TRUE(checks.ok()) << checks.error().message();
  ASSERT_EQ(checks->size(), 3u);
  int valid = 0;
  for (const auto& c : *checks) {
    if (c.where.rfind(manifest_digest->ToString(), 0) == 0) {
      EXPECT_FALSE(c.valid);
      EXPECT_EQ(c.reason.rfind("signature does not verify", 0), 0u) << c.reason;
    } else {
      EXPECT_TRUE(c.valid) << c.reason;
      ++valid;
    }
  }
  EXPECT_EQ(valid, 2);
  // Audit still enforces integrity.
  checks = Verify(repository, world_->image, Policy("audit", {"ca:test"}));
  ASSERT_TRUE(checks.ok());
  for (const auto& c : *checks) {
    if (c.where.rfind(manifest_digest->ToString(), 0) == 0) {
      EXPECT_FALSE(c.valid);
    }
  }
}

TEST_F(NotationTest, TamperedEnvelopeBytes) {
  TrustPolicy policy = Policy("strict", {"ca:test"});
  for (const auto& [type, envelope] : Envelopes("app")) {
    // One flipped byte in the last 64 (JWS: the signature text; COSE: the signature bytes).
    std::string flipped = envelope;
    flipped[flipped.size() - 10] ^= (type == "application/cose" ? 0x01 : 0x02);
    NotationCheck c = VerifyNotationEnvelope(type, flipped, world_->image, ImageMediaType(), -1, policy, stores_, Clock::now());
    EXPECT_FALSE(c.valid) << type;
    EXPECT_TRUE(c.reason.rfind("signature does not verify", 0) == 0 || c.reason.rfind("malformed envelope", 0) == 0)
        << type << ": " << c.reason;
    // Every truncation is rejected, none crashes.
    for (size_t len = 0; len < envelope.size(); len += std::max<size_t>(1, envelope.size() / 97)) {
      c = VerifyNotationEnvelope(type, envelope.substr(0, len), world_->image, ImageMediaType(), -1, policy, stores_,
                                 Clock::now());
      EXPECT_FALSE(c.valid) << type << " truncated to " << len;
    }
    c = VerifyNotationEnvelope(type, "", world_->image, ImageMediaType(), -1, policy, stores_, Clock::now());
    EXPECT_EQ(c.reason.rfind("malformed envelope", 0), 0u) << c.reason;
  }
}

TEST_F(NotationTest, MalformedJwsEnvelopes) {
  TrustPolicy policy = Policy("strict", {"ca:test"});
  std::string jws_text;
  for (const auto& [type, envelope] : Envelopes("app")) {
    if (type == "application/jose+json") jws_text = envelope;
  }
  ASSERT_FALSE(jws_text.empty());
  json jws = json::parse(jws_text);
  auto check = [&](const json& doc, std::string_view expected) {
    NotationCheck c = VerifyNotationEnvelope("application/jose+json", doc.dump(), world_->image, ImageMediaType(), -1,
                                             policy, stores_, Clock::now());
    EXPECT_FALSE(c.valid);
    EXPECT_NE(c.reason.find(expected), std::string::npos) << c.reason;
  };
  json no_chain = jws;
  no_chain["header"].erase("x5c");
  check(no_chain, "malformed envelope: no x5c");
  json bad_chain = jws;
  bad_chain["header"]["x5c"] = {"bm90IGEgY2VydGlmaWNhdGU="};
  check(bad_chain, "not DER X.509");
  json bad_b64 = jws;
  bad_b64["payload"] = "!!!";
  check(bad_b64, "not base64url");
  json no_signature = jws;
  no_signature.erase("signature");
  check(no_signature, "malformed envelope");
  NotationCheck c = VerifyNotationEnvelope("application/vnd.unknown", jws_text, world_->image, ImageMediaType(), -1,
                                           policy, stores_, Clock::now());
  EXPECT_EQ(c.reason.rfind("malformed envelope: media type", 0), 0u) << c.reason;
}

TEST_F(NotationTest, ChainWithRootCaAndEcdsaLeaf) {
  ASSERT_TRUE(stores_.AddCertificates("ca:hullscan-root", testing::ReadFileOrFail(world_->pki / "ca.crt")).ok());
  ASSERT_TRUE(stores_.AddCertificates("ca:leaf-only", testing::ReadFileOrFail(world_->pki / "leaf.crt")).ok());
  auto identity = std::vector<std::string>{"x509.subject: C=US, ST=WA, O=Hullscan Test, CN=signer"};
  auto checks = Verify("chain", world_->image, Policy("strict", {"ca:hullscan-root"}, identity));
  ASSERT_TRUE(checks.ok()) << checks.error().message();
  ASSERT_EQ(checks->size(), 1u);
  EXPECT_TRUE((*checks)[0].valid) << (*checks)[0].reason;
  EXPECT_EQ((*checks)[0].signer, "C=US, ST=WA, O=Hullscan Test, CN=signer");
  // The envelope carries both certificates, leaf first, and an ES256 signature.
  auto index = world_->client->GetManifest("chain", "sha256-" + world_->image.hex());
  ASSERT_TRUE(index.ok());
  json index_doc = json::parse(index->body);
  auto manifest = world_->client->GetManifest("chain", index_doc["manifests"][0]["digest"].get<std::string>());
  ASSERT_TRUE(manifest.ok());
  json manifest_doc = json::parse(manifest->body);
  auto blob = world_->client->GetBlob("chain", *Digest::Parse(manifest_doc["layers"][0]["digest"].get<std::string>()),
                                      1 << 20);
  ASSERT_TRUE(blob.ok());
  EXPECT_EQ(json::parse(*blob)["header"]["x5c"].size(), 2u);
  // Trusting the leaf alone is not enough: notation wants the chain's root in the trust store.
  checks = Verify("chain", world_->image, Policy("strict", {"ca:leaf-only"}, identity));
  ASSERT_TRUE(checks.ok());
  EXPECT_FALSE((*checks)[0].valid);
  EXPECT_EQ((*checks)[0].reason.rfind("untrusted root", 0), 0u) << (*checks)[0].reason;
  // notation's own test CA does not vouch for this chain either.
  checks = Verify("chain", world_->image, Policy("strict", {"ca:test"}, identity));
  ASSERT_TRUE(checks.ok());
  EXPECT_EQ((*checks)[0].reason.rfind("untrusted root", 0), 0u) << (*checks)[0].reason;
}

TEST_F(NotationTest, OciLayoutSignedByNotation) {
  // `notation sign --oci-layout` (experimental in 1.3) adds the signature manifest to the
  // layout's index.json, untagged; store.h's layout store finds it by its subject.
  fs::path images = testing::ReferenceImagesDir();
  testing::TempDir temp;
  fs::path layout = temp.path() / "layout";
  fs::copy(images / "oci/alpine_3.20.3", layout, fs::copy_options::recursive);
  for (const auto& entry : fs::recursive_directory_iterator(layout)) {
    fs::permissions(entry.path(), fs::perms::owner_write, fs::perm_options::add);
  }
  fs::permissions(layout, fs::perms::owner_write, fs::perm_options::add);
  CommandResult r = RunCommand("NOTATION_EXPERIMENTAL=1 " + world_->env + Quote(world_->notation.string()) +
                        " sign --oci-layout " + Quote(layout.string() + "@" + world_->image.ToString()));
  ASSERT_EQ(r.rc, 0) << r.output;
  auto store = OpenLayoutStore(layout);
  ASSERT_TRUE(store.ok()) << store.error().message();
  auto checks = VerifyNotationSignatures(**store, (*store)->Describe(), world_->image, {Policy("strict", {"ca:test"})},
                                         stores_, Clock::now());
  ASSERT_TRUE(checks.ok()) << checks.error().message();
  ASSERT_EQ(checks->size(), 1u);
  EXPECT_TRUE((*checks)[0].valid) << (*checks)[0].reason;
  checks = VerifyNotationSignatures(**store, (*store)->Describe(), world_->image, {Policy("strict", {"ca:other"})},
                                    stores_, Clock::now());
  ASSERT_TRUE(checks.ok());
  EXPECT_EQ((*checks)[0].reason.rfind("untrusted root", 0), 0u) << (*checks)[0].reason;
}

TEST_F(NotationTest, NoSignature) {
  auto checks = Verify("app", world_->other, Policy("strict", {"ca:test"}));
  ASSERT_FALSE(checks.ok());
  EXPECT_EQ(checks.error().code(), ErrorCode::kNotFound);
  EXPECT_NE(checks.error().message().find("no Notation signature"), std::string::npos) << checks.error().message();
}

TEST_F(NotationTest, NoMatchingPolicyFailsClosed) {
  TrustPolicy p = Policy("strict", {"ca:test"});
  p.registry_scopes = {world_->repo("elsewhere")};
  auto checks = Verify("app", world_->image, p);
  ASSERT_FALSE(checks.ok());
  EXPECT_NE(checks.error().message().find("no matching policy"), std::string::npos);
  // The scope naming the repository exactly is chosen.
  p.registry_scopes = {world_->repo("app")};
  checks = Verify("app", world_->image, p);
  ASSERT_TRUE(checks.ok()) << checks.error().message();
  for (const auto& c : *checks) EXPECT_TRUE(c.valid) << c.reason;
}

}  // namespace
}  // namespace hullscan::sign
