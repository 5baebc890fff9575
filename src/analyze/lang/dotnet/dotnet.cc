#include "analyze/lang/dotnet/dotnet.h"

#include <string>
#include <utility>
#include <vector>

#include "analyze/lang/dotnet/internal/nuget.h"
#include "base/problems.h"

namespace hullscan::analyze {
namespace {

enum class FileKind { kNone, kDepsJson, kPackagesLock };

// Comparisons on the file name only, no allocation: this runs for every file of every layer.
FileKind KindOf(std::string_view path) {
  const size_t slash = path.rfind('/');
  const std::string_view name = slash == std::string_view::npos ? path : path.substr(slash + 1);
  if (name == "packages.lock.json") return FileKind::kPackagesLock;
  constexpr std::string_view kSuffix = ".deps.json";
  if (name.size() > kSuffix.size() && name.substr(name.size() - kSuffix.size()) == kSuffix) return FileKind::kDepsJson;
  return FileKind::kNone;
}

class DotnetAnalyzer final : public Analyzer {
 public:
  std::string_view Name() const override { return "dotnet"; }
  int Version() const override { return 1; }
  bool Wants(const FileInfo& file) const override { return KindOf(file.path) != FileKind::kNone; }
  int64_t MaxFileSize() const override { return int64_t{32} << 20; }

  void Analyze(std::span<const File> files, inventory::LayerResult& out) const override {
    for (const File& file : files) {
      const FileKind kind = KindOf(file.path);
      if (kind == FileKind::kNone) continue;
      Problems problems;
      std::vector<inventory::Package> packages = kind == FileKind::kDepsJson
                                                     ? dotnet_internal::ParseDepsJson(file.content, problems)
                                                     : dotnet_internal::ParsePackagesLock(file.content, problems);
      for (auto& package : packages) package.location.path = file.path;
      // Always a database, empty when broken: it replaces a lower layer's copy of the file.
      out.package_dbs.push_back(inventory::PackageDb{
          file.path, kind == FileKind::kDepsJson ? "dotnet-deps" : "nuget-lock", std::move(packages)});
      for (std::string& message : problems.Take()) {
        out.diagnostics.push_back(inventory::Diagnostic{"", file.path, std::move(message)});
      }
    }
  }
};

}  // namespace

std::unique_ptr<Analyzer> NewDotnetAnalyzer() { return std::make_unique<DotnetAnalyzer>(); }

}  // namespace hullscan::analyze
