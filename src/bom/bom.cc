// CycloneDX / SPDX JSON -> inventory. Both formats are first reduced to the same record per
// component (purl, name, version, properties, licences, parent file), then one function turns a
// record into an inventory::Package, so the two formats follow the same rules.
//
// Whose conventions are read:
//   hullscan   properties / annotations "hullscan:package:*", "hullscan:os:*", "hullscan:image:*"
//              (src/report/cyclonedx.cc, spdx.cc): a hullscan SBOM reads back to the same packages.
//   Trivy      CycloneDX properties "aquasecurity:trivy:*" and SPDX annotations / attributionTexts
//              "Name: value" (SrcName, SrcVersion, SrcRelease, SrcEpoch, LayerDiffID, FilePath, ...);
//              language packages hang off an "application" component whose name is their lockfile.
//   Syft       "syft:location:0:path" / "syft:location:0:layerID", "syft:distro:*".
#include "bom/bom.h"

#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/strings.h"
#include "inventory/purl.h"

namespace hullscan::bom {
namespace {

using Json = nlohmann::json;
using inventory::PackageType;

constexpr size_t kMaxJsonDepth = 256;        // brackets; checked before parsing
constexpr size_t kMaxComponentDepth = 64;    // CycloneDX components[].components[] levels
constexpr size_t kMaxExamplesInMessage = 5;  // examples named in a skip diagnostic

// ---------------------------------------------------------------------------------------------
// JSON access that never throws.

const Json* Member(const Json& object, std::string_view key) {
  if (!object.is_object()) return nullptr;
  auto it = object.find(key);
  return it == object.end() ? nullptr : &*it;
}

std::string String(const Json* value) {
  return value != nullptr && value->is_string() ? value->get<std::string>() : std::string();
}

std::string StringMember(const Json& object, std::string_view key) { return String(Member(object, key)); }

// The member, which must be of `type` when present: a field of the wrong JSON type makes the
// document malformed (Trivy: "CycloneDX decode error"), not silently empty.
Result<const Json*> TypedMember(const Json& object, std::string_view key, Json::value_t type, std::string_view where) {
  const Json* value = Member(object, key);
  if (value == nullptr || value->is_null()) return static_cast<const Json*>(nullptr);
  if (value->type() != type) {
    return Corrupt(std::string(where) + "." + std::string(key) + ": expected " +
                   Json(type).type_name() + ", found " + value->type_name());
  }
  return value;
}

// Deepest bracket nesting of a JSON text, strings skipped. Bounds what the parser and the
// recursive parts of nlohmann::json (copy, compare, dump) will ever see.
size_t JsonDepth(std::string_view text) {
  size_t depth = 0;
  size_t max_depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      max_depth = std::max(max_depth, ++depth);
    } else if ((c == '}' || c == ']') && depth > 0) {
      --depth;
    }
  }
  return max_depth;
}

// ---------------------------------------------------------------------------------------------
// The common record.

// Properties by name; Trivy's SPDX annotation names ("SrcName") are stored under its CycloneDX
// names ("aquasecurity:trivy:SrcName") so that one lookup serves both formats.
using Properties = std::multimap<std::string, std::string>;

std::string Property(const Properties& props, const std::string& name) {
  auto it = props.find(name);
  return it == props.end() ? std::string() : it->second;
}

std::vector<std::string> PropertyValues(const Properties& props, const std::string& name) {
  std::vector<std::string> out;
  auto [begin, end] = props.equal_range(name);
  for (auto it = begin; it != end; ++it) out.push_back(it->second);
  return out;
}

constexpr std::string_view kTrivy = "aquasecurity:trivy:";

// "LayerDiffID: sha256:…" (Trivy SPDX) or "hullscan:package:path: usr/lib/…" (hullscan SPDX).
void AddAnnotation(Properties& props, std::string_view comment) {
  size_t sep = comment.find(": ");
  if (sep == std::string_view::npos || sep == 0) return;
  std::string key(comment.substr(0, sep));
  std::string value(comment.substr(sep + 2));
  if (key.find(':') == std::string::npos) key = std::string(kTrivy) + key;
  props.emplace(std::move(key), std::move(value));
}

struct Record {
  std::string purl;
  std::string name;
  std::string version;
  Properties props;
  std::vector<std::string> licenses;
  std::string digest;       // "sha256:…"
  std::string supplier;     // SPDX agent text ("Person: …", "Organization: …")
  std::string source_info;  // SPDX sourceInfo
  std::string own_file;     // SPDX: the first file the package has (files, hasFiles, CONTAINS a file)
  std::string parent_path;  // Trivy: the lockfile / binary of the application component holding it
};

// CycloneDX / SPDX hash algorithm names -> hullscan digest prefixes.
std::string DigestAlgorithm(std::string_view name) {
  std::string lower = ToLower(name);
  lower.erase(std::remove(lower.begin(), lower.end(), '-'), lower.end());
  if (lower == "md5" || lower == "sha1" || lower == "sha256" || lower == "sha512") return lower;
  return "";
}

