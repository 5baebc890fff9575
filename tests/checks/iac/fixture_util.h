// The fixtures under tests/checks/iac/fixtures/: each names the rule it is about and the exact
// set of rule ids our checker must report on it, in its header comments
//   # rule: DF-SUDO
//   # expect: DF-SUDO DF-RUN-CD
// or, for JSON manifests (no comments), in the annotations hullscan.test/rule and hullscan.test/expect.
#pragma once

#include <filesystem>
#include <set>
#include <string>
#include <vector>

namespace hullscan::checks::iac::testing {

struct Fixture {
  std::filesystem::path path;
  std::string relative;  // "dockerfile/sudo.bad.Dockerfile", relative to FixturesDir()
  bool dockerfile = false;
  std::string rule;
  std::set<std::string> expect;
};

std::filesystem::path FixturesDir();
// All fixtures, sorted by relative path. Adds a test failure for a fixture without headers.
std::vector<Fixture> LoadFixtures();

}  // namespace hullscan::checks::iac::testing
