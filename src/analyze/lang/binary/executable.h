// Executable: a bounds-checked, read-only view of an ELF, PE or Mach-O file held in memory, for the
// language analyzers that read metadata compiled into binaries (Go build info, cargo-auditable's
// .dep-v0). Only what they need: the section table and the mapping from virtual addresses to file
// bytes. The bytes come from images, so every offset is checked; a malformed file is an error,
// never a crash or an out-of-bounds read.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace hullscan::analyze::binary {

enum class Format { kElf, kPe, kMachO };

struct Section {
  std::string name;     // ".go.buildinfo", ".data"; Mach-O: "__go_buildinfo" (segment in `segment`)
  std::string segment;  // Mach-O segment ("__DATA"); empty for ELF and PE
  uint64_t addr = 0;    // virtual address (PE: image base + RVA)
  uint64_t offset = 0;  // file offset of the data
  uint64_t size = 0;    // bytes of data in the file (0 for zero-fill / NOBITS sections)
  bool writable = false;
};

// True when `prefix` (the first bytes of a file) starts like an executable this module parses.
// Cheap: for pre-filtering before reading a whole file.
bool HasExecutableMagic(std::string_view prefix);

class Executable {
 public:
  // `file` must outlive the Executable (views point into it). Errors: kUnsupported
  // ("unrecognized executable format") for anything that is not ELF/PE/Mach-O, kCorrupt for a
  // truncated or inconsistent header. A Mach-O universal ("fat") file yields its first slice.
  static Result<Executable> Parse(std::string_view file);

  Format format() const { return format_; }
  bool big_endian() const { return big_endian_; }
  int pointer_size() const { return pointer_size_; }  // 4 or 8
  const std::vector<Section>& sections() const { return sections_; }

  // The file bytes of the first section called `name` (Mach-O: section name without segment);
  // nullopt when there is no such section or it has no bytes in the file.
  std::optional<std::string_view> SectionData(std::string_view name) const;

  // `size` bytes at virtual address `addr`, read from the file through the loadable segments
  // (ELF PT_LOAD, PE sections, Mach-O segments). kNotFound when unmapped or not backed by file bytes.
  Result<std::string_view> ReadAt(uint64_t addr, uint64_t size) const;

  // An unsigned integer of `size` bytes (1, 2, 4 or 8) in the file's byte order; `bytes` must hold `size`.
  uint64_t DecodeUint(std::string_view bytes, int size) const;

  struct Mapping {  // a range of virtual addresses backed by file bytes
    uint64_t addr = 0;
    uint64_t offset = 0;
    uint64_t size = 0;
    bool writable = false;
  };
  const std::vector<Mapping>& mappings() const { return mappings_; }

 private:
  std::string_view file_;
  Format format_ = Format::kElf;
  bool big_endian_ = false;
  int pointer_size_ = 8;
  std::vector<Section> sections_;
  std::vector<Mapping> mappings_;

  friend class ExecutableParser;
};

// The bytes of section `name` in an ELF/PE/Mach-O file: nullopt when the file is an executable
// without that section (or with an empty one); an error when it is not a parsable executable.
Result<std::optional<std::string_view>> FindSection(std::string_view file, std::string_view name);

}  // namespace hullscan::analyze::binary
