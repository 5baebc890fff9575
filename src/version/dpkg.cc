// dpkg version ordering, after lib/dpkg/version.c (verrevcmp) and lib/dpkg/parsehelp.c (parseversion).
#include "version/dpkg.h"

#include <climits>

#include "version/internal/scheme_impl.h"
#include "version/internal/util.h"

namespace hullscan::version::dpkg {
namespace {

using internal::IsAlpha;
using internal::IsDigit;

constexpr std::string_view kName = "dpkg";

inline int Order(unsigned char c) {
  if (IsDigit(static_cast<char>(c))) return 0;
  if (IsAlpha(static_cast<char>(c))) return c;
  if (c == '~') return -1;
  if (c) return c + 256;
  return 0;
}

}  // namespace

int ComparePart(std::string_view a, std::string_view b) {
  size_t i = 0, j = 0;
  const size_t na = a.size(), nb = b.size();
  while (i < na || j < nb) {
    int first_diff = 0;
    while ((i < na && !IsDigit(a[i])) || (j < nb && !IsDigit(b[j]))) {
      int ac = i < na ? Order(static_cast<unsigned char>(a[i])) : 0;
      int bc = j < nb ? Order(static_cast<unsigned char>(b[j])) : 0;
      if (ac != bc) return ac < bc ? -1 : 1;
      ++i;
      ++j;
    }
    while (i < na && a[i] == '0') ++i;
    while (j < nb && b[j] == '0') ++j;
    while (i < na && IsDigit(a[i]) && j < nb && IsDigit(b[j])) {
      if (!first_diff) first_diff = a[i] - b[j];
      ++i;
      ++j;
    }
    if (i < na && IsDigit(a[i])) return 1;
    if (j < nb && IsDigit(b[j])) return -1;
    if (first_diff) return first_diff < 0 ? -1 : 1;
  }
  return 0;
}

int CompareString(std::string_view a, std::string_view b) {
  auto order = [](std::string_view s, size_t i) -> int {
    if (i >= s.size()) return 0;
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c == '~') return -1;
    if (IsDigit(static_cast<char>(c))) return c - '0' + 1;
    if (IsAlpha(static_cast<char>(c))) return c;
    return c + 256;
  };
  for (size_t i = 0; i < a.size() || i < b.size(); ++i) {
    int x = order(a, i), y = order(b, i);
    if (x != y) return x < y ? -1 : 1;
  }
  return 0;
}

Result<Version> Parse(std::string_view s, bool lenient) {
  std::string_view v = s;
  while (!v.empty() && internal::IsSpace(v.front())) v.remove_prefix(1);
  while (!v.empty() && internal::IsSpace(v.back())) v.remove_suffix(1);
  if (v.empty()) return internal::InvalidVersion(kName, s, "version string is empty");
  for (char c : v) {
    if (internal::IsSpace(c)) return internal::InvalidVersion(kName, s, "version string has embedded spaces");
  }
  Version out;
  size_t colon = v.find(':');
  if (colon != std::string_view::npos) {
    std::string_view epoch = v.substr(0, colon);
    if (epoch.empty()) return internal::InvalidVersion(kName, s, "epoch in version is empty");
    uint64_t e = 0;
    if (!internal::AllDigits(epoch)) return internal::InvalidVersion(kName, s, "epoch in version is not number");
    if (!internal::ParseUint64(epoch, &e, INT_MAX)) return internal::InvalidVersion(kName, s, "epoch in version is too big");
    out.epoch = static_cast<uint32_t>(e);
    out.has_epoch = true;
    v.remove_prefix(colon + 1);
    if (v.empty()) return internal::InvalidVersion(kName, s, "nothing after colon in version number");
  }
  size_t dash = v.rfind('-');
  if (dash != std::string_view::npos) {
    out.revision = v.substr(dash + 1);
    out.has_revision = true;
    v = v.substr(0, dash);
    if (out.revision.empty()) return internal::InvalidVersion(kName, s, "revision number is empty");
  }
  out.upstream = v;
  if (v.empty()) return internal::InvalidVersion(kName, s, "version number is empty");
  if (lenient) return out;
  if (!IsDigit(v.front())) return internal::InvalidVersion(kName, s, "version number does not start with digit");
  for (char c : v) {
    if (!internal::IsAlnum(c) && c != '.' && c != '-' && c != '+' && c != '~' && c != ':') {
      return internal::InvalidVersion(kName, s, "invalid character in version number");
    }
  }
  for (char c : out.revision) {
    if (!internal::IsAlnum(c) && c != '.' && c != '+' && c != '~') {
      return internal::InvalidVersion(kName, s, "invalid character in revision number");
    }
  }
  return out;
}

int Compare(const Version& a, const Version& b) {
  if (a.epoch != b.epoch) return a.epoch < b.epoch ? -1 : 1;
  int r = ComparePart(a.upstream, b.upstream);
  if (r) return r;
  return ComparePart(a.revision, b.revision);
}

namespace {

class DpkgScheme final : public internal::TermScheme {
 public:
  std::string_view Name() const override { return kName; }
  // Lenient like dpkg --compare-versions: dpkg's warning-level problems do not stop a comparison.
  Status Validate(std::string_view v) const override {
    HS_TRY(Parse(v, true));
    return OkStatus();
  }
  Result<int> Compare(std::string_view a, std::string_view b) const override {
    HS_ASSIGN_OR_RETURN(Version va, Parse(a, true));
    HS_ASSIGN_OR_RETURN(Version vb, Parse(b, true));
    return dpkg::Compare(va, vb);
  }
};

}  // namespace

const Scheme& GetScheme() {
  static const DpkgScheme scheme;
  return scheme;
}

}  // namespace hullscan::version::dpkg
