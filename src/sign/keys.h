// Signing keys, in the formats the ecosystem already uses (OpenSSL 3 for the crypto, libsodium
// for NaCl secretbox):
//   - cosign / sigstore encrypted private keys: PEM "ENCRYPTED SIGSTORE PRIVATE KEY" (cosign 2.x+,
//     skopeo generate-sigstore-key) or "ENCRYPTED COSIGN PRIVATE KEY" (older cosign): JSON
//     {kdf: {name: scrypt, params: {N, r, p}, salt}, cipher: {name: nacl/secretbox, nonce},
//     ciphertext} around a PKCS#8 DER key;
//   - plain PEM keys: PKCS#8 "PRIVATE KEY", "EC PRIVATE KEY"; public keys as SPKI "PUBLIC KEY".
// ECDSA P-256 is what hullscan generates; verification also takes P-384/P-521, Ed25519 and RSA keys.
// Key material never reaches a message or a log line.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "base/status.h"

namespace hullscan::sign {

struct ScryptParams {
  uint64_t n = 32768;  // cosign's default; files with 65536 and 131072 exist and are read
  uint32_t r = 8;
  uint32_t p = 1;
};

class PrivateKey {
 public:
  PrivateKey();
  ~PrivateKey();
  PrivateKey(PrivateKey&&) noexcept;
  PrivateKey& operator=(PrivateKey&&) noexcept;
  struct Impl;
  Impl* impl() const { return impl_.get(); }
  explicit PrivateKey(std::unique_ptr<Impl> impl);

 private:
  std::unique_ptr<Impl> impl_;
};

class PublicKey {
 public:
  PublicKey();
  ~PublicKey();
  PublicKey(PublicKey&&) noexcept;
  PublicKey& operator=(PublicKey&&) noexcept;
  struct Impl;
  Impl* impl() const { return impl_.get(); }
  explicit PublicKey(std::unique_ptr<Impl> impl);

 private:
  std::unique_ptr<Impl> impl_;
};

struct KeyPairPem {
  std::string private_pem;  // "ENCRYPTED SIGSTORE PRIVATE KEY"
  std::string public_pem;   // "PUBLIC KEY"
};

// A new ECDSA P-256 key pair, the private key encrypted with `password` as cosign does.
Result<KeyPairPem> GenerateKeyPair(std::string_view password, const ScryptParams& params = {});

// Reads an encrypted (cosign/sigstore) or plain PEM private key. Errors: wrong password
// (PermissionDenied "wrong password for KEY"), malformed file (Corrupt, naming what is wrong),
// unsupported scrypt parameters or cipher (Unsupported, naming them).
Result<PrivateKey> LoadPrivateKey(std::string_view pem, std::string_view password);
// A "PUBLIC KEY" PEM, or the public key of a "CERTIFICATE" PEM.
Result<PublicKey> LoadPublicKey(std::string_view pem);
// The public half of a private key, as PEM.
Result<std::string> PublicKeyPem(const PrivateKey& key);

// Signs SHA-256(data) (ECDSA: ASN.1 DER signature, as cosign writes it; Ed25519: pure).
Result<std::string> SignData(const PrivateKey& key, std::string_view data);
// OK when `signature` (DER, or raw r||s for ECDSA) is a valid signature of `data`; else
// PermissionDenied "signature does not verify".
Status VerifyData(const PublicKey& key, std::string_view data, std::string_view signature);

// Standard base64 with padding (RFC 4648 §4), as cosign writes signatures, salts and nonces.
std::string Base64Encode(std::string_view bytes);
// Strict decoding (no whitespace, correct padding); nullopt when `text` is not base64.
std::optional<std::string> Base64Decode(std::string_view text);

}  // namespace hullscan::sign
