// CycloneDX 1.6 JSON. Shape follows Trivy's container SBOMs so that tools reading those read ours:
// metadata.component is the image, an "operating-system" component stands for the distro, one
// "library" component per package, and dependencies image -> OS -> packages. Property names use the
// "hullscan:" namespace. Field mapping: docs/output-formats.md.
#include <algorithm>
#include <string>
#include <vector>

#include "report/internal/json_util.h"
#include "report/internal/model.h"
#include "report/internal/spdx_license.h"
#include "report/internal/writers.h"

namespace hullscan::report::internal {
namespace {

constexpr std::string_view kSchemaUri = "http://cyclonedx.org/schema/bom-1.6.schema.json";
constexpr size_t kMaxVersionLength = 1024;  // the schema's maxLength for component versions

// CycloneDX's hash-alg names for the digest algorithms we meet; empty for others.
std::string_view CdxHashAlgorithm(std::string_view algorithm) {
  if (algorithm == "md5") return "MD5";
  if (algorithm == "sha1") return "SHA-1";
  if (algorithm == "sha256") return "SHA-256";
  if (algorithm == "sha512") return "SHA-512";
  return "";
}

// [{"alg": "SHA-256", "content": "…"}] for a digest CycloneDX can carry, else null.
Json HashesOf(std::string_view digest) {
  SplitDigest d = SplitDigestText(digest);
  if (!IsHexOfAlgorithm(d) || CdxHashAlgorithm(d.algorithm).empty()) return nullptr;
  return Json::array({Json{{"alg", CdxHashAlgorithm(d.algorithm)}, {"content", d.hex}}});
}

class Properties {
 public:
  // Empty values are left out, as Trivy does: an absent property and an empty one mean the same.
  void Add(std::string_view name, std::string_view value) {
    if (!value.empty()) list_.push_back(Json{{"name", name}, {"value", value}});
  }
  bool empty() const { return list_.empty(); }
  Json Take() { return std::move(list_); }

 private:
  Json list_ = Json::array();
};

class CycloneDxWriter {
 public:
  CycloneDxWriter(const ReportModel& model, const Options& options) : model_(model), options_(options) {}

  std::string Render() {
    Json doc;
    doc["$schema"] = kSchemaUri;
    doc["bomFormat"] = "CycloneDX";
    doc["specVersion"] = "1.6";
    doc["serialNumber"] = "";  // placeholder, keeps the key's place; filled in below
    doc["version"] = 1;
    doc["metadata"] = Metadata();
    doc["components"] = Components();
    doc["dependencies"] = Dependencies();
    // (issue 4 adds "vulnerabilities" here)

    // The serial number is derived from everything else, timestamp included: a fixed
    // SOURCE_DATE_EPOCH gives identical bytes, different runs at different times still differ.
    doc["serialNumber"] = "urn:uuid:" + ContentUuid(DumpJson(doc));
    return DumpJson(doc);
  }

 private:
  const inventory::Inventory& inv() const { return *model_.inventory; }

  Json Metadata() {
    Json tool{{"type", "application"}, {"name", options_.tool_name}};
    if (!options_.tool_version.empty()) tool["version"] = options_.tool_version;
    Json metadata{{"timestamp", options_.timestamp},
                  {"tools", Json{{"components", Json::array({tool})}}},
                  {"component", ArtifactComponent()}};
    // Diagnostics tell a reader the inventory may be incomplete (a database that could not be read).
    Properties props;
    for (const inventory::Diagnostic& d : inv().diagnostics) props.Add("hullscan:diagnostic", DiagnosticText(d));
    if (!props.empty()) metadata["properties"] = props.Take();
    return metadata;
  }

  Json ArtifactComponent() {
    const inventory::Artifact& a = inv().artifact;
    bool image = a.kind == inventory::ArtifactKind::kImage;
    Json c;
    // A rootfs directory is not a container image; Trivy calls a scanned file system an application.
    c["type"] = image ? "container" : "application";
    c["bom-ref"] = model_.artifact_ref;
    c["name"] = a.name;
    if (!a.manifest_digest.empty()) c["version"] = a.manifest_digest;
    if (Json hashes = HashesOf(a.manifest_digest); !hashes.is_null()) c["hashes"] = std::move(hashes);
    if (!model_.image.purl.empty()) c["purl"] = model_.image.purl;

    Properties props;
    props.Add("hullscan:artifact:kind", ArtifactKindName(a.kind));
    props.Add("hullscan:image:id", a.config_digest);
    props.Add("hullscan:image:repo_digest", model_.image.repo_digest);
    std::vector<std::string> tags = a.repo_tags;
    std::sort(tags.begin(), tags.end());
    for (const std::string& tag : tags) props.Add("hullscan:image:repo_tag", tag);
    props.Add("hullscan:image:os", a.os);
    props.Add("hullscan:image:architecture", a.architecture);
    props.Add("hullscan:image:variant", a.variant);
    props.Add("hullscan:image:created", a.created);
    // One property per layer, bottom first, as Trivy lists its DiffIDs; packages point at these.
    for (const inventory::LayerInfo& layer : a.layers) props.Add("hullscan:image:diff_id", layer.diff_id);
    for (size_t i = 0; i < a.layers.size(); ++i) {
      const inventory::LayerInfo& layer = a.layers[i];
      std::string prefix = "hullscan:image:layer:" + std::to_string(i) + ":";
      props.Add(prefix + "digest", layer.digest);
      props.Add(prefix + "media_type", layer.media_type);
      if (layer.size > 0) props.Add(prefix + "size", std::to_string(layer.size));
      props.Add(prefix + "created_by", layer.created_by);
    }
    c["properties"] = props.Take();
    return c;
  }

