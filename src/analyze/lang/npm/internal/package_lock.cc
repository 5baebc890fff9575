#include "analyze/lang/npm/internal/package_lock.h"

#include <algorithm>
#include <map>
#include <string>
#include <utility>

#include <nlohmann/json.hpp>

#include "analyze/lang/npm/internal/package_json.h"
#include "base/strings.h"

namespace hullscan::analyze::npm_internal {
namespace {

using Collected = std::map<std::pair<std::string, std::string>, inventory::Package>;

// A version a registry publishes ("1.2.3", "2.1.6+git"), not a git, file or tarball reference.
bool IsRegistryVersion(std::string_view version) {
  if (version.empty()) return false;
  for (char c : version) {
    if (c == ':' || c == '/' || c == ' ' || c == '#') return false;
  }
  return true;
}

const std::string* StringField(const nlohmann::json& object, const char* key) {
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? &it->get_ref<const std::string&>() : nullptr;
}

bool BoolField(const nlohmann::json& object, const char* key) {
  auto it = object.find(key);
  return it != object.end() && it->is_boolean() && it->get<bool>();
}

// The same package may be installed at several paths: one entry, dev only if every copy is.
void Collect(std::string_view name, std::string_view version, bool dev, const nlohmann::json& entry,
             Collected& out) {
  auto [it, inserted] = out.try_emplace({std::string(name), std::string(version)});
  inventory::Package& package = it->second;
  if (inserted) {
    package.type = inventory::PackageType::kNpm;
    package.name = name;
    package.version = version;
    package.dev = dev;
  } else {
    package.dev = package.dev && dev;
  }
  if (package.licenses.empty()) {
    if (const std::string* license = StringField(entry, "license"); license && !TrimSpace(*license).empty()) {
      package.licenses.emplace_back(TrimSpace(*license));
    }
  }
}

// lockfileVersion 2 and 3: "packages": {"node_modules/a": {...}, "node_modules/a/node_modules/b": {...}}.
void ParsePackages(const nlohmann::json& packages, Collected& out) {
  constexpr std::string_view kNodeModules = "node_modules/";
  for (const auto& [key, entry] : packages.items()) {
    if (!entry.is_object()) continue;
    std::string_view path = key;
    size_t last = path.rfind(kNodeModules);
    // "" is the root project; other paths outside node_modules/ are workspace members; "link"
    // entries point at a workspace folder whose own entry holds its version.
    if (last == std::string_view::npos || (last != 0 && path[last - 1] != '/')) continue;
    if (BoolField(entry, "link")) continue;
    const std::string* version = StringField(entry, "version");
    if (!version || !IsRegistryVersion(*version)) continue;
    // An aliased install ("node_modules/alias") records the real name in "name".
    const std::string* real_name = StringField(entry, "name");
    std::string_view name = real_name && IsValidPackageName(*real_name) ? std::string_view(*real_name)
                                                                         : path.substr(last + kNodeModules.size());
    // devOptional: a dev dependency that is also an optional one of a dev dependency; not
    // installed by `npm ci --omit=dev` either.
    Collect(name, *version, BoolField(entry, "dev") || BoolField(entry, "devOptional"), entry, out);
  }
}

// lockfileVersion 1: "dependencies": {"a": {"version": "1.0.0", "dev": true, "dependencies": {...}}}.
void ParseDependencies(const nlohmann::json& dependencies, int depth, Collected& out, Problems& problems) {
  if (depth > 256) {
    problems.Add(0, "dependencies nested deeper than 256 levels");
    return;
  }
  for (const auto& [key, entry] : dependencies.items()) {
    if (!entry.is_object()) continue;
    if (const std::string* version = StringField(entry, "version")) {
      std::string_view name = key;
      std::string_view v = *version;
      // An alias: "alias": {"version": "npm:@scope/real@1.2.3"}.
      if (StartsWith(v, "npm:")) {
        std::string_view spec = v.substr(4);
        size_t at = spec.rfind('@');
        if (at != std::string_view::npos && at > 0) {
          name = spec.substr(0, at);
          v = spec.substr(at + 1);
        }
      }
      if (!IsValidPackageName(name)) {
        problems.Add(0, "invalid package name " + QuoteForMessage(name));
      } else if (IsRegistryVersion(v)) {
        Collect(name, v, BoolField(entry, "dev"), entry, out);
      }
    }
    if (auto nested = entry.find("dependencies"); nested != entry.end() && nested->is_object()) {
      ParseDependencies(*nested, depth + 1, out, problems);
    }
  }
}

}  // namespace

std::vector<inventory::Package> ParsePackageLock(std::string_view text, Problems& problems) {
  std::vector<inventory::Package> result;
  // nlohmann's parser is recursive; bound nesting so a hostile file cannot exhaust the stack.
  int depth = 0, max_depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_string) {
      if (c == '\\') ++i;
      else if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      max_depth = std::max(max_depth, ++depth);
    } else if (c == '}' || c == ']') {
      --depth;
    }
  }
  if (max_depth > 1000) {
    problems.Add(0, "JSON nested deeper than 1000 levels");
    return result;
  }
  nlohmann::json doc = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object()) {
    problems.Add(0, "not a package-lock.json (JSON object expected)");
    return result;
  }
  Collected collected;
  auto packages = doc.find("packages");
  if (packages != doc.end() && packages->is_object()) {
    ParsePackages(*packages, collected);
  } else if (auto dependencies = doc.find("dependencies"); dependencies != doc.end() && dependencies->is_object()) {
    ParseDependencies(*dependencies, 0, collected, problems);
  }
  result.reserve(collected.size());
  for (auto& [key, package] : collected) result.push_back(std::move(package));
  return result;
}

}  // namespace hullscan::analyze::npm_internal
