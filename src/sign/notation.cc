// Notary Project (Notation) signature verification.
//
// What `notation sign` (v1.3.2) actually stores, observed against docker-registry 2.8 (which has
// no referrers API, so notation uses the referrers tag schema; with the API, the same manifests
// are listed by GET /v2/<repo>/referrers/<digest>):
//   tag "sha256-<image hex>" → an OCI index listing the signature manifests:
//     {"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": …, "size": 728,
//      "artifactType": "application/vnd.cncf.notary.signature",
//      "annotations": {"io.cncf.notary.x509chain.thumbprint#S256": "[\"<sha256 of leaf DER>\", …]",
//                      "org.opencontainers.image.created": "2026-11-29T01:07:11Z"}}
//   each signature manifest (OCI image manifest, no top-level artifactType):
//     config {"mediaType": "application/vnd.cncf.notary.signature", size 2: the bytes "{}"},
//     layers [{"mediaType": "application/jose+json" | "application/cose", the envelope}],
//     subject = the image manifest's descriptor, the same annotations as above.
//   JWS envelope (JSON serialization, flattened):
//     {"payload": b64url({"targetArtifact": {"digest", "mediaType", "size"}}),
//      "protected": b64url({"alg": "PS256", "crit": ["io.cncf.notary.signingScheme"],
//                           "cty": "application/vnd.cncf.notary.payload.v1+json",
//                           "io.cncf.notary.signingScheme": "notary.x509",
//                           "io.cncf.notary.signingTime": "2026-11-29T01:07:11Z"}),
//      "header": {"x5c": [std-base64 DER, leaf first], "io.cncf.notary.signingAgent": "notation-go/1.3.2"},
//      "signature": b64url(RSASSA-PSS SHA-256, salt length 32, over "<protected>.<payload>")}
//   COSE envelope: tag 18 COSE_Sign1 [protected bstr, unprotected map, payload bstr, signature bstr];
//     protected {1: -37 (PS256), 2: ["io.cncf.notary.signingScheme"], 3: cty,
//                "io.cncf.notary.signingScheme": "notary.x509", "io.cncf.notary.signingTime": tag 1 (epoch s)};
//     unprotected {33: [DER, …] (x5chain), "io.cncf.notary.signingAgent": …}; signed bytes are
//     Sig_structure ["Signature1", protected, h'', payload].
//   `notation cert generate-test NAME` makes one self-signed RSA-2048 certificate (subject and issuer
//   "C=US, ST=WA, L=Seattle, O=Notary, CN=NAME", KeyUsage digitalSignature (critical), EKU
//   codeSigning, valid for one day) — the chain is that single certificate, which is also the root
//   put in truststore/x509/ca/NAME/NAME.crt.
#include "sign/notation.h"

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <ctime>
#include <fstream>
#include <optional>
#include <set>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "base/strings.h"

namespace hullscan::sign {
namespace {

using json = nlohmann::json;
using TimePoint = std::chrono::system_clock::time_point;

constexpr std::string_view kSignatureArtifactType = "application/vnd.cncf.notary.signature";
constexpr std::string_view kJwsMediaType = "application/jose+json";
constexpr std::string_view kCoseMediaType = "application/cose";
constexpr std::string_view kPayloadContentType = "application/vnd.cncf.notary.payload.v1+json";
constexpr std::string_view kSchemeX509 = "notary.x509";
constexpr std::string_view kSchemeSigningAuthority = "notary.x509.signingAuthority";
constexpr std::string_view kHeaderScheme = "io.cncf.notary.signingScheme";
constexpr std::string_view kHeaderSigningTime = "io.cncf.notary.signingTime";
constexpr std::string_view kHeaderAuthenticSigningTime = "io.cncf.notary.authenticSigningTime";
constexpr std::string_view kHeaderExpiry = "io.cncf.notary.expiry";
constexpr std::string_view kHeaderPlugin = "io.cncf.notary.verificationPlugin";
constexpr std::string_view kHeaderPluginMinVersion = "io.cncf.notary.verificationPluginMinVersion";
constexpr uint64_t kMaxEnvelopeBytes = 4 << 20;   // notation-go's limit
constexpr uint64_t kMaxManifestBytes = 4 << 20;
constexpr size_t kMaxSignatures = 100;            // notation's default maxSignatureAttempts
constexpr size_t kMaxChainLength = 16;

// ---------------------------------------------------------------------------------------------
// Small helpers

Error Denied(std::string message) { return {ErrorCode::kPermissionDenied, std::move(message)}; }

struct X509Deleter { void operator()(X509* x) const { X509_free(x); } };
struct PkeyDeleter { void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); } };
struct MdCtxDeleter { void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); } };
struct StoreDeleter { void operator()(X509_STORE* s) const { X509_STORE_free(s); } };
struct StoreCtxDeleter { void operator()(X509_STORE_CTX* c) const { X509_STORE_CTX_free(c); } };
struct StackDeleter { void operator()(STACK_OF(X509)* s) const { sk_X509_free(s); } };
struct EcdsaSigDeleter { void operator()(ECDSA_SIG* s) const { ECDSA_SIG_free(s); } };
using X509Ptr = std::unique_ptr<X509, X509Deleter>;
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyDeleter>;

// Base64 in either alphabet (standard or URL-safe), padding optional; nullopt on any other byte.
std::optional<std::string> DecodeBase64(std::string_view in) {
  while (!in.empty() && in.back() == '=') in.remove_suffix(1);
  std::string out;
  out.reserve(in.size() * 3 / 4);
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
  if (bits >= 6) return std::nullopt;  // a lone trailing character cannot encode a byte
  return out;
}

