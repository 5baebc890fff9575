// What every writer derives from an inventory before formatting it: the artifact's identity, one
// purl and one report-unique reference per package, and the OS. Computed once, so that the formats
// agree (a CycloneDX bom-ref, the "ref" of the JSON format and, later, a finding's package reference
// are the same string), and so that findings can be added without touching the identity rules.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "inventory/inventory.h"
#include "report/internal/image_identity.h"
#include "report/report.h"

namespace hullscan::report::internal {

struct PackageView {
  const inventory::Package* package = nullptr;
  std::string purl;  // the inventory's, or inventory::MakePurl() when it left it empty
  // Unique within the report: the purl; for a second package with the same purl (the same package
  // recorded by two databases) the purl plus "#" and a hash of its location.
  std::string ref;
};

// A finding and the package it concerns, as this report names that package.
struct FindingView {
  const match::Finding* finding = nullptr;
  std::string package_ref;   // the ref (CycloneDX bom-ref) of the inventory package; its purl when not in the inventory
  std::string package_purl;  // the package's purl (as PackageView::purl)
  std::string location;      // where the package is: its file path in the image, else the artifact name
};

struct ReportModel {
  const inventory::Inventory* inventory = nullptr;
  bool vulnerability_scan = false;    // findings were given (possibly none)
  std::vector<FindingView> findings;  // in the given order
  bool check_scan = false;            // check findings were given (possibly none)
  std::vector<const checks::Finding*> checks;  // in the given order
  std::vector<std::string> scanners;
  DbSummary db;
  const SignatureStatus* signature = nullptr;  // the gate's verdict, when there was one
  ImageIdentity image;
  std::string artifact_ref;           // the image purl, else a UUID derived from the artifact's identity
  std::string os_ref;                 // UUID derived from the distro; empty when no distro was detected
  std::vector<PackageView> packages;  // parallel to inventory->packages, same order
};

ReportModel BuildModel(const inventory::Inventory& inventory);
ReportModel BuildModel(const ScanReport& report);

// Lower-case hex SHA-256 of the data.
std::string Sha256Hex(std::string_view data);

// A UUID whose bits come from SHA-256 of `data` (RFC 9562 version 8, "name-based with SHA-256"):
// the same content always gives the same UUID, unlike a random one.
std::string ContentUuid(std::string_view data);

// "sha256:abc…" -> {"sha256", "abc…"}; both empty when there is no ':'.
struct SplitDigest {
  std::string algorithm;
  std::string hex;
};
SplitDigest SplitDigestText(std::string_view digest);
// Lower-case hex of the length a digest algorithm produces (md5 32, sha1 40, sha256 64, sha512 128).
bool IsHexOfAlgorithm(const SplitDigest& digest);

// Replaces invalid UTF-8 with U+FFFD, so that length checks see what the JSON output will contain.
std::string ValidUtf8(std::string_view s);
// Length in UTF-16 code units, which is what JSON-Schema's maxLength counts.
size_t Utf16Length(std::string_view valid_utf8);

std::string_view ArtifactKindName(inventory::ArtifactKind kind);

// "layer sha256:…: var/lib/dpkg/status: line 812: missing Version" (the layer as
// "sha256:0123456789ab" when short_layer), the form every format writes a diagnostic in.
std::string DiagnosticText(const inventory::Diagnostic& diagnostic, bool short_layer = false);

// "sha256:0123456789ab": algorithm and the first 12 hex digits, for people.
std::string ShortDigest(std::string_view digest);

}  // namespace hullscan::report::internal
