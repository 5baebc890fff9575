// Helpers shared by the scheme implementations. Not part of the module API.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace hullscan::version::internal {

inline bool IsDigit(char c) { return c >= '0' && c <= '9'; }
inline bool IsLower(char c) { return c >= 'a' && c <= 'z'; }
inline bool IsUpper(char c) { return c >= 'A' && c <= 'Z'; }
inline bool IsAlpha(char c) { return IsLower(c) || IsUpper(c); }
inline bool IsAlnum(char c) { return IsDigit(c) || IsAlpha(c); }
inline bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }
inline char ToLowerAscii(char c) { return IsUpper(c) ? static_cast<char>(c - 'A' + 'a') : c; }
inline int Sign(int v) { return (v > 0) - (v < 0); }

bool AllDigits(std::string_view s);  // non-empty and only 0-9
std::string_view TrimAsciiSpace(std::string_view s);
// Also strips UTF-8 encoded Unicode whitespace (what Python's str.strip() and re's \s accept): U+001C-001F, U+0085,
// U+00A0, U+1680, U+2000-200A, U+2028, U+2029, U+202F, U+205F, U+3000.
std::string_view TrimUnicodeSpace(std::string_view s);
std::string_view StripLeadingZeros(std::string_view digits);  // "007" -> "7", "000" -> "0" ... "" stays ""

// Numeric comparison of two digit strings of any length (leading zeros ignored); no overflow.
int CompareDigits(std::string_view a, std::string_view b);

// Case-insensitive ASCII equality / three-way comparison.
bool EqualsIgnoreCase(std::string_view a, std::string_view b);
int CompareIgnoreCase(std::string_view a, std::string_view b);

// Parses a digit string into *out; false on empty, non-digit or overflow past `max`.
bool ParseUint64(std::string_view s, uint64_t* out, uint64_t max = UINT64_MAX);

// `s` quoted for an error message: non-printable bytes escaped, long input shortened.
std::string Quote(std::string_view s);

// kInvalidArgument: "<scheme>: invalid version \"<v>\": <why>".
Error InvalidVersion(std::string_view scheme, std::string_view v, std::string_view why);
// kInvalidArgument: "<scheme>: invalid constraint \"<c>\": <why>".
Error InvalidConstraint(std::string_view scheme, std::string_view c, std::string_view why);

// Generic comparator lists for schemes without a native constraint syntax (dpkg, rpm, apk, go):
//   constraint := group ("||" group)*      group := term ((","|whitespace) term)*      term := OP VERSION
//   OP := "=" | "==" | "!=" | "<" | "<=" | ">" | ">=" | "<<" | ">>" (dpkg spellings of < and >)
// plus any extra operators a scheme adds (apk: "~", "<~", ">~", and a leading "!" negation). A group with no
// terms is an error, as is a term without a version.
struct Term {
  std::string_view op;       // the operator as written, after normalising "==" -> "=", "<<" -> "<", ">>" -> ">"
  std::string_view version;  // not validated here
  bool negated = false;      // apk "!": the term's result is inverted
};
using TermGroups = std::vector<std::vector<Term>>;

struct ComparatorSyntax {
  std::vector<std::string_view> extra_ops;  // longest-match against the standard ones
  bool allow_negation = false;
};
Result<TermGroups> ParseTerms(std::string_view scheme, std::string_view constraint, const ComparatorSyntax& syntax);

// Evaluates parsed groups; `eval_term` answers one term (it validates the version strings).
Result<bool> EvalTerms(const TermGroups& groups, const std::function<Result<bool>(const Term&)>& eval_term);

// Applies a standard operator to a three-way comparison result; false for unknown operators.
bool ApplyStandardOp(std::string_view op, int cmp, bool* known);

}  // namespace hullscan::version::internal
