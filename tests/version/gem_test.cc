#include "version/gem.h"

#include <gtest/gtest.h>

#include "vectors.h"

namespace hullscan::version {
namespace {

using testing::ExpectedOrder;
using testing::LoadJson;
using testing::LoadTsv;

const Scheme& Gem() { return *FindScheme("gem"); }

gem::Version MustParse(const std::string& s) {
  auto v = gem::Parse(s);
  EXPECT_TRUE(v.ok()) << s;
  return v.ok() ? *v : gem::Version{};
}

TEST(GemVectors, VersionCompare) {
  for (const auto& row : LoadTsv("rubygems/version-compare.tsv")) {
    SCOPED_TRACE(row.Where());
    auto c = Gem().Compare(row[0], row[1]);
    ASSERT_TRUE(c.ok()) << c.error().message();
    EXPECT_EQ(*c, ExpectedOrder(row[2]));
    EXPECT_EQ(*Gem().Compare(row[1], row[0]), -ExpectedOrder(row[2]));
  }
}

TEST(GemVectors, RequirementSatisfied) {
  for (const auto& row : LoadTsv("rubygems/requirement-satisfied.tsv")) {
    SCOPED_TRACE(row.Where());
    auto r = Gem().Satisfies(row[1], row[0]);
    ASSERT_TRUE(r.ok()) << r.error().message();
    EXPECT_EQ(*r, row[2] == "true");
  }
}

TEST(GemVectors, VersionExtra) {
  const std::string file = "rubygems/version-extra.json";
  auto j = LoadJson(file);
  for (const auto& p : j["not_equal"]) {
    SCOPED_TRACE(file + " not_equal " + p.dump());
    EXPECT_NE(*Gem().Compare(p[0].get<std::string>(), p[1].get<std::string>()), 0);
  }
  for (const auto& p : j["eql"]) {
    SCOPED_TRACE(file + " eql " + p.dump());
    EXPECT_EQ(gem::Eql(MustParse(p[0]), MustParse(p[1])), p[2].get<bool>());
  }
  for (const auto& p : j["prerelease"]) {
    SCOPED_TRACE(file + " prerelease " + p.dump());
    EXPECT_EQ(gem::IsPrerelease(MustParse(p[0])), p[1].get<bool>());
  }
  for (const auto& p : j["release"]) {
    SCOPED_TRACE(file + " release " + p.dump());
    EXPECT_EQ(gem::Release(MustParse(p[0])).normalized, p[1].get<std::string>());
  }
  for (const auto& p : j["bump"]) {
    SCOPED_TRACE(file + " bump " + p.dump());
    EXPECT_EQ(gem::Bump(MustParse(p[0])).normalized, p[1].get<std::string>());
  }
  for (const auto& p : j["approximate_recommendation"]) {
    SCOPED_TRACE(file + " approximate_recommendation " + p.dump());
    EXPECT_EQ(gem::ApproximateRecommendation(MustParse(p[0])), p[1].get<std::string>());
  }
  for (const auto& p : j["invalid"]) {
    SCOPED_TRACE(file + " invalid " + p.dump());
    EXPECT_FALSE(gem::Parse(p.get<std::string>()).ok());
    EXPECT_FALSE(Gem().Validate(p.get<std::string>()).ok());
  }
  for (const auto& p : j["empty_is_zero"]) {
    SCOPED_TRACE(file + " empty_is_zero " + p.dump());
    EXPECT_EQ(*Gem().Compare(p.get<std::string>(), "0"), 0);
    EXPECT_EQ(MustParse(p).normalized, "0");
  }
  for (const auto& p : j["whitespace_accepted_equal_to_1.0"]) {
    SCOPED_TRACE(file + " whitespace_accepted_equal_to_1.0 " + p.dump());
    EXPECT_EQ(*Gem().Compare(p.get<std::string>(), "1.0"), 0);
  }
  for (const auto& [key, value] : j.items()) {
    static const std::set<std::string> kKnown = {"source", "notes", "not_equal", "eql", "prerelease", "release",
                                                 "bump", "approximate_recommendation", "invalid", "empty_is_zero",
                                                 "whitespace_accepted_equal_to_1.0"};
    EXPECT_TRUE(kKnown.count(key)) << "untested section " << key;
  }
}

TEST(GemScheme, TotalOrderOnVectors) {
  std::vector<std::string> all;
  for (const auto& row : LoadTsv("rubygems/version-compare.tsv")) {
    all.push_back(row[0]);
    all.push_back(row[1]);
  }
  for (const auto& row : LoadTsv("rubygems/requirement-satisfied.tsv")) all.push_back(row[1]);
  testing::ExpectTotalOrder(Gem(), all);
}

TEST(GemScheme, Errors) {
  EXPECT_FALSE(Gem().Satisfies("1.0", "~> ").ok());
  EXPECT_FALSE(Gem().Satisfies("1.0", "=> 1.0").ok());
  EXPECT_FALSE(Gem().Satisfies("junk", ">= 1.0").ok());
  EXPECT_EQ(FindScheme("rubygems"), &Gem());
}

}  // namespace
}  // namespace hullscan::version
