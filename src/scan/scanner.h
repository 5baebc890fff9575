// The scanner facade: wires source → layers → analyzers → inventory for one target.
#pragma once

#include <optional>

#include <functional>
#include <memory>
#include <vector>

#include "base/status.h"
#include "analyze/analyzer.h"
#include "cache/layer_cache.h"
#include "inventory/inventory.h"
#include "layer/layer.h"
#include "net/registry.h"
#include "oci/image.h"
#include "scan/progress.h"
#include "scan/shared_layers.h"
#include "source/source.h"

namespace hullscan::scan {

struct Options {
  std::optional<oci::Platform> platform;  // default: the host's
  layer::Limits limits;
  int parallelism = 0;                    // layers analysed at once; 0 = one per core
  // Registry images: how to connect, or a shared client (see source::OpenOptions).
  net::RegistryOptions registry;
  std::shared_ptr<net::RegistryClient> registry_client;
  // Per-layer analysis cache, used for registry images: a layer analysed before (same diff_id,
  // same analyzer versions) is taken from the cache and never downloaded. Local archives and
  // layouts are always read: they are already on disk, and reading them is what verifies them.
  cache::LayerCache* cache = nullptr;
  Progress* progress = nullptr;  // counters for a progress display; may be null
  // Images scanned at the same time (a registry sweep) share layers in flight; may be null.
  SharedLayers* shared_layers = nullptr;
  // Analyzers to run besides the built-in ones (the checks' file-facts and secret analyzers),
  // made fresh for each scan. They are part of the layer-cache key (analyze::AnalyzerSetVersion),
  // so a cached layer never lacks what the current scanners need.
  std::vector<std::function<std::unique_ptr<analyze::Analyzer>()>> extra_analyzers;
};

// The bill of materials of an image or root filesystem: every layer read once (in parallel),
// every blob verified, results merged, distro detected, purls assigned, all sorted.
Result<inventory::Inventory> BuildInventory(const source::Target& target, const Options& options);

}  // namespace hullscan::scan
