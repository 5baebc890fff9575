#include "sign/keys.h"

#include <openssl/bio.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <sodium.h>

#include <array>
#include <cstring>
#include <nlohmann/json.hpp>
#include <vector>

#include <fmt/format.h>

namespace hullscan::sign {

struct PrivateKey::Impl {
  EVP_PKEY* pkey = nullptr;
  ~Impl() { EVP_PKEY_free(pkey); }
};

struct PublicKey::Impl {
  EVP_PKEY* pkey = nullptr;
  ~Impl() { EVP_PKEY_free(pkey); }
};

PrivateKey::PrivateKey() = default;
PrivateKey::~PrivateKey() = default;
PrivateKey::PrivateKey(PrivateKey&&) noexcept = default;
PrivateKey& PrivateKey::operator=(PrivateKey&&) noexcept = default;
PrivateKey::PrivateKey(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

PublicKey::PublicKey() = default;
PublicKey::~PublicKey() = default;
PublicKey::PublicKey(PublicKey&&) noexcept = default;
PublicKey& PublicKey::operator=(PublicKey&&) noexcept = default;
PublicKey::PublicKey(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

namespace {

constexpr std::string_view kSigstoreLabel = "ENCRYPTED SIGSTORE PRIVATE KEY";
constexpr std::string_view kCosignLabel = "ENCRYPTED COSIGN PRIVATE KEY";
constexpr size_t kSaltBytes = 32;
// scrypt with N=131072, r=8 needs 128 MiB; leave room for OpenSSL's own accounting.
constexpr uint64_t kScryptMaxMem = 512ull * 1024 * 1024;

constexpr char kB64Alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

Error PermissionDeniedError(std::string m) { return Error(ErrorCode::kPermissionDenied, std::move(m)); }

struct BioDeleter {
  void operator()(BIO* b) const { BIO_free(b); }
};
using BioPtr = std::unique_ptr<BIO, BioDeleter>;
struct CtxDeleter {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, CtxDeleter>;

BioPtr MemBio(std::string_view data) { return BioPtr(BIO_new_mem_buf(data.data(), static_cast<int>(data.size()))); }

std::string BioContents(BIO* bio) {
  char* data = nullptr;
  long n = BIO_get_mem_data(bio, &data);
  return n > 0 ? std::string(data, static_cast<size_t>(n)) : std::string();
}

// Securely wiped buffer for derived keys and decrypted key material.
class SecretBytes {
 public:
  explicit SecretBytes(size_t n) : bytes_(n) {}
  ~SecretBytes() { OPENSSL_cleanse(bytes_.data(), bytes_.size()); }
  SecretBytes(const SecretBytes&) = delete;
  SecretBytes& operator=(const SecretBytes&) = delete;
  unsigned char* data() { return bytes_.data(); }
  const unsigned char* data() const { return bytes_.data(); }
  size_t size() const { return bytes_.size(); }
  void resize(size_t n) { bytes_.resize(n); }

 private:
  std::vector<unsigned char> bytes_;
};

// A PEM block: its label and decoded body. Only the first block counts.
struct PemBlock {
  std::string label;
  std::string body;  // base64 text, whitespace removed
};

Result<PemBlock> FirstPemBlock(std::string_view pem) {
  constexpr std::string_view kBegin = "-----BEGIN ";
  size_t begin = pem.find(kBegin);
  if (begin == std::string_view::npos) return Corrupt("not a PEM file (no -----BEGIN line)");
  size_t label_start = begin + kBegin.size();
  size_t label_end = pem.find("-----", label_start);
  size_t eol = pem.find('\n', label_start);
  if (label_end == std::string_view::npos || (eol != std::string_view::npos && label_end > eol)) {
    return Corrupt("malformed PEM BEGIN line");
  }
  PemBlock block;
  block.label = std::string(pem.substr(label_start, label_end - label_start));
  std::string end_marker = "-----END " + block.label + "-----";
  size_t body_start = label_end + 5;
  size_t end = pem.find(end_marker, body_start);
  if (end == std::string_view::npos) return Corrupt(fmt::format("PEM block '{}' has no END line", block.label));
  for (char c : pem.substr(body_start, end - body_start)) {
    if (c == ' ' || c == '\n' || c == '\r' || c == '\t') continue;
    block.body.push_back(c);
  }
  return block;
}

std::string PemEncode(std::string_view label, std::string_view der) {
  std::string b64 = Base64Encode(der);
  std::string out = fmt::format("-----BEGIN {}-----\n", label);
  for (size_t i = 0; i < b64.size(); i += 64) {
    out.append(b64, i, 64);
    out.push_back('\n');
  }
  out += fmt::format("-----END {}-----\n", label);
  return out;
}

bool SupportedScrypt(const ScryptParams& p) {
  return (p.n == 32768 || p.n == 65536 || p.n == 131072) && p.r == 8 && p.p == 1;
}

std::string DescribeScrypt(const ScryptParams& p) { return fmt::format("N={} r={} p={}", p.n, p.r, p.p); }

Status DeriveKey(std::string_view password, std::string_view salt, const ScryptParams& params,
                 SecretBytes& key) {
  if (EVP_PBE_scrypt(password.data(), password.size(), reinterpret_cast<const unsigned char*>(salt.data()),
                     salt.size(), params.n, params.r, params.p, kScryptMaxMem, key.data(), key.size()) != 1) {
    return Internal(fmt::format("scrypt ({}) failed", DescribeScrypt(params)));
  }
  return OkStatus();
}

Result<PrivateKey> FromPkcs8Der(const unsigned char* der, size_t size) {
  const unsigned char* p = der;
  PKCS8_PRIV_KEY_INFO* info = d2i_PKCS8_PRIV_KEY_INFO(nullptr, &p, static_cast<long>(size));
  if (info == nullptr) return Corrupt("decrypted key is not a PKCS#8 private key");
  EVP_PKEY* pkey = EVP_PKCS82PKEY(info);
  PKCS8_PRIV_KEY_INFO_free(info);
  if (pkey == nullptr) return Unsupported("decrypted PKCS#8 key has an unsupported algorithm");
  auto impl = std::make_unique<PrivateKey::Impl>();
  impl->pkey = pkey;
  return PrivateKey(std::move(impl));
}

Result<std::string> Pkcs8Der(EVP_PKEY* pkey) {
  PKCS8_PRIV_KEY_INFO* info = EVP_PKEY2PKCS8(pkey);
  if (info == nullptr) return Internal("cannot encode the key as PKCS#8");
  unsigned char* der = nullptr;
  int n = i2d_PKCS8_PRIV_KEY_INFO(info, &der);
  PKCS8_PRIV_KEY_INFO_free(info);
  if (n <= 0) return Internal("cannot encode the key as PKCS#8");
  std::string out(reinterpret_cast<char*>(der), static_cast<size_t>(n));
  OPENSSL_clear_free(der, static_cast<size_t>(n));
  return out;
}

// The cosign/sigstore envelope: base64(JSON{kdf, cipher, ciphertext}) in a PEM block.
Result<PrivateKey> DecryptSigstoreKey(const PemBlock& block, std::string_view password) {
  auto json_text = Base64Decode(block.body);
  if (!json_text) return Corrupt(fmt::format("'{}' PEM body is not base64", block.label));
  auto env = nlohmann::json::parse(*json_text, nullptr, false);
  if (env.is_discarded() || !env.is_object()) {
    return Corrupt(fmt::format("'{}' PEM body is not the JSON key envelope", block.label));
  }
  auto string_at = [&](const nlohmann::json& obj, const char* key) -> std::optional<std::string> {
    if (!obj.is_object()) return std::nullopt;
    auto it = obj.find(key);
    if (it == obj.end() || !it->is_string()) return std::nullopt;
    return it->get<std::string>();
  };
  const nlohmann::json& kdf = env.contains("kdf") ? env["kdf"] : nlohmann::json();
  const nlohmann::json& cipher = env.contains("cipher") ? env["cipher"] : nlohmann::json();
  auto kdf_name = string_at(kdf, "name");
  if (!kdf_name) return Corrupt("key envelope has no kdf.name");
  if (*kdf_name != "scrypt") return Unsupported(fmt::format("unsupported key derivation '{}' (only scrypt)", *kdf_name));
  auto cipher_name = string_at(cipher, "name");
  if (!cipher_name) return Corrupt("key envelope has no cipher.name");
  if (*cipher_name != "nacl/secretbox") {
    return Unsupported(fmt::format("unsupported key cipher '{}' (only nacl/secretbox)", *cipher_name));
  }
  const nlohmann::json& params_json = kdf.contains("params") ? kdf["params"] : nlohmann::json();
  auto uint_at = [&](std::initializer_list<const char*> keys) -> std::optional<uint64_t> {
    if (!params_json.is_object()) return std::nullopt;
    for (const char* key : keys) {
      auto it = params_json.find(key);
      if (it != params_json.end() && it->is_number_unsigned()) return it->get<uint64_t>();
    }
    return std::nullopt;
  };
  auto n = uint_at({"N", "n"});
  auto r = uint_at({"r", "R"});
  auto p = uint_at({"p", "P"});
  if (!n || !r || !p) return Corrupt("key envelope has no scrypt parameters kdf.params.{N,r,p}");
  if (*r > UINT32_MAX || *p > UINT32_MAX) {
    return Unsupported(fmt::format("unsupported scrypt parameters N={} r={} p={}", *n, *r, *p));
  }
  ScryptParams params{*n, static_cast<uint32_t>(*r), static_cast<uint32_t>(*p)};
  // Go's secure-systems-lab "encrypted" package (cosign, skopeo) accepts exactly these sets;
  // anything else is either a forgery meant to burn CPU/memory or a format we do not know.
  if (!SupportedScrypt(params)) {
    return Unsupported(fmt::format("unsupported scrypt parameters {} (supported: N=32768, 65536 or 131072 with r=8 p=1)",
                                   DescribeScrypt(params)));
  }
  auto salt_b64 = string_at(kdf, "salt");
  auto nonce_b64 = string_at(cipher, "nonce");
  auto ct_b64 = string_at(env, "ciphertext");
  if (!salt_b64 || !nonce_b64 || !ct_b64) return Corrupt("key envelope lacks kdf.salt, cipher.nonce or ciphertext");
  auto salt = Base64Decode(*salt_b64);
  auto nonce = Base64Decode(*nonce_b64);
  auto ciphertext = Base64Decode(*ct_b64);
  if (!salt || !nonce || !ciphertext) return Corrupt("key envelope salt, nonce or ciphertext is not base64");
  if (nonce->size() != crypto_secretbox_NONCEBYTES) {
    return Corrupt(fmt::format("key envelope nonce has {} bytes, want {}", nonce->size(), crypto_secretbox_NONCEBYTES));
  }
  if (ciphertext->size() < crypto_secretbox_MACBYTES) return Corrupt("key envelope ciphertext is too short");
  SecretBytes key(crypto_secretbox_KEYBYTES);
  HS_TRY(DeriveKey(password, *salt, params, key));
  SecretBytes der(ciphertext->size() - crypto_secretbox_MACBYTES);
  if (crypto_secretbox_open_easy(der.data(), reinterpret_cast<const unsigned char*>(ciphertext->data()),
                                 ciphertext->size(), reinterpret_cast<const unsigned char*>(nonce->data()),
                                 key.data()) != 0) {
    return PermissionDeniedError("wrong password (decryption failed)");
  }
  return FromPkcs8Der(der.data(), der.size());
}

int PasswordCallback(char* buf, int size, int /*rwflag*/, void* u) {
  const auto* password = static_cast<const std::string_view*>(u);
  if (password == nullptr || size <= 0) return -1;
  size_t n = std::min(password->size(), static_cast<size_t>(size));
  std::memcpy(buf, password->data(), n);
  return static_cast<int>(n);
}

EVP_PKEY* PublicOnly(EVP_PKEY* pkey) {
  // Round-trip through SPKI DER: a key object that holds no private part.
  unsigned char* der = nullptr;
  int n = i2d_PUBKEY(pkey, &der);
  if (n <= 0) return nullptr;
  const unsigned char* p = der;
  EVP_PKEY* pub = d2i_PUBKEY(nullptr, &p, n);
  OPENSSL_free(der);
  return pub;
}

// cosign and skopeo sign SHA-256 of the payload for ECDSA and RSA keys whatever the curve or
// size; Ed25519 signs the message itself.
const EVP_MD* DigestFor(EVP_PKEY* pkey) {
  int id = EVP_PKEY_get_base_id(pkey);
  if (id == EVP_PKEY_ED25519 || id == EVP_PKEY_ED448) return nullptr;
  return EVP_sha256();
}

bool VerifyOnce(EVP_PKEY* pkey, std::string_view data, std::string_view signature) {
  MdCtxPtr ctx(EVP_MD_CTX_new());
  if (!ctx) return false;
  if (EVP_DigestVerifyInit(ctx.get(), nullptr, DigestFor(pkey), nullptr, pkey) != 1) return false;
  int rc = EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()), signature.size(),
                            reinterpret_cast<const unsigned char*>(data.data()), data.size());
  return rc == 1;
}

// Raw r||s (as JWS/COSE write ECDSA signatures) to DER, for keys whose field has `half` bytes.
std::optional<std::string> RawEcdsaToDer(std::string_view raw) {
  size_t half = raw.size() / 2;
  const auto* bytes = reinterpret_cast<const unsigned char*>(raw.data());
  ECDSA_SIG* sig = ECDSA_SIG_new();
  if (sig == nullptr) return std::nullopt;
  BIGNUM* r = BN_bin2bn(bytes, static_cast<int>(half), nullptr);
  BIGNUM* s = BN_bin2bn(bytes + half, static_cast<int>(half), nullptr);
  if (r == nullptr || s == nullptr || ECDSA_SIG_set0(sig, r, s) != 1) {
    BN_free(r);
    BN_free(s);
    ECDSA_SIG_free(sig);
    return std::nullopt;
  }
  unsigned char* der = nullptr;
  int n = i2d_ECDSA_SIG(sig, &der);
  ECDSA_SIG_free(sig);
  if (n <= 0) return std::nullopt;
  std::string out(reinterpret_cast<char*>(der), static_cast<size_t>(n));
  OPENSSL_free(der);
  return out;
}

}  // namespace

std::string Base64Encode(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  size_t i = 0;
  auto at = [&](size_t k) { return static_cast<uint32_t>(static_cast<unsigned char>(bytes[k])); };
  for (; i + 3 <= bytes.size(); i += 3) {
    uint32_t v = (at(i) << 16) | (at(i + 1) << 8) | at(i + 2);
    out.push_back(kB64Alphabet[(v >> 18) & 63]);
    out.push_back(kB64Alphabet[(v >> 12) & 63]);
    out.push_back(kB64Alphabet[(v >> 6) & 63]);
    out.push_back(kB64Alphabet[v & 63]);
  }
  size_t rest = bytes.size() - i;
  if (rest == 1) {
    uint32_t v = at(i) << 16;
    out.push_back(kB64Alphabet[(v >> 18) & 63]);
    out.push_back(kB64Alphabet[(v >> 12) & 63]);
    out += "==";
  } else if (rest == 2) {
    uint32_t v = (at(i) << 16) | (at(i + 1) << 8);
    out.push_back(kB64Alphabet[(v >> 18) & 63]);
    out.push_back(kB64Alphabet[(v >> 12) & 63]);
    out.push_back(kB64Alphabet[(v >> 6) & 63]);
    out.push_back('=');
  }
  return out;
}

std::optional<std::string> Base64Decode(std::string_view text) {
  if (text.size() % 4 != 0) return std::nullopt;
  auto value = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
  };
  std::string out;
  out.reserve(text.size() / 4 * 3);
  for (size_t i = 0; i < text.size(); i += 4) {
    bool last = i + 4 == text.size();
    int pad = 0;
    if (last && text[i + 3] == '=') pad = text[i + 2] == '=' ? 2 : 1;
    int v[4] = {0, 0, 0, 0};
    for (int k = 0; k < 4 - pad; ++k) {
      v[k] = value(text[i + static_cast<size_t>(k)]);
      if (v[k] < 0) return std::nullopt;
    }
    uint32_t word = (static_cast<uint32_t>(v[0]) << 18) | (static_cast<uint32_t>(v[1]) << 12) |
                    (static_cast<uint32_t>(v[2]) << 6) | static_cast<uint32_t>(v[3]);
    out.push_back(static_cast<char>((word >> 16) & 0xff));
    if (pad < 2) out.push_back(static_cast<char>((word >> 8) & 0xff));
    if (pad < 1) out.push_back(static_cast<char>(word & 0xff));
    // Non-canonical encodings (stray bits in the padding) are refused, as Go's StdEncoding.Strict.
    if (pad == 2 && (v[1] & 15) != 0) return std::nullopt;
    if (pad == 1 && (v[2] & 3) != 0) return std::nullopt;
  }
  return out;
}

Result<KeyPairPem> GenerateKeyPair(std::string_view password, const ScryptParams& params) {
  if (!SupportedScrypt(params)) return Unsupported(fmt::format("unsupported scrypt parameters {}", DescribeScrypt(params)));
  if (sodium_init() < 0) return Internal("libsodium failed to initialise");
  EVP_PKEY* raw = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
  if (raw == nullptr) return Internal("P-256 key generation failed");
  auto impl = std::make_unique<PrivateKey::Impl>();
  impl->pkey = raw;
  PrivateKey key(std::move(impl));

  HS_ASSIGN_OR_RETURN(std::string der, Pkcs8Der(raw));
  std::string salt(kSaltBytes, '\0');
  std::string nonce(crypto_secretbox_NONCEBYTES, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(salt.data()), static_cast<int>(salt.size())) != 1 ||
      RAND_bytes(reinterpret_cast<unsigned char*>(nonce.data()), static_cast<int>(nonce.size())) != 1) {
    OPENSSL_cleanse(der.data(), der.size());
    return Internal("no random bytes");
  }
  SecretBytes box_key(crypto_secretbox_KEYBYTES);
  Status derived = DeriveKey(password, salt, params, box_key);
  if (!derived.ok()) {
    OPENSSL_cleanse(der.data(), der.size());
    return std::move(derived).error();
  }
  std::string ciphertext(der.size() + crypto_secretbox_MACBYTES, '\0');
  crypto_secretbox_easy(reinterpret_cast<unsigned char*>(ciphertext.data()),
                        reinterpret_cast<const unsigned char*>(der.data()), der.size(),
                        reinterpret_cast<const unsigned char*>(nonce.data()), box_key.data());
  OPENSSL_cleanse(der.data(), der.size());
  // Field order and names as cosign's Go structs marshal them.
  std::string envelope = fmt::format(
      R"({{"kdf":{{"name":"scrypt","params":{{"N":{},"r":{},"p":{}}},"salt":"{}"}},)"
      R"("cipher":{{"name":"nacl/secretbox","nonce":"{}"}},"ciphertext":"{}"}})",
      params.n, params.r, params.p, Base64Encode(salt), Base64Encode(nonce), Base64Encode(ciphertext));
  KeyPairPem out;
  out.private_pem = PemEncode(kSigstoreLabel, envelope);
  HS_ASSIGN_OR_RETURN(out.public_pem, PublicKeyPem(key));
  return out;
}

