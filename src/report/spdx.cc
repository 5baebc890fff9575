// SPDX 2.3 JSON. One SPDX package for the image (CONTAINER), one for the distro (OPERATING_SYSTEM)
// and one per inventory package (LIBRARY), linked DOCUMENT DESCRIBES image, image CONTAINS OS,
// OS CONTAINS package, as Trivy links them. Facts SPDX has no field for are package annotations
// whose comment is "<name>: <value>" with the property names of the CycloneDX output.
// Field mapping: docs/output-formats.md.
#include <algorithm>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "base/strings.h"
#include "report/internal/json_util.h"
#include "report/internal/model.h"
#include "report/internal/spdx_license.h"
#include "report/internal/writers.h"

namespace hullscan::report::internal {
namespace {

constexpr std::string_view kNoAssertion = "NOASSERTION";
constexpr std::string_view kNamespaceBase = "https://hullscan.dev/spdx/";
constexpr size_t kMaxIdLabel = 60;  // keeps SPDXIDs readable for very long package names

// SPDX idstring characters are [A-Za-z0-9.-]; everything else becomes '-', runs collapse.
std::string IdLabel(std::string_view text, size_t max_length = kMaxIdLabel) {
  std::string out;
  for (char c : text) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-';
    char ch = ok ? c : '-';
    if (ch == '-' && (out.empty() || out.back() == '-')) continue;
    out.push_back(ch);
    if (out.size() >= max_length) break;
  }
  while (!out.empty() && out.back() == '-') out.pop_back();
  return out;
}

// Agent fields (supplier) are one line.
std::string OneLine(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  }
  return out;
}

// "Name <mail@example.org>" -> "Person: Name (mail@example.org)", SPDX's agent syntax.
std::string Agent(std::string_view kind, std::string_view who) {
  std::string text = OneLine(who);
  size_t lt = text.find('<');
  size_t gt = text.rfind('>');
  if (lt != std::string::npos && gt != std::string::npos && gt > lt) {
    std::string name(TrimSpace(std::string_view(text).substr(0, lt)));
    std::string mail = text.substr(lt + 1, gt - lt - 1);
    text = name.empty() ? "(" + mail + ")" : name + " (" + mail + ")";
  }
  return std::string(kind) + ": " + text;
}

std::string_view SpdxChecksumAlgorithm(std::string_view algorithm) {
  if (algorithm == "md5") return "MD5";
  if (algorithm == "sha1") return "SHA1";
  if (algorithm == "sha256") return "SHA256";
  if (algorithm == "sha512") return "SHA512";
  return "";
}

Json ChecksumsOf(std::string_view digest) {
  SplitDigest d = SplitDigestText(digest);
  if (!IsHexOfAlgorithm(d) || SpdxChecksumAlgorithm(d.algorithm).empty()) return nullptr;
  return Json::array({Json{{"algorithm", SpdxChecksumAlgorithm(d.algorithm)}, {"checksumValue", d.hex}}});
}

class SpdxWriter {
 public:
  SpdxWriter(const ReportModel& model, const Options& options)
      : model_(model),
        options_(options),
        annotator_("Tool: " + options.tool_name + (options.tool_version.empty() ? "" : "-" + options.tool_version)) {}

  std::string Render() {
    const inventory::Artifact& a = inv().artifact;
    std::string name = a.name.empty() ? model_.image.purl_name : a.name;
    if (name.empty()) name = "unnamed";

    Json doc;
    doc["spdxVersion"] = "SPDX-2.3";
    doc["dataLicense"] = "CC0-1.0";
    doc["SPDXID"] = "SPDXRef-DOCUMENT";
    doc["name"] = name;
    doc["documentNamespace"] = "";  // placeholder, keeps the key's place; filled in below
    doc["creationInfo"] = Json{{"creators", Json::array({annotator_})},
                               {"created", options_.timestamp},
                               {"licenseListVersion", SpdxLicenseListVersion()}};
    Json annotations = Json::array();
    for (const inventory::Diagnostic& d : inv().diagnostics) {
      annotations.push_back(Annotation("hullscan:diagnostic", DiagnosticText(d)));
    }
    if (!annotations.empty()) doc["annotations"] = std::move(annotations);

    Json packages = Json::array();
    Json relationships = Json::array();
    std::string artifact_id = UniqueId(a.kind == inventory::ArtifactKind::kImage ? "ContainerImage" : "Filesystem",
                                       model_.image.purl_name, model_.artifact_ref);
    packages.push_back(ArtifactPackage(name, artifact_id));
    relationships.push_back(Relationship("SPDXRef-DOCUMENT", "DESCRIBES", artifact_id));

    std::string parent_id = artifact_id;
    if (inv().distro) {
      const inventory::Distro& distro = *inv().distro;
      std::string os_id = UniqueId("OperatingSystem", distro.family + "-" + distro.version, model_.os_ref);
      packages.push_back(OsPackage(distro, os_id));
      relationships.push_back(Relationship(artifact_id, "CONTAINS", os_id));
      parent_id = os_id;
    }
    for (const PackageView& view : model_.packages) {
      const inventory::Package& p = *view.package;
      std::string id = UniqueId("Package", std::string(inventory::PackageTypeName(p.type)) + "-" + p.name, view.ref);
      packages.push_back(Package(view, id));
      relationships.push_back(Relationship(parent_id, "CONTAINS", id));
    }
    // (issue 4: vulnerabilities are not part of SPDX 2.3; they go to the other formats)
    doc["packages"] = std::move(packages);
    doc["relationships"] = std::move(relationships);

    // Any URI unique to this document will do; derived from the content so runs are reproducible.
    doc["documentNamespace"] = std::string(kNamespaceBase) + NamespaceLabel() + ContentUuid(DumpJson(doc));
    return DumpJson(doc);
  }

