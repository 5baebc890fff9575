#include "version/rpm.h"

#include <gtest/gtest.h>
#include <rpm/rpmver.h>
#include <rpm/rpmlib.h>

#include "vectors.h"

namespace hullscan::version {
namespace {

using testing::ExpectedOrder;
using testing::LoadTsv;

const Scheme& Rpm() { return *FindScheme("rpm"); }

// librpm's own rpmvercmp(), the reference our port must agree with.
int LibRpmVercmp(const std::string& a, const std::string& b) {
  int r = rpmvercmp(a.c_str(), b.c_str());
  return (r > 0) - (r < 0);
}

void CheckFile(const std::string& file) {
  for (const auto& row : LoadTsv(file)) {
    SCOPED_TRACE(row.Where());
    int expected = ExpectedOrder(row[2]);
    EXPECT_EQ(rpm::Vercmp(row[0], row[1]), expected);
    EXPECT_EQ(LibRpmVercmp(row[0], row[1]), expected) << "librpm disagrees with the vector";
    EXPECT_EQ(rpm::Vercmp(row[0], row[1]), LibRpmVercmp(row[0], row[1])) << "port disagrees with librpm";
    auto c = Rpm().Compare(row[0], row[1]);
    ASSERT_TRUE(c.ok()) << c.error().message();
    EXPECT_EQ(*c, expected);
  }
}

TEST(RpmVectors, Rpmvercmp) { CheckFile("rpm/rpmvercmp.tsv"); }
TEST(RpmVectors, RpmvercmpDisabledOddities) { CheckFile("rpm/rpmvercmp-disabled-oddities.tsv"); }

TEST(RpmVectors, AgreesWithLibrpmOnAllPairs) {
  // Every pair of strings appearing in the vectors, plus EVR forms, against librpm's rpmvercmp / rpmverCmp.
  std::vector<std::string> all;
  for (const char* f : {"rpm/rpmvercmp.tsv", "rpm/rpmvercmp-disabled-oddities.tsv"}) {
    for (const auto& row : LoadTsv(f)) {
      all.push_back(row[0]);
      all.push_back(row[1]);
    }
  }
  for (const auto& a : all) {
    for (const auto& b : all) {
      ASSERT_EQ(rpm::Vercmp(a, b), LibRpmVercmp(a, b)) << a << " vs " << b;
    }
  }
  const char* evrs[] = {"1.0-1", "0:1.0-1", "1:1.0-1", "1.0", "1.0-1.el8", "1.0-1.el8_2", "2:0.1", "1.0~rc1-1",
                        "1.0^git1-1", ":1.0-2", "10:1-1", "1.0-1~", "1.0-a"};
  for (const char* a : evrs) {
    for (const char* b : evrs) {
      rpmver va = rpmverParse(a), vb = rpmverParse(b);
      ASSERT_TRUE(va && vb);
      int ref = rpmverCmp(va, vb);
      ref = (ref > 0) - (ref < 0);
      rpmverFree(va);
      rpmverFree(vb);
      auto c = Rpm().Compare(a, b);
      ASSERT_TRUE(c.ok()) << a;
      EXPECT_EQ(*c, ref) << a << " vs " << b;
    }
  }
}

TEST(RpmScheme, Parse) {
  auto v = rpm::Parse("2:1.4.1-3.el9");
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->epoch, 2u);
  EXPECT_EQ(v->version, "1.4.1");
  EXPECT_EQ(v->release, "3.el9");
  for (const char* bad : {"", "1.0 1", "1.0-", "-1", "99999999999:1.0", "1.0\n"}) {
    EXPECT_FALSE(rpm::Parse(bad).ok()) << bad;
    EXPECT_FALSE(Rpm().Compare(bad, "1").ok()) << bad;
  }
}

TEST(RpmScheme, TotalOrderOnVectors) {
  std::vector<std::string> all;
  for (const auto& row : LoadTsv("rpm/rpmvercmp.tsv")) {
    all.push_back(row[0]);
    all.push_back(row[1]);
  }
  testing::ExpectTotalOrder(Rpm(), all);
}

TEST(RpmScheme, Constraints) {
  EXPECT_TRUE(*Rpm().Satisfies("1:1.0-1", "> 0:9.9"));
  EXPECT_TRUE(*Rpm().Satisfies("1.0-1.el8", ">= 1.0-1, < 1.0-2"));
  EXPECT_FALSE(*Rpm().Satisfies("1.0~rc1", ">= 1.0"));
}

}  // namespace
}  // namespace hullscan::version
