// A parser for apk-tools' installed-package database (lib/apk/db/installed): stanzas of one-letter
// "K:value" lines separated by blank lines. Untrusted input: a broken line or stanza is skipped and
// reported, and parsing continues.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "inventory/package.h"

namespace hullscan::analyze::apk_internal {

struct ParsedInstalled {
  // Sorted by (name, version, arch). Each has type, name, version, arch, source_name/_version
  // (origin, else the name; the version), licenses, maintainer, digest and installed_files.
  std::vector<inventory::Package> packages;
  // Problems found, with line numbers; at most kMaxProblems, then one line counting the rest.
  std::vector<std::string> problems;
};

inline constexpr size_t kMaxProblems = 50;

ParsedInstalled ParseInstalled(std::string_view text);

// The licences named by an apk L: field. Alpine writes SPDX expressions ("MIT AND BSD-2-Clause",
// "(Apache-2.0 OR MIT) AND MPL-2.0"); older packages a blank-separated list ("MIT BSD GPL2+").
// Both become the list of licence names, in order, without duplicates: operators and parentheses
// are dropped, and "X WITH exception" stays one entry. Names are kept as written (no mapping of
// legacy names such as "GPL2" to SPDX ids).
std::vector<std::string> SplitLicenses(std::string_view field);

// The package checksum of a C: field as "<algorithm>:<hex>": "Q1"+base64 is a SHA-1, "Q2"+base64
// a SHA-256, 32 hex digits an MD5 (very old databases). Empty when it is none of these.
std::string DecodeChecksum(std::string_view field);

}  // namespace hullscan::analyze::apk_internal