std::string FormatTime(TimePoint t) {
  std::time_t tt = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

// RFC 3339 ("2026-11-29T01:07:11Z", "…T01:07:11.123+02:00").
std::optional<TimePoint> ParseRfc3339(std::string_view s) {
  int year, mon, day, hour, min, sec;
  char tail[40] = {0};
  std::string copy(s.substr(0, 64));
  if (std::sscanf(copy.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%39s", &year, &mon, &day, &hour, &min, &sec, tail) < 7) {
    return std::nullopt;
  }
  std::string_view rest(tail);
  if (!rest.empty() && rest[0] == '.') {
    size_t i = 1;
    while (i < rest.size() && rest[i] >= '0' && rest[i] <= '9') ++i;
    rest.remove_prefix(i);
  }
  long offset = 0;
  if (rest == "Z" || rest == "z") {
    offset = 0;
  } else if (rest.size() == 6 && (rest[0] == '+' || rest[0] == '-') && rest[3] == ':') {
    int oh = 0, om = 0;
    if (std::sscanf(std::string(rest.substr(1)).c_str(), "%2d:%2d", &oh, &om) != 2) return std::nullopt;
    offset = (oh * 60L + om) * 60L * (rest[0] == '-' ? -1 : 1);
  } else {
    return std::nullopt;
  }
  if (mon < 1 || mon > 12 || day < 1 || day > 31 || hour > 23 || min > 59 || sec > 60) return std::nullopt;
  std::tm tm{};
  tm.tm_year = year - 1900;
  tm.tm_mon = mon - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = min;
  tm.tm_sec = sec;
  time_t t = timegm(&tm);
  return std::chrono::system_clock::from_time_t(t - offset);
}

const json* Member(const json& object, std::string_view key) {
  if (!object.is_object()) return nullptr;
  auto it = object.find(key);
  return it == object.end() ? nullptr : &*it;
}

std::optional<std::string> StringMember(const json& object, std::string_view key) {
  const json* v = Member(object, key);
  if (v == nullptr || !v->is_string()) return std::nullopt;
  return v->get<std::string>();
}

// ---------------------------------------------------------------------------------------------
// Minimal CBOR (RFC 8949) reader: definite lengths only (COSE requires deterministic encoding).

struct Cbor {
  enum class Kind { kUint, kNegint, kBytes, kText, kArray, kMap, kTag, kSimple };
  Kind kind = Kind::kSimple;
  uint64_t number = 0;  // uint value; negint: -1 - number; tag number; simple value
  std::string bytes;    // bstr / tstr
  std::vector<Cbor> items;                       // array; tag: the one tagged item
  std::vector<std::pair<Cbor, Cbor>> entries;    // map

  bool IsText(std::string_view t) const { return kind == Kind::kText && bytes == t; }
  bool IsInt(int64_t v) const {
    if (v >= 0) return kind == Kind::kUint && number == static_cast<uint64_t>(v);
    return kind == Kind::kNegint && number == static_cast<uint64_t>(-1 - v);
  }
  const Cbor* Find(int64_t key) const {
    for (const auto& [k, v] : entries) if (k.IsInt(key)) return &v;
    return nullptr;
  }
  const Cbor* Find(std::string_view key) const {
    for (const auto& [k, v] : entries) if (k.IsText(key)) return &v;
    return nullptr;
  }
};

class CborReader {
 public:
  explicit CborReader(std::string_view data) : data_(data) {}
  Result<Cbor> Read(int depth = 0) {
    if (depth > 16) return Corrupt("CBOR nested too deeply");
    // Items cost ~100 bytes of memory each against one byte of input: bound them.
    if (++items_read_ > kMaxItems) return Corrupt("CBOR has too many items");
    if (pos_ >= data_.size()) return Corrupt("CBOR truncated");
    uint8_t initial = static_cast<uint8_t>(data_[pos_++]);
    uint8_t major = initial >> 5, info = initial & 0x1f;
    uint64_t arg = 0;
    if (info < 24) {
      arg = info;
    } else if (info <= 27) {
      size_t n = size_t{1} << (info - 24);
      if (data_.size() - pos_ < n) return Corrupt("CBOR truncated");
      for (size_t i = 0; i < n; ++i) arg = (arg << 8) | static_cast<uint8_t>(data_[pos_++]);
    } else {
      return Corrupt("CBOR indefinite length or reserved encoding");
    }
    Cbor out;
    switch (major) {
      case 0: out.kind = Cbor::Kind::kUint; out.number = arg; break;
      case 1: out.kind = Cbor::Kind::kNegint; out.number = arg; break;
      case 2:
      case 3:
        if (data_.size() - pos_ < arg) return Corrupt("CBOR string runs past the end");
        out.kind = major == 2 ? Cbor::Kind::kBytes : Cbor::Kind::kText;
        out.bytes.assign(data_.substr(pos_, arg));
        pos_ += arg;
        break;
      case 4:
        out.kind = Cbor::Kind::kArray;
        if (arg > data_.size() - pos_) return Corrupt("CBOR array longer than its data");
        for (uint64_t i = 0; i < arg; ++i) {
          HS_ASSIGN_OR_RETURN(Cbor item, Read(depth + 1));
          out.items.push_back(std::move(item));
        }
        break;
      case 5:
        out.kind = Cbor::Kind::kMap;
        if (arg > (data_.size() - pos_) / 2) return Corrupt("CBOR map longer than its data");
        for (uint64_t i = 0; i < arg; ++i) {
          HS_ASSIGN_OR_RETURN(Cbor key, Read(depth + 1));
          HS_ASSIGN_OR_RETURN(Cbor value, Read(depth + 1));
          out.entries.emplace_back(std::move(key), std::move(value));
        }
        break;
      case 6: {
        out.kind = Cbor::Kind::kTag;
        out.number = arg;
        HS_ASSIGN_OR_RETURN(Cbor item, Read(depth + 1));
        out.items.push_back(std::move(item));
        break;
      }
      default: out.kind = Cbor::Kind::kSimple; out.number = arg; break;
    }
    return out;
  }
  bool AtEnd() const { return pos_ == data_.size(); }

 private:
  static constexpr size_t kMaxItems = 4096;  // a notation envelope has a few dozen
  std::string_view data_;
  size_t pos_ = 0;
  size_t items_read_ = 0;
};

void AppendCborHead(std::string& out, uint8_t major, uint64_t arg) {
  auto put = [&](uint8_t info, int bytes) {
    out.push_back(static_cast<char>((major << 5) | info));
    for (int i = bytes - 1; i >= 0; --i) out.push_back(static_cast<char>((arg >> (8 * i)) & 0xff));
  };
  if (arg < 24) put(static_cast<uint8_t>(arg), 0);
  else if (arg <= 0xff) put(24, 1);
  else if (arg <= 0xffff) put(25, 2);
  else if (arg <= 0xffffffffULL) put(26, 4);
  else put(27, 8);
}

// Sig_structure for COSE_Sign1 (RFC 9052 §4.4) with empty external_aad.
std::string CoseSigStructure(std::string_view protected_bytes, std::string_view payload) {
  std::string out;
  AppendCborHead(out, 4, 4);
  AppendCborHead(out, 3, 10);
  out += "Signature1";
  AppendCborHead(out, 2, protected_bytes.size());
  out += protected_bytes;
  AppendCborHead(out, 2, 0);
  AppendCborHead(out, 2, payload.size());
  out += payload;
  return out;
}

// ---------------------------------------------------------------------------------------------
// Envelopes, reduced to what verification needs.

struct Envelope {
  std::string format;         // "jws" | "cose"
  std::string alg;            // JWS names: PS256, ES384, …
  std::string signed_bytes;   // what the signature covers
  std::string signature;      // raw (ECDSA: r||s)
  std::string payload;        // the JSON payload
  std::string scheme;         // notary.x509 | notary.x509.signingAuthority
  TimePoint signing_time{};
  std::optional<TimePoint> expiry;
  std::vector<std::string> chain;  // DER, leaf first
};

Status CheckCritical(const std::vector<std::string>& crit, bool has_expiry, std::string_view scheme) {
  std::set<std::string> listed(crit.begin(), crit.end());
  for (const auto& c : listed) {
    if (c == kHeaderPlugin || c == kHeaderPluginMinVersion) {
      return Unsupported(fmt::format("malformed envelope: critical header {} needs a verification plugin", c));
    }
    if (c != kHeaderScheme && c != kHeaderExpiry && c != kHeaderAuthenticSigningTime) {
      return Corrupt(fmt::format("malformed envelope: unknown critical header {}", QuoteForMessage(c)));
    }
  }
  if (!listed.contains(std::string(kHeaderScheme))) {
    return Corrupt("malformed envelope: crit does not list io.cncf.notary.signingScheme");
  }
  if (has_expiry && !listed.contains(std::string(kHeaderExpiry))) {
    return Corrupt("malformed envelope: crit does not list io.cncf.notary.expiry");
  }
  if (scheme == kSchemeSigningAuthority && !listed.contains(std::string(kHeaderAuthenticSigningTime))) {
    return Corrupt("malformed envelope: crit does not list io.cncf.notary.authenticSigningTime");
  }
  return OkStatus();
}

Result<Envelope> ParseJws(std::string_view bytes) {
  json doc = json::parse(bytes, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) return Corrupt("malformed envelope: JWS is not a JSON object");
  auto protected_b64 = StringMember(doc, "protected");
  auto payload_b64 = StringMember(doc, "payload");
  auto signature_b64 = StringMember(doc, "signature");
  if (!protected_b64 || !payload_b64 || !signature_b64) {
    return Corrupt("malformed envelope: JWS lacks protected, payload or signature");
  }
  Envelope env;
  env.format = "jws";
  auto protected_json = DecodeBase64(*protected_b64);
  auto payload = DecodeBase64(*payload_b64);
  auto signature = DecodeBase64(*signature_b64);
  if (!protected_json || !payload || !signature) return Corrupt("malformed envelope: JWS part is not base64url");
  env.payload = std::move(*payload);
  env.signature = std::move(*signature);
  env.signed_bytes = *protected_b64 + "." + *payload_b64;

  json header = json::parse(*protected_json, nullptr, false);
  if (header.is_discarded() || !header.is_object()) {
    return Corrupt("malformed envelope: JWS protected header is not a JSON object");
  }
  env.alg = StringMember(header, "alg").value_or("");
  if (StringMember(header, "cty").value_or("") != kPayloadContentType) {
    return Corrupt(fmt::format("malformed envelope: cty is not {}", kPayloadContentType));
  }
  env.scheme = StringMember(header, kHeaderScheme).value_or("");
  std::vector<std::string> crit;
  if (const json* c = Member(header, "crit"); c != nullptr) {
    if (!c->is_array()) return Corrupt("malformed envelope: crit is not an array");
    for (const auto& e : *c) {
      if (!e.is_string()) return Corrupt("malformed envelope: crit entry is not a string");
      crit.push_back(e.get<std::string>());
    }
  }
  std::string_view time_key = env.scheme == kSchemeSigningAuthority ? kHeaderAuthenticSigningTime : kHeaderSigningTime;
  auto signing_time = ParseRfc3339(StringMember(header, time_key).value_or(""));
  if (!signing_time) return Corrupt(fmt::format("malformed envelope: missing or malformed {}", time_key));
  env.signing_time = *signing_time;
  if (Member(header, kHeaderExpiry) != nullptr) {
    env.expiry = ParseRfc3339(StringMember(header, kHeaderExpiry).value_or(""));
    if (!env.expiry) return Corrupt("malformed envelope: malformed io.cncf.notary.expiry");
  }
  HS_TRY(CheckCritical(crit, env.expiry.has_value(), env.scheme));

  const json* unprotected = Member(doc, "header");
  const json* x5c = unprotected != nullptr ? Member(*unprotected, "x5c") : nullptr;
  if (x5c == nullptr || !x5c->is_array() || x5c->empty()) {
    return Corrupt("malformed envelope: no x5c certificate chain in the JWS header");
  }
  for (const auto& cert : *x5c) {
    auto der = cert.is_string() ? DecodeBase64(cert.get<std::string>()) : std::nullopt;
    if (!der) return Corrupt("malformed envelope: x5c entry is not base64");
    env.chain.push_back(std::move(*der));
  }
  return env;
}

Result<TimePoint> CoseTime(const Cbor& value, std::string_view name) {
  const Cbor* v = &value;
  if (v->kind == Cbor::Kind::kTag && v->number == 1 && v->items.size() == 1) v = &v->items[0];
  if (v->kind != Cbor::Kind::kUint || v->number > (uint64_t{1} << 40)) {
    return Corrupt(fmt::format("malformed envelope: {} is not an epoch time", name));
  }
  return std::chrono::system_clock::from_time_t(static_cast<time_t>(v->number));
}

Result<Envelope> ParseCose(std::string_view bytes) {
  CborReader reader(bytes);
  auto top = reader.Read();
  if (!top.ok()) return Corrupt("malformed envelope: " + top.error().message());
  const Cbor* sign1 = &*top;
  if (sign1->kind == Cbor::Kind::kTag) {
    if (sign1->number != 18 || sign1->items.size() != 1) return Corrupt("malformed envelope: not a COSE_Sign1 (tag 18)");
    sign1 = &sign1->items[0];
  }
  if (sign1->kind != Cbor::Kind::kArray || sign1->items.size() != 4 ||
      sign1->items[0].kind != Cbor::Kind::kBytes || sign1->items[1].kind != Cbor::Kind::kMap ||
      sign1->items[2].kind != Cbor::Kind::kBytes || sign1->items[3].kind != Cbor::Kind::kBytes) {
    return Corrupt("malformed envelope: COSE_Sign1 is not [bstr, map, bstr, bstr]");
  }
  Envelope env;
  env.format = "cose";
  const std::string& protected_bytes = sign1->items[0].bytes;
  env.payload = sign1->items[2].bytes;
  env.signature = sign1->items[3].bytes;
  env.signed_bytes = CoseSigStructure(protected_bytes, env.payload);

  CborReader header_reader(protected_bytes);
  auto header = header_reader.Read();
  if (!header.ok() || header->kind != Cbor::Kind::kMap || !header_reader.AtEnd()) {
    return Corrupt("malformed envelope: COSE protected header is not a CBOR map");
  }
  static constexpr std::array<std::pair<int64_t, std::string_view>, 6> kAlgs = {{
      {-37, "PS256"}, {-38, "PS384"}, {-39, "PS512"}, {-7, "ES256"}, {-35, "ES384"}, {-36, "ES512"}}};
  if (const Cbor* alg = header->Find(1); alg != nullptr) {
    for (const auto& [id, name] : kAlgs) if (alg->IsInt(id)) env.alg = name;
  }
  const Cbor* cty = header->Find(3);
  if (cty == nullptr || !cty->IsText(kPayloadContentType)) {
    return Corrupt(fmt::format("malformed envelope: content type is not {}", kPayloadContentType));
  }
  if (const Cbor* scheme = header->Find(kHeaderScheme); scheme != nullptr && scheme->kind == Cbor::Kind::kText) {
    env.scheme = scheme->bytes;
  }
  std::vector<std::string> crit;
  if (const Cbor* c = header->Find(2); c != nullptr) {
    if (c->kind != Cbor::Kind::kArray) return Corrupt("malformed envelope: crit is not an array");
    for (const auto& e : c->items) {
      if (e.kind == Cbor::Kind::kText) crit.push_back(e.bytes);
      else if (!(e.kind == Cbor::Kind::kUint || e.kind == Cbor::Kind::kNegint)) {
        return Corrupt("malformed envelope: crit entry is neither a label nor a name");
      }
    }
  }
  std::string_view time_key = env.scheme == kSchemeSigningAuthority ? kHeaderAuthenticSigningTime : kHeaderSigningTime;
  const Cbor* signing_time = header->Find(time_key);
  if (signing_time == nullptr) return Corrupt(fmt::format("malformed envelope: missing {}", time_key));
  HS_ASSIGN_OR_RETURN(env.signing_time, CoseTime(*signing_time, time_key));
  if (const Cbor* expiry = header->Find(kHeaderExpiry); expiry != nullptr) {
    HS_ASSIGN_OR_RETURN(env.expiry, CoseTime(*expiry, kHeaderExpiry));
  }
  HS_TRY(CheckCritical(crit, env.expiry.has_value(), env.scheme));

  const Cbor* x5chain = sign1->items[1].Find(33);
  if (x5chain == nullptr) return Corrupt("malformed envelope: no x5chain (label 33) in the COSE header");
  if (x5chain->kind == Cbor::Kind::kBytes) {
    env.chain.push_back(x5chain->bytes);
  } else if (x5chain->kind == Cbor::Kind::kArray) {
    for (const auto& cert : x5chain->items) {
      if (cert.kind != Cbor::Kind::kBytes) return Corrupt("malformed envelope: x5chain entry is not a byte string");
      env.chain.push_back(cert.bytes);
    }
  }
  if (env.chain.empty()) return Corrupt("malformed envelope: empty x5chain");
  return env;
}

// ---------------------------------------------------------------------------------------------
// Certificates and signatures

X509Ptr ParseDer(std::string_view der) {
  const unsigned char* p = reinterpret_cast<const unsigned char*>(der.data());
  X509* cert = d2i_X509(nullptr, &p, static_cast<long>(der.size()));
  if (cert != nullptr && p != reinterpret_cast<const unsigned char*>(der.data()) + der.size()) {
    X509_free(cert);
    return nullptr;
  }
  return X509Ptr(cert);
}

std::string CertDer(X509* cert) {
  unsigned char* buf = nullptr;
  int len = i2d_X509(cert, &buf);
  if (len <= 0) return {};
  std::string out(reinterpret_cast<char*>(buf), static_cast<size_t>(len));
  OPENSSL_free(buf);
  return out;
}

// Subject attributes in certificate order, as short names ("C", "ST", "O", "CN", …).
std::vector<std::pair<std::string, std::string>> SubjectAttributes(X509* cert) {
  std::vector<std::pair<std::string, std::string>> out;
  X509_NAME* name = X509_get_subject_name(cert);
  for (int i = 0; i < X509_NAME_entry_count(name); ++i) {
    X509_NAME_ENTRY* entry = X509_NAME_get_entry(name, i);
    int nid = OBJ_obj2nid(X509_NAME_ENTRY_get_object(entry));
    const char* sn = nid != NID_undef ? OBJ_nid2sn(nid) : nullptr;
    unsigned char* utf8 = nullptr;
    int len = ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(entry));
    if (len < 0) continue;
    std::string key = sn != nullptr ? sn : "?";
    if (key == "emailAddress") key = "E";
    out.emplace_back(key, std::string(reinterpret_cast<char*>(utf8), static_cast<size_t>(len)));
    OPENSSL_free(utf8);
  }
  return out;
}

std::string SubjectString(X509* cert) {
  std::string out;
  for (const auto& [k, v] : SubjectAttributes(cert)) {
    if (!out.empty()) out += ", ";
    out += k + "=" + v;
  }
  return out;
}

// "C=US, ST=WA, O=Notary" → attributes; backslash escapes a comma. nullopt when malformed.
std::optional<std::vector<std::pair<std::string, std::string>>> ParseDistinguishedName(std::string_view dn) {
  std::vector<std::pair<std::string, std::string>> out;
  std::string current;
  std::vector<std::string> parts;
  for (size_t i = 0; i < dn.size(); ++i) {
    if (dn[i] == '\\' && i + 1 < dn.size()) {
      current.push_back(dn[++i]);
    } else if (dn[i] == ',') {
      parts.push_back(std::move(current));
      current.clear();
    } else {
      current.push_back(dn[i]);
    }
  }
  parts.push_back(std::move(current));
  std::set<std::string> seen;
  for (const auto& part : parts) {
    size_t eq = part.find('=');
    if (eq == std::string::npos) return std::nullopt;
    std::string key(TrimSpace(std::string_view(part).substr(0, eq)));
    std::string value(TrimSpace(std::string_view(part).substr(eq + 1)));
    std::transform(key.begin(), key.end(), key.begin(), [](unsigned char c) { return std::toupper(c); });
    if (key == "EMAILADDRESS") key = "E";
    if (key.empty() || value.empty() || !seen.insert(key).second) return std::nullopt;
    out.emplace_back(key, value);
  }
  return out;
}

const EVP_MD* DigestForAlg(std::string_view alg) {
  if (alg == "PS256" || alg == "ES256") return EVP_sha256();
  if (alg == "PS384" || alg == "ES384") return EVP_sha384();
  if (alg == "PS512" || alg == "ES512") return EVP_sha512();
  return nullptr;
}

// Verifies env.signature over env.signed_bytes with the leaf's key, as the algorithm says.
Status VerifyEnvelopeSignature(const Envelope& env, X509* leaf) {
  const EVP_MD* md = DigestForAlg(env.alg);
  if (md == nullptr) return Unsupported(fmt::format("malformed envelope: unsupported algorithm {}", QuoteForMessage(env.alg)));
  PkeyPtr key(X509_get_pubkey(leaf));
  if (!key) return Corrupt("malformed envelope: the leaf certificate's key cannot be read");
  bool pss = env.alg[0] == 'P';
  int type = EVP_PKEY_get_base_id(key.get());
  std::string signature = env.signature;
  if (pss) {
    if (type != EVP_PKEY_RSA) return Corrupt(fmt::format("malformed envelope: {} needs an RSA key", env.alg));
    if (EVP_PKEY_get_bits(key.get()) < 2048) return Unsupported("malformed envelope: RSA key shorter than 2048 bits");
  } else {
    if (type != EVP_PKEY_EC) return Corrupt(fmt::format("malformed envelope: {} needs an EC key", env.alg));
    int bits = EVP_PKEY_get_bits(key.get());
    int want = env.alg == "ES256" ? 256 : env.alg == "ES384" ? 384 : 521;
    if (bits != want) return Corrupt(fmt::format("malformed envelope: {} with a {}-bit EC key", env.alg, bits));
    size_t half = (static_cast<size_t>(bits) + 7) / 8;
    if (signature.size() != 2 * half) return Denied("signature does not verify: ECDSA signature has the wrong length");
    std::unique_ptr<ECDSA_SIG, EcdsaSigDeleter> sig(ECDSA_SIG_new());
    BIGNUM* r = BN_bin2bn(reinterpret_cast<const unsigned char*>(signature.data()), static_cast<int>(half), nullptr);
    BIGNUM* s = BN_bin2bn(reinterpret_cast<const unsigned char*>(signature.data()) + half, static_cast<int>(half), nullptr);
    if (!sig || r == nullptr || s == nullptr || ECDSA_SIG_set0(sig.get(), r, s) != 1) {
      BN_free(r);
      BN_free(s);
      return Internal("ECDSA_SIG allocation failed");
    }
    unsigned char* der = nullptr;
    int len = i2d_ECDSA_SIG(sig.get(), &der);
    if (len <= 0) return Internal("ECDSA signature encoding failed");
    signature.assign(reinterpret_cast<char*>(der), static_cast<size_t>(len));
    OPENSSL_free(der);
  }
  std::unique_ptr<EVP_MD_CTX, MdCtxDeleter> ctx(EVP_MD_CTX_new());
  EVP_PKEY_CTX* pctx = nullptr;
  if (!ctx || EVP_DigestVerifyInit(ctx.get(), &pctx, md, nullptr, key.get()) != 1) {
    return Internal("EVP_DigestVerifyInit failed");
  }
  if (pss && (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) != 1 ||
              EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) != 1)) {
    return Internal("RSA-PSS parameters rejected");
  }
  int rc = EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()), signature.size(),
                            reinterpret_cast<const unsigned char*>(env.signed_bytes.data()), env.signed_bytes.size());
  if (rc != 1) return Denied(fmt::format("signature does not verify ({} with the leaf certificate's key)", env.alg));
  return OkStatus();
}

