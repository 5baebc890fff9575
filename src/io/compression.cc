#include "io/compression.h"

#include <isa-l/igzip_lib.h>
#include <zstd.h>

#include <algorithm>
#include <cstring>
#include <vector>

namespace hullscan::io {

std::string_view CompressionName(Compression c) {
  switch (c) {
    case Compression::kNone: return "none";
    case Compression::kGzip: return "gzip";
    case Compression::kZstd: return "zstd";
  }
  return "unknown";
}

Compression DetectCompression(std::string_view b) {
  if (b.size() >= 2 && static_cast<uint8_t>(b[0]) == 0x1f && static_cast<uint8_t>(b[1]) == 0x8b)
    return Compression::kGzip;
  if (b.size() >= 4 && static_cast<uint8_t>(b[0]) == 0x28 && static_cast<uint8_t>(b[1]) == 0xb5 &&
      static_cast<uint8_t>(b[2]) == 0x2f && static_cast<uint8_t>(b[3]) == 0xfd)
    return Compression::kZstd;
  return Compression::kNone;
}

namespace {

constexpr size_t kInputBuffer = size_t{1} << 18;

// Serves bytes already read for magic detection before continuing with the underlying reader.
class PrefixedReader final : public Reader {
 public:
  PrefixedReader(std::string prefix, std::unique_ptr<Reader> in) : prefix_(std::move(prefix)), in_(std::move(in)) {}
  Result<size_t> Read(char* buf, size_t n) override {
    if (pos_ < prefix_.size()) {
      size_t k = std::min(n, prefix_.size() - pos_);
      std::memcpy(buf, prefix_.data() + pos_, k);
      pos_ += k;
      return k;
    }
    return in_->Read(buf, n);
  }
  Result<uint64_t> Skip(uint64_t n) override {
    uint64_t from_prefix = std::min<uint64_t>(n, prefix_.size() - pos_);
    pos_ += from_prefix;
    if (from_prefix == n) return n;
    HS_ASSIGN_OR_RETURN(uint64_t rest, in_->Skip(n - from_prefix));
    return from_prefix + rest;
  }

 private:
  std::string prefix_;
  size_t pos_ = 0;
  std::unique_ptr<Reader> in_;
};

// gzip with ISA-L. Concatenated members (pigz, some registries) are decoded one after another.
class GzipReader final : public Reader {
 public:
  explicit GzipReader(std::unique_ptr<Reader> in) : in_(std::move(in)), input_(kInputBuffer) {
    state_ = std::make_unique<inflate_state>();
    isal_inflate_init(state_.get());
    state_->crc_flag = ISAL_GZIP;
  }

  Result<size_t> Read(char* buf, size_t n) override {
    if (done_) return size_t{0};
    n = std::min<size_t>(n, UINT32_MAX);
    while (true) {
      if (state_->block_state == ISAL_BLOCK_FINISH) {
        // End of one member: another may follow; anything else after it is corrupt.
        HS_TRY(Refill(/*need_any=*/false));
        if (state_->avail_in == 0) {
          done_ = true;
          return size_t{0};
        }
        if (state_->avail_in >= 1 && state_->next_in[0] != 0x1f)
          return Corrupt("gzip: unexpected data after the end of the compressed stream");
        isal_inflate_reset(state_.get());
        state_->crc_flag = ISAL_GZIP;
      }
      if (state_->avail_in == 0) {
        HS_TRY(Refill(/*need_any=*/true));
      }
      state_->next_out = reinterpret_cast<uint8_t*>(buf);
      state_->avail_out = static_cast<uint32_t>(n);
      int rc = isal_inflate(state_.get());
      if (rc != ISAL_DECOMP_OK) return Corrupt(std::string("gzip: ") + Describe(rc));
      size_t produced = n - state_->avail_out;
      if (produced > 0) return produced;
      if (state_->block_state != ISAL_BLOCK_FINISH && state_->avail_in == 0 && in_eof_)
        return Corrupt("gzip: truncated stream (input ends inside compressed data)");
    }
  }

