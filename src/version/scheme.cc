#include "version/scheme.h"

#include "version/internal/scheme_impl.h"

namespace hullscan::version {

const Scheme* FindScheme(std::string_view name) {
  struct Entry {
    std::string_view name;
    const Scheme& (*get)();
  };
  static const Entry kEntries[] = {
      {"dpkg", &dpkg::GetScheme},     {"deb", &dpkg::GetScheme},         {"debian", &dpkg::GetScheme},
      {"rpm", &rpm::GetScheme},       {"apk", &apk::GetScheme},          {"alpine", &apk::GetScheme},
      {"npm", &npm::GetScheme},       {"semver", &npm::GetScheme},       {"pep440", &pep440::GetScheme},
      {"pypi", &pep440::GetScheme},   {"maven", &maven::GetScheme},      {"gem", &gem::GetScheme},
      {"rubygems", &gem::GetScheme},  {"go", &go::GetScheme},            {"golang", &go::GetScheme},
      {"cargo", &cargo::GetScheme},   {"crates.io", &cargo::GetScheme},  {"nuget", &nuget::GetScheme},
  };
  for (const Entry& e : kEntries) {
    if (internal::EqualsIgnoreCase(e.name, name)) return &e.get();
  }
  return nullptr;
}

std::vector<std::string_view> SchemeNames() {
  return {"apk", "cargo", "dpkg", "gem", "go", "maven", "npm", "nuget", "pep440", "rpm"};
}

}  // namespace hullscan::version