// The envelope's own chain: each certificate signed by the next, the last self-signed, the leaf
// fit for code signing (Notary Project certificate requirements).
Status CheckChainStructure(const std::vector<X509Ptr>& chain) {
  for (size_t i = 0; i < chain.size(); ++i) {
    X509* cert = chain[i].get();
    bool last = i + 1 == chain.size();
    X509* issuer = last ? cert : chain[i + 1].get();
    PkeyPtr issuer_key(X509_get_pubkey(issuer));
    // The last certificate must be self-signed; OpenSSL's X509_check_issued would also want
    // keyCertSign, which a self-signed leaf (notation's test certificates) does not have.
    bool issued = last ? X509_NAME_cmp(X509_get_subject_name(cert), X509_get_issuer_name(cert)) == 0
                       : X509_check_issued(issuer, cert) == X509_V_OK;
    if (!issuer_key || !issued || X509_verify(cert, issuer_key.get()) != 1) {
      return Denied(i + 1 < chain.size()
                        ? fmt::format("certificate chain does not verify: certificate {} is not issued by the next one", i)
                        : fmt::format("certificate chain does not verify: the last certificate ({}) is not a self-signed "
                                      "root", i));
    }
    if (i > 0 && X509_check_ca(cert) == 0) {
      return Denied(fmt::format("certificate chain does not verify: certificate {} is not a CA", i));
    }
  }
  X509* leaf = chain[0].get();
  uint32_t flags = X509_get_extension_flags(leaf);
  if ((flags & EXFLAG_KUSAGE) != 0 && (X509_get_key_usage(leaf) & KU_DIGITAL_SIGNATURE) == 0) {
    return Denied("certificate chain does not verify: the leaf's key usage lacks digitalSignature");
  }
  if ((flags & EXFLAG_XKUSAGE) != 0 && (X509_get_extended_key_usage(leaf) & XKU_CODE_SIGN) == 0) {
    return Denied("certificate chain does not verify: the leaf's extended key usage lacks codeSigning");
  }
  if (chain.size() > 1 && (flags & EXFLAG_CA) != 0) {
    return Denied("certificate chain does not verify: the leaf is a CA certificate");
  }
  return OkStatus();
}

