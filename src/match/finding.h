// Finding: one vulnerability in one installed package, with everything a report or a gate needs
// and the evidence of why the matcher decided so.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "inventory/package.h"
#include "vulndb/model.h"

namespace hullscan::match {

// Why the matcher says the package is affected: the feed record and the rule that matched.
struct Evidence {
  std::string source;     // feed of the record: "debian", "alpine", "go", "pypa", "ghsa", "rustsec", "osv", …
  std::string record;     // the record: advisory id, "DSA-5380-1", "v3.11/main.yaml"
  std::string ecosystem;  // namespace searched: "debian:11", "pypi"
  std::string package;    // package name searched (Debian/Ubuntu: the source package)
  std::string scheme;     // version scheme used: "dpkg", "pep440", …
  std::string version;    // the version compared (Debian/Ubuntu: the source version)
  std::string range;      // the range that matched, readable: ">=0 <1.2.3", "all versions", "= 1.0.1"
  // "exact": ecosystem + name + version range; "source-package": matched through the source
  // package of a binary package (the distros' rule).
  std::string confidence;
  friend bool operator==(const Evidence&, const Evidence&) = default;
};

// A finding the user asked to hide (ignore file, VEX). Kept, marked, and left out of gates.
struct Suppression {
  std::string kind;           // "ignore" (.hullscanignore) or "vex"
  std::string status;         // VEX status: "not_affected", "fixed"; "ignored" for the ignore file
  std::string justification;  // VEX justification or the ignore file's comment
  std::string statement;      // VEX impact_statement / where it came from (file:line)
  friend bool operator==(const Suppression&, const Suppression&) = default;
};

struct Finding {
  // The id reported: the CVE when the vulnerability has one, else the GHSA id, else the feed's own id.
  std::string id;
  std::vector<std::string> aliases;  // every other id of the same vulnerability, sorted

  // The package as the inventory has it (name, version, purl, location: layer and path).
  inventory::Package package;
  std::string installed_version;            // as compared (package.version)
  std::vector<std::string> fixed_versions;  // empty when there is no fix
  vulndb::FixState status = vulndb::FixState::kFixed;  // kFixed = "fix available"; kAffected = unfixed; …

  vulndb::SeverityLevel severity = vulndb::SeverityLevel::kUnknown;
  std::string severity_source;  // whose rating `severity` is: "debian", "nvd", "ghsa", …
  std::vector<vulndb::Severity> severities;  // every rating known, by source
  double cvss_score = 0;  // the best CVSS base score known (NVD v3 first), 0 when none
  std::string cvss_vector;
  bool kev = false;  // listed in CISA KEV
  std::string kev_date_added;
  double epss_score = -1;  // -1 when unknown
  double epss_percentile = -1;

  std::string title;
  std::string description;
  std::string primary_url;
  std::vector<std::string> references;
  std::string published;
  std::string modified;

  std::vector<Evidence> evidence;  // one per feed record that matched (merged aliases give several)
  std::optional<Suppression> suppressed;
  friend bool operator==(const Finding&, const Finding&) = default;
};

}  // namespace hullscan::match
