#include "version/maven.h"

#include <gtest/gtest.h>

#include "vectors.h"

namespace hullscan::version {
namespace {

using testing::ExpectedOrder;
using testing::LoadTsv;

const Scheme& Maven() { return *FindScheme("maven"); }

TEST(MavenVectors, ComparableVersion) {
  for (const auto& row : LoadTsv("maven/comparable-version.tsv")) {
    SCOPED_TRACE(row.Where());
    auto c = Maven().Compare(row[0], row[1]);
    ASSERT_TRUE(c.ok()) << c.error().message();
    EXPECT_EQ(*c, ExpectedOrder(row[2]));
  }
}

TEST(MavenVectors, Canonical) {
  for (const auto& row : LoadTsv("maven/canonical.tsv")) {
    SCOPED_TRACE(row.Where());
    auto v = maven::Version::Parse(row[0]);
    ASSERT_TRUE(v.ok());
    EXPECT_EQ(v->Canonical(), row[1]);
  }
}

TEST(MavenVectors, CanonicalIsStable) {
  // getCanonical() of a version parses back to an equal version (ComparableVersionTest.checkVersionsEqual asserts
  // the canonical forms of equal versions are equal); checked on every version of the vectors.
  for (const auto& row : LoadTsv("maven/comparable-version.tsv")) {
    SCOPED_TRACE(row.Where());
    for (int k = 0; k < 2; ++k) {
      auto v = maven::Version::Parse(row[k]);
      ASSERT_TRUE(v.ok());
      std::string canonical = v->Canonical();
      if (canonical.empty()) continue;
      auto again = maven::Version::Parse(canonical);
      ASSERT_TRUE(again.ok());
      EXPECT_EQ(again->Compare(*v), 0) << canonical;
    }
    if (row[3] == "checkVersionsEqual") {  // that helper also asserts equal canonical forms
      EXPECT_EQ(maven::Version::Parse(row[0])->Canonical(), maven::Version::Parse(row[1])->Canonical());
    }
  }
}

TEST(MavenScheme, TotalOrderOnVectors) {
  std::vector<std::string> all;
  for (const auto& row : LoadTsv("maven/comparable-version.tsv")) {
    all.push_back(row[0]);
    all.push_back(row[1]);
  }
  std::sort(all.begin(), all.end());
  all.erase(std::unique(all.begin(), all.end()), all.end());
  std::vector<std::string> subset;
  size_t step = std::max<size_t>(1, all.size() / 150);
  for (size_t i = 0; i < all.size(); i += step) subset.push_back(all[i]);
  testing::ExpectTotalOrder(Maven(), subset);
}

TEST(MavenRange, Syntax) {
  struct Case {
    const char* range;
    const char* version;
    bool expected;
  };
  // Bounds as documented for VersionRange.createFromVersionSpec.
  for (const Case& c : {Case{"[1.0,2.0)", "1.0", true}, Case{"[1.0,2.0)", "2.0", false},
                        Case{"[1.0,2.0)", "2.0-SNAPSHOT", true}, Case{"(,1.0]", "1.0", true},
                        Case{"(,1.0]", "1.0.1", false}, Case{"[1.2]", "1.2", true}, Case{"[1.2]", "1.2.0", true},
                        Case{"[1.2]", "1.2.1", false}, Case{"(1.0,)", "1.0", false}, Case{"(1.0,)", "1.0.1", true},
                        Case{"[1.0,2.0),[3.0,)", "2.5", false}, Case{"[1.0,2.0),[3.0,)", "3.1", true},
                        Case{"(,1.0],[1.2,)", "1.1", false}, Case{"(,1.0],[1.2,)", "1.2", true},
                        Case{"1.0", "1.0", true}, Case{"1.0", "1.1", false}}) {
    auto r = Maven().Satisfies(c.version, c.range);
    ASSERT_TRUE(r.ok()) << c.range << ": " << r.error().message();
    EXPECT_EQ(*r, c.expected) << c.range << " " << c.version;
  }
  for (const char* bad : {"[1.0", "(1.0)", "[2.0,1.0]", "(1.0,1.0)", "[1.0,2.0],[1.5,3.0]", "[1.0,2.0),1.5", "",
                          "[,]x"}) {
    EXPECT_FALSE(Maven().ValidateConstraint(bad).ok()) << bad;
  }
}

TEST(MavenScheme, Errors) {
  EXPECT_FALSE(Maven().Compare("", "1").ok());
  EXPECT_FALSE(Maven().Compare(std::string(300, '1'), "1").ok());
  EXPECT_EQ(*Maven().Compare("1.0-SNAPSHOT", "1.0"), -1);
  EXPECT_EQ(*Maven().Compare("1.0.RELEASE", "1.0"), 0);
}

}  // namespace
}  // namespace hullscan::version