// Builds a chain from the leaf to a certificate of the trust stores, checked at `at`.
Status CheckChainToTrustStore(const std::vector<X509Ptr>& chain, const std::vector<const std::string*>& trusted,
                              TimePoint at, std::string_view stores) {
  std::unique_ptr<X509_STORE, StoreDeleter> store(X509_STORE_new());
  if (!store) return Internal("X509_STORE_new failed");
  std::vector<X509Ptr> anchors;
  for (const std::string* der : trusted) {
    X509Ptr cert = ParseDer(*der);
    if (cert && X509_STORE_add_cert(store.get(), cert.get()) == 1) anchors.push_back(std::move(cert));
  }
  if (anchors.empty()) return Denied(fmt::format("untrusted root: trust store {} holds no certificate", stores));
  std::unique_ptr<STACK_OF(X509), StackDeleter> untrusted(sk_X509_new_null());
  for (size_t i = 1; i < chain.size(); ++i) sk_X509_push(untrusted.get(), chain[i].get());
  std::unique_ptr<X509_STORE_CTX, StoreCtxDeleter> ctx(X509_STORE_CTX_new());
  if (!ctx || X509_STORE_CTX_init(ctx.get(), store.get(), chain[0].get(), untrusted.get()) != 1) {
    return Internal("X509_STORE_CTX_init failed");
  }
  X509_VERIFY_PARAM* param = X509_STORE_CTX_get0_param(ctx.get());
  X509_VERIFY_PARAM_set_time(param, std::chrono::system_clock::to_time_t(at));
  // PARTIAL_CHAIN: a trust-store certificate is an anchor even when OpenSSL does not consider it
  // a CA (a self-signed leaf without keyCertSign); that the anchor is the envelope's own root is
  // checked below, as notation requires.
  X509_VERIFY_PARAM_set_flags(param, X509_V_FLAG_X509_STRICT | X509_V_FLAG_PARTIAL_CHAIN);
  if (X509_verify_cert(ctx.get()) != 1) {
    int err = X509_STORE_CTX_get_error(ctx.get());
    std::string detail = X509_verify_cert_error_string(err);
    switch (err) {
      case X509_V_ERR_CERT_HAS_EXPIRED:
      case X509_V_ERR_CERT_NOT_YET_VALID:
        return Denied(fmt::format("certificate not valid at signing time {}: {}", FormatTime(at), detail));
      default:
        return Denied(fmt::format("untrusted root: no chain to trust store {}: {}", stores, detail));
    }
  }
  // Notation also wants the envelope's chain to end at a certificate of the trust store itself
  // (with PARTIAL_CHAIN, OpenSSL would accept a trusted leaf or intermediate as the anchor).
  std::string root = CertDer(chain.back().get());
  if (std::none_of(trusted.begin(), trusted.end(), [&](const std::string* der) { return *der == root; })) {
    return Denied(fmt::format("untrusted root: the envelope's chain does not end at a root of {}", stores));
  }
  return OkStatus();
}

