// Byte streams. Everything hullscan reads — blobs, layers, files in layers — flows through a
// Reader, so that size limits and digest checks compose as wrappers.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "base/digest.h"
#include "base/status.h"

namespace hullscan::io {

class Reader {
 public:
  virtual ~Reader() = default;
  // Reads up to `n` bytes into `buf`; 0 means end of stream. Errors are final.
  virtual Result<size_t> Read(char* buf, size_t n) = 0;
  // Skips up to `n` bytes; returns how many were skipped (fewer only at end of stream).
  // Seekable readers override this; the default reads and discards.
  virtual Result<uint64_t> Skip(uint64_t n);
};

// A file, or `length` bytes of it starting at `offset` (reads use pread, so several readers can
// share nothing but the path). A range that runs past the end of the file is reported as
// truncated input when reached.
Result<std::unique_ptr<Reader>> OpenFile(const std::filesystem::path& path);
Result<std::unique_ptr<Reader>> OpenFileRange(const std::filesystem::path& path, uint64_t offset, uint64_t length);

// Reads from memory the reader does not own.
std::unique_ptr<Reader> NewMemoryReader(std::string_view data);
// Reads from memory it owns.
std::unique_ptr<Reader> NewStringReader(std::string data);

// Everything up to end of stream; LimitExceeded when there is more than `max_bytes`.
Result<std::string> ReadAll(Reader& in, uint64_t max_bytes);
Result<std::string> ReadFile(const std::filesystem::path& path, uint64_t max_bytes);
// Reads and discards the rest of the stream (so that wrappers see all of it); returns the count.
Result<uint64_t> Drain(Reader& in);

// Passes bytes through and checks, once the stream ends, that they hash to `expected` and (when
// given) number exactly `expected_size`. A mismatch is a DigestMismatch error naming `what`,
// returned instead of end-of-stream: consumers must read to the end to learn the verdict.
std::unique_ptr<Reader> NewVerifyingReader(std::unique_ptr<Reader> in, Digest expected,
                                           std::optional<uint64_t> expected_size, std::string what);

// Fails with LimitExceeded once more than `max_bytes` pass through (decompression bombs).
std::unique_ptr<Reader> NewLimitReader(std::unique_ptr<Reader> in, uint64_t max_bytes, std::string what);

}  // namespace hullscan::io
