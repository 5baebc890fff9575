#include "base/digest.h"

#include <gtest/gtest.h>

namespace hullscan {
namespace {

// Known-answer values from FIPS 180-2 (the "abc" vector) and the empty string.
TEST(Sha256Test, KnownAnswers) {
  EXPECT_EQ(Sha256::Of("abc").ToString(),
            "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(Sha256::Of("").ToString(),
            "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(Sha256Test, IncrementalEqualsOneShot) {
  std::string data(100000, 'x');
  for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<char>(i * 7);
  Sha256 h;
  for (size_t off = 0; off < data.size(); off += 333) h.Update(std::string_view(data).substr(off, 333));
  EXPECT_EQ(h.Finish(), Sha256::Of(data));
}

TEST(DigestTest, ParseAcceptsOnlyWellFormed) {
  auto d = Digest::Parse("sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->algorithm(), "sha256");
  EXPECT_EQ(d->Short(), "sha256:ba7816bf8f01");

  EXPECT_FALSE(Digest::Parse("ba7816bf").ok());
  EXPECT_FALSE(Digest::Parse("sha256:BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD").ok());
  EXPECT_FALSE(Digest::Parse("sha256:abc").ok());
  EXPECT_EQ(Digest::Parse("md5:d41d8cd98f00b204e9800998ecf8427e").error().code(), ErrorCode::kUnsupported);
  EXPECT_FALSE(Digest::Parse("sha256:../../etc/passwd").ok());
}

TEST(HasherTest, Sha512) {
  auto h = Hasher::For("sha512");
  ASSERT_TRUE(h.ok());
  h->Update("abc", 3);
  EXPECT_EQ(h->Finish().hex().substr(0, 16), "ddaf35a193617aba");
  EXPECT_FALSE(Hasher::For("md5").ok());
}

}  // namespace
}  // namespace hullscan
