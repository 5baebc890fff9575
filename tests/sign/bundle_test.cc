// Sigstore bundle verification against bundles made by the real cosign 3 (sign, attest,
// sign-blob) and cosign 2.5 (attest --new-bundle-format), stored in a real docker-registry 2.8
// (no referrers API: cosign falls back to the referrers tag schema), plus tampered copies of
// those bundles pushed by the test. cosign 3 `verify --insecure-ignore-tlog` runs on the same
// images, so the fixtures are known good (or known bad) by the reference tool too.
#include "sign/bundle.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "base/digest.h"
#include "net/registry.h"
#include "sign/keys.h"
#include "sign/store.h"
#include "testing/image_builder.h"
#include "testing/registry_fixture.h"
#include "testing/testdata.h"

namespace hullscan::sign {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;
using ::hullscan::testing::LocalRegistry;

constexpr std::string_view kBundleType = "application/vnd.dev.sigstore.bundle.v0.3+json";
constexpr std::string_view kEmptyConfig = "application/vnd.oci.empty.v1+json";
constexpr std::string_view kOciManifestType = "application/vnd.oci.image.manifest.v1+json";
constexpr std::string_view kOciIndexType = "application/vnd.oci.image.index.v1+json";
constexpr std::string_view kScanPredicate = "https://example.com/scan/v1";
constexpr std::string_view kPassword = "bundle-test-pass";

fs::path Peer(const std::string& name) { return hullscan::testing::PeersDir() / "bin" / name; }

struct CommandResult {
  int rc = -1;
  std::string output;  // stdout and stderr together
};

// Runs argv (under `timeout 120`) with COSIGN_PASSWORD set; never through a shell.
CommandResult Run(const std::vector<std::string>& argv, const fs::path& log) {
  std::vector<std::string> full = {"/usr/bin/timeout", "120"};
  full.insert(full.end(), argv.begin(), argv.end());
  pid_t pid = fork();
  if (pid == 0) {
    setenv("COSIGN_PASSWORD", std::string(kPassword).c_str(), 1);
    int out = open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    int in = open("/dev/null", O_RDONLY);
    if (out < 0 || in < 0) _exit(126);
    dup2(in, 0);
    dup2(out, 1);
    dup2(out, 2);
    std::vector<char*> args;
    for (auto& a : full) args.push_back(a.data());
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(127);
  }
  CommandResult result;
  int status = 0;
  if (pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status)) result.rc = WEXITSTATUS(status);
  result.output = ::hullscan::testing::ReadFileOrFail(log);
  return result;
}

std::string B64(std::string_view bytes) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    uint32_t v = (uint8_t(bytes[i]) << 16) | (uint8_t(bytes[i + 1]) << 8) | uint8_t(bytes[i + 2]);
    for (int s = 18; s >= 0; s -= 6) out.push_back(kAlphabet[(v >> s) & 63]);
  }
  if (i < bytes.size()) {
    uint32_t v = uint8_t(bytes[i]) << 16;
    if (i + 1 < bytes.size()) v |= uint8_t(bytes[i + 1]) << 8;
    out.push_back(kAlphabet[(v >> 18) & 63]);
    out.push_back(kAlphabet[(v >> 12) & 63]);
    out.push_back(i + 1 < bytes.size() ? kAlphabet[(v >> 6) & 63] : '=');
    out.push_back('=');
  }
  return out;
}

std::string UnB64(const std::string& text) {
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  for (char c : text) {
    const char* p = std::strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/", c);
    if (c == '=' || p == nullptr) continue;
    acc = (acc << 6) | uint32_t(p - "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/");
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(char((acc >> bits) & 0xff));
    }
  }
  return out;
}

Digest D(const std::string& text) { return Digest::Parse(text).value(); }

// Everything the tests share: one registry, images in several repositories, keys, and bundles
// made by the real tools. Built in stages, each at most once per test process and only when a
// test needs it (ctest runs every test in its own process; cosign's scrypt costs ~0.5 s a run).
struct World {
  std::unique_ptr<::hullscan::testing::TempDir> tmp;
  std::unique_ptr<LocalRegistry> registry;
  std::shared_ptr<net::RegistryClient> client;
  Digest image_a, image_b;  // two tiny distinct images
  std::string manifest_a, manifest_b;
  std::string k3_pub, wrong_pub, k2_pub;
  std::string cosign3_bundle_a;      // cosign3 sign of image A, no annotations (bundle JSON)
  std::string cosign3_bundle_b;      // cosign3 sign of image B
  std::string blob_bundle_a, blob_bundle_b;  // cosign3 sign-blob --bundle over the manifests
  bool cosign3_verify_ok = false, cosign3_verify_annotated_ok = false, cosign3_verify_wrong_key_ok = true;
  bool cosign3_verify_attestation_ok = false, cosign3_verify_tampered_ok = true;
  std::map<std::string, std::string> tampered_reason;  // referrer digest → expected reason part
  std::map<std::string, std::string> extras_expect;    // referrer digest → "valid…" or reason part
  struct Stricter {
    std::string reason;    // ours
    bool cosign_accepts;  // cosign3 verify's verdict on the same image
  };
  std::map<std::string, Stricter> stricter;  // repository → case
  std::string skip, failure;
  fs::path dir;
  std::string k3, k2;  // key file prefixes (".key", ".pub")
  std::set<std::string> built;  // stages done (see Need)

  bool Must(const CommandResult& r, const std::string& what) {
    if (r.rc != 0 && failure.empty()) {
      failure = what + " failed (rc " + std::to_string(r.rc) + (r.rc == 124 ? ", timed out" : "") +
                "): " + (r.output.size() > 4000 ? "…" + r.output.substr(r.output.size() - 4000) : r.output);
    }
    return r.rc == 0;
  }
  std::vector<std::string> Verify3(const std::string& repo) const {
    return {"verify", "--key", k3 + ".pub", "--insecure-ignore-tlog", "--allow-http-registry", Ref(repo, image_a)};
  }
  std::string Ref(const std::string& repo, const Digest& d) const {
    return registry->host() + "/" + repo + "@" + d.ToString();
  }
  std::unique_ptr<ArtifactStore> Store(const std::string& repo) const { return NewRegistryStore(client, repo); }
  CommandResult Tool(const std::string& name, std::vector<std::string> args) const {
    // Commands that write get -d: when one fails (or hangs until the timeout) its log says where.
    if (!args.empty() && (args[0] == "sign" || args[0] == "attest")) args.insert(args.begin() + 1, "-d");
    args.insert(args.begin(), Peer(name).string());
    return Run(args, tmp->path() / "tool.log");
  }
};