// Trivy's language types whose packages are not grouped by one file (ftypes.AggregatingTypes):
// their "application" component names the type, not a path.
bool IsAggregatingTrivyType(std::string_view type) {
  return type == "jar" || type == "node-pkg" || type == "python-pkg" || type == "gemspec" || type == "conda-pkg";
}

// ---------------------------------------------------------------------------------------------
// Record -> Package.

std::optional<PackageType> PackageTypeOfPurl(std::string_view purl_type) {
  static const std::pair<std::string_view, PackageType> kTypes[] = {
      {"deb", PackageType::kDeb},         {"apk", PackageType::kApk},       {"rpm", PackageType::kRpm},
      {"pypi", PackageType::kPypi},       {"npm", PackageType::kNpm},       {"golang", PackageType::kGolang},
      {"maven", PackageType::kMaven},     {"gem", PackageType::kGem},       {"cargo", PackageType::kCargo},
      {"composer", PackageType::kComposer}, {"nuget", PackageType::kNuget},
  };
  for (const auto& [name, type] : kTypes) {
    if (name == purl_type) return type;
  }
  return std::nullopt;
}

std::string PypiNormalize(std::string_view name) {
  std::string out = ToLower(name);
  for (char& c : out) {
    if (c == '_' || c == '.') c = '-';
  }
  return out;
}

// The package name hullscan uses for a purl (package.h): maven "group:artifact", npm
// "@scope/name", golang and composer "namespace/name", others the name.
std::string PackageName(const inventory::ParsedPurl& purl, PackageType type, std::string_view component_name) {
  switch (type) {
    case PackageType::kMaven:
      return purl.namespace_.empty() ? purl.name : purl.namespace_ + ":" + purl.name;
    case PackageType::kNpm:
    case PackageType::kGolang:
    case PackageType::kComposer:
      return purl.namespace_.empty() ? purl.name : purl.namespace_ + "/" + purl.name;
    case PackageType::kPypi:
      // The purl name is normalised; the component keeps the project's own spelling ("PyYAML").
      if (!component_name.empty() && PypiNormalize(component_name) == PypiNormalize(purl.name)) {
        return std::string(component_name);
      }
      return purl.name;
    default:
      return purl.name;
  }
}

// "bash-4.2.46-31.el7.src.rpm" -> {"bash", "4.2.46-31.el7"}.
std::optional<std::pair<std::string, std::string>> SplitSourceRpm(std::string_view rpm) {
  if (!EndsWith(rpm, ".src.rpm")) return std::nullopt;
  rpm.remove_suffix(8);
  size_t release_dash = rpm.rfind('-');
  if (release_dash == std::string_view::npos || release_dash == 0) return std::nullopt;
  size_t version_dash = rpm.rfind('-', release_dash - 1);
  if (version_dash == std::string_view::npos || version_dash == 0) return std::nullopt;
  return std::make_pair(std::string(rpm.substr(0, version_dash)), std::string(rpm.substr(version_dash + 1)));
}

// SPDX agent -> free text: "Person: Name (mail)" -> "Name <mail>", as dpkg writes a maintainer.
std::string AgentText(std::string_view agent, std::string_view* kind) {
  size_t colon = agent.find(": ");
  if (colon == std::string_view::npos) return "";
  *kind = agent.substr(0, colon);
  std::string text(TrimSpace(agent.substr(colon + 2)));
  if (!text.empty() && text.back() == ')') {
    size_t open = text.rfind('(');
    if (open != std::string::npos) {
      std::string who(TrimSpace(std::string_view(text).substr(0, open)));
      std::string mail = text.substr(open + 1, text.size() - open - 2);
      text = who.empty() ? "<" + mail + ">" : who + " <" + mail + ">";
    }
  }
  return text;
}

struct Stats {
  std::map<std::string, int> unsupported_types;  // purl type -> components
  std::vector<std::string> invalid_purls;
  int without_purl = 0;
  std::vector<std::string> without_purl_names;
  int too_deep = 0;
  int malformed = 0;
};

constexpr std::string_view kHullscanPackage = "hullscan:package:";

