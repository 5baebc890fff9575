// Progress of a scan, for a display: counters the scanner updates from its worker threads and
// a display thread reads. Plain atomics, no callbacks, so that a slow terminal never slows a scan.
#pragma once

#include <atomic>
#include <cstdint>

namespace hullscan::scan {

struct Progress {
  std::atomic<uint64_t> bytes_total{0};  // stored (compressed) bytes of the layers to read
  std::atomic<uint64_t> bytes_read{0};
  std::atomic<int> layers_total{0};
  std::atomic<int> layers_done{0};    // read and analysed, or taken from the cache
  std::atomic<int> layers_cached{0};  // of those, taken from the cache
};

}  // namespace hullscan::scan
