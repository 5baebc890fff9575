// Policy: what the user wants to see of the findings and whether the scan fails.
//
// Apply() filters findings (severity, unfixed, fix status), marks those an ignore file or a VEX
// document hides (kept, with match::Finding::suppressed set: reports list them, gates skip them),
// sorts them and computes the verdict (exit code, counts per severity). Trivy's flags and files
// are the model: --severity, --ignore-unfixed, --ignore-status, --exit-code, .trivyignore(.yaml),
// --vex. Formats and matching rules: below, and docs/output-formats.md ("Findings and policy").
#pragma once

#include <filesystem>
#include <initializer_list>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "checks/finding.h"
#include "match/finding.h"
#include "vulndb/model.h"

namespace hullscan::policy {

// One rule of an ignore file.
struct IgnoreRule {
  // Vulnerability id (matches a finding's id or any of its aliases) or check id (matches a check
  // finding's id, case-insensitively; a secret finding also by Trivy's rule id, "aws-access-key-id"
  // for "SECRET-AWS-ACCESS-KEY-ID").
  std::string id;
  // Text form only: a package selector, a purl prefix ("pkg:npm/lodash", matched at a purl
  // component boundary) or a package name (binary or source package). Empty: every package.
  std::string package;
  std::vector<std::string> paths;  // YAML form: globs over the package's file path (location.path)
  std::vector<std::string> purls;  // YAML form: purls, matched like VEX products (type/namespace/name[/version])
  std::string expires;             // "YYYY-MM-DD"; the rule stops applying on that day. Empty: never
  std::string statement;           // the line's "# comment" or the YAML "statement"
  std::string origin;              // "FILE:LINE" (text form) or "FILE: vulnerabilities[N]" (YAML)
  // What the rule may hide: "" (text form: any finding), or the YAML section it came from:
  // "vulnerabilities" (vulnerability findings), "misconfigurations" (check findings that are not
  // secrets), "secrets" (secret check findings).
  std::string section;
  friend bool operator==(const IgnoreRule&, const IgnoreRule&) = default;
};

struct IgnoreList {
  std::vector<IgnoreRule> rules;  // in file order
  friend bool operator==(const IgnoreList&, const IgnoreList&) = default;
};

// Reads an ignore file: YAML (Trivy's .trivyignore.yaml) when the name ends in .yaml/.yml, else
// the line format of .trivyignore/.hullscanignore:
//   CVE-2023-1234                          # every package
//   CVE-2023-1234 exp:2024-12-31           # until that day (Trivy)
//   CVE-2023-1234 pkg:npm/lodash           # purl prefix
//   GHSA-xxxx-yyyy-zzzz openssl exp:2025-01-01  # package name
//   CFG-USER-ROOT                          # a check id (a package selector never matches a check)
// Malformed lines (a bad date, two selectors) are an InvalidArgument error naming FILE:LINE.
// The YAML form has the sections `vulnerabilities:`, `misconfigurations:` and `secrets:` (Trivy's
// `licenses:` is accepted and ignored), each a list of {id, paths, purls, expired_at, statement};
// `paths` of a check rule are globs over the check finding's `path`, or `target` for `hullscan config`.
Result<IgnoreList> LoadIgnoreFile(const std::filesystem::path& path);
// The same from text; `name` is used for the format choice and in messages.
Result<IgnoreList> ParseIgnoreFile(std::string_view text, std::string_view name);
Result<IgnoreList> ParseIgnoreText(std::string_view text, std::string_view name);
Result<IgnoreList> ParseIgnoreYaml(std::string_view text, std::string_view name);

// An OpenVEX (v0.2.0) product or subcomponent: a purl (from "@id" or identifiers.purl) or another IRI.
struct VexProduct {
  std::string id;    // "@id" as written
  std::string purl;  // the purl that names it ("@id" when it is one, else identifiers.purl); may be empty
  std::vector<VexProduct> subcomponents;
  friend bool operator==(const VexProduct&, const VexProduct&) = default;
};

struct VexStatement {
  std::string vulnerability;          // vulnerability.name (or the string form), e.g. "CVE-2023-38545"
  std::vector<std::string> aliases;   // vulnerability.aliases and vulnerability."@id"
  std::vector<VexProduct> products;
  std::string status;                 // "not_affected", "affected", "fixed", "under_investigation"
  std::string justification;
  std::string impact_statement;
  friend bool operator==(const VexStatement&, const VexStatement&) = default;
};

struct VexDocument {
  std::string id;  // "@id"
  std::string author;
  std::string origin;  // the file it was read from
  std::vector<VexStatement> statements;
  friend bool operator==(const VexDocument&, const VexDocument&) = default;
};

Result<VexDocument> LoadVexFile(const std::filesystem::path& path);
Result<VexDocument> ParseVex(std::string_view text, std::string_view name);

// True when the VEX product purl names the package purl: type, namespace and name equal (after
// percent-decoding; type case-insensitive) and the product has no version or the same version.
// Qualifiers are not compared.
bool PurlMatches(std::string_view product_purl, std::string_view package_purl);

enum class SortBy { kSeverity, kEpss, kKev, kId, kPackage };
// "severity", "epss", "kev", "id", "package".
Result<SortBy> ParseSortBy(std::string_view name);
std::string_view SortByName(SortBy sort_by);

struct Options {
  std::set<vulndb::SeverityLevel> severities;  // shown severities; empty = all
  bool ignore_unfixed = false;                 // drop findings without a released fix
  // Fix statuses to drop (vulndb::FixStateName: "affected", "will_not_fix", "deferred", "end_of_life", …).
  std::vector<std::string> ignore_statuses;
  IgnoreList ignores;
  std::vector<VexDocument> vex;
  // The scanned image's purl ("pkg:oci/…"): VEX statements about an image product apply only when
  // it matches. Empty: any "pkg:oci/…" product is taken to be the scanned image.
  std::string artifact_purl;
  std::optional<vulndb::SeverityLevel> fail_on;  // gate: fail when a finding is at least this severe
  int exit_code = 0;  // Trivy --exit-code: exit with this when (gated) findings remain
  SortBy sort_by = SortBy::kSeverity;
  std::string today;  // "YYYY-MM-DD" for ignore-rule expiry; empty = the current UTC date
};

struct Summary {
  std::map<vulndb::SeverityLevel, int> by_severity;  // unsuppressed findings; every level present
  int total = 0;                                     // unsuppressed findings
  int suppressed = 0;
  int suppressed_by_ignore = 0;
  int suppressed_by_vex = 0;
  int filtered_out = 0;  // dropped by severity / unfixed / status filters
  friend bool operator==(const Summary&, const Summary&) = default;
};

struct Evaluated {
  std::vector<match::Finding> findings;  // kept findings, sorted; suppressed ones marked
  Summary summary;
  int exit_code = 0;  // what the process should exit with (0: pass)
  std::vector<IgnoreRule> expired_rules;  // rules skipped because they expired (the CLI warns)
};

// Fails only on invalid options (a malformed `today`). Uses the ignore rules of the text form and
// of the YAML `vulnerabilities:` section.
Result<Evaluated> Apply(const Options& options, std::vector<match::Finding> findings);

// ---- check findings (config, filesystem, secret, Dockerfile, Kubernetes) ----

struct CheckEvaluation {
  // Kept findings, sorted (checks::SortFindings); those an ignore rule hides have suppressed_by set
  // to the rule's origin ("FILE:LINE" / "FILE: misconfigurations[N] (line L)").
  std::vector<checks::Finding> findings;
  Summary summary;  // as for vulnerabilities; suppressed_by_vex is always 0
  int exit_code = 0;  // the gate over the unsuppressed check findings (0: pass)
  std::vector<IgnoreRule> expired_rules;  // expired rules that could apply to check findings
};

// Check findings through the same policy as vulnerabilities: the severity filter
// (options.severities; ignore_unfixed and ignore_statuses do not apply), ignore rules (the text
// form and the YAML `misconfigurations:` / `secrets:` sections; expiry honoured), sorting, counts
// and the gate (options.exit_code / fail_on, exactly as in Apply). Fails only on a malformed `today`.
Result<CheckEvaluation> ApplyChecks(const Options& options, std::vector<checks::Finding> findings);

// Every expired rule of options.ignores, once (whatever the section), for the CLI's warning: Apply
// and ApplyChecks each list the expired rules that concern them, so the same text rule can be in both.
Result<std::vector<IgnoreRule>> ExpiredRules(const Options& options);

// One process exit code from several verdicts (vulnerability gate, check gate, policy file): 0 when
// all are 0, else the first non-zero one in the order given. The gates of one run use the same
// options, so their non-zero codes are equal anyway (options.exit_code, or 1 with fail_on).
int CombineExitCodes(std::initializer_list<int> codes);

}  // namespace hullscan::policy
