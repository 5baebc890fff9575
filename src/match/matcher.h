// Matching: inventory packages × vulnerability database → findings.
//
// Matching is mostly data. Each package becomes one or more lookups (ecosystem namespace, package
// name, version to compare) by the row of the lookup table for its package type (matcher.cc):
//  - OS packages (dpkg, apk, rpm) are looked up only in their distro release's namespace
//    ("debian:12", "alpine:3.18", "redhat:9"), by *source* package where the distro keys its
//    advisories so (vendor-first: never against language feeds or NVD CPEs);
//  - language packages by ecosystem ("pypi", "npm", "go", …) and normalised name.
// Every affected entry found is then evaluated under its version scheme (version::osv::IsAffected),
// the vendor's fix state is honoured, advisories that are aliases of each other are merged into
// one finding, and the finding is enriched from every source that knows its ids (NVD severity and
// CVSS, GHSA, KEV, EPSS).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "inventory/inventory.h"
#include "match/finding.h"
#include "vulndb/store.h"

namespace hullscan::match {

// One database lookup for one package.
struct Lookup {
  std::string ecosystem;  // namespace in the DB
  std::string package;    // normalised name
  std::string version;    // the version to compare
  std::string confidence; // Evidence::confidence
};

// The lookups for a package (empty when its ecosystem is not matched, e.g. an OS package on an
// unknown distro). Exposed for tests and `--debug`.
std::vector<Lookup> LookupsFor(const inventory::Package& package, const std::optional<inventory::Distro>& distro);

// The DB namespace of a distro release: "debian:12", "ubuntu:22.04", "alpine:3.18", "alpine:edge",
// "redhat:9", "wolfi". Empty when hullscan has no feed for the distro.
std::string DistroNamespace(const inventory::Distro& distro);

struct MatchResult {
  std::vector<Finding> findings;  // sorted by package, then id
  // Things the user should know: "no advisories for debian:14 in the database", a version the
  // scheme could not parse. Sorted, unique.
  std::vector<std::string> notes;
};

// Matches every package of the inventory. Fails only when the database cannot be read.
Result<MatchResult> MatchInventory(const vulndb::Store& store, const inventory::Inventory& inventory);

// Matches a list of packages (all under one optional distro); the core of MatchInventory.
Result<MatchResult> MatchPackages(const vulndb::Store& store, const std::vector<inventory::Package>& packages,
                                  const std::optional<inventory::Distro>& distro);

}  // namespace hullscan::match
