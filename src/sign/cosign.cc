#include "sign/cosign.h"

#include <nlohmann/json.hpp>

#include <fmt/format.h>

#include "base/strings.h"
#include "net/reference.h"

namespace hullscan::sign {
namespace {

using json = nlohmann::json;
using ordered_json = nlohmann::ordered_json;

constexpr std::string_view kOciManifest = "application/vnd.oci.image.manifest.v1+json";
constexpr std::string_view kOciConfig = "application/vnd.oci.image.config.v1+json";
constexpr uint64_t kMaxSignatureManifestBytes = 4 * 1024 * 1024;
constexpr uint64_t kMaxPayloadBytes = 1024 * 1024;
// More signatures than this on one image is an attack on the verifier's time, not a use.
constexpr size_t kMaxSignatures = 256;

std::string Payload(const std::string& docker_reference, const Digest& image,
                    const std::map<std::string, std::string>& annotations) {
  // Keys sorted, compact: the same bytes cosign writes (Go marshals these structs in this order).
  json payload = {{"critical",
                   {{"identity", {{"docker-reference", docker_reference}}},
                    {"image", {{"docker-manifest-digest", image.ToString()}}},
                    {"type", kCosignSignatureType}}},
                  {"optional", nullptr}};
  if (!annotations.empty()) {
    payload["optional"] = json::object();
    for (const auto& [k, v] : annotations) payload["optional"][k] = v;
  }
  return payload.dump();
}

// cosign's signature-image config: one diff_id (and one empty history entry) per layer.
std::string SignatureConfig(const std::vector<std::string>& layer_digests) {
  ordered_json history = ordered_json::array();
  ordered_json diff_ids = ordered_json::array();
  for (const auto& d : layer_digests) {
    history.push_back({{"created", "0001-01-01T00:00:00Z"}});
    diff_ids.push_back(d);
  }
  ordered_json config = {{"architecture", ""},
                         {"created", "0001-01-01T00:00:00Z"},
                         {"history", std::move(history)},
                         {"os", ""},
                         {"rootfs", {{"type", "layers"}, {"diff_ids", std::move(diff_ids)}}},
                         {"config", ordered_json::object()}};
  return config.dump();
}

std::string RepositoryOf(const net::Reference& ref) { return ref.registry + "/" + ref.repository; }

// containers/image matchRepository: the same normalised repository, tag and digest ignored.
std::optional<std::string> IdentityMismatch(const std::string& signed_ref, const std::string& expected) {
  auto got = net::Reference::Parse(signed_ref);
  if (!got.ok()) return fmt::format("signed identity {} is not a valid reference", QuoteForMessage(signed_ref));
  auto want = net::Reference::Parse(expected);
  if (!want.ok()) return fmt::format("expected identity {} is not a valid reference", QuoteForMessage(expected));
  if (RepositoryOf(*got) == RepositoryOf(*want)) return std::nullopt;
  return fmt::format("identity {} does not match {}", QuoteForMessage(signed_ref, '\'', 256),
                     QuoteForMessage(expected, '\'', 256));
}

std::string AnnotationText(const json& v) { return v.is_string() ? v.get<std::string>() : v.dump(); }

struct LayerView {
  std::string media_type;
  std::optional<Digest> digest;
  std::optional<std::string> signature_b64;
};

LayerView ViewLayer(const json& layer) {
  LayerView view;
  if (!layer.is_object()) return view;
  if (layer.contains("mediaType") && layer["mediaType"].is_string()) view.media_type = layer["mediaType"].get<std::string>();
  if (layer.contains("digest") && layer["digest"].is_string()) {
    auto d = Digest::Parse(layer["digest"].get<std::string>());
    if (d.ok()) view.digest = *d;
  }
  if (layer.contains("annotations") && layer["annotations"].is_object()) {
    auto it = layer["annotations"].find(std::string(kCosignSignatureAnnotation));
    if (it != layer["annotations"].end() && it->is_string()) view.signature_b64 = it->get<std::string>();
  }
  return view;
}

// Checks one signature layer; fills check.valid / check.reason.
void CheckLayer(ArtifactStore& store, const json& layer, const Digest& image, const PublicKey& key,
                const std::string& expected_identity, const VerifyOptions& options, SignatureCheck& check) {
  LayerView view = ViewLayer(layer);
  if (view.media_type != kCosignSimpleSigningMediaType) {
    check.reason = fmt::format("layer media type {} is not {}", QuoteForMessage(view.media_type),
                               kCosignSimpleSigningMediaType);
    return;
  }
  if (!view.digest) {
    check.reason = "layer has no valid digest";
    return;
  }
  if (!view.signature_b64) {
    check.reason = fmt::format("no {} annotation", kCosignSignatureAnnotation);
    return;
  }
  auto signature = Base64Decode(*view.signature_b64);
  if (!signature || signature->empty()) {
    check.reason = fmt::format("{} annotation is not base64", kCosignSignatureAnnotation);
    return;
  }
  auto payload = store.GetBlob(*view.digest, kMaxPayloadBytes);
  if (!payload.ok()) {
    check.reason = fmt::format("payload {} cannot be read: {}", view.digest->ToString(), payload.error().message());
    return;
  }
  // The signature first: nothing in the payload is believed before it verifies.
  if (!VerifyData(key, *payload, *signature).ok()) {
    check.reason = "signature does not verify with the given key";
    return;
  }
  json doc = json::parse(*payload, nullptr, false);
  if (doc.is_discarded() || !doc.is_object() || !doc.contains("critical") || !doc["critical"].is_object()) {
    check.reason = "payload is not a simple signing JSON document";
    return;
  }
  const json& critical = doc["critical"];
  std::string type = critical.contains("type") && critical["type"].is_string() ? critical["type"].get<std::string>() : "";
  if (type != kCosignSignatureType) {
    check.reason = fmt::format("payload type {} is not '{}'", QuoteForMessage(type), kCosignSignatureType);
    return;
  }
  std::string signed_digest;
  if (critical.contains("image") && critical["image"].is_object() && critical["image"].contains("docker-manifest-digest") &&
      critical["image"]["docker-manifest-digest"].is_string()) {
    signed_digest = critical["image"]["docker-manifest-digest"].get<std::string>();
  }
  if (signed_digest != image.ToString()) {
    check.reason = signed_digest.empty()
                       ? std::string("payload has no critical.image.docker-manifest-digest")
                       : fmt::format("payload digest {} ≠ image digest {}", QuoteForMessage(signed_digest, '\'', 80),
                                     image.ToString());
    return;
  }
  if (critical.contains("identity") && critical["identity"].is_object() &&
      critical["identity"].contains("docker-reference") && critical["identity"]["docker-reference"].is_string()) {
    check.docker_reference = critical["identity"]["docker-reference"].get<std::string>();
  }
  if (doc.contains("optional") && doc["optional"].is_object()) {
    for (const auto& [k, v] : doc["optional"].items()) check.annotations[k] = AnnotationText(v);
  }
  if (check.docker_reference.empty()) {
    check.reason = "payload has no critical.identity.docker-reference";
    return;
  }
  if (auto mismatch = IdentityMismatch(check.docker_reference, expected_identity)) {
    check.reason = *mismatch;
    return;
  }
  for (const auto& [k, v] : options.annotations) {
    auto it = check.annotations.find(k);
    if (it == check.annotations.end()) {
      check.reason = fmt::format("annotation {}={} missing", k, v);
      return;
    }
    if (it->second != v) {
      check.reason = fmt::format("annotation {} is {}, expected {}", k, QuoteForMessage(it->second),
                                 QuoteForMessage(v));
      return;
    }
  }
  check.valid = true;
}

// The repository a store names, when it is a registry repository ("oci:/…" is not).
std::optional<std::string> StoreRepository(const ArtifactStore& store) {
  std::string name = store.Describe();
  if (StartsWith(name, "oci:")) return std::nullopt;
  return name;
}

}  // namespace

std::string CosignSignatureTag(const Digest& image) { return image.algorithm() + "-" + image.hex() + ".sig"; }

Status SignImage(ArtifactStore& store, const Digest& image_manifest_digest, const PrivateKey& key,
                 const SignOptions& options) {
  std::string reference = options.docker_reference;
  if (reference.empty()) {
    auto repo = StoreRepository(store);
    if (!repo) return InvalidArgument(fmt::format("{}: an OCI layout needs a docker-reference to sign", store.Describe()));
    reference = *repo;
  }
  if (auto parsed = net::Reference::Parse(reference); !parsed.ok()) {
    return InvalidArgument(fmt::format("docker-reference {}: {}", QuoteForMessage(reference), parsed.error().message()));
  }
  // Never sign what is not there: the digest must name a manifest of this store.
  HS_TRY_CTX(store.GetManifest(image_manifest_digest.ToString()),
             fmt::format("{}@{}", store.Describe(), image_manifest_digest.ToString()));

  std::string payload = Payload(reference, image_manifest_digest, options.annotations);
  HS_ASSIGN_OR_RETURN(std::string signature, SignData(key, payload));
  Digest payload_digest = Sha256::Of(payload);
  std::string signature_b64 = Base64Encode(signature);
  std::string tag = CosignSignatureTag(image_manifest_digest);

  ordered_json layers = ordered_json::array();
  auto existing = store.GetManifest(tag);
  if (existing.ok()) {
    ordered_json manifest = ordered_json::parse(existing->body, nullptr, false);
    if (manifest.is_discarded() || !manifest.is_object() || !manifest.contains("layers") ||
        !manifest["layers"].is_array()) {
      return Corrupt(fmt::format("{}:{}: existing signature manifest is not an image manifest", store.Describe(), tag));
    }
    layers = manifest["layers"];
    // cosign's duplicate detector: the same payload, already signed by this key, is not added again.
    HS_ASSIGN_OR_RETURN(std::string public_pem, PublicKeyPem(key));
    HS_ASSIGN_OR_RETURN(PublicKey public_key, LoadPublicKey(public_pem));
    for (const auto& layer : layers) {
      LayerView view = ViewLayer(json::parse(layer.dump()));
      if (view.media_type != kCosignSimpleSigningMediaType || view.digest != payload_digest || !view.signature_b64) continue;
      auto old_signature = Base64Decode(*view.signature_b64);
      if (old_signature && VerifyData(public_key, payload, *old_signature).ok()) return OkStatus();
    }
  } else if (existing.error().code() != ErrorCode::kNotFound) {
    return std::move(existing).error().AddContext(fmt::format("{}:{}", store.Describe(), tag));
  }
  if (layers.size() >= kMaxSignatures) {
    return LimitExceeded(fmt::format("{}:{} already holds {} signatures", store.Describe(), tag, layers.size()));
  }

  ordered_json layer = {{"mediaType", kCosignSimpleSigningMediaType},
                        {"size", payload.size()},
                        {"digest", payload_digest.ToString()},
                        {"annotations", {{kCosignSignatureAnnotation, signature_b64}}}};
  layers.push_back(std::move(layer));
  std::vector<std::string> layer_digests;
  for (const auto& l : layers) {
    if (l.is_object() && l.contains("digest") && l["digest"].is_string()) layer_digests.push_back(l["digest"].get<std::string>());
  }
  std::string config = SignatureConfig(layer_digests);
  Digest config_digest = Sha256::Of(config);

  HS_TRY_CTX(store.PutBlob(payload_digest, payload), "pushing the signature payload");
  HS_TRY_CTX(store.PutBlob(config_digest, config), "pushing the signature config");
  ordered_json manifest = {{"schemaVersion", 2},
                           {"mediaType", kOciManifest},
                           {"config", {{"mediaType", kOciConfig}, {"size", config.size()}, {"digest", config_digest.ToString()}}},
                           {"layers", std::move(layers)}};
  HS_TRY_CTX(store.PutManifest(tag, kOciManifest, manifest.dump()), fmt::format("pushing {}", tag));
  return OkStatus();
}

Result<Verification> VerifyCosignSignatures(ArtifactStore& store, const Digest& image_manifest_digest,
                                            const PublicKey& key, const VerifyOptions& options) {
  std::string expected_identity;
  if (options.identity) {
    expected_identity = *options.identity;
  } else if (auto repo = StoreRepository(store)) {
    expected_identity = *repo;
  } else {
    return InvalidArgument(fmt::format("{}: an OCI layout names no repository; give the expected identity",
                                       store.Describe()));
  }
  std::string tag = CosignSignatureTag(image_manifest_digest);
  Verification result;
  auto manifest = store.GetManifest(tag);
  if (!manifest.ok()) {
    if (manifest.error().code() != ErrorCode::kNotFound) {
      return std::move(manifest).error().AddContext(fmt::format("{}:{}", store.Describe(), tag));
    }
    result.checks.push_back({tag, false, fmt::format("no signature (no tag {})", tag), {}, {}});
    return result;
  }
  json doc = json::parse(manifest->body, nullptr, false);
  if (doc.is_discarded() || !doc.is_object() || !doc.contains("layers") || !doc["layers"].is_array() ||
      doc["layers"].empty()) {
    result.checks.push_back({tag, false, fmt::format("signature manifest {} has no signature layers", tag), {}, {}});
    return result;
  }
  const json& layers = doc["layers"];
  size_t count = std::min(layers.size(), kMaxSignatures);
  for (size_t i = 0; i < count; ++i) {
    SignatureCheck check;
    check.where = fmt::format("cosign signature {} of {} ({})", i + 1, layers.size(), tag);
    CheckLayer(store, layers[i], image_manifest_digest, key, expected_identity, options, check);
    result.verified = result.verified || check.valid;
    result.checks.push_back(std::move(check));
  }
  if (layers.size() > count) {
    result.checks.push_back({fmt::format("cosign signatures {}-{} of {} ({})", count + 1, layers.size(), layers.size(), tag),
                             false, fmt::format("not checked: more than {} signatures", kMaxSignatures), {}, {}});
  }
  return result;
}

}  // namespace hullscan::sign
