#include "source/source.h"

#include <sys/stat.h>

#include <nlohmann/json.hpp>

#include "base/strings.h"
#include "net/reference.h"
#include "source/internal.h"
#include "source/storage.h"

namespace hullscan::source {

using internal::AttachHistory;
using internal::BlobPath;
using internal::FillArtifactFromConfig;
using internal::IsLayerMediaType;
using internal::Storage;
using nlohmann::json;

std::string_view TargetKindName(TargetKind kind) {
  switch (kind) {
    case TargetKind::kDockerArchive: return "docker-archive";
    case TargetKind::kOciArchive: return "oci-archive";
    case TargetKind::kOciLayout: return "oci";
    case TargetKind::kRootfs: return "rootfs";
    case TargetKind::kRegistry: return "registry";
  }
  return "unknown";
}

namespace {

constexpr std::string_view kRefNameAnnotation = "org.opencontainers.image.ref.name";
using internal::kMaxIndexDepth;

bool IsDir(const std::string& p) {
  struct stat st {};
  return ::stat(p.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}
bool Exists(const std::string& p) {
  struct stat st {};
  return ::stat(p.c_str(), &st) == 0;
}

// Splits "PATH[:ref]": the whole text when it names an existing file, else at the first colon
// whose left part exists (paths may contain colons; refs such as "repo/name:tag" too).
std::pair<std::string, std::string> SplitPathRef(std::string_view text) {
  if (Exists(std::string(text))) return {std::string(text), ""};
  for (size_t colon = text.find(':'); colon != std::string_view::npos; colon = text.find(':', colon + 1)) {
    if (Exists(std::string(text.substr(0, colon))))
      return {std::string(text.substr(0, colon)), std::string(text.substr(colon + 1))};
  }
  return {std::string(text), ""};
}

// "alpine", "alpine:3.18", "ghcr.io/org/app@sha256:…": what a user types for a registry image.
bool LooksLikeImageReference(std::string_view text) {
  if (text.empty() || text[0] == '/' || text[0] == '.' || text.find("..") != std::string_view::npos) return false;
  for (char c : text) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_' || c == '/' ||
              c == ':' || c == '@' || (c >= 'A' && c <= 'Z');
    if (!ok) return false;
  }
  return true;
}

// Detects the kind of a bare path from its content.
Result<TargetKind> DetectKind(const std::string& path) {
  if (IsDir(path)) return Exists(path + "/oci-layout") ? TargetKind::kOciLayout : TargetKind::kRootfs;
  if (!Exists(path)) return NotFound(path + ": no such file or directory");
  auto tar = io::TarFile::Open(path);
  if (!tar.ok()) return InvalidArgument(path + " is neither a directory nor a tar archive (" + tar.error().message() + ")");
  if (tar->Find("manifest.json")) return TargetKind::kDockerArchive;
  if (tar->Find("oci-layout")) return TargetKind::kOciArchive;
  return InvalidArgument(path + " is a tar archive but has neither manifest.json (docker-archive) nor oci-layout (OCI)");
}

class StoredImage final : public Image {
 public:
  StoredImage(std::unique_ptr<Storage> storage, std::vector<std::string> layer_names)
      : storage_(std::move(storage)), layer_names_(std::move(layer_names)) {}

  Result<std::unique_ptr<io::Reader>> OpenLayer(size_t index) const override {
    if (index >= layer_names_.size()) return Internal("layer index out of range");
    return storage_->Open(layer_names_[index]);
  }

  inventory::Artifact& mutable_artifact() { return artifact_; }
  oci::ImageConfig& mutable_config() { return config_; }
  std::vector<LayerBlob>& mutable_layers() { return layers_; }