World* world = nullptr;

// The bundle JSON of every referrer of `image` in `repo` (via the referrers tag, in order).
std::vector<std::string> BundlesOf(const World& w, const std::string& repo, const Digest& image) {
  std::vector<std::string> out;
  auto index = w.client->GetManifest(repo, image.algorithm() + "-" + image.hex());
  if (!index.ok()) {
    ADD_FAILURE() << repo << ": " << index.error().message();
    return out;
  }
  const json doc_index = json::parse(index->body);
  for (const auto& entry : doc_index["manifests"]) {
    auto manifest = w.client->GetManifest(repo, entry["digest"].get<std::string>());
    if (!manifest.ok()) {
      ADD_FAILURE() << manifest.error().message();
      continue;
    }
    auto doc = json::parse(manifest->body);
    auto blob = w.client->GetBlob(repo, D(doc["layers"][0]["digest"].get<std::string>()), 1 << 20);
    if (blob.ok()) {
      out.push_back(*blob);
    } else {
      ADD_FAILURE() << blob.error().message();
    }
  }
  return out;
}

// Pushes a referrer manifest (shaped as cosign's) holding `layers` (media type, content) with
// subject `subject`, appends it to the referrers tag index of `tag_image`; returns its digest.
std::string PushReferrer(const World& w, const std::string& repo, const Digest& tag_image, const Digest& subject,
                         const std::vector<std::pair<std::string, std::string>>& layers,
                         std::string_view artifact_type = kBundleType) {
  const std::string empty = "{}";
  EXPECT_TRUE(w.client->PutBlob(repo, Sha256::Of(empty), empty).ok());
  json manifest = {{"schemaVersion", 2},
                   {"mediaType", kOciManifestType},
                   {"artifactType", artifact_type},
                   {"config", {{"mediaType", kEmptyConfig}, {"size", 2}, {"digest", Sha256::Of(empty).ToString()}}},
                   {"layers", json::array()},
                   {"annotations", {{"dev.sigstore.bundle.content", "dsse-envelope"}}},
                   {"subject", {{"mediaType", kOciManifestType}, {"size", 1}, {"digest", subject.ToString()}}}};
  for (const auto& [type, content] : layers) {
    EXPECT_TRUE(w.client->PutBlob(repo, Sha256::Of(content), content).ok());
    manifest["layers"].push_back(
        {{"mediaType", type}, {"size", content.size()}, {"digest", Sha256::Of(content).ToString()}});
  }
  const std::string body = manifest.dump();
  auto digest = w.client->PutManifest(repo, Sha256::Of(body).ToString(), kOciManifestType, body);
  EXPECT_TRUE(digest.ok()) << (digest.ok() ? "" : digest.error().message());
  const std::string tag = tag_image.algorithm() + "-" + tag_image.hex();
  json index = {{"schemaVersion", 2}, {"mediaType", kOciIndexType}, {"manifests", json::array()}};
  if (auto existing = w.client->GetManifest(repo, tag); existing.ok()) index = json::parse(existing->body);
  index["manifests"].push_back({{"mediaType", kOciManifestType},
                                {"size", body.size()},
                                {"digest", Sha256::Of(body).ToString()},
                                {"artifactType", kEmptyConfig}});  // as cosign writes it
  EXPECT_TRUE(w.client->PutManifest(repo, tag, kOciIndexType, index.dump()).ok());
  return Sha256::Of(body).ToString();
}

std::string PushBundle(const World& w, const std::string& repo, const Digest& image, const std::string& bundle) {
  return PushReferrer(w, repo, image, image, {{std::string(kBundleType), bundle}});
}

std::string WithPayload(const std::string& bundle, const std::function<void(json&)>& edit_statement) {
  json b = json::parse(bundle);
  json statement = json::parse(UnB64(b["dsseEnvelope"]["payload"].get<std::string>()));
  edit_statement(statement);
  b["dsseEnvelope"]["payload"] = B64(statement.dump());
  return b.dump();
}

std::string Edit(const std::string& bundle, const std::function<void(json&)>& edit) {
  json b = json::parse(bundle);
  edit(b);
  return b.dump();
}

std::vector<std::string> With(std::vector<std::string> base, std::initializer_list<std::string> more) {
  base.insert(base.end(), more);
  return base;
}

