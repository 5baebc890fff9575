// SPDX license identifiers and license expressions (SPDX 2.3, Annex D), for deciding how a package's
// recorded licence strings can be written into CycloneDX (license.id / expression / name) and SPDX
// (licenseDeclared) without producing an invalid document.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hullscan::report::internal {

// The SPDX License List version the identifier table comes from, e.g. "3.28".
std::string_view SpdxLicenseListVersion();

// The canonical spelling of an SPDX license identifier or license-exception identifier. SPDX says
// identifiers match case-insensitively, so "mit" gives "MIT"; anything not on the list gives nullopt.
std::optional<std::string_view> CanonicalLicenseId(std::string_view id);
std::optional<std::string_view> CanonicalExceptionId(std::string_view id);

struct LicenseExpression {
  std::string text;          // canonical: identifiers in list spelling, operators upper case, single spaces
  bool is_plain_id = false;  // exactly one license-list identifier, no "+", no operator
  bool has_refs = false;     // uses LicenseRef-/DocumentRef- (must be defined in an SPDX document)
  bool compound = false;     // contains AND/OR/WITH
};

// Parses an SPDX license expression: license ids (with optional "+"), LicenseRef-…,
// DocumentRef-…:LicenseRef-…, WITH <exception id>, AND, OR, parentheses. Operators may be all upper
// or all lower case. Returns nullopt for anything else (Debian short names such as "GPL-2+",
// free text, unbalanced parentheses, unknown identifiers).
std::optional<LicenseExpression> ParseLicenseExpression(std::string_view text);

// How one recorded licence string is best represented.
enum class LicenseKind {
  kEmpty,       // blank: dropped
  kId,          // a license-list identifier: CycloneDX license.id
  kExpression,  // any other valid SPDX expression: CycloneDX expression, SPDX licenseDeclared
  kName,        // free text: CycloneDX license.name only
};
struct ClassifiedLicense {
  LicenseKind kind = LicenseKind::kEmpty;
  std::string text;  // canonical text for kId/kExpression, trimmed original for kName
  bool has_refs = false;
  bool compound = false;
};
ClassifiedLicense ClassifyLicense(std::string_view recorded);

// The SPDX licenseDeclared value for a package's licences: the canonical expressions joined with
// AND (compound ones parenthesised), or nullopt when there are none or any of them is not a valid
// SPDX expression made of license-list identifiers only (a LicenseRef- would need a
// hasExtractedLicensingInfos entry, which we do not invent).
std::optional<std::string> SpdxDeclaredLicense(const std::vector<std::string>& recorded);

}  // namespace hullscan::report::internal
