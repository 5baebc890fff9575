// Report writers: one function per output format, over the inventory (and later findings).
//
// Every format is byte-stable: the same inventory and options give the same bytes. The only input
// that varies between runs is the timestamp, which ReportTimestamp() takes from SOURCE_DATE_EPOCH
// when it is set. Formats and their field mappings: docs/output-formats.md; the "json" schema:
// docs/json-format.md.
#pragma once

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "checks/finding.h"
#include "inventory/inventory.h"
#include "match/finding.h"

namespace hullscan::report {

enum class Format {
  kTable,      // "table": aligned columns for people
  kJson,       // "json": hullscan's own documented schema (docs/json-format.md)
  kCycloneDx,  // "cyclonedx": CycloneDX 1.6 JSON
  kSpdxJson,   // "spdx-json": SPDX 2.3 JSON
  kSarif,      // "sarif": SARIF 2.1.0, GitHub code scanning's input (vulnerabilities and check findings)
};

// "table", "json", "cyclonedx", "spdx-json", "sarif", and the aliases Trivy/Syft users type:
// "cyclonedx-json", "cdx", "cdx-json", "spdx-json". Unknown names (and "spdx", the tag-value format
// that is not written) are an InvalidArgument error that lists the known names.
Result<Format> ParseFormat(std::string_view name);
// The canonical name ParseFormat() accepts for the format.
std::string_view FormatName(Format format);
// "table, json, cyclonedx, spdx-json, sarif", for help texts.
std::string_view KnownFormatNames();

struct Options {
  std::string tool_name = "hullscan";
  std::string tool_version;
  // RFC 3339 UTC creation time written into SBOMs. Taken from SOURCE_DATE_EPOCH when set, so
  // that two runs over the same image give byte-identical output. Empty: ReportTimestamp().
  std::string timestamp;
  bool color = false;  // table only: ANSI emphasis (on a TTY)
};

// Current time, or SOURCE_DATE_EPOCH when set, as "2024-01-01T00:00:00Z". A SOURCE_DATE_EPOCH that
// is not a valid value (see ParseSourceDateEpoch) is ignored, with a warning, in favour of now.
std::string ReportTimestamp();

// Seconds since the Unix epoch as RFC 3339 UTC with a 'Z': 0 -> "1970-01-01T00:00:00Z".
std::string FormatTimestamp(int64_t unix_seconds);

// A SOURCE_DATE_EPOCH value (reproducible-builds.org): ASCII decimal digits only, no sign, no
// fraction, no spaces, at most 9999-12-31T23:59:59Z. nullopt for anything else, including "".
std::optional<int64_t> ParseSourceDateEpoch(std::string_view value);

// Writes the whole document for `inventory` in `format` to `out`. Fails only when the stream does
// (IoError) or on an internal error; untrusted strings in the inventory (invalid UTF-8, control
// characters, huge values) are escaped or replaced, never fatal.
Status WriteInventory(const inventory::Inventory& inventory, Format format, const Options& options, std::ostream& out);

// The vulnerability database a scan used, for the report's provenance.
struct DbSummary {
  std::string built_at;              // RFC 3339; empty when unknown
  std::vector<std::string> sources;  // feeds it holds: "debian", "ghsa", "nvd", …
};

// The signature verification that gated a scan (`image --require-signature`).
struct SignatureVerdict {
  std::string kind;    // "cosign", "bundle", "notation"
  std::string where;   // which signature: "cosign signature 1 of 2 (sha256-….sig)", "referrer sha256:…"
  bool valid = false;
  std::string reason;  // why not, when not valid
};
struct SignatureStatus {
  bool verified = false;
  std::vector<SignatureVerdict> signatures;
};

// A whole scan: the inventory and, when vulnerabilities were scanned, the findings (after
// policy::Apply: filtered, sorted, suppressed ones marked). Writers keep the findings' order.
struct ScanReport {
  const inventory::Inventory* inventory = nullptr;  // required
  // nullptr: an SBOM-only run (no vulnerability scan); an empty vector: scanned, nothing found.
  const std::vector<match::Finding>* findings = nullptr;
  // Check findings (after policy::ApplyChecks: filtered, sorted, suppressed ones marked); nullptr:
  // no check scanner ran, an empty vector: checked, nothing found. Writers keep the order. table,
  // json and sarif write them; cyclonedx and spdx-json leave them out (they are not about packages).
  const std::vector<checks::Finding>* checks = nullptr;
  // What ran: "vuln", "config", "secret" (the JSON format lists them; the table shows a "Secrets"
  // section when "secret" ran and a "Misconfigurations" section when "config" ran).
  std::vector<std::string> scanners;
  DbSummary db;
  // Set when the scan was gated on a signature; nullptr otherwise.
  const SignatureStatus* signature = nullptr;
};

// Writes the whole document for `report`. WriteInventory(inv, …) is WriteReport({&inv}, …).
// Findings name their package by identity (type, name, version, arch, location), else by purl; a
// finding whose package is not in the inventory still gets a reference (its purl).
Status WriteReport(const ScanReport& report, Format format, const Options& options, std::ostream& out);

}  // namespace hullscan::report
