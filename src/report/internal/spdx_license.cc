#include "report/internal/spdx_license.h"

#include <algorithm>
#include <cstddef>
#include <span>

#include "base/strings.h"

namespace hullscan::report::internal {
namespace {

#include "report/internal/spdx_license_ids.inc"

char AsciiLower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

// ASCII case-insensitive three-way comparison, the order the generated tables are sorted in.
int CompareIgnoreCase(std::string_view a, std::string_view b) {
  size_t n = std::min(a.size(), b.size());
  for (size_t i = 0; i < n; ++i) {
    auto ca = static_cast<unsigned char>(AsciiLower(a[i]));
    auto cb = static_cast<unsigned char>(AsciiLower(b[i]));
    if (ca != cb) return ca < cb ? -1 : 1;
  }
  if (a.size() == b.size()) return 0;
  return a.size() < b.size() ? -1 : 1;
}

std::optional<std::string_view> Lookup(std::span<const std::string_view> table, std::string_view id) {
  auto it = std::lower_bound(table.begin(), table.end(), id, [](std::string_view entry, std::string_view key) {
    return CompareIgnoreCase(entry, key) < 0;
  });
  if (it != table.end() && CompareIgnoreCase(*it, id) == 0) return *it;
  return std::nullopt;
}

// idstring = 1*(ALPHA / DIGIT / "-" / ".")
bool IsIdString(std::string_view s) {
  if (s.empty()) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.';
  });
}

enum class Op { kNone, kAnd, kOr, kWith };

Op OperatorOf(std::string_view word) {
  if (word == "AND" || word == "and") return Op::kAnd;
  if (word == "OR" || word == "or") return Op::kOr;
  if (word == "WITH" || word == "with") return Op::kWith;
  return Op::kNone;
}

// Recursive-descent parser over whitespace/parenthesis tokens. Precedence: WITH > AND > OR.
class ExpressionParser {
 public:
  explicit ExpressionParser(std::string_view text) { Tokenize(text); }

  std::optional<LicenseExpression> Parse() {
    if (tokens_.empty()) return std::nullopt;
    if (!ParseOr(0) || pos_ != tokens_.size()) return std::nullopt;
    LicenseExpression result;
    for (const std::string& t : out_) {
      if (!result.text.empty() && result.text.back() != '(' && t != ")") result.text += ' ';
      result.text += t;
    }
    result.compound = compound_;
    result.has_refs = has_refs_;
    result.is_plain_id = out_.size() == 1 && plain_ids_ == 1;
    return result;
  }

 private:
  static constexpr int kMaxDepth = 64;  // hostile input must not exhaust the stack