 private:
  static const char* Describe(int rc) {
    switch (rc) {
      case ISAL_INVALID_BLOCK: return "invalid deflate block";
      case ISAL_INVALID_SYMBOL: return "invalid deflate symbol";
      case ISAL_INVALID_LOOKBACK: return "invalid lookback distance";
      case ISAL_INVALID_WRAPPER: return "invalid gzip header";
      case ISAL_UNSUPPORTED_METHOD: return "unsupported compression method";
      case ISAL_INCORRECT_CHECKSUM: return "CRC or length check failed";
      case ISAL_NEED_DICT: return "stream needs a preset dictionary";
      default: return "decompression failed";
    }
  }

  // Tops up the input buffer. With need_any, end of input is not an error here: Read() decides.
  Status Refill(bool need_any) {
    if (state_->avail_in > 0 || in_eof_) return OkStatus();
    (void)need_any;
    HS_ASSIGN_OR_RETURN(size_t got, in_->Read(reinterpret_cast<char*>(input_.data()), input_.size()));
    if (got == 0) in_eof_ = true;
    state_->next_in = input_.data();
    state_->avail_in = static_cast<uint32_t>(got);
    return OkStatus();
  }

  std::unique_ptr<Reader> in_;
  std::vector<uint8_t> input_;
  std::unique_ptr<inflate_state> state_;  // ~50 KiB: on the heap
  bool in_eof_ = false;
  bool done_ = false;
};

class ZstdReader final : public Reader {
 public:
  explicit ZstdReader(std::unique_ptr<Reader> in)
      : in_(std::move(in)), input_(ZSTD_DStreamInSize()), ctx_(ZSTD_createDCtx()) {
    // Refuse frames that ask for windows beyond 128 MiB (zstd's default limit is the same order);
    // bounded memory on hostile input.
    ZSTD_DCtx_setParameter(ctx_, ZSTD_d_windowLogMax, 27);
  }
  ~ZstdReader() override { ZSTD_freeDCtx(ctx_); }
  ZstdReader(const ZstdReader&) = delete;
  ZstdReader& operator=(const ZstdReader&) = delete;

  Result<size_t> Read(char* buf, size_t n) override {
    if (n == 0) return size_t{0};
    while (true) {
      if (in_buf_.pos == in_buf_.size && !in_eof_) {
        HS_ASSIGN_OR_RETURN(size_t got, in_->Read(input_.data(), input_.size()));
        in_buf_ = {input_.data(), got, 0};
        if (got == 0) in_eof_ = true;
      }
      bool input_done = in_eof_ && in_buf_.pos == in_buf_.size;
      // After a complete frame (rc 0) with no input left, the stream is over; calling the
      // decoder again would only ask for the next frame's header.
      if (input_done && last_rc_ == 0) return size_t{0};
      ZSTD_outBuffer out{buf, n, 0};
      size_t rc = ZSTD_decompressStream(ctx_, &out, &in_buf_);
      if (ZSTD_isError(rc)) return Corrupt(std::string("zstd: ") + ZSTD_getErrorName(rc));
      last_rc_ = rc;
      if (out.pos > 0) return out.pos;
      if (input_done) return Corrupt("zstd: truncated stream (input ends inside a frame)");
    }
  }

 private:
  std::unique_ptr<Reader> in_;
  std::vector<char> input_;
  ZSTD_inBuffer in_buf_{nullptr, 0, 0};
  ZSTD_DCtx* ctx_;
  bool in_eof_ = false;
  size_t last_rc_ = 1;  // 0 only right after a frame ended
};

}  // namespace

Result<std::unique_ptr<Reader>> NewDecompressingReader(std::unique_ptr<Reader> in, Compression* detected) {
  std::string magic(4, '\0');
  size_t have = 0;
  while (have < magic.size()) {
    HS_ASSIGN_OR_RETURN(size_t got, in->Read(magic.data() + have, magic.size() - have));
    if (got == 0) break;
    have += got;
  }
  magic.resize(have);
  Compression c = DetectCompression(magic);
  if (detected) *detected = c;
  auto prefixed = std::make_unique<PrefixedReader>(std::move(magic), std::move(in));
  switch (c) {
    case Compression::kGzip: return std::unique_ptr<Reader>(std::make_unique<GzipReader>(std::move(prefixed)));
    case Compression::kZstd: return std::unique_ptr<Reader>(std::make_unique<ZstdReader>(std::move(prefixed)));
    case Compression::kNone: break;
  }
  return std::unique_ptr<Reader>(std::move(prefixed));
}

}  // namespace hullscan::io
