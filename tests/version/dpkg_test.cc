#include "version/dpkg.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>

#include "vectors.h"

namespace hullscan::version {
namespace {

using testing::ExpectedOrder;
using testing::LoadJson;
using testing::LoadTsv;

const Scheme& Dpkg() { return *FindScheme("dpkg"); }

void CheckCompareFile(const std::string& file) {
  for (const auto& row : LoadTsv(file)) {
    SCOPED_TRACE(row.Where());
    auto c = Dpkg().Compare(row[0], row[1]);
    ASSERT_TRUE(c.ok()) << c.error().message();
    if (row[2] == "!=") {
      EXPECT_NE(*c, 0);
    } else {
      EXPECT_EQ(*c, ExpectedOrder(row[2]));
    }
    auto r = Dpkg().Compare(row[1], row[0]);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(*r, -*c) << "reverse comparison";
  }
}

TEST(DpkgVectors, DpkgVersionPm) { CheckCompareFile("dpkg/dpkg-Dpkg_Version.t.tsv"); }
TEST(DpkgVectors, AptVersionsLst) { CheckCompareFile("dpkg/apt-versions.lst.tsv"); }

TEST(DpkgVectors, TVersionCCompare) {
  // The fourth and fifth columns give the struct fields (epoch|version|revision) the C test builds; check that
  // parsing the written form yields them.
  CheckCompareFile("dpkg/dpkg-t-version.c.compare.tsv");
  for (const auto& row : LoadTsv("dpkg/dpkg-t-version.c.compare.tsv")) {
    SCOPED_TRACE(row.Where());
    for (int k = 0; k < 2; ++k) {
      auto v = dpkg::Parse(row[k], /*lenient=*/true);  // "0:a-0": the C test builds structs, no digit check
      ASSERT_TRUE(v.ok());
      std::string fields = std::to_string(v->epoch) + "|" + std::string(v->upstream) + "|" + std::string(v->revision);
      EXPECT_EQ(fields, row[3 + k]);
    }
  }
}

TEST(DpkgVectors, TVersionCParse) {
  auto j = LoadJson("dpkg/dpkg-t-version.c.parse.json");
  ASSERT_TRUE(j["cases"].is_array());
  int n = 0;
  for (const auto& c : j["cases"]) {
    std::string input = c["input"].get<std::string>();
    SCOPED_TRACE("dpkg/dpkg-t-version.c.parse.json case " + std::to_string(n++) + ": \"" + input + "\"");
    auto v = dpkg::Parse(input);
    if (c["valid"].get<bool>()) {
      ASSERT_TRUE(v.ok()) << v.error().message();
      EXPECT_EQ(v->epoch, c["epoch"].get<uint32_t>());
      EXPECT_EQ(v->upstream, c["version"].get<std::string>());
      EXPECT_EQ(v->revision, c["revision"].get<std::string>());
    } else {
      EXPECT_FALSE(v.ok());
      // dpkg only warns about a non-digit start and invalid characters (the JSON notes say so); everything else
      // must also be rejected by the lenient parse the Scheme uses.
      auto lenient = dpkg::Parse(input, true);
      std::string why = v.ok() ? "" : v.error().message();
      bool warning_only = why.find("does not start with digit") != std::string::npos ||
                          why.find("invalid character") != std::string::npos;
      EXPECT_EQ(lenient.ok(), warning_only) << why;
    }
  }
  EXPECT_GT(n, 20);
}

TEST(DpkgVectors, DpkgVersionPmExtra) {
  auto j = LoadJson("dpkg/dpkg-Dpkg_Version.t.extra.json");
  for (const auto& t : j["sort_tests"]) {
    std::string fn = t["function"].get<std::string>();
    SCOPED_TRACE("dpkg/dpkg-Dpkg_Version.t.extra.json sort_tests " + fn);
    auto list = t["unsorted"].get<std::vector<std::string>>();
    auto expected = t["expected_sorted"].get<std::vector<std::string>>();
    std::function<int(const std::string&, const std::string&)> cmp;
    if (fn == "version_compare") {
      cmp = [](const std::string& a, const std::string& b) { return *Dpkg().Compare(a, b); };
    } else if (fn == "version_compare_part") {
      cmp = [](const std::string& a, const std::string& b) { return dpkg::ComparePart(a, b); };
    } else {
      ASSERT_EQ(fn, "version_compare_string");
      cmp = [](const std::string& a, const std::string& b) { return dpkg::CompareString(a, b); };
    }
    std::stable_sort(list.begin(), list.end(), [&](const auto& a, const auto& b) { return cmp(a, b) < 0; });
    EXPECT_EQ(list, expected);
  }
  for (const auto& t : j["validity"]) {
    std::string v = t["version"].get<std::string>();
    SCOPED_TRACE("dpkg/dpkg-Dpkg_Version.t.extra.json validity \"" + v + "\"");
    auto parsed = dpkg::Parse(v);
    if (t.contains("valid")) {
      EXPECT_EQ(parsed.ok(), t["valid"].get<bool>());
    }
    if (t.contains("has_epoch")) {
      ASSERT_TRUE(parsed.ok());
      EXPECT_EQ(parsed->has_epoch, t["has_epoch"].get<bool>());
      EXPECT_EQ(parsed->has_revision, t["has_revision"].get<bool>());
    }
  }
}

TEST(DpkgScheme, TotalOrderOnVectors) {
  std::vector<std::string> all;
  for (const char* f : {"dpkg/dpkg-Dpkg_Version.t.tsv", "dpkg/apt-versions.lst.tsv"}) {
    for (const auto& row : LoadTsv(f)) {
      all.push_back(row[0]);
      all.push_back(row[1]);
    }
  }
  testing::ExpectTotalOrder(Dpkg(), all);
}

TEST(DpkgScheme, InvalidIsAnError) {
  for (const char* bad : {"", " ", "1.0-", ":1.0", "-1", "1 0", "1:", "99999999999:1", "a:1"}) {
    auto c = Dpkg().Compare(bad, "1.0");
    ASSERT_FALSE(c.ok()) << bad;
    EXPECT_EQ(c.error().code(), ErrorCode::kInvalidArgument);
    EXPECT_NE(c.error().message().find("dpkg"), std::string::npos);
  }
}

TEST(DpkgScheme, WarningLevelVersionsStillCompare) {
  // dpkg --compare-versions a1.0 lt b1.0 succeeds (with a warning); so does the Scheme.
  EXPECT_EQ(*Dpkg().Compare("a1.0", "b1.0"), -1);
  EXPECT_FALSE(dpkg::Parse("a1.0").ok());
}

TEST(DpkgScheme, Constraints) {
  EXPECT_TRUE(*Dpkg().Satisfies("1.2-1", ">= 1.0, << 2.0"));
  EXPECT_FALSE(*Dpkg().Satisfies("2.0", ">= 1.0, << 2.0"));
  EXPECT_TRUE(*Dpkg().Satisfies("2.0", "<< 1.0 || = 2.0"));
  EXPECT_TRUE(*Dpkg().Satisfies("1:0.9", ">> 1.5"));
  EXPECT_FALSE(Dpkg().Satisfies("1.0", "~1.0").ok());
  EXPECT_FALSE(Dpkg().Satisfies("1.0", ">= ").ok());
  EXPECT_FALSE(Dpkg().Satisfies("1.0", ">= 1:").ok());
  EXPECT_FALSE(Dpkg().ValidateConstraint("").ok());
}

}  // namespace
}  // namespace hullscan::version
