#include "scan/shared_layers.h"

namespace hullscan::scan {

Result<inventory::LayerResult> SharedLayers::Analyze(const std::string& diff_id,
                                                     const std::function<Result<inventory::LayerResult>()>& analyze) {
  std::shared_ptr<Flight> flight;
  {
    std::unique_lock lock(mu_);
    auto it = in_flight_.find(diff_id);
    if (it != in_flight_.end()) {
      std::shared_ptr<Flight> other = it->second;
      cv_.wait(lock, [&] { return other->done; });
      if (other->result) return *other->result;
      // The other analysis failed: try with this image's blob.
    }
    flight = std::make_shared<Flight>();
    in_flight_[diff_id] = flight;
  }
  Result<inventory::LayerResult> result = analyze();
  {
    std::lock_guard lock(mu_);
    flight->done = true;
    if (result.ok()) flight->result = *result;
    auto it = in_flight_.find(diff_id);
    if (it != in_flight_.end() && it->second == flight) in_flight_.erase(it);
  }
  cv_.notify_all();
  return result;
}

}  // namespace hullscan::scan
