#include "io/archive.h"

#include <archive.h>
#include <archive_entry.h>

#include <memory>
#include <string>

namespace hullscan::io {
namespace {

struct ArchiveDeleter {
  void operator()(archive* a) const { archive_read_free(a); }
};

Error ZipError(archive* a, std::string_view what) {
  const char* msg = archive_error_string(a);
  return Corrupt("zip: " + std::string(what) + ": " + (msg ? msg : "malformed archive"));
}

}  // namespace

Status ForEachZipEntry(std::string_view zip,
                       const std::function<Status(std::string_view name, std::string_view content)>& visit,
                       const ZipLimits& limits) {
  return ForEachZipEntryMatching(
      zip, [](std::string_view) { return true; }, visit, limits);
}

Status ForEachZipEntryMatching(std::string_view zip, const std::function<bool(std::string_view name)>& wanted,
                               const std::function<Status(std::string_view name, std::string_view content)>& visit,
                               const ZipLimits& limits) {
  std::unique_ptr<archive, ArchiveDeleter> a(archive_read_new());
  if (!a) return Internal("libarchive: out of memory");
  // The seekable reader trusts the central directory, as unzip does; the memory source can seek.
  archive_read_support_format_zip_seekable(a.get());
  archive_read_support_filter_none(a.get());
  if (archive_read_open_memory(a.get(), zip.data(), zip.size()) != ARCHIVE_OK) {
    return ZipError(a.get(), "cannot open");
  }
  uint64_t entries = 0;
  uint64_t total = 0;
  std::string content;
  while (true) {
    archive_entry* e = nullptr;
    int rc = archive_read_next_header(a.get(), &e);
    if (rc == ARCHIVE_EOF) return OkStatus();
    if (rc != ARCHIVE_OK && rc != ARCHIVE_WARN) return ZipError(a.get(), "bad entry header");
    if (++entries > limits.max_entries) {
      return LimitExceeded("zip: more than " + std::to_string(limits.max_entries) + " entries");
    }
    if (archive_entry_filetype(e) != AE_IFREG) continue;
    const char* raw_name = archive_entry_pathname(e);
    std::string name = raw_name ? raw_name : "";
    if (!wanted(name)) continue;  // the next archive_read_next_header skips its data
    if (archive_entry_is_encrypted(e)) return Corrupt("zip: entry is encrypted: " + name);
    // The declared size is a hint only (a bomb may lie about it); the loop below counts real bytes.
    if (archive_entry_size_is_set(e) && archive_entry_size(e) >= 0 &&
        static_cast<uint64_t>(archive_entry_size(e)) > limits.max_entry_bytes) {
      return LimitExceeded("zip: entry larger than " + std::to_string(limits.max_entry_bytes) + " bytes: " + name);
    }
    content.clear();
    char buf[1 << 16];
    while (true) {
      la_ssize_t got = archive_read_data(a.get(), buf, sizeof(buf));
      if (got < 0) return ZipError(a.get(), "cannot read entry " + name);
      if (got == 0) break;
      total += static_cast<uint64_t>(got);
      if (content.size() + static_cast<uint64_t>(got) > limits.max_entry_bytes) {
        return LimitExceeded("zip: entry expands beyond " + std::to_string(limits.max_entry_bytes) +
                             " bytes: " + name);
      }
      if (total > limits.max_total_bytes) {
        return LimitExceeded("zip: archive expands beyond " + std::to_string(limits.max_total_bytes) + " bytes");
      }
      content.append(buf, static_cast<size_t>(got));
    }
    HS_TRY(visit(name, content));
  }
}

}  // namespace hullscan::io
