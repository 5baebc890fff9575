// The fields of one rpm package header that the analyzer (and its tests) care about.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "analyze/rpm/internal/bytes.h"
#include "base/status.h"

namespace hullscan::analyze::rpm_internal {

struct HeaderFile {
  std::string path;              // as rpm stores it: absolute, "/usr/bin/bash"
  std::optional<uint16_t> mode;  // FILEMODES entry (st_mode), when the header has one per file
  friend bool operator==(const HeaderFile&, const HeaderFile&) = default;
};

// Optional fields are nullopt when the header lacks the tag, which rpm --queryformat prints as
// "(none)"; an empty string means the tag is present and empty.
struct HeaderFields {
  std::string name;
  std::optional<uint32_t> epoch;
  std::string version;
  std::string release;
  std::optional<std::string> arch;
  std::optional<std::string> source_rpm;
  std::optional<std::string> license;
  std::optional<std::string> vendor;
  std::optional<std::string> packager;
  std::optional<std::string> modularity_label;
  std::optional<std::string> summary;  // the untranslated (C locale) summary
  std::optional<uint64_t> size;        // LONGSIZE, else SIZE: installed size in bytes
  std::string sigmd5_hex;              // SIGMD5, lowercase hex; empty when absent
  std::vector<HeaderFile> files;       // in header order
  std::string file_list_problem;       // why `files` is empty although the header lists files
};

// Decodes one header blob as stored in an rpmdb (headerExport format: u32 index count, u32 data
// length, index entries, data; all big-endian). Errors: kCorrupt for a malformed blob or one that
// lacks NAME or VERSION.
Result<HeaderFields> DecodeHeader(Bytes blob);

}  // namespace hullscan::analyze::rpm_internal