 private:
  const inventory::Inventory& inv() const { return *model_.inventory; }

  std::string NamespaceLabel() const {
    std::string label = IdLabel(model_.image.purl_name, 40);
    return label.empty() ? "" : label + "-";
  }

  // "SPDXRef-<kind>-<label>-<16 hex of the unique ref>": readable, valid and unique.
  std::string UniqueId(std::string_view kind, std::string_view label, std::string_view unique_key) {
    std::string id = "SPDXRef-" + std::string(kind);
    if (std::string l = IdLabel(label); !l.empty()) id += "-" + l;
    id += "-" + Sha256Hex(unique_key).substr(0, 16);
    std::string base = id;
    for (int n = 2; used_ids_.count(id) != 0; ++n) id = base + "-" + std::to_string(n);
    used_ids_.insert(id);
    return id;
  }

  Json Annotation(std::string_view name, std::string_view value) const {
    return Json{{"annotationDate", options_.timestamp},
                {"annotationType", "OTHER"},
                {"annotator", annotator_},
                {"comment", std::string(name) + ": " + std::string(value)}};
  }

  void Annotate(Json& list, std::string_view name, std::string_view value) const {
    if (!value.empty()) list.push_back(Annotation(name, value));
  }

  static Json Relationship(std::string_view from, std::string_view type, std::string_view to) {
    return Json{{"spdxElementId", from}, {"relationshipType", type}, {"relatedSpdxElement", to}};
  }

  // The fields every package of ours has the same way: nothing downloaded, no files analysed, no
  // licence concluded, no copyright text read.
  static void Unasserted(Json& p) {
    p["downloadLocation"] = kNoAssertion;
    p["filesAnalyzed"] = false;
  }

  Json ArtifactPackage(const std::string& name, const std::string& id) {
    const inventory::Artifact& a = inv().artifact;
    Json p{{"name", name}, {"SPDXID", id}};
    if (!a.manifest_digest.empty()) p["versionInfo"] = a.manifest_digest;
    Unasserted(p);
    if (Json checksums = ChecksumsOf(a.manifest_digest); !checksums.is_null()) p["checksums"] = std::move(checksums);
    p["licenseConcluded"] = kNoAssertion;
    p["licenseDeclared"] = kNoAssertion;
    p["copyrightText"] = kNoAssertion;
    if (!model_.image.purl.empty()) p["externalRefs"] = PurlRefs(model_.image.purl);
    // SPDX has no purpose for a directory tree; OTHER rather than pretending it is a container.
    p["primaryPackagePurpose"] = a.kind == inventory::ArtifactKind::kImage ? "CONTAINER" : "OTHER";

    Json notes = Json::array();
    Annotate(notes, "hullscan:artifact:kind", ArtifactKindName(a.kind));
    Annotate(notes, "hullscan:image:id", a.config_digest);
    Annotate(notes, "hullscan:image:repo_digest", model_.image.repo_digest);
    std::vector<std::string> tags = a.repo_tags;
    std::sort(tags.begin(), tags.end());
    for (const std::string& tag : tags) Annotate(notes, "hullscan:image:repo_tag", tag);
    Annotate(notes, "hullscan:image:os", a.os);
    Annotate(notes, "hullscan:image:architecture", a.architecture);
    Annotate(notes, "hullscan:image:variant", a.variant);
    Annotate(notes, "hullscan:image:created", a.created);
    for (const inventory::LayerInfo& layer : a.layers) Annotate(notes, "hullscan:image:diff_id", layer.diff_id);
    for (size_t i = 0; i < a.layers.size(); ++i) {
      const inventory::LayerInfo& layer = a.layers[i];
      std::string prefix = "hullscan:image:layer:" + std::to_string(i) + ":";
      Annotate(notes, prefix + "digest", layer.digest);
      Annotate(notes, prefix + "media_type", layer.media_type);
      if (layer.size > 0) Annotate(notes, prefix + "size", std::to_string(layer.size));
      Annotate(notes, prefix + "created_by", layer.created_by);
    }
    if (!notes.empty()) p["annotations"] = std::move(notes);
    return p;
  }