 private:
  std::unique_ptr<Storage> storage_;
  std::vector<std::string> layer_names_;
};


// ---------------------------------------------------------------------------------------------
// OCI image layout (directory or tar)

Result<std::unique_ptr<Image>> OpenOciLayout(std::unique_ptr<Storage> storage, const Target& target,
                                             const OpenOptions& options) {
  if (!storage->Exists("oci-layout")) return InvalidArgument(storage->Describe("") + " is not an OCI image layout (no oci-layout file)");
  HS_ASSIGN_OR_RETURN(std::string layout_json, storage->Read("oci-layout", 4096));
  json layout = json::parse(layout_json, nullptr, false);
  if (layout.is_discarded() || !layout.is_object() || !layout.contains("imageLayoutVersion"))
    return Corrupt(storage->Describe("oci-layout") + ": not a valid oci-layout file");

  HS_ASSIGN_OR_RETURN(std::string index_json, storage->Read("index.json", oci::kMaxManifestBytes));
  auto index = oci::ParseIndex(index_json);
  if (!index.ok()) return std::move(index).error().AddContext(storage->Describe("index.json"));
  if (index->manifests.empty()) return NotFound(storage->Describe("index.json") + ": the layout holds no images");

  // Choose the entry: by ref name when asked, the only one, or by platform.
  oci::Platform wanted = options.platform.value_or(oci::Platform::Host());
  std::optional<oci::Descriptor> chosen;
  std::string refs;
  for (const auto& d : index->manifests) {
    auto it = d.annotations.find(std::string(kRefNameAnnotation));
    std::string ref = it == d.annotations.end() ? "" : it->second;
    if (!ref.empty()) refs += (refs.empty() ? "" : ", ") + ref;
    if (!target.ref.empty() && ref == target.ref) chosen = d;
  }
  if (!target.ref.empty() && !chosen)
    return NotFound(storage->Describe("index.json") + ": no image with ref name '" + target.ref + "' (refs: " +
                    (refs.empty() ? "none" : refs) + ")");
  if (!chosen) {
    if (index->manifests.size() == 1) {
      chosen = index->manifests[0];
    } else if (refs.empty()) {
      HS_ASSIGN_OR_RETURN(chosen, oci::SelectPlatform(*index, wanted));
    } else {
      return InvalidArgument(storage->Describe("index.json") + " holds several images; choose one with :REF (refs: " +
                             refs + ")");
    }
  }

  // Descend through nested indexes to one manifest.
  oci::Descriptor desc = *chosen;
  std::string manifest_json;
  for (int depth = 0;; ++depth) {
    if (depth > kMaxIndexDepth) return Corrupt("image indexes nested more than " + std::to_string(kMaxIndexDepth) + " deep");
    HS_ASSIGN_OR_RETURN(std::string blob, storage->ReadVerified(BlobPath(desc.digest), desc.digest, desc.size,
                                                                oci::kMaxManifestBytes));
    auto kind = oci::DetectManifestKind(blob);
    if (!kind.ok()) return std::move(kind).error().AddContext("blob " + desc.digest.ToString());
    if (*kind == oci::ManifestKind::kManifest) {
      manifest_json = std::move(blob);
      break;
    }
    auto nested = oci::ParseIndex(blob);
    if (!nested.ok()) return std::move(nested).error().AddContext("index " + desc.digest.ToString());
    HS_ASSIGN_OR_RETURN(desc, oci::SelectPlatform(*nested, wanted));
  }
  auto manifest = oci::ParseManifest(manifest_json);
  if (!manifest.ok()) return std::move(manifest).error().AddContext("manifest " + desc.digest.ToString());

  const oci::Descriptor& cd = manifest->config;
  HS_ASSIGN_OR_RETURN(std::string config_json,
                      storage->ReadVerified(BlobPath(cd.digest), cd.digest, cd.size, oci::kMaxConfigBytes));
  auto config = oci::ParseImageConfig(config_json);
  if (!config.ok()) return std::move(config).error().AddContext("config " + cd.digest.ToString());
  if (config->diff_ids.size() != manifest->layers.size())
    return Corrupt("manifest " + desc.digest.ToString() + " lists " + std::to_string(manifest->layers.size()) +
                   " layers but its config has " + std::to_string(config->diff_ids.size()) + " diff_ids");

  std::vector<std::string> names;
  std::vector<LayerBlob> layers;
  for (size_t i = 0; i < manifest->layers.size(); ++i) {
    const auto& l = manifest->layers[i];
    if (!IsLayerMediaType(l.media_type))
      return Unsupported("layer " + l.digest.ToString() + " has media type '" + l.media_type +
                         "', which is not a (decrypted) image layer");
    if (!storage->Exists(BlobPath(l.digest)))
      return NotFound("layer blob " + l.digest.ToString() + " is missing from " + storage->Describe(""));
    LayerBlob b;
    b.digest = l.digest;
    b.diff_id = config->diff_ids[i];
    b.media_type = l.media_type;
    b.size = l.size;
    layers.push_back(std::move(b));
    names.push_back(BlobPath(l.digest));
  }
  AttachHistory(*config, layers);

  auto image = std::make_unique<StoredImage>(std::move(storage), std::move(names));
  inventory::Artifact& a = image->mutable_artifact();
  a.kind = inventory::ArtifactKind::kImage;
  a.name = target.display_name;
  a.manifest_digest = desc.digest.ToString();
  a.config_digest = cd.digest.ToString();
  if (auto it = chosen->annotations.find(std::string(kRefNameAnnotation)); it != chosen->annotations.end())
    a.repo_tags.push_back(it->second);
  FillArtifactFromConfig(*config, layers, a);
  image->mutable_config() = std::move(config).value();
  image->mutable_layers() = std::move(layers);
  return std::unique_ptr<Image>(std::move(image));
}

// ---------------------------------------------------------------------------------------------
// docker-archive

// "docker.io/library/alpine:3.18" and "alpine:3.18" name the same image.
std::string NormalizeRepoTag(std::string_view tag) {
  std::string t(tag);
  for (std::string_view prefix : {"docker.io/library/", "docker.io/", "index.docker.io/library/", "library/"})
    if (StartsWith(t, prefix)) t = t.substr(prefix.size());
  return t;
}

// A hex digest embedded in a name like "<hex>.json", "<hex>.tar", "blobs/sha256/<hex>".
std::optional<Digest> DigestFromName(std::string_view name) {
  if (StartsWith(name, "blobs/")) {
    auto rest = name.substr(6);
    auto slash = rest.find('/');
    if (slash == std::string_view::npos) return std::nullopt;
    auto d = Digest::Parse(std::string(rest.substr(0, slash)) + ":" + std::string(rest.substr(slash + 1)));
    return d.ok() ? std::optional(*d) : std::nullopt;
  }
  auto dot = name.rfind('.');
  std::string_view stem = dot == std::string_view::npos ? name : name.substr(0, dot);
  auto d = Digest::Parse("sha256:" + std::string(stem));
  return d.ok() ? std::optional(*d) : std::nullopt;
}

Result<std::unique_ptr<Image>> OpenDockerArchive(std::unique_ptr<Storage> storage, const Target& target) {
  HS_ASSIGN_OR_RETURN(std::string manifest_text, storage->Read("manifest.json", oci::kMaxManifestBytes));
  json manifest = json::parse(manifest_text, nullptr, false);
  if (manifest.is_discarded() || !manifest.is_array())
    return Corrupt(storage->Describe("manifest.json") + " is not a JSON array of images");
  if (manifest.empty()) return NotFound(storage->Describe("manifest.json") + ": the archive holds no images");

  const json* entry = nullptr;
  std::string tags;
  for (const auto& e : manifest) {
    if (!e.is_object()) return Corrupt(storage->Describe("manifest.json") + ": entry is not an object");
    if (auto rt = e.find("RepoTags"); rt != e.end() && rt->is_array()) {
      for (const auto& t : *rt) {
        if (!t.is_string()) continue;
        tags += (tags.empty() ? "" : ", ") + t.get<std::string>();
        if (!target.ref.empty() && NormalizeRepoTag(t.get<std::string>()) == NormalizeRepoTag(target.ref)) entry = &e;
      }
    }
  }
  if (!target.ref.empty() && !entry)
    return NotFound(storage->Describe("manifest.json") + ": no image tagged '" + target.ref + "' (tags: " +
                    (tags.empty() ? "none" : tags) + ")");
  if (!entry) {
    if (manifest.size() > 1)
      return InvalidArgument(storage->Describe("manifest.json") + " holds several images; choose one with :TAG (tags: " +
                             tags + ")");
    entry = &manifest[0];
  }

  auto config_name = entry->find("Config");
  if (config_name == entry->end() || !config_name->is_string())
    return Corrupt(storage->Describe("manifest.json") + ": image has no Config file name");
  std::string config_file = config_name->get<std::string>();
  std::string config_json;
  Digest config_digest;
  if (auto named = DigestFromName(config_file)) {
    // The config's file name is its digest (the image ID): verify it.
    HS_ASSIGN_OR_RETURN(config_json, storage->ReadVerified(config_file, *named, std::nullopt, oci::kMaxConfigBytes));
    config_digest = *named;
  } else {
    HS_ASSIGN_OR_RETURN(config_json, storage->Read(config_file, oci::kMaxConfigBytes));
    config_digest = Sha256::Of(config_json);
  }
  auto config = oci::ParseImageConfig(config_json);
  if (!config.ok()) return std::move(config).error().AddContext(storage->Describe(config_file));

  auto layer_names = entry->find("Layers");
  if (layer_names == entry->end() || !layer_names->is_array())
    return Corrupt(storage->Describe("manifest.json") + ": image has no Layers list");
  if (layer_names->size() != config->diff_ids.size())
    return Corrupt(storage->Describe("manifest.json") + " lists " + std::to_string(layer_names->size()) +
                   " layers but the config has " + std::to_string(config->diff_ids.size()) + " diff_ids");

  std::vector<std::string> names;
  std::vector<LayerBlob> layers;
  for (size_t i = 0; i < layer_names->size(); ++i) {
    const auto& n = (*layer_names)[i];
    if (!n.is_string()) return Corrupt(storage->Describe("manifest.json") + ": layer name is not a string");
    std::string name = n.get<std::string>();
    auto clean = io::CleanArchivePath(name);
    if (!clean) return Corrupt(storage->Describe("manifest.json") + ": layer path '" + name + "' escapes the archive");
    auto size = storage->Size(*clean);
    if (!size.ok()) return NotFound("layer " + config->diff_ids[i].ToString() + " (" + storage->Describe(*clean) + ") is missing");
    LayerBlob b;
    // A blob named by a digest is verified against it; an uncompressed layer.tar is verified
    // against its diff_id by the layer reader in any case.
    if (StartsWith(*clean, "blobs/")) b.digest = DigestFromName(*clean);
    b.diff_id = config->diff_ids[i];
    b.size = *size;
    layers.push_back(std::move(b));
    names.push_back(*clean);
  }
  AttachHistory(*config, layers);

  auto image = std::make_unique<StoredImage>(std::move(storage), std::move(names));
  inventory::Artifact& a = image->mutable_artifact();
  a.kind = inventory::ArtifactKind::kImage;
  a.name = target.display_name;
  a.config_digest = config_digest.ToString();
  if (auto rt = entry->find("RepoTags"); rt != entry->end() && rt->is_array())
    for (const auto& t : *rt)
      if (t.is_string()) a.repo_tags.push_back(t.get<std::string>());
  FillArtifactFromConfig(*config, layers, a);
  image->mutable_config() = std::move(config).value();
  image->mutable_layers() = std::move(layers);
  return std::unique_ptr<Image>(std::move(image));
}

}  // namespace

namespace internal {

void AttachHistory(const oci::ImageConfig& config, std::vector<LayerBlob>& layers) {
  size_t i = 0;
  for (const auto& h : config.history) {
    if (h.empty_layer) continue;
    if (i >= layers.size()) break;
    layers[i++].created_by = h.created_by;
  }
}

void FillArtifactFromConfig(const oci::ImageConfig& config, const std::vector<LayerBlob>& layers,
                            inventory::Artifact& a) {
  a.os = config.os;
  a.architecture = config.architecture;
  inventory::RuntimeConfig& r = a.runtime;
  r.present = true;
  r.user = config.config.user;
  r.env = config.config.env;
  r.labels = config.config.labels;
  r.exposed_ports = config.config.exposed_ports;
  r.volumes = config.config.volumes;
  r.entrypoint = config.config.entrypoint;
  r.cmd = config.config.cmd;
  r.working_dir = config.config.working_dir;
  r.healthcheck = config.config.healthcheck_test;
  for (const auto& h : config.history) r.history.push_back({h.created, h.created_by, h.empty_layer});
  a.variant = config.variant;
  a.created = config.created;
  for (const auto& l : layers) {
    inventory::LayerInfo li;
    li.digest = l.digest ? l.digest->ToString() : "";
    li.diff_id = l.diff_id.ToString();
    li.media_type = l.media_type;
    li.size = l.size;
    li.created_by = l.created_by;
    a.layers.push_back(std::move(li));
  }
}

bool IsLayerMediaType(std::string_view mt) {
  return mt.empty() || mt.starts_with("application/vnd.oci.image.layer.") ||
         mt.starts_with("application/vnd.docker.image.rootfs.");
}

}  // namespace internal

Result<Target> ParseTarget(std::string_view text) {
  if (text.empty()) return InvalidArgument("empty image target");
  struct Prefix {
    std::string_view text;
    std::optional<TargetKind> kind;
    bool has_ref;
  };
  static constexpr Prefix kPrefixes[] = {
      {"docker-archive:", TargetKind::kDockerArchive, true}, {"oci-archive:", TargetKind::kOciArchive, true},
      {"oci:", TargetKind::kOciLayout, true},                {"dir:", TargetKind::kRootfs, false},
      {"rootfs:", TargetKind::kRootfs, false},
  };
  Target t;
  t.display_name = std::string(text);
  // Registry images: skopeo's "docker://" transport and Syft's "registry:" scheme say so
  // explicitly; a bare reference is one when no such file exists.
  for (std::string_view scheme : {"docker://", "registry:"}) {
    if (!StartsWith(text, scheme)) continue;
    std::string_view rest = text.substr(scheme.size());
    auto ref = net::Reference::Parse(rest);
    if (!ref.ok()) return std::move(ref).error().AddContext(std::string(text));
    t.kind = TargetKind::kRegistry;
    t.ref = ref->ToString();
    t.display_name = std::string(rest);
    return t;
  }
  for (const auto& p : kPrefixes) {
    if (!StartsWith(text, p.text)) continue;
    std::string_view rest = text.substr(p.text.size());
    if (p.has_ref) {
      std::tie(t.path, t.ref) = SplitPathRef(rest);
    } else {
      t.path = std::string(rest);
    }
    t.kind = *p.kind;
    if (!Exists(t.path)) return NotFound(t.path + ": no such file or directory");
    return t;
  }
  std::tie(t.path, t.ref) = SplitPathRef(text);
  if (!Exists(t.path) && LooksLikeImageReference(text)) {
    auto ref = net::Reference::Parse(text);
    if (!ref.ok())
      return InvalidArgument("'" + std::string(text) + "' is neither a file nor a valid image reference (" +
                             ref.error().message() + ")");
    t.kind = TargetKind::kRegistry;
    t.path.clear();
    t.ref = ref->ToString();
    return t;
  }
  HS_ASSIGN_OR_RETURN(t.kind, DetectKind(t.path));
  return t;
}

Result<std::unique_ptr<Image>> OpenImage(const Target& target, const OpenOptions& options) {
  switch (target.kind) {
    case TargetKind::kOciLayout:
      return OpenOciLayout(internal::NewDirStorage(target.path), target, options);
    case TargetKind::kOciArchive: {
      auto tar = io::TarFile::Open(target.path);
      if (!tar.ok()) return std::move(tar).error();
      return OpenOciLayout(internal::NewTarStorage(std::move(tar).value()), target, options);
    }
    case TargetKind::kDockerArchive: {
      auto tar = io::TarFile::Open(target.path);
      if (!tar.ok()) return std::move(tar).error();
      return OpenDockerArchive(internal::NewTarStorage(std::move(tar).value()), target);
    }
    case TargetKind::kRootfs:
      return InvalidArgument(target.path + " is a root filesystem directory, not an image");
    case TargetKind::kRegistry:
      return internal::OpenRegistryImage(target, options);
  }
  return Internal("unknown target kind");
}

}  // namespace hullscan::source
