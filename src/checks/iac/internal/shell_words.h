// A small POSIX-shell word splitter for linting RUN commands: enough structure to find each
// simple command (`apt-get install …`) and the pipelines they form, never to execute anything.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace hullscan::checks::iac::internal {

struct SimpleCommand {
  std::vector<std::string> words;  // quotes removed; `$(…)`, `<(…)` and backticks kept verbatim in their word
};

// Commands joined by `|`.
struct Pipeline {
  std::vector<SimpleCommand> commands;
};

// Splits on `;`, `&&`, `||`, `&`, newlines, `(`, `)`, `{`, `}` into pipelines; drops comments,
// redirections and leading shell keywords (`if`, `then`, `do`, `!`, …). Bounded by the input size.
std::vector<Pipeline> SplitShell(std::string_view script);

}  // namespace hullscan::checks::iac::internal