// Stage "base": registry, images A (in every repository) and B (other/app), cosign 3 keys,
// cosign 3 signatures of A (plain and annotated, cosign3/app) and of B, cosign's own verdicts.
void BuildBase(World& w) {
  if (!fs::exists(Peer("cosign3"))) {
    w.skip = "cosign3 not found under $PEERS/bin (fetch with ../shared/tools/peer-tools.sh)";
    return;
  }
  w.tmp = std::make_unique<::hullscan::testing::TempDir>();
  const fs::path dir = w.dir = w.tmp->path();
  w.registry = LocalRegistry::Start({});
  if (!w.registry) {
    w.failure = "the local registry did not start";
    return;
  }
  auto client = net::RegistryClient::Connect(w.registry->host(), {});
  if (!client.ok()) {
    w.failure = client.error().message();
    return;
  }
  w.client = std::move(*client);

  using ::hullscan::testing::File;
  using ::hullscan::testing::Layer;
  using ::hullscan::testing::MakeTar;
  using ::hullscan::testing::WriteOciLayout;
  w.image_a = D(WriteOciLayout(dir / "img-a", {Layer(MakeTar({File("etc/app.txt", "image a\n")}))}, "v1"));
  w.image_b = D(WriteOciLayout(dir / "img-b", {Layer(MakeTar({File("etc/app.txt", "image b\n")}))}, "v1"));
  // One push with skopeo; the other repositories get the same bytes through the client.
  auto pushed = w.registry->Push("oci:" + (dir / "img-a").string() + ":v1", "cosign3/app:a");
  if (pushed) pushed = w.registry->Push("oci:" + (dir / "img-b").string() + ":v1", "other/app:b");
  if (!pushed) {
    w.failure = pushed.message();
    return;
  }
  auto source = w.client->GetManifest("cosign3/app", w.image_a.ToString());
  if (!source.ok()) {
    w.failure = source.error().message();
    return;
  }
  const json source_doc = json::parse(source->body);
  for (const std::string repo : {"tampered/app", "extras/app", "attest/app", "unsigned/app", "stricter-subject/app"}) {
    std::vector<json> blobs = {source_doc["config"]};
    for (const auto& layer : source_doc["layers"]) blobs.push_back(layer);
    for (const auto& blob : blobs) {
      const Digest digest = D(blob["digest"].get<std::string>());
      auto bytes = w.client->GetBlob("cosign3/app", digest, 1 << 20);
      if (!bytes.ok() || !w.client->PutBlob(repo, digest, *bytes).ok()) {
        w.failure = "copying " + digest.ToString() + " to " + repo + " failed";
        return;
      }
    }
    if (!w.client->PutManifest(repo, "a", source->media_type, source->body).ok()) {
      w.failure = "copying the manifest to " + repo + " failed";
      return;
    }
  }
  w.manifest_a = w.client->GetManifest("cosign3/app", w.image_a.ToString())->body;
  w.manifest_b = w.client->GetManifest("other/app", w.image_b.ToString())->body;

  auto must = [&](const CommandResult& r, const std::string& what) { return w.Must(r, what); };
  const std::string k3 = w.k3 = (dir / "k3").string();
  const std::string wrong = (dir / "wrong").string();
  if (!must(w.Tool("cosign3", {"generate-key-pair", "--output-key-prefix", k3}), "cosign3 generate-key-pair") ||
      !must(w.Tool("cosign3", {"generate-key-pair", "--output-key-prefix", wrong}), "cosign3 generate-key-pair"))
    return;
  w.k3_pub = ::hullscan::testing::ReadFileOrFail(k3 + ".pub");
  w.wrong_pub = ::hullscan::testing::ReadFileOrFail(wrong + ".pub");

  // cosign 3 refuses --tlog-upload=false together with its default TUF signing config, hence
  // --use-signing-config=false (a --signing-config file without Rekor stores the same bundle).
  const std::vector<std::string> sign3 = {"sign", "--key", k3 + ".key", "--use-signing-config=false",
                                          "--tlog-upload=false", "--allow-http-registry", "-y"};
  if (!must(w.Tool("cosign3", With(sign3, {w.Ref("cosign3/app", w.image_a)})), "cosign3 sign") ||
      !must(w.Tool("cosign3", With(sign3, {"-a", "team=blue", "-a", "env=prod", w.Ref("cosign3/app", w.image_a)})),
            "cosign3 sign -a") ||
      !must(w.Tool("cosign3", With(sign3, {w.Ref("other/app", w.image_b)})), "cosign3 sign (image b)"))
    return;
  w.cosign3_verify_ok = w.Tool("cosign3", w.Verify3("cosign3/app")).rc == 0;
  w.cosign3_verify_annotated_ok = w.Tool("cosign3", With(w.Verify3("cosign3/app"), {"-a", "team=blue"})).rc == 0;
  w.cosign3_verify_wrong_key_ok = w.Tool("cosign3", {"verify", "--key", wrong + ".pub", "--insecure-ignore-tlog",
                                                     "--allow-http-registry", w.Ref("cosign3/app", w.image_a)})
                                      .rc == 0;

  auto bundles_a = BundlesOf(w, "cosign3/app", w.image_a);
  auto bundles_b = BundlesOf(w, "other/app", w.image_b);
  for (const auto& b : bundles_a) {
    json statement = json::parse(UnB64(json::parse(b)["dsseEnvelope"]["payload"].get<std::string>()));
    if (statement["subject"][0].value("annotations", json::object()).empty()) w.cosign3_bundle_a = b;
  }
  if (w.cosign3_bundle_a.empty() || bundles_b.size() != 1) {
    w.failure = "cosign3 did not store the expected bundles in the referrers tag (" +
                std::to_string(bundles_a.size()) + " for a, " + std::to_string(bundles_b.size()) + " for b)";
    return;
  }
  w.cosign3_bundle_b = bundles_b[0];

}

