// Zip archives held in memory (OSV.dev's per-ecosystem all.zip exports), read with libarchive.
#pragma once

#include <cstdint>
#include <functional>
#include <string_view>

#include "base/status.h"

namespace hullscan::io {

// Bounds on what one zip may expand to: a zip bomb stops with kLimitExceeded instead of filling memory.
struct ZipLimits {
  uint64_t max_entry_bytes = uint64_t{64} << 20;  // one entry's uncompressed size
  uint64_t max_total_bytes = uint64_t{4} << 30;   // all entries together, uncompressed
  uint64_t max_entries = 2'000'000;               // entries of any type
};

// Calls `visit` with the name (as stored: not cleaned, may be hostile) and the uncompressed content
// of each regular-file entry, in archive order; directories and links are skipped. Stops at the
// first error `visit` returns and returns it. Errors: kCorrupt for a malformed or encrypted archive,
// kLimitExceeded when a limit is crossed (entries visited before that stay visited).
Status ForEachZipEntry(std::string_view zip,
                       const std::function<Status(std::string_view name, std::string_view content)>& visit,
                       const ZipLimits& limits = {});

// Like ForEachZipEntry, but only regular-file entries for which `wanted(name)` is true are
// decompressed and visited; the others are skipped unread (the seekable reader seeks past them),
// so listing a jar for a few small metadata files does not inflate its classes. Skipped entries
// still count toward max_entries; only visited entries count toward the byte limits.
Status ForEachZipEntryMatching(std::string_view zip, const std::function<bool(std::string_view name)>& wanted,
                               const std::function<Status(std::string_view name, std::string_view content)>& visit,
                               const ZipLimits& limits = {});

}  // namespace hullscan::io
