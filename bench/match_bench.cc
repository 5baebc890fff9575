// Matching throughput: an inventory of 1,000 real packages (the reference images' OS and language
// packages, each with its own image's distro) against a database built from all of
// ../shared/vulndata. Reported per 1,000 packages; see bench/README.md ("Vulnerability matching").
//
// Env: HULLSCAN_IMAGES (reference images with rootfs/, required), HULLSCAN_BENCH_DB (a built DB;
// default: built from HULLSCAN_SHARED_DIR/vulndata into a temporary file first).
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "match/matcher.h"
#include "scan/scanner.h"
#include "source/source.h"
#include "vulndb/import.h"
#include "vulndb/store.h"

namespace {

namespace fs = std::filesystem;
using namespace hullscan;

struct Group {
  std::optional<inventory::Distro> distro;
  std::vector<inventory::Package> packages;
};

std::vector<Group>& Inventory1000() {
  static std::vector<Group> groups;
  return groups;
}
std::unique_ptr<vulndb::Store>& Db() {
  static std::unique_ptr<vulndb::Store> db;
  return db;
}

bool Setup() {
  const char* images = std::getenv("HULLSCAN_IMAGES");
  if (!images) {
    std::cerr << "match_bench: set HULLSCAN_IMAGES to the reference images (scripts/build-test-images)\n";
    return false;
  }
  fs::path db_path;
  if (const char* db = std::getenv("HULLSCAN_BENCH_DB")) {
    db_path = db;
  } else {
    db_path = fs::temp_directory_path() / ("hullscan-match-bench-" + std::to_string(::getpid()) + ".sqlite");
    auto writer = vulndb::StoreWriter::Create(db_path);
    if (!writer.ok()) return false;
    auto feeds = vulndb::ImportPath(fs::path(HULLSCAN_SHARED_DIR) / "vulndata", **writer);
    if (!feeds.ok() || !(*writer)->Finish("2024-01-01T00:00:00Z", "bench").ok()) return false;
  }
  auto store = vulndb::Store::Open(db_path);
  if (!store.ok()) {
    std::cerr << "match_bench: " << store.error().message() << "\n";
    return false;
  }
  Db() = std::move(*store);
  std::vector<fs::path> roots;
  for (const auto& e : fs::directory_iterator(fs::path(images) / "rootfs")) roots.push_back(e.path() / "rootfs");
  std::sort(roots.begin(), roots.end());
  size_t total = 0;
  for (const auto& root : roots) {
    if (total >= 1000) break;
    auto target = source::ParseTarget("dir:" + root.string());
    if (!target.ok()) continue;
    auto inv = scan::BuildInventory(*target, {});
    if (!inv.ok()) continue;
    Group g{inv->distro, {}};
    for (auto& p : inv->packages) {
      if (total == 1000) break;
      g.packages.push_back(std::move(p));
      ++total;
    }
    Inventory1000().push_back(std::move(g));
  }
  std::cerr << "match_bench: " << total << " packages from " << Inventory1000().size() << " images\n";
  return total == 1000;
}

void BM_Match1000Packages(benchmark::State& state) {
  size_t findings = 0;
  for (auto _ : state) {
    findings = 0;
    for (const Group& g : Inventory1000()) {
      auto r = match::MatchPackages(*Db(), g.packages, g.distro);
      if (!r.ok()) state.SkipWithError(r.error().message().c_str());
      findings += r->findings.size();
    }
  }
  state.counters["findings"] = static_cast<double>(findings);
}
BENCHMARK(BM_Match1000Packages)->Unit(benchmark::kMillisecond)->MinTime(2.0);

}  // namespace

int main(int argc, char** argv) {
  if (!Setup()) return 1;
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  return 0;
}
