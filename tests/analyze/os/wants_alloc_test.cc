// Wants() runs for every regular file of every layer, so it must not allocate. This binary
// replaces the global operator new/delete with counting versions (over malloc/free, which the
// sanitizers still watch) to check that.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <new>
#include <string>
#include <vector>

#include "analyze/os/os.h"

namespace {
std::atomic<long> g_allocations{0};

void* CountedAlloc(std::size_t size) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
}  // namespace

void* operator new(std::size_t size) { return CountedAlloc(size); }
void* operator new[](std::size_t size) { return CountedAlloc(size); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }

namespace hullscan::analyze {
namespace {

TEST(OsFilesWantsTest, DoesNotAllocate) {
  auto analyzer = NewOsFilesAnalyzer();
  // Wanted and unwanted paths, long and short; built before counting starts.
  std::vector<std::string> paths = {"etc/os-release", "usr/lib/os-release", "etc/debian_version",
                                    "etc/system-release-cpe", "usr/lib/system-release",
                                    "x86_64-bottlerocket-linux-gnu/sys-root/usr/lib/os-release",
                                    "usr/share/doc/libc6/copyright", "etc/os-release.bak", "",
                                    std::string(4096, 'a') + "/etc/os-release"};
  std::vector<FileInfo> infos;
  for (const auto& p : paths) infos.push_back(FileInfo{p, 0644, 1234});

  long before = g_allocations.load();
  int wanted = 0;
  for (int round = 0; round < 1000; ++round)
    for (const auto& info : infos) wanted += analyzer->Wants(info) ? 1 : 0;
  long after = g_allocations.load();

  EXPECT_EQ(after - before, 0) << "Wants() allocated";
  EXPECT_EQ(wanted, 6 * 1000);
}

}  // namespace
}  // namespace hullscan::analyze
