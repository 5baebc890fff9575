#include "base/digest.h"

#include <openssl/evp.h>

#include <cassert>

namespace hullscan {
namespace {

bool IsLowerHex(std::string_view s) {
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

struct EvpCtx {
  EVP_MD_CTX* ctx = nullptr;
  const EVP_MD* md = nullptr;
  std::string algorithm;
  explicit EvpCtx(const EVP_MD* m, std::string alg) : ctx(EVP_MD_CTX_new()), md(m), algorithm(std::move(alg)) {
    EVP_DigestInit_ex(ctx, md, nullptr);
  }
  ~EvpCtx() { EVP_MD_CTX_free(ctx); }
  EvpCtx(const EvpCtx&) = delete;
  EvpCtx& operator=(const EvpCtx&) = delete;
  void Update(const void* data, size_t size) { EVP_DigestUpdate(ctx, data, size); }
  std::string FinishHex() {
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_DigestFinal_ex(ctx, out, &len);
    return HexEncode({out, len});
  }
};

}  // namespace

std::string HexEncode(std::span<const uint8_t> bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(bytes.size() * 2, '\0');
  for (size_t i = 0; i < bytes.size(); ++i) {
    out[2 * i] = kHex[bytes[i] >> 4];
    out[2 * i + 1] = kHex[bytes[i] & 0xf];
  }
  return out;
}

Result<Digest> Digest::Parse(std::string_view text) {
  auto colon = text.find(':');
  if (colon == std::string_view::npos)
    return InvalidArgument("digest '" + std::string(text) + "' has no algorithm prefix");
  std::string_view alg = text.substr(0, colon);
  std::string_view hex = text.substr(colon + 1);
  size_t want = 0;
  if (alg == "sha256") want = 64;
  else if (alg == "sha512") want = 128;
  else return Unsupported("digest algorithm '" + std::string(alg) + "' is not supported");
  if (hex.size() != want || !IsLowerHex(hex))
    return InvalidArgument("digest '" + std::string(text) + "' is not " + std::to_string(want) + " lowercase hex digits");
  return Digest(std::string(alg), std::string(hex));
}

Digest Digest::Sha256FromRaw(std::span<const uint8_t, 32> raw) { return Digest("sha256", HexEncode(raw)); }

struct Sha256::Impl : EvpCtx {
  Impl() : EvpCtx(EVP_sha256(), "sha256") {}
};

Sha256::Sha256() : impl_(std::make_unique<Impl>()) {}
Sha256::~Sha256() = default;
Sha256::Sha256(Sha256&&) noexcept = default;
Sha256& Sha256::operator=(Sha256&&) noexcept = default;
void Sha256::Update(const void* data, size_t size) { impl_->Update(data, size); }
Digest Sha256::Finish() {
  auto d = Digest::Parse("sha256:" + impl_->FinishHex());
  assert(d.ok());
  return *d;
}
Digest Sha256::Of(std::string_view data) {
  Sha256 h;
  h.Update(data);
  return h.Finish();
}

struct Hasher::Impl : EvpCtx {
  using EvpCtx::EvpCtx;
};
Hasher::Hasher() = default;
Hasher::~Hasher() = default;
Hasher::Hasher(Hasher&&) noexcept = default;
Hasher& Hasher::operator=(Hasher&&) noexcept = default;

Result<Hasher> Hasher::For(std::string_view algorithm) {
  Hasher h;
  if (algorithm == "sha256") h.impl_ = std::make_unique<Impl>(EVP_sha256(), "sha256");
  else if (algorithm == "sha512") h.impl_ = std::make_unique<Impl>(EVP_sha512(), "sha512");
  else return Unsupported("digest algorithm '" + std::string(algorithm) + "' is not supported");
  return h;
}
void Hasher::Update(const void* data, size_t size) { impl_->Update(data, size); }
Digest Hasher::Finish() {
  auto d = Digest::Parse(impl_->algorithm + ":" + impl_->FinishHex());
  assert(d.ok());
  return *d;
}

}  // namespace hullscan
