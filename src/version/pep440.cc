// PEP 440 after pypa/packaging (src/packaging/version.py VERSION_PATTERN and _cmpkey; src/packaging/specifiers.py
// Specifier._regex and the _compare_* operators).
#include "version/pep440.h"

#include "version/internal/scheme_impl.h"
#include "version/internal/util.h"

namespace hullscan::version::pep440 {
namespace {

using internal::IsDigit;
using internal::ToLowerAscii;

constexpr std::string_view kName = "pep440";
constexpr size_t npos = std::string_view::npos;

bool IsSep(char c) { return c == '-' || c == '_' || c == '.'; }

// Case-insensitive prefix match.
bool MatchWord(std::string_view s, size_t i, std::string_view word) {
  if (s.size() - i < word.size()) return false;
  for (size_t k = 0; k < word.size(); ++k) {
    if (ToLowerAscii(s[i + k]) != word[k]) return false;
  }
  return true;
}

// Python refuses to convert integer strings longer than 4300 digits (sys.int_info.str_digits_check_threshold), so
// packaging raises for such versions; a run that long is treated as no match.
constexpr size_t kMaxDigits = 4300;

size_t Digits(std::string_view s, size_t i) {
  size_t start = i;
  while (i < s.size() && IsDigit(s[i])) ++i;
  if (i - start > kMaxDigits) return start;
  return i;
}

bool IsLocalChar(char c) { return IsDigit(c) || internal::IsAlpha(c); }

// The version grammar without surrounding whitespace; returns the end of the match (greedy, with the optional
// groups tried and rewound as the regular expression would).
struct Grammar {
  bool allow_local = true;
  bool allow_wildcard = false;
};

size_t MatchVersion(std::string_view s, Version* v, bool* wildcard, Grammar g) {
  size_t i = 0;
  *v = Version{};
  if (wildcard) *wildcard = false;
  if (i < s.size() && (s[i] == 'v' || s[i] == 'V')) ++i;
  // epoch
  size_t e = Digits(s, i);
  if (e > i && e < s.size() && s[e] == '!') {
    v->epoch = s.substr(i, e - i);
    i = e + 1;
  }
  // release
  e = Digits(s, i);
  if (e == i) return npos;
  size_t rel_start = i;
  i = e;
  while (i + 1 < s.size() && s[i] == '.' && IsDigit(s[i + 1])) i = Digits(s, i + 1);
  v->release = s.substr(rel_start, i - rel_start);
  if (g.allow_wildcard && s.substr(i, 2) == ".*") {
    if (wildcard) *wildcard = true;
    return i + 2;
  }
  // pre
  {
    size_t j = i;
    if (j < s.size() && IsSep(s[j])) ++j;
    static constexpr std::pair<std::string_view, int> kPre[] = {{"alpha", 0}, {"a", 0},   {"beta", 1}, {"b", 1},
                                                               {"preview", 2}, {"pre", 2}, {"c", 2},    {"rc", 2}};
    for (const auto& [word, letter] : kPre) {
      if (MatchWord(s, j, word)) {
        j += word.size();
        size_t k = j;
        if (k < s.size() && IsSep(s[k])) ++k;
        size_t d = Digits(s, k);
        v->has_pre = true;
        v->pre_letter = letter;
        if (d > k) {
          v->pre_number = s.substr(k, d - k);
          j = d;
        } else {
          j = k;  // the separator is consumed even without a number
        }
        i = j;
        break;
      }
    }
  }
  // post
  {
    size_t j = i;
    if (j < s.size() && s[j] == '-' && j + 1 < s.size() && IsDigit(s[j + 1])) {
      size_t d = Digits(s, j + 1);
      v->has_post = true;
      v->post_number = s.substr(j + 1, d - j - 1);
      i = d;
    } else {
      if (j < s.size() && IsSep(s[j])) ++j;
      for (std::string_view word : {std::string_view("post"), std::string_view("rev"), std::string_view("r")}) {
        if (MatchWord(s, j, word)) {
          j += word.size();
          size_t k = j;
          if (k < s.size() && IsSep(s[k])) ++k;
          size_t d = Digits(s, k);
          v->has_post = true;
          if (d > k) {
            v->post_number = s.substr(k, d - k);
            j = d;
          } else {
            j = k;
          }
          i = j;
          break;
        }
      }
    }
  }
  // dev
  {
    size_t j = i;
    if (j < s.size() && IsSep(s[j])) ++j;
    if (MatchWord(s, j, "dev")) {
      j += 3;
      size_t k = j;
      if (k < s.size() && IsSep(s[k])) ++k;
      size_t d = Digits(s, k);
      v->has_dev = true;
      if (d > k) {
        v->dev_number = s.substr(k, d - k);
        j = d;
      } else {
        j = k;
      }
      i = j;
    }
  }
  // local
  if (g.allow_local && i < s.size() && s[i] == '+') {
    size_t j = i + 1;
    size_t start = j;
    while (true) {
      size_t k = j;
      while (k < s.size() && IsLocalChar(s[k])) ++k;
      if (k == j) return npos;
      j = k;
      if (j + 1 < s.size() && IsSep(s[j]) && IsLocalChar(s[j + 1])) {
        ++j;
        continue;
      }
      break;
    }
    v->local = s.substr(start, j - start);
    i = j;
  }
  return i;
}

// Zero-padded numeric comparison of two release strings.
int CompareRelease(std::string_view a, std::string_view b) {
  while (!a.empty() || !b.empty()) {
    size_t da = a.find('.'), db = b.find('.');
    std::string_view x = a.empty() ? "0" : a.substr(0, da);
    std::string_view y = b.empty() ? "0" : b.substr(0, db);
    if (int c = internal::CompareDigits(x, y)) return c;
    a = (a.empty() || da == npos) ? std::string_view() : a.substr(da + 1);
    b = (b.empty() || db == npos) ? std::string_view() : b.substr(db + 1);
  }
  return 0;
}

// -1 for -Infinity, +1 for +Infinity, 0 for a finite value.
int PreKind(const Version& v) {
  if (!v.has_pre && !v.has_post && v.has_dev) return -1;
  if (!v.has_pre) return 1;
  return 0;
}

int CompareLocal(std::string_view a, std::string_view b) {
  if (a.empty() || b.empty()) {
    if (a.empty() && b.empty()) return 0;
    return a.empty() ? -1 : 1;
  }
  auto next = [](std::string_view* s) {
    size_t k = 0;
    while (k < s->size() && !IsSep((*s)[k])) ++k;
    std::string_view part = s->substr(0, k);
    *s = k < s->size() ? s->substr(k + 1) : std::string_view();
    return part;
  };
  while (!a.empty() && !b.empty()) {
    std::string_view x = next(&a), y = next(&b);
    bool xn = internal::AllDigits(x), yn = internal::AllDigits(y);
    int c;
    if (xn && yn) {
      c = internal::CompareDigits(x, y);
    } else if (xn != yn) {
      c = xn ? 1 : -1;  // numeric segments sort after alphanumeric ones
    } else {
      c = internal::CompareIgnoreCase(x, y);
    }
    if (c) return c;
  }
  if (a.empty() && b.empty()) return 0;
  return a.empty() ? -1 : 1;
}

std::string Num(std::string_view digits) {
  std::string_view d = internal::StripLeadingZeros(digits);
  return d.empty() ? "0" : std::string(d);
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = ToLowerAscii(c);
  return out;
}

}  // namespace

Result<Version> Parse(std::string_view s) {
  std::string_view t = internal::TrimUnicodeSpace(s);
  Version v;
  size_t e = MatchVersion(t, &v, nullptr, Grammar{});
  if (e == npos || e != t.size()) return internal::InvalidVersion(kName, s, "not a PEP 440 version");
  return v;
}

int Compare(const Version& a, const Version& b) {
  if (int c = internal::CompareDigits(a.epoch.empty() ? "0" : a.epoch, b.epoch.empty() ? "0" : b.epoch)) return c;
  if (int c = CompareRelease(a.release, b.release)) return c;
  int ka = PreKind(a), kb = PreKind(b);
  if (ka != kb) return ka < kb ? -1 : 1;
  if (ka == 0) {
    if (a.pre_letter != b.pre_letter) return a.pre_letter < b.pre_letter ? -1 : 1;
    if (int c = internal::CompareDigits(a.pre_number, b.pre_number)) return c;
  }
  if (a.has_post != b.has_post) return a.has_post ? 1 : -1;
  if (a.has_post) {
    if (int c = internal::CompareDigits(a.post_number, b.post_number)) return c;
  }
  if (a.has_dev != b.has_dev) return a.has_dev ? -1 : 1;
  if (a.has_dev) {
    if (int c = internal::CompareDigits(a.dev_number, b.dev_number)) return c;
  }
  return CompareLocal(a.local, b.local);
}

std::vector<std::string> ReleaseParts(const Version& v) {
  std::vector<std::string> out;
  std::string_view r = v.release;
  while (true) {
    size_t d = r.find('.');
    out.push_back(Num(r.substr(0, d)));
    if (d == npos) break;
    r.remove_prefix(d + 1);
  }
  return out;
}

std::string PreLetter(const Version& v) {
  static const char* kLetters[] = {"a", "b", "rc"};
  return v.has_pre ? kLetters[v.pre_letter] : "";
}

std::string BaseVersion(const Version& v) {
  std::string out;
  if (!v.epoch.empty() && Num(v.epoch) != "0") out += Num(v.epoch) + "!";
  std::vector<std::string> parts = ReleaseParts(v);
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i) out += '.';
    out += parts[i];
  }
  return out;
}

