// The "table" format, for people: a header line naming the artifact, its digest and distro, then
// NAME VERSION [ARCH] TYPE [SOURCE] [LAYER] columns like `syft` and `trivy` print, a summary line with the
// package count per type (or, after a scan, the vulnerabilities, secrets and misconfigurations),
// and the diagnostics, if any, as a short list.
#include <algorithm>
#include <array>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "report/internal/findings.h"
#include "report/internal/model.h"
#include "report/internal/text_table.h"
#include "report/internal/writers.h"

namespace hullscan::report::internal {
namespace {

constexpr size_t kMaxDiagnosticsShown = 20;

// The source package when it says something the name and version do not: "glibc", or
// "postgresql-common (200+deb10u5)" when the source version differs too (dpkg's own notation).
std::string SourceColumn(const inventory::Package& p) {
  if (!p.source_rpm.empty()) return p.source_rpm;
  bool name_differs = !p.source_name.empty() && p.source_name != p.name;
  bool version_differs = !p.source_version.empty() && p.source_version != p.version;
  if (!name_differs && !version_differs) return "";
  std::string source = p.source_name.empty() ? p.name : p.source_name;
  if (version_differs) source += " (" + p.source_version + ")";
  return source;
}

std::string DistroText(const inventory::Distro& d) {
  std::string text = d.family.empty() ? "unknown" : d.family;
  if (!d.version.empty()) text += " " + d.version;
  if (!d.codename.empty()) text += " (" + d.codename + ")";
  return text;
}

class TableWriter {
 public:
  TableWriter(const ReportModel& model, const Options& options) : model_(model), options_(options) {}

  std::string Render() {
    std::string out = HeaderLine() + "\n\n";
    const auto& packages = model_.packages;
    if (model_.vulnerability_scan) {
      // A vulnerability scan shows the findings instead of the package list (the SBOM formats
      // and `json` have the packages), after the package count.
      out += (packages.empty() ? std::string("No packages found.") : Summary()) + "\n\n";
      out += VulnerabilitySection();
    } else if (model_.check_scan) {
      // Checks alone (`--scanners config,secret`, `hullscan config`): no package list either.
      if (!packages.empty()) out += Summary() + "\n";
    } else if (packages.empty()) {
      out += "No packages found.\n";
    } else {
      out += PackageTable();
      out += "\n" + Summary() + "\n";
    }
    if (model_.check_scan) {
      std::string sections = CheckSections();  // each section starts with a blank line
      if (out.ends_with("\n\n")) sections.erase(0, 1);
      out += sections;
    }
    out += DiagnosticsList();
    return out;
  }

 private:
  const inventory::Inventory& inv() const { return *model_.inventory; }

  std::string HeaderLine() {
    const inventory::Artifact& a = inv().artifact;
    std::string line =
        std::string(ArtifactKindName(a.kind)) + ": " + TerminalSafe(a.name.empty() ? "(unnamed)" : a.name);
    if (!a.manifest_digest.empty()) line += "  digest: " + TerminalSafe(ShortDigest(a.manifest_digest));
    line += "  distro: " + (inv().distro ? TerminalSafe(DistroText(*inv().distro)) : std::string("unknown"));
    if (model_.signature) {
      int valid = 0;
      for (const SignatureVerdict& v : model_.signature->signatures) valid += v.valid ? 1 : 0;
      line += model_.signature->verified ? "  signature: verified (" + std::to_string(valid) + " valid)"
                                         : std::string("  signature: NOT verified");
    }
    return options_.color ? "\x1b[1m" + line + "\x1b[0m" : line;
  }

  std::string PackageTable() {
    bool any_source = false;
    bool any_layer = false;
    // ARCH only matters where one name is installed for two architectures (dpkg Multi-Arch).
    std::map<std::string, std::set<std::string>> arches_by_name;
    for (const PackageView& v : model_.packages) {
      any_source = any_source || !SourceColumn(*v.package).empty();
      any_layer = any_layer || !v.package->location.layer_diff_id.empty();
      arches_by_name[v.package->name].insert(v.package->arch);
    }
    bool multi_arch = std::any_of(arches_by_name.begin(), arches_by_name.end(),
                                  [](const auto& entry) { return entry.second.size() > 1; });
    std::vector<std::string> headers = {"NAME", "VERSION"};
    if (multi_arch) headers.push_back("ARCH");
    headers.push_back("TYPE");
    if (any_source) headers.push_back("SOURCE");
    if (any_layer) headers.push_back("LAYER");
    TextTable table(headers);
    for (const PackageView& v : model_.packages) {
      const inventory::Package& p = *v.package;
      std::vector<std::string> row = {p.name, p.version};
      if (multi_arch) row.push_back(p.arch);
      row.push_back(std::string(inventory::PackageTypeName(p.type)));
      if (any_source) row.push_back(SourceColumn(p));
      if (any_layer) row.push_back(ShortDigest(p.location.layer_diff_id));
      table.AddRow(std::move(row));
    }
    return table.Render(options_.color);
  }

