// Sigstore bundle verification (key-based, offline).
//
// What cosign 3.1 `sign --key K --tlog-upload=false --use-signing-config=false IMAGE@DIGEST`
// actually stores (observed against docker-registry 2.8, which has no referrers API; cosign 3
// then uses the OCI 1.1 referrers tag schema):
//
//   tag "sha256-<image hex>" → an image index listing the referrers; cosign appends one entry
//   per signature. The entries' artifactType is "application/vnd.oci.empty.v1+json" (the config
//   media type, a go-containerregistry quirk), NOT the bundle type, so entries cannot be filtered
//   by it: each referrer manifest is fetched and judged by its own artifactType.
//     {"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[
//       {"mediaType":"application/vnd.oci.image.manifest.v1+json","size":877,"digest":"sha256:…",
//        "artifactType":"application/vnd.oci.empty.v1+json"}]}
//   A registry with the API serves the same list at GET /v2/<repo>/referrers/<image digest>.
//
//   the referrer manifest:
//     {"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",
//      "artifactType":"application/vnd.dev.sigstore.bundle.v0.3+json",
//      "config":{"mediaType":"application/vnd.oci.empty.v1+json","size":2,"digest":"sha256:44136f…",
//                "artifactType":"application/vnd.dev.sigstore.bundle.v0.3+json"},
//      "layers":[{"mediaType":"application/vnd.dev.sigstore.bundle.v0.3+json","size":659,"digest":"sha256:…"}],
//      "annotations":{"dev.sigstore.bundle.content":"dsse-envelope",
//                     "dev.sigstore.bundle.predicateType":"https://sigstore.dev/cosign/sign/v1",
//                     "org.opencontainers.image.created":"…"},
//      "subject":{"mediaType":"application/vnd.oci.image.manifest.v1+json","size":349,"digest":"<image digest>"}}
//
//   the bundle (the one layer; protobuf JSON, base64 with padding):
//     {"mediaType":"application/vnd.dev.sigstore.bundle.v0.3+json",
//      "verificationMaterial":{"publicKey":{"hint":"<base64 SHA-256 of the key's SPKI DER>"}},
//      "dsseEnvelope":{"payload":"<base64 statement>","payloadType":"application/vnd.in-toto+json",
//                      "signatures":[{"sig":"<base64 ASN.1 DER ECDSA over SHA-256(PAE)>"}]}}
//   With --tlog-upload=false there is no "tlogEntries" at all (with a log, each entry sits in
//   verificationMaterial.tlogEntries; timestamps in verificationMaterial.timestampVerificationData).
//   The hint is unauthenticated and only reported. The DSSE signature covers
//   PAE = "DSSEv1 <len(payloadType)> <payloadType> <len(payload)> <payload>".
//
//   the statement (cosign 3 sign):
//     {"_type":"https://in-toto.io/Statement/v1",
//      "subject":[{"digest":{"sha256":"<image hex>"},"annotations":{"team":"blue"}}],
//      "predicateType":"https://sigstore.dev/cosign/sign/v1","predicate":{}}
//   `-a k=v` lands in subject[].annotations; no docker-reference/identity is signed (cosign
//   verify synthesises one from the name it was given), so there is no identity to check.
//   cosign 2.5 `attest --new-bundle-format` writes the same referrer with a Statement/v0.1, a
//   subject {"name":"<repo>","digest":{…}} and the attestation's predicate type.
//
//   cosign `sign-blob --bundle` writes a "messageSignature" bundle instead:
//     {"messageSignature":{"messageDigest":{"algorithm":"SHA2_256","digest":"<base64>"},
//                          "signature":"<base64 DER over the message>"}}
//   cosign does not attach those to images itself; one signing the manifest bytes is accepted.
//
// Verification fails closed: every field is type-checked, the signature is checked before any
// signed content is believed, and anything not understood (media type, statement type, keyless
// certificate, unknown payload type) makes the bundle invalid with the reason.
#include "sign/bundle.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <optional>
#include <set>
#include <utility>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "base/strings.h"