std::string Public(const Version& v) {
  std::string out = BaseVersion(v);
  if (v.has_pre) out += PreLetter(v) + Num(v.pre_number);
  if (v.has_post) out += ".post" + Num(v.post_number);
  if (v.has_dev) out += ".dev" + Num(v.dev_number);
  return out;
}

std::string LocalNormalized(const Version& v) {
  std::string out = Lower(v.local);
  for (char& c : out) {
    if (c == '-' || c == '_') c = '.';
  }
  // Numeric local segments are ints in packaging: "+1.01" normalises to "1.1".
  std::string norm;
  std::string_view rest = out;
  while (!rest.empty() || norm.empty()) {
    size_t d = rest.find('.');
    std::string_view part = rest.substr(0, d);
    if (!norm.empty()) norm += '.';
    norm += internal::AllDigits(part) ? Num(part) : std::string(part);
    if (d == npos) break;
    rest.remove_prefix(d + 1);
  }
  return v.local.empty() ? "" : norm;
}

std::string Normalize(const Version& v) {
  std::string out = Public(v);
  if (!v.local.empty()) out += "+" + LocalNormalized(v);
  return out;
}

namespace {

// packaging.specifiers._version_split on a normalised version string.
std::vector<std::string> VersionSplit(const std::string& version) {
  std::vector<std::string> result;
  size_t bang = version.rfind('!');
  std::string epoch = bang == std::string::npos ? "" : version.substr(0, bang);
  std::string rest = bang == std::string::npos ? version : version.substr(bang + 1);
  result.push_back(epoch.empty() ? "0" : epoch);
  size_t start = 0;
  while (true) {
    size_t d = rest.find('.', start);
    std::string item = rest.substr(start, d == std::string::npos ? std::string::npos : d - start);
    // _prefix_regex: ^([0-9]+)((?:a|b|c|rc)[0-9]+)$
    size_t k = 0;
    while (k < item.size() && IsDigit(item[k])) ++k;
    std::string tail = item.substr(k);
    bool split = false;
    if (k > 0 && !tail.empty()) {
      size_t l = 0;
      if (tail.compare(0, 2, "rc") == 0) {
        l = 2;
      } else if (tail[0] == 'a' || tail[0] == 'b' || tail[0] == 'c') {
        l = 1;
      }
      split = l > 0 && tail.size() > l && internal::AllDigits(std::string_view(tail).substr(l));
    }
    if (split) {
      result.push_back(item.substr(0, k));
      result.push_back(tail);
    } else {
      result.push_back(item);
    }
    if (d == std::string::npos) break;
    start = d + 1;
  }
  return result;
}

// specifiers._is_not_suffix: pre, post and dev segments end the ~= prefix.
bool IsSuffix(const std::string& x) {
  for (const char* p : {"dev", "a", "b", "rc", "post"}) {
    if (x.rfind(p, 0) == 0) return true;
  }
  return false;
}

// The version with its post, dev and local parts removed (what a post-release is a post-release of).
Version WithoutPostDevLocal(Version v) {
  v.has_post = false;
  v.post_number = {};
  v.has_dev = false;
  v.dev_number = {};
  v.local = {};
  return v;
}

bool CompareEqualWildcard(const Version& prospective, std::string_view spec_no_star) {
  // canonicalize_version(..., strip_trailing_zero=False) of both, then compare the padded prefix.
  auto spec = Parse(spec_no_star);
  if (!spec.ok()) return false;
  std::vector<std::string> split_spec = VersionSplit(Public(*spec));
  std::vector<std::string> split_prospective = VersionSplit(Public(prospective));
  // _pad_version: the leading numeric parts (epoch + release) of the prospective are padded with zeros to the
  // spec's numeric length.
  auto numeric_len = [](const std::vector<std::string>& v) {
    size_t n = 0;
    while (n < v.size() && internal::AllDigits(v[n])) ++n;
    return n;
  };
  size_t lp = numeric_len(split_prospective), ls = numeric_len(split_spec);
  std::vector<std::string> padded(split_prospective.begin(), split_prospective.begin() + static_cast<long>(lp));
  for (size_t i = lp; i < ls; ++i) padded.push_back("0");
  padded.insert(padded.end(), split_prospective.begin() + static_cast<long>(lp), split_prospective.end());
  if (padded.size() < split_spec.size()) return false;
  padded.resize(split_spec.size());
  return padded == split_spec;
}

bool CompareOp(const Specifier& spec, const Version& prospective) {
  const std::string& op = spec.op;
  std::string_view sv = spec.version;
  if (op == "==" || op == "!=") {
    bool eq;
    if (sv.size() >= 2 && sv.substr(sv.size() - 2) == ".*") {
      eq = CompareEqualWildcard(prospective, sv.substr(0, sv.size() - 2));
    } else {
      auto spec_version = Parse(sv);
      if (!spec_version.ok()) return false;
      Version p = prospective;
      if (spec_version->local.empty()) p.local = {};
      eq = Compare(p, *spec_version) == 0;
    }
    return op == "==" ? eq : !eq;
  }
  auto spec_version = Parse(sv);
  if (!spec_version.ok()) return false;
  const Version& s = *spec_version;
  Version public_p = prospective;
  public_p.local = {};
  if (op == "~=") {
    std::vector<std::string> parts = VersionSplit(Public(s));
    std::vector<std::string> prefix;
    for (const std::string& x : parts) {
      if (IsSuffix(x)) break;
      prefix.push_back(x);
    }
    if (!prefix.empty()) prefix.pop_back();
    // _version_join: "epoch!a.b.c"
    std::string joined = prefix.empty() ? "" : prefix[0] + "!";
    for (size_t i = 1; i < prefix.size(); ++i) {
      if (i > 1) joined += '.';
      joined += prefix[i];
    }
    bool ge = Compare(public_p, s) >= 0;
    return ge && CompareEqualWildcard(prospective, joined);
  }
  if (op == "<=") return Compare(public_p, s) <= 0;
  if (op == ">=") return Compare(public_p, s) >= 0;
  if (op == "<") {
    if (!(Compare(prospective, s) < 0)) return false;
    // <V excludes the prereleases of V itself unless V is a prerelease.
    if (!s.is_prerelease() && prospective.is_prerelease()) {
      // ... a prerelease of V: V with a pre/dev suffix (1.0.post1.dev0 for <1.0.post1), or a prerelease of V's
      // release (2.0a1.post1 for <2).
      Version without_pre = public_p;
      without_pre.has_pre = without_pre.has_dev = false;
      without_pre.pre_number = without_pre.dev_number = {};
      Version base = without_pre;  // Version(prospective.base_version)
      base.has_post = false;
      base.post_number = {};
      if (Compare(without_pre, s) == 0 || Compare(base, s) == 0) return false;
    }
    return true;
  }
  if (op == ">") {
    if (!(Compare(prospective, s) > 0)) return false;
    // >V excludes the post-releases of V itself (unless V is a post-release) and V's local versions.
    if (!s.is_postrelease() && prospective.is_postrelease() && Compare(WithoutPostDevLocal(prospective), s) == 0) {
      return false;
    }
    if (!prospective.local.empty() && Compare(public_p, s) == 0) return false;
    return true;
  }
  return false;
}

}  // namespace