  // "3 packages (deb: 2, rpm: 1)"
  std::string Summary() {
    using inventory::PackageType;
    constexpr std::array<PackageType, 11> kTypes = {
        PackageType::kDeb,   PackageType::kApk,   PackageType::kRpm,   PackageType::kPypi,
        PackageType::kNpm,   PackageType::kGolang, PackageType::kMaven, PackageType::kGem,
        PackageType::kCargo, PackageType::kComposer, PackageType::kNuget};
    size_t total = model_.packages.size();
    std::string text = std::to_string(total) + (total == 1 ? " package" : " packages");
    std::string per_type;
    for (inventory::PackageType type : kTypes) {
      size_t n = 0;
      for (const PackageView& v : model_.packages) n += v.package->type == type ? 1 : 0;
      if (n == 0) continue;
      if (!per_type.empty()) per_type += ", ";
      per_type += std::string(inventory::PackageTypeName(type)) + ": " + std::to_string(n);
    }
    return text + " (" + per_type + ")";
  }

  // "Total: N (CRITICAL: a, HIGH: b, …)\n"
  static std::string TotalLine(FindingTally& tally) {
    std::string out = "Total: " + std::to_string(tally.total) + " (";
    bool first = true;
    for (vulndb::SeverityLevel level : kSeveritiesDescending) {
      if (!first) out += ", ";
      first = false;
      out += std::string(vulndb::SeverityName(level)) + ": " + std::to_string(tally.by_severity[level]);
    }
    return out + ")\n";
  }

  // Trivy's layout: "Total: N (CRITICAL: a, HIGH: b, …)", then one row per finding grouped by
  // package (the package named on its first row). Suppressed findings are only counted.
  std::string VulnerabilitySection() {
    FindingTally tally = Tally(model_.findings);
    std::string out = TotalLine(tally);
    if (tally.suppressed > 0) {
      out += std::to_string(tally.suppressed) + (tally.suppressed == 1 ? " finding" : " findings") +
             " suppressed (ignore file: " + std::to_string(tally.suppressed_by_ignore) +
             ", VEX: " + std::to_string(tally.suppressed_by_vex) + ")\n";
    }
    if (tally.total == 0) return out + "\nNo vulnerabilities found.\n";

    // Packages in the order their first finding comes; findings of one package together, in order.
    std::vector<std::string> package_order;
    std::map<std::string, std::vector<const match::Finding*>> by_package;
    for (const FindingView& view : model_.findings) {
      if (view.finding->suppressed) continue;
      auto [it, inserted] = by_package.try_emplace(view.package_ref);
      if (inserted) package_order.push_back(view.package_ref);
      it->second.push_back(view.finding);
    }
    TextTable table({"LIBRARY", "VULNERABILITY", "SEVERITY", "STATUS", "INSTALLED VERSION", "FIXED VERSION", "TITLE"});
    for (const std::string& ref : package_order) {
      bool first_row = true;
      for (const match::Finding* f : by_package[ref]) {
        std::vector<std::string> styles(7);
        styles[2] = SeverityStyle(f->severity);
        std::string title = f->title.empty() ? f->description.substr(0, std::min<size_t>(f->description.size(), 200)) : f->title;
        table.AddRow({first_row ? f->package.name : "", f->id, std::string(vulndb::SeverityName(f->severity)),
                      std::string(vulndb::FixStateName(f->status)), f->installed_version, JoinVersions(f->fixed_versions),
                      title},
                     std::move(styles));
        first_row = false;
      }
    }
    return out + "\n" + table.Render(options_.color);
  }

  bool Ran(std::string_view scanner) const {
    return std::find(model_.scanners.begin(), model_.scanners.end(), scanner) != model_.scanners.end();
  }

