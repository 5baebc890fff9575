// Content digests ("sha256:<64 hex>") and a streaming SHA-256.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "base/status.h"

namespace hullscan {

// A content address as used by OCI: algorithm ":" lowercase hex. Only sha256 and sha512 are
// accepted; anything else is an error rather than an unverifiable name.
class Digest {
 public:
  Digest() = default;
  static Result<Digest> Parse(std::string_view text);
  static Digest Sha256FromRaw(std::span<const uint8_t, 32> raw);

  const std::string& algorithm() const { return algorithm_; }
  const std::string& hex() const { return hex_; }
  std::string ToString() const { return algorithm_ + ":" + hex_; }
  // "sha256:0123456789ab" — for humans in tables and logs.
  std::string Short() const { return algorithm_ + ":" + hex_.substr(0, 12); }
  bool empty() const { return hex_.empty(); }

  friend auto operator<=>(const Digest&, const Digest&) = default;

 private:
  Digest(std::string algorithm, std::string hex) : algorithm_(std::move(algorithm)), hex_(std::move(hex)) {}
  std::string algorithm_;
  std::string hex_;
};

// Incremental SHA-256 (OpenSSL; uses the CPU's SHA extensions where present).
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(Sha256&&) noexcept;
  Sha256& operator=(Sha256&&) noexcept;

  void Update(const void* data, size_t size);
  void Update(std::span<const std::byte> data) { Update(data.data(), data.size()); }
  void Update(std::string_view data) { Update(data.data(), data.size()); }
  // Ends the computation; the hasher may not be updated afterwards.
  Digest Finish();

  static Digest Of(std::string_view data);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Incremental digest for a Digest's algorithm (sha256 or sha512), to verify content against it.
class Hasher {
 public:
  static Result<Hasher> For(std::string_view algorithm);
  ~Hasher();
  Hasher(Hasher&&) noexcept;
  Hasher& operator=(Hasher&&) noexcept;
  void Update(const void* data, size_t size);
  Digest Finish();

 private:
  Hasher();
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

std::string HexEncode(std::span<const uint8_t> bytes);

}  // namespace hullscan