bool NamesPrerelease(const Specifier& spec) {
  static constexpr std::string_view kOps[] = {"==", ">=", "<=", "~=", "===", ">", "<"};
  bool listed = false;
  for (std::string_view o : kOps) listed = listed || spec.op == o;
  if (!listed) return false;
  std::string_view v = spec.version;
  if (spec.op == "==" && v.size() >= 2 && v.substr(v.size() - 2) == ".*") v.remove_suffix(2);
  auto parsed = Parse(v);
  return parsed.ok() && parsed->is_prerelease();
}

Result<Specifier> ParseSpecifier(std::string_view s_in) {
  auto bad = [&](std::string_view why) { return internal::InvalidConstraint(kName, s_in, why); };
  std::string_view s = internal::TrimAsciiSpace(s_in);
  static constexpr std::string_view kOps[] = {"===", "~=", "==", "!=", "<=", ">=", "<", ">"};
  Specifier spec;
  for (std::string_view o : kOps) {
    if (s.substr(0, o.size()) == o) {
      spec.op = std::string(o);
      break;
    }
  }
  if (spec.op.empty()) return bad("missing operator");
  std::string_view v = internal::TrimAsciiSpace(s.substr(spec.op.size()));
  if (v.empty()) return bad("missing version");
  if (spec.op == "===") {
    for (char c : v) {
      if (internal::IsSpace(c) || c == ';' || c == ')') return bad("invalid arbitrary version");
    }
    spec.version = std::string(v);
    return spec;
  }
  Version parsed;
  bool wildcard = false;
  Grammar g;
  g.allow_local = spec.op == "==" || spec.op == "!=";
  g.allow_wildcard = spec.op == "==" || spec.op == "!=";
  size_t e = MatchVersion(v, &parsed, &wildcard, g);
  if (e == npos || e != v.size()) return bad("invalid version for " + spec.op);
  if (spec.op == "~=" && parsed.release.find('.') == npos) return bad("~= needs at least two release components");
  spec.version = std::string(v);
  return spec;
}

