// The vulnerability database's vocabulary: advisories as the feeds state them, normalised just
// enough that one matcher can read every feed. Plain values; the importers (vulndb/import.h)
// produce them, the Store (vulndb/store.h) keeps them in SQLite, the matchers (match/) read them.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "version/osv_range.h"

namespace hullscan::vulndb {

// How a vendor states a package's fix for a vulnerability in one release.
enum class FixState {
  kFixed,        // fixed in the listed version(s); earlier versions in range are affected
  kAffected,     // affected and no fix released yet ("unfixed", "open", "<unfixed>")
  kNotAffected,  // the release was never affected ("fixed in 0", "not-affected", "<not-affected>")
  kWillNotFix,   // the vendor decided not to fix ("<ignored>", "no-dsa" ignored, Red Hat "Will not fix")
  kDeferred,     // fix postponed ("postponed", Red Hat "Fix deferred")
  kEndOfLife,    // the release or package is out of support ("<end-of-life>")
};
std::string_view FixStateName(FixState state);  // "fixed", "affected", "not_affected", "will_not_fix", "deferred", "end_of_life"
bool ParseFixState(std::string_view name, FixState& out);

enum class SeverityLevel { kUnknown, kNegligible, kLow, kMedium, kHigh, kCritical };
std::string_view SeverityName(SeverityLevel level);  // "UNKNOWN", "NEGLIGIBLE", "LOW", "MEDIUM", "HIGH", "CRITICAL"
// Case-insensitive; also the feeds' synonyms ("moderate" → MEDIUM, "important" → HIGH, "unimportant" → NEGLIGIBLE).
SeverityLevel ParseSeverity(std::string_view name);
// CVSS qualitative rating of a base score (0.1–3.9 LOW, 4–6.9 MEDIUM, 7–8.9 HIGH, 9–10 CRITICAL; 0 → UNKNOWN).
SeverityLevel SeverityFromScore(double score);

// One rating of a vulnerability by one source.
struct Severity {
  // Who rated it: "nvd", "ghsa", "debian", "ubuntu", "redhat", "alpine", "rustsec", "go", "osv", …
  std::string source;
  SeverityLevel level = SeverityLevel::kUnknown;
  std::string cvss_version;  // "2.0", "3.0", "3.1", "4.0"; empty without a vector
  std::string cvss_vector;   // e.g. "CVSS:3.1/AV:N/AC:L/…"
  double cvss_score = 0;     // base score; 0 when the feed gives none (see CvssBaseScore)
  friend bool operator==(const Severity&, const Severity&) = default;
};

// What one advisory says about one package in one namespace.
struct AffectedPackage {
  // The advisory namespace: "debian:12", "ubuntu:22.04", "alpine:3.18", "redhat:9", "wolfi",
  // or a language ecosystem: "pypi", "npm", "go", "maven", "crates.io", "rubygems", "packagist",
  // "nuget", "hex", "pub". Lowercase. See docs/vulndb.md for the full list.
  std::string ecosystem;
  // The package name as the matcher looks it up, normalised by NormalizePackageName().
  // Debian/Ubuntu: the *source* package; Alpine: the origin; Maven "group:artifact"; Go module path.
  std::string package;
  // The version scheme the ranges are written in (version::FindScheme name): "dpkg", "apk", "rpm",
  // "pep440", "npm", "go", "maven", "cargo", "gem", "nuget", "semver" (composer, pub, hex).
  std::string scheme;
  FixState state = FixState::kFixed;
  // OSV-style ranges and explicit versions. Distro feeds write "fixed in X" as one ECOSYSTEM range
  // {introduced "0", fixed X}; kAffected/kWillNotFix/kDeferred/kEndOfLife with no range mean "every version".
  version::osv::Affected affected;
  // The fixed versions, as the feed states them, for display ("fixed in").
  std::vector<std::string> fixed_versions;
  // The feed record that says so, for the finding's evidence: "DSA-5380-1", "GO-2023-1571",
  // "alpine v3.11/main.yaml", "debian tracker", …
  std::string record;
  std::string note;  // vendor remark: Debian "no-dsa"/urgency, Red Hat state text
  friend bool operator==(const AffectedPackage&, const AffectedPackage&) = default;
};

struct Advisory {
  // The id the feed gives its record: "CVE-2023-1234", "GHSA-xxxx-…", "GO-2023-1571",
  // "PYSEC-2021-19", "RUSTSEC-2021-0001". Distro feeds (Debian lists, Alpine secdb, Red Hat VEX)
  // are keyed by CVE and carry their DSA/DLA/RHSA ids in `aliases`, so a finding names the CVE.
  std::string id;
  std::vector<std::string> aliases;  // other ids of the same vulnerability (CVE, GHSA, OSV ids), sorted, unique
  std::string source;  // the feed: "osv", "go", "pypa", "ghsa", "rustsec", "debian", "alpine", "ubuntu", "redhat", "nvd", "wolfi"
  std::string summary;
  std::string details;
  std::vector<Severity> severities;
  std::vector<std::string> references;  // URLs; the first is the primary one
  std::string published;  // RFC 3339 as the feed writes it; empty when unknown
  std::string modified;
  bool withdrawn = false;  // withdrawn/rejected: kept in the DB for status, never matched
  std::vector<AffectedPackage> affected;
  friend bool operator==(const Advisory&, const Advisory&) = default;
};

// CISA Known Exploited Vulnerabilities entry.
struct KevEntry {
  std::string cve;
  std::string vendor_project;
  std::string product;
  std::string name;
  std::string date_added;  // YYYY-MM-DD
  std::string due_date;
  bool ransomware = false;  // knownRansomwareCampaignUse == "Known"
  friend bool operator==(const KevEntry&, const KevEntry&) = default;
};

// FIRST EPSS score of one CVE on one day.
struct EpssScore {
  std::string cve;
  double score = 0;       // probability of exploitation activity in the next 30 days, 0..1
  double percentile = 0;  // 0..1
  std::string date;       // score date, YYYY-MM-DD
  friend bool operator==(const EpssScore&, const EpssScore&) = default;
};

// Normalises a package name the way its ecosystem compares names: PyPI PEP 503 (lowercase, runs of
// "-_." become "-"), npm/crates.io/rubygems/packagist/nuget lowercase where the registry is
// case-insensitive, Maven and Go unchanged, distro names unchanged.
std::string NormalizePackageName(std::string_view ecosystem, std::string_view name);

// Canonical lowercase namespace for an OSV ecosystem string: "PyPI" → "pypi", "crates.io",
// "Go" → "go", "Debian:11" → "debian:11", "Alpine:v3.18" → "alpine:3.18", "Ubuntu:22.04:LTS" →
// "ubuntu:22.04", "Ubuntu:Pro:16.04:LTS" → "ubuntu-pro:16.04". Empty for ecosystems hullscan cannot match.
std::string EcosystemNamespace(std::string_view osv_ecosystem);

// The version scheme (version::FindScheme name) for a namespace: "debian:12" → "dpkg", "pypi" → "pep440", …
// Empty when unknown.
std::string_view SchemeForEcosystem(std::string_view ecosystem);

// CVSS v3.x / v2 base score computed from a vector ("CVSS:3.1/AV:N/…", "AV:N/AC:L/Au:N/…").
// 0 when the vector is malformed or of a version whose score is not computed here (4.0).
double CvssBaseScore(std::string_view vector);

}  // namespace hullscan::vulndb
