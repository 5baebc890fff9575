// Version comparison throughput per scheme over the shared vector corpus (testdata/versions): each iteration
// compares one pair of version strings through Scheme::Compare (parse both + compare), cycling through the pairs.
// BM_DpkgComparePreparsed measures the comparison alone on pre-parsed dpkg versions, which is what a matcher does
// when it parses the installed version once.
#include <benchmark/benchmark.h>

#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "version/dpkg.h"
#include "version/npm.h"
#include "version/scheme.h"

namespace {

using Pairs = std::vector<std::pair<std::string, std::string>>;

std::string SharedDir() {
  if (const char* env = std::getenv("HULLSCAN_SHARED_DIR"); env && *env) return env;
  return HULLSCAN_SHARED_DIR;
}

// Columns a and b of a vector TSV (header skipped).
void AddPairs(const std::string& rel, int col_a, int col_b, Pairs* out) {
  std::ifstream in(SharedDir() + "/testdata/versions/" + rel);
  std::string line;
  bool header = true;
  while (std::getline(in, line)) {
    if (header) {
      header = false;
      continue;
    }
    std::vector<std::string> cells;
    std::stringstream ss(line);
    std::string cell;
    while (std::getline(ss, cell, '\t')) cells.push_back(cell);
    if (static_cast<int>(cells.size()) > std::max(col_a, col_b)) out->emplace_back(cells[col_a], cells[col_b]);
  }
}

const Pairs& Corpus(const std::string& scheme) {
  static std::map<std::string, Pairs> cache;
  auto it = cache.find(scheme);
  if (it != cache.end()) return it->second;
  Pairs all;
  if (scheme == "dpkg") {
    AddPairs("dpkg/apt-versions.lst.tsv", 0, 1, &all);
    AddPairs("dpkg/dpkg-Dpkg_Version.t.tsv", 0, 1, &all);
  } else if (scheme == "rpm") {
    AddPairs("rpm/rpmvercmp.tsv", 0, 1, &all);
  } else if (scheme == "apk") {
    AddPairs("apk/apk-version.tsv", 0, 1, &all);
  } else if (scheme == "npm" || scheme == "nuget") {  // no NuGet vectors: SemVer pairs are NuGet versions too
    AddPairs("npm-semver/comparisons.tsv", 0, 1, &all);
    AddPairs("npm-semver/equality.tsv", 0, 1, &all);
    AddPairs("npm-semver/range-include.tsv", 1, 1, &all);
  } else if (scheme == "pep440") {
    AddPairs("pep440/compare.tsv", 0, 1, &all);
  } else if (scheme == "maven") {
    AddPairs("maven/comparable-version.tsv", 0, 1, &all);
  } else if (scheme == "gem") {
    AddPairs("rubygems/version-compare.tsv", 0, 1, &all);
    AddPairs("rubygems/requirement-satisfied.tsv", 1, 1, &all);
  } else if (scheme == "go") {
    AddPairs("go-semver/compare.tsv", 0, 1, &all);
  } else if (scheme == "cargo") {
    AddPairs("cargo-semver/version-relations.tsv", 0, 2, &all);
  }
  const auto* s = hullscan::version::FindScheme(scheme);
  Pairs valid;
  for (auto& p : all) {
    if (s->Compare(p.first, p.second).ok()) valid.push_back(std::move(p));
  }
  return cache[scheme] = std::move(valid);
}

void BM_Compare(benchmark::State& state, const std::string& scheme) {
  const auto* s = hullscan::version::FindScheme(scheme);
  const Pairs& pairs = Corpus(scheme);
  if (pairs.empty()) {
    state.SkipWithError("no vector pairs");
    return;
  }
  size_t i = 0;
  for (auto _ : state) {
    const auto& p = pairs[i];
    auto r = s->Compare(p.first, p.second);
    benchmark::DoNotOptimize(r);
    if (++i == pairs.size()) i = 0;
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
  state.counters["pairs"] = static_cast<double>(pairs.size());
}

void BM_DpkgComparePreparsed(benchmark::State& state) {
  const Pairs& pairs = Corpus("dpkg");
  std::vector<std::pair<hullscan::version::dpkg::Version, hullscan::version::dpkg::Version>> parsed;
  for (const auto& p : pairs) {
    parsed.emplace_back(*hullscan::version::dpkg::Parse(p.first, true), *hullscan::version::dpkg::Parse(p.second, true));
  }
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(hullscan::version::dpkg::Compare(parsed[i].first, parsed[i].second));
    if (++i == parsed.size()) i = 0;
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}

void BM_NpmRangeTestPreparsed(benchmark::State& state) {
  auto range = hullscan::version::npm::Range::Parse(">=1.2.7 <1.3.0 || ^2.1.0 || 3.x");
  std::vector<std::string> texts;
  for (const auto& p : Corpus("npm")) texts.push_back(p.first);
  std::vector<hullscan::version::npm::SemVer> versions;
  for (const auto& t : texts) versions.push_back(*hullscan::version::npm::Parse(t));
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(range->Test(versions[i]));
    if (++i == versions.size()) i = 0;
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}

}  // namespace

BENCHMARK_CAPTURE(BM_Compare, dpkg, std::string("dpkg"));
BENCHMARK_CAPTURE(BM_Compare, rpm, std::string("rpm"));
BENCHMARK_CAPTURE(BM_Compare, apk, std::string("apk"));
BENCHMARK_CAPTURE(BM_Compare, npm, std::string("npm"));
BENCHMARK_CAPTURE(BM_Compare, pep440, std::string("pep440"));
BENCHMARK_CAPTURE(BM_Compare, maven, std::string("maven"));
BENCHMARK_CAPTURE(BM_Compare, gem, std::string("gem"));
BENCHMARK_CAPTURE(BM_Compare, go, std::string("go"));
BENCHMARK_CAPTURE(BM_Compare, cargo, std::string("cargo"));
BENCHMARK_CAPTURE(BM_Compare, nuget, std::string("nuget"));
BENCHMARK(BM_DpkgComparePreparsed);
BENCHMARK(BM_NpmRangeTestPreparsed);

BENCHMARK_MAIN();
