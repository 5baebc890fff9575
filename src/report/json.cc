// hullscan's own JSON report, schema_version 1 (docs/json-format.md). Stable by contract: snake_case
// keys in a fixed order, every key always present (empty string, empty array or null rather than
// absent), arrays in canonical order. A change that removes or renames a key, or changes a value's
// meaning, needs a new schema_version; adding keys does not.
#include <algorithm>
#include <string>
#include <vector>

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
    // (issue 4 adds "findings" here, each naming its package by "package_ref" = a package's "ref")
    doc["diagnostics"] = Diagnostics();
    return DumpJson(doc);
  }

 private:
  const inventory::Inventory& inv() const { return *model_.inventory; }

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
