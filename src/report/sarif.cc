// SARIF 2.1.0 for GitHub code scanning, shaped like Trivy's: one rule per vulnerability id, one
// result per finding located at the package's file in the image (or the image itself), severity as
// the rule's "security-severity" (what GitHub ranks alerts by). Check findings follow the same
// shape: one rule per check id (after the vulnerability rules), one result per finding at its file
// and line. Findings the policy suppressed are written with an external suppression, which code
// scanning shows as dismissed.
#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "report/internal/findings.h"
#include "report/internal/json_util.h"
#include "report/internal/model.h"
#include "report/internal/writers.h"

namespace hullscan::report::internal {
namespace {

using vulndb::SeverityLevel;

constexpr std::string_view kSarifSchema = "https://json.schemastore.org/sarif-2.1.0.json";
constexpr std::string_view kInformationUri = "https://github.com/hullscan/hullscan";

std::string_view Level(SeverityLevel level) {
  switch (level) {
    case SeverityLevel::kCritical:
    case SeverityLevel::kHigh:
      return "error";
    case SeverityLevel::kMedium:
      return "warning";
    default:
      return "note";
  }
}

// GitHub's scale for a severity without a CVSS score (the values Trivy uses); empty for UNKNOWN.
std::string SecuritySeverity(SeverityLevel severity) {
  switch (severity) {
    case SeverityLevel::kCritical:
      return "9.5";
    case SeverityLevel::kHigh:
      return "8.0";
    case SeverityLevel::kMedium:
      return "5.5";
    case SeverityLevel::kLow:
    case SeverityLevel::kNegligible:
      return "2.0";
    case SeverityLevel::kUnknown:
      break;
  }
  return "";
}

std::string SecuritySeverity(const match::Finding& f) {
  if (f.cvss_score > 0) return ScoreText(f.cvss_score);
  return SecuritySeverity(f.severity);
}

// Trivy's rule names and first tags: "Secret"/"secret" and "Misconfiguration"/"misconfiguration".
bool IsSecret(const checks::Finding& f) { return f.kind == checks::Kind::kSecret; }

std::string CheckMessage(const checks::Finding& f, std::string_view location) {
  std::string text = (f.title.empty() ? f.id : f.title) + "\nCheck: " + f.id + " (" +
                     std::string(checks::KindName(f.kind)) + ")\nSeverity: " +
                     std::string(vulndb::SeverityName(f.severity));
  if (!f.message.empty()) text += "\nMessage: " + f.message;
  if (!f.match.empty()) text += "\nMatch: " + f.match;
  if (!location.empty()) text += "\nLocation: " + std::string(location);
  if (!f.layer_diff_id.empty()) text += "\nLayer: " + f.layer_diff_id;
  if (!f.history.empty() && location.find(f.history) == std::string_view::npos) text += "\nHistory: " + f.history;
  if (!f.remediation.empty()) text += "\nRemediation: " + f.remediation;
  return text;
}

// A relative URI reference: path characters kept, everything else percent-encoded (package paths
// come from images and may hold spaces or worse).
std::string UriReference(std::string_view path) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : path) {
    bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                std::string_view("-._~/!$&'()*+,;=@").find(static_cast<char>(c)) != std::string_view::npos;
    if (keep) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xF]);
    }
  }
  // A first segment with ':' would read as a scheme ("debian:12"); "./" makes it a path.
  size_t colon = out.find(':');
  if (colon != std::string::npos && out.substr(0, colon).find('/') == std::string::npos) out = "./" + out;
  return out.empty() ? "." : out;
}

std::string Message(const match::Finding& f) {
  std::string link = IsWebUrl(f.primary_url) ? "[" + f.id + "](" + f.primary_url + ")" : f.id;
  return "Package: " + f.package.name + "\nInstalled Version: " + f.installed_version + "\nVulnerability " + f.id +
         "\nSeverity: " + std::string(vulndb::SeverityName(f.severity)) +
         "\nFixed Version: " + JoinVersions(f.fixed_versions) + "\nLink: " + link;
}

class SarifWriter {
 public:
  SarifWriter(const ReportModel& model, const Options& options) : model_(model), options_(options) {}

