#include "oci/image.h"

#include <sys/utsname.h>

#include <nlohmann/json.hpp>

#include "base/strings.h"

namespace hullscan::oci {

using nlohmann::json;

namespace {

std::string NormalizeArch(std::string_view arch) {
  if (arch == "x86_64" || arch == "x86-64") return "amd64";
  if (arch == "aarch64") return "arm64";
  if (arch == "armhf" || arch == "armel") return "arm";
  if (arch == "i386" || arch == "i686") return "386";
  return std::string(arch);
}

Result<json> ParseJson(std::string_view text, std::string_view what) {
  json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return Corrupt(std::string(what) + " is not valid JSON");
  if (!j.is_object()) return Corrupt(std::string(what) + " is not a JSON object");
  return j;
}

// Typed getters that report wrong types instead of throwing.
Result<std::string> GetString(const json& j, const char* key, bool required) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) {
    if (required) return Corrupt(std::string("missing \"") + key + "\"");
    return std::string();
  }
  if (!it->is_string()) return Corrupt(std::string("\"") + key + "\" is not a string");
  return it->get<std::string>();
}

Result<std::vector<std::string>> GetStringList(const json& j, const char* key) {
  std::vector<std::string> out;
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return out;
  if (it->is_string()) {  // Docker tolerates a bare string for Cmd/Entrypoint in old configs
    out.push_back(it->get<std::string>());
    return out;
  }
  if (!it->is_array()) return Corrupt(std::string("\"") + key + "\" is not a list");
  for (const auto& v : *it) {
    if (!v.is_string()) return Corrupt(std::string("\"") + key + "\" has a non-string element");
    out.push_back(v.get<std::string>());
  }
  return out;
}

Result<std::map<std::string, std::string>> GetStringMap(const json& j, const char* key) {
  std::map<std::string, std::string> out;
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return out;
  if (!it->is_object()) return Corrupt(std::string("\"") + key + "\" is not an object");
  for (const auto& [k, v] : it->items()) {
    if (!v.is_string()) return Corrupt(std::string("\"") + key + "." + k + "\" is not a string");
    out[k] = v.get<std::string>();
  }
  return out;
}

// Keys of an object whose values are ignored ({"80/tcp": {}}).
Result<std::vector<std::string>> GetKeys(const json& j, const char* key) {
  std::vector<std::string> out;
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return out;
  if (!it->is_object()) return Corrupt(std::string("\"") + key + "\" is not an object");
  for (const auto& [k, v] : it->items()) out.push_back(k);
  return out;
}

Result<Platform> ParsePlatformJson(const json& j) {
  if (!j.is_object()) return Corrupt("\"platform\" is not an object");
  Platform p;
  HS_ASSIGN_OR_RETURN(p.os, GetString(j, "os", false));
  HS_ASSIGN_OR_RETURN(std::string arch, GetString(j, "architecture", false));
  p.architecture = NormalizeArch(arch);
  HS_ASSIGN_OR_RETURN(p.variant, GetString(j, "variant", false));
  HS_ASSIGN_OR_RETURN(p.os_version, GetString(j, "os.version", false));
  return p;
}

Result<Descriptor> ParseDescriptor(const json& j) {
  if (!j.is_object()) return Corrupt("descriptor is not an object");
  Descriptor d;
  HS_ASSIGN_OR_RETURN(d.media_type, GetString(j, "mediaType", false));
  HS_ASSIGN_OR_RETURN(std::string digest, GetString(j, "digest", true));
  auto parsed = Digest::Parse(digest);
  if (!parsed.ok()) return Corrupt(parsed.error().message());
  d.digest = *parsed;
  auto size = j.find("size");
  if (size == j.end() || !size->is_number_integer()) return Corrupt("descriptor " + digest + " has no integer size");
  d.size = size->get<int64_t>();
  if (d.size < 0) return Corrupt("descriptor " + digest + " has a negative size");
  if (auto p = j.find("platform"); p != j.end() && !p->is_null()) {
    HS_ASSIGN_OR_RETURN(d.platform, ParsePlatformJson(*p));
  }
  HS_ASSIGN_OR_RETURN(d.annotations, GetStringMap(j, "annotations"));
  return d;
}

