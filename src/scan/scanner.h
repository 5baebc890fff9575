// The scanner facade: wires source → layers → analyzers → inventory for one target.
#pragma once

#include <optional>

#include "base/status.h"
#include "inventory/inventory.h"
#include "layer/layer.h"
#include "oci/image.h"
#include "source/source.h"

namespace hullscan::scan {

struct Options {
  std::optional<oci::Platform> platform;  // default: the host's
  layer::Limits limits;
  int parallelism = 0;                    // layers analysed at once; 0 = one per core
};

// The bill of materials of an image or root filesystem: every layer read once (in parallel),
// every blob verified, results merged, distro detected, purls assigned, all sorted.
Result<inventory::Inventory> BuildInventory(const source::Target& target, const Options& options);

}  // namespace hullscan::scan
