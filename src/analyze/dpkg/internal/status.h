// Parsers for dpkg's database files: the status file (and distroless status.d/ files), and the
// per-package file lists info/<pkg>.list and info/<pkg>.md5sums. All take untrusted text and never
// fail as a whole: a broken stanza or line is skipped and reported in `problems`.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "analyze/dpkg/internal/deb822.h"
#include "inventory/package.h"

namespace hullscan::analyze::dpkg_internal {

enum class StatusKind {
  // var/lib/dpkg/status, written by dpkg: every stanza has a Status field; one without it is
  // "not-installed", as dpkg itself reads it.
  kStatusFile,
  // var/lib/dpkg/status.d/<pkg> of distroless images: written by the image builder for installed
  // packages only, and without a Status field. A stanza without Status is installed.
  kStatusDir,
};

struct InstalledPackage {
  inventory::Package package;  // type, name, version, arch, source_*, maintainer; no location
  // Conffiles the stanza lists (not obsolete ones), root-relative. dpkg leaves them out of
  // info/<pkg>.md5sums, so they complete a file list made from md5sums.
  std::vector<std::string> conffiles;
};

struct ParsedStatus {
  std::vector<InstalledPackage> installed;  // sorted by (name, arch, version)
  // Set when the file is a vcpkg status database (same syntax, different tool): `installed` is
  // then empty.
  bool not_dpkg = false;
};

ParsedStatus ParseStatus(std::string_view text, StatusKind kind, Problems& problems);

// Why `version` is not a valid Debian version ("[epoch:]upstream[-revision]", as dpkg's
// parseversion() checks it), or empty when it is valid.
std::string_view CheckDebianVersion(std::string_view version);

// Whether a Status field's package state (its third word) means the package's files are installed
// and configured: "installed", and the two trigger states dpkg enters only after configuring it.
bool IsInstalledState(std::string_view state);

// info/<pkg>.list: every path the package installed, directories included. Returns the
// non-directory entries (an entry with another entry beneath it is a directory), root-relative,
// sorted, without duplicates.
std::vector<std::string> ParseInfoList(std::string_view text, Problems& problems);

// info/<pkg>.md5sums (and distroless status.d/<pkg>.md5sums): "<md5>  <path>" lines. Returns the
// paths, root-relative, sorted, without duplicates.
std::vector<std::string> ParseMd5sums(std::string_view text, Problems& problems);

}  // namespace hullscan::analyze::dpkg_internal
