// Maven pom.xml: the dependencies a project declares (pre-build manifest, as `trivy fs` reports
// them). Versions come from the dependency itself or the same pom's <dependencyManagement>, with
// ${property} substitution from its <properties> and project.* values. No parent, BOM or
// transitive resolution: that needs the Maven repository; dependencies whose version stays
// unknown are not reported (a problem says so).
#pragma once

#include <string_view>
#include <vector>

#include "base/problems.h"
#include "inventory/package.h"

namespace hullscan::analyze::java_internal {

// Dependencies of <project><dependencies> and of profiles active by default, each groupId:artifactId
// once (the first declaration wins, as Maven does). Test-scoped dependencies are flagged dev.
// Not-XML input, or XML that is not a <project>, is a problem and yields nothing.
std::vector<inventory::Package> ParsePomXml(std::string_view text, Problems& problems);

}  // namespace hullscan::analyze::java_internal
