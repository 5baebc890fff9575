#include "scan/shared_layers.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

namespace hullscan::scan {
namespace {

inventory::LayerResult ResultFor(const std::string& diff_id) {
  inventory::LayerResult r;
  r.diff_id = diff_id;
  r.whiteouts.push_back("etc/removed");
  return r;
}

TEST(SharedLayersTest, ConcurrentScansOfOneLayerAnalyseItOnce) {
  SharedLayers shared;
  std::atomic<int> analyses{0};
  std::atomic<bool> release{false};
  auto analyze = [&]() -> Result<inventory::LayerResult> {
    analyses.fetch_add(1);
    while (!release.load()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    return ResultFor("sha256:aa");
  };
  std::vector<std::thread> threads;
  std::vector<std::optional<Result<inventory::LayerResult>>> results(4);
  for (int i = 0; i < 4; ++i)
    threads.emplace_back([&, i] { results[i] = shared.Analyze("sha256:aa", analyze); });
  // Let every thread reach the flight before the first analysis ends.
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  release = true;
  for (auto& t : threads) t.join();
  EXPECT_EQ(analyses.load(), 1);
  for (auto& r : results) {
    ASSERT_TRUE(r && r->ok());
    EXPECT_EQ(**r, ResultFor("sha256:aa"));
  }
}

TEST(SharedLayersTest, AFailedAnalysisIsRetriedByTheWaiter) {
  SharedLayers shared;
  std::atomic<int> analyses{0};
  std::atomic<bool> first_started{false}, release{false};
  std::optional<Result<inventory::LayerResult>> failed, retried;
  std::thread first([&] {
    failed = shared.Analyze("sha256:bb", [&]() -> Result<inventory::LayerResult> {
      analyses.fetch_add(1);
      first_started = true;
      while (!release.load()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
      return DigestMismatch("blob of image A is corrupt");
    });
  });
  while (!first_started.load()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  std::thread second([&] {
    retried = shared.Analyze("sha256:bb", [&]() -> Result<inventory::LayerResult> {
      analyses.fetch_add(1);
      return ResultFor("sha256:bb");
    });
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  release = true;
  first.join();
  second.join();
  ASSERT_TRUE(failed && !failed->ok());
  EXPECT_EQ(failed->error().code(), ErrorCode::kDigestMismatch);
  ASSERT_TRUE(retried && retried->ok());
  EXPECT_EQ(analyses.load(), 2);
}

TEST(SharedLayersTest, DifferentLayersDoNotWaitForEachOther) {
  SharedLayers shared;
  int analyses = 0;
  for (const char* id : {"sha256:1", "sha256:2", "sha256:1"}) {
    auto r = shared.Analyze(id, [&]() -> Result<inventory::LayerResult> {
      ++analyses;
      return ResultFor(id);
    });
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->diff_id, id);
  }
  // Nothing is kept once a flight lands: the third call analyses again (the disk cache serves it
  // in real scans).
  EXPECT_EQ(analyses, 3);
}

}  // namespace
}  // namespace hullscan::scan
