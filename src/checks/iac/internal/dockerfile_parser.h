// A Dockerfile parser that follows BuildKit's rules closely enough for linting: parser
// directives (`# escape=`), line continuations (with comment lines inside them dropped),
// case-insensitive instructions, leading `--flags`, JSON (exec) vs shell form, and heredocs.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace hullscan::checks::iac::internal {

struct Heredoc {
  std::string word;  // the delimiter: "EOF"
  std::string body;  // the lines between the marker and the delimiter, '\n'-joined
};

struct Instruction {
  std::string keyword;             // upper-case: "FROM", "RUN"; whatever word starts the line
  std::vector<std::string> flags;  // leading flags as written: "--from=build", "--mount=type=cache,target=/x"
  std::string args;                // the rest, continuation lines joined (escape char and newline removed)
  bool exec_form = false;          // args is a JSON array of strings
  std::vector<std::string> exec_args;
  std::vector<Heredoc> heredocs;   // RUN/COPY/ADD only
  int line = 0;                    // first physical line, 1-based
  int end_line = 0;                // last physical line (continuations and heredoc bodies included)
};

struct Dockerfile {
  char escape = '\\';
  std::vector<Instruction> instructions;
  std::vector<std::string> lines;  // physical lines without the line terminator, for evidence
};

// Never fails: lines that are not instructions still become an Instruction (with an unknown
// keyword) so that no text is silently skipped; the rules only look at keywords they know.
Dockerfile ParseDockerfile(std::string_view content);

// `${NAME}`, `$NAME`, `${NAME:-default}` and `${NAME:+alt}` replaced from `vars` (name=value).
// Unknown names stay as written, so that callers can tell an unresolved reference.
std::string ExpandVariables(std::string_view text, const std::vector<std::pair<std::string, std::string>>& vars,
                            char escape = '\\');

}  // namespace hullscan::checks::iac::internal
