// Reading SBOMs back into an inventory: CycloneDX JSON (1.2–1.7) and SPDX 2.x JSON, as hullscan,
// Trivy and Syft write them, so that `hullscan scan-sbom FILE` (Trivy's `trivy sbom`) can match
// their packages against the vulnerability DB. Whose conventions are read, and how: bom.cc.
#pragma once

#include <string_view>

#include "base/status.h"
#include "inventory/inventory.h"

namespace hullscan::bom {

// Whether the first bytes of a file look like a CycloneDX or SPDX JSON document (a JSON object
// naming bomFormat, spdxVersion or SPDXRef-DOCUMENT), as opposed to an image archive. Give it at
// least the first 64 KiB: Trivy sorts SPDX keys, so "spdxVersion" comes after all packages, but
// "SPDXID": "SPDXRef-DOCUMENT" comes first.
bool LooksLikeSbom(std::string_view head);

// Parses a CycloneDX JSON (detected by "bomFormat": "CycloneDX") or SPDX 2.x JSON ("spdxVersion":
// "SPDX-2.x") document into an inventory: one package per component/package with a purl of a type
// hullscan matches (deb, apk, rpm, pypi, npm, golang, maven, gem, cargo, composer, nuget); other
// types, invalid purls and library components without a purl are skipped and counted in a
// diagnostic. `name` (the file name) is the path of those diagnostics and names the artifact when
// the document does not. The caller bounds the size of `content`.
// Errors: Corrupt for malformed JSON or fields of the wrong JSON type, LimitExceeded for nesting
// beyond 256 levels, Unsupported for JSON that is neither format (or SPDX 3, CycloneDX XML, SPDX
// tag-value).
Result<inventory::Inventory> ReadSbom(std::string_view content, std::string_view name);

}  // namespace hullscan::bom
