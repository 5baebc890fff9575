#include "analyze/lang/npm/npm.h"

#include <set>
#include <string>
#include <utility>
#include <vector>

#include "analyze/lang/npm/internal/package_json.h"
#include "analyze/lang/npm/internal/package_lock.h"
#include "analyze/lang/npm/internal/pnpm_lock.h"
#include "analyze/lang/npm/internal/yarn_lock.h"
#include "base/problems.h"

namespace hullscan::analyze {
namespace {

enum class FileKind { kNone, kInstalledPackageJson, kPackageLock, kShrinkwrap, kYarnLock, kPnpmLock };

constexpr std::string_view kNodeModules = "node_modules";

// The path component that ends just before position `end` (exclusive), and where it starts.
std::string_view ComponentBefore(std::string_view path, size_t end, size_t* start) {
  size_t slash = end == 0 ? std::string_view::npos : path.rfind('/', end - 1);
  *start = slash == std::string_view::npos ? 0 : slash + 1;
  return path.substr(*start, end - *start);
}

bool IsUnderNodeModules(std::string_view path) {
  return path.substr(0, kNodeModules.size() + 1) == "node_modules/" ||
         path.find("/node_modules/") != std::string_view::npos;
}

// Comparisons on the last few path components only, no allocation: this runs for every file of
// every layer.
FileKind KindOf(std::string_view path) {
  size_t name_start = 0;
  std::string_view name = ComponentBefore(path, path.size(), &name_start);
  if (name == "package.json") {
    // Only a package's own manifest: node_modules/<pkg>/package.json or
    // node_modules/@scope/<pkg>/package.json (at any depth). Manifests deeper inside a package
    // (test fixtures, "type": "module" markers in lib/) are not installed packages.
    if (name_start == 0) return FileKind::kNone;
    size_t pkg_start = 0, parent_start = 0;
    std::string_view pkg = ComponentBefore(path, name_start - 1, &pkg_start);
    if (pkg.empty() || pkg_start == 0) return FileKind::kNone;
    std::string_view parent = ComponentBefore(path, pkg_start - 1, &parent_start);
    if (parent == kNodeModules) return FileKind::kInstalledPackageJson;
    if (parent.size() > 1 && parent.front() == '@' && parent_start > 0) {
      size_t grandparent_start = 0;
      if (ComponentBefore(path, parent_start - 1, &grandparent_start) == kNodeModules) {
        return FileKind::kInstalledPackageJson;
      }
    }
    return FileKind::kNone;
  }
  // Lockfiles belong to a project; copies inside installed packages are not what was installed.
  FileKind kind = name == "package-lock.json"     ? FileKind::kPackageLock
                  : name == "npm-shrinkwrap.json" ? FileKind::kShrinkwrap
                  : name == "yarn.lock"           ? FileKind::kYarnLock
                  : name == "pnpm-lock.yaml"      ? FileKind::kPnpmLock
                                                  : FileKind::kNone;
  if (kind != FileKind::kNone && IsUnderNodeModules(path)) return FileKind::kNone;
  return kind;
}

std::string_view DirOf(std::string_view path) {
  size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? std::string_view() : path.substr(0, slash + 1);  // with '/'
}

class NpmAnalyzer final : public Analyzer {
 public:
  std::string_view Name() const override { return "npm"; }
  int Version() const override { return 1; }
  bool Wants(const FileInfo& file) const override { return KindOf(file.path) != FileKind::kNone; }
  int64_t MaxFileSize() const override { return int64_t{32} << 20; }

  void Analyze(std::span<const File> files, inventory::LayerResult& out) const override {
    // Project directories ("app/", "" for the root) whose node_modules/ this layer installs into,
    // and those with an npm-shrinkwrap.json.
    std::set<std::string_view> installed_projects;
    std::set<std::string_view> shrinkwrapped;
    for (const File& file : files) {
      FileKind kind = KindOf(file.path);
      if (kind == FileKind::kShrinkwrap) shrinkwrapped.insert(DirOf(file.path));
      if (kind != FileKind::kInstalledPackageJson) continue;
      std::string_view path = file.path;
      size_t first = path.substr(0, kNodeModules.size() + 1) == "node_modules/" ? 0 : path.find("/node_modules/") + 1;
      installed_projects.insert(path.substr(0, first));
    }

    for (const File& file : files) {
      const FileKind kind = KindOf(file.path);
      if (kind == FileKind::kNone) continue;
      Problems problems;
      std::vector<inventory::Package> packages;
      const std::string_view dir = DirOf(file.path);
      const bool lockfile = kind != FileKind::kInstalledPackageJson;
      const bool superseded = lockfile && (installed_projects.count(dir) > 0 ||
                                           (kind == FileKind::kPackageLock && shrinkwrapped.count(dir) > 0));
      if (!superseded) {
        switch (kind) {
          case FileKind::kNone: break;
          case FileKind::kInstalledPackageJson:
            if (auto package = npm_internal::ParsePackageJson(file.content, problems)) {
              packages.push_back(std::move(*package));
            }
            break;
          case FileKind::kPackageLock:
          case FileKind::kShrinkwrap: packages = npm_internal::ParsePackageLock(file.content, problems); break;
          case FileKind::kYarnLock: packages = npm_internal::ParseYarnLock(file.content, problems); break;
          case FileKind::kPnpmLock: packages = npm_internal::ParsePnpmLock(file.content, problems); break;
        }
      }
      for (auto& package : packages) package.location.path = file.path;
      // Always a database, empty when superseded or broken: it replaces a lower layer's copy.
      out.package_dbs.push_back(
          inventory::PackageDb{file.path, lockfile ? "npm-lock" : "npm-installed", std::move(packages)});
      for (std::string& message : problems.Take()) {
        out.diagnostics.push_back(inventory::Diagnostic{"", file.path, std::move(message)});
      }
    }
  }
};

}  // namespace

std::unique_ptr<Analyzer> NewNpmAnalyzer() { return std::make_unique<NpmAnalyzer>(); }

}  // namespace hullscan::analyze
