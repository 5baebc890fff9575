#include "analyze/lang/binary/executable.h"

#include <algorithm>
#include <cstring>
#include <utility>

#include <fmt/format.h>

namespace hullscan::analyze::binary {
namespace {

// Safety bounds: real executables stay far below them; a hostile header must not make us loop or
// allocate without limit.
constexpr uint64_t kMaxSections = 1 << 16;
constexpr uint64_t kMaxSegments = 1 << 16;
constexpr uint64_t kMaxLoadCommands = 1 << 16;
// Universal binaries hold a handful of slices; Java class files (same magic) have their version,
// >= 45, in this field (file(1) draws the line at 30 too).
constexpr uint32_t kMaxFatSlices = 30;

bool InBounds(std::string_view file, uint64_t offset, uint64_t size) {
  return offset <= file.size() && size <= file.size() - offset;
}

// Integers at an offset, in a given byte order; 0 past the end (callers check bounds first where
// the value matters, so a short read can never be used unnoticed as an offset: see Has()).
class ByteReader {
 public:
  ByteReader(std::string_view data, bool big_endian) : data_(data), big_endian_(big_endian) {}
  bool Has(uint64_t offset, uint64_t size) const { return InBounds(data_, offset, size); }
  uint64_t U(uint64_t offset, int size) const {
    if (!Has(offset, static_cast<uint64_t>(size))) return 0;
    uint64_t v = 0;
    for (int i = 0; i < size; ++i) {
      const auto byte = static_cast<uint8_t>(data_[offset + static_cast<uint64_t>(big_endian_ ? i : size - 1 - i)]);
      v = (v << 8) | byte;
    }
    return v;
  }
  uint64_t U16(uint64_t o) const { return U(o, 2); }
  uint64_t U32(uint64_t o) const { return U(o, 4); }
  uint64_t U64(uint64_t o) const { return U(o, 8); }
  // A NUL-padded fixed-size name field.
  std::string Name(uint64_t offset, uint64_t size) const {
    if (!Has(offset, size)) return "";
    std::string_view s = data_.substr(offset, size);
    return std::string(s.substr(0, s.find('\0')));
  }

 private:
  std::string_view data_;
  bool big_endian_;
};

}  // namespace

class ExecutableParser {
 public:
  static Result<Executable> Parse(std::string_view file, int depth);