namespace hullscan::sign {
namespace {

using json = nlohmann::json;

constexpr std::string_view kBundleTypePrefix = "application/vnd.dev.sigstore.bundle";
constexpr std::array<std::string_view, 4> kBundleMediaTypes = {
    "application/vnd.dev.sigstore.bundle.v0.3+json",
    "application/vnd.dev.sigstore.bundle+json;version=0.3",
    "application/vnd.dev.sigstore.bundle+json;version=0.2",
    "application/vnd.dev.sigstore.bundle+json;version=0.1",
};
constexpr std::string_view kEmptyConfigType = "application/vnd.oci.empty.v1+json";
constexpr std::string_view kInTotoPayloadType = "application/vnd.in-toto+json";
constexpr std::array<std::string_view, 2> kStatementTypes = {
    "https://in-toto.io/Statement/v1",
    "https://in-toto.io/Statement/v0.1",
};
constexpr uint64_t kMaxBundleBytes = 16u << 20;  // attestations may carry an SBOM
constexpr size_t kMaxReferrers = 1024;

// nullptr unless `obj` is an object holding `key`.
const json* Member(const json& obj, const char* key) {
  if (!obj.is_object()) return nullptr;
  auto it = obj.find(key);
  return it == obj.end() ? nullptr : &*it;
}

std::optional<std::string> StringMember(const json& obj, const char* key) {
  const json* m = Member(obj, key);
  if (m == nullptr || !m->is_string()) return std::nullopt;
  return m->get<std::string>();
}

// Standard or URL-safe base64, padding optional (protobuf JSON writes standard with padding).
std::optional<std::string> Base64Decode(std::string_view in) {
  while (!in.empty() && in.back() == '=') in.remove_suffix(1);
  if (in.size() % 4 == 1) return std::nullopt;
  std::string out;
  out.reserve(in.size() / 4 * 3 + 2);
  uint32_t acc = 0;
  int bits = 0;
  for (char c : in) {
    int v;
    if (c >= 'A' && c <= 'Z') v = c - 'A';
    else if (c >= 'a' && c <= 'z') v = c - 'a' + 26;
    else if (c >= '0' && c <= '9') v = c - '0' + 52;
    else if (c == '+' || c == '-') v = 62;
    else if (c == '/' || c == '_') v = 63;
    else return std::nullopt;
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xff));
    }
  }
  return out;
}

std::string HexOf(std::string_view bytes) {
  return HexEncode({reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()});
}

std::string Plural(size_t n, std::string_view one, std::string_view many) {
  return fmt::format("{} {}", n, n == 1 ? one : many);
}

bool IsBundleType(std::string_view type) { return StartsWith(type, kBundleTypePrefix); }

// The pre-authentication encoding DSSE signs.
std::string Pae(std::string_view type, std::string_view payload) {
  return fmt::format("DSSEv1 {} {} {} {}", type.size(), type, payload.size(), payload);
}