std::optional<inventory::Package> ToPackage(const Record& r, Stats& stats) {
  std::optional<inventory::ParsedPurl> purl = inventory::ParsePurl(r.purl);
  if (!purl) {
    stats.invalid_purls.push_back(r.purl);
    return std::nullopt;
  }
  std::optional<PackageType> type = PackageTypeOfPurl(purl->type);
  if (!type) {
    ++stats.unsupported_types[purl->type];
    return std::nullopt;
  }
  const Properties& props = r.props;
  auto hs = [&](std::string_view field) { return Property(props, std::string(kHullscanPackage) + std::string(field)); };
  auto trivy = [&](std::string_view field) { return Property(props, std::string(kTrivy) + std::string(field)); };
  bool from_hullscan = !hs("type").empty();

  inventory::Package p;
  p.type = *type;
  p.name = PackageName(*purl, *type, r.name);
  p.purl = r.purl;

  // Version. hullscan writes the package manager's own string as the component version (the purl
  // moves rpm epochs to a qualifier and drops epoch 0). Elsewhere the purl is the identity: its
  // version plus the epoch qualifier, which Trivy also writes for deb.
  std::string epoch = purl->qualifiers.count("epoch") != 0 ? purl->qualifiers.at("epoch") : "";
  if (from_hullscan) {
    p.version = !hs("version").empty() ? hs("version") : r.version;
  } else {
    p.version = !purl->version.empty() ? purl->version : r.version;
    bool epoch_applies = p.type == PackageType::kRpm || p.type == PackageType::kDeb;
    if (epoch_applies && !epoch.empty() && epoch != "0" && p.version.find(':') == std::string::npos &&
        !p.version.empty()) {
      p.version = epoch + ":" + p.version;
    }
  }
  p.arch = from_hullscan ? hs("arch") : (purl->qualifiers.count("arch") != 0 ? purl->qualifiers.at("arch") : "");

  // Source package.
  std::string upstream = purl->qualifiers.count("upstream") != 0 ? purl->qualifiers.at("upstream") : "";
  if (from_hullscan) {
    p.source_name = hs("source_name");
    p.source_version = hs("source_version");
    p.source_rpm = hs("source_rpm");
    // hullscan's SPDX has no source_rpm annotation; the rpm is in sourceInfo (and in upstream).
    if (p.type == PackageType::kRpm && p.source_rpm.empty()) p.source_rpm = upstream;
  } else if (!trivy("SrcName").empty()) {
    p.source_name = trivy("SrcName");
    std::string src_version = trivy("SrcVersion");
    std::string src_release = trivy("SrcRelease");
    std::string src_epoch = trivy("SrcEpoch");
    std::string version_release = src_release.empty() ? src_version : src_version + "-" + src_release;
    if (p.type == PackageType::kRpm) {
      if (!src_version.empty()) p.source_rpm = p.source_name + "-" + version_release + ".src.rpm";
    }
    p.source_version = (!src_epoch.empty() && src_epoch != "0") ? src_epoch + ":" + version_release : version_release;
  } else if (!upstream.empty()) {
    if (p.type == PackageType::kRpm) {
      p.source_rpm = upstream;
    } else {
      size_t at = upstream.find('@');
      p.source_name = upstream.substr(0, at);
      p.source_version = at == std::string::npos ? p.version : upstream.substr(at + 1);
    }
  } else if (StartsWith(r.source_info, "built package from: ")) {
    // Trivy's (and hullscan's) SPDX wording: "built package from: NAME VERSION" or "…: X.src.rpm".
    std::string_view text = std::string_view(r.source_info).substr(20);
    if (EndsWith(text, ".src.rpm")) {
      p.source_rpm = std::string(text);
    } else {
      size_t space = text.find(' ');
      p.source_name = std::string(text.substr(0, space));
      if (space != std::string_view::npos) p.source_version = std::string(TrimSpace(text.substr(space + 1)));
    }
  }
  if (p.type == PackageType::kRpm && !p.source_rpm.empty() && p.source_name.empty()) {
    if (auto split = SplitSourceRpm(p.source_rpm)) {
      // As the rpm analyzer does: the source version carries the binary package's epoch.
      size_t colon = p.version.find(':');
      std::string epoch_prefix = colon == std::string::npos ? "" : p.version.substr(0, colon + 1);
      p.source_name = split->first;
      p.source_version = epoch_prefix + split->second;
    }
  }
  if ((p.type == PackageType::kDeb || p.type == PackageType::kApk) && !from_hullscan && p.source_name.empty()) {
    // dpkg's own default (and the apk analyzer's): a package without a Source is its own source.
    p.source_name = p.name;
    p.source_version = p.version;
  }

  p.licenses = r.licenses;
  p.modularity_label = hs("modularity_label");
  p.maintainer = hs("maintainer");
  p.vendor = hs("vendor");
  if (p.maintainer.empty() && p.vendor.empty() && !r.supplier.empty()) {
    std::string_view kind;
    std::string who = AgentText(r.supplier, &kind);
    if (kind == "Organization" && p.type == PackageType::kRpm) {
      p.vendor = who;
    } else if (kind == "Person" || kind == "Organization") {
      p.maintainer = who;
    }
  }
  p.digest = !hs("digest").empty() ? hs("digest") : r.digest;
  p.dev = trivy("Dev") == "true";

  // Location: our own properties, Trivy's, Syft's, then the application component that holds it.
  auto relative = [](std::string path) {
    if (StartsWith(path, "./")) path.erase(0, 2);
    while (!path.empty() && path.front() == '/') path.erase(0, 1);
    return path;
  };
  p.location.layer_diff_id = hs("layer_diff_id");
  p.location.path = hs("path");
  if (!from_hullscan) {
    p.location.layer_diff_id = trivy("LayerDiffID");
    if (p.location.layer_diff_id.empty()) p.location.layer_diff_id = Property(props, "syft:location:0:layerID");
    p.location.path = trivy("FilePath");
    if (p.location.path.empty()) p.location.path = relative(Property(props, "syft:location:0:path"));
    if (p.location.path.empty()) p.location.path = relative(r.own_file);
    if (p.location.path.empty()) p.location.path = r.parent_path;
    if (p.location.path.empty() && StartsWith(r.source_info, "acquired package info from ")) {
      // Syft SPDX: "acquired package info from DPKG DB: /var/lib/dpkg/status"
      if (size_t colon = r.source_info.rfind(": "); colon != std::string::npos) {
        p.location.path = relative(r.source_info.substr(colon + 2));
      }
    }
  }
  return p;
}

