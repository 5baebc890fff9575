// A one-line progress display on stderr for long scans: layers done (and from the cache),
// bytes read of the total, transfer rate. Shown only when stderr is a terminal; redrawn a few
// times a second by its own thread from scan::Progress counters; erased when destroyed, so the
// report and any error start on a clean line. Nothing is printed when piped or in CI logs.
#pragma once

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

#include "scan/progress.h"

namespace hullscan::apps {

class ProgressDisplay {
 public:
  // `label` prefixes the line ("alpine:3.20"); may be empty.
  ProgressDisplay(const scan::Progress& progress, std::string label);
  ~ProgressDisplay();
  ProgressDisplay(const ProgressDisplay&) = delete;
  ProgressDisplay& operator=(const ProgressDisplay&) = delete;

  // The line for the current counters (exposed for tests): "layers 2/3 (1 cached) · 12.3/30.1 MiB · 45.6 MiB/s".
  static std::string Line(const scan::Progress& progress, double seconds, const std::string& label);

 private:
  void Run();
  const scan::Progress& progress_;
  std::string label_;
  bool enabled_ = false;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace hullscan::apps
