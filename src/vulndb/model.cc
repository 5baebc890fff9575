// Vocabulary helpers of the vulnerability model: enum names, severity ratings, ecosystem namespaces,
// package-name normalisation. CvssBaseScore lives in cvss.cc.
#include "vulndb/model.h"

#include <array>
#include <cctype>
#include <utility>

#include "base/strings.h"

namespace hullscan::vulndb {
namespace {

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  }
  return true;
}

bool IsAsciiDigit(char c) { return c >= '0' && c <= '9'; }

// "12", "3.0", "22.04", "3.18": digits separated by single dots, nothing else.
bool IsNumericRelease(std::string_view s) {
  if (s.empty() || !IsAsciiDigit(s.front()) || !IsAsciiDigit(s.back())) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    if (IsAsciiDigit(s[i])) continue;
    if (s[i] != '.' || !IsAsciiDigit(s[i - 1])) return false;
  }
  return true;
}

// A Debian release suffix: numeric ("12", "3.0") or a code name for releases without a number ("sid").
bool IsDebianRelease(std::string_view s) {
  if (IsNumericRelease(s)) return true;
  if (s.empty() || s.size() > 32) return false;
  for (char c : s) {
    if (!std::islower(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

// The part of an ecosystem or namespace before the first ':' ("debian:12" → "debian"), lowercased.
std::string EcosystemFamily(std::string_view ecosystem) {
  return ToLower(TrimSpace(ecosystem.substr(0, ecosystem.find(':'))));
}

// "Ubuntu:22.04:LTS" → "ubuntu:22.04"; "Ubuntu:Pro:16.04:LTS" → "ubuntu-pro:16.04"; "Ubuntu:25.10" →
// "ubuntu:25.10". Other qualifiers (e.g. FIPS streams) are separate package streams we cannot tell
// apart on an image, so they get no namespace.
std::string UbuntuNamespace(const std::vector<std::string_view>& parts) {
  bool pro = false;
  std::string_view release;
  for (size_t i = 1; i < parts.size(); ++i) {
    std::string_view p = parts[i];
    if (i == 1 && EqualsIgnoreCase(p, "Pro")) {
      pro = true;
    } else if (release.empty() && IsNumericRelease(p)) {
      release = p;
    } else if (!release.empty() && i == parts.size() - 1 && EqualsIgnoreCase(p, "LTS")) {
      // the LTS marker adds nothing the release number does not say
    } else {
      return "";
    }
  }
  if (release.empty()) return "";
  return std::string(pro ? "ubuntu-pro:" : "ubuntu:") + std::string(release);
}

// "Red Hat:enterprise_linux:9::appstream" (a CPE without "cpe:/a:redhat:") → "redhat:9". Only RHEL
// streams (enterprise_linux, rhel_*) map to a release namespace; other Red Hat products have none.
std::string RedhatNamespace(const std::vector<std::string_view>& parts) {
  if (parts.size() < 3) return "";
  std::string product = ToLower(parts[1]);
  if (product != "enterprise_linux" && !StartsWith(product, "rhel")) return "";
  std::string_view version = parts[2];
  size_t digits = 0;
  while (digits < version.size() && IsAsciiDigit(version[digits])) ++digits;
  if (digits == 0 || digits > 3) return "";
  return "redhat:" + std::string(version.substr(0, digits));
}

}  // namespace

std::string_view FixStateName(FixState state) {
  switch (state) {
    case FixState::kFixed: return "fixed";
    case FixState::kAffected: return "affected";
    case FixState::kNotAffected: return "not_affected";
    case FixState::kWillNotFix: return "will_not_fix";
    case FixState::kDeferred: return "deferred";
    case FixState::kEndOfLife: return "end_of_life";
  }
  return "affected";
}

bool ParseFixState(std::string_view name, FixState& out) {
  static constexpr std::array<FixState, 6> kAll = {FixState::kFixed,      FixState::kAffected, FixState::kNotAffected,
                                                   FixState::kWillNotFix, FixState::kDeferred, FixState::kEndOfLife};
  for (FixState s : kAll) {
    if (FixStateName(s) == name) {
      out = s;
      return true;
    }
  }
  return false;
}

std::string_view SeverityName(SeverityLevel level) {
  switch (level) {
    case SeverityLevel::kUnknown: return "UNKNOWN";
    case SeverityLevel::kNegligible: return "NEGLIGIBLE";
    case SeverityLevel::kLow: return "LOW";
    case SeverityLevel::kMedium: return "MEDIUM";
    case SeverityLevel::kHigh: return "HIGH";
    case SeverityLevel::kCritical: return "CRITICAL";
  }
  return "UNKNOWN";
}

SeverityLevel ParseSeverity(std::string_view name) {
  static constexpr std::array<std::pair<std::string_view, SeverityLevel>, 14> kNames = {{
      {"unknown", SeverityLevel::kUnknown},
      {"negligible", SeverityLevel::kNegligible},
      {"unimportant", SeverityLevel::kNegligible},  // Debian tracker
      {"none", SeverityLevel::kNegligible},         // CVSS v3 rating of score 0.0
      {"low", SeverityLevel::kLow},
      {"medium", SeverityLevel::kMedium},
      {"moderate", SeverityLevel::kMedium},  // GHSA, Red Hat
      {"high", SeverityLevel::kHigh},
      {"important", SeverityLevel::kHigh},  // Red Hat
      {"critical", SeverityLevel::kCritical},
      {"not yet assigned", SeverityLevel::kUnknown},  // Debian urgency placeholder
      {"untriaged", SeverityLevel::kUnknown},         // Ubuntu priority placeholder
      {"end-of-life", SeverityLevel::kUnknown},       // Debian urgency of unsupported releases
      {"unassigned", SeverityLevel::kUnknown},
  }};
  std::string_view trimmed = TrimSpace(name);
  for (const auto& [text, level] : kNames) {
    if (EqualsIgnoreCase(trimmed, text)) return level;
  }
  return SeverityLevel::kUnknown;
}

SeverityLevel SeverityFromScore(double score) {
  // NaN fails every comparison and lands on kUnknown.
  if (!(score > 0.0)) return SeverityLevel::kUnknown;
  if (score < 4.0) return SeverityLevel::kLow;
  if (score < 7.0) return SeverityLevel::kMedium;
  if (score < 9.0) return SeverityLevel::kHigh;
  if (score <= 10.0) return SeverityLevel::kCritical;
  return SeverityLevel::kUnknown;
}

std::string NormalizePackageName(std::string_view ecosystem, std::string_view name) {
  std::string_view trimmed = TrimSpace(name);
  std::string family = EcosystemFamily(ecosystem);
  if (family == "pypi") {
    // PEP 503: lowercase, and every run of '-', '_' and '.' becomes one '-'.
    std::string out;
    out.reserve(trimmed.size());
    bool in_separator_run = false;
    for (char c : trimmed) {
      if (c == '-' || c == '_' || c == '.') {
        if (!in_separator_run) out.push_back('-');
        in_separator_run = true;
      } else {
        out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
        in_separator_run = false;
      }
    }
    return out;
  }
  // These registries refuse names that differ from an existing one only by case, so the lowercase
  // name identifies the package (npm's legacy mixed-case names included: both sides of a match are
  // normalised the same way). hex and pub allow lowercase names only.
  if (family == "npm" || family == "crates.io" || family == "rubygems" || family == "packagist" ||
      family == "nuget" || family == "hex" || family == "pub") {
    return ToLower(trimmed);
  }
  // Maven coordinates, Go module paths (case-encoded by the Go proxy) and distro names are exact.
  return std::string(trimmed);
}

std::string EcosystemNamespace(std::string_view osv_ecosystem) {
  std::vector<std::string_view> parts = Split(TrimSpace(osv_ecosystem), ':');
  if (parts.empty()) return "";
  std::string_view family = parts[0];
  const bool bare = parts.size() == 1;

  // Language ecosystems have no release suffix.
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 12> kLanguages = {{
      {"PyPI", "pypi"},
      {"npm", "npm"},
      {"Go", "go"},
      {"Maven", "maven"},
      {"crates.io", "crates.io"},
      {"RubyGems", "rubygems"},
      {"Packagist", "packagist"},
      {"NuGet", "nuget"},
      {"Hex", "hex"},
      {"Pub", "pub"},
      {"Wolfi", "wolfi"},
      {"Chainguard", "chainguard"},
  }};
  for (const auto& [osv_name, ns] : kLanguages) {
    if (EqualsIgnoreCase(family, osv_name)) return bare ? std::string(ns) : "";
  }

  if (EqualsIgnoreCase(family, "Debian")) {
    // A bare "Debian" names no release: the versions cannot be compared with any installed system.
    if (parts.size() != 2 || !IsDebianRelease(parts[1])) return "";
    return "debian:" + std::string(parts[1]);
  }
  if (EqualsIgnoreCase(family, "Alpine")) {
    if (parts.size() != 2) return "";
    std::string_view branch = parts[1];
    if (EqualsIgnoreCase(branch, "edge")) return "alpine:edge";
    if (!branch.empty() && (branch[0] == 'v' || branch[0] == 'V')) branch.remove_prefix(1);
    if (!IsNumericRelease(branch)) return "";
    return "alpine:" + std::string(branch);
  }
  if (EqualsIgnoreCase(family, "Ubuntu")) return UbuntuNamespace(parts);
  if (EqualsIgnoreCase(family, "Red Hat") || EqualsIgnoreCase(family, "redhat")) {
    // Our own namespaces ("redhat:9") pass through; OSV's carry a CPE.
    if (parts.size() == 2 && IsNumericRelease(parts[1])) return "redhat:" + std::string(parts[1]);
    return RedhatNamespace(parts);
  }
  // "ubuntu-pro:16.04" is already a namespace.
  if (EqualsIgnoreCase(family, "ubuntu-pro") && parts.size() == 2 && IsNumericRelease(parts[1])) {
    return "ubuntu-pro:" + std::string(parts[1]);
  }
  return "";
}

std::string_view SchemeForEcosystem(std::string_view ecosystem) {
  std::string family = EcosystemFamily(ecosystem);
  if (family == "debian" || family == "ubuntu" || family == "ubuntu-pro") return "dpkg";
  if (family == "alpine" || family == "wolfi" || family == "chainguard") return "apk";
  if (family == "redhat" || family == "red hat") return "rpm";
  if (family == "pypi") return "pep440";
  if (family == "npm") return "npm";
  if (family == "go") return "go";
  if (family == "maven") return "maven";
  if (family == "crates.io") return "cargo";
  if (family == "rubygems") return "gem";
  if (family == "nuget") return "nuget";
  // Composer (Packagist), Hex and Pub versions are SemVer-like; the npm scheme is our SemVer 2.0
  // ordering (FindScheme("semver") resolves to it too).
  if (family == "packagist" || family == "hex" || family == "pub") return "npm";
  return "";
}

}  // namespace hullscan::vulndb