Result<PrivateKey> LoadPrivateKey(std::string_view pem, std::string_view password) {
  HS_ASSIGN_OR_RETURN(PemBlock block, FirstPemBlock(pem));
  if (block.label == kSigstoreLabel || block.label == kCosignLabel) {
    if (sodium_init() < 0) return Internal("libsodium failed to initialise");
    return DecryptSigstoreKey(block, password);
  }
  if (block.label != "PRIVATE KEY" && block.label != "EC PRIVATE KEY" && block.label != "RSA PRIVATE KEY" &&
      block.label != "ENCRYPTED PRIVATE KEY") {
    return Unsupported(fmt::format("PEM block '{}' is not a private key", block.label));
  }
  BioPtr bio = MemBio(pem);
  std::string_view pw = password;
  EVP_PKEY* pkey = PEM_read_bio_PrivateKey(bio.get(), nullptr, PasswordCallback, &pw);
  if (pkey == nullptr) {
    if (block.label == "ENCRYPTED PRIVATE KEY") return PermissionDeniedError("wrong password or malformed encrypted PKCS#8 key");
    return Corrupt(fmt::format("malformed '{}' PEM block", block.label));
  }
  auto impl = std::make_unique<PrivateKey::Impl>();
  impl->pkey = pkey;
  return PrivateKey(std::move(impl));
}

