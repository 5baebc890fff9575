// After dtolnay/semver 1.x (src/parse.rs, src/eval.rs, src/impls.rs, src/display.rs).
#include "version/cargo.h"

#include "version/internal/scheme_impl.h"
#include "version/internal/util.h"

namespace hullscan::version::cargo {
namespace {

using internal::AllDigits;
using internal::IsDigit;

constexpr std::string_view kName = "cargo";
constexpr size_t npos = std::string_view::npos;

bool IsIdentChar(char c) { return internal::IsAlnum(c) || c == '-'; }

// A numeric component: digits without a leading zero, fitting in u64.
bool ParseNumber(std::string_view s, size_t* i, uint64_t* out) {
  size_t st = *i, e = st;
  while (e < s.size() && IsDigit(s[e])) ++e;
  if (e == st) return false;
  if (s[st] == '0' && e - st > 1) return false;
  if (!internal::ParseUint64(s.substr(st, e - st), out)) return false;
  *i = e;
  return true;
}

// Identifiers after '-' / '+': non-empty, [0-9A-Za-z-], dot-separated; prerelease numerics without leading zeros.
bool ParseIdents(std::string_view s, size_t* i, bool pre, std::string_view* out) {
  size_t st = *i, k = st, seg = st;
  while (k <= s.size()) {
    if (k == s.size() || s[k] == '.' || !IsIdentChar(s[k])) {
      if (k == seg) return false;
      std::string_view id = s.substr(seg, k - seg);
      if (pre && AllDigits(id) && id.size() > 1 && id[0] == '0') return false;
      if (k < s.size() && s[k] == '.') {
        seg = ++k;
        continue;
      }
      break;
    }
    ++k;
  }
  *out = s.substr(st, k - st);
  *i = k;
  return true;
}

int CompareIdentList(std::string_view a, std::string_view b, bool build) {
  while (true) {
    size_t da = a.find('.'), db = b.find('.');
    std::string_view x = a.substr(0, da), y = b.substr(0, db);
    bool xn = AllDigits(x), yn = AllDigits(y);
    int r;
    if (xn && yn) {
      r = internal::CompareDigits(x, y);
      if (!r && build && x.size() != y.size()) r = x.size() < y.size() ? -1 : 1;  // 0 < 00
    } else if (xn != yn) {
      return xn ? -1 : 1;
    } else {
      r = internal::Sign(x.compare(y));
    }
    if (r) return r;
    if (da == npos || db == npos) {
      if (da == npos && db == npos) return 0;
      return da == npos ? -1 : 1;
    }
    a.remove_prefix(da + 1);
    b.remove_prefix(db + 1);
  }
}

// Prerelease ordering: empty (a release) is greater than any prerelease.
int ComparePre(std::string_view a, std::string_view b) {
  if (a.empty() || b.empty()) {
    if (a.empty() && b.empty()) return 0;
    return a.empty() ? 1 : -1;
  }
  return CompareIdentList(a, b, false);
}

int CompareBuild(std::string_view a, std::string_view b) {
  if (a.empty() || b.empty()) {
    if (a.empty() && b.empty()) return 0;
    return a.empty() ? -1 : 1;
  }
  return CompareIdentList(a, b, true);
}

bool MatchesExact(const Comparator& c, const Version& v) {
  if (v.major != c.major) return false;
  if (c.minor && v.minor != *c.minor) return false;
  if (c.patch && v.patch != *c.patch) return false;
  return v.pre == c.pre;
}

bool MatchesGreater(const Comparator& c, const Version& v) {
  if (v.major != c.major) return v.major > c.major;
  if (!c.minor) return false;
  if (v.minor != *c.minor) return v.minor > *c.minor;
  if (!c.patch) return false;
  if (v.patch != *c.patch) return v.patch > *c.patch;
  return ComparePre(v.pre, c.pre) > 0;
}

bool MatchesLess(const Comparator& c, const Version& v) {
  if (v.major != c.major) return v.major < c.major;
  if (!c.minor) return false;
  if (v.minor != *c.minor) return v.minor < *c.minor;
  if (!c.patch) return false;
  if (v.patch != *c.patch) return v.patch < *c.patch;
  return ComparePre(v.pre, c.pre) < 0;
}

bool MatchesTilde(const Comparator& c, const Version& v) {
  if (v.major != c.major) return false;
  if (c.minor && v.minor != *c.minor) return false;
  if (c.patch && v.patch != *c.patch) return v.patch > *c.patch;
  return ComparePre(v.pre, c.pre) >= 0;
}

bool MatchesCaret(const Comparator& c, const Version& v) {
  if (v.major != c.major) return false;
  if (!c.minor) return true;
  uint64_t minor = *c.minor;
  if (!c.patch) {
    if (c.major > 0) return v.minor >= minor;
    return v.minor == minor;
  }
  uint64_t patch = *c.patch;
  if (c.major > 0) {
    if (v.minor != minor) return v.minor > minor;
    if (v.patch != patch) return v.patch > patch;
  } else if (minor > 0) {
    if (v.minor != minor) return false;
    if (v.patch != patch) return v.patch > patch;
  } else if (v.minor != minor || v.patch != patch) {
    return false;
  }
  return ComparePre(v.pre, c.pre) >= 0;
}

bool MatchesWildcard(const Comparator& c, const Version& v) {
  if (v.major != c.major) return false;
  if (c.minor && v.minor != *c.minor) return false;
  if (c.patch && v.patch != *c.patch) return false;
  return true;
}

bool MatchesImpl(const Comparator& c, const Version& v) {
  switch (c.op) {
    case Op::kExact: return MatchesExact(c, v);
    case Op::kGreater: return MatchesGreater(c, v);
    case Op::kGreaterEq: return MatchesExact(c, v) || MatchesGreater(c, v);
    case Op::kLess: return MatchesLess(c, v);
    case Op::kLessEq: return MatchesExact(c, v) || MatchesLess(c, v);
    case Op::kTilde: return MatchesTilde(c, v);
    case Op::kCaret: return MatchesCaret(c, v);
    case Op::kWildcard: return MatchesWildcard(c, v);
  }
  return false;
}

bool PreIsCompatible(const Comparator& c, const Version& v) {
  return c.major == v.major && c.minor && *c.minor == v.minor && c.patch && *c.patch == v.patch && !c.pre.empty();
}

bool IsWildcardChar(char c) { return c == '*' || c == 'x' || c == 'X'; }

Result<Comparator> ParseComparator(std::string_view text, std::string_view whole) {
  size_t i = 0;
  auto skip_ws = [&] {
    while (i < text.size() && text[i] == ' ') ++i;
  };
  skip_ws();
  Comparator c;
  bool explicit_op = true;
  std::string_view t = text.substr(i);
  if (t.substr(0, 2) == ">=") {
    c.op = Op::kGreaterEq;
    i += 2;
  } else if (t.substr(0, 2) == "<=") {
    c.op = Op::kLessEq;
    i += 2;
  } else if (!t.empty() && t[0] == '=') {
    c.op = Op::kExact;
    i += 1;
  } else if (!t.empty() && t[0] == '>') {
    c.op = Op::kGreater;
    i += 1;
  } else if (!t.empty() && t[0] == '<') {
    c.op = Op::kLess;
    i += 1;
  } else if (!t.empty() && t[0] == '~') {
    c.op = Op::kTilde;
    i += 1;
  } else if (!t.empty() && t[0] == '^') {
    c.op = Op::kCaret;
    i += 1;
  } else {
    explicit_op = false;
    c.op = Op::kCaret;
  }
  skip_ws();
  auto bad = [&](std::string_view why) { return internal::InvalidConstraint(kName, whole, why); };
  // major (a wildcard major is only allowed for the whole "*", handled by the caller)
  if (i < text.size() && IsWildcardChar(text[i])) return bad("unexpected wildcard in major version");
  if (!ParseNumber(text, &i, &c.major)) return bad("expected a major version number");
  bool wildcard = false;
  for (int part = 0; part < 2; ++part) {
    if (i >= text.size() || text[i] != '.') break;
    ++i;
    if (i < text.size() && IsWildcardChar(text[i])) {
      ++i;
      if (!explicit_op) c.op = Op::kWildcard;
      else if (!wildcard) return bad("wildcard with an operator");
      wildcard = true;
      continue;
    }
    if (wildcard) return bad("unexpected version number after a wildcard");
    uint64_t n = 0;
    if (!ParseNumber(text, &i, &n)) return bad("expected a version number");
    (part == 0 ? c.minor : c.patch) = n;
  }
  if (i < text.size() && text[i] == '-') {
    if (!c.patch) return bad("prerelease on a partial version");
    ++i;
    std::string_view pre;
    if (!ParseIdents(text, &i, true, &pre)) return bad("invalid prerelease");
    c.pre = std::string(pre);
  }
  if (i < text.size() && text[i] == '+') {
    if (!c.patch) return bad("build metadata on a partial version");
    ++i;
    std::string_view build;
    if (!ParseIdents(text, &i, false, &build)) return bad("invalid build metadata");
  }
  skip_ws();
  if (i != text.size()) return bad("unexpected characters");
  return c;
}

}  // namespace

Result<Version> Parse(std::string_view s) {
  size_t i = 0;
  Version v;
  auto bad = [&](std::string_view why) { return internal::InvalidVersion(kName, s, why); };
  if (!ParseNumber(s, &i, &v.major)) return bad("expected MAJOR.MINOR.PATCH");
  if (i >= s.size() || s[i] != '.') return bad("expected MAJOR.MINOR.PATCH");
  ++i;
  if (!ParseNumber(s, &i, &v.minor)) return bad("expected MAJOR.MINOR.PATCH");
  if (i >= s.size() || s[i] != '.') return bad("expected MAJOR.MINOR.PATCH");
  ++i;
  if (!ParseNumber(s, &i, &v.patch)) return bad("expected MAJOR.MINOR.PATCH");
  if (i < s.size() && s[i] == '-') {
    ++i;
    if (!ParseIdents(s, &i, true, &v.pre)) return bad("invalid prerelease");
  }
  if (i < s.size() && s[i] == '+') {
    ++i;
    if (!ParseIdents(s, &i, false, &v.build)) return bad("invalid build metadata");
  }
  if (i != s.size()) return bad("unexpected characters");
  return v;
}

int Compare(const Version& a, const Version& b) {
  if (a.major != b.major) return a.major < b.major ? -1 : 1;
  if (a.minor != b.minor) return a.minor < b.minor ? -1 : 1;
  if (a.patch != b.patch) return a.patch < b.patch ? -1 : 1;
  if (int r = ComparePre(a.pre, b.pre)) return r;
  return CompareBuild(a.build, b.build);
}

Result<VersionReq> VersionReq::Parse(std::string_view s) {
  VersionReq req;
  std::string_view t = internal::TrimAsciiSpace(s);
  if (t == "*" || t == "x" || t == "X") return req;  // STAR
  if (t.empty()) return internal::InvalidConstraint(kName, s, "empty requirement");
  constexpr size_t kMaxComparators = 32;
  size_t start = 0;
  while (true) {
    size_t comma = t.find(',', start);
    std::string_view part = t.substr(start, comma == npos ? npos : comma - start);
    if (internal::TrimAsciiSpace(part).empty()) return internal::InvalidConstraint(kName, s, "empty comparator");
    HS_ASSIGN_OR_RETURN(Comparator c, ParseComparator(part, s));
    req.comparators_.push_back(std::move(c));
    if (req.comparators_.size() > kMaxComparators) return internal::InvalidConstraint(kName, s, "too many comparators");
    if (comma == npos) break;
    start = comma + 1;
  }
  return req;
}

bool VersionReq::Matches(const Version& v) const {
  for (const Comparator& c : comparators_) {
    if (!MatchesImpl(c, v)) return false;
  }
  if (v.pre.empty()) return true;
  for (const Comparator& c : comparators_) {
    if (PreIsCompatible(c, v)) return true;
  }
  return false;
}

std::string VersionReq::ToString() const {
  if (comparators_.empty()) return "*";
  std::string out;
  for (size_t k = 0; k < comparators_.size(); ++k) {
    const Comparator& c = comparators_[k];
    if (k) out += ", ";
    switch (c.op) {
      case Op::kExact: out += "="; break;
      case Op::kGreater: out += ">"; break;
      case Op::kGreaterEq: out += ">="; break;
      case Op::kLess: out += "<"; break;
      case Op::kLessEq: out += "<="; break;
      case Op::kTilde: out += "~"; break;
      case Op::kCaret: out += "^"; break;
      case Op::kWildcard: break;
    }
    out += std::to_string(c.major);
    if (c.minor) {
      out += "." + std::to_string(*c.minor);
      if (c.patch) {
        out += "." + std::to_string(*c.patch);
        if (!c.pre.empty()) out += "-" + c.pre;
      } else if (c.op == Op::kWildcard) {
        out += ".*";
      }
    } else if (c.op == Op::kWildcard) {
      out += ".*";
    }
  }
  return out;
}

namespace {

class CargoScheme final : public Scheme {
 public:
  std::string_view Name() const override { return kName; }
  Status Validate(std::string_view v) const override {
    HS_TRY(cargo::Parse(v));
    return OkStatus();
  }
  Result<int> Compare(std::string_view a, std::string_view b) const override {
    HS_ASSIGN_OR_RETURN(Version va, cargo::Parse(a));
    HS_ASSIGN_OR_RETURN(Version vb, cargo::Parse(b));
    return cargo::Compare(va, vb);
  }
  Result<bool> Satisfies(std::string_view version, std::string_view constraint) const override {
    HS_ASSIGN_OR_RETURN(Version v, cargo::Parse(version));
    HS_ASSIGN_OR_RETURN(VersionReq r, VersionReq::Parse(constraint));
    return r.Matches(v);
  }
  Status ValidateConstraint(std::string_view constraint) const override {
    HS_TRY(VersionReq::Parse(constraint));
    return OkStatus();
  }
};

}  // namespace

const Scheme& GetScheme() {
  static const CargoScheme scheme;
  return scheme;
}

}  // namespace hullscan::version::cargo