// Fills `check` from a DSSE envelope; the statement is read only after a signature verified.
void VerifyDsse(const json& envelope, const Digest& image, const PublicKey& key, const BundleVerifyOptions& options,
                std::string_view key_hint, BundleCheck& check) {
  auto fail = [&](std::string reason) { check.reason = std::move(reason); };
  if (!envelope.is_object()) return fail("dsseEnvelope is not an object");
  auto payload_type = StringMember(envelope, "payloadType");
  if (!payload_type) return fail("dsseEnvelope has no payloadType");
  if (*payload_type != kInTotoPayloadType)
    return fail(fmt::format("DSSE payload type {} is not an in-toto statement", QuoteForMessage(*payload_type)));
  auto payload_b64 = StringMember(envelope, "payload");
  if (!payload_b64) return fail("dsseEnvelope has no payload");
  auto payload = Base64Decode(*payload_b64);
  if (!payload) return fail("dsseEnvelope payload is not base64");
  const json* signatures = Member(envelope, "signatures");
  if (signatures == nullptr || !signatures->is_array() || signatures->empty())
    return fail("dsseEnvelope has no signatures");

  const std::string pae = Pae(*payload_type, *payload);
  bool verified = false;
  for (size_t i = 0; i < signatures->size() && !verified; ++i) {
    auto sig_b64 = StringMember((*signatures)[i], "sig");
    if (!sig_b64) return fail(fmt::format("DSSE signature #{} has no sig", i));
    auto sig = Base64Decode(*sig_b64);
    if (!sig) return fail(fmt::format("DSSE signature #{} is not base64", i));
    verified = VerifyData(key, pae, *sig).ok();
  }
  if (!verified) {
    return fail(key_hint.empty()
                    ? std::string("signature does not verify with the given key")
                    : fmt::format("signature does not verify with the given key (the bundle names key hint {})",
                                  QuoteForMessage(key_hint)));
  }

  // Signed content from here on.
  auto statement = json::parse(*payload, nullptr, false);
  if (statement.is_discarded() || !statement.is_object()) return fail("signed payload is not a JSON in-toto statement");
  auto statement_type = StringMember(statement, "_type");
  if (!statement_type || std::find(kStatementTypes.begin(), kStatementTypes.end(), *statement_type) == kStatementTypes.end())
    return fail(fmt::format("unsupported in-toto statement type {}", QuoteForMessage(statement_type.value_or(""))));
  auto predicate_type = StringMember(statement, "predicateType");
  if (!predicate_type) return fail("signed statement has no predicateType");
  check.predicate_type = *predicate_type;
  const json* subjects = Member(statement, "subject");
  if (subjects == nullptr || !subjects->is_array() || subjects->empty()) return fail("signed statement has no subject");

  const json* matched = nullptr;
  std::vector<std::string> signed_digests;
  for (const json& subject : *subjects) {
    const json* digests = Member(subject, "digest");
    if (digests == nullptr || !digests->is_object()) continue;
    for (const auto& [algorithm, value] : digests->items()) {
      if (!value.is_string()) continue;
      const std::string hex = ToLower(value.get<std::string>());
      if (algorithm == image.algorithm() && hex == image.hex()) matched = &subject;
      if (signed_digests.size() < 4) signed_digests.push_back(algorithm + ":" + hex);
    }
  }
  if (matched == nullptr) {
    std::string signed_list;
    for (const auto& d : signed_digests) signed_list += (signed_list.empty() ? "" : ", ") + d;
    return fail(fmt::format("signed for {}, not for the image {}", signed_list.empty() ? "no digest" : signed_list,
                            image.ToString()));
  }
  if (const json* annotations = Member(*matched, "annotations"); annotations != nullptr && annotations->is_object()) {
    for (const auto& [name, value] : annotations->items())
      check.annotations[name] = value.is_string() ? value.get<std::string>() : value.dump();
  }
  if (check.predicate_type != options.predicate_type) {
    return fail(fmt::format("signed statement has predicate type {}, not {}", QuoteForMessage(check.predicate_type),
                            QuoteForMessage(options.predicate_type)));
  }
  for (const auto& [name, want] : options.annotations) {
    auto it = check.annotations.find(name);
    if (it == check.annotations.end())
      return fail(fmt::format("annotation {} is not signed", QuoteForMessage(name)));
    if (it->second != want)
      return fail(fmt::format("annotation {} is signed as {}, not {}", QuoteForMessage(name),
                              QuoteForMessage(it->second), QuoteForMessage(want)));
  }
  check.valid = true;
}

