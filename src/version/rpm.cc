// RPM version comparison: a port of rpmvercmp() (rpm 4.18 rpmio/rpmvercmp.c) and rpmverCmp() (lib/rpmver.c).
// tests/version/rpm_test.cc checks this port against the installed librpm on every vector.
#include "version/rpm.h"

#include <cstring>

#include "version/internal/scheme_impl.h"
#include "version/internal/util.h"

namespace hullscan::version::rpm {
namespace {

using internal::IsAlnum;
using internal::IsAlpha;
using internal::IsDigit;

constexpr std::string_view kName = "rpm";

}  // namespace

int Vercmp(std::string_view a, std::string_view b) {
  // The C function works on NUL-terminated strings.
  if (size_t z = a.find('\0'); z != std::string_view::npos) a = a.substr(0, z);
  if (size_t z = b.find('\0'); z != std::string_view::npos) b = b.substr(0, z);
  if (a == b) return 0;
  size_t i = 0, j = 0;
  const size_t na = a.size(), nb = b.size();
  auto at = [](std::string_view s, size_t k) { return k < s.size() ? s[k] : '\0'; };
  while (i < na || j < nb) {
    while (i < na && !IsAlnum(a[i]) && a[i] != '~' && a[i] != '^') ++i;
    while (j < nb && !IsAlnum(b[j]) && b[j] != '~' && b[j] != '^') ++j;
    char ca = at(a, i), cb = at(b, j);
    if (ca == '~' || cb == '~') {
      if (ca != '~') return 1;
      if (cb != '~') return -1;
      ++i;
      ++j;
      continue;
    }
    if (ca == '^' || cb == '^') {
      if (i >= na) return -1;
      if (j >= nb) return 1;
      if (ca != '^') return 1;
      if (cb != '^') return -1;
      ++i;
      ++j;
      continue;
    }
    if (!(i < na && j < nb)) break;
    size_t si = i, sj = j;
    bool isnum;
    if (IsDigit(a[i])) {
      while (i < na && IsDigit(a[i])) ++i;
      while (j < nb && IsDigit(b[j])) ++j;
      isnum = true;
    } else {
      while (i < na && IsAlpha(a[i])) ++i;
      while (j < nb && IsAlpha(b[j])) ++j;
      isnum = false;
    }
    std::string_view sa = a.substr(si, i - si), sb = b.substr(sj, j - sj);
    // Segment types differ: numeric segments are always newer than alpha ones.
    if (sa.empty()) return -1;  // cannot happen (the loop skipped to an alnum), kept as librpm has it
    if (sb.empty()) return isnum ? 1 : -1;
    if (isnum) {
      while (!sa.empty() && sa.front() == '0') sa.remove_prefix(1);
      while (!sb.empty() && sb.front() == '0') sb.remove_prefix(1);
      if (sa.size() > sb.size()) return 1;
      if (sb.size() > sa.size()) return -1;
    }
    int rc = sa.compare(sb);
    if (rc) return rc < 0 ? -1 : 1;
  }
  if (i >= na && j >= nb) return 0;
  return i >= na ? -1 : 1;
}

Result<Evr> Parse(std::string_view s) {
  if (s.empty()) return internal::InvalidVersion(kName, s, "empty");
  for (char c : s) {
    unsigned char u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7f) return internal::InvalidVersion(kName, s, "whitespace or control character");
  }
  Evr out;
  size_t k = 0;
  while (k < s.size() && IsDigit(s[k])) ++k;
  std::string_view rest = s;
  if (k < s.size() && s[k] == ':') {
    std::string_view epoch = s.substr(0, k);
    uint64_t e = 0;
    if (!epoch.empty() && !internal::ParseUint64(epoch, &e, UINT32_MAX)) {
      return internal::InvalidVersion(kName, s, "epoch too big");
    }
    out.epoch = static_cast<uint32_t>(e);
    out.has_epoch = true;
    rest = s.substr(k + 1);
  }
  size_t dash = rest.rfind('-');
  if (dash != std::string_view::npos) {
    out.release = rest.substr(dash + 1);
    out.has_release = true;
    rest = rest.substr(0, dash);
    if (out.release.empty()) return internal::InvalidVersion(kName, s, "empty release");
  }
  out.version = rest;
  if (rest.empty()) return internal::InvalidVersion(kName, s, "empty version");
  return out;
}

int Compare(const Evr& a, const Evr& b) {
  if (a.epoch != b.epoch) return a.epoch < b.epoch ? -1 : 1;
  int r = Vercmp(a.version, b.version);
  if (r) return r;
  if (a.has_release && b.has_release) return Vercmp(a.release, b.release);
  if (a.has_release != b.has_release) return a.has_release ? 1 : -1;
  return 0;
}

namespace {

class RpmScheme final : public internal::TermScheme {
 public:
  std::string_view Name() const override { return kName; }
  Status Validate(std::string_view v) const override {
    HS_TRY(Parse(v));
    return OkStatus();
  }
  Result<int> Compare(std::string_view a, std::string_view b) const override {
    HS_ASSIGN_OR_RETURN(Evr va, Parse(a));
    HS_ASSIGN_OR_RETURN(Evr vb, Parse(b));
    return rpm::Compare(va, vb);
  }
};

}  // namespace

const Scheme& GetScheme() {
  static const RpmScheme scheme;
  return scheme;
}

}  // namespace hullscan::version::rpm
