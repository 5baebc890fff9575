// Distro detection. Per layer, the os-files analyzer only collects the small distro-identifying
// files; DetectDistro() decides on the merged view of all layers (a later layer may change only
// one of the files).
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>

#include "analyze/analyzer.h"
#include "inventory/package.h"

namespace hullscan::analyze {

// The "os-files" analyzer: wants etc/os-release, usr/lib/os-release and the distro release files
// (etc/debian_version, etc/alpine-release, etc/redhat-release, …) by exact path, and stores their
// content (at most 64 KiB each) in LayerResult::os_files.
std::unique_ptr<Analyzer> NewOsFilesAnalyzer();

// Decides the distro from the merged distro-identifying files (path → content, paths relative
// without a leading '/', as Squash leaves them in Inventory::os_files), or nullopt when nothing
// identifies one. os-release decides the family when it has an ID; release files of the same
// family may make the version more precise. Untrusted content never crashes it. Rules and
// reasons: docs/analyzers.md, "Distro detection".
std::optional<inventory::Distro> DetectDistro(const std::map<std::string, std::string>& os_files);

}  // namespace hullscan::analyze
