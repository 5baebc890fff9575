// libFuzzer target: the strict JSON parsers for untrusted image metadata (oci/image.h): manifest
// kind detection, manifests, indexes, image configs, and platform selection over what parses.
// Seeds: manifests, indexes and configs of the reference images (scripts/fuzz copies them).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "oci/image.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace hullscan::oci;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)DetectManifestKind(text);
  (void)ParseManifest(text);
  (void)ParseImageConfig(text);
  auto index = ParseIndex(text);
  if (index.ok()) {
    (void)SelectPlatform(*index, Platform::Host());
    (void)SelectPlatform(*index, *Platform::Parse("linux/arm64"));
  }
  (void)Platform::Parse(text);
  return 0;
}
