#include "version/internal/util.h"

#include "base/strings.h"

#include <algorithm>

namespace hullscan::version::internal {

bool AllDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!IsDigit(c)) return false;
  }
  return true;
}

std::string_view TrimAsciiSpace(std::string_view s) {
  while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
  return s;
}

namespace {

// Length of a Unicode whitespace character encoded at s[i] (forward), or 0.
size_t UnicodeSpaceAt(std::string_view s, size_t i) {
  unsigned char c = static_cast<unsigned char>(s[i]);
  if (IsSpace(static_cast<char>(c)) || (c >= 0x1c && c <= 0x1f)) return 1;
  auto byte = [&](size_t k) { return i + k < s.size() ? static_cast<unsigned char>(s[i + k]) : 0; };
  if (c == 0xc2 && (byte(1) == 0x85 || byte(1) == 0xa0)) return 2;
  if (c == 0xe1 && byte(1) == 0x9a && byte(2) == 0x80) return 3;  // U+1680
  if (c == 0xe2 && byte(1) == 0x80 && (byte(2) <= 0x8a || byte(2) == 0xa8 || byte(2) == 0xa9 || byte(2) == 0xaf)) {
    return byte(2) >= 0x80 ? 3 : 0;  // U+2000-200A, U+2028, U+2029, U+202F
  }
  if (c == 0xe2 && byte(1) == 0x81 && byte(2) == 0x9f) return 3;  // U+205F
  if (c == 0xe3 && byte(1) == 0x80 && byte(2) == 0x80) return 3;  // U+3000
  return 0;
}

}  // namespace

std::string_view TrimUnicodeSpace(std::string_view s) {
  while (!s.empty()) {
    size_t n = UnicodeSpaceAt(s, 0);
    if (n == 0) break;
    s.remove_prefix(n);
  }
  while (!s.empty()) {
    size_t n = 0;
    for (size_t len = 1; len <= 3 && len <= s.size(); ++len) {
      if (UnicodeSpaceAt(s, s.size() - len) == len) {
        n = len;
        break;
      }
    }
    if (n == 0) break;
    s.remove_suffix(n);
  }
  return s;
}

std::string_view StripLeadingZeros(std::string_view digits) {
  size_t i = 0;
  while (i + 1 < digits.size() && digits[i] == '0') ++i;
  return digits.substr(i);
}

int CompareDigits(std::string_view a, std::string_view b) {
  a = StripLeadingZeros(a);
  b = StripLeadingZeros(b);
  if (a == "0" || a.empty()) a = "";
  if (b == "0" || b.empty()) b = "";
  if (a.size() != b.size()) return a.size() < b.size() ? -1 : 1;
  return Sign(a.compare(b));
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) { return a.size() == b.size() && CompareIgnoreCase(a, b) == 0; }

int CompareIgnoreCase(std::string_view a, std::string_view b) {
  size_t n = std::min(a.size(), b.size());
  for (size_t i = 0; i < n; ++i) {
    unsigned char ca = static_cast<unsigned char>(ToLowerAscii(a[i]));
    unsigned char cb = static_cast<unsigned char>(ToLowerAscii(b[i]));
    if (ca != cb) return ca < cb ? -1 : 1;
  }
  if (a.size() == b.size()) return 0;
  return a.size() < b.size() ? -1 : 1;
}

bool ParseUint64(std::string_view s, uint64_t* out, uint64_t max) {
  if (s.empty()) return false;
  uint64_t v = 0;
  for (char c : s) {
    if (!IsDigit(c)) return false;
    uint64_t d = static_cast<uint64_t>(c - '0');
    if (v > (max - d) / 10) return false;
    v = v * 10 + d;
  }
  *out = v;
  return true;
}

std::string Quote(std::string_view s) { return QuoteForMessage(s, '"', 80); }

