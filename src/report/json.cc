// hullscan's own JSON report, schema_version 1 (docs/json-format.md). Stable by contract: snake_case
// keys in a fixed order, every key always present (empty string, empty array or null rather than
// absent), arrays in canonical order. A change that removes or renames a key, or changes a value's
// meaning, needs a new schema_version; adding keys does not.
#include <algorithm>
#include <string>
#include <vector>

#include "report/internal/findings.h"
#include "report/internal/json_util.h"
#include "report/internal/model.h"
#include "report/internal/writers.h"

namespace hullscan::report::internal {
namespace {

constexpr int kSchemaVersion = 1;

// The inventory keeps these sorted already; sort a copy only when it did not.
Json Sorted(const std::vector<std::string>& v) {
  if (std::is_sorted(v.begin(), v.end())) return Json(v);
  std::vector<std::string> copy = v;
  std::sort(copy.begin(), copy.end());
  return Json(copy);
}

class JsonWriter {
 public:
  JsonWriter(const ReportModel& model, const Options& options) : model_(model), options_(options) {}

  std::string Render() {
    Json doc;
    doc["schema_version"] = kSchemaVersion;
    doc["tool"] = Json{{"name", options_.tool_name}, {"version", options_.tool_version}};
    doc["created"] = options_.timestamp;
    doc["artifact"] = Artifact();
    doc["distro"] = Distro();
    doc["packages"] = Packages();
    doc["findings"] = Findings();
    doc["vulnerability_summary"] = VulnerabilitySummary();
    doc["vulnerability_db"] = VulnerabilityDb();
    doc["checks"] = Checks();
    doc["check_summary"] = CheckSummary();
    doc["scanners"] = model_.scanners;
    doc["diagnostics"] = Diagnostics();
    doc["signature"] = Signature();
    return DumpJson(doc);
  }

 private:
  const inventory::Inventory& inv() const { return *model_.inventory; }

  Json Signature() {
    if (!model_.signature) return nullptr;
    Json signatures = Json::array();
    for (const SignatureVerdict& v : model_.signature->signatures)
      signatures.push_back(Json{{"kind", v.kind}, {"where", v.where}, {"valid", v.valid}, {"reason", v.reason}});
    return Json{{"verified", model_.signature->verified}, {"signatures", std::move(signatures)}};
  }

  Json Artifact() {
    const inventory::Artifact& a = inv().artifact;
    Json layers = Json::array();
    for (const inventory::LayerInfo& l : a.layers) {
      layers.push_back(Json{{"digest", l.digest},
                            {"diff_id", l.diff_id},
                            {"media_type", l.media_type},
                            {"size", l.size},
                            {"created_by", l.created_by}});
    }
    return Json{{"kind", ArtifactKindName(a.kind)},
                {"name", a.name},
                {"ref", model_.artifact_ref},
                {"purl", model_.image.purl},
                {"manifest_digest", a.manifest_digest},
                {"config_digest", a.config_digest},
                {"repo_digest", model_.image.repo_digest},
                {"repo_tags", Sorted(a.repo_tags)},
                {"os", a.os},
                {"architecture", a.architecture},
                {"variant", a.variant},
                {"created", a.created},
                {"layers", std::move(layers)}};
  }

  Json Distro() {
    if (!inv().distro) return nullptr;
    const inventory::Distro& d = *inv().distro;
    return Json{{"family", d.family},
                {"version", d.version},
                {"version_id", d.version_id},
                {"codename", d.codename},
                {"pretty_name", d.pretty_name},
                {"id_like", d.id_like},  // os-release order, which is meaningful (closest first)
                {"variant", d.variant},
                {"cpe", d.cpe},
                {"source_path", d.source_path}};
  }

  Json Packages() {
    Json list = Json::array();
    for (const PackageView& view : model_.packages) {
      const inventory::Package& p = *view.package;
      list.push_back(Json{{"ref", view.ref},
                          {"type", inventory::PackageTypeName(p.type)},
                          {"name", p.name},
                          {"version", p.version},
                          {"arch", p.arch},
                          {"purl", view.purl},
                          {"source_name", p.source_name},
                          {"source_version", p.source_version},
                          {"source_rpm", p.source_rpm},
                          {"licenses", Sorted(p.licenses)},
                          {"maintainer", p.maintainer},
                          {"vendor", p.vendor},
                          {"modularity_label", p.modularity_label},
                          {"digest", p.digest},
                          {"location", Json{{"layer_diff_id", p.location.layer_diff_id}, {"path", p.location.path}}},
                          {"installed_files", Sorted(p.installed_files)}});
    }
    return list;
  }

  Json Findings() {
    Json list = Json::array();
    for (const FindingView& view : model_.findings) list.push_back(Finding(view));
    return list;
  }