 private:
  static Result<Executable> ParseElf(std::string_view file);
  static Result<Executable> ParsePe(std::string_view file);
  static Result<Executable> ParseMachO(std::string_view file);
  static Result<Executable> ParseFat(std::string_view file, int depth);
};

namespace {

constexpr std::string_view kElfMagic = "\x7f" "ELF";
constexpr uint32_t kMachO32 = 0xfeedface, kMachO64 = 0xfeedfacf;
constexpr uint32_t kFatMagic = 0xcafebabe;

uint32_t BigEndian32(std::string_view s) {
  if (s.size() < 4) return 0;
  return (uint32_t{static_cast<uint8_t>(s[0])} << 24) | (uint32_t{static_cast<uint8_t>(s[1])} << 16) |
         (uint32_t{static_cast<uint8_t>(s[2])} << 8) | uint32_t{static_cast<uint8_t>(s[3])};
}
uint32_t ByteSwap32(uint32_t v) {
  return ((v & 0xff) << 24) | ((v & 0xff00) << 8) | ((v >> 8) & 0xff00) | (v >> 24);
}

bool IsMachOMagic(uint32_t be) {
  return be == kMachO32 || be == kMachO64 || ByteSwap32(be) == kMachO32 || ByteSwap32(be) == kMachO64;
}

}  // namespace

bool HasExecutableMagic(std::string_view prefix) {
  if (prefix.substr(0, 4) == kElfMagic) return true;
  if (prefix.substr(0, 2) == "MZ") return true;
  const uint32_t be = BigEndian32(prefix);
  return IsMachOMagic(be) || be == kFatMagic;
}

Result<Executable> ExecutableParser::Parse(std::string_view file, int depth) {
  if (file.substr(0, 4) == kElfMagic) return ParseElf(file);
  if (file.substr(0, 2) == "MZ") return ParsePe(file);
  const uint32_t be = BigEndian32(file);
  if (IsMachOMagic(be)) return ParseMachO(file);
  // 0xcafebabe is also a Java class file; ParseFat tells them apart by the slice count.
  if (be == kFatMagic && depth == 0) return ParseFat(file, depth);
  return Unsupported("unrecognized executable format");
}

Result<Executable> ExecutableParser::ParseElf(std::string_view file) {
  if (file.size() < 16) return Corrupt("ELF: truncated identification");
  const auto elf_class = static_cast<uint8_t>(file[4]);
  const auto data = static_cast<uint8_t>(file[5]);
  if (elf_class != 1 && elf_class != 2) return Corrupt(fmt::format("ELF: bad class {}", elf_class));
  if (data != 1 && data != 2) return Corrupt(fmt::format("ELF: bad data encoding {}", data));
  const bool is64 = elf_class == 2;
  Executable exe;
  exe.file_ = file;
  exe.format_ = Format::kElf;
  exe.big_endian_ = data == 2;
  exe.pointer_size_ = is64 ? 8 : 4;
  const ByteReader r(file, exe.big_endian_);
  const uint64_t header_size = is64 ? 64 : 52;
  if (!r.Has(0, header_size)) return Corrupt("ELF: truncated header");
  const int word = is64 ? 8 : 4;
  const uint64_t phoff = r.U(is64 ? 32 : 28, word);
  const uint64_t shoff = r.U(is64 ? 40 : 32, word);
  const uint64_t phentsize = r.U16(is64 ? 54 : 42);
  uint64_t phnum = r.U16(is64 ? 56 : 44);
  const uint64_t shentsize = r.U16(is64 ? 58 : 46);
  uint64_t shnum = r.U16(is64 ? 60 : 48);
  uint64_t shstrndx = r.U16(is64 ? 62 : 50);

  // Program headers: the loadable segments map addresses to file bytes.
  const uint64_t min_phentsize = is64 ? 56 : 32;
  if (phnum == 0xffff && shoff != 0 && r.Has(shoff, is64 ? 64 : 40)) phnum = r.U32(shoff + (is64 ? 44 : 28));
  if (phoff != 0 && phnum > 0) {
    if (phentsize < min_phentsize) return Corrupt(fmt::format("ELF: program header size {} too small", phentsize));
    if (phnum > kMaxSegments) return Corrupt(fmt::format("ELF: {} program headers", phnum));
    for (uint64_t i = 0; i < phnum; ++i) {
      const uint64_t p = phoff + i * phentsize;
      if (!r.Has(p, min_phentsize)) return Corrupt("ELF: program headers past end of file");
      if (r.U32(p) != 1) continue;  // PT_LOAD
      const uint64_t flags = is64 ? r.U32(p + 4) : r.U32(p + 24);
      Executable::Mapping m;
      m.offset = r.U(is64 ? p + 8 : p + 4, word);
      m.addr = r.U(is64 ? p + 16 : p + 8, word);
      m.size = r.U(is64 ? p + 32 : p + 16, word);  // p_filesz
      m.writable = (flags & 2) != 0;
      if (!InBounds(file, m.offset, 0)) continue;
      m.size = std::min<uint64_t>(m.size, file.size() - m.offset);
      exe.mappings_.push_back(m);
    }
  }

  // Section headers.
  const uint64_t min_shentsize = is64 ? 64 : 40;
  if (shoff == 0) return exe;  // stripped of sections: still usable through the segments
  if (shentsize < min_shentsize) return Corrupt(fmt::format("ELF: section header size {} too small", shentsize));
  if (!r.Has(shoff, min_shentsize)) return Corrupt("ELF: section headers past end of file");
  if (shnum == 0) shnum = r.U(shoff + (is64 ? 32 : 20), word);     // sh_size of section 0
  if (shstrndx == 0xffff) shstrndx = r.U32(shoff + (is64 ? 40 : 24));  // sh_link of section 0
  if (shnum > kMaxSections) return Corrupt(fmt::format("ELF: {} sections", shnum));
  if (shnum > 0 && !r.Has(shoff, shnum * shentsize)) return Corrupt("ELF: section headers past end of file");
  struct Raw {
    uint64_t name, type, flags, addr, offset, size;
  };
  std::vector<Raw> raw;
  raw.reserve(shnum);
  for (uint64_t i = 0; i < shnum; ++i) {
    const uint64_t s = shoff + i * shentsize;
    Raw x;
    x.name = r.U32(s);
    x.type = r.U32(s + 4);
    x.flags = r.U(s + 8, word);
    x.addr = r.U(is64 ? s + 16 : s + 12, word);
    x.offset = r.U(is64 ? s + 24 : s + 16, word);
    x.size = r.U(is64 ? s + 32 : s + 20, word);
    raw.push_back(x);
  }
  std::string_view strtab;
  if (shstrndx < raw.size() && InBounds(file, raw[shstrndx].offset, raw[shstrndx].size)) {
    strtab = file.substr(raw[shstrndx].offset, raw[shstrndx].size);
  }
  for (const Raw& x : raw) {
    Section sec;
    if (x.name < strtab.size()) {
      std::string_view n = strtab.substr(x.name);
      sec.name = std::string(n.substr(0, n.find('\0')));
    }
    sec.addr = x.addr;
    sec.writable = (x.flags & 1) != 0;  // SHF_WRITE
    const bool nobits = x.type == 8;    // SHT_NOBITS
    if (!nobits && InBounds(file, x.offset, x.size)) {
      sec.offset = x.offset;
      sec.size = x.size;
    }
    exe.sections_.push_back(std::move(sec));
  }
  // Without program headers (relocatable objects, some test files), sections with addresses map.
  if (exe.mappings_.empty()) {
    for (const Section& sec : exe.sections_) {
      if (sec.size > 0 && sec.addr != 0) exe.mappings_.push_back({sec.addr, sec.offset, sec.size, sec.writable});
    }
  }
  return exe;
}

Result<Executable> ExecutableParser::ParsePe(std::string_view file) {
  const ByteReader r(file, /*big_endian=*/false);
  if (!r.Has(0, 0x40)) return Unsupported("unrecognized executable format");
  const uint64_t pe = r.U32(0x3c);
  if (!r.Has(pe, 24) || file.substr(pe, 4) != std::string_view("PE\0\0", 4)) {
    return Unsupported("unrecognized executable format");  // an MZ (DOS) file that is not PE
  }
  const uint64_t coff = pe + 4;
  const uint64_t nsections = r.U16(coff + 2);
  const uint64_t symtab = r.U32(coff + 8);
  const uint64_t nsymbols = r.U32(coff + 12);
  const uint64_t opt_size = r.U16(coff + 16);
  const uint64_t opt = coff + 20;
  Executable exe;
  exe.file_ = file;
  exe.format_ = Format::kPe;
  exe.big_endian_ = false;
  uint64_t image_base = 0;
  if (opt_size >= 2 && r.Has(opt, 2)) {
    const uint64_t magic = r.U16(opt);
    if (magic == 0x20b && opt_size >= 32 && r.Has(opt, 32)) {
      exe.pointer_size_ = 8;
      image_base = r.U64(opt + 24);
    } else if (magic == 0x10b && opt_size >= 32 && r.Has(opt, 32)) {
      exe.pointer_size_ = 4;
      image_base = r.U32(opt + 28);
    } else {
      return Corrupt(fmt::format("PE: unknown optional header magic {:#x}", magic));
    }
  }
  const uint64_t table = opt + opt_size;
  if (nsections > kMaxSections) return Corrupt(fmt::format("PE: {} sections", nsections));
  if (!r.Has(table, nsections * 40)) return Corrupt("PE: section table past end of file");
  // Long section names ("/123") index the COFF string table after the symbol table (mingw, Go).
  std::string_view strings;
  if (symtab != 0 && nsymbols <= (file.size() / 18)) {
    const uint64_t str_off = symtab + nsymbols * 18;
    if (r.Has(str_off, 4)) strings = file.substr(str_off);
  }
  for (uint64_t i = 0; i < nsections; ++i) {
    const uint64_t s = table + i * 40;
    Section sec;
    sec.name = r.Name(s, 8);
    if (sec.name.size() > 1 && sec.name[0] == '/') {
      uint64_t idx = 0;
      bool digits = true;
      for (char c : std::string_view(sec.name).substr(1)) {
        if (c < '0' || c > '9') digits = false;
        else idx = idx * 10 + static_cast<uint64_t>(c - '0');
      }
      if (digits && idx < strings.size()) {
        std::string_view n = strings.substr(idx);
        sec.name = std::string(n.substr(0, n.find('\0')));
      }
    }
    const uint64_t virtual_size = r.U32(s + 8);
    const uint64_t rva = r.U32(s + 12);
    const uint64_t raw_size = r.U32(s + 16);
    const uint64_t raw_offset = r.U32(s + 20);
    const uint64_t characteristics = r.U32(s + 36);
    sec.addr = image_base + rva;
    sec.writable = (characteristics & 0x80000000u) != 0;  // IMAGE_SCN_MEM_WRITE
    uint64_t size = raw_size;
    if (virtual_size != 0) size = std::min(size, virtual_size);
    if (InBounds(file, raw_offset, 0)) {
      sec.offset = raw_offset;
      sec.size = std::min<uint64_t>(size, file.size() - raw_offset);
    }
    if (sec.size > 0) exe.mappings_.push_back({sec.addr, sec.offset, sec.size, sec.writable});
    exe.sections_.push_back(std::move(sec));
  }
  return exe;
}

Result<Executable> ExecutableParser::ParseMachO(std::string_view file) {
  const uint32_t be = BigEndian32(file);
  const bool big_endian = be == kMachO32 || be == kMachO64;
  const bool is64 = be == kMachO64 || ByteSwap32(be) == kMachO64;
  const ByteReader r(file, big_endian);
  const uint64_t header_size = is64 ? 32 : 28;
  if (!r.Has(0, header_size)) return Corrupt("Mach-O: truncated header");
  Executable exe;
  exe.file_ = file;
  exe.format_ = Format::kMachO;
  exe.big_endian_ = big_endian;
  exe.pointer_size_ = is64 ? 8 : 4;
  const uint64_t ncmds = r.U32(16);
  if (ncmds > kMaxLoadCommands) return Corrupt(fmt::format("Mach-O: {} load commands", ncmds));
  uint64_t cmd_off = header_size;
  for (uint64_t i = 0; i < ncmds; ++i) {
    if (!r.Has(cmd_off, 8)) return Corrupt("Mach-O: load commands past end of file");
    const uint64_t cmd = r.U32(cmd_off);
    const uint64_t cmdsize = r.U32(cmd_off + 4);
    if (cmdsize < 8 || !r.Has(cmd_off, cmdsize)) return Corrupt(fmt::format("Mach-O: bad load command size {}", cmdsize));
    const bool seg32 = cmd == 0x1, seg64 = cmd == 0x19;  // LC_SEGMENT, LC_SEGMENT_64
    if (seg32 || seg64) {
      const uint64_t seg_header = seg64 ? 72 : 56;
      const uint64_t sect_size = seg64 ? 80 : 68;
      const int word = seg64 ? 8 : 4;
      if (cmdsize < seg_header) return Corrupt("Mach-O: segment command too small");
      Executable::Mapping m;
      m.addr = r.U(cmd_off + 24, word);
      m.offset = r.U(cmd_off + 24 + 2 * static_cast<uint64_t>(word), word);
      m.size = r.U(cmd_off + 24 + 3 * static_cast<uint64_t>(word), word);  // filesize
      const uint64_t initprot = r.U32(cmd_off + 24 + 4 * static_cast<uint64_t>(word) + 4);
      m.writable = (initprot & 2) != 0;
      const uint64_t nsects = r.U32(cmd_off + seg_header - 8);
      if (nsects > (cmdsize - seg_header) / sect_size) return Corrupt("Mach-O: sections past end of segment command");
      if (InBounds(file, m.offset, 0) && m.size > 0) {
        m.size = std::min<uint64_t>(m.size, file.size() - m.offset);
        exe.mappings_.push_back(m);
      }
      for (uint64_t k = 0; k < nsects; ++k) {
        const uint64_t s = cmd_off + seg_header + k * sect_size;
        Section sec;
        sec.name = r.Name(s, 16);
        sec.segment = r.Name(s + 16, 16);
        sec.addr = r.U(s + 32, word);
        const uint64_t size = r.U(s + 32 + static_cast<uint64_t>(word), word);
        const uint64_t offset = r.U32(s + 32 + 2 * static_cast<uint64_t>(word));
        const uint64_t flags = r.U32(s + 32 + 2 * static_cast<uint64_t>(word) + 16);
        const uint64_t type = flags & 0xff;
        const bool zerofill = type == 0x1 || type == 0xc || type == 0x12;
        sec.writable = m.writable;
        if (!zerofill && InBounds(file, offset, size)) {
          sec.offset = offset;
          sec.size = size;
        }
        exe.sections_.push_back(std::move(sec));
      }
    }
    cmd_off += cmdsize;
  }
  return exe;
}

Result<Executable> ExecutableParser::ParseFat(std::string_view file, int depth) {
  const ByteReader r(file, /*big_endian=*/true);
  const uint64_t nslices = r.U32(4);
  // Java class files share the magic; their next field (version) is >= 45, far more than any
  // universal binary has slices.
  if (nslices == 0 || nslices > kMaxFatSlices) return Unsupported("unrecognized executable format");
  if (!r.Has(8, nslices * 20)) return Corrupt("Mach-O universal: truncated slice table");
  Error last = Corrupt("Mach-O universal: no parsable slice");
  for (uint64_t i = 0; i < nslices; ++i) {
    const uint64_t offset = r.U32(8 + i * 20 + 8);
    const uint64_t size = r.U32(8 + i * 20 + 12);
    if (!InBounds(file, offset, size)) continue;
    Result<Executable> slice = Parse(file.substr(offset, size), depth + 1);
    if (!slice.ok()) {
      last = std::move(slice).error();
      continue;
    }
    // Offsets inside the slice are relative to it; rebase them onto the whole file.
    Executable exe = std::move(slice).value();
    exe.file_ = file;
    for (Section& s : exe.sections_) {
      if (s.size > 0) s.offset += offset;
    }
    for (Executable::Mapping& m : exe.mappings_) m.offset += offset;
    return exe;
  }
  return last;
}

Result<Executable> Executable::Parse(std::string_view file) { return ExecutableParser::Parse(file, 0); }

std::optional<std::string_view> Executable::SectionData(std::string_view name) const {
  for (const Section& s : sections_) {
    if (s.name != name) continue;
    if (s.size == 0 || !InBounds(file_, s.offset, s.size)) return std::nullopt;
    return file_.substr(s.offset, s.size);
  }
  return std::nullopt;
}

Result<std::string_view> Executable::ReadAt(uint64_t addr, uint64_t size) const {
  for (const Mapping& m : mappings_) {
    if (addr < m.addr || addr - m.addr >= m.size) continue;
    const uint64_t delta = addr - m.addr;
    if (size > m.size - delta) continue;  // may still be inside another mapping
    const uint64_t offset = m.offset + delta;
    if (!InBounds(file_, offset, size)) continue;
    return file_.substr(offset, size);
  }
  return NotFound(fmt::format("address {:#x} (+{}) is not mapped from the file", addr, size));
}

uint64_t Executable::DecodeUint(std::string_view bytes, int size) const {
  return ByteReader(bytes, big_endian_).U(0, size);
}

Result<std::optional<std::string_view>> FindSection(std::string_view file, std::string_view name) {
  HS_ASSIGN_OR_RETURN(Executable exe, Executable::Parse(file));
  return exe.SectionData(name);
}

}  // namespace hullscan::analyze::binary
