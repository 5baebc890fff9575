#include "checks/iac/dockerfile.h"

#include <gtest/gtest.h>

#include <random>

namespace hullscan::checks::iac {
namespace {

const Finding* Find(const std::vector<Finding>& findings, std::string_view id) {
  for (const Finding& f : findings) {
    if (f.id == id) return &f;
  }
  return nullptr;
}

TEST(CheckDockerfile, EvidenceIsTheInstructionLineAndTheOffendingPhysicalLine) {
  std::vector<Finding> findings = CheckDockerfile(
      "FROM debian:12.5\n"
      "RUN apt-get update \\\n"
      "    && sudo apt-get install -y --no-install-recommends curl=1 \\\n"
      "    && rm -rf /var/lib/apt/lists/*\n"
      "HEALTHCHECK CMD true\n"
      "USER root:root\n",
      "app/Dockerfile");
  const Finding* sudo = Find(findings, "DF-SUDO");
  ASSERT_NE(sudo, nullptr);
  EXPECT_EQ(sudo->line, 2);
  EXPECT_EQ(sudo->match, "&& sudo apt-get install -y --no-install-recommends curl=1 \\");
  EXPECT_EQ(sudo->target, "app/Dockerfile");
  EXPECT_EQ(sudo->severity, vulndb::SeverityLevel::kCritical);
  const Finding* root = Find(findings, "DF-LAST-USER-ROOT");
  ASSERT_NE(root, nullptr);
  EXPECT_EQ(root->line, 6);
  EXPECT_EQ(root->match, "USER root:root");
  EXPECT_EQ(findings.size(), 2u);
}

TEST(CheckDockerfile, FinalStageDecidesUserAndHealthcheck) {
  // The builder runs as root, the final stage inherits USER and HEALTHCHECK from a named stage.
  EXPECT_TRUE(CheckDockerfile("FROM alpine:3.19 AS base\nUSER 10001\nHEALTHCHECK CMD true\n"
                              "FROM golang:1.22 AS build\nUSER root\nFROM base\n",
                              "Dockerfile")
                  .empty());
  // A USER in a builder stage does not carry into an unrelated final stage.
  std::vector<Finding> f =
      CheckDockerfile("FROM golang:1.22 AS build\nUSER 10001\nFROM alpine:3.19\nHEALTHCHECK NONE\n", "Dockerfile");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].id, "DF-LAST-USER-ROOT");
  EXPECT_EQ(f[0].line, 3);  // the final FROM
  // Stage names are case-insensitive; ARG-only images are not judged.
  EXPECT_TRUE(CheckDockerfile("ARG IMG\nFROM ${IMG} AS Base\nUSER 1\nHEALTHCHECK NONE\nFROM base\n", "D").empty());
}

TEST(CheckDockerfile, UserFromVariables) {
  EXPECT_EQ(CheckDockerfile("FROM a:1\nENV U=root\nHEALTHCHECK NONE\nUSER $U\n", "D").size(), 1u);
  EXPECT_TRUE(CheckDockerfile("FROM a:1\nARG U\nHEALTHCHECK NONE\nUSER $U\n", "D").empty());  // unknown at lint time
  EXPECT_TRUE(CheckDockerfile("FROM a:1\nHEALTHCHECK NONE\nUSER 1000:0\n", "D").empty());      // gid 0 is not root
}

TEST(CheckDockerfile, AptListsOnlyMatterInStagesThatShip) {
  std::string text =
      "FROM debian:12.5 AS build\nRUN apt-get update && apt-get install -y --no-install-recommends gcc=1\n"
      "FROM debian:12.5\nCOPY --from=build /x /x\nHEALTHCHECK NONE\nUSER 1\n";
  EXPECT_TRUE(CheckDockerfile(text, "D").empty());
  std::string cached =
      "FROM debian:12.5\nRUN --mount=type=cache,target=/var/lib/apt apt-get update && "
      "apt-get install -y --no-install-recommends gcc=1\nHEALTHCHECK NONE\nUSER 1\n";
  EXPECT_TRUE(CheckDockerfile(cached, "D").empty());
}

TEST(CheckDockerfile, OneFindingPerRulePerInstruction) {
  std::vector<Finding> f = CheckDockerfile(
      "FROM alpine:3.19\nRUN sudo apk add a && sudo apk add b && cd / && cd /tmp\nHEALTHCHECK NONE\nUSER 1\n", "D");
  std::vector<std::string> ids;
  for (const Finding& x : f) ids.push_back(x.id);
  EXPECT_EQ(ids, (std::vector<std::string>{"DF-APK-NO-CACHE", "DF-APK-UNPINNED", "DF-RUN-CD", "DF-SUDO"}));
}

TEST(CheckDockerfile, HostileInputNeverCrashes) {
  std::mt19937 rng(7);
  for (int round = 0; round < 50; ++round) {
    std::string garbage(4096, '\0');
    for (char& c : garbage) c = static_cast<char>(rng());
    (void)CheckDockerfile(garbage, "garbage");
    // Garbage glued to real instructions, unterminated quotes, heredocs and continuations.
    (void)CheckDockerfile("FROM x\nRUN \"" + garbage + "\nRUN <<EOF\n" + garbage + "\\", "garbage");
  }
  std::string long_line = "FROM a:1\nRUN " + std::string(1 << 20, 'x') + " && sudo y\n";
  std::vector<Finding> f = CheckDockerfile(long_line, "long");
  const Finding* sudo = Find(f, "DF-SUDO");
  ASSERT_NE(sudo, nullptr);
  EXPECT_LE(sudo->match.size(), 200u);
  std::string many;
  for (int i = 0; i < 20000; ++i) many += "RUN cd /\\\n";
  (void)CheckDockerfile("FROM a:1\n" + many, "many");
  EXPECT_TRUE(CheckDockerfile("", "empty").empty());
  EXPECT_TRUE(CheckDockerfile("# only a comment\n", "comment").empty());
}

}  // namespace
}  // namespace hullscan::checks::iac