Result<std::vector<Descriptor>> ParseDescriptorList(const json& j, const char* key) {
  std::vector<Descriptor> out;
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return out;
  if (!it->is_array()) return Corrupt(std::string("\"") + key + "\" is not a list");
  for (size_t i = 0; i < it->size(); ++i) {
    auto d = ParseDescriptor((*it)[i]);
    if (!d.ok()) return std::move(d).error().AddContext(std::string(key) + "[" + std::to_string(i) + "]");
    out.push_back(std::move(d).value());
  }
  return out;
}

}  // namespace

Result<Platform> Platform::Parse(std::string_view text) {
  auto parts = Split(text, '/');
  if (parts.size() < 2 || parts.size() > 3 || parts[0].empty() || parts[1].empty())
    return InvalidArgument("platform '" + std::string(text) + "' is not of the form os/arch[/variant]");
  Platform p;
  p.os = ToLower(parts[0]);
  p.architecture = NormalizeArch(ToLower(parts[1]));
  if (parts.size() == 3) p.variant = ToLower(parts[2]);
  return p;
}

Platform Platform::Host() {
  Platform p;
  p.os = "linux";
  struct utsname u {};
  p.architecture = uname(&u) == 0 ? NormalizeArch(u.machine) : "amd64";
  if (std::string_view(u.machine).starts_with("armv7")) {
    p.architecture = "arm";
    p.variant = "v7";
  }
  return p;
}

std::string Platform::ToString() const {
  std::string s = os + "/" + architecture;
  if (!variant.empty()) s += "/" + variant;
  return s;
}

bool Platform::Satisfies(const Platform& wanted) const {
  if (os != wanted.os || architecture != wanted.architecture) return false;
  if (wanted.variant.empty()) return true;
  auto norm = [&](const std::string& v) { return (architecture == "arm64" && v.empty()) ? std::string("v8") : v; };
  return norm(variant) == norm(wanted.variant);
}

Result<ManifestKind> DetectManifestKind(std::string_view text) {
  HS_ASSIGN_OR_RETURN(json j, ParseJson(text, "manifest"));
  HS_ASSIGN_OR_RETURN(std::string mt, GetString(j, "mediaType", false));
  if (mt == media_type::kOciIndex || mt == media_type::kDockerManifestList) return ManifestKind::kIndex;
  if (mt == media_type::kOciManifest || mt == media_type::kDockerManifest) return ManifestKind::kManifest;
  if (!mt.empty()) return Unsupported("manifest media type '" + mt + "'");
  if (j.contains("manifests")) return ManifestKind::kIndex;
  if (j.contains("config") && j.contains("layers")) return ManifestKind::kManifest;
  if (j.contains("fsLayers")) return Unsupported("Docker schema 1 manifests are deprecated and not supported");
  return Corrupt("document is neither an image manifest nor an index");
}

Result<Manifest> ParseManifest(std::string_view text) {
  HS_ASSIGN_OR_RETURN(json j, ParseJson(text, "manifest"));
  Manifest m;
  HS_ASSIGN_OR_RETURN(m.media_type, GetString(j, "mediaType", false));
  auto config = j.find("config");
  if (config == j.end()) return Corrupt("manifest has no config descriptor");
  auto cd = ParseDescriptor(*config);
  if (!cd.ok()) return std::move(cd).error().AddContext("manifest config");
  m.config = std::move(cd).value();
  HS_ASSIGN_OR_RETURN(m.layers, ParseDescriptorList(j, "layers"));
  HS_ASSIGN_OR_RETURN(m.annotations, GetStringMap(j, "annotations"));
  return m;
}

