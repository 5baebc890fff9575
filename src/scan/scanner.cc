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

Result<inventory::LayerResult> AnalyzeImageLayer(const source::Image& image, size_t index,
                                                 const analyze::AnalyzerList& analyzers, const Options& options) {
  const source::LayerBlob& blob = image.layers()[index];
  std::string name = "layer " + std::to_string(index + 1) + "/" + std::to_string(image.layers().size()) + " (" +
                     blob.diff_id.ToString() + ")";
  auto stored = image.OpenLayer(index);
  if (!stored.ok()) return std::move(stored).error().AddContext(name);
  auto stream = layer::OpenLayerStream(std::move(stored).value(), blob.digest, blob.size, blob.diff_id, options.limits);
  if (!stream.ok()) return std::move(stream).error().AddContext(name);
  analyze::LayerAnalysis analysis(analyzers, blob.diff_id.ToString());
  Status walked = layer::WalkTar(**stream, analysis, options.limits);
  if (!walked.ok()) return (*stream)->Explain(std::move(walked).error()).AddContext(name);
  log::Debug("{}: analysed", name);
  return std::move(analysis).Finish();
}

// Analyses all layers, `parallelism` at a time; the first error (in layer order) wins.
Result<std::vector<inventory::LayerResult>> AnalyzeLayers(const source::Image& image,
                                                          const analyze::AnalyzerList& analyzers,
                                                          const Options& options) {
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
      results[i] = AnalyzeImageLayer(image, i, analyzers, options);
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
  HS_ASSIGN_OR_RETURN(auto image, source::OpenImage(target, open));
  HS_ASSIGN_OR_RETURN(auto layers, AnalyzeLayers(*image, analyzers, options));
  inventory::Inventory inv = inventory::Squash(image->artifact(), layers);
  Finalize(inv);
  return inv;
}

}  // namespace hullscan::scan
