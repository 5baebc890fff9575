// Images in OCI registries: the manifest (through any index, to the wanted platform) and the
// config are fetched and verified when the image is opened; layer blobs only when a layer is
// opened, streamed straight from the network into the layer reader, which verifies them. A
// layer whose analysis is cached is therefore never downloaded.
#include <memory>
#include <string>
#include <utility>

#include "net/reference.h"
#include "io/prefetch.h"
#include "net/registry.h"
#include "source/internal.h"

namespace hullscan::source::internal {
namespace {

class RegistryImage final : public Image {
 public:
  RegistryImage(std::shared_ptr<net::RegistryClient> client, std::string repository)
      : client_(std::move(client)), repository_(std::move(repository)) {}

  Result<std::unique_ptr<io::Reader>> OpenLayer(size_t index) const override {
    if (index >= layers_.size()) return Internal("layer index out of range");
    const LayerBlob& blob = layers_[index];
    // verify=false: the layer stream hashes these bytes against the same digest and size;
    // hashing them twice would cost a second SHA-256 pass over every layer.
    HS_ASSIGN_OR_RETURN(auto stream, client_->OpenBlob(repository_, *blob.digest, blob.size, /*verify=*/false));
    // Receiving runs on its own thread, so the network never waits for the hashing and inflating
    // below it, nor they for the network.
    return std::unique_ptr<io::Reader>(io::NewPrefetchReader(std::move(stream)));
  }

  inventory::Artifact& mutable_artifact() { return artifact_; }
  oci::ImageConfig& mutable_config() { return config_; }
  std::vector<LayerBlob>& mutable_layers() { return layers_; }

 private:
  std::shared_ptr<net::RegistryClient> client_;
  std::string repository_;
};

}  // namespace

Result<std::unique_ptr<Image>> OpenRegistryImage(const Target& target, const OpenOptions& options) {
  HS_ASSIGN_OR_RETURN(net::Reference ref, net::Reference::Parse(target.ref));
  std::shared_ptr<net::RegistryClient> client = options.registry_client;
  if (!client || client->registry() != ref.registry) {
    HS_ASSIGN_OR_RETURN(auto connected, net::RegistryClient::Connect(ref.registry, options.registry));
    client = std::move(connected);
  }
  const std::string what = ref.Familiar();

  // Resolve the reference; descend through indexes (manifest lists) to the wanted platform.
  oci::Platform wanted = options.platform.value_or(oci::Platform::Host());
  auto top = client->GetManifest(ref.repository, ref.Identifier());
  if (!top.ok()) return std::move(top).error().AddContext(what);
  const Digest resolved = top->digest;  // what the tag points to: the repo digest
  net::ManifestResponse current = std::move(top).value();
  for (int depth = 0;; ++depth) {
    if (depth > kMaxIndexDepth)
      return Corrupt(what + ": image indexes nested more than " + std::to_string(kMaxIndexDepth) + " deep");
    auto kind = oci::DetectManifestKind(current.body);
    if (!kind.ok()) return std::move(kind).error().AddContext(what + ": manifest " + current.digest.ToString());
    if (*kind == oci::ManifestKind::kManifest) break;
    auto index = oci::ParseIndex(current.body);
    if (!index.ok()) return std::move(index).error().AddContext(what + ": index " + current.digest.ToString());
    auto chosen = oci::SelectPlatform(*index, wanted);
    if (!chosen.ok()) return std::move(chosen).error().AddContext(what);
    auto next = client->GetManifest(ref.repository, chosen->digest.ToString());
    if (!next.ok()) return std::move(next).error().AddContext(what);
    if (chosen->size > 0 && static_cast<size_t>(chosen->size) != next->body.size())
      return DigestMismatch(what + ": manifest " + chosen->digest.ToString() + " has " +
                            std::to_string(next->body.size()) + " bytes, the index says " + std::to_string(chosen->size));
    current = std::move(next).value();
  }
  auto manifest = oci::ParseManifest(current.body);
  if (!manifest.ok()) return std::move(manifest).error().AddContext(what + ": manifest " + current.digest.ToString());

  const oci::Descriptor& cd = manifest->config;
  auto config_json = client->GetBlob(ref.repository, cd.digest, oci::kMaxConfigBytes);
  if (!config_json.ok()) return std::move(config_json).error().AddContext(what + ": config");
  if (cd.size > 0 && static_cast<size_t>(cd.size) != config_json->size())
    return DigestMismatch(what + ": config " + cd.digest.ToString() + " has " + std::to_string(config_json->size()) +
                          " bytes, the manifest says " + std::to_string(cd.size));
  auto config = oci::ParseImageConfig(*config_json);
  if (!config.ok()) return std::move(config).error().AddContext(what + ": config " + cd.digest.ToString());
  if (config->diff_ids.size() != manifest->layers.size())
    return Corrupt(what + ": manifest " + current.digest.ToString() + " lists " +
                   std::to_string(manifest->layers.size()) + " layers but its config has " +
                   std::to_string(config->diff_ids.size()) + " diff_ids");

  std::vector<LayerBlob> layers;
  for (size_t i = 0; i < manifest->layers.size(); ++i) {
    const auto& l = manifest->layers[i];
    if (!IsLayerMediaType(l.media_type))
      return Unsupported(what + ": layer " + l.digest.ToString() + " has media type '" + l.media_type +
                         "', which is not a (decrypted) image layer");
    LayerBlob b;
    b.digest = l.digest;
    b.diff_id = config->diff_ids[i];
    b.media_type = l.media_type;
    b.size = l.size;
    layers.push_back(std::move(b));
  }
  AttachHistory(*config, layers);

  auto image = std::make_unique<RegistryImage>(client, ref.repository);
  inventory::Artifact& a = image->mutable_artifact();
  a.kind = inventory::ArtifactKind::kImage;
  a.name = target.display_name;
  a.manifest_digest = current.digest.ToString();
  a.config_digest = cd.digest.ToString();
  if (!ref.tag.empty()) {
    net::Reference tagged = ref;
    tagged.digest.reset();
    a.repo_tags.push_back(tagged.Familiar());
  }
  net::Reference by_digest = ref;
  by_digest.tag.clear();
  by_digest.digest = resolved;
  a.repo_digests.push_back(by_digest.Familiar());
  FillArtifactFromConfig(*config, layers, a);
  image->mutable_config() = std::move(config).value();
  image->mutable_layers() = std::move(layers);
  return std::unique_ptr<Image>(std::move(image));
}

}  // namespace hullscan::source::internal