Result<Index> ParseIndex(std::string_view text) {
  HS_ASSIGN_OR_RETURN(json j, ParseJson(text, "index"));
  Index idx;
  HS_ASSIGN_OR_RETURN(idx.media_type, GetString(j, "mediaType", false));
  HS_ASSIGN_OR_RETURN(idx.manifests, ParseDescriptorList(j, "manifests"));
  HS_ASSIGN_OR_RETURN(idx.annotations, GetStringMap(j, "annotations"));
  return idx;
}

Result<ImageConfig> ParseImageConfig(std::string_view text) {
  HS_ASSIGN_OR_RETURN(json j, ParseJson(text, "image config"));
  ImageConfig c;
  HS_ASSIGN_OR_RETURN(c.architecture, GetString(j, "architecture", false));
  c.architecture = NormalizeArch(c.architecture);
  HS_ASSIGN_OR_RETURN(c.os, GetString(j, "os", false));
  HS_ASSIGN_OR_RETURN(c.variant, GetString(j, "variant", false));
  HS_ASSIGN_OR_RETURN(c.created, GetString(j, "created", false));
  auto rootfs = j.find("rootfs");
  if (rootfs == j.end() || !rootfs->is_object()) return Corrupt("image config has no rootfs");
  HS_ASSIGN_OR_RETURN(auto ids, GetStringList(*rootfs, "diff_ids"));
  for (const auto& id : ids) {
    auto d = Digest::Parse(id);
    if (!d.ok()) return Corrupt("image config: rootfs.diff_ids: " + d.error().message());
    c.diff_ids.push_back(*d);
  }
  if (auto h = j.find("history"); h != j.end() && h->is_array()) {
    for (const auto& e : *h) {
      if (!e.is_object()) return Corrupt("image config: history entry is not an object");
      HistoryEntry he;
      HS_ASSIGN_OR_RETURN(he.created, GetString(e, "created", false));
      HS_ASSIGN_OR_RETURN(he.created_by, GetString(e, "created_by", false));
      HS_ASSIGN_OR_RETURN(he.comment, GetString(e, "comment", false));
      if (auto el = e.find("empty_layer"); el != e.end() && el->is_boolean()) he.empty_layer = el->get<bool>();
      c.history.push_back(std::move(he));
    }
  }
  if (auto cfg = j.find("config"); cfg != j.end() && cfg->is_object()) {
    ContainerConfig& cc = c.config;
    HS_ASSIGN_OR_RETURN(cc.user, GetString(*cfg, "User", false));
    HS_ASSIGN_OR_RETURN(cc.env, GetStringList(*cfg, "Env"));
    HS_ASSIGN_OR_RETURN(cc.entrypoint, GetStringList(*cfg, "Entrypoint"));
    HS_ASSIGN_OR_RETURN(cc.cmd, GetStringList(*cfg, "Cmd"));
    HS_ASSIGN_OR_RETURN(cc.working_dir, GetString(*cfg, "WorkingDir", false));
    HS_ASSIGN_OR_RETURN(cc.labels, GetStringMap(*cfg, "Labels"));
    HS_ASSIGN_OR_RETURN(cc.exposed_ports, GetKeys(*cfg, "ExposedPorts"));
    HS_ASSIGN_OR_RETURN(cc.volumes, GetKeys(*cfg, "Volumes"));
    if (auto hc = cfg->find("Healthcheck"); hc != cfg->end() && hc->is_object()) {
      HS_ASSIGN_OR_RETURN(cc.healthcheck_test, GetStringList(*hc, "Test"));
    }
  }
  return c;
}

Result<Descriptor> SelectPlatform(const Index& index, const Platform& wanted) {
  std::string offered;
  for (const auto& d : index.manifests) {
    // BuildKit stores attestations as manifests with platform unknown/unknown.
    if (d.annotations.count("vnd.docker.reference.type")) continue;
    if (!d.platform) continue;
    if (d.platform->Satisfies(wanted)) return d;
    if (!offered.empty()) offered += ", ";
    offered += d.platform->ToString();
  }
  return NotFound("no image for platform " + wanted.ToString() + " in the index (it offers: " +
                  (offered.empty() ? "none" : offered) + ")");
}

}  // namespace hullscan::oci
