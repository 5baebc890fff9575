#include "io/compression.h"

#include <gtest/gtest.h>

#include "testing/image_builder.h"
#include "testing/testdata.h"

namespace hullscan::io {
namespace {

std::string RealData() {
  // A real, compressible file: Ubuntu 18.04's dpkg status (several hundred KB).
  return testing::ReadFileOrFail(testing::TestData() / "osdb/dpkg/claircore-ubuntu1804-texlive/var/lib/dpkg/status");
}

Result<std::string> Decompress(std::string data) {
  HS_ASSIGN_OR_RETURN(auto r, NewDecompressingReader(NewStringReader(std::move(data))));
  return ReadAll(*r, 1 << 30);
}

TEST(CompressionTest, DetectsByMagic) {
  std::string data = RealData();
  EXPECT_EQ(DetectCompression(testing::Gzip(data)), Compression::kGzip);
  EXPECT_EQ(DetectCompression(testing::Zstd(data)), Compression::kZstd);
  EXPECT_EQ(DetectCompression(data), Compression::kNone);
  EXPECT_EQ(DetectCompression(""), Compression::kNone);
}

TEST(CompressionTest, GzipRoundTripWithIsal) {
  std::string data = RealData();
  ASSERT_GT(data.size(), 100000u);
  auto out = Decompress(testing::Gzip(data));
  ASSERT_TRUE(out.ok()) << out.error().message();
  EXPECT_EQ(*out, data);
}

TEST(CompressionTest, GzipConcatenatedMembers) {
  std::string a = RealData(), b = "second member\n";
  auto out = Decompress(testing::Gzip(a) + testing::Gzip(b));
  ASSERT_TRUE(out.ok()) << out.error().message();
  EXPECT_EQ(*out, a + b);
}

TEST(CompressionTest, ZstdRoundTrip) {
  std::string data = RealData();
  auto out = Decompress(testing::Zstd(data));
  ASSERT_TRUE(out.ok()) << out.error().message();
  EXPECT_EQ(*out, data);
}

TEST(CompressionTest, UncompressedPassesThrough) {
  auto out = Decompress("plain bytes");
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(*out, "plain bytes");
}

TEST(CompressionTest, TruncatedGzipIsCorrupt) {
  std::string gz = testing::Gzip(RealData());
  for (size_t cut : {gz.size() / 2, gz.size() - 4, size_t{10}}) {
    auto out = Decompress(gz.substr(0, cut));
    ASSERT_FALSE(out.ok()) << "cut at " << cut;
    EXPECT_EQ(out.error().code(), ErrorCode::kCorrupt) << out.error().message();
  }
}

TEST(CompressionTest, GzipCrcMismatchIsCorrupt) {
  std::string gz = testing::Gzip(RealData());
  gz[gz.size() - 6] ^= 0x55;  // inside the CRC32 trailer
  auto out = Decompress(gz);
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.error().message().find("CRC"), std::string::npos) << out.error().message();
}

TEST(CompressionTest, GzipGarbageInsideIsCorrupt) {
  std::string gz = testing::Gzip(RealData());
  for (size_t i = 20; i < 60; ++i) gz[i] = static_cast<char>(0xff);
  EXPECT_EQ(Decompress(gz).error().code(), ErrorCode::kCorrupt);
}

TEST(CompressionTest, TrailingGarbageAfterGzipIsCorrupt) {
  auto out = Decompress(testing::Gzip("data") + "junk");
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.error().code(), ErrorCode::kCorrupt);
}

TEST(CompressionTest, TruncatedZstdIsCorrupt) {
  std::string z = testing::Zstd(RealData());
  auto out = Decompress(z.substr(0, z.size() / 2));
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.error().code(), ErrorCode::kCorrupt);
}

}  // namespace
}  // namespace hullscan::io