  std::string Render() {
    // Rules sorted by id; each described by its most severe finding (a vulnerability rated
    // differently by two feeds for two packages gets the higher rating).
    std::map<std::string, const match::Finding*> rule_source;
    for (const FindingView& view : model_.findings) {
      const match::Finding* f = view.finding;
      auto [it, inserted] = rule_source.emplace(f->id, f);
      if (!inserted && (f->severity > it->second->severity ||
                        (f->severity == it->second->severity && f->cvss_score > it->second->cvss_score))) {
        it->second = f;
      }
    }
    Json rules = Json::array();
    std::map<std::string, size_t> rule_index;
    for (const auto& [id, f] : rule_source) {
      rule_index[id] = rules.size();
      rules.push_back(Rule(*f));
    }
    // Check rules after the vulnerability rules, sorted by check id, each described by its most
    // severe finding.
    std::map<std::string, const checks::Finding*> check_rule_source;
    for (const checks::Finding* f : model_.checks) {
      auto [it, inserted] = check_rule_source.emplace(f->id, f);
      if (!inserted && f->severity > it->second->severity) it->second = f;
    }
    std::map<std::string, size_t> check_rule_index;
    for (const auto& [id, f] : check_rule_source) {
      check_rule_index[id] = rules.size();
      rules.push_back(CheckRule(*f));
    }
    Json results = Json::array();
    for (const FindingView& view : model_.findings) results.push_back(FindingResult(view, rule_index.at(view.finding->id)));
    for (const checks::Finding* f : model_.checks) results.push_back(CheckResult(*f, check_rule_index.at(f->id)));

    Json driver{{"name", options_.tool_name}, {"fullName", options_.tool_name + " container image scanner"},
                {"informationUri", kInformationUri}};
    if (!options_.tool_version.empty()) driver["version"] = options_.tool_version;
    driver["rules"] = std::move(rules);

    Json run;
    run["tool"] = Json{{"driver", std::move(driver)}};
    run["results"] = std::move(results);
    run["columnKind"] = "utf16CodeUnits";
    run["originalUriBaseIds"] = Json{{"ROOTPATH", Json{{"uri", "file:///"}}}};
    run["properties"] = RunProperties();

    Json doc;
    doc["version"] = "2.1.0";
    doc["$schema"] = kSarifSchema;
    doc["runs"] = Json::array({std::move(run)});
    return DumpJson(doc);
  }

 private:
  Json Rule(const match::Finding& f) {
    Json rule;
    rule["id"] = f.id;
    rule["name"] = inventory::IsOsPackage(f.package.type) ? "OsPackageVulnerability" : "LanguageSpecificPackageVulnerability";
    rule["shortDescription"] = Json{{"text", f.title.empty() ? f.id : f.title}};
    rule["fullDescription"] = Json{{"text", f.description.empty() ? (f.title.empty() ? f.id : f.title) : f.description}};
    rule["defaultConfiguration"] = Json{{"level", Level(f.severity)}};
    if (IsWebUrl(f.primary_url)) rule["helpUri"] = f.primary_url;
    std::string severity(vulndb::SeverityName(f.severity));
    std::string help = "Vulnerability " + f.id + "\nSeverity: " + severity + "\nPackage: " + f.package.name +
                       "\nFixed Version: " + JoinVersions(f.fixed_versions) + "\nLink: " + f.primary_url;
    rule["help"] = Json{{"text", help},
                        {"markdown", "**Vulnerability " + f.id + "**\n| Severity | Package | Fixed Version | Link |\n"
                                     "| --- | --- | --- | --- |\n| " + severity + " | " + f.package.name + " | " +
                                     JoinVersions(f.fixed_versions) + " | " + f.primary_url + " |\n\n" +
                                     f.description}};
    Json props{{"precision", "very-high"}};
    if (std::string s = SecuritySeverity(f); !s.empty()) props["security-severity"] = s;
    props["tags"] = Json::array({"vulnerability", "security", severity});
    rule["properties"] = std::move(props);
    return rule;
  }