Result<std::vector<Specifier>> ParseSpecifierSet(std::string_view s) {
  std::vector<Specifier> out;
  if (internal::TrimAsciiSpace(s).empty()) return out;
  size_t start = 0;
  while (true) {
    size_t comma = s.find(',', start);
    std::string_view part = s.substr(start, comma == npos ? npos : comma - start);
    if (!internal::TrimAsciiSpace(part).empty()) {
      HS_ASSIGN_OR_RETURN(Specifier spec, ParseSpecifier(part));
      out.push_back(std::move(spec));
    } else {
      return internal::InvalidConstraint(kName, s, "empty specifier");
    }
    if (comma == npos) break;
    start = comma + 1;
  }
  return out;
}

Result<bool> Contains(const std::vector<Specifier>& specs, std::string_view version_text,
                      std::optional<bool> prereleases) {
  auto parsed = Parse(version_text);
  if (!parsed.ok()) {
    // Only arbitrary equality (===) can match a string that is not a version; packaging then answers False for
    // the other clauses. Without any === clause the question has no answer: an error.
    bool any_arbitrary = false;
    for (const Specifier& s : specs) any_arbitrary = any_arbitrary || s.op == "===";
    if (!any_arbitrary) return std::move(parsed).error();
    for (const Specifier& s : specs) {
      if (s.op != "===") return false;
      if (!internal::EqualsIgnoreCase(internal::TrimAsciiSpace(version_text), s.version)) return false;
    }
    return true;
  }
  const Version& v = *parsed;
  // packaging >= 25 (filter() fallback): without an explicit policy a prerelease that matches is contained; only an
  // explicit prereleases=False excludes it.
  if (v.is_prerelease() && prereleases.has_value() && !*prereleases) return false;
  for (const Specifier& s : specs) {
    if (s.op == "===") {
      if (!internal::EqualsIgnoreCase(Normalize(v), s.version)) return false;
      continue;
    }
    if (!CompareOp(s, v)) return false;
  }
  return true;
}

namespace {

class Pep440Scheme final : public Scheme {
 public:
  std::string_view Name() const override { return kName; }
  Status Validate(std::string_view v) const override {
    HS_TRY(pep440::Parse(v));
    return OkStatus();
  }
  Result<int> Compare(std::string_view a, std::string_view b) const override {
    HS_ASSIGN_OR_RETURN(Version va, pep440::Parse(a));
    HS_ASSIGN_OR_RETURN(Version vb, pep440::Parse(b));
    return pep440::Compare(va, vb);
  }
  // An installed version is checked with prereleases included (a vulnerable 2.0rc1 is vulnerable).
  Result<bool> Satisfies(std::string_view version, std::string_view constraint) const override {
    HS_ASSIGN_OR_RETURN(std::vector<Specifier> specs, ParseSpecifierSet(constraint));
    return Contains(specs, version, true);
  }
  Status ValidateConstraint(std::string_view constraint) const override {
    HS_TRY(ParseSpecifierSet(constraint));
    return OkStatus();
  }
};

}  // namespace

const Scheme& GetScheme() {
  static const Pep440Scheme scheme;
  return scheme;
}

}  // namespace hullscan::version::pep440