// ---------------------------------------------------------------------------------------------
// Distro and artifact.

// "debian-12" -> {debian, 12}; "opensuse-leap-15.5" -> {opensuse-leap, 15.5}; "3.16.0" (Trivy
// writes the version alone) -> {namespace, 3.16.0}.
std::optional<inventory::Distro> DistroOfQualifier(std::string_view qualifier, std::string_view purl_namespace) {
  if (qualifier.empty()) return std::nullopt;
  inventory::Distro d;
  size_t split = std::string_view::npos;
  for (size_t i = qualifier.size(); i-- > 1;) {
    if (qualifier[i - 1] == '-' && qualifier[i] >= '0' && qualifier[i] <= '9') {
      split = i - 1;
      break;
    }
  }
  if (qualifier[0] >= '0' && qualifier[0] <= '9') {
    d.family = ToLower(purl_namespace);
    d.version = std::string(qualifier);
  } else if (split == std::string_view::npos) {
    d.family = ToLower(qualifier);
  } else {
    d.family = ToLower(qualifier.substr(0, split));
    d.version = std::string(qualifier.substr(split + 1));
  }
  // purls call Red Hat "redhat"; os-release (and hullscan's distro family) "rhel".
  if (d.family == "redhat") d.family = "rhel";
  if (d.family.empty()) return std::nullopt;
  return d;
}

// The distro component (CycloneDX operating-system, SPDX OPERATING_SYSTEM) -> Distro.
inventory::Distro DistroOfComponent(std::string_view name, std::string_view version, std::string_view description,
                                    std::string_view cpe, const Properties& props) {
  inventory::Distro d;
  d.family = ToLower(name);
  d.version = std::string(version);
  d.pretty_name = std::string(description);
  d.cpe = std::string(cpe);
  d.codename = Property(props, "hullscan:os:codename");
  d.version_id = Property(props, "hullscan:os:version_id");
  d.id_like = PropertyValues(props, "hullscan:os:id_like");
  d.variant = Property(props, "hullscan:os:variant");
  d.source_path = Property(props, "hullscan:os:source_path");
  if (d.version_id.empty()) d.version_id = Property(props, "syft:distro:versionID");
  if (d.id_like.empty()) {
    for (int i = 0;; ++i) {
      std::string like = Property(props, "syft:distro:idLike:" + std::to_string(i));
      if (like.empty()) break;
      d.id_like.push_back(like);
    }
  }
  if (d.pretty_name.empty()) d.pretty_name = Property(props, "syft:distro:prettyName");
  if (std::string id = Property(props, "syft:distro:id"); !id.empty()) d.family = ToLower(id);
  return d;
}