Result<PublicKey> LoadPublicKey(std::string_view pem) {
  HS_ASSIGN_OR_RETURN(PemBlock block, FirstPemBlock(pem));
  BioPtr bio = MemBio(pem);
  EVP_PKEY* pkey = nullptr;
  if (block.label == "PUBLIC KEY") {
    pkey = PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr);
    if (pkey == nullptr) return Corrupt("malformed 'PUBLIC KEY' PEM block");
  } else if (block.label == "CERTIFICATE") {
    X509* cert = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr);
    if (cert == nullptr) return Corrupt("malformed 'CERTIFICATE' PEM block");
    pkey = X509_get_pubkey(cert);
    X509_free(cert);
    if (pkey == nullptr) return Unsupported("certificate has an unsupported public key");
  } else {
    return Unsupported(fmt::format("PEM block '{}' is not a public key or certificate", block.label));
  }
  auto impl = std::make_unique<PublicKey::Impl>();
  impl->pkey = pkey;
  return PublicKey(std::move(impl));
}

Result<std::string> PublicKeyPem(const PrivateKey& key) {
  if (key.impl() == nullptr || key.impl()->pkey == nullptr) return InvalidArgument("empty private key");
  EVP_PKEY* pub = PublicOnly(key.impl()->pkey);
  if (pub == nullptr) return Internal("cannot extract the public key");
  BioPtr bio(BIO_new(BIO_s_mem()));
  int ok = PEM_write_bio_PUBKEY(bio.get(), pub);
  EVP_PKEY_free(pub);
  if (ok != 1) return Internal("cannot write the public key");
  return BioContents(bio.get());
}