// Stage "tampered": tampered copies of the real bundles, and the stricter-than-cosign case.
void BuildTampered(World& w) {
  const fs::path& dir = w.dir;
  (void)dir;
  auto must = [&](const CommandResult& r, const std::string& what) { return w.Must(r, what); };
  (void)must;
  const std::string& k3 = w.k3;
  (void)k3;
  // Tampered copies of the real bundles, all attached to image A in tampered/app.
  const std::string good = w.cosign3_bundle_a, repo = "tampered/app";
  auto add = [&](const std::string& bundle, const std::string& reason) {
    w.tampered_reason[PushBundle(w, repo, w.image_a, bundle)] = reason;
  };
  add(Edit(good,
           [](json& b) {
             std::string sig = UnB64(b["dsseEnvelope"]["signatures"][0]["sig"].get<std::string>());
             sig[sig.size() / 2] ^= 0x01;
             b["dsseEnvelope"]["signatures"][0]["sig"] = B64(sig);
           }),
      "signature does not verify with the given key");
  add(WithPayload(good, [](json& s) { s["subject"][0]["annotations"]["team"] = "red"; }),
      "signature does not verify with the given key");
  add(WithPayload(good, [&](json& s) { s["subject"][0]["digest"]["sha256"] = w.image_b.hex(); }),
      "signature does not verify with the given key");
  add(w.cosign3_bundle_b, "signed for " + w.image_b.ToString() + ", not for the image " + w.image_a.ToString());
  add(good.substr(0, good.size() / 2), "bundle is not valid JSON");
  add(Edit(good, [](json& b) { b["mediaType"] = "application/vnd.dev.sigstore.bundle.v0.9+json"; }),
      "unsupported bundle media type");
  add(Edit(good, [](json& b) { b["verificationMaterial"] = {{"certificate", {{"rawBytes", "MIIB"}}}}; }),
      "certificate-based (keyless signing)");
  add(Edit(good, [](json& b) { b["dsseEnvelope"]["payloadType"] = "text/plain"; }),
      "is not an in-toto statement");
  add(Edit(good, [](json& b) { b["dsseEnvelope"]["signatures"] = json::array(); }), "has no signatures");
  add(Edit(good, [](json& b) { b["dsseEnvelope"]["signatures"][0]["sig"] = "not*base64"; }), "is not base64");
  add(Edit(good, [](json& b) { b.erase("dsseEnvelope"); }), "neither a dsseEnvelope nor a messageSignature");
  w.tampered_reason[PushReferrer(w, repo, w.image_a, w.image_a,
                                 {{std::string(kBundleType), good}, {std::string(kBundleType), good + " "}})] =
      "a bundle referrer has one layer; this one has 2";
  // A bundle blob whose stored bytes were corrupted in the registry (same length).
  const std::string corrupt = good + "\n";
  w.tampered_reason[PushBundle(w, repo, w.image_a, corrupt)] = "bundle blob:";
  {
    std::string garbage(corrupt.size(), 'x');
    ::hullscan::testing::WriteFile(w.registry->BlobFile(Sha256::Of(corrupt).ToString()), garbage);
  }
  w.cosign3_verify_tampered_ok = w.Tool("cosign3", w.Verify3(repo)).rc == 0;

  // Where hullscan is stricter than cosign (each alone on its image, to ask cosign about it).
  PushReferrer(w, "stricter-subject/app", w.image_a, w.image_b, {{std::string(kBundleType), good}});
  w.stricter["stricter-subject/app"] = {
      "referrer manifest's subject is " + w.image_b.ToString() + ", not the image " + w.image_a.ToString(),
      w.Tool("cosign3", w.Verify3("stricter-subject/app")).rc == 0};


}

// Stage "extras": cosign 3 sign-blob (messageSignature) bundles and valid variations.
void BuildExtras(World& w) {
  const fs::path& dir = w.dir;
  (void)dir;
  auto must = [&](const CommandResult& r, const std::string& what) { return w.Must(r, what); };
  (void)must;
  const std::string& k3 = w.k3;
  (void)k3;
  // cosign sign-blob bundles (messageSignature) over the two manifests' bytes.
  ::hullscan::testing::WriteFile(dir / "manifest-a.json", w.manifest_a);
  ::hullscan::testing::WriteFile(dir / "manifest-b.json", w.manifest_b);
  for (const char* name : {"a", "b"}) {
    std::string out = (dir / (std::string("blob-") + name + ".bundle")).string();
    if (!must(w.Tool("cosign3", {"sign-blob", "--key", k3 + ".key", "--use-signing-config=false",
                                 "--tlog-upload=false", "-y", "--bundle", out,
                                 (dir / (std::string("manifest-") + name + ".json")).string()}),
              "cosign3 sign-blob"))
      return;
    (name[0] == 'a' ? w.blob_bundle_a : w.blob_bundle_b) = ::hullscan::testing::ReadFileOrFail(out);
  }

  // extras/app: valid variations and message signatures.
  const std::string good = w.cosign3_bundle_a;
  const std::string extras = "extras/app";
  w.extras_expect[PushBundle(w, extras, w.image_a, Edit(good, [](json& b) {
                               b["verificationMaterial"]["tlogEntries"] = json::array({{{"logIndex", "1"}}});
                             }))] = "valid:1 transparency-log entry";
  w.extras_expect[PushBundle(w, extras, w.image_a, w.blob_bundle_a)] = "valid";
  w.extras_expect[PushBundle(w, extras, w.image_a, Edit(w.blob_bundle_a, [&](json& b) {
                               std::string raw(32, '\0');
                               for (size_t i = 0; i < 32; ++i)
                                 raw[i] = char(std::stoi(w.image_b.hex().substr(2 * i, 2), nullptr, 16));
                               b["messageSignature"]["messageDigest"]["digest"] = B64(raw);
                             }))] = "message digest " + w.image_b.ToString() + " is not the image";
  w.extras_expect[PushBundle(w, extras, w.image_a, w.blob_bundle_b)] = "signature does not verify with the given key";
  // Not a bundle at all (a Notation-style referrer): skipped, not reported.
  PushReferrer(w, extras, w.image_a, w.image_a, {{"application/jose+json", "{}"}},
               "application/vnd.cncf.notary.signature");
}

// Stage "attest": cosign 2.5 attest --new-bundle-format and cosign 3 attest.
void BuildAttest(World& w) {
  const fs::path& dir = w.dir;
  (void)dir;
  auto must = [&](const CommandResult& r, const std::string& what) { return w.Must(r, what); };
  (void)must;
  const std::string& k3 = w.k3;
  (void)k3;
  if (w.k2.empty()) {
    w.k2 = (dir / "k2").string();
    if (!must(w.Tool("cosign2", {"generate-key-pair", "--output-key-prefix", w.k2}), "cosign2 generate-key-pair"))
      return;
    w.k2_pub = ::hullscan::testing::ReadFileOrFail(w.k2 + ".pub");
  }
  const std::string& k2 = w.k2;
  // Attestations in the same format: cosign 2.5 attest --new-bundle-format and cosign 3 attest.
  ::hullscan::testing::WriteFile(dir / "predicate.json", R"({"scanner":"hullscan","result":"pass"})");
  const std::string type = std::string(kScanPredicate), predicate = (dir / "predicate.json").string();
  if (!must(w.Tool("cosign2", {"attest", "--key", k2 + ".key", "--tlog-upload=false", "--new-bundle-format",
                               "--allow-http-registry", "-y", "--predicate", predicate, "--type", type,
                               w.Ref("attest/app", w.image_a)}),
            "cosign2 attest --new-bundle-format") ||
      !must(w.Tool("cosign3", {"attest", "--key", k3 + ".key", "--use-signing-config=false", "--tlog-upload=false",
                               "--allow-http-registry", "-y", "--predicate", predicate, "--type", type,
                               w.Ref("attest/app", w.image_a)}),
            "cosign3 attest"))
    return;
  w.cosign3_verify_attestation_ok = w.Tool("cosign3", {"verify-attestation", "--key", k3 + ".pub",
                                                       "--insecure-ignore-tlog", "--allow-http-registry", "--type",
                                                       type, w.Ref("attest/app", w.image_a)})
                                        .rc == 0;
}

