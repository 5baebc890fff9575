#include "io/reader.h"

#include <gtest/gtest.h>

#include "testing/testdata.h"

namespace hullscan::io {
namespace {

TEST(ReaderTest, ReadAllAndLimit) {
  auto r = NewMemoryReader("hello world");
  auto all = ReadAll(*r, 100);
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(*all, "hello world");
  auto big = NewStringReader(std::string(1000, 'x'));
  auto limited = ReadAll(*big, 999);
  ASSERT_FALSE(limited.ok());
  EXPECT_EQ(limited.error().code(), ErrorCode::kLimitExceeded);
}

TEST(ReaderTest, FileRangeDetectsTruncation) {
  testing::TempDir dir;
  auto path = dir.path() / "f";
  { std::FILE* f = std::fopen(path.c_str(), "wb"); std::fputs("0123456789", f); std::fclose(f); }
  auto r = OpenFileRange(path, 2, 5);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*ReadAll(**r, 100), "23456");
  auto past = OpenFileRange(path, 8, 5);
  ASSERT_TRUE(past.ok());
  auto bad = ReadAll(**past, 100);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code(), ErrorCode::kCorrupt);
  EXPECT_EQ(OpenFile(dir.path() / "missing").error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(OpenFile(dir.path()).error().code(), ErrorCode::kInvalidArgument);  // a directory
}

TEST(VerifyingReaderTest, AcceptsMatchingContent) {
  std::string data = testing::ReadFileOrFail(testing::TestData() / "osdb/dpkg/trivy-only-apt/var/lib/dpkg/status");
  auto r = NewVerifyingReader(NewMemoryReader(data), Sha256::Of(data), data.size(), "status");
  auto got = ReadAll(*r, 1 << 20);
  ASSERT_TRUE(got.ok()) << got.error().message();
  EXPECT_EQ(*got, data);
}

TEST(VerifyingReaderTest, RejectsWrongDigestAtEndOfStream) {
  auto r = NewVerifyingReader(NewMemoryReader("tampered"), Sha256::Of("original"), std::nullopt, "blob X");
  auto got = ReadAll(*r, 100);
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error().code(), ErrorCode::kDigestMismatch);
  EXPECT_NE(got.error().message().find("blob X"), std::string::npos);
  EXPECT_NE(got.error().message().find(Sha256::Of("original").ToString()), std::string::npos);
  // The verdict is sticky.
  char c;
  EXPECT_FALSE(r->Read(&c, 1).ok());
}

TEST(VerifyingReaderTest, RejectsWrongSize) {
  auto shorter = NewVerifyingReader(NewMemoryReader("abc"), Sha256::Of("abc"), 4, "blob");
  EXPECT_EQ(ReadAll(*shorter, 100).error().code(), ErrorCode::kDigestMismatch);
  auto longer = NewVerifyingReader(NewMemoryReader("abcde"), Sha256::Of("abcde"), 4, "blob");
  EXPECT_EQ(ReadAll(*longer, 100).error().code(), ErrorCode::kDigestMismatch);
}

TEST(VerifyingReaderTest, SkipIsStillHashed) {
  std::string data(100000, 'a');
  auto r = NewVerifyingReader(NewMemoryReader(data), Sha256::Of("other"), std::nullopt, "blob");
  auto skipped = r->Skip(data.size());
  ASSERT_TRUE(skipped.ok());
  EXPECT_EQ(*skipped, data.size());
  char c;
  EXPECT_EQ(r->Read(&c, 1).error().code(), ErrorCode::kDigestMismatch);
}

TEST(LimitReaderTest, StopsBombs) {
  auto r = NewLimitReader(NewStringReader(std::string(5000, 'z')), 4096, "layer L");
  auto got = Drain(*r);
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error().code(), ErrorCode::kLimitExceeded);
  EXPECT_NE(got.error().message().find("layer L"), std::string::npos);
}

}  // namespace
}  // namespace hullscan::io
