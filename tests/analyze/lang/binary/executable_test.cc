// The ELF/PE/Mach-O reader on the real binaries of the shared peer data (Go and Rust fixtures of
// every format), on synthetic Mach-O universal files, and on hostile variants.
#include "analyze/lang/binary/executable.h"

#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "testing/testdata.h"

namespace hullscan::analyze::binary {
namespace {

namespace fs = std::filesystem;
using hullscan::testing::ReadFileOrFail;
using hullscan::testing::TestData;

fs::path Lang() { return TestData() / "lang"; }

struct Fixture {
  const char* path;
  Format format;
  int pointer_size;
  const char* section;  // a section the file must have
};

const Fixture kFixtures[] = {
    {"go/trivy-parser-binary/testdata/test.elf", Format::kElf, 8, ".go.buildinfo"},
    {"go/trivy-parser-binary/testdata/goexperiment", Format::kElf, 8, ".go.buildinfo"},
    {"go/scalibr-gobinary/testdata/binary_with_module_replacement-linux-amd64", Format::kElf, 8, ".go.buildinfo"},
    {"go/scalibr-gobinary/testdata/binary_with_module_replacement-darwin-arm64", Format::kMachO, 8, "__go_buildinfo"},
    {"go/scalibr-gobinary/testdata/binary_with_module_replacement-windows-amd64", Format::kPe, 8, ".data"},
    {"rust/trivy-parser-binary/testdata/test.elf", Format::kElf, 8, ".dep-v0"},
    {"rust/trivy-parser-binary/testdata/test.exe", Format::kPe, 8, ".dep-v0"},
    // cargo-auditable names the Mach-O section like the ELF one: __DATA,.dep-v0.
    {"rust/trivy-parser-binary/testdata/test.macho", Format::kMachO, 8, ".dep-v0"},
    {"rust/scalibr-cargoauditable/testdata/no_deps/no_deps", Format::kElf, 8, ".dep-v0"},
};

TEST(Executable, ParsesEveryFormatOfTheFixtures) {
  for (const Fixture& f : kFixtures) {
    SCOPED_TRACE(f.path);
    const std::string file = ReadFileOrFail(Lang() / f.path);
    auto exe = Executable::Parse(file);
    ASSERT_TRUE(exe.ok()) << exe.error().message();
    EXPECT_EQ(exe->format(), f.format);
    EXPECT_EQ(exe->pointer_size(), f.pointer_size);
    EXPECT_FALSE(exe->big_endian());
    EXPECT_FALSE(exe->mappings().empty());
    auto data = exe->SectionData(f.section);
    ASSERT_TRUE(data.has_value());
    EXPECT_FALSE(data->empty());
    EXPECT_TRUE(HasExecutableMagic(file.substr(0, 4)));
    // Every section's bytes lie inside the file.
    for (const Section& s : exe->sections()) {
      EXPECT_LE(s.offset + s.size, file.size()) << s.name;
    }
  }
}

// The Go linker's build info section starts with the magic; reading it back through the virtual
// address of the section must give the same bytes as its file offset.
TEST(Executable, ReadAtMapsAddressesToFileBytes) {
  const std::string file = ReadFileOrFail(Lang() / "go/trivy-parser-binary/testdata/test.elf");
  auto exe = Executable::Parse(file);
  ASSERT_TRUE(exe.ok());
  auto data = exe->SectionData(".go.buildinfo");
  ASSERT_TRUE(data.has_value());
  EXPECT_EQ(data->substr(0, 14), "\xff Go buildinf:");
  uint64_t addr = 0;
  for (const Section& s : exe->sections()) {
    if (s.name == ".go.buildinfo") addr = s.addr;
  }
  ASSERT_NE(addr, 0u);
  auto via_addr = exe->ReadAt(addr, 32);
  ASSERT_TRUE(via_addr.ok()) << via_addr.error().message();
  EXPECT_EQ(*via_addr, data->substr(0, 32));
  EXPECT_FALSE(exe->ReadAt(0, 8).ok());                  // unmapped
  EXPECT_FALSE(exe->ReadAt(addr, uint64_t{1} << 40).ok());  // past the mapping
  EXPECT_FALSE(exe->ReadAt(~uint64_t{0} - 3, 8).ok());     // wraps around
}

TEST(Executable, FindSection) {
  const std::string elf = ReadFileOrFail(Lang() / "rust/trivy-parser-binary/testdata/test.elf");
  auto found = FindSection(elf, ".dep-v0");
  ASSERT_TRUE(found.ok());
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ(static_cast<uint8_t>((**found)[0]), 0x78);  // zlib header
  auto missing = FindSection(elf, ".no-such-section");
  ASSERT_TRUE(missing.ok());
  EXPECT_FALSE(missing->has_value());
  // The peers' "sad path" fixture is text.
  auto dummy = FindSection(ReadFileOrFail(Lang() / "rust/trivy-parser-binary/testdata/dummy"), ".dep-v0");
  ASSERT_FALSE(dummy.ok());
  EXPECT_EQ(dummy.error().code(), ErrorCode::kUnsupported);
  EXPECT_NE(dummy.error().message().find("unrecognized executable format"), std::string::npos);
  for (std::string_view junk : {std::string_view(""), std::string_view("MZ"), std::string_view("\x7f" "ELF"),
                                std::string_view("\xca\xfe\xba\xbe\x00\x00\x00\x34", 8)}) {
    EXPECT_FALSE(FindSection(junk, ".dep-v0").ok());
  }
}

void PutBe32(std::string& s, size_t at, uint32_t v) {
  for (int i = 0; i < 4; ++i) s[at + static_cast<size_t>(i)] = static_cast<char>(v >> (24 - 8 * i));
}

// A universal (fat) Mach-O file wrapping the real arm64 binary: its slice is found and offsets
// are rebased; a Java class file (same magic, version instead of a slice count) is not an executable.
TEST(Executable, MachOUniversalFile) {
  const std::string slice = ReadFileOrFail(Lang() / "rust/trivy-parser-binary/testdata/test.macho");
  std::string fat(4096, '\0');
  PutBe32(fat, 0, 0xcafebabe);
  PutBe32(fat, 4, 1);
  PutBe32(fat, 8 + 8, 4096);  // offset
  PutBe32(fat, 8 + 12, static_cast<uint32_t>(slice.size()));
  fat += slice;
  auto exe = Executable::Parse(fat);
  ASSERT_TRUE(exe.ok()) << exe.error().message();
  EXPECT_EQ(exe->format(), Format::kMachO);
  auto from_fat = exe->SectionData(".dep-v0");
  auto from_slice = Executable::Parse(slice)->SectionData(".dep-v0");
  ASSERT_TRUE(from_fat.has_value());
  ASSERT_TRUE(from_slice.has_value());
  EXPECT_EQ(*from_fat, *from_slice);

  std::string java_class("\xca\xfe\xba\xbe\x00\x00\x00\x37", 8);
  java_class += std::string(100, '\0');
  auto not_exe = Executable::Parse(java_class);
  ASSERT_FALSE(not_exe.ok());
  EXPECT_EQ(not_exe.error().code(), ErrorCode::kUnsupported);
}

// Hostile input: every header byte of every format overwritten, and truncations; run under ASan.
TEST(Executable, CorruptedHeadersNeverCrash) {
  for (const Fixture& f : kFixtures) {
    const std::string original = ReadFileOrFail(Lang() / f.path);
    std::string file = original;
    std::vector<size_t> spots;
    for (size_t i = 0; i < 1024 && i < file.size(); i += 3) spots.push_back(i);
    for (size_t i = 1; i <= 256 && i < file.size(); i += 3) spots.push_back(file.size() - i);  // ELF section table
    for (size_t spot : spots) {
      for (char value : {'\x00', '\xff', '\x80'}) {
        file[spot] = value;
        auto exe = Executable::Parse(file);
        if (exe.ok()) {
          for (const Section& s : exe->sections()) ASSERT_LE(s.offset + s.size, file.size());
          for (const char* name : {".go.buildinfo", ".dep-v0", ".data"}) (void)exe->SectionData(name);
          for (const auto& m : exe->mappings()) (void)exe->ReadAt(m.addr, 64);
        }
        file[spot] = original[spot];
      }
    }
    for (size_t len = 0; len < 4096 && len < original.size(); len += 7) {
      (void)Executable::Parse(std::string_view(original).substr(0, len));
    }
  }
}

}  // namespace
}  // namespace hullscan::analyze::binary
