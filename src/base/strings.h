// Small string helpers used across modules.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace hullscan {

std::string_view TrimSpace(std::string_view s);
std::vector<std::string_view> Split(std::string_view s, char sep);
bool StartsWith(std::string_view s, std::string_view prefix);
bool EndsWith(std::string_view s, std::string_view suffix);
std::string ToLower(std::string_view s);

// `text` quoted for an error or diagnostic message: at most `max_shown` bytes of it, bytes
// outside printable ASCII (and the quote and backslash) as \xNN, so that names from a hostile
// file can neither forge log lines nor flood them. "'abc'", "'ab\x1b[31m…' (4096 bytes)".
std::string QuoteForMessage(std::string_view text, char quote = '\'', size_t max_shown = 64);

}  // namespace hullscan
