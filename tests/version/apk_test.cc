#include "version/apk.h"

#include <gtest/gtest.h>

#include "vectors.h"

namespace hullscan::version {
namespace {

using testing::ExpectedOrder;
using testing::LoadTsv;

const Scheme& Apk() { return *FindScheme("apk"); }

TEST(ApkVectors, Version) {
  // apk-tools' version.data compares some strings it would reject as versions (e.g. "23_foo"); CompareRaw is
  // apk_version_compare() itself. The Scheme must give the same answer for valid versions and an error otherwise.
  for (const auto& row : LoadTsv("apk/apk-version.tsv")) {
    SCOPED_TRACE(row.Where());
    int expected = ExpectedOrder(row[2]);
    EXPECT_EQ(apk::CompareRaw(row[0], row[1]), expected);
    EXPECT_EQ(apk::CompareRaw(row[1], row[0]), -expected);
    auto c = Apk().Compare(row[0], row[1]);
    if (apk::IsValid(row[0]) && apk::IsValid(row[1])) {
      ASSERT_TRUE(c.ok());
      EXPECT_EQ(*c, expected);
    } else {
      EXPECT_FALSE(c.ok());
    }
  }
}

TEST(ApkVectors, VersionOps) {
  for (const auto& row : LoadTsv("apk/apk-version-ops.tsv")) {
    SCOPED_TRACE(row.Where());
    auto m = apk::Match(row[0], row[1], row[2]);
    ASSERT_TRUE(m.ok()) << m.error().message();
    EXPECT_TRUE(*m);
    if (apk::IsValid(row[0]) && apk::IsValid(row[2])) {
      auto s = Apk().Satisfies(row[0], row[1] + row[2]);
      ASSERT_TRUE(s.ok()) << s.error().message();
      EXPECT_TRUE(*s) << "via Scheme::Satisfies";
    }
  }
}

TEST(ApkVectors, VersionValid) {
  for (const auto& row : LoadTsv("apk/apk-version-valid.tsv")) {
    SCOPED_TRACE(row.Where());
    bool valid = row[1] == "true";
    EXPECT_EQ(apk::IsValid(row[0]), valid);
    EXPECT_EQ(Apk().Validate(row[0]).ok(), valid);
  }
}

TEST(ApkScheme, TotalOrderOnVectors) {
  std::vector<std::string> all;
  for (const auto& row : LoadTsv("apk/apk-version.tsv")) {
    all.push_back(row[0]);
    all.push_back(row[1]);
  }
  // All valid versions of the file (about 700); the triple check is O(n^3) on the distinct ones, so use a bounded,
  // evenly spread subset.
  std::vector<std::string> valid;
  for (const auto& v : all) {
    if (apk::IsValid(v)) valid.push_back(v);
  }
  std::vector<std::string> subset;
  size_t step = std::max<size_t>(1, valid.size() / 150);
  for (size_t i = 0; i < valid.size(); i += step) subset.push_back(valid[i]);
  testing::ExpectTotalOrder(Apk(), subset);
}

TEST(ApkScheme, Constraints) {
  EXPECT_TRUE(*Apk().Satisfies("1.2.3-r1", ">=1.2.3-r0, <1.3"));
  EXPECT_TRUE(*Apk().Satisfies("3.6.9", "~3.6"));
  EXPECT_FALSE(*Apk().Satisfies("3.6.9", "!~3.6"));
  EXPECT_FALSE(Apk().Satisfies("3.6.9", "><3.6").ok());
  EXPECT_FALSE(Apk().Satisfies("bad", "<1").ok());
}

}  // namespace
}  // namespace hullscan::version