void VerifyMessageSignature(const json& message, const Digest& image, std::string_view image_manifest,
                            const PublicKey& key, const BundleVerifyOptions& options, std::string_view key_hint,
                            BundleCheck& check) {
  auto fail = [&](std::string reason) { check.reason = std::move(reason); };
  if (!message.is_object()) return fail("messageSignature is not an object");
  auto sig_b64 = StringMember(message, "signature");
  if (!sig_b64) return fail("messageSignature has no signature");
  auto sig = Base64Decode(*sig_b64);
  if (!sig) return fail("messageSignature signature is not base64");
  const json* message_digest = Member(message, "messageDigest");
  auto algorithm = message_digest ? StringMember(*message_digest, "algorithm") : std::nullopt;
  auto digest_b64 = message_digest ? StringMember(*message_digest, "digest") : std::nullopt;
  if (!algorithm || !digest_b64) return fail("messageSignature has no messageDigest");
  std::string digest_algorithm;
  if (*algorithm == "SHA2_256") digest_algorithm = "sha256";
  else if (*algorithm == "SHA2_512") digest_algorithm = "sha512";
  else return fail(fmt::format("unsupported message digest algorithm {}", QuoteForMessage(*algorithm)));
  auto digest_raw = Base64Decode(*digest_b64);
  if (!digest_raw) return fail("messageDigest digest is not base64");

  // The message is the image manifest: check that we hold its bytes, then the signature over them.
  if (image_manifest.empty()) return fail("message signature: the image manifest is not available to verify it");
  auto hasher = Hasher::For(image.algorithm());
  if (!hasher.ok()) return fail(hasher.error().message());
  hasher->Update(image_manifest.data(), image_manifest.size());
  if (hasher->Finish() != image) return fail("message signature: the image manifest bytes do not match the image digest");
  if (!VerifyData(key, image_manifest, *sig).ok()) {
    return fail(key_hint.empty()
                    ? std::string("signature does not verify with the given key")
                    : fmt::format("signature does not verify with the given key (the bundle names key hint {})",
                                  QuoteForMessage(key_hint)));
  }
  const std::string signed_hex = HexOf(*digest_raw);
  if (digest_algorithm != image.algorithm() || signed_hex != image.hex())
    return fail(fmt::format("message digest {}:{} is not the image {}", digest_algorithm, signed_hex, image.ToString()));
  if (options.predicate_type != kCosignSignPredicateType)
    return fail(fmt::format("a message signature, not an attestation of type {}", QuoteForMessage(options.predicate_type)));
  if (!options.annotations.empty()) return fail("a message signature carries no annotations to match");
  check.valid = true;
}

BundleCheck VerifyBundleJson(const json& bundle, const Digest& image, std::string_view image_manifest,
                             const PublicKey& key, const BundleVerifyOptions& options) {
  BundleCheck check;
  auto fail = [&](std::string reason) {
    check.reason = std::move(reason);
    return check;
  };
  if (!bundle.is_object()) return fail("bundle is not a JSON object");
  auto media_type = StringMember(bundle, "mediaType");
  if (!media_type) return fail("bundle has no mediaType");
  if (std::find(kBundleMediaTypes.begin(), kBundleMediaTypes.end(), *media_type) == kBundleMediaTypes.end())
    return fail(fmt::format("unsupported bundle media type {}", QuoteForMessage(*media_type)));

  const json* material = Member(bundle, "verificationMaterial");
  if (material == nullptr || !material->is_object()) return fail("bundle has no verificationMaterial");
  if (const json* entries = Member(*material, "tlogEntries"); entries && entries->is_array() && !entries->empty())
    check.not_checked.push_back(Plural(entries->size(), "transparency-log entry", "transparency-log entries"));
  if (const json* tsa = Member(*material, "timestampVerificationData")) {
    const json* stamps = Member(*tsa, "rfc3161Timestamps");
    if (stamps && stamps->is_array() && !stamps->empty())
      check.not_checked.push_back(Plural(stamps->size(), "RFC 3161 timestamp", "RFC 3161 timestamps"));
  }
  std::string key_hint;
  if (const json* public_key = Member(*material, "publicKey")) {
    if (!public_key->is_object()) return fail("verificationMaterial publicKey is not an object");
    key_hint = StringMember(*public_key, "hint").value_or("");
  } else if (Member(*material, "certificate") || Member(*material, "x509CertificateChain")) {
    return fail("bundle is certificate-based (keyless signing); only key-based bundles are verified with --key");
  } else {
    return fail("verificationMaterial has neither a public key nor a certificate");
  }

  const json* envelope = Member(bundle, "dsseEnvelope");
  const json* message = Member(bundle, "messageSignature");
  if (envelope && message) return fail("bundle has both a dsseEnvelope and a messageSignature");
  if (envelope) {
    VerifyDsse(*envelope, image, key, options, key_hint, check);
  } else if (message) {
    VerifyMessageSignature(*message, image, image_manifest, key, options, key_hint, check);
  } else {
    return fail("bundle has neither a dsseEnvelope nor a messageSignature");
  }
  return check;
}

