// cargo-auditable's embedded dependency list (format: rust-secure-code/cargo-auditable,
// auditable-serde): {"packages":[{"name","version","source","kind","dependencies":[i…],"root"}]}.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace hullscan::analyze::rust_internal {

struct AuditablePackage {
  std::string name;
  std::string version;
  std::string source;  // "crates.io", "local", "git", "registry", "other"
  bool build = false;  // kind "build": build scripts and proc-macros, not linked into the binary
  bool root = false;
};

// Decompressed JSON larger than this is refused (a zlib bomb); real lists are kilobytes.
inline constexpr size_t kMaxAuditableJson = 16 << 20;

// The section bytes of an executable: kUnsupported when `file` is no ELF/PE/Mach-O, kNotFound
// when it has no dependency section.
Result<std::string_view> FindDepSection(std::string_view file);

// zlib (RFC 1950) decompression bounded by `max_output`; a stream missing its trailer is accepted
// when what it held decompressed (cargo-auditable's sections may be padded or cut at the end).
Result<std::string> Inflate(std::string_view compressed, size_t max_output);

// Parses the JSON; packages without a name or version are skipped and counted in `skipped`.
Result<std::vector<AuditablePackage>> ParseAuditableJson(std::string_view json, int* skipped);

}  // namespace hullscan::analyze::rust_internal
