// Every rule both ways: each fixture's exact set of reported rule ids, and a violating and a
// clean fixture for every rule in the table.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "checks/iac/config_scan.h"
#include "checks/iac/dockerfile.h"
#include "checks/iac/kubernetes.h"
#include "checks/iac/rules.h"
#include "fixture_util.h"
#include "testing/testdata.h"

namespace hullscan::checks::iac {
namespace {

using testing::Fixture;
using testing::LoadFixtures;

std::set<std::string> Ids(const std::vector<Finding>& findings) {
  std::set<std::string> ids;
  for (const Finding& f : findings) ids.insert(f.id);
  return ids;
}

std::vector<Finding> Check(const Fixture& fixture) {
  std::string text = hullscan::testing::ReadFileOrFail(fixture.path);
  if (fixture.dockerfile) return CheckDockerfile(text, fixture.relative);
  Result<std::vector<Finding>> found = CheckKubernetes(text, fixture.relative);
  EXPECT_TRUE(found.ok()) << (found.ok() ? "" : found.error().message());
  return found.ok() ? *found : std::vector<Finding>{};
}

TEST(IacFixtures, EachFixtureReportsExactlyItsExpectedRules) {
  std::vector<Fixture> fixtures = LoadFixtures();
  ASSERT_GE(fixtures.size(), 90u);
  for (const Fixture& fixture : fixtures) {
    SCOPED_TRACE(fixture.relative);
    std::vector<Finding> findings = Check(fixture);
    EXPECT_EQ(Ids(findings), fixture.expect);
    for (const Finding& f : findings) {
      EXPECT_EQ(f.kind, fixture.dockerfile ? Kind::kDockerfile : Kind::kKubernetes);
      EXPECT_EQ(f.target, fixture.relative);
      EXPECT_GT(f.line, 0) << f.id;
      EXPECT_FALSE(f.match.empty()) << f.id;
      const RuleInfo* rule = FindIacRule(f.id);
      ASSERT_NE(rule, nullptr) << f.id;
      EXPECT_EQ(f.severity, rule->severity);
      EXPECT_EQ(f.title, rule->title);
      EXPECT_FALSE(f.message.empty());
      EXPECT_FALSE(f.remediation.empty());
      if (!fixture.dockerfile) {
        EXPECT_FALSE(f.resource.empty()) << f.id;
      }
    }
  }
}

TEST(IacFixtures, EveryRuleHasAViolatingAndACleanFixture) {
  std::map<std::string, std::pair<int, int>> counts;  // rule -> (violating, clean)
  for (const Fixture& fixture : LoadFixtures()) {
    ASSERT_NE(FindIacRule(fixture.rule), nullptr) << fixture.relative << ": unknown rule " << fixture.rule;
    auto& [bad, good] = counts[fixture.rule];
    (fixture.expect.count(fixture.rule) ? bad : good)++;
    // The file name says which way it goes.
    EXPECT_EQ(fixture.relative.find(".bad.") != std::string::npos, fixture.expect.count(fixture.rule) == 1)
        << fixture.relative;
  }
  for (const RuleInfo& rule : IacRules()) {
    EXPECT_GE(counts[std::string(rule.id)].first, 1) << rule.id << " has no violating fixture";
    EXPECT_GE(counts[std::string(rule.id)].second, 1) << rule.id << " has no clean fixture";
  }
}

// The directory scan finds every fixture, names it relative to the root, and agrees with the
// per-file checks.
TEST(IacFixtures, ScanOfTheFixturesDirectoryMatchesPerFileChecks) {
  Result<ConfigScan> scan = ScanConfigPath(testing::FixturesDir());
  ASSERT_TRUE(scan.ok()) << scan.error().message();
  EXPECT_TRUE(scan->file_errors.empty());
  std::vector<Fixture> fixtures = LoadFixtures();
  EXPECT_EQ(scan->files_checked, static_cast<int>(fixtures.size()));
  std::map<std::string, std::set<std::string>> by_target;
  for (const Finding& f : scan->findings) by_target[f.target].insert(f.id);
  for (const Fixture& fixture : fixtures) EXPECT_EQ(by_target[fixture.relative], fixture.expect) << fixture.relative;
}

}  // namespace
}  // namespace hullscan::checks::iac
