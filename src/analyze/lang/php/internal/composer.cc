#include "analyze/lang/php/internal/composer.h"

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>

#include <nlohmann/json.hpp>

#include "base/strings.h"

namespace hullscan::analyze::php_internal {
namespace {

using nlohmann::json;

// "license": "MIT" | ["MIT", "BSD-2-Clause"].
std::vector<std::string> Licenses(const json& entry) {
  std::vector<std::string> out;
  auto license = entry.find("license");
  if (license == entry.end()) return out;
  // Composer's own rule: several licences (an array) are a choice, and so is "MIT or BSD-2-Clause"
  // written in one string; both become one list entry per licence, as Trivy reports them.
  auto add = [&out](const json& value) {
    if (!value.is_string()) return;
    std::string_view rest = value.get_ref<const std::string&>();
    while (!rest.empty()) {
      size_t cut = std::string_view::npos;
      for (std::string_view sep : {" or ", " OR "}) cut = std::min(cut, rest.find(sep));
      std::string_view part = TrimSpace(rest.substr(0, cut));
      if (!part.empty()) out.emplace_back(part);
      rest = cut == std::string_view::npos ? std::string_view() : rest.substr(cut + 4);
    }
  };
  if (license->is_array()) {
    for (const auto& element : *license) add(element);
  } else {
    add(*license);
  }
  return out;
}

// Adds the packages of one array; `dev_names` flags dev packages by name (installed.json), `all_dev`
// flags the whole array (packages-dev).
class Collector {
 public:
  void AddArray(const json& array, bool all_dev, const std::set<std::string>& dev_names, std::string_view what,
                Problems& problems) {
    if (!array.is_array()) {
      problems.Add(0, std::string(what) + " is not an array");
      return;
    }
    size_t index = 0;
    for (const json& entry : array) {
      ++index;
      if (!entry.is_object()) {
        problems.Add(0, std::string(what) + " entry " + std::to_string(index) + " is not an object");
        continue;
      }
      auto name = entry.find("name");
      auto version = entry.find("version");
      if (name == entry.end() || version == entry.end() || !name->is_string() || !version->is_string() ||
          TrimSpace(name->get_ref<const std::string&>()).empty() ||
          TrimSpace(version->get_ref<const std::string&>()).empty()) {
        problems.Add(0, std::string(what) + " entry " + std::to_string(index) + " has no name or version");
        continue;
      }
      std::string name_text(TrimSpace(name->get_ref<const std::string&>()));
      std::string version_text(TrimSpace(version->get_ref<const std::string&>()));
      const bool dev = all_dev || dev_names.count(name_text) > 0;
      auto key = std::make_pair(name_text, version_text);
      if (auto it = index_.find(key); it != index_.end()) {
        out_[it->second].dev = out_[it->second].dev && dev;
        continue;
      }
      inventory::Package package;
      package.type = inventory::PackageType::kComposer;
      package.name = std::move(name_text);
      package.version = std::move(version_text);
      package.licenses = Licenses(entry);
      package.dev = dev;
      index_.emplace(std::move(key), out_.size());
      out_.push_back(std::move(package));
    }
  }
  std::vector<inventory::Package> Take() { return std::move(out_); }

 private:
  std::vector<inventory::Package> out_;
  std::map<std::pair<std::string, std::string>, size_t> index_;
};

std::optional<json> ParseObjectOrArray(std::string_view text, std::string_view what, Problems& problems) {
  json doc = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !(doc.is_object() || doc.is_array())) {
    problems.Add(0, "not a " + std::string(what) + " (JSON decode error)");
    return std::nullopt;
  }
  return doc;
}

}  // namespace

std::vector<inventory::Package> ParseComposerLock(std::string_view text, Problems& problems) {
  auto doc = ParseObjectOrArray(text, "composer.lock", problems);
  if (!doc) return {};
  if (!doc->is_object()) {
    problems.Add(0, "not a composer.lock (JSON object expected)");
    return {};
  }
  Collector collector;
  const std::set<std::string> none;
  if (auto packages = doc->find("packages"); packages != doc->end() && !packages->is_null()) {
    collector.AddArray(*packages, /*all_dev=*/false, none, "packages", problems);
  }
  if (auto packages = doc->find("packages-dev"); packages != doc->end() && !packages->is_null()) {
    collector.AddArray(*packages, /*all_dev=*/true, none, "packages-dev", problems);
  }
  return collector.Take();
}

std::vector<inventory::Package> ParseInstalledJson(std::string_view text, Problems& problems) {
  auto doc = ParseObjectOrArray(text, "installed.json", problems);
  if (!doc) return {};
  Collector collector;
  std::set<std::string> dev_names;
  if (doc->is_array()) {  // composer 1
    collector.AddArray(*doc, /*all_dev=*/false, dev_names, "packages", problems);
    return collector.Take();
  }
  if (auto names = doc->find("dev-package-names"); names != doc->end() && names->is_array()) {
    for (const auto& name : *names) {
      if (name.is_string()) dev_names.insert(name.get<std::string>());
    }
  }
  auto packages = doc->find("packages");
  if (packages == doc->end()) {
    problems.Add(0, "installed.json has no \"packages\"");
    return {};
  }
  collector.AddArray(*packages, /*all_dev=*/false, dev_names, "packages", problems);
  return collector.Take();
}

}  // namespace hullscan::analyze::php_internal
