// Small string helpers used across modules.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace hullscan {

std::string_view TrimSpace(std::string_view s);
std::vector<std::string_view> Split(std::string_view s, char sep);

// One document of a YAML stream, as text.
struct YamlDocumentText {
  std::string_view text;
  int first_line = 0;  // 0-based line of the document's first line in the whole stream
};
// Splits a YAML stream at `---` lines (a `---` at column 0 always starts a document: the spec
// forbids it inside content), so that each document can be loaded on its own with YAML::Load.
// Never call yaml-cpp 0.7's LoadAll on untrusted input: on some inputs (a stray ',' at block
// level) it yields empty documents forever, until memory runs out.
std::vector<YamlDocumentText> SplitYamlDocuments(std::string_view yaml);
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