// Image identity from hullscan's or Trivy's properties of the artifact component.
void FillArtifact(inventory::Artifact& a, const Properties& props) {
  if (Property(props, "hullscan:artifact:kind") == "rootfs") a.kind = inventory::ArtifactKind::kRootfs;
  a.config_digest = Property(props, "hullscan:image:id");
  if (a.config_digest.empty()) a.config_digest = Property(props, std::string(kTrivy) + "ImageID");
  a.repo_tags = PropertyValues(props, "hullscan:image:repo_tag");
  if (a.repo_tags.empty()) a.repo_tags = PropertyValues(props, std::string(kTrivy) + "RepoTag");
  a.os = Property(props, "hullscan:image:os");
  a.architecture = Property(props, "hullscan:image:architecture");
  a.variant = Property(props, "hullscan:image:variant");
  a.created = Property(props, "hullscan:image:created");
  std::vector<std::string> diff_ids = PropertyValues(props, "hullscan:image:diff_id");
  if (diff_ids.empty()) diff_ids = PropertyValues(props, std::string(kTrivy) + "DiffID");
  for (size_t i = 0; i < diff_ids.size(); ++i) {
    inventory::LayerInfo layer;
    layer.diff_id = diff_ids[i];
    std::string prefix = "hullscan:image:layer:" + std::to_string(i) + ":";
    layer.digest = Property(props, prefix + "digest");
    layer.media_type = Property(props, prefix + "media_type");
    layer.created_by = Property(props, prefix + "created_by");
    std::string size = Property(props, prefix + "size");
    if (!size.empty() && size.size() < 19 && std::all_of(size.begin(), size.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      layer.size = std::stoll(size);
    }
    a.layers.push_back(std::move(layer));
  }
  if (a.manifest_digest.empty()) {
    // Trivy: "ubuntu@sha256:…"
    std::string repo_digest = Property(props, std::string(kTrivy) + "RepoDigest");
    if (size_t at = repo_digest.find('@'); at != std::string::npos) a.manifest_digest = repo_digest.substr(at + 1);
  }
}

// ---------------------------------------------------------------------------------------------
// CycloneDX.

Properties CdxProperties(const Json& component) {
  Properties props;
  const Json* list = Member(component, "properties");
  if (list == nullptr || !list->is_array()) return props;
  for (const Json& p : *list) {
    std::string name = StringMember(p, "name");
    if (!name.empty()) props.emplace(std::move(name), StringMember(p, "value"));
  }
  return props;
}

std::vector<std::string> CdxLicenses(const Json& component) {
  std::vector<std::string> out;
  const Json* list = Member(component, "licenses");
  if (list == nullptr || !list->is_array()) return out;
  for (const Json& entry : *list) {
    if (std::string expression = StringMember(entry, "expression"); !expression.empty()) {
      out.push_back(std::move(expression));
      continue;
    }
    const Json* license = Member(entry, "license");
    if (license == nullptr) continue;
    std::string text = StringMember(*license, "id");
    if (text.empty()) text = StringMember(*license, "name");
    if (!text.empty()) out.push_back(std::move(text));
  }
  return out;
}

std::string CdxDigest(const Json& component) {
  const Json* hashes = Member(component, "hashes");
  if (hashes == nullptr || !hashes->is_array()) return "";
  for (const Json& h : *hashes) {
    std::string alg = DigestAlgorithm(StringMember(h, "alg"));
    std::string content = StringMember(h, "content");
    if (!alg.empty() && !content.empty()) return alg + ":" + ToLower(content);
  }
  return "";
}

bool IsTrivyLangApplication(const Json& component, const Properties& props) {
  return StringMember(component, "type") == "application" && Property(props, std::string(kTrivy) + "Class") == "lang-pkgs" &&
         !IsAggregatingTrivyType(Property(props, std::string(kTrivy) + "Type"));
}

Result<inventory::Inventory> ReadCycloneDx(const Json& doc, std::string_view name, Stats& stats) {
  HS_TRY(TypedMember(doc, "serialNumber", Json::value_t::string, "bom"));
  HS_TRY(TypedMember(doc, "specVersion", Json::value_t::string, "bom"));
  HS_ASSIGN_OR_RETURN(const Json* metadata, TypedMember(doc, "metadata", Json::value_t::object, "bom"));
  HS_ASSIGN_OR_RETURN(const Json* components, TypedMember(doc, "components", Json::value_t::array, "bom"));
  HS_ASSIGN_OR_RETURN(const Json* dependencies, TypedMember(doc, "dependencies", Json::value_t::array, "bom"));

  inventory::Inventory inv;
  inv.artifact.name = std::string(name);
  if (metadata != nullptr) {
    if (const Json* root = Member(*metadata, "component"); root != nullptr && root->is_object()) {
      if (std::string n = StringMember(*root, "name"); !n.empty()) inv.artifact.name = std::move(n);
      Properties props = CdxProperties(*root);
      if (!Property(props, "hullscan:artifact:kind").empty()) {
        std::string version = StringMember(*root, "version");
        if (StartsWith(version, "sha256:")) inv.artifact.manifest_digest = version;
      }
      FillArtifact(inv.artifact, props);
    }
    for (const std::string& d : PropertyValues(CdxProperties(*metadata), "hullscan:diagnostic")) {
      inv.diagnostics.push_back({"", "", d});
    }
  }

  // Trivy: application components name the file their packages came from; the dependency graph
  // links them to their packages, directly or (Go binaries: app -> main module -> modules)
  // through other packages. Breadth-first, each ref visited once: the graph may have cycles.
  std::map<std::string, std::vector<std::string>> depends_on;
  if (dependencies != nullptr) {
    for (const Json& dep : *dependencies) {
      const Json* on = Member(dep, "dependsOn");
      if (on == nullptr || !on->is_array()) continue;
      std::vector<std::string>& list = depends_on[StringMember(dep, "ref")];
      for (const Json& ref : *on) {
        if (ref.is_string()) list.push_back(ref.get<std::string>());
      }
    }
  }
  std::map<std::string, std::string> parent_path_of_ref;
  if (components != nullptr) {
    for (const Json& c : *components) {
      if (!IsTrivyLangApplication(c, CdxProperties(c))) continue;
      std::string path = StringMember(c, "name");
      std::vector<std::string> queue = {StringMember(c, "bom-ref")};
      for (size_t i = 0; i < queue.size(); ++i) {
        auto it = depends_on.find(queue[i]);
        if (it == depends_on.end()) continue;
        for (const std::string& ref : it->second) {
          if (parent_path_of_ref.emplace(ref, path).second) queue.push_back(ref);
        }
      }
    }
  }

  // Walk components and their nested components without recursion.
  struct Pending {
    const Json* component;
    size_t depth;
    std::string parent_path;
  };
  std::vector<Pending> stack;
  if (components != nullptr) {
    for (auto it = components->rbegin(); it != components->rend(); ++it) stack.push_back({&*it, 1, ""});
  }
  std::optional<inventory::Distro> os_component;
  while (!stack.empty()) {
    Pending item = std::move(stack.back());
    stack.pop_back();
    const Json& c = *item.component;
    if (!c.is_object()) {
      ++stats.malformed;
      continue;
    }
    Properties props = CdxProperties(c);
    std::string type = StringMember(c, "type");
    if (const Json* children = Member(c, "components"); children != nullptr && children->is_array()) {
      if (item.depth >= kMaxComponentDepth) {
        stats.too_deep += static_cast<int>(children->size());
      } else {
        std::string child_parent = IsTrivyLangApplication(c, props) ? StringMember(c, "name") : item.parent_path;
        for (auto it = children->rbegin(); it != children->rend(); ++it) {
          stack.push_back({&*it, item.depth + 1, child_parent});
        }
      }
    }
    if (type == "operating-system") {
      if (!os_component) {
        os_component = DistroOfComponent(StringMember(c, "name"), StringMember(c, "version"),
                                         StringMember(c, "description"), StringMember(c, "cpe"), props);
      }
      continue;
    }
    Record r;
    r.purl = StringMember(c, "purl");
    r.name = StringMember(c, "name");
    if (r.purl.empty()) {
      if (type == "library" || type == "framework") {
        ++stats.without_purl;
        stats.without_purl_names.push_back(r.name);
      }
      continue;
    }
    r.version = StringMember(c, "version");
    r.props = std::move(props);
    r.licenses = CdxLicenses(c);
    r.digest = CdxDigest(c);
    r.parent_path = item.parent_path;
    if (r.parent_path.empty()) {
      if (auto it = parent_path_of_ref.find(StringMember(c, "bom-ref")); it != parent_path_of_ref.end()) {
        r.parent_path = it->second;
      }
    }
    if (std::optional<inventory::Package> p = ToPackage(r, stats)) inv.packages.push_back(std::move(*p));
  }
  if (os_component && !os_component->family.empty()) inv.distro = std::move(os_component);
  return inv;
}

// ---------------------------------------------------------------------------------------------
// SPDX 2.x.

Properties SpdxProperties(const Json& package) {
  Properties props;
  if (const Json* notes = Member(package, "annotations"); notes != nullptr && notes->is_array()) {
    for (const Json& note : *notes) AddAnnotation(props, StringMember(note, "comment"));
  }
  // Older Trivy SPDX put the same "Name: value" texts in attributionTexts.
  if (const Json* texts = Member(package, "attributionTexts"); texts != nullptr && texts->is_array()) {
    for (const Json& text : *texts) AddAnnotation(props, String(&text));
  }
  return props;
}

std::string SpdxPurl(const Json& package) {
  const Json* refs = Member(package, "externalRefs");
  if (refs == nullptr || !refs->is_array()) return "";
  for (const Json& ref : *refs) {
    if (StringMember(ref, "referenceType") == "purl") return StringMember(ref, "referenceLocator");
  }
  return "";
}

std::string SpdxCpe(const Json& package) {
  const Json* refs = Member(package, "externalRefs");
  if (refs == nullptr || !refs->is_array()) return "";
  for (const Json& ref : *refs) {
    std::string type = StringMember(ref, "referenceType");
    if (type == "cpe23Type" || type == "cpe22Type") return StringMember(ref, "referenceLocator");
  }
  return "";
}

constexpr std::string_view kRecordedLicenses = "licenses as recorded by the package manager: ";

std::vector<std::string> SpdxLicenses(const Json& package) {
  std::vector<std::string> out;
  std::string comments = StringMember(package, "licenseComments");
  if (StartsWith(comments, kRecordedLicenses)) {
    for (std::string_view l : Split(std::string_view(comments).substr(kRecordedLicenses.size()), ';')) {
      if (!TrimSpace(l).empty()) out.emplace_back(TrimSpace(l));
    }
    return out;
  }
  std::string declared = StringMember(package, "licenseDeclared");
  if (declared.empty() || declared == "NOASSERTION" || declared == "NONE") declared = StringMember(package, "licenseConcluded");
  if (!declared.empty() && declared != "NOASSERTION" && declared != "NONE") out.push_back(std::move(declared));
  return out;
}

std::string SpdxDigest(const Json& package) {
  const Json* sums = Member(package, "checksums");
  if (sums == nullptr || !sums->is_array()) return "";
  for (const Json& sum : *sums) {
    std::string alg = DigestAlgorithm(StringMember(sum, "algorithm"));
    std::string value = StringMember(sum, "checksumValue");
    if (!alg.empty() && !value.empty()) return alg + ":" + ToLower(value);
  }
  return "";
}

Result<inventory::Inventory> ReadSpdx(const Json& doc, std::string_view name, Stats& stats) {
  HS_ASSIGN_OR_RETURN(const Json* packages, TypedMember(doc, "packages", Json::value_t::array, "document"));
  HS_ASSIGN_OR_RETURN(const Json* relationships, TypedMember(doc, "relationships", Json::value_t::array, "document"));
  HS_TRY(TypedMember(doc, "name", Json::value_t::string, "document"));

  inventory::Inventory inv;
  inv.artifact.name = StringMember(doc, "name");
  if (inv.artifact.name.empty()) inv.artifact.name = std::string(name);
  if (const Json* notes = Member(doc, "annotations"); notes != nullptr && notes->is_array()) {
    Properties props;
    for (const Json& note : *notes) AddAnnotation(props, StringMember(note, "comment"));
    for (const std::string& d : PropertyValues(props, "hullscan:diagnostic")) inv.diagnostics.push_back({"", "", d});
  }

  // What the document describes (the image), and which application holds which package (Trivy).
  std::set<std::string> described;
  if (const Json* list = Member(doc, "documentDescribes"); list != nullptr && list->is_array()) {
    for (const Json& id : *list) described.insert(String(&id));
  }
  std::multimap<std::string, std::string> children;  // parent SPDXID -> child SPDXID
  if (relationships != nullptr) {
    for (const Json& rel : *relationships) {
      std::string from = StringMember(rel, "spdxElementId");
      std::string type = StringMember(rel, "relationshipType");
      std::string to = StringMember(rel, "relatedSpdxElement");
      if (from == "SPDXRef-DOCUMENT" && type == "DESCRIBES") described.insert(to);
      if (type == "CONTAINS" || type == "DEPENDS_ON") children.emplace(from, to);
    }
  }
  std::map<std::string, std::string> file_names;  // file SPDXID -> fileName
  if (const Json* files = Member(doc, "files"); files != nullptr && files->is_array()) {
    for (const Json& f : *files) file_names.emplace(StringMember(f, "SPDXID"), StringMember(f, "fileName"));
  }
  auto own_file = [&](const Json& pkg, const std::string& id) -> std::string {
    if (const Json* files = Member(pkg, "files"); files != nullptr && files->is_array() && !files->empty()) {
      return StringMember(files->front(), "fileName");
    }
    if (const Json* has = Member(pkg, "hasFiles"); has != nullptr && has->is_array()) {
      for (const Json& ref : *has) {
        if (auto it = file_names.find(String(&ref)); it != file_names.end()) return it->second;
      }
    }
    auto [begin, end] = children.equal_range(id);
    for (auto it = begin; it != end; ++it) {
      if (auto f = file_names.find(it->second); f != file_names.end()) return f->second;
    }
    return "";
  };
  std::map<std::string, std::string> parent_path_of_id;
  if (packages != nullptr) {
    for (const Json& pkg : *packages) {
      std::string id = StringMember(pkg, "SPDXID");
      if (!StartsWith(id, "SPDXRef-Application") || !SpdxPurl(pkg).empty()) continue;
      if (IsAggregatingTrivyType(StringMember(pkg, "name"))) continue;
      std::string path = StringMember(pkg, "sourceInfo");
      if (path.empty()) continue;
      auto [begin, end] = children.equal_range(id);
      for (auto it = begin; it != end; ++it) parent_path_of_id.emplace(it->second, path);
    }
  }

  bool artifact_seen = false;
  if (packages != nullptr) {
    for (const Json& pkg : *packages) {
      if (!pkg.is_object()) {
        ++stats.malformed;
        continue;
      }
      std::string id = StringMember(pkg, "SPDXID");
      std::string purpose = StringMember(pkg, "primaryPackagePurpose");
      Properties props = SpdxProperties(pkg);
      std::string purl = SpdxPurl(pkg);
      bool is_described = described.count(id) != 0;
      if (is_described && !artifact_seen) {
        artifact_seen = true;
        std::string version = StringMember(pkg, "versionInfo");
        if (!Property(props, "hullscan:artifact:kind").empty() && StartsWith(version, "sha256:")) {
          inv.artifact.manifest_digest = version;
        }
        FillArtifact(inv.artifact, props);
      }
      if (purpose == "OPERATING_SYSTEM" || StartsWith(id, "SPDXRef-OperatingSystem")) {
        if (!inv.distro) {
          inv.distro = DistroOfComponent(StringMember(pkg, "name"), StringMember(pkg, "versionInfo"),
                                         StringMember(pkg, "description"), SpdxCpe(pkg), props);
          if (inv.distro->family.empty()) inv.distro.reset();
        }
        continue;
      }
      if (purl.empty()) {
        // The image itself, Trivy's application entries and files carry no purl on purpose.
        bool structural = is_described || StartsWith(id, "SPDXRef-Application") || purpose == "CONTAINER" ||
                          purpose == "FILE" || purpose == "SOURCE";
        if (!structural) {
          ++stats.without_purl;
          stats.without_purl_names.push_back(StringMember(pkg, "name"));
        }
        continue;
      }
      if (is_described) {
        // A described package is a package only when it is one hullscan can match (not "pkg:oci/…").
        std::optional<inventory::ParsedPurl> parsed = inventory::ParsePurl(purl);
        if (!parsed || !PackageTypeOfPurl(parsed->type)) continue;
      }
      Record r;
      r.purl = std::move(purl);
      r.name = StringMember(pkg, "name");
      r.version = StringMember(pkg, "versionInfo");
      r.props = std::move(props);
      r.licenses = SpdxLicenses(pkg);
      r.digest = SpdxDigest(pkg);
      r.supplier = StringMember(pkg, "supplier");
      r.source_info = StringMember(pkg, "sourceInfo");
      r.own_file = own_file(pkg, id);
      if (auto it = parent_path_of_id.find(id); it != parent_path_of_id.end()) r.parent_path = it->second;
      if (std::optional<inventory::Package> p = ToPackage(r, stats)) inv.packages.push_back(std::move(*p));
    }
  }
  return inv;
}

// ---------------------------------------------------------------------------------------------

std::string Examples(const std::vector<std::string>& items) {
  std::string out;
  for (size_t i = 0; i < items.size() && i < kMaxExamplesInMessage; ++i) {
    out += (i == 0 ? ": " : ", ") + QuoteForMessage(items[i]);
  }
  if (items.size() > kMaxExamplesInMessage) out += ", …";
  return out;
}

// The distro when the document has no OS component: the purls' "distro" qualifier.
void FillDistroFromPurls(inventory::Inventory& inv) {
  if (inv.distro) return;
  for (const inventory::Package& p : inv.packages) {
    if (!inventory::IsOsPackage(p.type)) continue;
    std::optional<inventory::ParsedPurl> purl = inventory::ParsePurl(p.purl);
    if (!purl || purl->qualifiers.count("distro") == 0) continue;
    if (auto distro = DistroOfQualifier(purl->qualifiers.at("distro"), purl->namespace_)) {
      inv.distro = std::move(distro);
      return;
    }
  }
}

void AddDiagnostics(inventory::Inventory& inv, const Stats& stats, std::string_view name) {
  auto add = [&](std::string message) { inv.diagnostics.push_back({"", std::string(name), std::move(message)}); };
  if (!stats.unsupported_types.empty()) {
    int total = 0;
    std::string types;
    for (const auto& [type, count] : stats.unsupported_types) {
      total += count;
      types += (types.empty() ? "" : ", ") + QuoteForMessage(type) + " ×" + std::to_string(count);
    }
    add("skipped " + std::to_string(total) + " component(s) whose purl type hullscan does not match: " + types);
  }
  if (!stats.invalid_purls.empty()) {
    add("skipped " + std::to_string(stats.invalid_purls.size()) + " component(s) with an invalid purl" +
        Examples(stats.invalid_purls));
  }
  if (stats.without_purl > 0) {
    add("skipped " + std::to_string(stats.without_purl) + " package(s) without a purl" +
        Examples(stats.without_purl_names));
  }
  if (stats.too_deep > 0) {
    add("skipped " + std::to_string(stats.too_deep) + " component(s), with all nested in them, below nesting level " +
        std::to_string(kMaxComponentDepth));
  }
  if (stats.malformed > 0) add("skipped " + std::to_string(stats.malformed) + " component(s) that are not JSON objects");
}

std::string_view SkipBomAndSpace(std::string_view s) {
  if (StartsWith(s, "\xEF\xBB\xBF")) s.remove_prefix(3);
  while (!s.empty() && (s[0] == ' ' || s[0] == '\t' || s[0] == '\n' || s[0] == '\r')) s.remove_prefix(1);
  return s;
}

}  // namespace

