// Verification of Notary Project (Notation) signatures, as `notation sign` stores them: OCI
// manifests with artifactType application/vnd.cncf.notary.signature whose subject is the image,
// found through the OCI 1.1 referrers API or, on registries without it, the referrers tag schema
// (tag sha256-<hex> pointing at an index). Envelopes: JWS JSON (application/jose+json) and COSE_Sign1
// (application/cose); signing scheme notary.x509 (X.509 chain to a "ca" trust store) and
// notary.x509.signingAuthority ("signingAuthority" trust store). No timestamp countersignatures and
// no revocation checks (OCSP/CRL): a chain is checked against `now` instead, and revocation is
// reported as not checked.
//
// Trust policy and trust store follow notation's own files (trustpolicy.json version 1.0 and
// truststore/x509/<type>/<name>/*.{pem,crt,cer}), so a notation configuration directory can be
// used as is. Levels follow the Notary Project specification:
//                      integrity  authenticity  authentic-timestamp  expiry
//   strict              enforce    enforce       enforce              enforce
//   permissive          enforce    enforce       log                  log
//   audit               enforce    log           log                  log
//   skip                (nothing is verified; the result says so)
// "Logged" failures become warnings of a valid check; enforced failures make the check invalid.
#pragma once

#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/digest.h"
#include "base/status.h"
#include "sign/store.h"

namespace hullscan::sign {

struct TrustPolicy {
  std::string name;
  std::vector<std::string> registry_scopes;     // "registry/repository" or "*"
  std::string level;                            // strict | permissive | audit | skip
  std::map<std::string, std::string> override;  // validation ("expiry", …) → "enforce" | "log" | "skip"
  std::vector<std::string> trust_stores;        // "ca:name", "signingAuthority:name"
  std::vector<std::string> trusted_identities;  // "x509.subject: C=US, ST=WA, O=…" or "*"
};

// Notation's trustpolicy.json (or trustpolicy.oci.json), version 1.0. Errors name the policy and
// the field that is wrong; policies are checked as notation checks them (unique names, one "*"
// scope at most and alone, known levels, trust stores present unless the level is skip).
Result<std::vector<TrustPolicy>> ParseTrustPolicy(std::string_view json);
Result<std::vector<TrustPolicy>> LoadTrustPolicy(const std::filesystem::path& path);

// The policy that applies to `repository` ("127.0.0.1:5000/team/app"): the one naming it exactly,
// else the one with "*"; NotFound "no trust policy applies to …" when none.
Result<const TrustPolicy*> SelectTrustPolicy(const std::vector<TrustPolicy>& policies, std::string_view repository);

// Certificates (DER) of notation's trust store directory: <root>/x509/<type>/<name>/*, one or more
// PEM or DER certificates per file. Named "type:name" as trust policies name them.
class TrustStoreSet {
 public:
  // `root` is notation's truststore directory (…/notation/truststore). Missing stores are not an
  // error here; a policy naming one that holds no certificate fails at verification.
  static Result<TrustStoreSet> Load(const std::filesystem::path& root);
  // Adds the PEM (or DER) certificates in `content` to store "type:name".
  Status AddCertificates(std::string_view store, std::string_view content);
  // DER certificates of a store; empty when unknown.
  const std::vector<std::string>& Certificates(std::string_view store) const;

 private:
  std::map<std::string, std::vector<std::string>, std::less<>> stores_;
};

struct NotationCheck {
  std::string where;                  // "sha256:… (jws)": the signature manifest and envelope type
  bool valid = false;
  std::string reason;                 // why it is invalid (empty when valid)
  std::vector<std::string> warnings;  // failures the policy's level only logs, and what was skipped
  std::string signer;                 // the leaf certificate's subject, when the envelope could be read
};

// Verifies every Notation signature of `image_manifest_digest` in `store` under the trust policy
// that applies to `repository` ("registry/repository", matched against registryScopes). The image
// is accepted when at least one check is valid. Errors (rather than checks): no policy applies
// (NotFound), no Notation signature is attached (NotFound "no Notation signature …"), the store
// fails (its error). Each signature is otherwise one check with a specific reason: malformed
// envelope, signature does not verify, untrusted root (no chain to the policy's trust stores),
// certificate expired (or not yet valid) at `now`, signature expired, digest mismatch (the
// payload names another artifact), untrusted identity.
Result<std::vector<NotationCheck>> VerifyNotationSignatures(ArtifactStore& store, std::string_view repository,
                                                            const Digest& image_manifest_digest,
                                                            const std::vector<TrustPolicy>& policies,
                                                            const TrustStoreSet& trust_stores,
                                                            std::chrono::system_clock::time_point now);

// One envelope (the signature blob's bytes), for tests and for callers that found it themselves.
// `media_type` is application/jose+json or application/cose; `target` is the image's descriptor
// (digest and, when known, media type and size >= 0).
NotationCheck VerifyNotationEnvelope(std::string_view media_type, std::string_view envelope, const Digest& target_digest,
                                     std::string_view target_media_type, int64_t target_size,
                                     const TrustPolicy& policy, const TrustStoreSet& trust_stores,
                                     std::chrono::system_clock::time_point now);

}  // namespace hullscan::sign
