// NuGet version semantics, written from NuGet's documentation (learn.microsoft.com/nuget/concepts/package-versioning:
// "Version basics", "Pre-release versions", "Version ranges", "Normalized version numbers") and NuGet.Versioning's
// documented behaviour; see docs/version-schemes.md.
#include "version/nuget.h"

#include "version/internal/scheme_impl.h"
#include "version/internal/util.h"

namespace hullscan::version::nuget {
namespace {

using internal::AllDigits;

constexpr std::string_view kName = "nuget";
constexpr size_t npos = std::string_view::npos;

bool IsIdentChar(char c) { return internal::IsAlnum(c) || c == '-'; }

bool ValidIdents(std::string_view s) {
  if (s.empty()) return false;
  size_t start = 0;
  for (size_t i = 0; i <= s.size(); ++i) {
    if (i == s.size() || s[i] == '.') {
      if (i == start) return false;
      start = i + 1;
    } else if (!IsIdentChar(s[i])) {
      return false;
    }
  }
  return true;
}

int CompareLabels(std::string_view a, std::string_view b) {
  while (true) {
    size_t da = a.find('.'), db = b.find('.');
    std::string_view x = a.substr(0, da), y = b.substr(0, db);
    bool xn = AllDigits(x), yn = AllDigits(y);
    int r;
    if (xn && yn) {
      r = internal::CompareDigits(x, y);
    } else if (xn != yn) {
      return xn ? -1 : 1;
    } else {
      r = internal::CompareIgnoreCase(x, y);
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

}  // namespace

Result<Version> Parse(std::string_view s) {
  auto bad = [&](std::string_view why) { return internal::InvalidVersion(kName, s, why); };
  if (s.empty()) return bad("empty");
  Version v;
  std::string_view rest = s;
  size_t plus = rest.find('+');
  if (plus != npos) {
    v.metadata = rest.substr(plus + 1);
    rest = rest.substr(0, plus);
    if (!ValidIdents(v.metadata)) return bad("invalid metadata");
  }
  size_t dash = rest.find('-');
  if (dash != npos) {
    v.release = rest.substr(dash + 1);
    rest = rest.substr(0, dash);
    if (!ValidIdents(v.release)) return bad("invalid prerelease label");
  }
  uint32_t* fields[4] = {&v.major, &v.minor, &v.patch, &v.revision};
  size_t start = 0;
  for (size_t i = 0; i <= rest.size(); ++i) {
    if (i == rest.size() || rest[i] == '.') {
      if (v.parts == 4) return bad("more than 4 version parts");
      std::string_view num = rest.substr(start, i - start);
      uint64_t n = 0;
      if (!AllDigits(num) || !internal::ParseUint64(num, &n, INT32_MAX)) return bad("version parts must be numbers");
      *fields[v.parts++] = static_cast<uint32_t>(n);
      start = i + 1;
    }
  }
  return v;
}

int Compare(const Version& a, const Version& b) {
  const uint32_t x[4] = {a.major, a.minor, a.patch, a.revision};
  const uint32_t y[4] = {b.major, b.minor, b.patch, b.revision};
  for (int i = 0; i < 4; ++i) {
    if (x[i] != y[i]) return x[i] < y[i] ? -1 : 1;
  }
  if (a.release.empty() || b.release.empty()) {
    if (a.release.empty() && b.release.empty()) return 0;
    return a.release.empty() ? 1 : -1;
  }
  return CompareLabels(a.release, b.release);
}

std::string Normalize(const Version& v) {
  std::string out = std::to_string(v.major) + "." + std::to_string(v.minor) + "." + std::to_string(v.patch);
  if (v.revision) out += "." + std::to_string(v.revision);
  if (!v.release.empty()) {
    out += "-";
    out += v.release;
  }
  return out;
}

Result<Range> Range::Parse(std::string_view s_in) {
  auto bad = [&](std::string_view why) { return internal::InvalidConstraint(kName, s_in, why); };
  std::string_view s = internal::TrimAsciiSpace(s_in);
  if (s.empty()) return bad("empty");
  Range r;
  auto set_min = [&](std::string_view text, bool inclusive) -> Status {
    r.min_text_ = std::string(internal::TrimAsciiSpace(text));
    r.min_inclusive_ = inclusive;
    if (r.min_text_.empty()) return internal::InvalidConstraint(kName, s_in, "empty version");
    return OkStatus();
  };
  char open = s.front(), close = s.back();
  if (open != '[' && open != '(') {
    // A plain version (minimum, inclusive) or a floating version.
    if (s == "*") {
      r.min_text_ = "0.0.0";
      r.min_inclusive_ = true;
    } else if (s.size() >= 2 && s.substr(s.size() - 2) == ".*") {
      std::string base(s.substr(0, s.size() - 2));
      if (base.find('*') != npos) return bad("invalid floating version");
      HS_TRY(set_min(base, true));
    } else if (s.size() >= 2 && s.substr(s.size() - 2) == "-*") {
      HS_TRY(set_min(s.substr(0, s.size() - 2), true));
    } else {
      HS_TRY(set_min(s, true));
    }
  } else {
    if (close != ']' && close != ')') return bad("missing closing bracket");
    if (s.size() < 2) return bad("missing closing bracket");
    std::string_view inner = s.substr(1, s.size() - 2);
    size_t comma = inner.find(',');
    if (comma == npos) {
      // "[1.0]" is an exact match; "(1.0)" and mixed brackets are invalid.
      if (open != '[' || close != ']') return bad("a single version needs [ ]");
      std::string_view t = internal::TrimAsciiSpace(inner);
      if (t.empty()) return bad("empty range");
      r.min_text_ = r.max_text_ = std::string(t);
      r.min_inclusive_ = r.max_inclusive_ = true;
    } else {
      if (inner.find(',', comma + 1) != npos) return bad("more than two bounds");
      std::string_view lo = internal::TrimAsciiSpace(inner.substr(0, comma));
      std::string_view hi = internal::TrimAsciiSpace(inner.substr(comma + 1));
      if (lo.empty() && hi.empty()) return bad("no bounds");
      r.min_text_ = std::string(lo);
      r.max_text_ = std::string(hi);
      r.min_inclusive_ = open == '[';
      r.max_inclusive_ = close == ']';
    }
  }
  std::optional<Version> lo, hi;
  if (!r.min_text_.empty()) {
    HS_ASSIGN_OR_RETURN(Version v, nuget::Parse(r.min_text_));
    lo = v;
  }
  if (!r.max_text_.empty()) {
    HS_ASSIGN_OR_RETURN(Version v, nuget::Parse(r.max_text_));
    hi = v;
  }
  if (lo && hi) {
    int c = Compare(*lo, *hi);
    if (c > 0 || (c == 0 && !(r.min_inclusive_ && r.max_inclusive_))) return bad("empty interval");
  }
  return r;
}

bool Range::Satisfies(const Version& v) const {
  // Re-parse the owned bound strings: cheap, and independent of where this object has been moved.
  if (!min_text_.empty()) {
    auto lo = nuget::Parse(min_text_);
    if (!lo.ok()) return false;
    int c = Compare(v, *lo);
    if (c < 0 || (c == 0 && !min_inclusive_)) return false;
  }
  if (!max_text_.empty()) {
    auto hi = nuget::Parse(max_text_);
    if (!hi.ok()) return false;
    int c = Compare(v, *hi);
    if (c > 0 || (c == 0 && !max_inclusive_)) return false;
  }
  return true;
}

namespace {

class NugetScheme final : public Scheme {
 public:
  std::string_view Name() const override { return kName; }
  Status Validate(std::string_view v) const override {
    HS_TRY(nuget::Parse(v));
    return OkStatus();
  }
  Result<int> Compare(std::string_view a, std::string_view b) const override {
    HS_ASSIGN_OR_RETURN(Version va, nuget::Parse(a));
    HS_ASSIGN_OR_RETURN(Version vb, nuget::Parse(b));
    return nuget::Compare(va, vb);
  }
  Result<bool> Satisfies(std::string_view version, std::string_view constraint) const override {
    HS_ASSIGN_OR_RETURN(Version v, nuget::Parse(version));
    HS_ASSIGN_OR_RETURN(Range r, Range::Parse(constraint));
    return r.Satisfies(v);
  }
  Status ValidateConstraint(std::string_view constraint) const override {
    HS_TRY(Range::Parse(constraint));
    return OkStatus();
  }
};

}  // namespace

const Scheme& GetScheme() {
  static const NugetScheme scheme;
  return scheme;
}

}  // namespace hullscan::version::nuget