  Json Components() {
    Json list = Json::array();
    if (inv().distro) list.push_back(OsComponent(*inv().distro));
    for (const PackageView& view : model_.packages) list.push_back(PackageComponent(view));
    return list;
  }

  Json OsComponent(const inventory::Distro& distro) {
    Json c{{"type", "operating-system"}, {"bom-ref", model_.os_ref}, {"name", distro.family}};
    if (!distro.version.empty()) c["version"] = distro.version;
    if (!distro.pretty_name.empty()) c["description"] = distro.pretty_name;
    if (!distro.cpe.empty()) c["cpe"] = distro.cpe;
    Properties props;
    props.Add("hullscan:os:codename", distro.codename);
    props.Add("hullscan:os:version_id", distro.version_id);
    for (const std::string& like : distro.id_like) props.Add("hullscan:os:id_like", like);
    props.Add("hullscan:os:variant", distro.variant);
    props.Add("hullscan:os:source_path", distro.source_path);
    if (!props.empty()) c["properties"] = props.Take();
    return c;
  }

  Json PackageComponent(const PackageView& view) {
    const inventory::Package& p = *view.package;
    Json c{{"type", "library"}, {"bom-ref", view.ref}};
    // Trivy names the maintainer as supplier; an rpm Vendor is the better answer where there is one.
    const std::string& supplier = p.vendor.empty() ? p.maintainer : p.vendor;
    if (!supplier.empty()) c["supplier"] = Json{{"name", supplier}};
    c["name"] = p.name;
    // The schema caps versions at 1024 characters; a longer (hostile) one moves to a property.
    bool version_fits = Utf16Length(ValidUtf8(p.version)) <= kMaxVersionLength;
    if (!p.version.empty() && version_fits) c["version"] = p.version;
    Json hashes = HashesOf(p.digest);
    if (!hashes.is_null()) c["hashes"] = std::move(hashes);
    if (Json licenses = Licenses(p.licenses); !licenses.empty()) c["licenses"] = std::move(licenses);
    c["purl"] = view.purl;

    Properties props;
    props.Add("hullscan:package:type", inventory::PackageTypeName(p.type));
    props.Add("hullscan:package:arch", p.arch);
    props.Add("hullscan:package:source_name", p.source_name);
    props.Add("hullscan:package:source_version", p.source_version);
    props.Add("hullscan:package:source_rpm", p.source_rpm);
    props.Add("hullscan:package:maintainer", p.maintainer);
    props.Add("hullscan:package:vendor", p.vendor);
    props.Add("hullscan:package:modularity_label", p.modularity_label);
    if (hashes.is_null()) props.Add("hullscan:package:digest", p.digest);
    if (!version_fits) props.Add("hullscan:package:version", p.version);
    props.Add("hullscan:package:layer_diff_id", p.location.layer_diff_id);
    props.Add("hullscan:package:path", p.location.path);
    c["properties"] = props.Take();
    return c;
  }

  // License choices, as Syft makes them: SPDX list identifiers as license.id, free text as
  // license.name; other SPDX expressions as one merged "expression" when the package has nothing
  // else (the schema allows an expression only as the sole entry), otherwise as names too.
  static Json Licenses(const std::vector<std::string>& recorded) {
    std::vector<ClassifiedLicense> all;
    for (const std::string& r : recorded) {
      ClassifiedLicense c = ClassifyLicense(r);
      if (c.kind == LicenseKind::kEmpty) continue;
      bool seen = std::any_of(all.begin(), all.end(),
                              [&](const ClassifiedLicense& x) { return x.kind == c.kind && x.text == c.text; });
      if (!seen) all.push_back(std::move(c));
    }
    bool only_expressions = !all.empty() && std::all_of(all.begin(), all.end(), [](const ClassifiedLicense& c) {
      return c.kind == LicenseKind::kExpression;
    });
    Json list = Json::array();
    if (only_expressions) {
      std::string merged;
      for (const ClassifiedLicense& c : all) {
        if (!merged.empty()) merged += " AND ";
        merged += (c.compound && all.size() > 1) ? "(" + c.text + ")" : c.text;
      }
      list.push_back(Json{{"expression", merged}});
      return list;
    }
    for (const ClassifiedLicense& c : all) {
      if (c.kind == LicenseKind::kId) {
        list.push_back(Json{{"license", Json{{"id", c.text}}}});
      } else {
        list.push_back(Json{{"license", Json{{"name", c.text}}}});
      }
    }
    return list;
  }

  // image -> OS -> packages, as Trivy draws it (image -> packages when no distro was detected).
  // Packages get no entry of their own: the inventory does not know their dependencies, and an
  // entry with an empty dependsOn would claim they have none.
  Json Dependencies() {
    Json package_refs = Json::array();
    for (const PackageView& view : model_.packages) package_refs.push_back(view.ref);
    Json deps = Json::array();
    if (inv().distro) {
      deps.push_back(Json{{"ref", model_.artifact_ref}, {"dependsOn", Json::array({model_.os_ref})}});
      deps.push_back(Json{{"ref", model_.os_ref}, {"dependsOn", std::move(package_refs)}});
    } else {
      deps.push_back(Json{{"ref", model_.artifact_ref}, {"dependsOn", std::move(package_refs)}});
    }
    return deps;
  }

  const ReportModel& model_;
  const Options& options_;
};

}  // namespace

Status WriteCycloneDx(const ReportModel& model, const Options& options, std::ostream& out) {
  out << CycloneDxWriter(model, options).Render();
  return OkStatus();
}

}  // namespace hullscan::report::internal
