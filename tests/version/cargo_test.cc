#include "version/cargo.h"

#include <gtest/gtest.h>

#include "vectors.h"

namespace hullscan::version {
namespace {

using testing::LoadTsv;

const Scheme& Cargo() { return *FindScheme("cargo"); }

TEST(CargoVectors, VersionRelations) {
  for (const auto& row : LoadTsv("cargo-semver/version-relations.tsv")) {
    SCOPED_TRACE(row.Where());
    auto c = Cargo().Compare(row[0], row[2]);
    ASSERT_TRUE(c.ok()) << c.error().message();
    const std::string& op = row[1];
    bool holds = op == "<" ? *c < 0 : op == "<=" ? *c <= 0 : op == ">" ? *c > 0 : op == ">=" ? *c >= 0
               : op == "==" ? *c == 0 : op == "!=" ? *c != 0 : (ADD_FAILURE() << op, false);
    EXPECT_EQ(holds, row[3] == "true");
  }
}

TEST(CargoVectors, ReqMatches) {
  for (const auto& row : LoadTsv("cargo-semver/req-matches.tsv")) {
    SCOPED_TRACE(row.Where());
    auto r = Cargo().Satisfies(row[1], row[0]);
    ASSERT_TRUE(r.ok()) << r.error().message();
    EXPECT_EQ(*r, row[2] == "true");
  }
}

TEST(CargoVectors, ReqToString) {
  for (const auto& row : LoadTsv("cargo-semver/req-to-string.tsv")) {
    SCOPED_TRACE(row.Where());
    auto r = cargo::VersionReq::Parse(row[0]);
    ASSERT_TRUE(r.ok()) << r.error().message();
    EXPECT_EQ(r->ToString(), row[1]);
  }
}

TEST(CargoScheme, TotalOrderOnVectors) {
  std::vector<std::string> all;
  for (const auto& row : LoadTsv("cargo-semver/version-relations.tsv")) {
    all.push_back(row[0]);
    all.push_back(row[2]);
  }
  for (const auto& row : LoadTsv("cargo-semver/req-matches.tsv")) all.push_back(row[1]);
  testing::ExpectTotalOrder(Cargo(), all);
}

TEST(CargoScheme, Errors) {
  for (const char* bad : {"1.0", "01.0.0", "1.0.0-", "1.0.0+", "1.0.0-01", " 1.0.0", "v1.0.0"}) {
    EXPECT_FALSE(Cargo().Validate(bad).ok()) << bad;
  }
  for (const char* bad : {"", ">=", "1.*.2", ">= 1.0.0,", "1.0-alpha", "x.1"}) {
    EXPECT_FALSE(Cargo().ValidateConstraint(bad).ok()) << bad;
  }
  EXPECT_TRUE(*Cargo().Satisfies("1.2.3", "*"));
}

}  // namespace
}  // namespace hullscan::version
