// From decoded header fields to the inventory's Package.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "analyze/rpm/internal/header.h"
#include "inventory/package.h"

namespace hullscan::analyze::rpm_internal {

struct SourceRpmName {
  std::string name;
  std::string version;  // "version-release"
  friend bool operator==(const SourceRpmName&, const SourceRpmName&) = default;
};

// Splits a SOURCERPM file name "name-version-release.arch.rpm" (arch is "src" or "nosrc") the way
// Trivy (and yum's splitFilename before it) does: strip ".rpm", cut the arch at the last '.', the
// release at the last '-' before it, the version at the '-' before that. nullopt when a part is
// missing or empty.
std::optional<SourceRpmName> SplitSourceRpm(std::string_view source_rpm);

// The inventory package for one header found in the database at `db_path`.
inventory::Package ToPackage(const HeaderFields& fields, std::string_view db_path);

}  // namespace hullscan::analyze::rpm_internal
