#include "apps/progress_display.h"

#include <fmt/format.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>

#include "base/log.h"

namespace hullscan::apps {
namespace {

constexpr auto kRedrawEvery = std::chrono::milliseconds(200);
// A scan this short never shows a line: no flicker for cached or small images.
constexpr auto kShowAfter = std::chrono::milliseconds(300);

std::string Mib(uint64_t bytes) { return fmt::format("{:.1f}", static_cast<double>(bytes) / (1 << 20)); }

}  // namespace

std::string ProgressDisplay::Line(const scan::Progress& p, double seconds, const std::string& label) {
  uint64_t read = p.bytes_read.load(std::memory_order_relaxed);
  uint64_t total = p.bytes_total.load(std::memory_order_relaxed);
  int cached = p.layers_cached.load(std::memory_order_relaxed);
  std::string line = label.empty() ? "" : label + " · ";
  line += fmt::format("layers {}/{}", p.layers_done.load(std::memory_order_relaxed),
                      p.layers_total.load(std::memory_order_relaxed));
  if (cached > 0) line += fmt::format(" ({} cached)", cached);
  line += fmt::format(" · {}/{} MiB", Mib(read), Mib(total));
  if (seconds > 0) line += fmt::format(" · {} MiB/s", Mib(static_cast<uint64_t>(static_cast<double>(read) / seconds)));
  return line;
}

ProgressDisplay::ProgressDisplay(const scan::Progress& progress, std::string label)
    : progress_(progress), label_(std::move(label)) {
  enabled_ = ::isatty(STDERR_FILENO) && log::Enabled(log::Level::kWarn) && !log::Enabled(log::Level::kDebug);
  if (enabled_) thread_ = std::thread([this] { Run(); });
}

ProgressDisplay::~ProgressDisplay() {
  if (!enabled_) return;
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void ProgressDisplay::Run() {
  const auto start = std::chrono::steady_clock::now();
  bool shown = false;
  std::unique_lock lock(mu_);
  while (!cv_.wait_for(lock, kRedrawEvery, [this] { return stop_; })) {
    auto elapsed = std::chrono::steady_clock::now() - start;
    if (elapsed < kShowAfter) continue;
    double seconds = std::chrono::duration<double>(elapsed).count();
    // \r and "erase to end of line": one line, redrawn in place.
    std::fprintf(stderr, "\r%s\x1b[K", Line(progress_, seconds, label_).c_str());
    std::fflush(stderr);
    shown = true;
  }
  if (shown) {
    std::fprintf(stderr, "\r\x1b[K");
    std::fflush(stderr);
  }
}

}  // namespace hullscan::apps
