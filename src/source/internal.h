// Internal: pieces the image sources share (archives and layouts in source.cc, registries in
// registry_image.cc).
#pragma once

#include <memory>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "inventory/inventory.h"
#include "oci/image.h"
#include "source/source.h"

namespace hullscan::source::internal {

// Maps history entries that made layers (empty_layer false) onto the layers, in order.
void AttachHistory(const oci::ImageConfig& config, std::vector<LayerBlob>& layers);
// Platform, creation time and layer list of the artifact, from the config and the layers.
void FillArtifactFromConfig(const oci::ImageConfig& config, const std::vector<LayerBlob>& layers,
                            inventory::Artifact& a);
// Image layers (OCI or Docker, any compression) as opposed to other blobs a manifest can list.
bool IsLayerMediaType(std::string_view media_type);

// Nested indexes are followed this deep at most.
inline constexpr int kMaxIndexDepth = 4;

Result<std::unique_ptr<Image>> OpenRegistryImage(const Target& target, const OpenOptions& options);

}  // namespace hullscan::source::internal