  Json OsPackage(const inventory::Distro& distro, const std::string& id) {
    Json p{{"name", distro.family}, {"SPDXID", id}};
    if (!distro.version.empty()) p["versionInfo"] = distro.version;
    Unasserted(p);
    p["licenseConcluded"] = kNoAssertion;
    p["licenseDeclared"] = kNoAssertion;
    p["copyrightText"] = kNoAssertion;
    if (!distro.pretty_name.empty()) p["description"] = distro.pretty_name;
    if (!distro.cpe.empty()) {
      // os-release's CPE_NAME is mostly CPE 2.2 ("cpe:/o:redhat:…"); SPDX names both forms.
      std::string_view type = StartsWith(distro.cpe, "cpe:2.3:") ? "cpe23Type" : "cpe22Type";
      p["externalRefs"] = Json::array({Json{
          {"referenceCategory", "SECURITY"}, {"referenceType", type}, {"referenceLocator", OneLine(distro.cpe)}}});
    }
    p["primaryPackagePurpose"] = "OPERATING_SYSTEM";
    Json notes = Json::array();
    Annotate(notes, "hullscan:os:codename", distro.codename);
    Annotate(notes, "hullscan:os:version_id", distro.version_id);
    for (const std::string& like : distro.id_like) Annotate(notes, "hullscan:os:id_like", like);
    Annotate(notes, "hullscan:os:variant", distro.variant);
    Annotate(notes, "hullscan:os:source_path", distro.source_path);
    if (!notes.empty()) p["annotations"] = std::move(notes);
    return p;
  }

  Json Package(const PackageView& view, const std::string& id) {
    const inventory::Package& pkg = *view.package;
    Json p{{"name", pkg.name}, {"SPDXID", id}};
    if (!pkg.version.empty()) p["versionInfo"] = pkg.version;
    if (!pkg.vendor.empty()) {
      p["supplier"] = Agent("Organization", pkg.vendor);
    } else if (!pkg.maintainer.empty()) {
      p["supplier"] = Agent("Person", pkg.maintainer);  // as Syft writes dpkg/apk maintainers
    }
    Unasserted(p);
    Json checksums = ChecksumsOf(pkg.digest);
    if (!checksums.is_null()) p["checksums"] = checksums;
    if (!pkg.source_rpm.empty()) {
      p["sourceInfo"] = "built package from: " + pkg.source_rpm;
    } else if (!pkg.source_name.empty()) {
      std::string source = pkg.source_name;
      if (!pkg.source_version.empty()) source += " " + pkg.source_version;
      p["sourceInfo"] = "built package from: " + source;  // Trivy's wording
    }
    // Concluded is the document author's own conclusion, which a scanner does not draw.
    p["licenseConcluded"] = kNoAssertion;
    std::optional<std::string> declared = SpdxDeclaredLicense(pkg.licenses);
    p["licenseDeclared"] = declared ? *declared : std::string(kNoAssertion);
    if (!declared) {
      std::string recorded;
      for (const std::string& l : pkg.licenses) {
        if (TrimSpace(l).empty()) continue;
        if (!recorded.empty()) recorded += "; ";
        recorded += std::string(TrimSpace(l));
      }
      if (!recorded.empty()) p["licenseComments"] = "licenses as recorded by the package manager: " + recorded;
    }
    p["copyrightText"] = kNoAssertion;
    p["externalRefs"] = PurlRefs(view.purl);
    p["primaryPackagePurpose"] = "LIBRARY";  // as Trivy marks OS packages

    Json notes = Json::array();
    Annotate(notes, "hullscan:package:type", inventory::PackageTypeName(pkg.type));
    Annotate(notes, "hullscan:package:arch", pkg.arch);
    Annotate(notes, "hullscan:package:source_name", pkg.source_name);
    Annotate(notes, "hullscan:package:source_version", pkg.source_version);
    Annotate(notes, "hullscan:package:modularity_label", pkg.modularity_label);
    if (checksums.is_null()) Annotate(notes, "hullscan:package:digest", pkg.digest);
    Annotate(notes, "hullscan:package:layer_diff_id", pkg.location.layer_diff_id);
    Annotate(notes, "hullscan:package:path", pkg.location.path);
    if (!notes.empty()) p["annotations"] = std::move(notes);
    return p;
  }

  static Json PurlRefs(const std::string& purl) {
    return Json::array(
        {Json{{"referenceCategory", "PACKAGE-MANAGER"}, {"referenceType", "purl"}, {"referenceLocator", purl}}});
  }

  const ReportModel& model_;
  const Options& options_;
  std::string annotator_;
  std::set<std::string> used_ids_ = {"SPDXRef-DOCUMENT"};
};

}  // namespace

Status WriteSpdxJson(const ReportModel& model, const Options& options, std::ostream& out) {
  out << SpdxWriter(model, options).Render();
  return OkStatus();
}

}  // namespace hullscan::report::internal
