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

std::unique_ptr<Analyzer> NewOsFilesAnalyzer();

// Decides the distro from the merged distro-identifying files (path → content), or nullopt when
// nothing identifies one.
std::optional<inventory::Distro> DetectDistro(const std::map<std::string, std::string>& os_files);

}  // namespace hullscan::analyze
