// Layers as streams. A layer blob is read exactly once: its stored bytes are checked against the
// blob digest, decompressed, checked against the diff_id, and parsed as tar on the fly; nothing
// is extracted to disk. A root-filesystem directory is walked the same way, so consumers see
// one kind of entry stream whatever the source.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/digest.h"
#include "base/status.h"
#include "io/prefetch.h"
#include "io/reader.h"
#include "io/tar.h"

namespace hullscan::layer {

struct Limits {
  // Uncompressed bytes a single layer may expand to (decompression bombs).
  uint64_t max_layer_bytes = uint64_t{32} << 30;
  // Bytes allowed after the tar end-of-archive marker (real writers pad to 10 KiB records; a
  // stream of zeros after it is the cheapest decompression bomb).
  uint64_t max_trailing_bytes = uint64_t{1} << 20;
  // Entries per layer.
  uint64_t max_entries = 10'000'000;
};

// A layer's stored bytes as a verified, decompressed tar stream: `digest` (when known) and
// `size` (when >= 0) are checked on the stored bytes, `diff_id` on the tar; the verdicts arrive
// as DigestMismatch errors at end of stream.
class LayerStream final : public io::Reader {
 public:
  Result<size_t> Read(char* buf, size_t n) override { return top_->Read(buf, n); }
  // A tampered blob usually breaks the decompressor or the tar parser before its digest can be
  // checked. Given such an error, reads the rest of the stored bytes for a digest verdict and
  // returns the mismatch (the root cause, naming the blob) when there is one, else `error`.
  Error Explain(Error error);

 private:
  friend Result<std::unique_ptr<LayerStream>> OpenLayerStream(std::unique_ptr<io::Reader>, const std::optional<Digest>&,
                                                              int64_t, const Digest&, const Limits&);
  std::unique_ptr<io::Reader> top_;
  io::Reader* stored_verifier_ = nullptr;  // owned by the chain under top_
  io::Reader* tar_verifier_ = nullptr;     // ditto; used when the stored bytes have no digest of their own
  uint64_t max_explain_bytes_ = 0;
  std::vector<io::PrefetchReader*> stages_;  // read-ahead threads in the chain, outermost first
};

Result<std::unique_ptr<LayerStream>> OpenLayerStream(std::unique_ptr<io::Reader> blob, const std::optional<Digest>& digest,
                                                     int64_t size, const Digest& diff_id, const Limits& limits);

// What a walk reports. Paths are clean and relative to the root ("etc/os-release").
struct EntryInfo {
  std::string_view path;
  io::EntryType type = io::EntryType::kOther;
  uint32_t mode = 0;  // permission bits incl. setuid/setgid/sticky
  int64_t size = 0;
  std::string_view link_target;
  int64_t uid = 0;
  int64_t gid = 0;
};

class Consumer {
 public:
  virtual ~Consumer() = default;
  // Every entry, whiteouts excluded (for checks that look at modes, owners, names).
  virtual void OnEntry(const EntryInfo&) {}
  // Regular files: the largest size whose content the consumer wants read, or -1 for none.
  // Called for every file, so it must be cheap.
  virtual int64_t WantedContentLimit(const EntryInfo& file) = 0;
  // The content of a wanted file (exactly entry.size bytes).
  virtual void OnFileContent(const EntryInfo& file, std::string content) = 0;
  // A whiteout: `path` deleted, or `path` made opaque (its lower content hidden).
  virtual void OnWhiteout(std::string_view path, bool opaque) = 0;
  // Something in the layer that could not be used (bad path, over-large wanted file, …).
  virtual void OnDiagnostic(std::string_view path, std::string message) = 0;
};

// Walks a tar stream (from OpenLayerStream) to its very end, so that digest verdicts arrive.
Status WalkTar(io::Reader& tar_stream, Consumer& consumer, const Limits& limits);

// Walks a directory tree as if it were one layer. Symlinks are reported, never followed; other
// file systems (mount points below the root) are not entered.
Status WalkDirectory(const std::filesystem::path& root, Consumer& consumer, const Limits& limits);

}  // namespace hullscan::layer
