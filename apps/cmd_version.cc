#include "cmd_version.h"

#include "version/scheme.h"

namespace hullscan::apps {
namespace {

const version::Scheme* SchemeOrError(const std::string& name, std::ostream& err) {
  const version::Scheme* s = version::FindScheme(name);
  if (s == nullptr) {
    err << "hullscan: unknown version scheme \"" << name << "\" (known:";
    for (std::string_view n : version::SchemeNames()) err << ' ' << n;
    err << ")\n";
  }
  return s;
}

}  // namespace

int RunVersionCompare(const std::string& scheme, const std::string& a, const std::string& b, std::ostream& out,
                      std::ostream& err) {
  const version::Scheme* s = SchemeOrError(scheme, err);
  if (s == nullptr) return 2;
  auto c = s->Compare(a, b);
  if (!c.ok()) {
    err << "hullscan: " << c.error().message() << "\n";
    return 2;
  }
  out << (*c < 0 ? "<" : *c > 0 ? ">" : "=") << "\n";
  return 0;
}

int RunVersionSatisfies(const std::string& scheme, const std::string& version, const std::string& constraint,
                        std::ostream& out, std::ostream& err) {
  const version::Scheme* s = SchemeOrError(scheme, err);
  if (s == nullptr) return 2;
  auto r = s->Satisfies(version, constraint);
  if (!r.ok()) {
    err << "hullscan: " << r.error().message() << "\n";
    return 2;
  }
  out << (*r ? "true" : "false") << "\n";
  return 0;
}

}  // namespace hullscan::apps
