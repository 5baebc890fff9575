#include "base/log.h"

#include <atomic>
#include <cstdio>
#include <mutex>

namespace hullscan::log {
namespace {
std::atomic<Level> g_level{Level::kWarn};
std::mutex g_mu;
}  // namespace

void SetLevel(Level level) { g_level.store(level); }
Level GetLevel() { return g_level.load(); }
bool Enabled(Level level) { return level >= g_level.load(std::memory_order_relaxed); }

void Write(Level level, std::string_view message) {
  static constexpr const char* kNames[] = {"DEBUG", "INFO", "WARN", "ERROR", ""};
  std::lock_guard lock(g_mu);
  std::fprintf(stderr, "%s\t%.*s\n", kNames[static_cast<int>(level)], static_cast<int>(message.size()),
               message.data());
}

}  // namespace hullscan::log
