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

// Decodes the UTF-8 character at s[i] into *code_point; returns its length in bytes, or 0 when
// the bytes there are not valid UTF-8 (overlong, surrogate, beyond U+10FFFF, truncated).
size_t DecodeUtf8(std::string_view s, size_t i, char32_t* code_point);

// `text` quoted for an error or diagnostic message: at most `max_shown` bytes of it, bytes
// outside printable ASCII (and the quote and backslash) as \xNN, so that names from a hostile
// file can neither forge log lines nor flood them. "'abc'", "'ab\x1b[31m…' (4096 bytes)".
std::string QuoteForMessage(std::string_view text, char quote = '\'', size_t max_shown = 64);

}  // namespace hullscan
