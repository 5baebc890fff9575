#include "analyze/lang/python/python.h"

#include <string>
#include <utility>
#include <vector>

#include "analyze/lang/python/internal/lockfiles.h"
#include "analyze/lang/python/internal/metadata.h"
#include "base/problems.h"

namespace hullscan::analyze {
namespace {

enum class FileKind { kNone, kInstalledMetadata, kRequirements, kPipfileLock, kPoetryLock, kUvLock };

char LowerAscii(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

// `lower_suffix` must be lowercase.
bool EndsWithIgnoreCase(std::string_view s, std::string_view lower_suffix) {
  if (s.size() < lower_suffix.size()) return false;
  std::string_view tail = s.substr(s.size() - lower_suffix.size());
  for (size_t i = 0; i < tail.size(); ++i) {
    if (LowerAscii(tail[i]) != lower_suffix[i]) return false;
  }
  return true;
}

// Only comparisons on the path's last two components, no allocation: this runs for every file of
// every layer.
FileKind KindOf(std::string_view path) {
  size_t slash = path.rfind('/');
  std::string_view name = slash == std::string_view::npos ? path : path.substr(slash + 1);
  std::string_view dir = slash == std::string_view::npos ? std::string_view() : path.substr(0, slash);
  std::string_view parent = dir.substr(dir.rfind('/') == std::string_view::npos ? 0 : dir.rfind('/') + 1);

  // Installed distributions: <dist>.dist-info/METADATA (wheels), <dist>.egg-info/PKG-INFO
  // (setuptools; also METADATA there), <dist>.egg/EGG-INFO/PKG-INFO (unzipped eggs), and a plain
  // <dist>.egg-info file (distutils). Directory names are matched case-insensitively, as syft does.
  if (name == "METADATA") {
    if (EndsWithIgnoreCase(parent, "dist-info") || EndsWithIgnoreCase(parent, "egg-info")) {
      return FileKind::kInstalledMetadata;
    }
    return FileKind::kNone;
  }
  if (name == "PKG-INFO") return EndsWithIgnoreCase(parent, "egg-info") ? FileKind::kInstalledMetadata : FileKind::kNone;
  if (name.size() > 9 && EndsWithIgnoreCase(name, ".egg-info")) return FileKind::kInstalledMetadata;

  if (name == "Pipfile.lock") return FileKind::kPipfileLock;
  if (name == "poetry.lock") return FileKind::kPoetryLock;
  if (name == "uv.lock") return FileKind::kUvLock;
  if (name.size() >= 16 && name.substr(0, 12) == "requirements" && name.substr(name.size() - 4) == ".txt") {
    return FileKind::kRequirements;
  }
  return FileKind::kNone;
}

class PythonAnalyzer final : public Analyzer {
 public:
  std::string_view Name() const override { return "python"; }
  int Version() const override { return 1; }
  bool Wants(const FileInfo& file) const override { return KindOf(file.path) != FileKind::kNone; }
  // Metadata and lockfiles are small; a larger file at such a path is not one.
  int64_t MaxFileSize() const override { return int64_t{16} << 20; }

  void Analyze(std::span<const File> files, inventory::LayerResult& out) const override {
    for (const File& file : files) {
      const FileKind kind = KindOf(file.path);
      Problems problems;
      std::vector<inventory::Package> packages;
      switch (kind) {
        case FileKind::kNone: continue;
        case FileKind::kInstalledMetadata:
          if (auto package = python_internal::ParseMetadata(file.content, problems)) {
            packages.push_back(std::move(*package));
          }
          break;
        case FileKind::kRequirements: packages = python_internal::ParseRequirements(file.content, problems); break;
        case FileKind::kPipfileLock: packages = python_internal::ParsePipfileLock(file.content, problems); break;
        case FileKind::kPoetryLock: packages = python_internal::ParsePoetryLock(file.content, problems); break;
        case FileKind::kUvLock: packages = python_internal::ParseUvLock(file.content, problems); break;
      }
      for (auto& package : packages) package.location.path = file.path;
      // A file that yields nothing still becomes an (empty) database: it replaces what a lower
      // layer had at the same path.
      out.package_dbs.push_back(inventory::PackageDb{
          file.path, kind == FileKind::kInstalledMetadata ? "python-dist" : "python-lock", std::move(packages)});
      for (std::string& message : problems.Take()) {
        out.diagnostics.push_back(inventory::Diagnostic{"", file.path, std::move(message)});
      }
    }
  }
};

}  // namespace

std::unique_ptr<Analyzer> NewPythonAnalyzer() { return std::make_unique<PythonAnalyzer>(); }

}  // namespace hullscan::analyze
