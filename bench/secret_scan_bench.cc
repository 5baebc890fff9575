// secret_scan_bench: the secret pass alone over every layer of an image (OCI layout, docker-archive
// or oci-archive), as `hullscan image X --scanners secret` will run it: each layer read once as a
// verified stream, the secret analyzer the only analyzer, layers in parallel. Prints the layer
// content size, the wall time and the throughput on one line; --hits also lists the (masked) hits.
//
//   secret_scan_bench [--hits] [-j N] [--config trivy-secret.yaml] TARGET
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "analyze/layer_analysis.h"
#include "checks/secret/secret.h"
#include "layer/layer.h"
#include "source/source.h"

namespace {

using namespace hullscan;

class CountingReader final : public io::Reader {
 public:
  CountingReader(io::Reader& in, std::atomic<uint64_t>& count) : in_(in), count_(count) {}
  Result<size_t> Read(char* buf, size_t n) override {
    auto got = in_.Read(buf, n);
    if (got.ok()) count_.fetch_add(*got, std::memory_order_relaxed);
    return got;
  }

 private:
  io::Reader& in_;
  std::atomic<uint64_t>& count_;
};

int Fail(const std::string& what) {
  std::fprintf(stderr, "secret_scan_bench: %s\n", what.c_str());
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  bool print_hits = false;
  size_t jobs = std::max(1u, std::thread::hardware_concurrency());
  std::string config_path, target_text;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--hits") {
      print_hits = true;
    } else if (a == "-j" && i + 1 < argc) {
      jobs = static_cast<size_t>(std::max(1, std::atoi(argv[++i])));
    } else if (a == "--config" && i + 1 < argc) {
      config_path = argv[++i];
    } else {
      target_text = a;
    }
  }
  if (target_text.empty()) return Fail("usage: secret_scan_bench [--hits] [-j N] [--config FILE] TARGET");
  auto start = std::chrono::steady_clock::now();
  checks::secret::Config config;
  if (!config_path.empty()) {
    auto loaded = checks::secret::LoadConfig(config_path);
    if (!loaded.ok()) return Fail(loaded.error().message());
    config = std::move(*loaded);
  }
  auto scanner = checks::secret::Scanner::Create(config);
  if (!scanner.ok()) return Fail(scanner.error().message());
  analyze::AnalyzerList analyzers;
  analyzers.push_back(checks::secret::NewSecretAnalyzer(*scanner));

  auto target = source::ParseTarget(target_text);
  if (!target.ok()) return Fail(target.error().message());
  auto image = source::OpenImage(*target, {});
  if (!image.ok()) return Fail(image.error().message());
  const auto& layers = (*image)->layers();
  std::vector<inventory::LayerResult> results(layers.size());
  std::vector<std::string> errors(layers.size());
  std::atomic<uint64_t> bytes{0};
  std::atomic<size_t> next{0};
  layer::Limits limits;
  auto work = [&] {
    for (size_t i; (i = next.fetch_add(1)) < layers.size();) {
      auto blob = (*image)->OpenLayer(i);
      if (!blob.ok()) {
        errors[i] = blob.error().message();
        continue;
      }
      auto stream = layer::OpenLayerStream(std::move(*blob), layers[i].digest, layers[i].size, layers[i].diff_id, limits);
      if (!stream.ok()) {
        errors[i] = stream.error().message();
        continue;
      }
      CountingReader counted(**stream, bytes);
      analyze::LayerAnalysis analysis(analyzers, layers[i].diff_id.ToString());
      Status walked = layer::WalkTar(counted, analysis, limits);
      if (!walked.ok()) {
        errors[i] = walked.error().message();
        continue;
      }
      results[i] = std::move(analysis).Finish();
    }
  };
  std::vector<std::thread> threads;
  for (size_t t = 0; t < std::min(jobs, layers.size()); ++t) threads.emplace_back(work);
  for (auto& t : threads) t.join();
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  size_t hits = 0;
  for (size_t i = 0; i < layers.size(); ++i) {
    if (!errors[i].empty()) return Fail("layer " + std::to_string(i + 1) + ": " + errors[i]);
    hits += results[i].secrets.size();
    if (!print_hits) continue;
    for (const auto& h : results[i].secrets) {
      std::printf("layer=%zu %s\t%s:%d\t%s\t%s\n", i + 1, results[i].diff_id.substr(0, 19).c_str(), h.path.c_str(),
                  h.line, h.rule_id.c_str(), h.match.c_str());
    }
  }
  std::printf("bytes=%llu seconds=%.4f mb_per_s=%.1f layers=%zu hits=%zu rules=%zu\n",
              static_cast<unsigned long long>(bytes.load()), seconds, bytes.load() / 1e6 / seconds, layers.size(), hits,
              (*scanner)->RuleCount());
  return 0;
}
