#include "inventory/inventory.h"

#include <algorithm>
#include <set>
#include <tuple>

namespace hullscan::inventory {

std::string_view PackageTypeName(PackageType type) {
  switch (type) {
    case PackageType::kDeb: return "deb";
    case PackageType::kApk: return "apk";
    case PackageType::kRpm: return "rpm";
    case PackageType::kPypi: return "pypi";
    case PackageType::kNpm: return "npm";
    case PackageType::kGolang: return "golang";
    case PackageType::kMaven: return "maven";
    case PackageType::kGem: return "gem";
    case PackageType::kCargo: return "cargo";
    case PackageType::kComposer: return "composer";
    case PackageType::kNuget: return "nuget";
  }
  return "unknown";
}

size_t RemoveOsOwnedLanguagePackages(Inventory& inventory) {
  std::set<std::string_view> owned;
  for (const Package& p : inventory.packages)
    if (IsOsPackage(p.type))
      for (const std::string& f : p.installed_files) owned.insert(f);
  if (owned.empty()) return 0;
  size_t before = inventory.packages.size();
  std::erase_if(inventory.packages,
                [&](const Package& p) { return !IsOsPackage(p.type) && owned.count(p.location.path) > 0; });
  return before - inventory.packages.size();
}

size_t PreferInstalledNpmPackages(Inventory& inventory) {
  auto dir_of = [](std::string_view path) {
    size_t slash = path.rfind('/');
    return slash == std::string_view::npos ? std::string_view() : path.substr(0, slash);
  };
  auto is_lockfile = [](std::string_view path) {
    for (std::string_view name : {"package-lock.json", "npm-shrinkwrap.json", "yarn.lock", "pnpm-lock.yaml"}) {
      if (path == name || (path.size() > name.size() && path.substr(path.size() - name.size()) == name &&
                           path[path.size() - name.size() - 1] == '/'))
        return true;
    }
    return false;
  };
  // Directories that hold an installed node_modules/ tree: the part of an installed package's
  // path before its first "node_modules/".
  std::set<std::string_view> installed_roots;
  for (const Package& p : inventory.packages) {
    if (p.type != PackageType::kNpm || is_lockfile(p.location.path)) continue;
    std::string_view path = p.location.path;
    size_t at = path.find("node_modules/");
    if (at == std::string_view::npos) continue;
    installed_roots.insert(at == 0 ? std::string_view() : path.substr(0, at - 1));
  }
  if (installed_roots.empty()) return 0;
  size_t before = inventory.packages.size();
  std::erase_if(inventory.packages, [&](const Package& p) {
    return p.type == PackageType::kNpm && is_lockfile(p.location.path) && installed_roots.count(dir_of(p.location.path));
  });
  return before - inventory.packages.size();
}

bool IsOsPackage(PackageType type) {
  return type == PackageType::kDeb || type == PackageType::kApk || type == PackageType::kRpm;
}

namespace {

// True when `path` is `dir` or lies below it.
bool IsUnder(std::string_view path, std::string_view dir) {
  if (dir.empty()) return true;  // a whiteout of the root hides everything
  if (path.size() < dir.size() || path.compare(0, dir.size(), dir) != 0) return false;
  return path.size() == dir.size() || path[dir.size()] == '/';
}

bool StrictlyUnder(std::string_view path, std::string_view dir) {
  return path.size() > dir.size() && IsUnder(path, dir);
}

// A path-keyed fact and the index of the layer that wrote it.
template <typename T>
struct Layered {
  size_t layer = 0;
  T value;
};

// Applies one layer's whiteouts and opaque dirs to the facts of the layers below it.
template <typename T>
void ApplyDeletions(std::map<std::string, Layered<T>>& facts, const LayerResult& layer) {
  for (auto it = facts.begin(); it != facts.end();) {
    bool gone = false;
    for (const auto& w : layer.whiteouts) gone = gone || IsUnder(it->first, w);
    for (const auto& d : layer.opaque_dirs) gone = gone || StrictlyUnder(it->first, d);
    it = gone ? facts.erase(it) : std::next(it);
  }
}

// The identity of a package within one database file, for tracing it through the layers.
auto PackageKey(const Package& p) { return std::tie(p.type, p.name, p.version, p.arch); }

}  // namespace

void Canonicalize(Inventory& inv) {
  for (auto& p : inv.packages) std::sort(p.installed_files.begin(), p.installed_files.end());
  std::sort(inv.packages.begin(), inv.packages.end(), [](const Package& a, const Package& b) {
    return std::tie(a.type, a.name, a.version, a.arch, a.location) <
           std::tie(b.type, b.name, b.version, b.arch, b.location);
  });
  std::sort(inv.diagnostics.begin(), inv.diagnostics.end());
  inv.diagnostics.erase(std::unique(inv.diagnostics.begin(), inv.diagnostics.end()), inv.diagnostics.end());
  std::sort(inv.secrets.begin(), inv.secrets.end());
  inv.secrets.erase(std::unique(inv.secrets.begin(), inv.secrets.end()), inv.secrets.end());
  std::sort(inv.notable_files.begin(), inv.notable_files.end());
}

Inventory Squash(const Artifact& artifact, std::span<const LayerResult> layers) {
  Inventory inv;
  inv.artifact = artifact;

  std::map<std::string, Layered<const PackageDb*>> dbs;
  std::map<std::string, Layered<const OwnedFiles*>> lists;
  std::map<std::string, Layered<const std::string*>> os_files;
  std::map<std::string, Layered<const NotableFile*>> notable;
  // Every version of every database file, per layer, to find where each package first appeared.
  std::map<std::string, std::vector<Layered<const PackageDb*>>> db_history;

  for (size_t i = 0; i < layers.size(); ++i) {
    const LayerResult& layer = layers[i];
    ApplyDeletions(dbs, layer);
    ApplyDeletions(lists, layer);
    ApplyDeletions(os_files, layer);
    ApplyDeletions(notable, layer);
    // A notable file rewritten by this layer without the notable bits is no longer notable.
    if (!layer.written_paths.empty()) {
      for (auto it = notable.begin(); it != notable.end();) {
        bool rewritten = std::binary_search(layer.written_paths.begin(), layer.written_paths.end(), PathHash(it->first));
        it = rewritten ? notable.erase(it) : std::next(it);
      }
    }
    for (auto& [path, history] : db_history) {
      bool gone = false;
      for (const auto& w : layer.whiteouts) gone = gone || IsUnder(path, w);
      for (const auto& d : layer.opaque_dirs) gone = gone || StrictlyUnder(path, d);
      if (gone) history.clear();  // a deleted database starts a new history if it comes back
    }
    for (const auto& db : layer.package_dbs) {
      dbs[db.path] = {i, &db};
      db_history[db.path].push_back({i, &db});
    }
    for (const auto& l : layer.owned_files) lists[l.path] = {i, &l};
    for (const auto& [path, content] : layer.os_files) os_files[path] = {i, &content};
    for (const auto& f : layer.notable_files) notable[f.path] = {i, &f};
    for (const auto& secret : layer.secrets) {
      SecretHit hit = secret;
      hit.layer_diff_id = layer.diff_id;
      inv.secrets.push_back(std::move(hit));
    }
    for (const auto& d : layer.diagnostics) {
      Diagnostic diag = d;
      if (diag.layer_diff_id.empty()) diag.layer_diff_id = layer.diff_id;
      inv.diagnostics.push_back(std::move(diag));
    }
  }

  // Owned-file lists by package name (dpkg names them "<name>" or "<name>:<arch>").
  std::map<std::string, const OwnedFiles*> owned_by_package;
  for (const auto& [path, l] : lists) owned_by_package[l.value->package] = l.value;

  for (const auto& [path, db] : dbs) {
    const auto& history = db_history[path];
    for (const Package& p : db.value->packages) {
      // The lowest layer from which this exact package has been in every rewrite of the file.
      size_t origin = db.layer;
      for (auto h = history.rbegin(); h != history.rend(); ++h) {
        bool present = std::any_of(h->value->packages.begin(), h->value->packages.end(),
                                   [&](const Package& q) { return PackageKey(q) == PackageKey(p); });
        if (!present) break;
        origin = h->layer;
      }
      Package out = p;
      out.location.path = path;
      out.location.layer_diff_id = layers[origin].diff_id;
      if (out.installed_files.empty() && p.type == PackageType::kDeb) {
        auto it = owned_by_package.find(p.name + ":" + p.arch);
        if (it == owned_by_package.end()) it = owned_by_package.find(p.name);
        if (it != owned_by_package.end()) out.installed_files = it->second->files;
      }
      inv.packages.push_back(std::move(out));
    }
  }
  for (const auto& [path, f] : os_files) inv.os_files[path] = *f.value;
  for (const auto& [path, f] : notable) {
    NotableFile file = *f.value;
    file.layer_diff_id = layers[f.layer].diff_id;
    inv.notable_files.push_back(std::move(file));
  }

  Canonicalize(inv);
  return inv;
}

}  // namespace hullscan::inventory