// Stage "unsigned": only a legacy cosign 2 signature.
void BuildUnsigned(World& w) {
  const fs::path& dir = w.dir;
  (void)dir;
  auto must = [&](const CommandResult& r, const std::string& what) { return w.Must(r, what); };
  (void)must;
  const std::string& k3 = w.k3;
  (void)k3;
  if (w.k2.empty()) {
    w.k2 = (dir / "k2").string();
    if (!must(w.Tool("cosign2", {"generate-key-pair", "--output-key-prefix", w.k2}), "cosign2 generate-key-pair"))
      return;
    w.k2_pub = ::hullscan::testing::ReadFileOrFail(w.k2 + ".pub");
  }
  const std::string& k2 = w.k2;
  // A legacy cosign signature (tag sha256-<hex>.sig) is not a bundle: unsigned/app has only that.
  must(w.Tool("cosign2", {"sign", "--key", k2 + ".key", "--tlog-upload=false", "--allow-http-registry", "-y",
                          w.Ref("unsigned/app", w.image_a)}),
       "cosign2 sign");

}

class BundleTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (world == nullptr) world = new World();
  }
  void SetUp() override {
    Need("base", BuildBase);
    if (!world->skip.empty()) GTEST_SKIP() << world->skip;
    ASSERT_TRUE(world->failure.empty()) << world->failure;
  }
  // Builds a stage of the world once; check world->failure after.
  static void Need(const std::string& stage, void (*build)(World&)) {
    if (world->failure.empty() && world->skip.empty() && world->built.insert(stage).second) build(*world);
  }
  static PublicKey Key(const std::string& pem) {
    auto key = LoadPublicKey(pem);
    EXPECT_TRUE(key.ok()) << (key.ok() ? "" : key.error().message());
    return key.ok() ? std::move(*key) : PublicKey();
  }
  static std::vector<BundleCheck> Verify(const std::string& repo, const std::string& pem,
                                         const BundleVerifyOptions& options = {}) {
    auto store = world->Store(repo);
    auto checks = VerifyBundleSignatures(*store, world->image_a, Key(pem), options);
    EXPECT_TRUE(checks.ok()) << (checks.ok() ? "" : checks.error().message());
    return checks.ok() ? *checks : std::vector<BundleCheck>{};
  }
  static int ValidCount(const std::vector<BundleCheck>& checks) {
    int n = 0;
    for (const auto& c : checks) n += c.valid ? 1 : 0;
    return n;
  }
};

TEST_F(BundleTest, Cosign3SignaturesVerifyAndAgreeWithCosign) {
  ASSERT_TRUE(world->cosign3_verify_ok) << "cosign3 verify rejected its own signatures: the fixture is wrong";
  auto checks = Verify("cosign3/app", world->k3_pub);
  ASSERT_EQ(checks.size(), 2u);
  std::vector<std::map<std::string, std::string>> annotations;
  for (const auto& c : checks) {
    EXPECT_TRUE(c.valid) << c.where << ": " << c.reason;
    EXPECT_TRUE(c.reason.empty());
    EXPECT_EQ(c.predicate_type, kCosignSignPredicateType);
    EXPECT_TRUE(c.not_checked.empty()) << "cosign --tlog-upload=false stores no log entry";
    EXPECT_TRUE(c.where.starts_with("referrer sha256:")) << c.where;
    annotations.push_back(c.annotations);
  }
  std::sort(annotations.begin(), annotations.end());
  EXPECT_EQ(annotations[0], (std::map<std::string, std::string>{}));
  EXPECT_EQ(annotations[1], (std::map<std::string, std::string>{{"env", "prod"}, {"team", "blue"}}));
  EXPECT_LE(checks[0].where, checks[1].where) << "sorted by where";
}

TEST_F(BundleTest, RequiredAnnotationsMatchOnlyTheAnnotatedSignature) {
  ASSERT_TRUE(world->cosign3_verify_annotated_ok) << "cosign3 verify -a team=blue should accept";
  BundleVerifyOptions options;
  options.annotations = {{"team", "blue"}};
  auto checks = Verify("cosign3/app", world->k3_pub, options);
  ASSERT_EQ(checks.size(), 2u);
  EXPECT_EQ(ValidCount(checks), 1) << "like cosign verify -a team=blue: one signature carries it";
  for (const auto& c : checks) {
    if (!c.valid) {
      EXPECT_EQ(c.reason, "annotation 'team' is not signed");
    }
  }

  options.annotations = {{"team", "red"}};
  checks = Verify("cosign3/app", world->k3_pub, options);
  EXPECT_EQ(ValidCount(checks), 0);
  bool saw_mismatch = false;
  for (const auto& c : checks) saw_mismatch |= c.reason == "annotation 'team' is signed as 'blue', not 'red'";
  EXPECT_TRUE(saw_mismatch);
}

TEST_F(BundleTest, WrongKeyRejectsEveryBundleNamingTheHint) {
  EXPECT_FALSE(world->cosign3_verify_wrong_key_ok) << "cosign3 verify accepted the wrong key";
  auto checks = Verify("cosign3/app", world->wrong_pub);
  ASSERT_EQ(checks.size(), 2u);
  for (const auto& c : checks) {
    EXPECT_FALSE(c.valid);
    EXPECT_TRUE(c.reason.starts_with("signature does not verify with the given key (the bundle names key hint '"))
        << c.reason;
    EXPECT_TRUE(c.annotations.empty() && c.predicate_type.empty()) << "nothing unauthenticated is reported";
  }
}

