// CycloneDX 1.6 JSON. Shape follows Trivy's container SBOMs so that tools reading those read ours:
// metadata.component is the image, an "operating-system" component stands for the distro, one
// "library" component per package, and dependencies image -> OS -> packages. Property names use the
// "hullscan:" namespace. Field mapping: docs/output-formats.md.
#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "report/internal/findings.h"
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
// CycloneDX's severity enum.
std::string_view CdxSeverity(vulndb::SeverityLevel level) {
  switch (level) {
    case vulndb::SeverityLevel::kCritical:
      return "critical";
    case vulndb::SeverityLevel::kHigh:
      return "high";
    case vulndb::SeverityLevel::kMedium:
      return "medium";
    case vulndb::SeverityLevel::kLow:
      return "low";
    case vulndb::SeverityLevel::kNegligible:
      return "info";  // Debian "unimportant", Ubuntu "negligible": informational
    case vulndb::SeverityLevel::kUnknown:
      break;
  }
  return "unknown";
}

std::string_view CdxMethod(const vulndb::Severity& s) {
  if (s.cvss_version == "3.1") return "CVSSv31";
  if (s.cvss_version == "3.0") return "CVSSv3";
  if (s.cvss_version == "2.0") return "CVSSv2";
  if (s.cvss_version == "4.0") return "CVSSv4";
  return "other";
}