  static Json Finding(const FindingView& view) {
    const match::Finding& f = *view.finding;
    const inventory::Package& p = f.package;
    Json severities = Json::array();
    for (const vulndb::Severity& s : f.severities) {
      severities.push_back(Json{{"source", s.source},
                                {"severity", vulndb::SeverityName(s.level)},
                                {"cvss_version", s.cvss_version},
                                {"cvss_vector", s.cvss_vector},
                                {"cvss_score", s.cvss_score}});
    }
    Json evidence = Json::array();
    for (const match::Evidence& e : f.evidence) {
      evidence.push_back(Json{{"source", e.source},
                              {"record", e.record},
                              {"ecosystem", e.ecosystem},
                              {"package", e.package},
                              {"scheme", e.scheme},
                              {"version", e.version},
                              {"range", e.range},
                              {"confidence", e.confidence}});
    }
    Json epss = nullptr;
    if (f.epss_score >= 0) epss = Json{{"score", f.epss_score}, {"percentile", f.epss_percentile >= 0 ? Json(f.epss_percentile) : Json(nullptr)}};
    Json suppressed = nullptr;
    if (f.suppressed) {
      suppressed = Json{{"kind", f.suppressed->kind},
                        {"status", f.suppressed->status},
                        {"justification", f.suppressed->justification},
                        {"statement", f.suppressed->statement}};
    }
    return Json{{"id", f.id},
                {"aliases", Sorted(f.aliases)},
                {"package_ref", view.package_ref},
                {"package", Json{{"name", p.name},
                                 {"version", p.version},
                                 {"purl", view.package_purl},
                                 {"type", inventory::PackageTypeName(p.type)},
                                 {"layer_diff_id", p.location.layer_diff_id},
                                 {"path", p.location.path}}},
                {"installed_version", f.installed_version},
                {"fixed_versions", f.fixed_versions},
                {"status", vulndb::FixStateName(f.status)},
                {"severity", vulndb::SeverityName(f.severity)},
                {"severity_source", f.severity_source},
                {"severities", std::move(severities)},
                {"cvss_score", f.cvss_score},
                {"cvss_vector", f.cvss_vector},
                {"kev", f.kev},
                {"kev_date_added", f.kev_date_added},
                {"epss", std::move(epss)},
                {"title", f.title},
                {"description", f.description},
                {"primary_url", f.primary_url},
                {"references", f.references},
                {"published", f.published},
                {"modified", f.modified},
                {"evidence", std::move(evidence)},
                {"suppressed", std::move(suppressed)}};
  }

  Json VulnerabilitySummary() {
    if (!model_.vulnerability_scan) return nullptr;
    FindingTally tally = Tally(model_.findings);
    Json summary;
    for (vulndb::SeverityLevel level : kSeveritiesDescending) {
      summary[ToLowerAscii(vulndb::SeverityName(level))] = tally.by_severity[level];
    }
    summary["total"] = tally.total;
    summary["suppressed"] = tally.suppressed;
    return summary;
  }

  Json VulnerabilityDb() {
    if (!model_.vulnerability_scan) return nullptr;
    return Json{{"built_at", model_.db.built_at}, {"sources", model_.db.sources}};
  }

  Json Checks() {
    Json list = Json::array();
    for (const checks::Finding* f : model_.checks) {
      list.push_back(Json{{"id", f->id},
                          {"kind", checks::KindName(f->kind)},
                          {"severity", vulndb::SeverityName(f->severity)},
                          {"title", f->title},
                          {"message", f->message},
                          {"remediation", f->remediation},
                          {"target", f->target},
                          {"layer_diff_id", f->layer_diff_id},
                          {"path", f->path},
                          {"line", f->line},
                          {"history", f->history},
                          {"resource", f->resource},
                          {"match", f->match},
                          {"suppressed_by", f->suppressed_by ? Json(*f->suppressed_by) : Json(nullptr)}});
    }
    return list;
  }

  Json CheckSummary() {
    if (!model_.check_scan) return nullptr;
    FindingTally tally = Tally(model_.checks);
    Json summary;
    for (vulndb::SeverityLevel level : kSeveritiesDescending) {
      summary[ToLowerAscii(vulndb::SeverityName(level))] = tally.by_severity[level];
    }
    summary["total"] = tally.total;
    summary["suppressed"] = tally.suppressed;
    Json by_kind;
    for (checks::Kind kind : {checks::Kind::kConfig, checks::Kind::kFilesystem, checks::Kind::kSecret,
                              checks::Kind::kDockerfile, checks::Kind::kKubernetes}) {
      by_kind[std::string(checks::KindName(kind))] = std::count_if(
          model_.checks.begin(), model_.checks.end(),
          [&](const checks::Finding* f) { return f->kind == kind && !f->suppressed_by; });
    }
    summary["by_kind"] = std::move(by_kind);
    return summary;
  }

  static std::string ToLowerAscii(std::string_view s) {
    std::string out(s);
    for (char& c : out) {
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    return out;
  }

  Json Diagnostics() {
    Json list = Json::array();
    for (const inventory::Diagnostic& d : inv().diagnostics) {
      list.push_back(Json{{"layer_diff_id", d.layer_diff_id}, {"path", d.path}, {"message", d.message}});
    }
    return list;
  }

  const ReportModel& model_;
  const Options& options_;
};

}  // namespace

Status WriteJson(const ReportModel& model, const Options& options, std::ostream& out) {
  out << JsonWriter(model, options).Render();
  return OkStatus();
}

}  // namespace hullscan::report::internal
