// Decompression of layer blobs: gzip (ISA-L's igzip, several times faster than zlib) and zstd.
// The format is decided by the stream's magic bytes, not by the media type, which registries
// and tools get wrong often enough.
#pragma once

#include <memory>
#include <string_view>

#include "base/status.h"
#include "io/reader.h"

namespace hullscan::io {

enum class Compression { kNone, kGzip, kZstd };
std::string_view CompressionName(Compression c);
Compression DetectCompression(std::string_view first_bytes);

// Wraps `in` in the decompressor its first bytes call for (or none). Truncated or corrupt
// compressed data is a Corrupt error when reached; gzip CRC and length trailers are checked.
// `detected`, when given, receives the format found.
Result<std::unique_ptr<Reader>> NewDecompressingReader(std::unique_ptr<Reader> in, Compression* detected = nullptr);

}  // namespace hullscan::io