// Every certificate valid at `now` (there is no timestamp countersignature to anchor an older time).
Status CheckChainValidAt(const std::vector<X509Ptr>& chain, TimePoint now) {
  time_t t = std::chrono::system_clock::to_time_t(now);
  for (size_t i = 0; i < chain.size(); ++i) {
    X509* cert = chain[i].get();
    if (X509_cmp_time(X509_get0_notAfter(cert), &t) <= 0) {
      return Denied(fmt::format("certificate expired: {} (notAfter {}) at {}", SubjectString(cert),
                                          [&] {
                                            std::tm tm{};
                                            ASN1_TIME_to_tm(X509_get0_notAfter(cert), &tm);
                                            return FormatTime(std::chrono::system_clock::from_time_t(timegm(&tm)));
                                          }(),
                                          FormatTime(now)));
    }
    if (X509_cmp_time(X509_get0_notBefore(cert), &t) > 0) {
      return Denied(fmt::format("certificate not yet valid: {} at {}", SubjectString(cert), FormatTime(now)));
    }
  }
  return OkStatus();
}

Status CheckTrustedIdentity(X509* leaf, const std::vector<std::string>& identities) {
  auto subject = SubjectAttributes(leaf);
  for (const auto& identity : identities) {
    if (identity == "*") return OkStatus();
    constexpr std::string_view kPrefix = "x509.subject:";
    if (!StartsWith(identity, kPrefix)) continue;
    auto wanted = ParseDistinguishedName(std::string_view(identity).substr(kPrefix.size()));
    if (!wanted) continue;
    bool all = std::all_of(wanted->begin(), wanted->end(), [&](const auto& attr) {
      return std::find(subject.begin(), subject.end(), attr) != subject.end();
    });
    if (all) return OkStatus();
  }
  return Denied(fmt::format("untrusted identity: {} matches no trusted identity of the policy",
                                      SubjectString(leaf)));
}

