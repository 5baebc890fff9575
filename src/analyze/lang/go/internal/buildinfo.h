// Go build info (runtime/debug.BuildInfo) read from an executable, re-implemented from the Go
// sources of debug/buildinfo and runtime/debug.ParseBuildInfo.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/status.h"

namespace hullscan::analyze::go_internal {

struct Module {
  std::string path;
  std::string version;  // as recorded: "v1.2.3", "(devel)", or empty
  std::string sum;      // "h1:…" or empty
  // A replace directive's target ("=>" line); replace_path empty when there is none.
  std::string replace_path;
  std::string replace_version;
};

struct BuildInfo {
  std::string go_version;  // "go1.22.1", "go1.22.1 X:loopvar", "devel go1.23-abc…"
  std::string path;        // the main package path ("command-line-arguments" for `go build x.go`)
  Module main;             // empty path when the binary was built outside a module
  std::vector<Module> deps;
  std::vector<std::pair<std::string, std::string>> settings;  // "build" lines: key, value
};

// The raw strings of the build info blob: the toolchain version and the modinfo text (framing
// stripped; empty when the binary has no module info). kUnsupported when the file is not an
// executable, kNotFound when it is one without Go build info, kCorrupt when the blob is broken.
struct RawBuildInfo {
  std::string version;
  std::string modinfo;
};
Result<RawBuildInfo> ReadRawBuildInfo(std::string_view file);

// runtime/debug.ParseBuildInfo, lenient: malformed lines are skipped and counted in `bad_lines`.
BuildInfo ParseModInfo(std::string_view go_version, std::string_view modinfo, int* bad_lines);

// ReadRawBuildInfo + ParseModInfo.
Result<BuildInfo> ReadBuildInfo(std::string_view file);

// The Go toolchain version as a module-style semver for the "stdlib" package: "go1.22.1" →
// "v1.22.1", "go1.20" → "v1.20.0", "go1.21rc2" → "v1.21.0-rc.2", "go1.22.1 X:boringcrypto" and
// "go1.22.1+auto" → "v1.22.1". Empty when it is not a release version ("devel go1.23-…").
std::string StdlibVersion(std::string_view go_version);

// The version set with `-X <pkg>.version=…` (or .Version/.ver) in an -ldflags build setting,
// when it is a valid module semver (with or without "v"; returned with "v"). Empty otherwise.
std::string VersionFromLdflags(std::string_view ldflags);

}  // namespace hullscan::analyze::go_internal
