// Read-ahead on a background thread: the inner reader's work (file reads, hashing,
// decompression) runs concurrently with the consumer's. Stages of a layer stream are split by
// these so that a single layer uses more than one core.
#pragma once

#include <memory>

#include "io/reader.h"

namespace hullscan::io {

class PrefetchReader : public Reader {
 public:
  // Stops the background thread and waits for it; the inner reader is then free for direct use
  // (e.g. to drain a verifier beneath it). Reads after Cancel() fail.
  virtual void Cancel() = 0;
};

// Reads `inner` ahead in chunks of `chunk_bytes`, keeping at most `depth` chunks in flight.
// Errors of the inner reader arrive, in order, after the data that preceded them.
std::unique_ptr<PrefetchReader> NewPrefetchReader(std::unique_ptr<Reader> inner, size_t chunk_bytes = size_t{1} << 20,
                                                  int depth = 4);

}  // namespace hullscan::io