enum class Action { kEnforce, kLog, kSkip };

Action ActionFor(const TrustPolicy& policy, std::string_view validation) {
  if (auto it = policy.override.find(std::string(validation)); it != policy.override.end()) {
    if (it->second == "enforce") return Action::kEnforce;
    if (it->second == "log") return Action::kLog;
    if (it->second == "skip") return Action::kSkip;
  }
  if (policy.level == "skip") return Action::kSkip;
  if (validation == "integrity") return Action::kEnforce;
  if (policy.level == "strict") return Action::kEnforce;
  if (policy.level == "permissive") return validation == "authenticity" ? Action::kEnforce : Action::kLog;
  return Action::kLog;  // audit
}

// Applies a validation's outcome under the policy: true when verification may go on.
bool Apply(const TrustPolicy& policy, std::string_view validation, const Status& outcome, NotationCheck& check) {
  if (outcome.ok()) return true;
  switch (ActionFor(policy, validation)) {
    case Action::kEnforce:
      check.valid = false;
      check.reason = outcome.error().message();
      return false;
    case Action::kLog:
      check.warnings.push_back(fmt::format("{} (logged, not enforced: {} level)", outcome.error().message(), policy.level));
      return true;
    case Action::kSkip:
      return true;
  }
  return true;
}

Status CheckTarget(const std::string& payload, const Digest& digest, std::string_view media_type, int64_t size) {
  json doc = json::parse(payload, nullptr, false);
  const json* target = doc.is_discarded() ? nullptr : Member(doc, "targetArtifact");
  if (target == nullptr || !target->is_object()) return Corrupt("malformed envelope: payload has no targetArtifact");
  auto target_digest = StringMember(*target, "digest");
  if (!target_digest) return Corrupt("malformed envelope: targetArtifact has no digest");
  if (*target_digest != digest.ToString()) {
    return DigestMismatch(fmt::format("digest mismatch: the signature is for {}, not {}", *target_digest, digest.ToString()));
  }
  auto target_media_type = StringMember(*target, "mediaType");
  if (!media_type.empty() && target_media_type && *target_media_type != media_type) {
    return DigestMismatch(fmt::format("digest mismatch: the signature is for media type {}, the image is {}",
                                      *target_media_type, media_type));
  }
  const json* target_size = Member(*target, "size");
  if (size >= 0 && target_size != nullptr &&
      (!target_size->is_number_integer() || target_size->get<int64_t>() != size)) {
    return DigestMismatch(fmt::format("digest mismatch: the signature is for size {}, the image manifest has {} bytes",
                                      target_size->dump(), size));
  }
  return OkStatus();
}

bool PathIsFile(const std::filesystem::path& p) {
  std::error_code ec;
  return std::filesystem::is_regular_file(p, ec);
}

