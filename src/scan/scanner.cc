#include "scan/scanner.h"

#include <algorithm>
#include <atomic>
#include <thread>

#include "analyze/analyzer.h"
#include "analyze/layer_analysis.h"
#include "analyze/os/os.h"
#include "base/log.h"
#include "inventory/purl.h"

namespace hullscan::scan {

namespace {

// Counts the stored bytes read, for the progress display.
class CountingReader final : public io::Reader {
 public:
  CountingReader(std::unique_ptr<io::Reader> in, std::atomic<uint64_t>& count) : in_(std::move(in)), count_(count) {}
  Result<size_t> Read(char* buf, size_t n) override {
    auto got = in_->Read(buf, n);
    if (got.ok()) count_.fetch_add(*got, std::memory_order_relaxed);
    return got;
  }

 private:
  std::unique_ptr<io::Reader> in_;
  std::atomic<uint64_t>& count_;
};

struct LayerJob {
  const analyze::AnalyzerList& analyzers;
  const std::string& analyzers_version;
  cache::LayerCache* cache;  // null: no caching for this image
  const Options& options;
};

Result<inventory::LayerResult> AnalyzeImageLayer(const source::Image& image, size_t index, const LayerJob& job) {
  const source::LayerBlob& blob = image.layers()[index];
  const Options& options = job.options;
  std::string name = "layer " + std::to_string(index + 1) + "/" + std::to_string(image.layers().size()) + " (" +
                     blob.diff_id.ToString() + ")";
  if (job.cache) {
    if (auto cached = job.cache->Get(blob.diff_id, job.analyzers_version)) {
      log::Debug("{}: from the layer cache", name);
      if (options.progress) {
        if (blob.size > 0) options.progress->bytes_total.fetch_sub(static_cast<uint64_t>(blob.size));
        options.progress->layers_cached.fetch_add(1);
        options.progress->layers_done.fetch_add(1);
      }
      return std::move(*cached);
    }
  }
  auto stored = image.OpenLayer(index);
  if (!stored.ok()) return std::move(stored).error().AddContext(name);
  std::unique_ptr<io::Reader> blob_reader = std::move(stored).value();
  if (options.progress) blob_reader = std::make_unique<CountingReader>(std::move(blob_reader), options.progress->bytes_read);
  auto stream = layer::OpenLayerStream(std::move(blob_reader), blob.digest, blob.size, blob.diff_id, options.limits);
  if (!stream.ok()) return std::move(stream).error().AddContext(name);
  analyze::LayerAnalysis analysis(job.analyzers, blob.diff_id.ToString());
  Status walked = layer::WalkTar(**stream, analysis, options.limits);
  if (!walked.ok()) return (*stream)->Explain(std::move(walked).error()).AddContext(name);
  log::Debug("{}: analysed", name);
  inventory::LayerResult result = std::move(analysis).Finish();
  // Only a layer read to its end and verified gets here; the cache never holds unverified content.
  if (job.cache) {
    Status put = job.cache->Put(blob.diff_id, job.analyzers_version, result);
    if (!put.ok()) log::Warn("layer cache: {}", put.error().message());
  }
  if (options.progress) options.progress->layers_done.fetch_add(1);
  return result;
}

// Analyses all layers, `parallelism` at a time; the first error (in layer order) wins.
Result<std::vector<inventory::LayerResult>> AnalyzeLayers(const source::Image& image, const LayerJob& job) {
  const Options& options = job.options;
  size_t n = image.layers().size();
  std::vector<std::optional<Result<inventory::LayerResult>>> results(n);
  size_t workers = options.parallelism > 0 ? static_cast<size_t>(options.parallelism)
                                           : std::max(1u, std::thread::hardware_concurrency());
  workers = std::min(workers, n);
  std::atomic<size_t> next{0};
  std::atomic<bool> failed{false};
  auto work = [&] {
    while (!failed.load()) {
      size_t i = next.fetch_add(1);
      if (i >= n) return;
      if (options.shared_layers && job.cache) {
        results[i] = options.shared_layers->Analyze(image.layers()[i].diff_id.ToString(),
                                                    [&] { return AnalyzeImageLayer(image, i, job); });
      } else {
        results[i] = AnalyzeImageLayer(image, i, job);
      }
      if (!results[i]->ok()) failed = true;
    }
  };
  if (workers <= 1) {
    work();
  } else {
    std::vector<std::thread> threads;
    for (size_t t = 0; t < workers; ++t) threads.emplace_back(work);
    for (auto& t : threads) t.join();
  }
  std::vector<inventory::LayerResult> out;
  out.reserve(n);
  for (auto& r : results) {
    if (!r) continue;  // not started because another layer failed
    if (!r->ok()) return std::move(*r).error();
    out.push_back(std::move(*r).value());
  }
  if (out.size() != n) return Internal("a layer was not analysed");
  return out;
}

void Finalize(inventory::Inventory& inv) {
  inv.distro = analyze::DetectDistro(inv.os_files);
  inventory::RemoveOsOwnedLanguagePackages(inv);
  inventory::PreferInstalledNpmPackages(inv);
  for (auto& p : inv.packages) p.purl = inventory::MakePurl(p, inv.distro);
  inventory::Canonicalize(inv);
}

}  // namespace

Result<inventory::Inventory> BuildInventory(const source::Target& target, const Options& options) {
  analyze::AnalyzerList analyzers = analyze::BuiltinAnalyzers();
  for (const auto& make : options.extra_analyzers) analyzers.push_back(make());
  if (target.kind == source::TargetKind::kRootfs) {
    analyze::LayerAnalysis analysis(analyzers, "");
    HS_TRY(layer::WalkDirectory(target.path, analysis, options.limits));
    inventory::LayerResult result = std::move(analysis).Finish();
    inventory::Artifact artifact;
    artifact.kind = inventory::ArtifactKind::kRootfs;
    artifact.name = target.display_name;
    inventory::Inventory inv = inventory::Squash(artifact, std::span(&result, 1));
    Finalize(inv);
    return inv;
  }
  source::OpenOptions open;
  open.platform = options.platform;
  open.registry = options.registry;
  open.registry_client = options.registry_client;
  HS_ASSIGN_OR_RETURN(auto image, source::OpenImage(target, open));
  if (options.progress) {
    uint64_t total = 0;
    for (const auto& l : image->layers()) total += l.size > 0 ? static_cast<uint64_t>(l.size) : 0;
    options.progress->bytes_total.fetch_add(total);
    options.progress->layers_total.fetch_add(static_cast<int>(image->layers().size()));
  }
  const std::string analyzers_version = analyze::AnalyzerSetVersion(analyzers);
  LayerJob job{analyzers, analyzers_version, target.kind == source::TargetKind::kRegistry ? options.cache : nullptr,
               options};
  HS_ASSIGN_OR_RETURN(auto layers, AnalyzeLayers(*image, job));
  inventory::Inventory inv = inventory::Squash(image->artifact(), layers);
  Finalize(inv);
  return inv;
}

}  // namespace hullscan::scan
