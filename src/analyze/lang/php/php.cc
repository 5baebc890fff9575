#include "analyze/lang/php/php.h"

#include <set>
#include <string>
#include <utility>
#include <vector>

#include "analyze/lang/php/internal/composer.h"
#include "base/problems.h"

namespace hullscan::analyze {
namespace {

enum class FileKind { kNone, kInstalledJson, kComposerLock };

constexpr std::string_view kInstalledJson = "vendor/composer/installed.json";

bool IsInsideVendor(std::string_view path) {
  return path.substr(0, 7) == "vendor/" || path.find("/vendor/") != std::string_view::npos;
}

// Suffix and component comparisons only, no allocation: this runs for every file of every layer.
FileKind KindOf(std::string_view path) {
  if (path.size() >= kInstalledJson.size() && path.substr(path.size() - kInstalledJson.size()) == kInstalledJson &&
      (path.size() == kInstalledJson.size() || path[path.size() - kInstalledJson.size() - 1] == '/')) {
    return FileKind::kInstalledJson;
  }
  const size_t slash = path.rfind('/');
  const std::string_view name = slash == std::string_view::npos ? path : path.substr(slash + 1);
  if (name == "composer.lock" && !IsInsideVendor(path)) return FileKind::kComposerLock;
  return FileKind::kNone;
}

// The project directory of a file, with its trailing '/' ("" for the root).
std::string_view ProjectOf(std::string_view path, FileKind kind) {
  if (kind == FileKind::kInstalledJson) return path.substr(0, path.size() - kInstalledJson.size());
  const size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? std::string_view() : path.substr(0, slash + 1);
}

class PhpAnalyzer final : public Analyzer {
 public:
  std::string_view Name() const override { return "php"; }
  int Version() const override { return 1; }
  bool Wants(const FileInfo& file) const override { return KindOf(file.path) != FileKind::kNone; }
  int64_t MaxFileSize() const override { return int64_t{32} << 20; }

  void Analyze(std::span<const File> files, inventory::LayerResult& out) const override {
    std::set<std::string_view> installed_projects;
    for (const File& file : files) {
      if (KindOf(file.path) == FileKind::kInstalledJson) {
        installed_projects.insert(ProjectOf(file.path, FileKind::kInstalledJson));
      }
    }
    for (const File& file : files) {
      const FileKind kind = KindOf(file.path);
      if (kind == FileKind::kNone) continue;
      Problems problems;
      std::vector<inventory::Package> packages;
      if (kind == FileKind::kInstalledJson) {
        packages = php_internal::ParseInstalledJson(file.content, problems);
      } else if (installed_projects.count(ProjectOf(file.path, kind)) == 0) {
        packages = php_internal::ParseComposerLock(file.content, problems);
      }
      for (auto& package : packages) package.location.path = file.path;
      // Always a database, empty when superseded or broken: it replaces a lower layer's copy.
      out.package_dbs.push_back(inventory::PackageDb{
          file.path, kind == FileKind::kInstalledJson ? "composer-installed" : "composer-lock", std::move(packages)});
      for (std::string& message : problems.Take()) {
        out.diagnostics.push_back(inventory::Diagnostic{"", file.path, std::move(message)});
      }
    }
  }
};

}  // namespace

std::unique_ptr<Analyzer> NewPhpAnalyzer() { return std::make_unique<PhpAnalyzer>(); }

}  // namespace hullscan::analyze