// Manifest digests listed by an index document (referrers response or referrers tag), skipping
// entries whose artifactType says they are not bundles; malformed entries become failed checks.
void CollectReferrers(std::string_view index_body, std::string_view origin, std::vector<Digest>& digests,
                      std::vector<BundleCheck>& malformed) {
  auto index = json::parse(index_body, nullptr, false);
  const json* manifests = index.is_discarded() ? nullptr : Member(index, "manifests");
  if (manifests == nullptr || !manifests->is_array()) {
    BundleCheck check;
    check.where = std::string(origin);
    check.reason = "not an OCI image index";
    malformed.push_back(std::move(check));
    return;
  }
  for (size_t i = 0; i < manifests->size(); ++i) {
    const json& entry = (*manifests)[i];
    auto artifact_type = StringMember(entry, "artifactType");
    if (artifact_type && !artifact_type->empty() && !IsBundleType(*artifact_type) && *artifact_type != kEmptyConfigType)
      continue;  // a Notation signature, an SBOM, …
    auto digest_text = StringMember(entry, "digest");
    auto digest = digest_text ? Digest::Parse(*digest_text) : Result<Digest>(Corrupt("no digest"));
    if (!digest.ok()) {
      BundleCheck check;
      check.where = fmt::format("{} entry #{}", origin, i);
      check.reason = "referrer entry has no valid digest";
      malformed.push_back(std::move(check));
      continue;
    }
    if (std::find(digests.begin(), digests.end(), *digest) == digests.end()) digests.push_back(*digest);
  }
}

}  // namespace

BundleCheck VerifyBundle(std::string_view bundle_json, const Digest& image, std::string_view image_manifest,
                         const PublicKey& key, const BundleVerifyOptions& options) {
  try {
    auto bundle = json::parse(bundle_json, nullptr, false);
    if (bundle.is_discarded()) {
      BundleCheck check;
      check.reason = "bundle is not valid JSON";
      return check;
    }
    return VerifyBundleJson(bundle, image, image_manifest, key, options);
  } catch (const std::exception& e) {  // a bug of ours in a type check: still fail closed
    BundleCheck check;
    check.reason = fmt::format("bundle could not be read: {}", e.what());
    return check;
  }
}