  // "Secrets" when the secret scanner ran (or secret findings were given), "Misconfigurations" for
  // every other kind when the config scanner ran (or such findings were given); both when the
  // scanners are not named. Each: a total line like the vulnerabilities', the suppressed count, and
  // one row per unsuppressed finding in the report's order.
  std::string CheckSections() {
    std::vector<const checks::Finding*> secrets;
    std::vector<const checks::Finding*> others;
    for (const checks::Finding* f : model_.checks) (f->kind == checks::Kind::kSecret ? secrets : others).push_back(f);
    bool show_secrets = Ran("secret") || !secrets.empty();
    bool show_others = Ran("config") || !others.empty();
    if (!show_secrets && !show_others) show_secrets = show_others = true;
    std::string out;
    if (show_secrets) out += "\n" + CheckSection("Secrets", "No secrets found.", secrets, /*secret=*/true);
    if (show_others) out += "\n" + CheckSection("Misconfigurations", "No misconfigurations found.", others, false);
    return out;
  }

  std::string CheckSection(const std::string& heading, const char* none,
                           const std::vector<const checks::Finding*>& list, bool secret) {
    FindingTally tally = Tally(list);
    std::string out = (options_.color ? "\x1b[1m" + heading + "\x1b[0m" : heading) + "\n" +
                      std::string(heading.size(), '=') + "\n" + TotalLine(tally);
    if (tally.suppressed > 0) {
      out += std::to_string(tally.suppressed) + (tally.suppressed == 1 ? " finding" : " findings") +
             " suppressed (ignore file: " + std::to_string(tally.suppressed_by_ignore) + ")\n";
    }
    if (tally.total == 0) return out + "\n" + none + "\n";
    bool any_layer = std::any_of(list.begin(), list.end(), [](const checks::Finding* f) {
      return !f->suppressed_by && !f->layer_diff_id.empty();
    });
    std::vector<std::string> headers = {"SEVERITY", secret ? "RULE" : "ID", "TITLE"};
    if (secret) {
      headers.push_back("LOCATION");
    } else {
      headers.insert(headers.end(), {"MESSAGE", "EVIDENCE"});
    }
    if (any_layer) headers.push_back("LAYER");
    headers.push_back(secret ? "MATCH" : "REMEDIATION");
    TextTable table(headers);
    for (const checks::Finding* f : list) {
      if (f->suppressed_by) continue;
      std::vector<std::string> row = {std::string(vulndb::SeverityName(f->severity)), f->id, f->title};
      std::string location = CheckLocation(*f);
      if (secret) {
        row.push_back(location);
      } else {
        row.push_back(f->message);
        std::string evidence = location;
        if (!f->match.empty()) evidence += (evidence.empty() ? "" : ": ") + f->match;
        row.push_back(evidence);
      }
      if (any_layer) row.push_back(ShortDigest(f->layer_diff_id));
      row.push_back(secret ? f->match : f->remediation);
      std::vector<std::string> styles(row.size());
      styles[0] = SeverityStyle(f->severity);
      table.AddRow(std::move(row), std::move(styles));
    }
    return out + "\n" + table.Render(options_.color);
  }

  static std::string SeverityStyle(vulndb::SeverityLevel level) {
    switch (level) {
      case vulndb::SeverityLevel::kCritical:
        return "\x1b[1;31m";  // bold red
      case vulndb::SeverityLevel::kHigh:
        return "\x1b[31m";
      case vulndb::SeverityLevel::kMedium:
        return "\x1b[33m";
      case vulndb::SeverityLevel::kLow:
        return "\x1b[34m";
      default:
        return "";
    }
  }

  std::string DiagnosticsList() {
    const auto& diagnostics = inv().diagnostics;
    if (diagnostics.empty()) return "";
    std::string out = "\nDiagnostics (" + std::to_string(diagnostics.size()) + "):\n";
    for (size_t i = 0; i < diagnostics.size() && i < kMaxDiagnosticsShown; ++i) {
      out += "  - " + FitWidth(TerminalSafe(DiagnosticText(diagnostics[i], /*short_layer=*/true)), 200) + "\n";
    }
    if (diagnostics.size() > kMaxDiagnosticsShown) {
      out += "  ... and " + std::to_string(diagnostics.size() - kMaxDiagnosticsShown) +
             " more (all of them are in the json format)\n";
    }
    return out;
  }

  const ReportModel& model_;
  const Options& options_;
};

}  // namespace

Status WriteTable(const ReportModel& model, const Options& options, std::ostream& out) {
  out << TableWriter(model, options).Render();
  return OkStatus();
}

}  // namespace hullscan::report::internal