  Json FindingResult(const FindingView& view, size_t rule_index) {
    const match::Finding& f = *view.finding;
    Json result;
    result["ruleId"] = f.id;
    result["ruleIndex"] = rule_index;
    result["level"] = Level(f.severity);
    result["message"] = Json{{"text", Message(f)}};
    Json artifact{{"uri", UriReference(view.location)}};
    if (!f.package.location.path.empty()) artifact["uriBaseId"] = "ROOTPATH";
    Json physical{{"artifactLocation", std::move(artifact)},
                  {"region", Json{{"startLine", 1}, {"startColumn", 1}, {"endLine", 1}, {"endColumn", 1}}}};
    result["locations"] = Json::array(
        {Json{{"physicalLocation", std::move(physical)},
              {"message", Json{{"text", view.location + ": " + f.package.name + "@" + f.installed_version}}}}});
    if (f.suppressed) {
      const match::Suppression& s = *f.suppressed;
      std::string justification = s.kind == "vex" ? "VEX " + s.status : "ignored";
      if (!s.justification.empty()) justification += ": " + s.justification;
      if (!s.statement.empty()) justification += " (" + s.statement + ")";
      result["suppressions"] = Json::array({Json{{"kind", "external"}, {"justification", justification}}});
    }
    return result;
  }

  Json CheckRule(const checks::Finding& f) {
    std::string title = f.title.empty() ? f.id : f.title;
    std::string severity(vulndb::SeverityName(f.severity));
    std::string kind(checks::KindName(f.kind));
    Json rule;
    rule["id"] = f.id;
    rule["name"] = IsSecret(f) ? "Secret" : "Misconfiguration";
    rule["shortDescription"] = Json{{"text", title}};
    rule["fullDescription"] = Json{{"text", title}};
    rule["defaultConfiguration"] = Json{{"level", Level(f.severity)}};
    std::string remediation = f.remediation.empty() ? title : f.remediation;
    rule["help"] = Json{{"text", "Check " + f.id + "\nSeverity: " + severity + "\nKind: " + kind + "\n" + remediation},
                        {"markdown", "**Check " + f.id + "**\n| Severity | Kind | Title |\n| --- | --- | --- |\n| " +
                                         severity + " | " + kind + " | " + title + " |\n\n" + remediation}};
    Json props{{"precision", "very-high"}};
    if (std::string s = SecuritySeverity(f.severity); !s.empty()) props["security-severity"] = s;
    Json tags = Json::array({IsSecret(f) ? "secret" : "misconfiguration", "security", severity});
    if (!IsSecret(f)) tags.push_back(kind);
    props["tags"] = std::move(tags);
    rule["properties"] = std::move(props);
    return rule;
  }

  Json CheckResult(const checks::Finding& f, size_t rule_index) {
    std::string location = CheckLocation(f);
    Json result;
    result["ruleId"] = f.id;
    result["ruleIndex"] = rule_index;
    result["level"] = Level(f.severity);
    result["message"] = Json{{"text", CheckMessage(f, location)}};
    // A file in the image (relative to the root), else the file `hullscan config` read, else the
    // image itself. GitHub requires a region: the finding's line, or 1 for a whole-file finding.
    Json artifact;
    if (!f.path.empty()) {
      artifact = Json{{"uri", UriReference(f.path)}, {"uriBaseId", "ROOTPATH"}};
    } else if (!f.target.empty()) {
      artifact = Json{{"uri", UriReference(f.target)}};
    } else {
      artifact = Json{{"uri", UriReference(model_.inventory->artifact.name)}};
    }
    int line = f.line > 0 ? f.line : 1;
    Json region{{"startLine", line}, {"startColumn", 1}, {"endLine", line}, {"endColumn", 1}};
    if (!f.match.empty()) region["snippet"] = Json{{"text", f.match}};
    Json physical{{"artifactLocation", std::move(artifact)}, {"region", std::move(region)}};
    Json loc{{"physicalLocation", std::move(physical)}};
    if (!location.empty()) loc["message"] = Json{{"text", location}};
    result["locations"] = Json::array({std::move(loc)});
    if (f.suppressed_by) {
      result["suppressions"] =
          Json::array({Json{{"kind", "external"}, {"justification", "ignored (" + *f.suppressed_by + ")"}}});
    }
    return result;
  }

  Json RunProperties() {
    const inventory::Artifact& a = model_.inventory->artifact;
    Json props;
    props["imageName"] = a.name;
    props["imageID"] = a.config_digest;
    props["repoDigests"] = model_.image.repo_digest.empty() ? Json::array() : Json::array({model_.image.repo_digest});
    std::vector<std::string> tags = a.repo_tags;
    std::sort(tags.begin(), tags.end());
    props["repoTags"] = tags;
    return props;
  }

  const ReportModel& model_;
  const Options& options_;
};

}  // namespace

Status WriteSarif(const ReportModel& model, const Options& options, std::ostream& out) {
  out << SarifWriter(model, options).Render();
  return OkStatus();
}

}  // namespace hullscan::report::internal
