// libFuzzer target for constraint parsing in every scheme: the first byte picks the scheme, the rest is
// "VERSION\nCONSTRAINT". Satisfies() and ValidateConstraint() must agree and never crash.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "version/scheme.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1 || size > 4096) return 0;
  auto names = hullscan::version::SchemeNames();
  const auto* scheme = hullscan::version::FindScheme(names[data[0] % names.size()]);
  if (scheme == nullptr) std::abort();
  std::string_view in(reinterpret_cast<const char*>(data + 1), size - 1);
  size_t nl = in.find('\n');
  std::string_view version = in.substr(0, nl);
  std::string_view constraint = nl == std::string_view::npos ? in : in.substr(nl + 1);
  auto valid = scheme->ValidateConstraint(constraint);
  auto r = scheme->Satisfies(version, constraint);
  // A constraint that evaluates is a valid constraint.
  if (r.ok() && !valid.ok()) std::abort();
  if (!r.ok() && r.error().message().empty()) std::abort();
  return 0;
}