// OpenVEX justification → CycloneDX impactAnalysisJustification (the mapping Trivy and the
// CISA VEX minimum-requirements document use); empty when there is no counterpart.
std::string_view CdxJustification(std::string_view openvex) {
  if (openvex == "component_not_present" || openvex == "vulnerable_code_not_present") return "code_not_present";
  if (openvex == "vulnerable_code_not_in_execute_path") return "code_not_reachable";
  if (openvex == "vulnerable_code_cannot_be_controlled_by_adversary") return "requires_environment";
  if (openvex == "inline_mitigations_already_exist") return "protected_by_mitigating_control";
  return "";
}

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
    if (model_.vulnerability_scan) doc["vulnerabilities"] = Vulnerabilities();

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

  // One entry per vulnerability id and suppression (a vulnerability hidden by VEX for one package
  // but not another needs two analyses), sorted by id; "affects" lists the packages by bom-ref.
  Json Vulnerabilities() {
    using Key = std::tuple<std::string, std::string, std::string, std::string, std::string>;
    std::map<Key, std::vector<const FindingView*>> groups;
    for (const FindingView& view : model_.findings) {
      const match::Finding& f = *view.finding;
      Key key{f.id, "", "", "", ""};
      if (f.suppressed) {
        key = {f.id, "1" + f.suppressed->kind, f.suppressed->status, f.suppressed->justification, f.suppressed->statement};
      }
      groups[key].push_back(&view);
    }
    Json list = Json::array();
    for (const auto& [key, views] : groups) list.push_back(Vulnerability(views));
    return list;
  }

  Json Vulnerability(const std::vector<const FindingView*>& views) {
    // The most severe finding describes the vulnerability (feeds rate per package in some cases).
    const match::Finding* lead = views.front()->finding;
    for (const FindingView* v : views) {
      if (v->finding->severity > lead->severity) lead = v->finding;
    }
    const match::Finding& f = *lead;
    Json v;
    v["id"] = f.id;
    Json source;
    std::string source_name = f.severity_source;
    if (source_name.empty() && !f.evidence.empty()) source_name = f.evidence.front().source;
    if (!source_name.empty()) source["name"] = source_name;
    if (IsWebUrl(f.primary_url)) source["url"] = f.primary_url;
    if (!source.empty()) v["source"] = std::move(source);

    // Ratings: every source's, once each, across the group.
    Json ratings = Json::array();
    std::set<std::tuple<std::string, int, std::string, double>> seen;
    auto add_rating = [&](const vulndb::Severity& s) {
      if (!seen.insert({s.source, static_cast<int>(s.level), s.cvss_vector, s.cvss_score}).second) return;
      Json r;
      if (!s.source.empty()) r["source"] = Json{{"name", s.source}};
      if (s.cvss_score > 0) r["score"] = s.cvss_score;
      r["severity"] = CdxSeverity(s.level);
      r["method"] = CdxMethod(s);
      if (!s.cvss_vector.empty()) r["vector"] = s.cvss_vector;
      ratings.push_back(std::move(r));
    };
    for (const FindingView* view : views) {
      for (const vulndb::Severity& s : view->finding->severities) add_rating(s);
    }
    if (ratings.empty()) {
      vulndb::Severity s;
      s.source = f.severity_source;
      s.level = f.severity;
      s.cvss_vector = f.cvss_vector;
      s.cvss_score = f.cvss_score;
      add_rating(s);
    }
    v["ratings"] = std::move(ratings);
    if (!f.description.empty() || !f.title.empty()) v["description"] = f.description.empty() ? f.title : f.description;
    if (!f.title.empty() && !f.description.empty()) v["detail"] = f.title;
    std::string recommendation;
    for (const FindingView* view : views) {
      const match::Finding& g = *view->finding;
      if (g.fixed_versions.empty()) continue;
      if (!recommendation.empty()) recommendation += "; ";
      recommendation += "Upgrade " + g.package.name + " to " + JoinVersions(g.fixed_versions);
    }
    if (!recommendation.empty()) v["recommendation"] = recommendation;
    Json advisories = Json::array();
    std::set<std::string> urls;
    if (IsWebUrl(f.primary_url)) urls.insert(f.primary_url);
    for (const std::string& url : f.references) {
      if (IsWebUrl(url)) urls.insert(url);
    }
    for (const std::string& url : urls) advisories.push_back(Json{{"url", url}});
    if (!advisories.empty()) v["advisories"] = std::move(advisories);
    if (auto t = DateTime(f.published)) v["published"] = *t;
    if (auto t = DateTime(f.modified)) v["updated"] = *t;
    if (f.suppressed) v["analysis"] = Analysis(*f.suppressed);

    std::map<std::string, Json> affects;  // by ref: unique and sorted
    for (const FindingView* view : views) {
      const match::Finding& g = *view->finding;
      Json versions = Json::array();
      auto add_version = [&](const std::string& version, std::string_view status) {
        if (version.empty() || Utf16Length(ValidUtf8(version)) > kMaxVersionLength) return;
        Json entry{{"version", version}, {"status", status}};
        if (std::find(versions.begin(), versions.end(), entry) == versions.end()) versions.push_back(std::move(entry));
      };
      add_version(g.installed_version, "affected");
      for (const std::string& fixed : g.fixed_versions) add_version(fixed, "unaffected");
      Json entry{{"ref", view->package_ref}};
      if (!versions.empty()) entry["versions"] = std::move(versions);
      affects.emplace(view->package_ref, std::move(entry));
    }
    Json affects_list = Json::array();
    for (auto& [ref, entry] : affects) affects_list.push_back(std::move(entry));
    v["affects"] = std::move(affects_list);

    Properties props;
    if (f.kev) {
      props.Add("hullscan:vulnerability:kev", "true");
      props.Add("hullscan:vulnerability:kev_date_added", f.kev_date_added);
    }
    if (f.epss_score >= 0) {
      props.Add("hullscan:vulnerability:epss_score", fmt::format("{}", f.epss_score));
      if (f.epss_percentile >= 0) props.Add("hullscan:vulnerability:epss_percentile", fmt::format("{}", f.epss_percentile));
    }
    props.Add("hullscan:vulnerability:status", vulndb::FixStateName(f.status));
    std::vector<std::string> aliases = f.aliases;
    std::sort(aliases.begin(), aliases.end());
    for (const std::string& alias : aliases) props.Add("hullscan:vulnerability:alias", alias);
    if (!props.empty()) v["properties"] = props.Take();
    return v;
  }

  static Json Analysis(const match::Suppression& s) {
    Json analysis;
    if (s.kind == "vex") {
      analysis["state"] = s.status == "fixed" ? "resolved" : "not_affected";
      if (std::string_view j = CdxJustification(s.justification); !j.empty()) analysis["justification"] = j;
      std::string detail = s.statement;
      if (!s.justification.empty() && CdxJustification(s.justification).empty()) {
        detail = s.justification + (detail.empty() ? "" : ": " + detail);
      }
      if (!detail.empty()) analysis["detail"] = detail;
    } else {
      // An ignore rule accepts the risk: no CycloneDX state says that, so the response does.
      analysis["response"] = Json::array({"will_not_fix"});
      std::string detail = "ignored";
      if (!s.statement.empty()) detail += " by " + s.statement;
      if (!s.justification.empty()) detail += ": " + s.justification;
      analysis["detail"] = detail;
    }
    return analysis;
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
