// golang.org/x/mod/semver, re-implemented: parse(), Canonical(), Compare() with the same rules.
#include "version/go.h"

#include "version/internal/scheme_impl.h"
#include "version/internal/util.h"

namespace hullscan::version::go {
namespace {

using internal::IsDigit;

constexpr std::string_view kName = "go";

struct Parsed {
  std::string_view major, minor, patch;  // minor/patch "0" for shorthands
  std::string_view prerelease;           // with the leading '-'
  std::string_view build;                // with the leading '+'
  bool short_form = false;
};

bool IsIdentChar(char c) { return internal::IsAlnum(c) || c == '-'; }

// parseInt: digits without a leading zero (except "0" itself).
bool ParseInt(std::string_view v, size_t* i, std::string_view* out) {
  size_t s = *i;
  if (s >= v.size() || !IsDigit(v[s])) return false;
  size_t e = s;
  while (e < v.size() && IsDigit(v[e])) ++e;
  if (v[s] == '0' && e - s != 1) return false;
  *out = v.substr(s, e - s);
  *i = e;
  return true;
}

bool IsBadNum(std::string_view v) { return internal::AllDigits(v) && v[0] == '0' && v != "0"; }

// parsePrerelease / parseBuild: at v[*i] == '-' or '+', dot-separated non-empty [0-9A-Za-z-] identifiers; a
// prerelease stops at '+' and rejects numeric identifiers with leading zeros.
bool ParseIdents(std::string_view v, size_t* i, bool prerelease) {
  size_t k = *i + 1;
  size_t start = k;
  while (k < v.size() && !(prerelease && v[k] == '+')) {
    if (!IsIdentChar(v[k]) && v[k] != '.') return false;
    if (v[k] == '.') {
      if (start == k || (prerelease && IsBadNum(v.substr(start, k - start)))) return false;
      start = k + 1;
    }
    ++k;
  }
  if (start == k || (prerelease && IsBadNum(v.substr(start, k - start)))) return false;
  *i = k;
  return true;
}

// x/mod's parse(); with require_v == false the leading "v" may be missing (OSV spelling).
bool ParseGo(std::string_view v, Parsed* p, bool require_v = true) {
  size_t i = 0;
  if (!v.empty() && v[0] == 'v') {
    i = 1;
  } else if (require_v) {
    return false;
  }
  if (!ParseInt(v, &i, &p->major)) return false;
  if (i == v.size()) {
    p->minor = "0";
    p->patch = "0";
    p->short_form = true;
    return true;
  }
  if (v[i] != '.') return false;
  ++i;
  if (!ParseInt(v, &i, &p->minor)) return false;
  if (i == v.size()) {
    p->patch = "0";
    p->short_form = true;
    return true;
  }
  if (v[i] != '.') return false;
  ++i;
  if (!ParseInt(v, &i, &p->patch)) return false;
  if (i < v.size() && v[i] == '-') {
    size_t s = i;
    if (!ParseIdents(v, &i, true)) return false;
    p->prerelease = v.substr(s, i - s);
  }
  if (i < v.size() && v[i] == '+') {
    size_t s = i;
    if (!ParseIdents(v, &i, false)) return false;
    p->build = v.substr(s, i - s);
  }
  return i == v.size();
}

int CompareInt(std::string_view x, std::string_view y) {
  if (x == y) return 0;
  if (x.size() != y.size()) return x.size() < y.size() ? -1 : 1;
  return x < y ? -1 : 1;
}

int ComparePrerelease(std::string_view x, std::string_view y) {
  if (x == y) return 0;
  if (x.empty()) return 1;
  if (y.empty()) return -1;
  while (!x.empty() && !y.empty()) {
    x.remove_prefix(1);  // '-' or '.'
    y.remove_prefix(1);
    size_t ex = x.find('.'), ey = y.find('.');
    if (ex == std::string_view::npos) ex = x.size();
    if (ey == std::string_view::npos) ey = y.size();
    std::string_view dx = x.substr(0, ex), dy = y.substr(0, ey);
    x.remove_prefix(ex);
    y.remove_prefix(ey);
    if (dx != dy) {
      bool ix = internal::AllDigits(dx), iy = internal::AllDigits(dy);
      if (ix != iy) return ix ? -1 : 1;
      if (ix && dx.size() != dy.size()) return dx.size() < dy.size() ? -1 : 1;
      return dx < dy ? -1 : 1;
    }
  }
  return x.empty() ? -1 : 1;
}

int CompareParsed(const Parsed& a, const Parsed& b) {
  if (int c = CompareInt(a.major, b.major)) return c;
  if (int c = CompareInt(a.minor, b.minor)) return c;
  if (int c = CompareInt(a.patch, b.patch)) return c;
  return ComparePrerelease(a.prerelease, b.prerelease);
}

bool IsTimestampRev(std::string_view s) {
  // yyyymmddhhmmss-<12 hex lowercase>
  if (s.size() != 27 || s[14] != '-') return false;
  for (size_t i = 0; i < 14; ++i) {
    if (!IsDigit(s[i])) return false;
  }
  for (size_t i = 15; i < 27; ++i) {
    if (!(IsDigit(s[i]) || (s[i] >= 'a' && s[i] <= 'f'))) return false;
  }
  return true;
}

}  // namespace

bool IsValid(std::string_view v) {
  Parsed p;
  return ParseGo(v, &p);
}

std::string Canonical(std::string_view v) {
  Parsed p;
  if (!ParseGo(v, &p)) return "";
  std::string out = "v";
  out += p.major;
  out += '.';
  out += p.minor;
  out += '.';
  out += p.patch;
  out += p.prerelease;
  return out;
}

int CompareModSemver(std::string_view a, std::string_view b) {
  Parsed pa, pb;
  bool va = ParseGo(a, &pa), vb = ParseGo(b, &pb);
  if (!va && !vb) return 0;
  if (!va) return -1;
  if (!vb) return 1;
  return CompareParsed(pa, pb);
}

bool IsPseudoVersion(std::string_view v) {
  Parsed p;
  if (!ParseGo(v, &p) || p.prerelease.empty()) return false;
  std::string_view pre = p.prerelease.substr(1);
  // The last dot- or dash-separated element is "yyyymmddhhmmss-hash"; x/mod checks the regular expression
  // ^v[0-9]+\.(0\.0-|\d+\.\d+-([^+]*\.)?0\.)\d{14}-[A-Za-z0-9]+(\+[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?$ ; we require
  // the 12-hex-digit revision that the go command writes.
  if (pre.size() < 27) return false;
  std::string_view tail = pre.substr(pre.size() - 27);
  if (!IsTimestampRev(tail)) return false;
  std::string_view head = pre.substr(0, pre.size() - 27);
  if (head.empty()) return p.minor == "0" && p.patch == "0";  // vX.0.0-yyyymmddhhmmss-abcdef
  return head == "0." || (head.size() > 3 && head.substr(head.size() - 3) == ".0.");
}

namespace {

// The Go scheme of the Scheme interface: x/mod ordering, but invalid versions are errors, and a missing "v" is
// accepted (OSV records write Go versions without it).
class GoScheme final : public internal::TermScheme {
 public:
  std::string_view Name() const override { return kName; }
  Status Validate(std::string_view v) const override {
    Parsed p;
    if (!Parse(v, &p)) return internal::InvalidVersion(kName, v, "not a Go module version (vMAJOR.MINOR.PATCH[-pre][+build])");
    return OkStatus();
  }
  Result<int> Compare(std::string_view a, std::string_view b) const override {
    Parsed pa, pb;
    if (!Parse(a, &pa)) return internal::InvalidVersion(kName, a, "not a Go module version");
    if (!Parse(b, &pb)) return internal::InvalidVersion(kName, b, "not a Go module version");
    return CompareParsed(pa, pb);
  }

 private:
  static bool Parse(std::string_view v, Parsed* p) { return ParseGo(v, p, /*require_v=*/false); }
};

}  // namespace

const Scheme& GetScheme() {
  static const GoScheme scheme;
  return scheme;
}

}  // namespace hullscan::version::go
