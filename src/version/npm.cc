// npm semver after node-semver 7.x (classes/semver.js, classes/range.js, classes/comparator.js, internal/re.js,
// ranges/outside.js). The regular expressions of internal/re.js are replaced by small hand-written matchers with
// the same (anchored) acceptance; the range desugaring builds the same strings node-semver builds and parses them
// back, so ToString() reproduces range.range exactly.
#include "version/npm.h"

#include <algorithm>

#include "version/internal/scheme_impl.h"
#include "version/internal/util.h"

namespace hullscan::version::npm {
namespace {

using internal::AllDigits;
using internal::IsAlnum;
using internal::IsDigit;
using internal::IsSpace;

constexpr std::string_view kName = "npm";
constexpr uint64_t kMaxSafeInteger = 9007199254740991ULL;
constexpr size_t kMaxLength = 256;
constexpr size_t npos = std::string_view::npos;

bool IsIdentChar(char c) { return IsAlnum(c) || c == '-'; }

enum class IdentKind { kPreStrict, kPreLoose, kBuild };

// Dot-separated identifiers starting at s[pos]; returns the end or npos when not even one identifier matches.
size_t MatchIdents(std::string_view s, size_t pos, IdentKind kind) {
  size_t i = pos;
  size_t last_end = npos;
  while (true) {
    size_t start = i;
    while (i < s.size() && IsIdentChar(s[i])) ++i;
    std::string_view id = s.substr(start, i - start);
    bool ok = !id.empty();
    if (ok && kind == IdentKind::kPreStrict && AllDigits(id) && id.size() > 1 && id[0] == '0') ok = false;
    if (!ok) return last_end;
    last_end = i;
    if (i < s.size() && s[i] == '.') {
      ++i;
      continue;
    }
    return last_end;
  }
}

// Numeric identifier: strict 0|[1-9]\d*, loose \d+. Returns end or npos.
size_t MatchNumber(std::string_view s, size_t i, bool loose) {
  if (i >= s.size() || !IsDigit(s[i])) return npos;
  if (!loose && s[i] == '0') return i + 1;
  while (i < s.size() && IsDigit(s[i])) ++i;
  return i;
}

bool ParseSafe(std::string_view digits, uint64_t* out) { return internal::ParseUint64(digits, out, kMaxSafeInteger); }

std::string_view TrimJs(std::string_view s) { return internal::TrimAsciiSpace(s); }

// ----- XRANGEPLAIN -----

bool IsX(std::string_view id) { return id.empty() || id == "x" || id == "X" || id == "*"; }

struct XMatch {
  size_t begin = 0, end = 0;
  std::string_view major, minor, patch, pre;
};

size_t MatchXrid(std::string_view s, size_t i, bool loose) {
  if (i < s.size() && (s[i] == 'x' || s[i] == 'X' || s[i] == '*')) return i + 1;
  return MatchNumber(s, i, loose);
}

// [v=\s]*XRID(\.XRID(\.XRID PRERELEASE? BUILD?)?)? at s[i]; greedy. Components after an X must be X too
// (node-semver rejects "1.x.5" and "x.1").
bool MatchXRangePlain(std::string_view s, size_t i, bool loose, XMatch* out) {
  *out = XMatch{};
  out->begin = i;
  while (i < s.size() && (s[i] == 'v' || s[i] == '=' || IsSpace(s[i]))) ++i;
  size_t e = MatchXrid(s, i, loose);
  if (e == npos) return false;
  out->major = s.substr(i, e - i);
  i = e;
  if (i < s.size() && s[i] == '.' && (e = MatchXrid(s, i + 1, loose)) != npos) {
    out->minor = s.substr(i + 1, e - i - 1);
    i = e;
    if (i < s.size() && s[i] == '.' && (e = MatchXrid(s, i + 1, loose)) != npos) {
      out->patch = s.substr(i + 1, e - i - 1);
      i = e;
      if (loose) {
        size_t k = npos;
        if (i < s.size() && s[i] == '-') {
          k = MatchIdents(s, i + 1, IdentKind::kPreLoose);
          if (k != npos) out->pre = s.substr(i + 1, k - i - 1);
        }
        if (k == npos && i < s.size() && IsIdentChar(s[i])) {
          k = MatchIdents(s, i, IdentKind::kPreLoose);
          if (k != npos) out->pre = s.substr(i, k - i);
        }
        if (k != npos) i = k;
      } else if (i < s.size() && s[i] == '-') {
        size_t k = MatchIdents(s, i + 1, IdentKind::kPreStrict);
        if (k != npos) {
          out->pre = s.substr(i + 1, k - i - 1);
          i = k;
        }
      }
      if (i < s.size() && s[i] == '+') {
        size_t k = MatchIdents(s, i + 1, IdentKind::kBuild);
        if (k != npos) i = k;
      }
    }
  }
  out->end = i;
  if (IsX(out->major) && (!IsX(out->minor) || !IsX(out->patch))) return false;
  if (!out->minor.empty() && IsX(out->minor) && !IsX(out->patch)) return false;
  return true;
}

bool FullXRangePlain(std::string_view s, size_t i, bool loose, XMatch* out) {
  return MatchXRangePlain(s, i, loose, out) && out->end == s.size();
}

// "+1" on a decimal string (exact; node-semver's +M + 1 loses precision only beyond 2^53, where SemVer rejects the
// number anyway).
std::string Inc(std::string_view digits) {
  std::string s(internal::StripLeadingZeros(digits));
  if (s.empty()) s = "0";
  int i = static_cast<int>(s.size()) - 1;
  while (i >= 0) {
    if (s[static_cast<size_t>(i)] == '9') {
      s[static_cast<size_t>(i)] = '0';
      --i;
    } else {
      ++s[static_cast<size_t>(i)];
      break;
    }
  }
  if (i < 0) s.insert(s.begin(), '1');
  return s;
}

std::string Str(std::string_view v) { return std::string(v); }

// ----- desugaring, after classes/range.js -----

std::string ReplaceCaret(const std::string& comp, Options o) {
  if (comp.empty() || comp[0] != '^') return comp;
  XMatch x;
  if (!FullXRangePlain(comp, 1, o.loose, &x)) return comp;
  const std::string z = o.include_prerelease ? "-0" : "";
  const std::string M = Str(x.major), m = Str(x.minor), p = Str(x.patch), pr = Str(x.pre);
  if (IsX(x.major)) return "";
  if (IsX(x.minor)) return ">=" + M + ".0.0" + z + " <" + Inc(M) + ".0.0-0";
  if (IsX(x.patch)) {
    if (M == "0") return ">=" + M + "." + m + ".0" + z + " <" + M + "." + Inc(m) + ".0-0";
    return ">=" + M + "." + m + ".0" + z + " <" + Inc(M) + ".0.0-0";
  }
  if (!pr.empty()) {
    if (M == "0") {
      if (m == "0") return ">=" + M + "." + m + "." + p + "-" + pr + " <" + M + "." + m + "." + Inc(p) + "-0";
      return ">=" + M + "." + m + "." + p + "-" + pr + " <" + M + "." + Inc(m) + ".0-0";
    }
    return ">=" + M + "." + m + "." + p + "-" + pr + " <" + Inc(M) + ".0.0-0";
  }
  // A full version without prerelease is its own lower bound, also with includePrerelease (node-semver 7.7+).
  if (M == "0") {
    if (m == "0") return ">=" + M + "." + m + "." + p + " <" + M + "." + m + "." + Inc(p) + "-0";
    return ">=" + M + "." + m + "." + p + " <" + M + "." + Inc(m) + ".0-0";
  }
  return ">=" + M + "." + m + "." + p + " <" + Inc(M) + ".0.0-0";
}

std::string ReplaceTilde(const std::string& comp, Options o) {
  if (comp.empty() || comp[0] != '~') return comp;
  size_t start = (comp.size() > 1 && comp[1] == '>') ? 2 : 1;
  XMatch x;
  if (!FullXRangePlain(comp, start, o.loose, &x)) return comp;
  const std::string M = Str(x.major), m = Str(x.minor), p = Str(x.patch), pr = Str(x.pre);
  const std::string z = o.include_prerelease ? "-0" : "";
  if (IsX(x.major)) return "";
  if (IsX(x.minor)) return ">=" + M + ".0.0" + z + " <" + Inc(M) + ".0.0-0";
  if (IsX(x.patch)) return ">=" + M + "." + m + ".0" + z + " <" + M + "." + Inc(m) + ".0-0";
  if (!pr.empty()) return ">=" + M + "." + m + "." + p + "-" + pr + " <" + M + "." + Inc(m) + ".0-0";
  return ">=" + M + "." + m + "." + p + " <" + M + "." + Inc(m) + ".0-0";
}

std::string ReplaceXRange(const std::string& comp_in, Options o) {
  std::string comp(TrimJs(comp_in));
  size_t i = 0;
  std::string gtlt;
  if (i < comp.size() && (comp[i] == '<' || comp[i] == '>')) gtlt += comp[i++];
  if (i < comp.size() && comp[i] == '=') gtlt += comp[i++];
  while (i < comp.size() && IsSpace(comp[i])) ++i;
  XMatch x;
  if (!FullXRangePlain(comp, i, o.loose, &x)) return comp;
  std::string M = Str(x.major), m = Str(x.minor), p = Str(x.patch);
  bool xM = IsX(x.major);
  bool xm = xM || IsX(x.minor);
  bool xp = xm || IsX(x.patch);
  bool any_x = xp;
  if (gtlt == "=" && any_x) gtlt = "";
  std::string pr = o.include_prerelease ? "-0" : "";
  if (xM) {
    if (gtlt == ">" || gtlt == "<") return "<0.0.0-0";
    return "*";
  }
  if (!gtlt.empty() && any_x) {
    if (xm) m = "0";
    p = "0";
    if (gtlt == ">") {
      gtlt = ">=";
      if (xm) {
        M = Inc(M);
        m = "0";
        p = "0";
      } else {
        m = Inc(m);
        p = "0";
      }
    } else if (gtlt == "<=") {
      gtlt = "<";
      if (xm) {
        M = Inc(M);
      } else {
        m = Inc(m);
      }
    }
    if (gtlt == "<") pr = "-0";
    return gtlt + M + "." + m + "." + p + pr;
  }
  if (xm) return ">=" + M + ".0.0" + pr + " <" + Inc(M) + ".0.0-0";
  if (xp) return ">=" + M + "." + m + ".0" + pr + " <" + M + "." + Inc(m) + ".0-0";
  return comp;
}

// STAR: the first (<|>)?=?\s*\* is removed.
std::string ReplaceStars(const std::string& comp_in) {
  std::string comp(TrimJs(comp_in));
  size_t k = comp.find('*');
  if (k == std::string::npos) return comp;
  size_t j = k;
  while (j > 0 && IsSpace(comp[j - 1])) --j;
  if (j > 0 && comp[j - 1] == '=') --j;
  if (j > 0 && (comp[j - 1] == '<' || comp[j - 1] == '>')) --j;
  return comp.substr(0, j) + comp.substr(k + 1);
}

std::string ReplaceGte0(const std::string& comp_in, Options o) {
  std::string comp(TrimJs(comp_in));
  std::string_view s = comp;
  if (s.substr(0, 2) != ">=") return comp;
  s.remove_prefix(2);
  s = TrimJs(s);
  if (s == (o.include_prerelease ? "0.0.0-0" : "0.0.0")) return "";
  return comp;
}

// JS str.split(/\s+/): empty strings at the ends are kept.
std::vector<std::string> SplitWs(std::string_view s) {
  std::vector<std::string> out;
  size_t i = 0;
  std::string cur;
  while (i <= s.size()) {
    if (i == s.size() || IsSpace(s[i])) {
      out.push_back(cur);
      cur.clear();
      if (i == s.size()) break;
      while (i < s.size() && IsSpace(s[i])) ++i;
      if (i == s.size()) {
        out.emplace_back();
        break;
      }
      continue;
    }
    cur += s[i++];
  }
  return out;
}

std::string JoinSpace(const std::vector<std::string>& v) {
  std::string out;
  for (size_t i = 0; i < v.size(); ++i) {
    if (i) out += ' ';
    out += v[i];
  }
  return out;
}

// BUILD (not anchored, first occurrence): \+ident(\.ident)* is removed.
std::string StripBuild(const std::string& comp) {
  for (size_t i = 0; i < comp.size(); ++i) {
    if (comp[i] != '+') continue;
    size_t e = MatchIdents(comp, i + 1, IdentKind::kBuild);
    if (e != npos) return comp.substr(0, i) + comp.substr(e);
  }
  return comp;
}

std::string ParseComparatorText(const std::string& comp_in, Options o) {
  std::string comp = StripBuild(comp_in);
  std::vector<std::string> parts;
  for (const std::string& c : SplitWs(TrimJs(comp))) parts.push_back(ReplaceCaret(c, o));
  comp = JoinSpace(parts);
  parts.clear();
  for (const std::string& c : SplitWs(TrimJs(comp))) parts.push_back(ReplaceTilde(c, o));
  comp = JoinSpace(parts);
  parts.clear();
  for (const std::string& c : SplitWs(comp)) parts.push_back(ReplaceXRange(c, o));
  comp = JoinSpace(parts);
  return ReplaceStars(comp);
}

// `(\s*)((?:<|>)?=?)\s*(LOOSEPLAIN|XRANGEPLAIN)` -> "$1$2$3": whitespace between an operator and a version goes.
std::string ComparatorTrim(const std::string& s) {
  std::string out;
  size_t i = 0;
  while (i < s.size()) {
    char c = s[i];
    if (c == '<' || c == '>' || c == '=') {
      size_t j = i;
      if (s[j] == '<' || s[j] == '>') ++j;
      if (j < s.size() && s[j] == '=') ++j;
      size_t k = j;
      while (k < s.size() && IsSpace(s[k])) ++k;
      XMatch x;
      out.append(s, i, j - i);
      if (k > j && MatchXRangePlain(s, k, true, &x)) {
        i = k;
      } else {
        i = j;
      }
      continue;
    }
    out += c;
    ++i;
  }
  return out;
}

// `(\s*)~>?\s+` -> "$1~" and `(\s*)\^\s+` -> "$1^".
std::string TildeCaretTrim(const std::string& s) {
  std::string out;
  size_t i = 0;
  while (i < s.size()) {
    char c = s[i];
    if (c == '~' || c == '^') {
      size_t j = i + 1;
      if (c == '~' && j < s.size() && s[j] == '>') ++j;
      size_t k = j;
      while (k < s.size() && IsSpace(s[k])) ++k;
      if (k > j) {
        out += c;
        i = k;
        continue;
      }
    }
    out += c;
    ++i;
  }
  return out;
}

// HYPHENRANGE: ^\s*(XRANGEPLAIN)\s+-\s+(XRANGEPLAIN)\s*$
bool ReplaceHyphen(const std::string& range, Options o, std::string* out) {
  size_t i = 0;
  while (i < range.size() && IsSpace(range[i])) ++i;
  XMatch from;
  if (!MatchXRangePlain(range, i, o.loose, &from)) return false;
  size_t k = from.end;
  size_t ws = k;
  while (k < range.size() && IsSpace(range[k])) ++k;
  if (k == ws || k >= range.size() || range[k] != '-') return false;
  ++k;
  ws = k;
  while (k < range.size() && IsSpace(range[k])) ++k;
  if (k == ws) return false;
  XMatch to;
  if (!MatchXRangePlain(range, k, o.loose, &to)) return false;
  size_t e = to.end;
  while (e < range.size() && IsSpace(range[e])) ++e;
  if (e != range.size()) return false;
  const bool inc = o.include_prerelease;
  std::string from_s(range.substr(from.begin, from.end - from.begin));
  std::string to_s(range.substr(to.begin, to.end - to.begin));
  std::string f, t;
  if (IsX(from.major)) {
    f = "";
  } else if (IsX(from.minor)) {
    f = ">=" + Str(from.major) + ".0.0" + (inc ? "-0" : "");
  } else if (IsX(from.patch)) {
    f = ">=" + Str(from.major) + "." + Str(from.minor) + ".0" + (inc ? "-0" : "");
  } else if (!from.pre.empty()) {
    f = ">=" + from_s;
  } else {
    f = ">=" + from_s + (inc ? "-0" : "");
  }
  if (IsX(to.major)) {
    t = "";
  } else if (IsX(to.minor)) {
    t = "<" + Inc(to.major) + ".0.0-0";
  } else if (IsX(to.patch)) {
    t = "<" + Str(to.major) + "." + Inc(to.minor) + ".0-0";
  } else if (!to.pre.empty()) {
    t = "<=" + Str(to.major) + "." + Str(to.minor) + "." + Str(to.patch) + "-" + Str(to.pre);
  } else if (inc) {
    t = "<" + Str(to.major) + "." + Str(to.minor) + "." + Inc(to.patch) + "-0";
  } else {
    t = "<=" + to_s;
  }
  *out = std::string(TrimJs(f + " " + t));
  return true;
}

// COMPARATOR / COMPARATORLOOSE: ^((?:<|>)?=?)\s*(FULLPLAIN|LOOSEPLAIN)$|^$
bool MatchesComparator(std::string_view comp, Options o) {
  if (comp.empty()) return true;
  size_t i = 0;
  if (comp[i] == '<' || comp[i] == '>') ++i;
  if (i < comp.size() && comp[i] == '=') ++i;
  while (i < comp.size() && IsSpace(comp[i])) ++i;
  std::string_view rest = comp.substr(i);
  if (rest.empty() || IsSpace(rest.back())) return false;
  if (!o.loose && (rest.empty() || IsSpace(rest.front()))) return false;
  Options po = o;
  auto r = Parse(rest, po);
  // The regular expression does not bound lengths or numbers; the SemVer constructor rejects those later.
  return r.ok() || r.error().message().find("too long") != std::string::npos ||
         r.error().message().find("2^53") != std::string::npos;
}

Result<Comparator> ParseComparator(std::string_view text, Options o) {
  std::string comp = JoinSpace(SplitWs(TrimJs(text)));
  Comparator c;
  if (comp.empty()) {
    c.any = true;
    return c;
  }
  size_t i = 0;
  if (comp[i] == '<' || comp[i] == '>') c.op += comp[i++];
  if (i < comp.size() && comp[i] == '=') c.op += comp[i++];
  while (i < comp.size() && IsSpace(comp[i])) ++i;
  std::string_view rest = std::string_view(comp).substr(i);
  if (c.op == "=") c.op = "";
  auto v = Parse(rest, o);
  if (!v.ok()) return internal::InvalidConstraint(kName, text, "invalid comparator");
  c.major = v->major;
  c.minor = v->minor;
  c.patch = v->patch;
  // Normalised prerelease (numeric identifiers without leading zeros), as node-semver stores them.
  std::string f = Format(*v);
  size_t dash = f.find('-');
  if (dash != std::string::npos) c.prerelease = f.substr(dash + 1);
  return c;
}

bool TestComparator(const Comparator& c, const SemVer& v) {
  if (c.any) return true;
  int r = Compare(v, c.semver());
  if (c.op.empty()) return r == 0;
  if (c.op == "<") return r < 0;
  if (c.op == "<=") return r <= 0;
  if (c.op == ">") return r > 0;
  if (c.op == ">=") return r >= 0;
  return false;
}

bool TestSet(const std::vector<Comparator>& set, const SemVer& v, Options o) {
  for (const Comparator& c : set) {
    if (!TestComparator(c, v)) return false;
  }
  if (!v.prerelease.empty() && !o.include_prerelease) {
    for (const Comparator& c : set) {
      if (c.any) continue;
      if (!c.prerelease.empty() && c.major == v.major && c.minor == v.minor && c.patch == v.patch) return true;
    }
    return false;
  }
  return true;
}

Result<std::vector<Comparator>> ParseRangePart(std::string_view part_in, Options o) {
  std::string range(TrimJs(part_in));
  std::string hyphen;
  if (ReplaceHyphen(range, o, &hyphen)) range = hyphen;
  range = ComparatorTrim(range);
  range = TildeCaretTrim(range);
  range = JoinSpace(SplitWs(range));
  std::vector<std::string> comps;
  {
    std::vector<std::string> pieces;
    size_t start = 0;
    for (size_t i = 0; i <= range.size(); ++i) {
      if (i == range.size() || range[i] == ' ') {
        pieces.push_back(ParseComparatorText(range.substr(start, i - start), o));
        start = i + 1;
      }
    }
    for (const std::string& c : SplitWs(JoinSpace(pieces))) comps.push_back(ReplaceGte0(c, o));
  }
  std::vector<Comparator> out;
  std::vector<std::string> values;
  for (const std::string& comp : comps) {
    if (o.loose && !MatchesComparator(comp, o)) continue;
    HS_ASSIGN_OR_RETURN(Comparator c, ParseComparator(comp, o));
    std::string value = c.Value();
    if (value == "<0.0.0-0") return std::vector<Comparator>{c};
    auto it = std::find(values.begin(), values.end(), value);
    if (it != values.end()) {
      out[static_cast<size_t>(it - values.begin())] = c;  // Map.set keeps the first position
    } else {
      values.push_back(value);
      out.push_back(c);
    }
  }
  if (out.size() > 1) {
    for (size_t i = 0; i < out.size(); ++i) {
      if (values[i].empty()) {
        out.erase(out.begin() + static_cast<std::ptrdiff_t>(i));
        break;
      }
    }
  }
  return out;
}

bool IsNullSet(const std::vector<Comparator>& c) { return !c.empty() && c[0].Value() == "<0.0.0-0"; }
bool IsAnyComp(const Comparator& c) { return c.Value().empty(); }

}  // namespace

Result<SemVer> Parse(std::string_view s, Options options) {
  if (s.size() > kMaxLength) return internal::InvalidVersion(kName, s, "too long (more than 256 characters)");
  std::string_view v = TrimJs(s);
  size_t i = 0;
  if (options.loose) {
    while (i < v.size() && (v[i] == 'v' || v[i] == '=' || IsSpace(v[i]))) ++i;
  } else if (i < v.size() && v[i] == 'v') {
    ++i;
  }
  uint64_t parts[3];
  for (int k = 0; k < 3; ++k) {
    if (k > 0) {
      if (i >= v.size() || v[i] != '.') return internal::InvalidVersion(kName, s, "expected MAJOR.MINOR.PATCH");
      ++i;
    }
    size_t e = MatchNumber(v, i, options.loose);
    if (e == npos) return internal::InvalidVersion(kName, s, "expected MAJOR.MINOR.PATCH");
    if (!ParseSafe(v.substr(i, e - i), &parts[k])) {
      return internal::InvalidVersion(kName, s, "version number larger than 2^53-1");
    }
    i = e;
  }
  SemVer out{parts[0], parts[1], parts[2], {}, {}};
  if (options.loose) {
    size_t k = npos;
    if (i < v.size() && v[i] == '-') {
      k = MatchIdents(v, i + 1, IdentKind::kPreLoose);
      if (k != npos) out.prerelease = v.substr(i + 1, k - i - 1);
    }
    if (k == npos && i < v.size() && IsIdentChar(v[i])) {
      k = MatchIdents(v, i, IdentKind::kPreLoose);
      if (k != npos) out.prerelease = v.substr(i, k - i);
    }
    if (k != npos) i = k;
  } else if (i < v.size() && v[i] == '-') {
    size_t k = MatchIdents(v, i + 1, IdentKind::kPreStrict);
    if (k == npos) return internal::InvalidVersion(kName, s, "invalid prerelease");
    out.prerelease = v.substr(i + 1, k - i - 1);
    i = k;
  }
  if (i < v.size() && v[i] == '+') {
    size_t k = MatchIdents(v, i + 1, IdentKind::kBuild);
    if (k == npos) return internal::InvalidVersion(kName, s, "invalid build metadata");
    out.build = v.substr(i + 1, k - i - 1);
    i = k;
  }
  if (i != v.size()) return internal::InvalidVersion(kName, s, "unexpected characters");
  return out;
}

namespace {

int CompareIdent(std::string_view a, std::string_view b) {
  bool an = AllDigits(a), bn = AllDigits(b);
  if (an && bn) return internal::CompareDigits(a, b);
  if (an) return -1;
  if (bn) return 1;
  return internal::Sign(a.compare(b));
}

}  // namespace

int Compare(const SemVer& a, const SemVer& b) {
  if (a.major != b.major) return a.major < b.major ? -1 : 1;
  if (a.minor != b.minor) return a.minor < b.minor ? -1 : 1;
  if (a.patch != b.patch) return a.patch < b.patch ? -1 : 1;
  if (a.prerelease.empty() || b.prerelease.empty()) {
    if (a.prerelease.empty() && b.prerelease.empty()) return 0;
    return a.prerelease.empty() ? 1 : -1;
  }
  std::string_view x = a.prerelease, y = b.prerelease;
  while (true) {
    size_t dx = x.find('.'), dy = y.find('.');
    int r = CompareIdent(x.substr(0, dx), y.substr(0, dy));
    if (r) return r;
    if (dx == npos || dy == npos) {
      if (dx == npos && dy == npos) return 0;
      return dx == npos ? -1 : 1;
    }
    x.remove_prefix(dx + 1);
    y.remove_prefix(dy + 1);
  }
}

std::string Format(const SemVer& v) {
  std::string out = std::to_string(v.major) + "." + std::to_string(v.minor) + "." + std::to_string(v.patch);
  if (!v.prerelease.empty()) {
    out += '-';
    std::string_view p = v.prerelease;
    bool first = true;
    while (true) {
      size_t d = p.find('.');
      std::string_view id = p.substr(0, d);
      if (!first) out += '.';
      first = false;
      uint64_t n = 0;
      if (AllDigits(id) && internal::ParseUint64(id, &n) && n < kMaxSafeInteger) {
        out += std::to_string(n);
      } else {
        out += id;
      }
      if (d == npos) break;
      p.remove_prefix(d + 1);
    }
  }
  return out;
}

std::string Comparator::Value() const {
  if (any) return "";
  std::string v = op + std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(patch);
  if (!prerelease.empty()) v += "-" + prerelease;
  return v;
}

Result<Range> Range::Parse(std::string_view text, Options options) {
  Range r;
  r.options_ = options;
  // split(/\s*\|\|\s*/)
  std::vector<std::string_view> parts;
  std::string_view rest = text;
  while (true) {
    size_t bar = rest.find("||");
    parts.push_back(rest.substr(0, bar));
    if (bar == npos) break;
    rest.remove_prefix(bar + 2);
  }
  for (std::string_view part : parts) {
    HS_ASSIGN_OR_RETURN(std::vector<Comparator> set, ParseRangePart(part, options));
    if (!set.empty()) r.set_.push_back(std::move(set));
  }
  if (r.set_.empty()) return internal::InvalidConstraint(kName, text, "invalid range");
  if (r.set_.size() > 1) {
    auto first = r.set_[0];
    std::vector<std::vector<Comparator>> kept;
    for (auto& s : r.set_) {
      if (!IsNullSet(s)) kept.push_back(s);
    }
    if (kept.empty()) {
      r.set_ = {first};
    } else {
      r.set_ = std::move(kept);
      if (r.set_.size() > 1) {
        for (const auto& s : r.set_) {
          if (s.size() == 1 && IsAnyComp(s[0])) {
            auto only = s;
            r.set_ = {only};
            break;
          }
        }
      }
    }
  }
  return r;
}

bool Range::Test(const SemVer& v) const {
  for (const auto& s : set_) {
    if (TestSet(s, v, options_)) return true;
  }
  return false;
}

std::string Range::ToString() const {
  std::string out;
  for (size_t i = 0; i < set_.size(); ++i) {
    if (i) out += "||";
    std::string part;
    for (size_t j = 0; j < set_[i].size(); ++j) {
      if (j) part += ' ';
      part += set_[i][j].Value();
    }
    out += TrimJs(part);
  }
  return std::string(TrimJs(out));
}

bool Range::Outside(const SemVer& v, char hilo) const {
  if (Test(v)) return false;
  const bool high_side = hilo == '>';
  const std::string comp = high_side ? ">" : "<";
  const std::string ecomp = high_side ? ">=" : "<=";
  auto gtfn = [&](const SemVer& a, const SemVer& b) { return high_side ? Compare(a, b) > 0 : Compare(a, b) < 0; };
  auto ltfn = [&](const SemVer& a, const SemVer& b) { return high_side ? Compare(a, b) < 0 : Compare(a, b) > 0; };
  auto ltefn = [&](const SemVer& a, const SemVer& b) { return high_side ? Compare(a, b) <= 0 : Compare(a, b) >= 0; };
  for (const auto& comparators : set_) {
    const Comparator* high = nullptr;
    const Comparator* low = nullptr;
    Comparator gte0;
    gte0.op = ">=";
    for (const Comparator& c0 : comparators) {
      const Comparator* c = c0.any ? &gte0 : &c0;
      if (!high) high = c;
      if (!low) low = c;
      if (gtfn(c->semver(), high->semver())) {
        high = c;
      } else if (ltfn(c->semver(), low->semver())) {
        low = c;
      }
    }
    if (!high) continue;
    if (high->op == comp || high->op == ecomp) return false;
    if ((low->op.empty() || low->op == comp) && ltefn(v, low->semver())) return false;
    if (low->op == ecomp && ltfn(v, low->semver())) return false;
  }
  return true;
}

Result<bool> Satisfies(std::string_view version, std::string_view range, Options options) {
  HS_ASSIGN_OR_RETURN(Range r, Range::Parse(range, options));
  auto v = Parse(version, options);
  if (!v.ok()) return false;
  return r.Test(*v);
}

namespace {

class NpmScheme final : public Scheme {
 public:
  std::string_view Name() const override { return kName; }
  Status Validate(std::string_view v) const override {
    HS_TRY(npm::Parse(v));
    return OkStatus();
  }
  Result<int> Compare(std::string_view a, std::string_view b) const override {
    HS_ASSIGN_OR_RETURN(SemVer va, npm::Parse(a));
    HS_ASSIGN_OR_RETURN(SemVer vb, npm::Parse(b));
    return npm::Compare(va, vb);
  }
  Result<bool> Satisfies(std::string_view version, std::string_view constraint) const override {
    HS_ASSIGN_OR_RETURN(SemVer v, npm::Parse(version));
    HS_ASSIGN_OR_RETURN(Range r, Range::Parse(constraint));
    return r.Test(v);
  }
  Status ValidateConstraint(std::string_view constraint) const override {
    HS_TRY(Range::Parse(constraint));
    return OkStatus();
  }
};

}  // namespace

const Scheme& GetScheme() {
  static const NpmScheme scheme;
  return scheme;
}

}  // namespace hullscan::version::npm
