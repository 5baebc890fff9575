#include "analyze/lang/npm/internal/package_json.h"

#include <string>
#include <utility>

#include <nlohmann/json.hpp>

#include "base/strings.h"

namespace hullscan::analyze::npm_internal {
namespace {

bool IsUrlSafeNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
         c == '_' || c == '~' || c == '!' || c == '*' || c == '\'' || c == '(' || c == ')';
}

bool IsValidNamePart(std::string_view part) {
  if (part.empty() || part.front() == '.' || part.front() == '_') return false;
  for (char c : part) {
    if (!IsUrlSafeNameChar(c)) return false;
  }
  return true;
}

// "license": "MIT" | {"type": "MIT"}; legacy "licenses": ["MIT"] | [{"type": "MIT"}] | "MIT".
void AddLicense(const nlohmann::json& value, std::vector<std::string>& out) {
  if (value.is_string()) {
    std::string_view s = TrimSpace(value.get_ref<const std::string&>());
    if (!s.empty()) out.emplace_back(s);
  } else if (value.is_array()) {
    for (const auto& element : value) {
      if (!element.is_array()) AddLicense(element, out);
    }
  } else if (value.is_object()) {
    auto type = value.find("type");
    if (type != value.end() && type->is_string()) AddLicense(*type, out);
  }
}

}  // namespace

bool IsValidPackageName(std::string_view name) {
  if (name.empty() || name.size() > 214) return false;
  if (name.front() == '@') {
    size_t slash = name.find('/');
    if (slash == std::string_view::npos) return false;
    return IsValidNamePart(name.substr(1, slash - 1)) && IsValidNamePart(name.substr(slash + 1));
  }
  return IsValidNamePart(name);
}

std::optional<inventory::Package> ParsePackageJson(std::string_view text, Problems& problems) {
  nlohmann::json doc = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object()) {
    problems.Add(0, "not a package.json (JSON object expected)");
    return std::nullopt;
  }
  auto name = doc.find("name");
  auto version = doc.find("version");
  if (name == doc.end() || version == doc.end() || !name->is_string() || !version->is_string()) return std::nullopt;
  const std::string& name_text = name->get_ref<const std::string&>();
  const std::string& version_text = version->get_ref<const std::string&>();
  if (name_text.empty() || version_text.empty()) return std::nullopt;
  // Manifests that share the file name but are not npm packages.
  if (auto engines = doc.find("engines"); engines != doc.end() && engines->is_object() && engines->contains("vscode")) {
    return std::nullopt;
  }
  if (doc.contains("unity")) return std::nullopt;
  if (!IsValidPackageName(name_text)) {
    problems.Add(0, "invalid package name " + QuoteForMessage(name_text));
    return std::nullopt;
  }

  inventory::Package package;
  package.type = inventory::PackageType::kNpm;
  package.name = name_text;
  package.version = std::string(TrimSpace(version_text));
  if (auto license = doc.find("license"); license != doc.end()) AddLicense(*license, package.licenses);
  if (auto licenses = doc.find("licenses"); package.licenses.empty() && licenses != doc.end()) {
    AddLicense(*licenses, package.licenses);
  }
  return package;
}

}  // namespace hullscan::analyze::npm_internal
