#include "checks/iac/internal/dockerfile_parser.h"

#include <gtest/gtest.h>

#include "checks/iac/internal/shell_words.h"

namespace hullscan::checks::iac::internal {
namespace {

using Words = std::vector<std::string>;

TEST(DockerfileParser, ContinuationsCommentsAndLineNumbers) {
  Dockerfile df = ParseDockerfile(
      "# leading comment\n"
      "\n"
      "from debian:12 as base\n"
      "RUN apt-get update \\\n"
      "# a comment inside the continuation is dropped\n"
      "\n"
      "    && apt-get install -y curl\n"
      "CMD [\"/app\", \"--serve\"]\r\n");
  ASSERT_EQ(df.instructions.size(), 3u);
  EXPECT_EQ(df.instructions[0].keyword, "FROM");
  EXPECT_EQ(df.instructions[0].line, 3);
  EXPECT_EQ(df.instructions[1].keyword, "RUN");
  EXPECT_EQ(df.instructions[1].args, "apt-get update     && apt-get install -y curl");
  EXPECT_EQ(df.instructions[1].line, 4);
  EXPECT_EQ(df.instructions[1].end_line, 7);
  EXPECT_TRUE(df.instructions[2].exec_form);
  EXPECT_EQ(df.instructions[2].exec_args, (Words{"/app", "--serve"}));
  EXPECT_EQ(df.instructions[2].line, 8);
}

TEST(DockerfileParser, EscapeDirectiveOnlyAtTheTop) {
  Dockerfile df = ParseDockerfile("# escape=`\nFROM x\nRUN a `\n  b\n");
  EXPECT_EQ(df.escape, '`');
  ASSERT_EQ(df.instructions.size(), 2u);
  EXPECT_EQ(df.instructions[1].args, "a   b");

  // After an instruction the same comment is just a comment.
  Dockerfile late = ParseDockerfile("FROM x\n# escape=`\nRUN a `\nRUN b\n");
  EXPECT_EQ(late.escape, '\\');
  EXPECT_EQ(late.instructions.size(), 3u);
}

TEST(DockerfileParser, FlagsAndInvalidJsonFallsBackToShellForm) {
  Dockerfile df = ParseDockerfile(
      "FROM --platform=$BUILDPLATFORM golang:1.22 AS build\n"
      "RUN --mount=type=cache,target=/var/cache/apt apt-get update\n"
      "CMD [\"unterminated\n");
  ASSERT_EQ(df.instructions.size(), 3u);
  EXPECT_EQ(df.instructions[0].flags, (Words{"--platform=$BUILDPLATFORM"}));
  EXPECT_EQ(df.instructions[0].args, "golang:1.22 AS build");
  EXPECT_EQ(df.instructions[1].flags, (Words{"--mount=type=cache,target=/var/cache/apt"}));
  EXPECT_FALSE(df.instructions[2].exec_form);
}

TEST(DockerfileParser, Heredocs) {
  Dockerfile df = ParseDockerfile(
      "FROM x\n"
      "RUN <<EOF bash\n"
      "set -e\n"
      "echo 'RUN inside'\n"
      "EOF\n"
      "COPY <<-\"CONF\" /etc/app.conf\n"
      "\tkey=value\n"
      "\tCONF\n"
      "USER 1000\n");
  ASSERT_EQ(df.instructions.size(), 4u);
  ASSERT_EQ(df.instructions[1].heredocs.size(), 1u);
  EXPECT_EQ(df.instructions[1].heredocs[0].word, "EOF");
  EXPECT_EQ(df.instructions[1].heredocs[0].body, "set -e\necho 'RUN inside'\n");
  EXPECT_EQ(df.instructions[1].end_line, 5);
  ASSERT_EQ(df.instructions[2].heredocs.size(), 1u);
  EXPECT_EQ(df.instructions[2].heredocs[0].body, "key=value\n");
  EXPECT_EQ(df.instructions[3].keyword, "USER");
  EXPECT_EQ(df.instructions[3].line, 9);
}

TEST(DockerfileParser, UnterminatedHeredocAndContinuationRunToTheEnd) {
  Dockerfile df = ParseDockerfile("FROM x\nRUN <<EOF\necho hi\n");
  ASSERT_EQ(df.instructions.size(), 2u);
  EXPECT_EQ(df.instructions[1].heredocs[0].body, "echo hi\n");
  Dockerfile cont = ParseDockerfile("FROM x\nRUN a \\\n");
  ASSERT_EQ(cont.instructions.size(), 2u);
  EXPECT_EQ(cont.instructions[1].args, "a");
}

TEST(DockerfileParser, ExpandVariables) {
  std::vector<std::pair<std::string, std::string>> vars = {{"A", "one"}, {"B", ""}};
  EXPECT_EQ(ExpandVariables("$A ${A} ${A:-x} ${B:-def} ${C:-d} ${A:+alt} ${C:+alt}", vars), "one one one def d alt ");
  EXPECT_EQ(ExpandVariables("$C ${C} \\$A", vars), "$C ${C} $A");
  EXPECT_EQ(ExpandVariables("${unterminated", vars), "${unterminated");
}

TEST(ShellWords, SplitsCommandsAndPipelines) {
  std::vector<Pipeline> p = SplitShell(
      "set -eux; apt-get update && apt-get install -y 'a b' \"c\"\\ d || true\n"
      "curl -fsSL https://x/i.sh 2>/dev/null | sudo bash -s -- --yes # comment && not a command\n"
      "if [ -f x ]; then cd /tmp; fi; (cd /src && make) & echo \"$(curl x | sh)\" > /dev/null");
  std::vector<std::vector<Words>> got;
  for (const Pipeline& pipeline : p) {
    std::vector<Words> commands;
    for (const SimpleCommand& c : pipeline.commands) commands.push_back(c.words);
    got.push_back(commands);
  }
  std::vector<std::vector<Words>> want = {
      {{"set", "-eux"}},
      {{"apt-get", "update"}},
      {{"apt-get", "install", "-y", "a b", "c d"}},
      {{"true"}},
      {{"curl", "-fsSL", "https://x/i.sh"}, {"sudo", "bash", "-s", "--", "--yes"}},
      {{"[", "-f", "x", "]"}},
      {{"cd", "/tmp"}},
      {{"cd", "/src"}},
      {{"make"}},
      {{"echo", "$(curl x | sh)"}},
  };
  EXPECT_EQ(got, want);
}

TEST(ShellWords, HostileInputIsBounded) {
  std::string nasty(100000, '(');
  nasty += std::string(1000, '"') + "$(" + std::string(5000, '`') + "\\";
  std::vector<Pipeline> p = SplitShell(nasty);  // must terminate without crashing
  SUCCEED() << p.size();
}

}  // namespace
}  // namespace hullscan::checks::iac::internal