bool LooksLikeSbom(std::string_view head) {
  head = SkipBomAndSpace(head);
  if (head.empty() || head[0] != '{') return false;
  return head.find("\"bomFormat\"") != std::string_view::npos ||
         head.find("\"spdxVersion\"") != std::string_view::npos ||
         head.find("\"SPDXRef-DOCUMENT\"") != std::string_view::npos;
}

Result<inventory::Inventory> ReadSbom(std::string_view content, std::string_view name) {
  std::string_view text = SkipBomAndSpace(content);
  if (StartsWith(text, "<")) return Unsupported("XML SBOMs are not supported; use CycloneDX or SPDX JSON");
  if (StartsWith(text, "SPDXVersion:")) return Unsupported("SPDX tag-value is not supported; use SPDX JSON");
  if (JsonDepth(text) > kMaxJsonDepth) {
    return LimitExceeded("JSON nested deeper than " + std::to_string(kMaxJsonDepth) + " levels");
  }
  Json doc;
  try {
    doc = Json::parse(text.begin(), text.end());
  } catch (const Json::exception& e) {
    return Corrupt(std::string("invalid JSON: ") + e.what());
  }
  if (!doc.is_object()) return Unsupported("not a CycloneDX or SPDX document: the JSON is not an object");

  Stats stats;
  inventory::Inventory inv;
  if (const Json* format = Member(doc, "bomFormat"); format != nullptr) {
    if (String(format) != "CycloneDX") {
      return Unsupported("bomFormat " + QuoteForMessage(format->is_string() ? String(format) : format->dump()) +
                         " is not CycloneDX");
    }
    HS_ASSIGN_OR_RETURN(inv, ReadCycloneDx(doc, name, stats));
  } else if (const Json* version = Member(doc, "spdxVersion"); version != nullptr) {
    std::string v = String(version);
    if (!StartsWith(v, "SPDX-2.")) return Unsupported("spdxVersion " + QuoteForMessage(v) + " is not SPDX 2.x");
    HS_ASSIGN_OR_RETURN(inv, ReadSpdx(doc, name, stats));
  } else if (Member(doc, "@context") != nullptr) {
    return Unsupported("SPDX 3 (JSON-LD) is not supported; use SPDX 2.x JSON");
  } else {
    return Unsupported("not a CycloneDX or SPDX document: no bomFormat or spdxVersion");
  }
  FillDistroFromPurls(inv);
  AddDiagnostics(inv, stats, name);
  inventory::Canonicalize(inv);
  return inv;
}

}  // namespace hullscan::bom
