#include "version/go.h"

#include <gtest/gtest.h>

#include "vectors.h"

namespace hullscan::version {
namespace {

using testing::ExpectedOrder;
using testing::LoadLines;
using testing::LoadTsv;

const Scheme& Go() { return *FindScheme("go"); }

TEST(GoVectors, Canonical) {
  for (const auto& row : LoadTsv("go-semver/canonical.tsv")) {
    SCOPED_TRACE(row.Where());
    EXPECT_EQ(go::Canonical(row[0]), row[1]);
    EXPECT_EQ(go::IsValid(row[0]), !row[1].empty());
    EXPECT_EQ(Go().Validate(row[0]).ok(), !row[1].empty());
  }
}

TEST(GoVectors, Compare) {
  // x/mod semver.Compare orders invalid versions (equal to each other, below every valid one); the Scheme instead
  // reports invalid versions as errors, and must agree on every valid pair.
  for (const auto& row : LoadTsv("go-semver/compare.tsv")) {
    SCOPED_TRACE(row.Where());
    int expected = ExpectedOrder(row[2]);
    EXPECT_EQ(go::CompareModSemver(row[0], row[1]), expected);
    auto c = Go().Compare(row[0], row[1]);
    if (go::IsValid(row[0]) && go::IsValid(row[1])) {
      ASSERT_TRUE(c.ok());
      EXPECT_EQ(*c, expected);
    } else {
      EXPECT_FALSE(c.ok());
    }
  }
}

TEST(GoVectors, SortedGolden) {
  auto golden = LoadLines("go-semver/sorted-golden.txt");
  ASSERT_GT(golden.size(), 10u);
  // semver.Sort: stable sort by Compare, ties by string.
  auto input = golden;
  std::reverse(input.begin(), input.end());
  std::stable_sort(input.begin(), input.end(), [](const std::string& a, const std::string& b) {
    int c = go::CompareModSemver(a, b);
    return c != 0 ? c < 0 : a < b;
  });
  EXPECT_EQ(input, golden);
}

TEST(GoScheme, TotalOrderOnVectors) { testing::ExpectTotalOrder(Go(), LoadLines("go-semver/sorted-golden.txt")); }

TEST(GoScheme, OsvStyleAndPseudoVersions) {
  EXPECT_EQ(*Go().Compare("1.2.3", "v1.2.3"), 0);  // OSV writes Go versions without "v"
  EXPECT_EQ(*Go().Compare("v2.0.0+incompatible", "v2.0.0"), 0);
  EXPECT_EQ(*Go().Compare("v0.0.0-20200131233409-575de47986ce", "v0.0.1"), -1);
  EXPECT_EQ(*Go().Compare("v1.2.4-0.20200101000000-abcdefabcdef", "v1.2.3"), 1);
  EXPECT_TRUE(go::IsPseudoVersion("v0.0.0-20200131233409-575de47986ce"));
  EXPECT_TRUE(go::IsPseudoVersion("v1.2.4-0.20200101000000-abcdefabcdef"));
  EXPECT_TRUE(go::IsPseudoVersion("v1.2.3-pre.0.20200101000000-abcdefabcdef"));
  EXPECT_FALSE(go::IsPseudoVersion("v1.2.3-pre"));
  EXPECT_FALSE(Go().Compare("v1.2.3.4", "v1").ok());
  EXPECT_TRUE(*Go().Satisfies("v1.5.0", ">= 1.2.0, < 2.0.0"));
}

}  // namespace
}  // namespace hullscan::version
