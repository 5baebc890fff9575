#include "analyze/lang/ruby/ruby.h"

#include <string>
#include <utility>
#include <vector>

#include "analyze/lang/ruby/internal/gemfile_lock.h"
#include "analyze/lang/ruby/internal/gemspec.h"
#include "base/problems.h"

namespace hullscan::analyze {
namespace {

enum class FileKind { kNone, kGemspec, kGemfileLock };

// Comparisons on the last two path components only, no allocation: this runs for every file of
// every layer.
FileKind KindOf(std::string_view path) {
  const size_t slash = path.rfind('/');
  const std::string_view name = slash == std::string_view::npos ? path : path.substr(slash + 1);
  if (name == "Gemfile.lock" || name == "gems.locked") return FileKind::kGemfileLock;
  constexpr std::string_view kSuffix = ".gemspec";
  if (name.size() <= kSuffix.size() || name.substr(name.size() - kSuffix.size()) != kSuffix) return FileKind::kNone;
  // Installed gems only: RubyGems writes <gem home>/specifications/<name>-<version>.gemspec. A
  // gemspec elsewhere is a gem's source tree (its version often computed by Ruby code).
  if (slash == std::string_view::npos) return FileKind::kNone;
  const std::string_view dir = path.substr(0, slash);
  const size_t parent_slash = dir.rfind('/');
  const std::string_view parent = parent_slash == std::string_view::npos ? dir : dir.substr(parent_slash + 1);
  return parent == "specifications" ? FileKind::kGemspec : FileKind::kNone;
}

class RubyAnalyzer final : public Analyzer {
 public:
  std::string_view Name() const override { return "ruby"; }
  int Version() const override { return 1; }
  bool Wants(const FileInfo& file) const override { return KindOf(file.path) != FileKind::kNone; }
  int64_t MaxFileSize() const override { return int64_t{8} << 20; }

  void Analyze(std::span<const File> files, inventory::LayerResult& out) const override {
    for (const File& file : files) {
      const FileKind kind = KindOf(file.path);
      if (kind == FileKind::kNone) continue;
      Problems problems;
      std::vector<inventory::Package> packages;
      if (kind == FileKind::kGemspec) {
        if (auto package = ruby_internal::ParseGemspec(file.content, problems)) packages.push_back(std::move(*package));
      } else {
        packages = ruby_internal::ParseGemfileLock(file.content, problems);
      }
      for (auto& package : packages) package.location.path = file.path;
      // Always a database, empty when broken: it replaces a lower layer's copy of the file.
      out.package_dbs.push_back(inventory::PackageDb{
          file.path, kind == FileKind::kGemspec ? "gemspec" : "gemfile-lock", std::move(packages)});
      for (std::string& message : problems.Take()) {
        out.diagnostics.push_back(inventory::Diagnostic{"", file.path, std::move(message)});
      }
    }
  }
};

}  // namespace

std::unique_ptr<Analyzer> NewRubyAnalyzer() { return std::make_unique<RubyAnalyzer>(); }

}  // namespace hullscan::analyze
