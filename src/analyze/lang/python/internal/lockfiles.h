// Python project lockfiles. Each parser takes untrusted text, returns the kPypi packages it pins
// (name as written, no location) and reports what it could not use in `problems`; a file that is
// not of its format at all yields no packages and one problem.
#pragma once

#include <string_view>
#include <vector>

#include "base/problems.h"
#include "inventory/package.h"

namespace hullscan::analyze::python_internal {

// requirements*.txt: only requirements pinned with "==" (or "==="), as Trivy does; extras,
// environment markers, per-requirement options and comments are stripped; option lines (-r, -e,
// --index-url, …) are skipped (included files are not followed). UTF-16LE files are read.
std::vector<inventory::Package> ParseRequirements(std::string_view text, Problems& problems);

// Pipfile.lock (JSON): "default" and "develop" (dev = true) sections; "version": "==x".
std::vector<inventory::Package> ParsePipfileLock(std::string_view text, Problems& problems);

// poetry.lock (TOML, v1 and v2): [[package]] name/version; dev from category = "dev" (v1) or
// groups = ["dev"] without "main" (v2).
std::vector<inventory::Package> ParsePoetryLock(std::string_view text, Problems& problems);

// uv.lock (TOML): [[package]] name/version, without the project itself (source editable or
// virtual "."), which is not a published distribution. dev = reachable only through the project's
// dev-dependencies groups, not from its dependencies or extras (transitively, as Trivy computes it).
std::vector<inventory::Package> ParseUvLock(std::string_view text, Problems& problems);

}  // namespace hullscan::analyze::python_internal
