// NuGet has no vectors in testdata; these cases are taken from NuGet's documentation, cited per test.
#include "version/nuget.h"

#include <gtest/gtest.h>

#include "vectors.h"

namespace hullscan::version {
namespace {

const Scheme& NuGet() { return *FindScheme("nuget"); }

// learn.microsoft.com/nuget/concepts/package-versioning, "Pre-release versions": "1.0.1-alpha10 is sorted
// strictly in reverse alphabetical order, while 1.0.1-rc.10 is given greater precedence than 1.0.1-rc.2" with the
// list (highest first): 1.0.1, 1.0.1-zzz, 1.0.1-rc.10, 1.0.1-rc.2, 1.0.1-open, 1.0.1-beta, 1.0.1-alpha2,
// 1.0.1-alpha10, 1.0.1-aaa.
TEST(NuGetDocs, PrereleaseOrder) {
  const std::vector<std::string> descending = {"1.0.1",      "1.0.1-zzz",  "1.0.1-rc.10",   "1.0.1-rc.2",   "1.0.1-open",
                                               "1.0.1-beta", "1.0.1-alpha2", "1.0.1-alpha10", "1.0.1-aaa"};
  for (size_t i = 0; i + 1 < descending.size(); ++i) {
    EXPECT_EQ(*NuGet().Compare(descending[i], descending[i + 1]), 1) << descending[i] << " > " << descending[i + 1];
  }
  testing::ExpectTotalOrder(NuGet(), descending);
}

// Same page, "Version ranges": 1.0 (x >= 1.0), [1.0,) , (1.0,), [1.0], (,1.0], (,1.0), [1.0,2.0], (1.0,2.0),
// [1.0,2.0), and "(1.0)" is invalid.
TEST(NuGetDocs, VersionRanges) {
  struct Case {
    const char* range;
    const char* version;
    bool expected;
  };
  for (const Case& c : {Case{"1.0", "1.0", true},          Case{"1.0", "0.9", false},
                        Case{"1.0", "5.0", true},          Case{"[1.0,)", "1.0", true},
                        Case{"(1.0,)", "1.0", false},      Case{"(1.0,)", "1.0.1", true},
                        Case{"[1.0]", "1.0.0", true},      Case{"[1.0]", "1.0.1", false},
                        Case{"(,1.0]", "1.0", true},       Case{"(,1.0]", "1.0.1", false},
                        Case{"(,1.0)", "1.0", false},      Case{"(,1.0)", "0.9", true},
                        Case{"[1.0,2.0]", "2.0", true},    Case{"(1.0,2.0)", "1.0", false},
                        Case{"(1.0,2.0)", "2.0", false},   Case{"(1.0,2.0)", "1.5", true},
                        Case{"[1.0,2.0)", "2.0", false},   Case{"[1.0,2.0)", "1.0", true},
                        // NuGetDocs Create/Versioning.md: [1,3) accepts 1 and 2.9 but not 0.9 or 3.0.
                        Case{"[1,3)", "1", true},          Case{"[1,3)", "2.9", true},
                        Case{"[1,3)", "0.9", false},       Case{"[1,3)", "3.0", false}}) {
    auto r = NuGet().Satisfies(c.version, c.range);
    ASSERT_TRUE(r.ok()) << c.range << ": " << r.error().message();
    EXPECT_EQ(*r, c.expected) << c.range << " " << c.version;
  }
  EXPECT_FALSE(NuGet().ValidateConstraint("(1.0)").ok());
  EXPECT_FALSE(NuGet().ValidateConstraint("[2.0,1.0]").ok());
  EXPECT_FALSE(NuGet().ValidateConstraint("[1.0").ok());
}

// Same page, "Normalized version numbers": leading zeros are removed (1.00 -> 1.0), a fourth part of zero is
// omitted (1.0.0.0 -> 1.0.0), build metadata is removed; legacy 4-part versions (e.g. 4.1.10311 style and
// 1.2.3.4) remain valid.
TEST(NuGetDocs, Normalization) {
  auto norm = [](const char* s) {
    auto v = nuget::Parse(s);
    EXPECT_TRUE(v.ok()) << s;
    return v.ok() ? nuget::Normalize(*v) : std::string();
  };
  EXPECT_EQ(norm("1.00"), "1.0.0");
  EXPECT_EQ(norm("1.01.1"), "1.1.1");
  EXPECT_EQ(norm("1.0.0.0"), "1.0.0");
  EXPECT_EQ(norm("1.0.01.0"), "1.0.1");
  EXPECT_EQ(norm("1.0.0-Beta+meta"), "1.0.0-Beta");
  EXPECT_EQ(norm("1.2.3.4"), "1.2.3.4");
  EXPECT_EQ(*NuGet().Compare("1.0", "1.0.0.0"), 0);
  EXPECT_EQ(*NuGet().Compare("1.0.0.1", "1.0.0"), 1);
  EXPECT_EQ(*NuGet().Compare("1.0.0+a", "1.0.0+b"), 0);
}

// NuGet compares prerelease labels case-insensitively ("1.0.0-BETA" and "1.0.0-beta" are the same version).
TEST(NuGetDocs, CaseInsensitiveLabels) {
  EXPECT_EQ(*NuGet().Compare("1.0.0-BETA", "1.0.0-beta"), 0);
  EXPECT_EQ(*NuGet().Compare("1.0.0-Alpha.2", "1.0.0-alpha.10"), -1);
}

TEST(NuGetScheme, Errors) {
  for (const char* bad : {"", "1.2.3.4.5", "a.b", "1.0-", "1.0+", "1..0", "1.0-be$ta", "-1.0"}) {
    EXPECT_FALSE(NuGet().Validate(bad).ok()) << bad;
  }
}

}  // namespace
}  // namespace hullscan::version
