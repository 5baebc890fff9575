#include "analyze/dpkg/dpkg.h"

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "analyze/dpkg/internal/deb822.h"
#include "analyze/dpkg/internal/status.h"

namespace hullscan::analyze {
namespace {

using dpkg_internal::ParsedStatus;
using dpkg_internal::Problems;
using dpkg_internal::StatusKind;

constexpr std::string_view kStatusPath = "var/lib/dpkg/status";
constexpr std::string_view kStatusDir = "var/lib/dpkg/status.d/";
constexpr std::string_view kInfoDir = "var/lib/dpkg/info/";
constexpr std::string_view kListSuffix = ".list";
constexpr std::string_view kMd5sumsSuffix = ".md5sums";

bool HasPrefix(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }
bool HasSuffix(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// A file name directly in a directory, with something before `suffix`.
bool IsNameWithSuffix(std::string_view name, std::string_view suffix) {
  return name.size() > suffix.size() && HasSuffix(name, suffix) && name.find('/') == std::string_view::npos;
}

// Distroless images keep a few per-package control members next to the stanza files in status.d/
// (syft's fixture has <pkg>.preinst); they are scripts or lists, not stanzas.
bool IsControlMemberName(std::string_view name) {
  for (std::string_view suffix : {".preinst", ".postinst", ".prerm", ".postrm", ".config", ".templates", ".triggers",
                                  ".shlibs", ".symbols", ".conffiles", ".list"}) {
    if (HasSuffix(name, suffix)) return true;
  }
  return false;
}

enum class FileRole { kNone, kStatusFile, kStatusDirStanza, kStatusDirMd5sums, kInfoList, kInfoMd5sums };

// Prefix and suffix comparisons only: this runs for every file of every layer.
FileRole RoleOf(std::string_view path) {
  if (path == kStatusPath) return FileRole::kStatusFile;
  if (HasPrefix(path, kStatusDir)) {
    std::string_view name = path.substr(kStatusDir.size());
    if (name.empty() || name.find('/') != std::string_view::npos) return FileRole::kNone;
    if (IsNameWithSuffix(name, kMd5sumsSuffix)) return FileRole::kStatusDirMd5sums;
    if (IsControlMemberName(name) || HasSuffix(name, kMd5sumsSuffix)) return FileRole::kNone;
    return FileRole::kStatusDirStanza;
  }
  if (HasPrefix(path, kInfoDir)) {
    std::string_view name = path.substr(kInfoDir.size());
    if (IsNameWithSuffix(name, kListSuffix)) return FileRole::kInfoList;
    if (IsNameWithSuffix(name, kMd5sumsSuffix)) return FileRole::kInfoMd5sums;
  }
  return FileRole::kNone;
}

// "var/lib/dpkg/info/libc6:amd64.list" -> "libc6:amd64".
std::string_view PackageOfListFile(std::string_view path, std::string_view suffix) {
  std::string_view name = path.substr(path.rfind('/') + 1);
  return name.substr(0, name.size() - suffix.size());
}

void AddDiagnostics(const std::string& path, Problems& problems, inventory::LayerResult& out) {
  for (std::string& message : problems.Take()) {
    out.diagnostics.push_back(inventory::Diagnostic{"", path, std::move(message)});
  }
}

class DpkgAnalyzer final : public Analyzer {
 public:
  std::string_view Name() const override { return "dpkg"; }
  int Version() const override { return 1; }
  bool Wants(const FileInfo& file) const override { return RoleOf(file.path) != FileRole::kNone; }

  void Analyze(std::span<const File> files, inventory::LayerResult& out) const override {
    // Conffiles of the packages installed according to this layer's databases, by "name:arch" and
    // by "name", to complete md5sums-based file lists (dpkg leaves conffiles out of md5sums).
    std::map<std::string, std::vector<std::string>, std::less<>> conffiles;
    std::set<std::string_view> packages_with_list;  // stems of this layer's info/*.list files

    for (const File& file : files) {
      const FileRole role = RoleOf(file.path);
      if (role == FileRole::kInfoList) packages_with_list.insert(PackageOfListFile(file.path, kListSuffix));
      if (role != FileRole::kStatusFile && role != FileRole::kStatusDirStanza) continue;

      Problems problems;
      ParsedStatus parsed = dpkg_internal::ParseStatus(
          file.content, role == FileRole::kStatusFile ? StatusKind::kStatusFile : StatusKind::kStatusDir, problems);
      // An empty or foreign file at a database path still replaces whatever a lower layer had
      // there, so it becomes an empty database rather than nothing.
      inventory::PackageDb db{file.path, std::string(Name()), {}};
      db.packages.reserve(parsed.installed.size());
      for (auto& entry : parsed.installed) {
        entry.package.location.path = file.path;
        if (!entry.conffiles.empty()) {
          std::string key = entry.package.name + ":" + entry.package.arch;
          conffiles.try_emplace(entry.package.name, entry.conffiles);
          conffiles.try_emplace(std::move(key), std::move(entry.conffiles));
        }
        db.packages.push_back(std::move(entry.package));
      }
      out.package_dbs.push_back(std::move(db));
      AddDiagnostics(file.path, problems, out);
    }

    for (const File& file : files) {
      const FileRole role = RoleOf(file.path);
      if (role == FileRole::kInfoList) {
        Problems problems;
        out.owned_files.push_back(inventory::OwnedFiles{file.path,
                                                        std::string(PackageOfListFile(file.path, kListSuffix)),
                                                        dpkg_internal::ParseInfoList(file.content, problems)});
        AddDiagnostics(file.path, problems, out);
      } else if (role == FileRole::kInfoMd5sums || role == FileRole::kStatusDirMd5sums) {
        std::string_view package = PackageOfListFile(file.path, kMd5sumsSuffix);
        // The .list names every file, symlinks and conffiles included; md5sums (regular files
        // without conffiles) is the fallback, and all distroless has. Trivy read .list files until
        // it switched to md5sums only; we take the more complete one.
        if (role == FileRole::kInfoMd5sums && packages_with_list.count(package) > 0) continue;
        Problems problems;
        std::vector<std::string> paths = dpkg_internal::ParseMd5sums(file.content, problems);
        if (auto it = conffiles.find(package); it != conffiles.end()) {
          paths.insert(paths.end(), it->second.begin(), it->second.end());
          std::sort(paths.begin(), paths.end());
          paths.erase(std::unique(paths.begin(), paths.end()), paths.end());
        }
        out.owned_files.push_back(inventory::OwnedFiles{file.path, std::string(package), std::move(paths)});
        AddDiagnostics(file.path, problems, out);
      }
    }
  }
};

}  // namespace

std::unique_ptr<Analyzer> NewDpkgAnalyzer() { return std::make_unique<DpkgAnalyzer>(); }

}  // namespace hullscan::analyze
