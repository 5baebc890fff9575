#include "analyze/lang/npm/internal/pnpm_lock.h"

#include <yaml-cpp/yaml.h>

#include <cctype>
#include <deque>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "analyze/lang/npm/internal/package_json.h"
#include "base/strings.h"

namespace hullscan::analyze::npm_internal {
namespace {

// node[key], or a null node: a missing key of a const node is an "invalid" node whose type
// queries throw.
YAML::Node Child(const YAML::Node& node, const std::string& key) {
  if (!node.IsMap()) return YAML::Node();
  const YAML::Node value = node[key];
  return value ? value : YAML::Node();
}

std::string ScalarOr(const YAML::Node& node, const char* key) {
  const YAML::Node value = Child(node, key);
  return value.IsScalar() ? value.Scalar() : std::string();
}

// "1.0.0(react@18.2.0)(…)" → "1.0.0"; v5 "1.0.0_react@18.2.0" → "1.0.0".
std::string_view StripPeers(std::string_view version, bool v5) {
  version = version.substr(0, version.find('('));
  if (v5) version = version.substr(0, version.find('_'));
  return version;
}

bool LooksLikeVersion(std::string_view v) { return !v.empty() && std::isdigit(static_cast<unsigned char>(v[0])) != 0; }

// A package key → (name, version); empty name when the key names no registry package.
std::pair<std::string, std::string> SplitKey(std::string_view key, int major) {
  const bool v5 = major < 6;
  if (StartsWith(key, "/")) {
    key.remove_prefix(1);
  } else if (v5 && key.find('/') != std::string_view::npos) {
    key.remove_prefix(key.find('/') + 1);  // "registry.npmjs.org/foo/1.1.0": a registry host first
  }
  key = key.substr(0, key.find('('));
  if (v5) {
    // name/version[_peers]; a scoped name has one more '/'.
    size_t slash = key.rfind('/');
    if (slash == std::string_view::npos || slash == 0) return {};
    std::string_view name = key.substr(0, slash);
    std::string_view version = StripPeers(key.substr(slash + 1), true);
    // Peer suffixes may contain '/' when written "_@scope+x@1": retry on the part before '_'.
    if (size_t underscore = key.find('_'); underscore != std::string_view::npos && underscore < slash) {
      std::string_view head = key.substr(0, underscore);
      slash = head.rfind('/');
      if (slash == std::string_view::npos || slash == 0) return {};
      name = head.substr(0, slash);
      version = head.substr(slash + 1);
    }
    return {std::string(name), std::string(version)};
  }
  const size_t at = key.rfind('@');
  if (at == std::string_view::npos || at == 0) return {};
  return {std::string(key.substr(0, at)), std::string(key.substr(at + 1))};
}

// v9: the packages reachable from the importers' production dependencies, as "name@version(peers)"
// snapshot keys.
std::set<std::string> ProductionSnapshots(const YAML::Node& doc) {
  std::set<std::string> reached;
  std::deque<std::string> queue;
  auto visit = [&](const YAML::Node& deps) {
    if (!deps.IsMap()) return;
    for (const auto& dep : deps) {
      if (!dep.first.IsScalar()) continue;
      std::string version = dep.second.IsMap() ? ScalarOr(dep.second, "version")
                            : dep.second.IsScalar() ? dep.second.Scalar()
                                                    : std::string();
      if (version.empty()) continue;
      // An alias ("npm:real@1.0.0" in importers, "real@1.0.0" in snapshots) names its target.
      std::string id = version.find('@', 1) != std::string::npos && !LooksLikeVersion(version)
                           ? (StartsWith(version, "npm:") ? version.substr(4) : version)
                           : dep.first.Scalar() + "@" + version;
      if (reached.insert(id).second) queue.push_back(std::move(id));
    }
  };
  const YAML::Node importers = Child(doc, "importers");
  if (importers.IsMap()) {
    for (const auto& importer : importers) {
      if (!importer.second.IsMap()) continue;
      visit(Child(importer.second, "dependencies"));
      visit(Child(importer.second, "optionalDependencies"));
    }
  }
  const YAML::Node snapshots = Child(doc, "snapshots");
  if (!snapshots.IsMap()) return reached;
  while (!queue.empty()) {
    const std::string id = std::move(queue.front());
    queue.pop_front();
    const YAML::Node snapshot = Child(snapshots, id);
    if (!snapshot.IsMap()) continue;
    visit(Child(snapshot, "dependencies"));
    visit(Child(snapshot, "optionalDependencies"));
  }
  return reached;
}

}  // namespace

std::vector<inventory::Package> ParsePnpmLock(std::string_view text, Problems& problems) {
  std::map<std::pair<std::string, std::string>, inventory::Package> collected;
  try {
    // pnpm 11 may write its own tool lockfile as a first document; the project's comes last.
    // Each document loaded on its own (YAML::LoadAll can loop forever on hostile input).
    std::vector<YAML::Node> documents;
    for (const YamlDocumentText& d : SplitYamlDocuments(text)) {
      if (documents.size() >= 16) break;  // a lockfile has one or two
      documents.push_back(YAML::Load(std::string(d.text)));
    }
    size_t chosen = documents.size();
    for (size_t i = 0; i < documents.size(); ++i) {
      if (documents[i].IsMap()) chosen = i;
    }
    if (chosen == documents.size()) {
      if (!TrimSpace(text).empty()) problems.Add(0, "not a pnpm lockfile (no YAML mapping)");
      return {};
    }
    const YAML::Node& doc = documents[chosen];
    const std::string lockfile_version = ScalarOr(doc, "lockfileVersion");
    int major = 5;
    if (!lockfile_version.empty() && std::isdigit(static_cast<unsigned char>(lockfile_version[0])) != 0) {
      major = std::stoi(lockfile_version.substr(0, lockfile_version.find('.')).substr(0, 3));
    }
    const YAML::Node packages = Child(doc, "packages");
    if (!packages.IsMap()) return {};
    std::set<std::string> production;
    if (major >= 9) production = ProductionSnapshots(doc);
    const bool has_importers = Child(doc, "importers").IsMap();
    for (const auto& entry : packages) {
      if (!entry.first.IsScalar()) continue;
      const std::string key = entry.first.Scalar();
      auto [name, version] = SplitKey(key, major);
      if (std::string n = ScalarOr(entry.second, "name"); !n.empty()) name = n;
      if (std::string v = ScalarOr(entry.second, "version"); !v.empty()) version = v;
      version = std::string(StripPeers(version, major < 6));
      if (StartsWith(version, "file:") || StartsWith(version, "link:") || StartsWith(key, "file:") ||
          StartsWith(key, "link:")) {
        continue;  // the project's own code
      }
      if (name.empty() || version.empty() || !IsValidPackageName(name)) {
        problems.Add(0, "invalid dependency path: " + std::string(QuoteForMessage(key, '\'', 120)));
        continue;
      }
      if (!LooksLikeVersion(version)) continue;  // git or tarball URL without a recorded version
      bool dev = false;
      if (major < 9) {
        dev = ScalarOr(entry.second, "dev") == "true";
      } else if (has_importers) {
        // Some snapshot of this name@version (any peer variant) reached from production deps?
        dev = true;
        const std::string prefix = name + "@" + version;
        for (auto it = production.lower_bound(prefix); it != production.end() && StartsWith(*it, prefix); ++it) {
          if (it->size() == prefix.size() || (*it)[prefix.size()] == '(') {
            dev = false;
            break;
          }
        }
        // A key whose own version is a URL (tarball) is reached under that key.
        if (dev && production.count(key) != 0) dev = false;
        if (dev) {
          for (const std::string& id : production) {
            if (StartsWith(id, key) && (id.size() == key.size() || id[key.size()] == '(')) {
              dev = false;
              break;
            }
          }
        }
      }
      auto [it, inserted] = collected.try_emplace({name, version});
      if (inserted) {
        it->second.type = inventory::PackageType::kNpm;
        it->second.name = name;
        it->second.version = version;
        it->second.dev = dev;
      } else {
        it->second.dev = it->second.dev && dev;
      }
    }
  } catch (const std::exception& e) {
    problems.Add(0, std::string("not a valid pnpm lockfile: ") + e.what());
    return {};
  }
  std::vector<inventory::Package> result;
  result.reserve(collected.size());
  for (auto& [k, package] : collected) result.push_back(std::move(package));
  return result;
}

}  // namespace hullscan::analyze::npm_internal