Error InvalidVersion(std::string_view scheme, std::string_view v, std::string_view why) {
  std::string m(scheme);
  m += ": invalid version ";
  m += Quote(v);
  m += ": ";
  m += why;
  return hullscan::InvalidArgument(std::move(m));
}

Error InvalidConstraint(std::string_view scheme, std::string_view c, std::string_view why) {
  std::string m(scheme);
  m += ": invalid constraint ";
  m += Quote(c);
  m += ": ";
  m += why;
  return hullscan::InvalidArgument(std::move(m));
}

namespace {

bool IsOpChar(char c) { return c == '<' || c == '>' || c == '=' || c == '!' || c == '~'; }

}  // namespace

Result<TermGroups> ParseTerms(std::string_view scheme, std::string_view constraint, const ComparatorSyntax& syntax) {
  static constexpr std::string_view kStandard[] = {"<<", ">>", "<=", ">=", "==", "!=", "<", ">", "="};
  TermGroups groups;
  std::string_view rest = constraint;
  if (TrimAsciiSpace(rest).empty()) return InvalidConstraint(scheme, constraint, "empty");
  while (true) {
    size_t bar = rest.find("||");
    std::string_view group_text = rest.substr(0, bar);
    std::vector<Term> terms;
    size_t i = 0;
    while (true) {
      while (i < group_text.size() && (IsSpace(group_text[i]) || group_text[i] == ',')) ++i;
      if (i >= group_text.size()) break;
      Term term;
      if (syntax.allow_negation && group_text[i] == '!' &&
          !(i + 1 < group_text.size() && group_text[i + 1] == '=')) {
        term.negated = true;
        ++i;
      }
      // Longest operator match among the standard and extra operators.
      std::string_view best;
      std::string_view tail = group_text.substr(i);
      for (std::string_view op : kStandard) {
        if (tail.substr(0, op.size()) == op && op.size() > best.size()) best = op;
      }
      for (std::string_view op : syntax.extra_ops) {
        if (tail.substr(0, op.size()) == op && op.size() > best.size()) best = op;
      }
      if (best.empty()) return InvalidConstraint(scheme, constraint, "expected an operator before " + Quote(tail));
      i += best.size();
      if (i < group_text.size() && IsOpChar(group_text[i])) {
        return InvalidConstraint(scheme, constraint, "unknown operator");
      }
      if (best == "==") best = "=";
      if (best == "<<") best = "<";
      if (best == ">>") best = ">";
      term.op = best;
      while (i < group_text.size() && IsSpace(group_text[i])) ++i;
      size_t start = i;
      while (i < group_text.size() && !IsSpace(group_text[i]) && group_text[i] != ',') ++i;
      term.version = group_text.substr(start, i - start);
      if (term.version.empty()) return InvalidConstraint(scheme, constraint, "operator without a version");
      terms.push_back(term);
    }
    if (terms.empty()) return InvalidConstraint(scheme, constraint, "empty alternative");
    groups.push_back(std::move(terms));
    if (bar == std::string_view::npos) break;
    rest = rest.substr(bar + 2);
  }
  return groups;
}

Result<bool> EvalTerms(const TermGroups& groups, const std::function<Result<bool>(const Term&)>& eval_term) {
  bool any = false;
  for (const auto& group : groups) {
    bool all = true;
    for (const Term& term : group) {
      HS_ASSIGN_OR_RETURN(bool r, eval_term(term));
      if (term.negated) r = !r;
      // Keep evaluating (not short-circuiting) so that an invalid version anywhere is reported.
      all = all && r;
    }
    any = any || all;
  }
  return any;
}

bool ApplyStandardOp(std::string_view op, int cmp, bool* known) {
  *known = true;
  if (op == "=") return cmp == 0;
  if (op == "!=") return cmp != 0;
  if (op == "<") return cmp < 0;
  if (op == "<=") return cmp <= 0;
  if (op == ">") return cmp > 0;
  if (op == ">=") return cmp >= 0;
  *known = false;
  return false;
}

}  // namespace hullscan::version::internal
