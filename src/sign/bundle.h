// Sigstore bundles attached to an image as OCI 1.1 referrers — what cosign 3 `sign` stores (and
// cosign 2.5 `attest --new-bundle-format`) — verified with a public key, offline: no
// transparency log, no timestamp authority, no certificates. See bundle.cc for the exact format.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "base/digest.h"
#include "base/status.h"
#include "sign/keys.h"
#include "sign/store.h"

namespace hullscan::sign {

// The in-toto predicate type of an image signature made by cosign 3 `sign`.
inline constexpr std::string_view kCosignSignPredicateType = "https://sigstore.dev/cosign/sign/v1";

struct BundleVerifyOptions {
  // The signed statement's predicate type: cosign's image signature by default; an attestation's
  // type (cosign attest --type) to verify attestations instead.
  std::string predicate_type = std::string(kCosignSignPredicateType);
  // Each must be among the signed subject annotations with this value (cosign sign -a k=v).
  std::map<std::string, std::string> annotations;
  // Skip transparency-log and timestamp checks. The only mode implemented: false is Unsupported.
  bool offline = true;
};

// The verdict on one bundle.
struct BundleCheck {
  std::string where;   // "referrer sha256:…" (the referrer manifest's digest)
  bool valid = false;  // signature verifies with the key AND the signed content matches the image
  std::string reason;  // why not valid (empty when valid)
  std::string predicate_type;                       // of the signed statement (DSSE bundles)
  std::map<std::string, std::string> annotations;  // signed subject annotations
  // What the bundle carries that offline verification did not check ("1 transparency-log entry").
  std::vector<std::string> not_checked;

  friend bool operator==(const BundleCheck&, const BundleCheck&) = default;
};

// Every Sigstore bundle referring to `image` — found through the referrers API and through the
// referrers tag schema (tag "sha256-<hex>" holding an index; what cosign writes to registries
// without the API, such as docker-registry 2.8) — each verified, sorted by `where`.
// NotFound (naming where it looked) when the image has no bundle; the store's error when it fails.
Result<std::vector<BundleCheck>> VerifyBundleSignatures(ArtifactStore& store, const Digest& image,
                                                        const PublicKey& key, const BundleVerifyOptions& options = {});

// Verifies one bundle JSON document for `image`. `image_manifest` (the manifest's bytes) is only
// needed for message-signature bundles, which sign those bytes; DSSE bundles sign a statement.
// `where` is left empty.
BundleCheck VerifyBundle(std::string_view bundle_json, const Digest& image, std::string_view image_manifest,
                         const PublicKey& key, const BundleVerifyOptions& options = {});

}  // namespace hullscan::sign