Result<std::string> SignData(const PrivateKey& key, std::string_view data) {
  if (key.impl() == nullptr || key.impl()->pkey == nullptr) return InvalidArgument("empty private key");
  EVP_PKEY* pkey = key.impl()->pkey;
  MdCtxPtr ctx(EVP_MD_CTX_new());
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, DigestFor(pkey), nullptr, pkey) != 1) {
    return Internal("cannot initialise signing");
  }
  size_t size = 0;
  const auto* in = reinterpret_cast<const unsigned char*>(data.data());
  if (EVP_DigestSign(ctx.get(), nullptr, &size, in, data.size()) != 1) return Internal("signing failed");
  std::string sig(size, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &size, in, data.size()) != 1) {
    return Internal("signing failed");
  }
  sig.resize(size);
  return sig;
}

Status VerifyData(const PublicKey& key, std::string_view data, std::string_view signature) {
  if (key.impl() == nullptr || key.impl()->pkey == nullptr) return InvalidArgument("empty public key");
  EVP_PKEY* pkey = key.impl()->pkey;
  if (!signature.empty() && VerifyOnce(pkey, data, signature)) return OkStatus();
  if (EVP_PKEY_get_base_id(pkey) == EVP_PKEY_EC) {
    size_t field = static_cast<size_t>((EVP_PKEY_get_bits(pkey) + 7) / 8);
    if (signature.size() == 2 * field) {
      auto der = RawEcdsaToDer(signature);
      if (der && VerifyOnce(pkey, data, *der)) return OkStatus();
    }
  }
  return PermissionDeniedError("signature does not verify");
}

}  // namespace hullscan::sign