Result<std::vector<BundleCheck>> VerifyBundleSignatures(ArtifactStore& store, const Digest& image,
                                                        const PublicKey& key, const BundleVerifyOptions& options) {
  if (!options.offline)
    return Unsupported("online Sigstore bundle verification (transparency log, timestamps) is not implemented; "
                       "verify offline");
  const std::string fallback_tag = image.algorithm() + "-" + image.hex();
  std::vector<Digest> referrers;
  std::vector<BundleCheck> checks;

  HS_ASSIGN_OR_RETURN(std::string api_index, store.GetReferrers(image, "").AddContext("referrers of " + image.ToString()));
  CollectReferrers(api_index, "referrers of " + image.Short(), referrers, checks);
  auto tagged = store.GetManifest(fallback_tag);
  if (tagged.ok()) {
    CollectReferrers(tagged->body, "referrers tag " + fallback_tag, referrers, checks);
  } else if (tagged.error().code() != ErrorCode::kNotFound) {
    return std::move(tagged).error().AddContext("referrers tag " + fallback_tag);
  }
  if (referrers.size() > kMaxReferrers)
    return LimitExceeded(fmt::format("{} has {} referrers; at most {} are examined", image.ToString(), referrers.size(),
                                     kMaxReferrers));

  std::optional<std::string> image_manifest;  // fetched once, for message-signature bundles
  for (const Digest& digest : referrers) {
    BundleCheck check;
    check.where = "referrer " + digest.ToString();
    auto fail = [&](std::string reason) {
      check.reason = std::move(reason);
      checks.push_back(std::move(check));
    };
    auto manifest = store.GetManifest(digest.ToString());
    if (!manifest.ok()) {
      fail("referrer manifest: " + manifest.error().message());
      continue;
    }
    auto doc = json::parse(manifest->body, nullptr, false);
    if (doc.is_discarded() || !doc.is_object()) {
      fail("referrer manifest is not JSON");
      continue;
    }
    std::string artifact_type = StringMember(doc, "artifactType").value_or("");
    if (artifact_type.empty()) {
      if (const json* config = Member(doc, "config")) artifact_type = StringMember(*config, "mediaType").value_or("");
    }
    if (!IsBundleType(artifact_type)) continue;  // some other referrer

    const json* subject = Member(doc, "subject");
    auto subject_digest = subject ? StringMember(*subject, "digest") : std::nullopt;
    if (!subject_digest) {
      fail("referrer manifest has no subject");
      continue;
    }
    if (*subject_digest != image.ToString()) {
      fail(fmt::format("referrer manifest's subject is {}, not the image {}", *subject_digest, image.ToString()));
      continue;
    }
    const json* layers = Member(doc, "layers");
    if (layers == nullptr || !layers->is_array() || layers->size() != 1) {
      fail(fmt::format("a bundle referrer has one layer; this one has {}",
                       layers && layers->is_array() ? layers->size() : 0));
      continue;
    }
    const json& layer = (*layers)[0];
    auto layer_type = StringMember(layer, "mediaType").value_or("");
    if (!IsBundleType(layer_type)) {
      fail(fmt::format("layer media type {} is not a Sigstore bundle", QuoteForMessage(layer_type)));
      continue;
    }
    auto layer_digest_text = StringMember(layer, "digest");
    auto layer_digest = layer_digest_text ? Digest::Parse(*layer_digest_text) : Result<Digest>(Corrupt("no digest"));
    if (!layer_digest.ok()) {
      fail("bundle layer has no valid digest");
      continue;
    }
    auto blob = store.GetBlob(*layer_digest, kMaxBundleBytes);
    if (!blob.ok()) {
      fail("bundle blob: " + blob.error().message());
      continue;
    }
    if (!image_manifest && blob->find("messageSignature") != std::string::npos) {
      auto fetched = store.GetManifest(image.ToString());
      image_manifest = fetched.ok() ? std::move(fetched->body) : std::string();
    }
    BundleCheck verdict = VerifyBundle(*blob, image, image_manifest.value_or(""), key, options);
    verdict.where = std::move(check.where);
    checks.push_back(std::move(verdict));
  }
  if (checks.empty()) {
    return NotFound(fmt::format("no Sigstore bundle refers to {} in {} (looked at the referrers API and tag {})",
                                image.ToString(), store.Describe(), fallback_tag));
  }
  std::sort(checks.begin(), checks.end(), [](const BundleCheck& a, const BundleCheck& b) { return a.where < b.where; });
  return checks;
}

}  // namespace hullscan::sign
