// cosign / sigstore "simple signing" signatures with a key pair, in the legacy layout that cosign
// (2.x, and 3.x with --new-bundle-format=false) and skopeo (use-sigstore-attachments) write: an
// OCI manifest tagged sha256-<hex>.sig next to the image, one layer per signature, each layer the
// exact payload bytes
//   {"critical":{"identity":{"docker-reference":R},"image":{"docker-manifest-digest":D},
//    "type":"cosign container image signature"},"optional":{…}|null}
// with media type application/vnd.dev.cosign.simplesigning.v1+json and the base64 ASN.1 DER
// signature over those bytes in the annotation dev.cosignproject.cosign/signature.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "base/digest.h"
#include "base/status.h"
#include "sign/keys.h"
#include "sign/store.h"

namespace hullscan::sign {

inline constexpr std::string_view kCosignSimpleSigningMediaType = "application/vnd.dev.cosign.simplesigning.v1+json";
inline constexpr std::string_view kCosignSignatureAnnotation = "dev.cosignproject.cosign/signature";
inline constexpr std::string_view kCosignSignatureType = "cosign container image signature";

// "sha256-<hex>.sig": where signatures of `image` live.
std::string CosignSignatureTag(const Digest& image);

struct SignOptions {
  std::map<std::string, std::string> annotations;  // -a k=v, into "optional"
  // critical.identity.docker-reference: the repository as the user named it
  // ("127.0.0.1:5000/team/app"). Empty: the store's Describe() for a registry; an OCI layout has
  // no repository name, so signing one needs it set (InvalidArgument otherwise).
  std::string docker_reference;
};

// Signs the image manifest `image_manifest_digest` and stores the signature under its .sig tag,
// appended to the signatures already there (an identical payload already signed by this key is
// not added twice, as cosign's duplicate detector does). Works on registries and OCI layouts.
Status SignImage(ArtifactStore& store, const Digest& image_manifest_digest, const PrivateKey& key,
                 const SignOptions& options);

struct SignatureCheck {
  std::string where;   // "cosign signature 2 of 3 (sha256-….sig)"
  bool valid = false;
  std::string reason;  // why not; empty when valid
  std::string docker_reference;  // the signed identity, when the payload could be read
  std::map<std::string, std::string> annotations;  // the signed "optional" (non-strings as JSON)
};

struct VerifyOptions {
  std::map<std::string, std::string> annotations;  // each must be in the payload's "optional"
  // The repository the signature must name. Default: the store's repository (Describe()); for an
  // OCI layout there is none, so verifying one needs it (InvalidArgument otherwise). Matched as
  // containers/image's matchRepository: both sides normalised (docker.io/library/…), tag and
  // digest of the signed reference ignored.
  std::optional<std::string> identity;
};

struct Verification {
  bool verified = false;  // at least one signature is valid in every respect
  std::vector<SignatureCheck> checks;
};

// Fetches and checks every signature of the image. Fails closed: `verified` only when a signature
// verifies with `key`, names this digest, the expected identity and every required annotation.
// No signature at all is verified=false with one check "no signature (no tag sha256-….sig)".
// Errors only when the store cannot be read (not for bad signatures).
Result<Verification> VerifyCosignSignatures(ArtifactStore& store, const Digest& image_manifest_digest,
                                            const PublicKey& key, const VerifyOptions& options);

}  // namespace hullscan::sign