TEST_F(BundleTest, TamperedBundlesAreEachRejectedWithTheirReason) {
  Need("tampered", BuildTampered);
  ASSERT_TRUE(world->failure.empty()) << world->failure;
  EXPECT_FALSE(world->cosign3_verify_tampered_ok) << "cosign3 verify accepted a tampered bundle";
  auto checks = Verify("tampered/app", world->k3_pub);
  ASSERT_EQ(checks.size(), world->tampered_reason.size());
  for (const auto& c : checks) {
    ASSERT_TRUE(c.where.starts_with("referrer ")) << c.where;
    auto it = world->tampered_reason.find(c.where.substr(std::string("referrer ").size()));
    ASSERT_NE(it, world->tampered_reason.end()) << c.where;
    EXPECT_FALSE(c.valid) << c.where;
    EXPECT_NE(c.reason.find(it->second), std::string::npos) << "wanted '" << it->second << "' in: " << c.reason;
  }
}

// Deliberate difference from cosign 3.1, which accepts this: a bundle signed for this image, in a
// referrer manifest whose subject is ANOTHER image, listed in this image's referrers tag. cosign
// trusts the list; hullscan does not: a manifest whose subject is another image is not a referrer
// of this one (OCI 1.1 defines referrers by their subject; the tag-schema index is written by
// clients and can be wrong), and the issue's rule is to fail closed on any doubt.
TEST_F(BundleTest, StricterThanCosignOnInconsistentReferrers) {
  Need("tampered", BuildTampered);
  ASSERT_TRUE(world->failure.empty()) << world->failure;
  ASSERT_EQ(world->stricter.size(), 1u);
  for (const auto& [repo, expect] : world->stricter) {
    EXPECT_TRUE(expect.cosign_accepts) << repo << ": cosign changed; the exception list here is out of date";
    auto checks = Verify(repo, world->k3_pub);
    ASSERT_EQ(checks.size(), 1u) << repo;
    EXPECT_FALSE(checks[0].valid) << repo;
    EXPECT_EQ(checks[0].reason, expect.reason) << repo;
  }
}

TEST_F(BundleTest, LogEntriesAreReportedAsUncheckedAndMessageSignaturesVerify) {
  Need("extras", BuildExtras);
  ASSERT_TRUE(world->failure.empty()) << world->failure;
  auto checks = Verify("extras/app", world->k3_pub);
  ASSERT_EQ(checks.size(), world->extras_expect.size()) << "the Notation-style referrer is not a bundle";
  for (const auto& c : checks) {
    auto it = world->extras_expect.find(c.where.substr(std::string("referrer ").size()));
    ASSERT_NE(it, world->extras_expect.end()) << c.where;
    const std::string& want = it->second;
    if (want.starts_with("valid")) {
      EXPECT_TRUE(c.valid) << c.where << ": " << c.reason;
      std::vector<std::string> not_checked;
      if (want.size() > 6) not_checked.push_back(want.substr(6));
      EXPECT_EQ(c.not_checked, not_checked);
    } else {
      EXPECT_FALSE(c.valid);
      EXPECT_NE(c.reason.find(want), std::string::npos) << "wanted '" << want << "' in: " << c.reason;
    }
  }
  // A message signature is a plain signature: no annotations, no attestation type.
  BundleVerifyOptions options;
  options.annotations = {{"team", "blue"}};
  for (const auto& c : Verify("extras/app", world->k3_pub, options)) EXPECT_FALSE(c.valid) << c.where;
}

TEST_F(BundleTest, AttestationBundlesOfCosign2AndCosign3) {
  if (!fs::exists(Peer("cosign2"))) GTEST_SKIP() << "cosign2 not found under $PEERS/bin";
  Need("attest", BuildAttest);
  ASSERT_TRUE(world->failure.empty()) << world->failure;
  ASSERT_TRUE(world->cosign3_verify_attestation_ok) << "cosign3 verify-attestation rejected its own attestation";
  // As image signatures they are refused: they sign a scan predicate, not the image.
  auto checks = Verify("attest/app", world->k2_pub);
  ASSERT_EQ(checks.size(), 2u);
  EXPECT_EQ(ValidCount(checks), 0);
  int wrong_type = 0;
  for (const auto& c : checks) {
    if (c.reason == "signed statement has predicate type 'https://example.com/scan/v1', not "
                    "'https://sigstore.dev/cosign/sign/v1'") {
      ++wrong_type;
      EXPECT_EQ(c.predicate_type, kScanPredicate);
    } else {
      EXPECT_TRUE(c.reason.starts_with("signature does not verify")) << c.reason << " (cosign3's, other key)";
    }
  }
  EXPECT_EQ(wrong_type, 1);

  BundleVerifyOptions options;
  options.predicate_type = std::string(kScanPredicate);
  EXPECT_EQ(ValidCount(Verify("attest/app", world->k2_pub, options)), 1) << "cosign 2.5 --new-bundle-format";
  EXPECT_EQ(ValidCount(Verify("attest/app", world->k3_pub, options)), 1) << "cosign 3 attest";
}

TEST_F(BundleTest, MissingBundleIsNotFoundEvenWithALegacySignature) {
  if (!fs::exists(Peer("cosign2"))) GTEST_SKIP() << "cosign2 not found under $PEERS/bin";
  Need("unsigned", BuildUnsigned);
  ASSERT_TRUE(world->failure.empty()) << world->failure;
  auto store = world->Store("unsigned/app");
  auto tags = world->client->ListTags("unsigned/app");
  ASSERT_TRUE(tags.ok());
  EXPECT_NE(std::find(tags->begin(), tags->end(), "sha256-" + world->image_a.hex() + ".sig"), tags->end())
      << "cosign2 sign should have stored a legacy signature";
  auto checks = VerifyBundleSignatures(*store, world->image_a, Key(world->k2_pub));
  ASSERT_FALSE(checks.ok());
  EXPECT_EQ(checks.error().code(), ErrorCode::kNotFound);
  EXPECT_NE(checks.error().message().find("no Sigstore bundle refers to " + world->image_a.ToString()),
            std::string::npos)
      << checks.error().message();
  auto other = VerifyBundleSignatures(*store, world->image_b, Key(world->k2_pub));
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.error().code(), ErrorCode::kNotFound);
}

