// The "file-facts" analyzer: notable entries (modes and names) and the account databases.
#include <memory>
#include <string>

#include "checks/image/image_checks.h"
#include "checks/image/internal/internal.h"

namespace hullscan::checks::image {

namespace {

using internal::NotableReason;

constexpr std::string_view kPasswd = "etc/passwd";
constexpr std::string_view kGroup = "etc/group";
constexpr std::string_view kShadow = "etc/shadow";

void Record(std::string_view path, char type, const analyze::EntryMeta& entry, inventory::LayerResult& out) {
  // Consecutive entries of one directory (every object of a .git/) record it once.
  if (!out.notable_files.empty() && out.notable_files.back().path == path) return;
  inventory::NotableFile f;
  f.path = std::string(path);
  f.type = type == 'h' ? 'f' : type;  // a hard link is the file under a second name
  f.mode = entry.mode & 07777;
  f.uid = entry.uid;
  f.gid = entry.gid;
  out.notable_files.push_back(std::move(f));
}

class FileFactsObserver final : public analyze::EntryObserver {
 public:
  void Observe(const analyze::EntryMeta& entry, inventory::LayerResult& out) const override {
    std::string_view vcs = internal::EnclosingVcsDir(entry.path);
    if (!vcs.empty()) {
      analyze::EntryMeta dir = entry;
      dir.mode = 0755;
      Record(vcs, 'd', dir, out);
    }
    uint32_t reasons = internal::ModeReasons(entry.type, entry.mode) | internal::NameReasons(entry.path, entry.type);
    // An empty index or cache file holds nothing (apt keeps an empty lists/lock).
    if (reasons == internal::kPackageCache && entry.size <= 0) return;
    if (reasons != 0) Record(entry.path, entry.type, entry, out);
  }
};

class FileFactsAnalyzer final : public analyze::Analyzer {
 public:
  std::string_view Name() const override { return "file-facts"; }
  int Version() const override { return 1; }
  bool Wants(const analyze::FileInfo& file) const override {
    return file.path == kPasswd || file.path == kGroup || file.path == kShadow;
  }
  int64_t MaxFileSize() const override { return int64_t{4} << 20; }
  void Analyze(std::span<const analyze::File> files, inventory::LayerResult& out) const override {
    for (const analyze::File& file : files) {
      if (file.path == kShadow) {
        out.os_files[file.path] = internal::SanitizeShadow(file.content);
      } else if (file.path == kPasswd) {
        out.os_files[file.path] = internal::SanitizePasswd(file.content);
      } else if (file.path == kGroup) {
        out.os_files[file.path] = file.content;
      }
    }
  }
  const analyze::EntryObserver* Observer() const override { return &observer_; }

 private:
  FileFactsObserver observer_;
};

}  // namespace

std::unique_ptr<analyze::Analyzer> NewFileFactsAnalyzer() { return std::make_unique<FileFactsAnalyzer>(); }

}  // namespace hullscan::checks::image
