#include "analyze/lang/python/internal/metadata.h"

#include <string>
#include <utility>
#include <vector>

#include "base/strings.h"

namespace hullscan::analyze::python_internal {
namespace {

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

// A licence field longer than this is a pasted licence text, not a name.
constexpr size_t kMaxLicenseNameLength = 120;

}  // namespace

std::optional<inventory::Package> ParseMetadata(std::string_view text, Problems& problems) {
  std::string name, version, license_expression, license;
  bool license_continued = false;  // the License field spans several lines: a licence text
  std::vector<std::string> classifier_licenses;
  std::string_view last_key;

  size_t line_number = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    ++line_number;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    // The header section ends at the first empty line; the description (free text) follows.
    if (TrimSpace(line).empty()) break;
    if (line.front() == ' ' || line.front() == '\t') {  // continuation of the previous field
      if (EqualsIgnoreCase(last_key, "License")) license_continued = true;
      continue;
    }
    size_t colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) {
      problems.Add(line_number, "not a 'Key: value' header line");
      last_key = {};
      continue;
    }
    std::string_view key = TrimSpace(line.substr(0, colon));
    std::string_view value = TrimSpace(line.substr(colon + 1));
    last_key = key;
    // Fields are case-insensitive (pip reads them with email.parser); a repeated Name or Version
    // keeps the first, as email.message.Message.get does.
    if (EqualsIgnoreCase(key, "Name")) {
      if (name.empty()) name = value;
    } else if (EqualsIgnoreCase(key, "Version")) {
      if (version.empty()) version = value;
    } else if (EqualsIgnoreCase(key, "License-Expression")) {
      if (license_expression.empty()) license_expression = value;
    } else if (EqualsIgnoreCase(key, "License")) {
      if (license.empty()) license = value;
    } else if (EqualsIgnoreCase(key, "Classifier")) {
      constexpr std::string_view kLicensePrefix = "License :: ";
      if (StartsWith(value, kLicensePrefix)) {
        size_t last = value.rfind(" :: ");
        std::string_view last_part = TrimSpace(value.substr(last + 4));
        // "License :: OSI Approved" alone names no licence.
        if (last + 4 > kLicensePrefix.size() && !last_part.empty()) classifier_licenses.emplace_back(last_part);
      }
    }
  }

  if (name.empty() || version.empty()) {
    problems.Add(0, name.empty() ? "no Name field" : "no Version field");
    return std::nullopt;
  }
  inventory::Package package;
  package.type = inventory::PackageType::kPypi;
  package.name = std::move(name);
  package.version = std::move(version);
  if (!license_expression.empty()) {
    package.licenses.push_back(std::move(license_expression));
  } else if (!classifier_licenses.empty()) {
    // Classifiers before License, as Trivy does: they are standard names, while License is free
    // text (often a whole licence or a made-up name).
    package.licenses = std::move(classifier_licenses);
  } else if (!license.empty() && !license_continued && license.size() <= kMaxLicenseNameLength &&
             !EqualsIgnoreCase(license, "UNKNOWN")) {
    package.licenses.push_back(std::move(license));
  }
  return package;
}

}  // namespace hullscan::analyze::python_internal