TEST_F(BundleTest, OnlineVerificationIsRefused) {
  auto store = world->Store("cosign3/app");
  BundleVerifyOptions options;
  options.offline = false;
  auto checks = VerifyBundleSignatures(*store, world->image_a, Key(world->k3_pub), options);
  ASSERT_FALSE(checks.ok());
  EXPECT_EQ(checks.error().code(), ErrorCode::kUnsupported);
}

// A registry with the referrers API: the same referrers come from GetReferrers (with the
// artifactType the API reports, the manifest's own) and the fallback tag is absent.
class ReferrersApiStore final : public ArtifactStore {
 public:
  ReferrersApiStore(std::unique_ptr<ArtifactStore> inner, std::string index, bool keep_tag)
      : inner_(std::move(inner)), index_(std::move(index)), keep_tag_(keep_tag) {}
  std::string Describe() const override { return inner_->Describe(); }
  Result<StoredManifest> GetManifest(std::string_view reference) override {
    if (reference.starts_with("sha256-") && !keep_tag_) return NotFound("no such tag");
    ++manifest_gets_;
    return inner_->GetManifest(reference);
  }
  Result<std::string> GetBlob(const Digest& digest, uint64_t max_bytes) override {
    return inner_->GetBlob(digest, max_bytes);
  }
  Status PutBlob(const Digest& digest, std::string_view content) override { return inner_->PutBlob(digest, content); }
  Result<Digest> PutManifest(std::string_view tag, std::string_view media_type, std::string_view body) override {
    return inner_->PutManifest(tag, media_type, body);
  }
  Result<std::string> GetReferrers(const Digest&, std::string_view) override { return index_; }
  int manifest_gets_ = 0;

 private:
  std::unique_ptr<ArtifactStore> inner_;
  std::string index_;
  bool keep_tag_;
};

TEST_F(BundleTest, ReferrersApiAndTagSchemaGiveTheSameVerdicts) {
  auto tagged = world->client->GetManifest("cosign3/app", "sha256-" + world->image_a.hex());
  ASSERT_TRUE(tagged.ok());
  json index = json::parse(tagged->body);
  for (auto& entry : index["manifests"]) entry["artifactType"] = kBundleType;
  // And one entry the API filters out by type without a fetch.
  index["manifests"].push_back({{"mediaType", kOciManifestType},
                                {"digest", "sha256:" + std::string(64, 'e')},
                                {"size", 10},
                                {"artifactType", "application/vnd.cncf.notary.signature"}});
  const auto via_tag = Verify("cosign3/app", world->k3_pub);
  for (bool keep_tag : {false, true}) {
    ReferrersApiStore store(world->Store("cosign3/app"), index.dump(), keep_tag);
    auto checks = VerifyBundleSignatures(store, world->image_a, Key(world->k3_pub));
    ASSERT_TRUE(checks.ok()) << checks.error().message();
    EXPECT_EQ(*checks, via_tag) << (keep_tag ? "API and tag list the same referrers: each once" : "API only");
    EXPECT_EQ(store.manifest_gets_, keep_tag ? 3 : 2) << "the Notation entry is never fetched";
  }
}

TEST_F(BundleTest, MalformedReferrersIndexesFailClosed) {
  for (const std::string& body : {std::string("not json"), std::string(R"({"manifests":{}})"),
                                 std::string(R"({"manifests":[{"digest":"md5:abc"},{"artifactType":7}]})")}) {
    ReferrersApiStore store(world->Store("unsigned/app"), body, false);
    auto checks = VerifyBundleSignatures(store, world->image_a, Key(world->k3_pub));
    ASSERT_TRUE(checks.ok()) << body << ": " << checks.error().message();
    ASSERT_FALSE(checks->empty()) << body;
    for (const auto& c : *checks) {
      EXPECT_FALSE(c.valid) << body;
      EXPECT_FALSE(c.reason.empty()) << body;
    }
  }
}

// The same signed image and its referrers copied into an OCI image layout by oras (which follows
// the referrers tag schema): the layout store finds the referrers by their subject.
TEST_F(BundleTest, OciLayoutCopiedByOrasVerifiesTheSame) {
  if (!fs::exists(Peer("oras"))) GTEST_SKIP() << "oras not found under $PEERS/bin";
  const fs::path layout = world->dir / "layout";
  auto copied = world->Tool("oras", {"cp", "-r", "--from-plain-http", world->Ref("cosign3/app", world->image_a),
                                     "--to-oci-layout", layout.string() + ":v1"});
  ASSERT_EQ(copied.rc, 0) << copied.output;
  auto store = OpenLayoutStore(layout);
  ASSERT_TRUE(store.ok()) << store.error().message();
  auto checks = VerifyBundleSignatures(**store, world->image_a, Key(world->k3_pub));
  ASSERT_TRUE(checks.ok()) << checks.error().message();
  EXPECT_EQ(*checks, Verify("cosign3/app", world->k3_pub));
  EXPECT_EQ(ValidCount(*checks), 2);
  auto wrong = VerifyBundleSignatures(**store, world->image_a, Key(world->wrong_pub));
  ASSERT_TRUE(wrong.ok());
  EXPECT_EQ(ValidCount(*wrong), 0);
}