Result<std::string> ReadSmallFile(const std::filesystem::path& path, uintmax_t max_bytes) {
  std::error_code ec;
  uintmax_t size = std::filesystem::file_size(path, ec);
  if (ec) return IoErrorFromErrno(path.string(), ec.value());
  if (size > max_bytes) return LimitExceeded(fmt::format("{}: larger than {} bytes", path.string(), max_bytes));
  std::ifstream in(path, std::ios::binary);
  if (!in) return IoError(fmt::format("{}: cannot open", path.string()));
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

// -----------------------------------------------------------------------------------------------
// Trust policy

Result<std::vector<TrustPolicy>> ParseTrustPolicy(std::string_view text) {
  json doc = json::parse(text, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) return Corrupt("trust policy: not a JSON object");
  if (StringMember(doc, "version").value_or("") != "1.0") {
    return Unsupported("trust policy: version is not \"1.0\"");
  }
  const json* list = Member(doc, "trustPolicies");
  if (list == nullptr || !list->is_array() || list->empty()) return Corrupt("trust policy: no trustPolicies");
  std::vector<TrustPolicy> out;
  std::set<std::string> names, scopes;
  bool wildcard_seen = false;
  auto strings = [](const json& object, std::string_view key, std::vector<std::string>& into) -> bool {
    const json* v = Member(object, key);
    if (v == nullptr) return true;
    if (!v->is_array()) return false;
    for (const auto& e : *v) {
      if (!e.is_string()) return false;
      into.push_back(e.get<std::string>());
    }
    return true;
  };
  for (const auto& entry : *list) {
    TrustPolicy p;
    p.name = StringMember(entry, "name").value_or("");
    std::string where = fmt::format("trust policy {}", QuoteForMessage(p.name));
    if (p.name.empty()) return Corrupt("trust policy: a policy has no name");
    if (!names.insert(p.name).second) return Corrupt(where + ": name used twice");
    if (!strings(entry, "registryScopes", p.registry_scopes) || !strings(entry, "trustStores", p.trust_stores) ||
        !strings(entry, "trustedIdentities", p.trusted_identities)) {
      return Corrupt(where + ": registryScopes, trustStores and trustedIdentities must be arrays of strings");
    }
    const json* verification = Member(entry, "signatureVerification");
    p.level = verification != nullptr ? StringMember(*verification, "level").value_or("") : "";
    if (p.level != "strict" && p.level != "permissive" && p.level != "audit" && p.level != "skip") {
      return Corrupt(where + ": signatureVerification.level must be strict, permissive, audit or skip");
    }
    if (const json* ov = verification != nullptr ? Member(*verification, "override") : nullptr; ov != nullptr) {
      if (!ov->is_object()) return Corrupt(where + ": override is not an object");
      for (const auto& [key, value] : ov->items()) {
        if (key != "authenticity" && key != "authenticTimestamp" && key != "expiry" && key != "revocation") {
          return Corrupt(fmt::format("{}: override of {} is not allowed", where, QuoteForMessage(key)));
        }
        if (!value.is_string() || (value != "enforce" && value != "log" && value != "skip")) {
          return Corrupt(fmt::format("{}: override of {} must be enforce, log or skip", where, key));
        }
        p.override[key] = value.get<std::string>();
      }
    }
    if (p.registry_scopes.empty()) return Corrupt(where + ": no registryScopes");
    for (const auto& scope : p.registry_scopes) {
      if (scope == "*") {
        if (p.registry_scopes.size() != 1) return Corrupt(where + ": \"*\" must be the only registry scope");
        if (wildcard_seen) return Corrupt(where + ": a second policy with registry scope \"*\"");
        wildcard_seen = true;
      } else if (scope.find('/') == std::string::npos || scope.find('@') != std::string::npos) {
        return Corrupt(fmt::format("{}: registry scope {} is not registry/repository", where, QuoteForMessage(scope)));
      } else if (!scopes.insert(scope).second) {
        return Corrupt(fmt::format("{}: registry scope {} is in two policies", where, scope));
      }
    }
    if (p.level == "skip") {
      if (!p.trust_stores.empty() || !p.trusted_identities.empty()) {
        return Corrupt(where + ": level skip takes no trustStores or trustedIdentities");
      }
    } else {
      if (p.trust_stores.empty()) return Corrupt(where + ": no trustStores");
      for (const auto& ts : p.trust_stores) {
        size_t colon = ts.find(':');
        std::string_view type = std::string_view(ts).substr(0, colon);
        if (colon == std::string::npos || colon + 1 == ts.size() ||
            (type != "ca" && type != "signingAuthority" && type != "tsa")) {
          return Corrupt(fmt::format("{}: trust store {} is not ca:NAME, signingAuthority:NAME or tsa:NAME", where,
                                     QuoteForMessage(ts)));
        }
      }
      if (p.trusted_identities.empty()) return Corrupt(where + ": no trustedIdentities");
      for (const auto& id : p.trusted_identities) {
        if (id == "*") {
          if (p.trusted_identities.size() != 1) return Corrupt(where + ": \"*\" must be the only trusted identity");
          continue;
        }
        constexpr std::string_view kPrefix = "x509.subject:";
        auto dn = StartsWith(id, kPrefix) ? ParseDistinguishedName(std::string_view(id).substr(kPrefix.size()))
                                          : std::nullopt;
        auto has = [&](std::string_view k) {
          return dn && std::any_of(dn->begin(), dn->end(), [&](const auto& a) { return a.first == k; });
        };
        if (!dn || !has("C") || !has("ST") || !has("O")) {
          return Corrupt(fmt::format("{}: trusted identity {} is not \"x509.subject: C=…, ST=…, O=…\"", where,
                                     QuoteForMessage(id)));
        }
      }
    }
    out.push_back(std::move(p));
  }
  return out;
}

Result<std::vector<TrustPolicy>> LoadTrustPolicy(const std::filesystem::path& path) {
  auto text = ReadSmallFile(path, 1 << 20);
  if (!text.ok()) return std::move(text).error();
  return ParseTrustPolicy(*text).AddContext(path.string());
}

Result<const TrustPolicy*> SelectTrustPolicy(const std::vector<TrustPolicy>& policies, std::string_view repository) {
  const TrustPolicy* wildcard = nullptr;
  for (const auto& p : policies) {
    for (const auto& scope : p.registry_scopes) {
      if (scope == repository) return &p;
      if (scope == "*") wildcard = &p;
    }
  }
  if (wildcard != nullptr) return wildcard;
  return NotFound(fmt::format("no trust policy applies to {} (no matching policy)", repository));
}

// -----------------------------------------------------------------------------------------------
// Trust stores

Result<TrustStoreSet> TrustStoreSet::Load(const std::filesystem::path& root) {
  TrustStoreSet set;
  std::error_code ec;
  for (const char* type : {"ca", "signingAuthority", "tsa"}) {
    std::filesystem::path type_dir = root / "x509" / type;
    if (!std::filesystem::is_directory(type_dir, ec)) continue;
    for (const auto& store_dir : std::filesystem::directory_iterator(type_dir, ec)) {
      if (!store_dir.is_directory(ec)) continue;
      std::string name = fmt::format("{}:{}", type, store_dir.path().filename().string());
      std::vector<std::filesystem::path> files;
      for (const auto& file : std::filesystem::directory_iterator(store_dir.path(), ec)) {
        if (PathIsFile(file.path())) files.push_back(file.path());
      }
      std::sort(files.begin(), files.end());
      for (const auto& file : files) {
        HS_ASSIGN_OR_RETURN(std::string content, ReadSmallFile(file, 1 << 20));
        HS_TRY_CTX(set.AddCertificates(name, content), file.string());
      }
    }
    if (ec) return IoErrorFromErrno(type_dir.string(), ec.value());
  }
  return set;
}

Status TrustStoreSet::AddCertificates(std::string_view store, std::string_view content) {
  std::vector<std::string> ders;
  if (content.find("-----BEGIN") != std::string_view::npos) {
    constexpr std::string_view kBegin = "-----BEGIN CERTIFICATE-----", kEnd = "-----END CERTIFICATE-----";
    size_t pos = 0;
    while ((pos = content.find(kBegin, pos)) != std::string_view::npos) {
      size_t end = content.find(kEnd, pos);
      if (end == std::string_view::npos) return Corrupt("unterminated PEM certificate");
      std::string b64;
      for (char c : content.substr(pos + kBegin.size(), end - pos - kBegin.size())) {
        if (c != '\n' && c != '\r' && c != ' ' && c != '\t') b64.push_back(c);
      }
      auto der = DecodeBase64(b64);
      if (!der || !ParseDer(*der)) return Corrupt("PEM block is not an X.509 certificate");
      ders.push_back(std::move(*der));
      pos = end + kEnd.size();
    }
  } else {
    if (!ParseDer(content)) return Corrupt("neither PEM nor a DER X.509 certificate");
    ders.emplace_back(content);
  }
  if (ders.empty()) return Corrupt("no certificate");
  auto& into = stores_[std::string(store)];
  into.insert(into.end(), ders.begin(), ders.end());
  return OkStatus();
}

const std::vector<std::string>& TrustStoreSet::Certificates(std::string_view store) const {
  static const std::vector<std::string> kEmpty;
  auto it = stores_.find(store);
  return it == stores_.end() ? kEmpty : it->second;
}

// -----------------------------------------------------------------------------------------------
// Verification

NotationCheck VerifyNotationEnvelope(std::string_view media_type, std::string_view envelope, const Digest& target_digest,
                                     std::string_view target_media_type, int64_t target_size,
                                     const TrustPolicy& policy, const TrustStoreSet& trust_stores, TimePoint now) {
  NotationCheck check;
  check.where = media_type == kCoseMediaType ? "cose" : "jws";
  if (policy.level == "skip") {
    check.valid = true;
    check.warnings.push_back(fmt::format("trust policy {}: level skip, signature not verified", policy.name));
    return check;
  }
  Result<Envelope> parsed = media_type == kJwsMediaType    ? ParseJws(envelope)
                            : media_type == kCoseMediaType ? ParseCose(envelope)
                                                           : Result<Envelope>(Unsupported(fmt::format(
                                                                 "malformed envelope: media type {}", media_type)));
  if (!parsed.ok()) {
    check.reason = parsed.error().message();
    return check;
  }
  const Envelope& env = *parsed;
  if (env.scheme != kSchemeX509 && env.scheme != kSchemeSigningAuthority) {
    check.reason = fmt::format("malformed envelope: unknown signing scheme {}", QuoteForMessage(env.scheme));
    return check;
  }
  if (env.chain.size() > kMaxChainLength) {
    check.reason = "malformed envelope: certificate chain longer than 16";
    return check;
  }
  std::vector<X509Ptr> chain;
  for (const auto& der : env.chain) {
    X509Ptr cert = ParseDer(der);
    if (!cert) {
      check.reason = "malformed envelope: a certificate of the chain is not DER X.509";
      return check;
    }
    chain.push_back(std::move(cert));
  }
  check.signer = SubjectString(chain[0].get());

  // Integrity (always enforced): the signature, the chain's own structure, the target.
  check.valid = true;
  if (!Apply(policy, "integrity", VerifyEnvelopeSignature(env, chain[0].get()), check)) return check;
  if (!Apply(policy, "integrity", CheckChainStructure(chain), check)) return check;
  if (!Apply(policy, "integrity", CheckTarget(env.payload, target_digest, target_media_type, target_size), check)) {
    return check;
  }

  // Authenticity: a chain to the policy's trust stores (of the type the scheme needs), checked
  // at the signing time, and a trusted identity.
  std::string_view wanted_type = env.scheme == kSchemeX509 ? "ca:" : "signingAuthority:";
  std::vector<const std::string*> trusted;
  std::string store_names;
  for (const auto& name : policy.trust_stores) {
    if (!StartsWith(name, wanted_type)) continue;
    store_names += (store_names.empty() ? "" : ", ") + name;
    for (const auto& der : trust_stores.Certificates(name)) trusted.push_back(&der);
  }
  Status authenticity = store_names.empty()
                            ? Status(Denied(fmt::format("untrusted root: trust policy {} names no {} trust "
                                                                  "store for signing scheme {}",
                                                                  policy.name, wanted_type, env.scheme)))
                            : CheckChainToTrustStore(chain, trusted, env.signing_time, store_names);
  if (authenticity.ok()) authenticity = CheckTrustedIdentity(chain[0].get(), policy.trusted_identities);
  if (!Apply(policy, "authenticity", authenticity, check)) return check;

  // Authentic timestamp: without a timestamp countersignature (notary.x509) the chain must still
  // be valid now; notary.x509.signingAuthority's signing time is itself authentic.
  if (env.scheme == kSchemeX509) {
    if (!Apply(policy, "authenticTimestamp", CheckChainValidAt(chain, now), check)) return check;
  }
  if (env.expiry && *env.expiry <= now) {
    Status expired = Denied(fmt::format("signature expired at {}", FormatTime(*env.expiry)));
    if (!Apply(policy, "expiry", expired, check)) return check;
  }
  if (ActionFor(policy, "revocation") != Action::kSkip) {
    for (const auto& cert : chain) {
      if (X509_get_ext_by_NID(cert.get(), NID_crl_distribution_points, -1) >= 0 ||
          X509_get_ext_by_NID(cert.get(), NID_info_access, -1) >= 0) {
        check.warnings.push_back("revocation not checked (OCSP/CRL are not supported): " + SubjectString(cert.get()));
        break;
      }
    }
  }
  return check;
}

Result<std::vector<NotationCheck>> VerifyNotationSignatures(ArtifactStore& store, std::string_view repository,
                                                            const Digest& image_manifest_digest,
                                                            const std::vector<TrustPolicy>& policies,
                                                            const TrustStoreSet& trust_stores, TimePoint now) {
  HS_ASSIGN_OR_RETURN(const TrustPolicy* policy, SelectTrustPolicy(policies, repository));
  std::string image = fmt::format("{}@{}", repository, image_manifest_digest.ToString());

  // The image's descriptor, to compare with the signed targetArtifact.
  HS_ASSIGN_OR_RETURN(StoredManifest image_manifest, store.GetManifest(image_manifest_digest.ToString()));
  std::string image_media_type = image_manifest.media_type;
  int64_t image_size = static_cast<int64_t>(image_manifest.body.size());

  // Signature manifests: referrers API first, then the referrers tag schema (sha256-<hex>).
  std::vector<std::string> candidates;
  auto collect = [&](const std::string& index_json) {
    json index = json::parse(index_json, nullptr, false);
    const json* manifests = index.is_discarded() ? nullptr : Member(index, "manifests");
    if (manifests == nullptr || !manifests->is_array()) return;
    for (const auto& m : *manifests) {
      auto digest = StringMember(m, "digest");
      auto artifact_type = StringMember(m, "artifactType");
      if (!digest || (artifact_type && *artifact_type != kSignatureArtifactType)) continue;
      if (std::find(candidates.begin(), candidates.end(), *digest) == candidates.end()) candidates.push_back(*digest);
    }
  };
  HS_ASSIGN_OR_RETURN(std::string referrers, store.GetReferrers(image_manifest_digest, kSignatureArtifactType));
  collect(referrers);
  if (candidates.empty()) {
    auto tagged = store.GetManifest(fmt::format("{}-{}", image_manifest_digest.algorithm(), image_manifest_digest.hex()));
    if (tagged.ok()) {
      collect(tagged->body);
    } else if (tagged.error().code() != ErrorCode::kNotFound) {
      return std::move(tagged).error().AddContext("referrers tag schema");
    }
  }

  std::vector<NotationCheck> checks;
  for (const auto& candidate : candidates) {
    if (checks.size() >= kMaxSignatures) break;
    NotationCheck check;
    check.where = candidate;
    auto digest = Digest::Parse(candidate);
    auto manifest = digest.ok() ? store.GetManifest(candidate) : Result<StoredManifest>(std::move(digest).error());
    if (!manifest.ok()) {
      check.reason = "signature manifest: " + manifest.error().message();
      checks.push_back(std::move(check));
      continue;
    }
    if (manifest->body.size() > kMaxManifestBytes) {
      check.reason = "malformed envelope: signature manifest too large";
      checks.push_back(std::move(check));
      continue;
    }
    json doc = json::parse(manifest->body, nullptr, false);
    const json* config = doc.is_discarded() ? nullptr : Member(doc, "config");
    std::string artifact_type = StringMember(doc, "artifactType")
                                    .value_or(config != nullptr ? StringMember(*config, "mediaType").value_or("") : "");
    if (artifact_type != kSignatureArtifactType) continue;  // a referrer of another kind
    const json* subject = Member(doc, "subject");
    if (subject == nullptr || StringMember(*subject, "digest").value_or("") != image_manifest_digest.ToString()) {
      check.reason = "digest mismatch: the signature manifest's subject is not the image";
      checks.push_back(std::move(check));
      continue;
    }
    const json* layers = Member(doc, "layers");
    if (layers == nullptr || !layers->is_array() || layers->size() != 1) {
      check.reason = "malformed envelope: a signature manifest must have exactly one layer";
      checks.push_back(std::move(check));
      continue;
    }
    std::string layer_media_type = StringMember((*layers)[0], "mediaType").value_or("");
    auto layer_digest = Digest::Parse(StringMember((*layers)[0], "digest").value_or(""));
    if (!layer_digest.ok()) {
      check.reason = "malformed envelope: the signature layer has no valid digest";
      checks.push_back(std::move(check));
      continue;
    }
    auto blob = store.GetBlob(*layer_digest, kMaxEnvelopeBytes);
    if (!blob.ok()) {
      check.reason = "signature envelope: " + blob.error().message();
      checks.push_back(std::move(check));
      continue;
    }
    NotationCheck verified = VerifyNotationEnvelope(layer_media_type, *blob, image_manifest_digest, image_media_type,
                                                    image_size, *policy, trust_stores, now);
    verified.where = fmt::format("{} ({})", candidate, verified.where);
    checks.push_back(std::move(verified));
  }
  if (checks.empty()) return NotFound(fmt::format("no Notation signature found for {} (no signature)", image));
  return checks;
}

}  // namespace hullscan::sign
