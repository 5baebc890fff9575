// libFuzzer target: Java archives (zip, nested archives), pom.xml and gradle.lockfile parsers on
// arbitrary bytes, with small limits so nested bombs stay cheap. Checks the invariants callers rely on:
// every package is kMaven, named "group:artifact" with a version, located at or below the archive.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "analyze/lang/java/internal/archive.h"
#include "analyze/lang/java/internal/gradle_lock.h"
#include "analyze/lang/java/internal/pom_xml.h"
#include "base/problems.h"

namespace {

void Check(bool ok) {
  if (!ok) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace java = hullscan::analyze::java_internal;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  java::ArchiveLimits limits;
  limits.max_inflated_bytes = 16 << 20;
  limits.max_entry_bytes = 8 << 20;
  limits.max_entries = 10'000;
  hullscan::Problems problems;
  for (const auto& p : java::ParseArchive("fuzz-1.0.jar", input, problems, limits)) {
    Check(p.type == hullscan::inventory::PackageType::kMaven);
    Check(p.name.find(':') != std::string::npos && !p.version.empty());
    Check(p.location.path == "fuzz-1.0.jar" || p.location.path.starts_with("fuzz-1.0.jar/"));
  }
  for (const auto& p : java::ParsePomXml(input, problems)) Check(!p.name.empty() && !p.version.empty());
  for (const auto& p : java::ParseGradleLockfile(input, problems)) Check(!p.name.empty() && !p.version.empty());
  (void)java::ParseManifest(input);
  (void)java::ParsePomProperties(input);
  return 0;
}
