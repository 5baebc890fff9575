// Single-flight analysis of layers shared by images scanned at the same time (a registry sweep):
// the first scan to reach a layer reads and analyses it; the others wait for that result instead
// of downloading the same blob again. Only layers in flight are held; once done, later scans find
// the layer in the layer cache.
#pragma once

#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "base/status.h"
#include "inventory/layer_result.h"

namespace hullscan::scan {

class SharedLayers {
 public:
  // Runs `analyze` unless another thread is analysing the layer `diff_id`, in which case it waits
  // and returns a copy of that result. When the other thread failed, `analyze` runs here: the
  // failure may be its blob's (another image can store the same tar under another compression).
  Result<inventory::LayerResult> Analyze(const std::string& diff_id,
                                         const std::function<Result<inventory::LayerResult>()>& analyze);

 private:
  struct Flight {
    bool done = false;
    std::optional<inventory::LayerResult> result;  // set when the analysis succeeded
  };
  std::mutex mu_;
  std::condition_variable cv_;
  std::map<std::string, std::shared_ptr<Flight>> in_flight_;
};

}  // namespace hullscan::scan
