#include "io/tar.h"

#include <gtest/gtest.h>

#include "testing/image_builder.h"
#include "testing/testdata.h"

namespace hullscan::io {
namespace {

using testing::Dir;
using testing::File;
using testing::Symlink;

TEST(CleanArchivePathTest, Cases) {
  EXPECT_EQ(CleanArchivePath("./etc/os-release"), "etc/os-release");
  EXPECT_EQ(CleanArchivePath("/etc//passwd"), "etc/passwd");
  EXPECT_EQ(CleanArchivePath("usr/lib/../share/./x"), "usr/share/x");
  EXPECT_EQ(CleanArchivePath("etc/"), "etc");
  EXPECT_EQ(CleanArchivePath("./"), "");
  EXPECT_EQ(CleanArchivePath("../etc/passwd"), std::nullopt);
  EXPECT_EQ(CleanArchivePath("a/../../b"), std::nullopt);
  EXPECT_EQ(CleanArchivePath("/../x"), std::nullopt);
}

TEST(TarReaderTest, ReadsEntriesAndLongNames) {
  std::string long_name = "usr/lib/python3/dist-packages/" + std::string(150, 'n') + "/METADATA";
  std::string tar = testing::MakeTar({Dir("etc"), File("etc/os-release", "ID=debian\n"),
                                      Symlink("etc/alt", "../usr/lib/os-release"), File(long_name, "x", 04755)});
  auto r = NewMemoryReader(tar);
  auto t = TarReader::Open(*r);
  ASSERT_TRUE(t.ok()) << t.error().message();
  TarEntry e;
  std::vector<std::string> names;
  while (true) {
    auto more = (*t)->Next(e);
    ASSERT_TRUE(more.ok()) << more.error().message();
    if (!*more) break;
    names.push_back(e.path);
    if (e.path == "etc/os-release") {
      EXPECT_EQ(e.type, EntryType::kFile);
      EXPECT_EQ(e.size, 10);
      char buf[64];
      auto got = (*t)->ReadData(buf, sizeof buf);
      ASSERT_TRUE(got.ok());
      EXPECT_EQ(std::string(buf, *got), "ID=debian\n");
    }
    if (e.path == "etc/alt") {
      EXPECT_EQ(e.type, EntryType::kSymlink);
      EXPECT_EQ(e.link_target, "../usr/lib/os-release");
    }
    if (e.path == long_name) {
      EXPECT_EQ(e.mode, 04755u);  // setuid survives
    }
  }
  EXPECT_EQ(names, (std::vector<std::string>{"etc/", "etc/os-release", "etc/alt", long_name}));
}

TEST(TarReaderTest, TruncatedArchiveIsAnError) {
  std::string tar = testing::MakeTar({File("a", std::string(5000, 'a')), File("b", "b")});
  auto r = NewMemoryReader(std::string_view(tar).substr(0, 2048));
  auto t = TarReader::Open(*r);
  ASSERT_TRUE(t.ok());
  TarEntry e;
  bool failed = false;
  for (int i = 0; i < 5 && !failed; ++i) {
    auto more = (*t)->Next(e);
    if (!more.ok()) { failed = true; break; }
    if (!*more) break;
    char buf[8192];
    while (true) {
      auto got = (*t)->ReadData(buf, sizeof buf);
      if (!got.ok()) { failed = true; break; }
      if (*got == 0) break;
    }
  }
  EXPECT_TRUE(failed) << "a truncated tar must not read as a complete archive";
}

TEST(TarReaderTest, GarbageIsAnError) {
  std::string garbage(4096, '\x7f');
  auto r = NewMemoryReader(garbage);
  auto t = TarReader::Open(*r);
  if (!t.ok()) return;  // rejected at open: fine
  TarEntry e;
  auto more = (*t)->Next(e);
  EXPECT_FALSE(more.ok());
}

TEST(TarFileTest, RandomAccessAndLinks) {
  testing::TempDir dir;
  auto path = dir.path() / "archive.tar";
  std::string big(300000, 'q');
  testing::WriteFile(path, testing::MakeTar({File("manifest.json", "[]"), File("blobs/sha256/aa", big),
                                             Symlink("layer/layer.tar", "../blobs/sha256/aa"),
                                             Symlink("loop1", "loop2"), Symlink("loop2", "loop1"),
                                             Symlink("escape", "../../etc/passwd")}));
  auto tf = TarFile::Open(path);
  ASSERT_TRUE(tf.ok()) << tf.error().message();
  EXPECT_EQ(*tf->ReadMember("manifest.json", 100), "[]");
  EXPECT_EQ(*tf->ReadMember("./blobs/sha256/aa", 1 << 20), big);
  EXPECT_EQ(*tf->ReadMember("layer/layer.tar", 1 << 20), big);  // via the symlink
  EXPECT_EQ(tf->Find("loop1"), nullptr);                         // symlink loop: not found, no hang
  EXPECT_EQ(tf->Find("escape"), nullptr);
  EXPECT_EQ(tf->OpenMember("missing").error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(tf->ReadMember("blobs/sha256/aa", 1000).error().code(), ErrorCode::kLimitExceeded);
}

TEST(TarFileTest, MembersAreReadDirectlyFromTheirOffsets) {
  testing::TempDir dir;
  auto path = dir.path() / "archive.tar";
  std::string long_name = "blobs/sha256/" + std::string(120, 'b');  // needs a pax header
  std::string a(1000, 'a'), b(513, 'b'), c(512 * 3, 'c');
  testing::WriteFile(path, testing::MakeTar({File("first", a), File(long_name, b), File("empty", ""), File("last", c)}));
  auto tf = TarFile::Open(path);
  ASSERT_TRUE(tf.ok()) << tf.error().message();
  for (auto [name, want] : {std::pair{std::string("first"), a}, {long_name, b}, {"empty", ""}, {"last", c}}) {
    SCOPED_TRACE(name);
    const TarFile::Member* m = tf->Find(name);
    ASSERT_NE(m, nullptr);
    EXPECT_GE(m->data_offset, m->header_offset + 512) << "the fast path (pread) must be available";
    EXPECT_EQ(*tf->ReadMember(name, 1 << 20), want);
  }
}

}  // namespace
}  // namespace hullscan::io
