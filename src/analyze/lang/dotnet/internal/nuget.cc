#include "analyze/lang/dotnet/internal/nuget.h"

#include <optional>
#include <set>
#include <string>
#include <utility>

#include <nlohmann/json.hpp>

#include "base/strings.h"

namespace hullscan::analyze::dotnet_internal {
namespace {

using nlohmann::json;

constexpr std::string_view kRuntimePackPrefix = "runtimepack.";

class Collector {
 public:
  void Add(std::string_view name, std::string_view version) {
    name = TrimSpace(name);
    version = TrimSpace(version);
    if (!seen_.emplace(std::string(name), std::string(version)).second) return;
    inventory::Package package;
    package.type = inventory::PackageType::kNuget;
    package.name = std::string(name);
    package.version = std::string(version);
    out_.push_back(std::move(package));
  }
  std::vector<inventory::Package> Take() { return std::move(out_); }

 private:
  std::vector<inventory::Package> out_;
  std::set<std::pair<std::string, std::string>> seen_;
};

std::optional<json> ParseObject(std::string_view text, std::string_view what, Problems& problems) {
  json doc = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object()) {
    problems.Add(0, "not a " + std::string(what) + " (JSON object expected)");
    return std::nullopt;
  }
  return doc;
}

const json* FindObject(const json& object, std::string_view key) {
  auto it = object.find(key);
  return it != object.end() && it->is_object() ? &*it : nullptr;
}

std::string_view StringOr(const json& object, std::string_view key, std::string_view fallback) {
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? std::string_view(it->get_ref<const std::string&>()) : fallback;
}

// The runtime target's library entries ("targets"[runtimeTarget.name]); null when the file names none
// or the target is missing, in which case every library is kept.
const json* RuntimeTarget(const json& doc) {
  const json* runtime_target = FindObject(doc, "runtimeTarget");
  const json* targets = FindObject(doc, "targets");
  if (runtime_target == nullptr || targets == nullptr) return nullptr;
  std::string_view name = StringOr(*runtime_target, "name", "");
  return name.empty() ? nullptr : FindObject(*targets, name);
}

}  // namespace

std::vector<inventory::Package> ParseDepsJson(std::string_view text, Problems& problems) {
  auto doc = ParseObject(text, ".deps.json", problems);
  if (!doc) return {};
  const json* libraries = FindObject(*doc, "libraries");
  if (libraries == nullptr) {
    // A deps.json of an app without packages may leave "libraries" out; without "targets" as well the
    // file is not a deps.json at all.
    if (FindObject(*doc, "targets") == nullptr) problems.Add(0, "not a .deps.json: no \"libraries\" or \"targets\"");
    return {};
  }
  const json* target = RuntimeTarget(*doc);
  Collector collector;
  for (const auto& [key, library] : libraries->items()) {
    if (!library.is_object()) {
      problems.Add(0, "library " + QuoteForMessage(key) + " is not an object");
      continue;
    }
    const std::string_view type = StringOr(library, "type", "");
    if (type != "package" && type != "runtimepack") continue;
    const size_t slash = key.find('/');
    if (slash == std::string::npos || slash == 0 || slash + 1 == key.size()) {
      problems.Add(0, "library key is not Name/Version: " + QuoteForMessage(key));
      continue;
    }
    if (target != nullptr) {
      if (const json* entry = FindObject(*target, key);
          entry != nullptr && !entry->contains("runtime") && !entry->contains("runtimeTargets") &&
          !entry->contains("native")) {
        continue;  // compile-time only: nothing of it is deployed with the application
      }
    }
    std::string_view name = std::string_view(key).substr(0, slash);
    if (type == "runtimepack" && StartsWith(name, kRuntimePackPrefix)) name.remove_prefix(kRuntimePackPrefix.size());
    collector.Add(name, std::string_view(key).substr(slash + 1));
  }
  return collector.Take();
}

std::vector<inventory::Package> ParsePackagesLock(std::string_view text, Problems& problems) {
  auto doc = ParseObject(text, "packages.lock.json", problems);
  if (!doc) return {};
  const json* frameworks = FindObject(*doc, "dependencies");
  if (frameworks == nullptr) {
    problems.Add(0, "packages.lock.json has no \"dependencies\" object");
    return {};
  }
  Collector collector;
  for (const auto& [framework, dependencies] : frameworks->items()) {
    if (!dependencies.is_object()) {
      problems.Add(0, "dependencies of " + QuoteForMessage(framework) + " are not an object");
      continue;
    }
    for (const auto& [name, dependency] : dependencies.items()) {
      if (!dependency.is_object()) {
        problems.Add(0, "dependency " + QuoteForMessage(name) + " is not an object");
        continue;
      }
      if (ToLower(StringOr(dependency, "type", "")) == "project") continue;
      const std::string_view resolved = StringOr(dependency, "resolved", "");
      if (TrimSpace(name).empty() || TrimSpace(resolved).empty()) {
        problems.Add(0, "dependency " + QuoteForMessage(name) + " has no resolved version");
        continue;
      }
      collector.Add(name, resolved);
    }
  }
  return collector.Take();
}

}  // namespace hullscan::analyze::dotnet_internal
