#include "analyze/apk/apk.h"

#include <string>
#include <string_view>
#include <utility>

#include "analyze/apk/internal/installed.h"

namespace hullscan::analyze {
namespace {

// apk-tools 2 keeps its database in lib/apk/db/; apk-tools 3 on a /usr-merged system may keep it in
// usr/lib/apk/db/ instead. The layer reader offers regular files only, so a symlinked copy of the
// one location does not show up twice.
constexpr std::string_view kInstalledPaths[] = {"lib/apk/db/installed", "usr/lib/apk/db/installed"};

class ApkAnalyzer final : public Analyzer {
 public:
  std::string_view Name() const override { return "apk"; }
  int Version() const override { return 1; }

  bool Wants(const FileInfo& file) const override {
    for (std::string_view path : kInstalledPaths) {
      if (file.path == path) return true;
    }
    return false;
  }

  void Analyze(std::span<const File> files, inventory::LayerResult& out) const override {
    for (const File& file : files) {
      apk_internal::ParsedInstalled parsed = apk_internal::ParseInstalled(file.content);
      inventory::PackageDb db{file.path, std::string(Name()), std::move(parsed.packages)};
      for (auto& p : db.packages) p.location.path = file.path;
      out.package_dbs.push_back(std::move(db));
      for (std::string& message : parsed.problems) {
        out.diagnostics.push_back(inventory::Diagnostic{"", file.path, std::move(message)});
      }
    }
  }
};

}  // namespace

std::unique_ptr<Analyzer> NewApkAnalyzer() { return std::make_unique<ApkAnalyzer>(); }

}  // namespace hullscan::analyze
