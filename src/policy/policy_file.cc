#include "policy/policy_file.h"

// GCC 12 at -O3 warns inside yaml-cpp's node/impl.h (a false positive on its iterator
// temporaries, -Wdangling-pointer); the header is not ours to fix.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdangling-pointer"
#include <yaml-cpp/yaml.h>
#pragma GCC diagnostic pop

#include <algorithm>
#include <exception>
#include <map>

#include "base/strings.h"
#include "io/reader.h"

namespace hullscan::policy {
namespace {

using vulndb::SeverityLevel;

constexpr uint64_t kMaxPolicyFileBytes = 1 << 20;
constexpr size_t kMaxFindingsNamed = 5;  // max_severity names this many offending findings, then "and N more"

constexpr std::string_view kKnownKeys = "require_non_root, forbid_secrets, max_severity, required_labels";

std::string Where(std::string_view name, const YAML::Node& node) {
  std::string where(name);
  if (node.Mark().line >= 0) where += ":" + std::to_string(node.Mark().line + 1);
  return where;
}

Result<bool> Bool(std::string_view name, const std::string& key, const YAML::Node& value) {
  if (value.IsScalar()) {
    std::string text = ToLower(value.Scalar());
    if (text == "true") return true;
    if (text == "false") return false;
  }
  return InvalidArgument(Where(name, value) + ": " + key + " must be true or false");
}

// The six names reports print (case-insensitive); the feeds' synonyms ("moderate") are not accepted
// in a file people write, so that a typo is never silently a different level.
Result<SeverityLevel> Severity(std::string_view name, const YAML::Node& value) {
  if (value.IsScalar()) {
    std::string text = ToLower(value.Scalar());
    for (SeverityLevel level : {SeverityLevel::kUnknown, SeverityLevel::kNegligible, SeverityLevel::kLow,
                                SeverityLevel::kMedium, SeverityLevel::kHigh, SeverityLevel::kCritical}) {
      if (ToLower(vulndb::SeverityName(level)) == text) return level;
    }
    return InvalidArgument(Where(name, value) + ": max_severity " + QuoteForMessage(value.Scalar()) +
                           " is not a severity (CRITICAL, HIGH, MEDIUM, LOW, NEGLIGIBLE, UNKNOWN)");
  }
  return InvalidArgument(Where(name, value) + ": max_severity must be a severity name");
}

Result<std::vector<std::string>> Labels(std::string_view name, const YAML::Node& value) {
  std::vector<std::string> labels;
  if (value.IsNull()) return labels;
  if (!value.IsSequence())
    return InvalidArgument(Where(name, value) + ": required_labels must be a list of label keys");
  for (const YAML::Node& item : value) {
    if (!item.IsScalar() || TrimSpace(item.Scalar()).empty()) {
      return InvalidArgument(Where(name, item) + ": required_labels entries must be non-empty label keys");
    }
    std::string label(TrimSpace(item.Scalar()));
    if (std::find(labels.begin(), labels.end(), label) == labels.end()) labels.push_back(std::move(label));
  }
  return labels;
}

int Rank(SeverityLevel level) { return static_cast<int>(level); }

// "0", "root", "0:0", "root:root", "0:1000", "" (no USER: root). A name other than root needs
// /etc/passwd to decide, which is the config check's job.
bool PlainlyRoot(std::string_view user) {
  user = TrimSpace(user);
  std::string_view name = user.substr(0, user.find(':'));
  return name.empty() || name == "root" || name == "0";
}

std::string Location(const checks::Finding& f) {
  std::string where;
  if (!f.path.empty()) {
    where = f.path;
  } else if (!f.target.empty()) {
    where = f.target;
  }
  if (!where.empty() && f.line > 0) where += ":" + std::to_string(f.line);
  if (!f.resource.empty()) where += (where.empty() ? "" : " ") + f.resource;
  if (where.empty()) where = "the image config";
  if (!f.layer_diff_id.empty())
    where += " (layer " + f.layer_diff_id.substr(0, std::min<size_t>(19, f.layer_diff_id.size())) + ")";
  return where;
}

}  // namespace

Result<PolicyFile> ParsePolicyFile(std::string_view text, std::string_view name) {
  PolicyFile policy;
  policy.origin = std::string(name);
  try {
    YAML::Node root = YAML::Load(std::string(text));
    if (!root || root.IsNull()) return policy;
    if (!root.IsMap())
      return InvalidArgument(Where(name, root) + ": a policy file is a YAML mapping (keys: " + std::string(kKnownKeys) +
                             ")");
    for (auto it = root.begin(); it != root.end(); ++it) {
      // Copies: the iterator hands out a temporary pair, references to it would dangle.
      const YAML::Node key_node = it->first;
      const YAML::Node value = it->second;
      std::string key = key_node.IsScalar() ? key_node.Scalar() : std::string();
      if (key == "require_non_root") {
        HS_ASSIGN_OR_RETURN(policy.require_non_root, Bool(name, key, value));
      } else if (key == "forbid_secrets") {
        HS_ASSIGN_OR_RETURN(policy.forbid_secrets, Bool(name, key, value));
      } else if (key == "max_severity") {
        if (!value.IsNull()) {
          HS_ASSIGN_OR_RETURN(SeverityLevel level, Severity(name, value));
          policy.max_severity = level;
        }
      } else if (key == "required_labels") {
        HS_ASSIGN_OR_RETURN(policy.required_labels, Labels(name, value));
      } else {
        return InvalidArgument(Where(name, key_node) + ": unknown key " + QuoteForMessage(key) +
                               " (known: " + std::string(kKnownKeys) + ")");
      }
    }
  } catch (const std::exception& e) {
    return InvalidArgument(std::string(name) + ": " + e.what());
  }
  return policy;
}

Result<PolicyFile> LoadPolicyFile(const std::filesystem::path& path) {
  HS_ASSIGN_OR_RETURN(std::string text, io::ReadFile(path, kMaxPolicyFileBytes));
  return ParsePolicyFile(text, path.string());
}

const std::vector<std::string>& RunsAsRootCheckIds() {
  static const std::vector<std::string> kIds = {"CFG-USER-ROOT", "DF-LAST-USER-ROOT", "K8S-RUN-AS-USER-ROOT"};
  return kIds;
}

PolicyVerdict EvaluatePolicy(const PolicyFile& policy, const inventory::Inventory& inventory,
                             const std::vector<match::Finding>& vulns, const std::vector<checks::Finding>& checks) {
  PolicyVerdict verdict;
  auto violate = [&](std::string rule, std::string message) {
    verdict.violations.push_back(PolicyViolation{std::move(rule), std::move(message)});
  };
  const inventory::RuntimeConfig& runtime = inventory.artifact.runtime;

  if (policy.require_non_root) {
    const auto& root_ids = RunsAsRootCheckIds();
    bool any_root_finding = false;
    for (const checks::Finding& f : checks) {
      if (std::find(root_ids.begin(), root_ids.end(), f.id) == root_ids.end()) continue;
      any_root_finding = true;
      if (f.suppressed_by) continue;
      std::string message = f.id + ": " + (f.message.empty() ? f.title : f.message);
      if (!f.target.empty()) message += " (" + f.target + (f.line > 0 ? ":" + std::to_string(f.line) : "") + ")";
      violate("require_non_root", std::move(message));
    }
    if (!any_root_finding && runtime.present && PlainlyRoot(runtime.user)) {
      violate("require_non_root", runtime.user.empty()
                                      ? "the image config sets no USER: the container runs as root"
                                      : "the image config's USER is " + runtime.user + ": the container runs as root");
    }
  }

  if (policy.forbid_secrets) {
    for (const checks::Finding& f : checks) {
      if (f.kind != checks::Kind::kSecret || f.suppressed_by) continue;
      violate("forbid_secrets", "secret " + f.id + " in " + Location(f));
    }
  }

  if (policy.max_severity) {
    SeverityLevel max = *policy.max_severity;
    std::vector<std::string> above;
    std::map<SeverityLevel, int> counts;
    for (const match::Finding& f : vulns) {
      if (f.suppressed || Rank(f.severity) <= Rank(max)) continue;
      ++counts[f.severity];
      above.push_back(f.id + " in " + f.package.name + " " + f.installed_version);
    }
    for (const checks::Finding& f : checks) {
      if (f.suppressed_by || Rank(f.severity) <= Rank(max)) continue;
      ++counts[f.severity];
      above.push_back(f.id + " in " + Location(f));
    }
    if (!above.empty()) {
      std::string message = std::to_string(above.size()) + (above.size() == 1 ? " finding" : " findings") + " above " +
                            std::string(vulndb::SeverityName(max)) + " (";
      bool first = true;
      for (auto level = counts.rbegin(); level != counts.rend(); ++level) {
        message += (first ? "" : ", ") + std::string(vulndb::SeverityName(level->first)) + ": " +
                   std::to_string(level->second);
        first = false;
      }
      message += "): ";
      for (size_t i = 0; i < above.size() && i < kMaxFindingsNamed; ++i) message += (i == 0 ? "" : "; ") + above[i];
      if (above.size() > kMaxFindingsNamed)
        message += "; and " + std::to_string(above.size() - kMaxFindingsNamed) + " more";
      violate("max_severity", std::move(message));
    }
  }

  for (const std::string& label : policy.required_labels) {
    if (!runtime.present) {
      verdict.not_applicable.push_back(PolicyViolation{
          "required_labels", "label " + label + ": " + inventory.artifact.name + " has no image config"});
      continue;
    }
    auto it = runtime.labels.find(label);
    if (it == runtime.labels.end()) {
      violate("required_labels", "the image has no label " + label);
    } else if (TrimSpace(it->second).empty()) {
      violate("required_labels", "the image's label " + label + " is empty");
    }
  }

  verdict.passed = verdict.violations.empty();
  return verdict;
}

int PolicyExitCode(const PolicyVerdict& verdict, int exit_code) {
  if (verdict.passed) return 0;
  return exit_code != 0 ? exit_code : 1;
}

}  // namespace hullscan::policy