  void Tokenize(std::string_view text) {
    std::string word;
    auto flush = [&] {
      if (!word.empty()) tokens_.push_back(std::move(word));
      word.clear();
    };
    for (char c : text) {
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
        flush();
      } else if (c == '(' || c == ')') {
        flush();
        tokens_.emplace_back(1, c);
      } else {
        word.push_back(c);
      }
    }
    flush();
  }

  bool AtEnd() const { return pos_ >= tokens_.size(); }
  const std::string& Peek() const { return tokens_[pos_]; }

  bool ParseOr(int depth) {
    if (!ParseAnd(depth)) return false;
    while (!AtEnd() && OperatorOf(Peek()) == Op::kOr) {
      ++pos_;
      out_.emplace_back("OR");
      compound_ = true;
      if (!ParseAnd(depth)) return false;
    }
    return true;
  }

  bool ParseAnd(int depth) {
    if (!ParseWith(depth)) return false;
    while (!AtEnd() && OperatorOf(Peek()) == Op::kAnd) {
      ++pos_;
      out_.emplace_back("AND");
      compound_ = true;
      if (!ParseWith(depth)) return false;
    }
    return true;
  }

  bool ParseWith(int depth) {
    if (AtEnd()) return false;
    if (Peek() == "(") {
      if (depth >= kMaxDepth) return false;
      ++pos_;
      out_.emplace_back("(");
      if (!ParseOr(depth + 1)) return false;
      if (AtEnd() || Peek() != ")") return false;
      ++pos_;
      out_.emplace_back(")");
      return true;  // WITH applies to a simple expression only, never to a parenthesised one
    }
    if (!ParseSimple()) return false;
    if (!AtEnd() && OperatorOf(Peek()) == Op::kWith) {
      ++pos_;
      if (AtEnd()) return false;
      auto exception = CanonicalExceptionId(Peek());
      if (!exception) return false;
      ++pos_;
      out_.emplace_back("WITH");
      out_.emplace_back(*exception);
      compound_ = true;
    }
    return true;
  }

  // license-id / license-id "+" / ["DocumentRef-" idstring ":"] "LicenseRef-" idstring
  bool ParseSimple() {
    const std::string& word = Peek();
    if (word == "(" || word == ")" || OperatorOf(word) != Op::kNone) return false;
    std::string_view w = word;
    if (StartsWith(w, "DocumentRef-") || StartsWith(w, "LicenseRef-")) {
      std::string_view license_ref = w;
      if (StartsWith(w, "DocumentRef-")) {
        size_t colon = w.find(':');
        if (colon == std::string_view::npos || !IsIdString(w.substr(12, colon - 12))) return false;
        license_ref = w.substr(colon + 1);
      }
      if (!StartsWith(license_ref, "LicenseRef-") || !IsIdString(license_ref.substr(11))) return false;
      out_.emplace_back(w);
      has_refs_ = true;
      ++pos_;
      return true;
    }
    bool plus = EndsWith(w, "+");
    if (plus) w.remove_suffix(1);
    auto id = CanonicalLicenseId(w);
    if (!id) return false;
    out_.push_back(std::string(*id) + (plus ? "+" : ""));
    if (!plus) ++plain_ids_;
    ++pos_;
    return true;
  }

  std::vector<std::string> tokens_;
  size_t pos_ = 0;
  std::vector<std::string> out_;
  bool compound_ = false;
  bool has_refs_ = false;
  int plain_ids_ = 0;
};

// True when the whole text is one parenthesised group: "(A OR B)" but not "(A) AND (B)".
bool IsFullyParenthesized(std::string_view s) {
  if (s.size() < 2 || s.front() != '(' || s.back() != ')') return false;
  int depth = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '(') ++depth;
    if (s[i] == ')' && --depth == 0 && i + 1 != s.size()) return false;
  }
  return true;
}

}  // namespace

std::string_view SpdxLicenseListVersion() { return kSpdxLicenseListVersion; }

std::optional<std::string_view> CanonicalLicenseId(std::string_view id) { return Lookup(kSpdxLicenseIds, id); }

std::optional<std::string_view> CanonicalExceptionId(std::string_view id) { return Lookup(kSpdxExceptionIds, id); }

std::optional<LicenseExpression> ParseLicenseExpression(std::string_view text) {
  return ExpressionParser(text).Parse();
}

ClassifiedLicense ClassifyLicense(std::string_view recorded) {
  ClassifiedLicense out;
  std::string_view trimmed = TrimSpace(recorded);
  if (trimmed.empty()) return out;
  if (auto expr = ParseLicenseExpression(trimmed)) {
    out.kind = expr->is_plain_id ? LicenseKind::kId : LicenseKind::kExpression;
    out.text = std::move(expr->text);
    out.has_refs = expr->has_refs;
    out.compound = expr->compound;
    return out;
  }
  out.kind = LicenseKind::kName;
  out.text = std::string(trimmed);
  return out;
}

std::optional<std::string> SpdxDeclaredLicense(const std::vector<std::string>& recorded) {
  std::vector<ClassifiedLicense> parts;
  for (const std::string& r : recorded) {
    ClassifiedLicense c = ClassifyLicense(r);
    if (c.kind == LicenseKind::kEmpty) continue;
    if (c.kind == LicenseKind::kName || c.has_refs) return std::nullopt;
    bool seen = std::any_of(parts.begin(), parts.end(), [&](const ClassifiedLicense& p) { return p.text == c.text; });
    if (!seen) parts.push_back(std::move(c));
  }
  if (parts.empty()) return std::nullopt;
  if (parts.size() == 1) return parts[0].text;
  std::string joined;
  for (const ClassifiedLicense& p : parts) {
    if (!joined.empty()) joined += " AND ";
    bool wrap = p.compound && !IsFullyParenthesized(p.text);
    joined += wrap ? "(" + p.text + ")" : p.text;
  }
  return joined;
}

}  // namespace hullscan::report::internal
