// libFuzzer target for one version scheme (HULLSCAN_FUZZ_SCHEME, set per target in CMakeLists.txt): parse and
// compare two versions taken from the input (split at the first newline), evaluate the second half as a
// constraint, and check the invariants callers rely on: comparison is antisymmetric and reflexive, validation
// agrees with comparison, and scheme-specific round trips hold.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "version/scheme.h"

#include "version/cargo.h"
#include "version/go.h"
#include "version/npm.h"
#include "version/nuget.h"
#include "version/pep440.h"
#include "version/rpm.h"

#ifdef HULLSCAN_FUZZ_LIBRPM
#include <rpm/rpmver.h>
#endif

#ifndef HULLSCAN_FUZZ_SCHEME
#error "define HULLSCAN_FUZZ_SCHEME"
#endif

namespace {

using namespace hullscan::version;  // NOLINT

void Check(bool ok) {
  if (!ok) std::abort();
}

void SchemeSpecific(std::string_view a, std::string_view b, uint8_t selector) {
  constexpr std::string_view kScheme = HULLSCAN_FUZZ_SCHEME;
  if constexpr (kScheme == "rpm") {
    int mine = rpm::Vercmp(a, b);
    Check(mine == -rpm::Vercmp(b, a));
#ifdef HULLSCAN_FUZZ_LIBRPM
    std::string ca(a), cb(b);  // librpm stops at NUL like the port does
    int ref = rpmvercmp(ca.c_str(), cb.c_str());
    Check(mine == (ref > 0) - (ref < 0));
#endif
  } else if constexpr (kScheme == "npm") {
    npm::Options o;
    o.loose = selector & 1;
    o.include_prerelease = selector & 2;
    auto r = npm::Range::Parse(b, o);
    if (r.ok()) {
      std::string text = r->ToString();
      auto again = npm::Range::Parse(text.empty() ? "*" : text, o);
      Check(again.ok());
      auto v = npm::Parse(a, o);
      if (v.ok()) {
        (void)r->Test(*v);
        (void)r->Outside(*v, '>');
        (void)r->Outside(*v, '<');
      }
    }
  } else if constexpr (kScheme == "pep440") {
    auto v = pep440::Parse(a);
    if (v.ok()) {
      std::string norm = pep440::Normalize(*v);
      auto again = pep440::Parse(norm);
      Check(again.ok());
      Check(pep440::Compare(*v, *again) == 0);
      Check(pep440::Normalize(*again) == norm);
    }
    auto set = pep440::ParseSpecifierSet(b);
    if (set.ok()) {
      (void)pep440::Contains(*set, a, std::nullopt);
      (void)pep440::Contains(*set, a, false);
    }
  } else if constexpr (kScheme == "go") {
    if (go::IsValid(a)) {
      std::string c = go::Canonical(a);
      Check(go::IsValid(c));
      Check(go::CompareModSemver(a, c) == 0);
    }
    (void)go::IsPseudoVersion(a);
  } else if constexpr (kScheme == "cargo") {
    auto req = cargo::VersionReq::Parse(b);
    if (req.ok()) {
      std::string text = req->ToString();
      auto again = cargo::VersionReq::Parse(text);
      Check(again.ok());
      Check(again->ToString() == text);
    }
  } else if constexpr (kScheme == "nuget") {
    auto v = nuget::Parse(a);
    if (v.ok()) {
      std::string norm = nuget::Normalize(*v);
      auto again = nuget::Parse(norm);
      Check(again.ok());
      Check(nuget::Compare(*v, *again) == 0);
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 4096) return 0;
  std::string_view in(reinterpret_cast<const char*>(data), size);
  uint8_t selector = size > 0 ? data[0] : 0;
  size_t nl = in.find('\n');
  std::string_view a = in.substr(0, nl);
  std::string_view b = nl == std::string_view::npos ? in : in.substr(nl + 1);

  const Scheme* scheme = FindScheme(HULLSCAN_FUZZ_SCHEME);
  Check(scheme != nullptr);
  auto ab = scheme->Compare(a, b);
  auto ba = scheme->Compare(b, a);
  Check(ab.ok() == ba.ok());
  if (ab.ok()) {
    Check(*ab >= -1 && *ab <= 1);
    Check(*ab == -*ba);
  }
  auto aa = scheme->Compare(a, a);
  Check(aa.ok() == scheme->Validate(a).ok());
  if (aa.ok()) Check(*aa == 0);
  if (!ab.ok()) Check(!ab.error().message().empty());

  auto sat = scheme->Satisfies(a, b);
  if (sat.ok()) Check(scheme->ValidateConstraint(b).ok());
  SchemeSpecific(a, b, selector);
  return 0;
}
