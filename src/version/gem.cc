// After rubygems lib/rubygems/version.rb and lib/rubygems/requirement.rb.
#include "version/gem.h"

#include "version/internal/scheme_impl.h"
#include "version/internal/util.h"

namespace hullscan::version::gem {
namespace {

using internal::IsAlnum;
using internal::IsAlpha;
using internal::IsDigit;

constexpr std::string_view kName = "gem";

// Ruby's \s and String#strip set (strip also drops NUL).
bool IsRubySpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'; }

std::string_view RubyStrip(std::string_view s) {
  while (!s.empty() && (IsRubySpace(s.front()) || s.front() == '\0')) s.remove_prefix(1);
  while (!s.empty() && (IsRubySpace(s.back()) || s.back() == '\0')) s.remove_suffix(1);
  return s;
}

// VERSION_PATTERN, anchored: [0-9]+(?>\.[0-9a-zA-Z]+)*(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?
bool MatchesVersionPattern(std::string_view v) {
  size_t i = 0;
  if (i >= v.size() || !IsDigit(v[i])) return false;
  while (i < v.size() && IsDigit(v[i])) ++i;
  while (i < v.size() && v[i] == '.') {
    size_t j = i + 1;
    while (j < v.size() && IsAlnum(v[j])) ++j;
    if (j == i + 1) return false;
    i = j;
  }
  if (i < v.size() && v[i] == '-') {
    while (true) {
      size_t j = i + 1;
      while (j < v.size() && (IsAlnum(v[j]) || v[j] == '-')) ++j;
      if (j == i + 1) return false;
      i = j;
      if (i < v.size() && v[i] == '.') continue;
      break;
    }
  }
  return i == v.size();
}

std::vector<Segment> Scan(std::string_view v) {
  std::vector<Segment> out;
  size_t i = 0;
  while (i < v.size()) {
    if (IsDigit(v[i])) {
      size_t j = i;
      while (j < v.size() && IsDigit(v[j])) ++j;
      out.push_back({true, std::string(internal::StripLeadingZeros(v.substr(i, j - i)))});
      i = j;
    } else if (IsAlpha(v[i])) {
      size_t j = i;
      while (j < v.size() && IsAlpha(v[j])) ++j;
      out.push_back({false, std::string(v.substr(i, j - i))});
      i = j;
    } else {
      ++i;
    }
  }
  return out;
}

bool IsZero(const Segment& s) { return s.numeric && s.text == "0"; }

std::vector<const Segment*> Canonical(const Version& v) {
  std::vector<const Segment*> numeric, strings;
  size_t k = 0;
  while (k < v.segments.size() && v.segments[k].numeric) numeric.push_back(&v.segments[k++]);
  while (k < v.segments.size()) strings.push_back(&v.segments[k++]);
  while (!numeric.empty() && IsZero(*numeric.back())) numeric.pop_back();
  while (!strings.empty() && IsZero(*strings.back())) strings.pop_back();
  numeric.insert(numeric.end(), strings.begin(), strings.end());
  return numeric;
}

Version FromSegments(const std::vector<Segment>& segs) {
  std::string s;
  for (size_t i = 0; i < segs.size(); ++i) {
    if (i) s += '.';
    s += segs[i].text;
  }
  auto r = Parse(s);
  return r.ok() ? *r : Version{"0", {{true, "0"}}};
}

std::string IncDigits(const std::string& d) {
  std::string s = d;
  int i = static_cast<int>(s.size()) - 1;
  while (i >= 0 && s[static_cast<size_t>(i)] == '9') s[static_cast<size_t>(i--)] = '0';
  if (i < 0) {
    s.insert(s.begin(), '1');
  } else {
    ++s[static_cast<size_t>(i)];
  }
  return s;
}

bool AnyString(const std::vector<Segment>& s) {
  for (const Segment& x : s) {
    if (!x.numeric) return true;
  }
  return false;
}

}  // namespace

Result<Version> Parse(std::string_view s) {
  std::string_view t = RubyStrip(s);
  // The anchored pattern allows surrounding \s only; strip also removes NUL, which the pattern would reject.
  for (char c : s.substr(0, static_cast<size_t>(t.data() - s.data()))) {
    if (c == '\0') return internal::InvalidVersion(kName, s, "Malformed version number string");
  }
  Version v;
  if (t.empty()) {
    v.normalized = "0";
    v.segments = {{true, "0"}};
    return v;
  }
  if (!MatchesVersionPattern(t)) return internal::InvalidVersion(kName, s, "Malformed version number string");
  for (char c : t) {
    if (c == '-') {
      v.normalized += ".pre.";
    } else {
      v.normalized += c;
    }
  }
  v.segments = Scan(v.normalized);
  return v;
}

int Compare(const Version& a, const Version& b) {
  if (a.normalized == b.normalized) return 0;
  std::vector<const Segment*> l = Canonical(a), r = Canonical(b);
  const Segment zero{true, "0"};
  size_t n = std::max(l.size(), r.size());
  for (size_t i = 0; i < n; ++i) {
    const Segment& x = i < l.size() ? *l[i] : zero;
    const Segment& y = i < r.size() ? *r[i] : zero;
    if (x.numeric && y.numeric) {
      int c = internal::CompareDigits(x.text, y.text);
      if (c) return c;
      continue;
    }
    if (!x.numeric && !y.numeric) {
      if (x.text == y.text) continue;
      return x.text < y.text ? -1 : 1;
    }
    return x.numeric ? 1 : -1;
  }
  return 0;
}

bool IsPrerelease(const Version& v) {
  for (char c : v.normalized) {
    if (IsAlpha(c)) return true;
  }
  return false;
}

Version Release(const Version& v) {
  if (!IsPrerelease(v)) return v;
  std::vector<Segment> segs = v.segments;
  while (AnyString(segs)) segs.pop_back();
  return FromSegments(segs);
}

Version Bump(const Version& v) {
  std::vector<Segment> segs = v.segments;
  while (AnyString(segs)) segs.pop_back();
  if (segs.size() > 1) segs.pop_back();
  if (segs.empty()) segs.push_back({true, "0"});
  segs.back().text = IncDigits(segs.back().text);
  return FromSegments(segs);
}

std::string ApproximateRecommendation(const Version& v) {
  std::vector<Segment> segs = v.segments;
  while (AnyString(segs)) segs.pop_back();
  while (segs.size() > 2) segs.pop_back();
  while (segs.size() < 2) segs.push_back({true, "0"});
  std::string out = "~> " + segs[0].text + "." + segs[1].text;
  if (IsPrerelease(v)) out += ".a";
  return out;
}

bool Eql(const Version& a, const Version& b) { return a.normalized == b.normalized; }

Result<bool> SatisfiedBy(std::string_view requirements, const Version& v) {
  auto bad = [&](std::string_view why) { return internal::InvalidConstraint(kName, requirements, why); };
  bool all = true;
  size_t start = 0;
  while (true) {
    size_t comma = requirements.find(',', start);
    std::string_view req = requirements.substr(start, comma == std::string_view::npos ? std::string_view::npos
                                                                                      : comma - start);
    // PATTERN: \A\s*(=|!=|>|<|>=|<=|~>)?\s*(VERSION_PATTERN)\s*\z
    size_t i = 0;
    while (i < req.size() && IsRubySpace(req[i])) ++i;
    std::string_view op = "=";
    static constexpr std::string_view kOps[] = {"!=", ">=", "<=", "~>", "=", ">", "<"};
    for (std::string_view o : kOps) {
      if (req.substr(i, o.size()) == o) {
        op = o;
        i += o.size();
        break;
      }
    }
    while (i < req.size() && IsRubySpace(req[i])) ++i;
    std::string_view vtext = req.substr(i);
    while (!vtext.empty() && IsRubySpace(vtext.back())) vtext.remove_suffix(1);
    if (vtext.empty() || !MatchesVersionPattern(vtext)) return bad("Illformed requirement");
    HS_ASSIGN_OR_RETURN(Version r, Parse(vtext));
    int c = Compare(v, r);
    bool ok;
    if (op == "=") {
      ok = c == 0;
    } else if (op == "!=") {
      ok = c != 0;
    } else if (op == ">") {
      ok = c > 0;
    } else if (op == "<") {
      ok = c < 0;
    } else if (op == ">=") {
      ok = c >= 0;
    } else if (op == "<=") {
      ok = c <= 0;
    } else {  // ~>
      ok = c >= 0 && Compare(Release(v), Bump(r)) < 0;
    }
    all = all && ok;
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return all;
}

namespace {

class GemScheme final : public Scheme {
 public:
  std::string_view Name() const override { return kName; }
  Status Validate(std::string_view v) const override {
    HS_TRY(gem::Parse(v));
    return OkStatus();
  }
  Result<int> Compare(std::string_view a, std::string_view b) const override {
    HS_ASSIGN_OR_RETURN(Version va, gem::Parse(a));
    HS_ASSIGN_OR_RETURN(Version vb, gem::Parse(b));
    return gem::Compare(va, vb);
  }
  Result<bool> Satisfies(std::string_view version, std::string_view constraint) const override {
    HS_ASSIGN_OR_RETURN(Version v, gem::Parse(version));
    return SatisfiedBy(constraint, v);
  }
  Status ValidateConstraint(std::string_view constraint) const override {
    HS_TRY(SatisfiedBy(constraint, Version{"0", {{true, "0"}}}));
    return OkStatus();
  }
};

}  // namespace

const Scheme& GetScheme() {
  static const GemScheme scheme;
  return scheme;
}

}  // namespace hullscan::version::gem
