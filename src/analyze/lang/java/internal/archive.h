// Java archives (.jar/.war/.ear/.par) read from memory, nested archives included, never extracted
// to disk. One archive yields:
//   - one package per valid META-INF/maven/**/pom.properties (shaded and fat jars carry many);
//   - the MANIFEST.MF coordinates when the archive has no valid pom.properties at all (Trivy also
//     reads it when no pom.properties matches the file name, which repeats or contradicts them);
//   - a package from the file name ("guava-31.1-jre.jar") when neither gives coordinates;
//   - the packages of every nested archive, recursively, with path "outer.jar/WEB-INF/lib/inner.jar".
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/problems.h"
#include "inventory/package.h"

namespace hullscan::analyze::java_internal {

// Bounds for one outer archive and everything nested in it (zip bombs, jar quines).
struct ArchiveLimits {
  int max_depth = 8;                                   // nested archives below the outer one
  uint64_t max_inflated_bytes = uint64_t{1} << 30;     // metadata + nested archives, all levels together
  uint64_t max_entry_bytes = uint64_t{256} << 20;      // one inflated entry
  uint64_t max_entries = 1'000'000;                    // entries of all archives together
};

struct Coordinates {
  std::string group_id;
  std::string artifact_id;
  std::string version;
  bool Valid() const { return !group_id.empty() && !artifact_id.empty() && !version.empty(); }
  friend bool operator==(const Coordinates&, const Coordinates&) = default;
};

// True for names ending in .jar/.war/.ear/.par (any case); no allocation.
bool IsJavaArchiveName(std::string_view name);

// Key/value pairs of a java .properties file: groupId, artifactId, version.
Coordinates ParsePomProperties(std::string_view text);
// Coordinates from the main section of META-INF/MANIFEST.MF (Trivy's field precedence);
// fields that cannot be determined stay empty.
Coordinates ParseManifest(std::string_view text);
// "dir/guava-31.1-jre.jar" → artifactId guava, version 31.1-jre (groupId empty); empty when the
// name does not have the <artifact>-<version>.jar shape.
Coordinates ParseFileName(std::string_view path);

// All packages of the archive at `path` (its content in `content`). Packages are kMaven, name
// "groupId:artifactId", location.path = `path` for the archive's own packages and
// "<path>/<entry>" for those of nested archives. Broken, truncated, too deep or too large archives
// become problems; what was found before stays.
std::vector<inventory::Package> ParseArchive(std::string_view path, std::string_view content, Problems& problems,
                                             const ArchiveLimits& limits = {});

}  // namespace hullscan::analyze::java_internal
