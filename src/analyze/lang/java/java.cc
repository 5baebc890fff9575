#include "analyze/lang/java/java.h"

#include <string>
#include <utility>
#include <vector>

#include "analyze/lang/java/internal/archive.h"
#include "analyze/lang/java/internal/gradle_lock.h"
#include "analyze/lang/java/internal/pom_xml.h"
#include "base/problems.h"

namespace hullscan::analyze {
namespace {

enum class FileKind { kNone, kArchive, kPom, kGradleLock };

// Cheap: runs for every file of every layer.
FileKind KindOf(std::string_view path) {
  size_t slash = path.rfind('/');
  std::string_view name = slash == std::string_view::npos ? path : path.substr(slash + 1);
  if (java_internal::IsJavaArchiveName(name)) return FileKind::kArchive;
  if (name == "pom.xml") return FileKind::kPom;
  if (name == "gradle.lockfile") return FileKind::kGradleLock;
  // Older Gradle writes one lockfile per configuration under gradle/dependency-locks/.
  constexpr std::string_view kLocksDir = "gradle/dependency-locks/";
  if (name.ends_with(".lockfile") && slash != std::string_view::npos && slash + 1 >= kLocksDir.size() &&
      path.substr(slash + 1 - kLocksDir.size(), kLocksDir.size()) == kLocksDir) {
    return FileKind::kGradleLock;
  }
  return FileKind::kNone;
}

class JavaAnalyzer final : public Analyzer {
 public:
  std::string_view Name() const override { return "java"; }
  int Version() const override { return 1; }
  bool Wants(const FileInfo& file) const override { return KindOf(file.path) != FileKind::kNone; }
  int64_t MaxFileSize() const override { return int64_t{512} << 20; }
  bool AnalyzesEachFile() const override { return true; }

  void Analyze(std::span<const File> files, inventory::LayerResult& out) const override {
    for (const File& file : files) {
      const FileKind kind = KindOf(file.path);
      if (kind == FileKind::kNone) continue;
      Problems problems;
      std::vector<inventory::Package> packages;
      std::string_view analyzer;
      switch (kind) {
        case FileKind::kNone: break;
        case FileKind::kArchive:
          analyzer = "java-archive";
          packages = java_internal::ParseArchive(file.path, file.content, problems);
          break;
        case FileKind::kPom:
          analyzer = "java-pom";
          packages = java_internal::ParsePomXml(file.content, problems);
          break;
        case FileKind::kGradleLock:
          analyzer = "java-gradle-lock";
          packages = java_internal::ParseGradleLockfile(file.content, problems);
          break;
      }
      if (kind != FileKind::kArchive) {
        for (auto& p : packages) p.location.path = file.path;
      }
      // Always a database, empty when broken: it replaces a lower layer's copy.
      out.package_dbs.push_back(inventory::PackageDb{file.path, std::string(analyzer), std::move(packages)});
      for (std::string& message : problems.Take()) {
        out.diagnostics.push_back(inventory::Diagnostic{"", file.path, std::move(message)});
      }
    }
  }
};

}  // namespace

std::unique_ptr<Analyzer> NewJavaAnalyzer() { return std::make_unique<JavaAnalyzer>(); }

}  // namespace hullscan::analyze
