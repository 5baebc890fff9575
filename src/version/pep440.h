// Python versions (PEP 440, as implemented by pypa/packaging): normalisation, ordering and specifiers.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace hullscan::version::pep440 {

// A parsed version. Numbers are digit views into the parsed string (any length; compared numerically).
struct Version {
  std::string_view epoch;    // "" = 0
  std::string_view release;  // e.g. "1.02.3" (as written)
  bool has_pre = false;
  int pre_letter = 0;        // 0 = a, 1 = b, 2 = rc
  std::string_view pre_number;   // "" = 0
  bool has_post = false;
  std::string_view post_number;  // "" = 0
  bool has_dev = false;
  std::string_view dev_number;   // "" = 0
  std::string_view local;        // without '+', separators as written; "" = none

  bool is_prerelease() const { return has_pre || has_dev; }
  bool is_postrelease() const { return has_post; }
  bool is_devrelease() const { return has_dev; }
};

// packaging.version.Version(s): surrounding whitespace allowed, case-insensitive, the PEP 440 alternative spellings
// (1.0-alpha.1, 1.0.post-2, 1.0-1, v1.0, 1.0dev ...).
Result<Version> Parse(std::string_view s);
// Version ordering (epoch, release without trailing zeros, pre/post/dev, local).
int Compare(const Version& a, const Version& b);

// str(Version): the normalised form, e.g. "1!2.0rc1.post3.dev4+abc.5".
std::string Normalize(const Version& v);
std::string Public(const Version& v);       // without the local part
std::string BaseVersion(const Version& v);  // epoch and release only
std::vector<std::string> ReleaseParts(const Version& v);  // normalised numbers
std::string LocalNormalized(const Version& v);            // "" when none
std::string PreLetter(const Version& v);                  // "a", "b", "rc"

// One specifier clause: op is "~=", "==", "!=", "<=", ">=", "<", ">" or "===".
struct Specifier {
  std::string op;
  std::string version;  // as written (trimmed); may end in ".*" for == and !=
};

// packaging.specifiers.Specifier(s): the operator-specific version syntax (wildcards only with == and !=, local
// versions not with ordering operators, ~= needs two release components).
Result<Specifier> ParseSpecifier(std::string_view s);

// SpecifierSet: comma-separated specifiers ("" matches everything).
Result<std::vector<Specifier>> ParseSpecifierSet(std::string_view s);

// Specifier.prereleases as packaging detects it: the operator is one of == >= <= ~= === > < and the version
// (without a trailing ".*") is a prerelease.
bool NamesPrerelease(const Specifier& spec);

// Specifier.contains / SpecifierSet.contains for one version. `prereleases`: true or nullopt include a matching
// prerelease (nullopt is packaging's default for a single candidate: the prerelease fallback of filter()), false
// excludes prereleases.
// `version_text` may be any string for "===" (arbitrary equality); for other operators an invalid version is an
// error.
Result<bool> Contains(const std::vector<Specifier>& specs, std::string_view version_text,
                      std::optional<bool> prereleases = true);

}  // namespace hullscan::version::pep440
