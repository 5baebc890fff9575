// The layer analysis cache: what the analyzers found in a layer, keyed by the layer's diff_id
// and the analyzer set's version (analyze::AnalyzerSetVersion). Layers are content-addressed, so
// a hit is exact: a rescan of an image whose layers were analysed before downloads no layer blob
// and re-matches the cached inventory against the current vulnerability DB.
//
// One SQLite file (<dir>/layers.sqlite) in WAL mode with a busy timeout, so several hullscan
// processes can read and write it at once. Values are a versioned serialisation of
// inventory::LayerResult; an entry that does not parse (older format, corruption) is a miss and
// is deleted. The cache never fails a scan: errors opening or writing it are logged and the scan
// goes on without it (Open() errors are returned so that the CLI can say so once).
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "base/digest.h"
#include "base/status.h"
#include "inventory/layer_result.h"

namespace hullscan::cache {

// $HULLSCAN_CACHE_DIR, else $XDG_CACHE_HOME/hullscan, else ~/.cache/hullscan.
std::filesystem::path DefaultCacheDir();

struct CacheStats {
  uint64_t hits = 0;
  uint64_t misses = 0;
  uint64_t writes = 0;
};

class LayerCache {
 public:
  // Creates `dir` and the database when missing.
  static Result<std::unique_ptr<LayerCache>> Open(const std::filesystem::path& dir);
  virtual ~LayerCache() = default;

  // The cached result for (diff_id, analyzers), or nullopt. Thread-safe.
  virtual std::optional<inventory::LayerResult> Get(const Digest& diff_id, std::string_view analyzers) = 0;
  // Stores (or replaces) a result; result.diff_id must equal diff_id. Thread-safe.
  virtual Status Put(const Digest& diff_id, std::string_view analyzers, const inventory::LayerResult& result) = 0;

  virtual CacheStats Stats() const = 0;
};

// Removes everything the cache holds under `dir` (`hullscan cache clean`); the vulnerability
// DB, if it lives in the same directory, is left alone. Returns the number of entries removed.
Result<uint64_t> Clean(const std::filesystem::path& dir);

// The serialisation (exposed for tests and the fuzzer): a self-describing, versioned encoding;
// Parse(Serialize(r)) == r for every LayerResult.
std::string SerializeLayerResult(const inventory::LayerResult& result);
Result<inventory::LayerResult> ParseLayerResult(std::string_view data);

namespace internal {
// ParseLayerResult without the checksum check, so that tests and fuzzers reach the decoder with
// damaged bytes (a checked parse rejects nearly every damaged value at the checksum).
Result<inventory::LayerResult> ParseLayerResultUnchecked(std::string_view data);
}  // namespace internal

}  // namespace hullscan::cache
