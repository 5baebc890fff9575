// Python: installed distributions (site-packages/dist-packages *.dist-info/METADATA,
// *.egg-info/PKG-INFO, *.egg-info as a plain file, unzipped *.egg/EGG-INFO/PKG-INFO) and project
// lockfiles (requirements*.txt pinned with ==, Pipfile.lock, poetry.lock, uv.lock).
// Each file becomes one inventory::PackageDb of kPypi packages: analyzer "python-dist" for
// installed metadata, "python-lock" for lockfiles.
#pragma once

#include <memory>

#include "analyze/analyzer.h"

namespace hullscan::analyze {
std::unique_ptr<Analyzer> NewPythonAnalyzer();
}  // namespace hullscan::analyze