// VerifyBundle on its own: hostile documents never crash and never verify.
TEST(BundleUnitTest, HostileDocumentsAreRejected) {
  auto pair = GenerateKeyPair("pw");
  ASSERT_TRUE(pair.ok()) << pair.error().message();
  auto key = LoadPublicKey(pair->public_pem);
  ASSERT_TRUE(key.ok());
  auto priv = LoadPrivateKey(pair->private_pem, "pw");
  ASSERT_TRUE(priv.ok());
  const Digest image = Sha256::Of("manifest");

  // A correctly signed bundle around an arbitrary statement text.
  auto signed_bundle = [&](const std::string& statement) {
    const std::string type = "application/vnd.in-toto+json";
    const std::string pae = "DSSEv1 " + std::to_string(type.size()) + " " + type + " " +
                            std::to_string(statement.size()) + " " + statement;
    auto sig = SignData(*priv, pae);
    EXPECT_TRUE(sig.ok());
    json b = {{"mediaType", kBundleType},
              {"verificationMaterial", {{"publicKey", {{"hint", "x"}}}}},
              {"dsseEnvelope", {{"payload", B64(statement)}, {"payloadType", type},
                                {"signatures", {{{"sig", B64(sig.value_or(""))}}}}}}};
    return b.dump();
  };
  const std::string subject = R"("subject":[{"digest":{"sha256":")" + image.hex() + R"("}}])";
  const std::string good = signed_bundle(R"({"_type":"https://in-toto.io/Statement/v1",)" + subject +
                                         R"(,"predicateType":"https://sigstore.dev/cosign/sign/v1","predicate":{}})");
  BundleCheck ok = VerifyBundle(good, image, "", *key);
  EXPECT_TRUE(ok.valid) << ok.reason;

  const std::vector<std::pair<std::string, std::string>> cases = {
      {"", "bundle is not valid JSON"},
      {"null", "bundle is not a JSON object"},
      {"[]", "bundle is not a JSON object"},
      {"{}", "bundle has no mediaType"},
      {R"({"mediaType":5})", "bundle has no mediaType"},
      {std::string(100000, '[') + std::string(100000, ']'), "bundle is not"},
      {R"({"mediaType":"application/vnd.dev.sigstore.bundle.v0.3+json"})", "bundle has no verificationMaterial"},
      {R"({"mediaType":"application/vnd.dev.sigstore.bundle.v0.3+json","verificationMaterial":{}})",
       "neither a public key nor a certificate"},
      {R"({"mediaType":"application/vnd.dev.sigstore.bundle.v0.3+json","verificationMaterial":{"publicKey":[]}})",
       "publicKey is not an object"},
      {R"({"mediaType":"application/vnd.dev.sigstore.bundle.v0.3+json","verificationMaterial":{"publicKey":{}},)"
       R"("dsseEnvelope":[]})",
       "dsseEnvelope is not an object"},
      {R"({"mediaType":"application/vnd.dev.sigstore.bundle.v0.3+json","verificationMaterial":{"publicKey":{}},)"
       R"("dsseEnvelope":{"payloadType":"application/vnd.in-toto+json","payload":"e30=","signatures":[5]}})",
       "DSSE signature #0 has no sig"},
      {R"({"mediaType":"application/vnd.dev.sigstore.bundle.v0.3+json","verificationMaterial":{"publicKey":{}},)"
       R"("dsseEnvelope":{"payloadType":"application/vnd.in-toto+json","payload":"e30=","signatures":[{"sig":"AAAA"}]},)"
       R"("messageSignature":{}})",
       "both a dsseEnvelope and a messageSignature"},
      {R"({"mediaType":"application/vnd.dev.sigstore.bundle.v0.3+json","verificationMaterial":{"publicKey":{}},)"
       R"("messageSignature":{"signature":"AAAA","messageDigest":{"algorithm":"MD5","digest":"AAAA"}}})",
       "unsupported message digest algorithm 'MD5'"},
      {R"({"mediaType":"application/vnd.dev.sigstore.bundle.v0.3+json","verificationMaterial":{"publicKey":{}},)"
       R"("messageSignature":{"signature":"AAAA","messageDigest":{"algorithm":"SHA2_256","digest":"AAAA"}}})",
       "the image manifest is not available"},
      // Correctly signed, but the signed statement is not one we accept.
      {signed_bundle("not json"), "signed payload is not a JSON in-toto statement"},
      {signed_bundle(R"({"_type":"https://in-toto.io/Statement/v9"})"), "unsupported in-toto statement type"},
      {signed_bundle(R"({"_type":"https://in-toto.io/Statement/v1","subject":[]})"),
       "signed statement has no predicateType"},
      {signed_bundle(R"({"_type":"https://in-toto.io/Statement/v1","predicateType":"x","subject":[]})"),
       "signed statement has no subject"},
      {signed_bundle(R"({"_type":"https://in-toto.io/Statement/v1","predicateType":"x","subject":[{"digest":7}]})"),
       "signed for no digest, not for the image"},
      {signed_bundle(R"({"_type":"https://in-toto.io/Statement/v1","predicateType":"x","subject":[{"digest":)"
                     R"({"sha512":")" + image.hex() + R"("}}]})"),
       "signed for sha512:"},
  };
  for (const auto& [document, reason] : cases) {
    BundleCheck check = VerifyBundle(document, image, "", *key);
    EXPECT_FALSE(check.valid) << document.substr(0, 200);
    EXPECT_NE(check.reason.find(reason), std::string::npos)
        << "wanted '" << reason << "' for " << document.substr(0, 200) << "\ngot: " << check.reason;
  }
  // Non-string annotation values are reported as JSON text, and must still match exactly.
  const std::string annotated = signed_bundle(
      R"({"_type":"https://in-toto.io/Statement/v1","subject":[{"digest":{"sha256":")" + image.hex() +
      R"("},"annotations":{"n":5,"s":"x"}}],"predicateType":"https://sigstore.dev/cosign/sign/v1"})");
  BundleVerifyOptions options;
  options.annotations = {{"n", "5"}, {"s", "x"}};
  BundleCheck check = VerifyBundle(annotated, image, "", *key, options);
  EXPECT_TRUE(check.valid) << check.reason;
  EXPECT_EQ(check.annotations, options.annotations);
}

}  // namespace
}  // namespace hullscan::sign
