// Java: archives (.jar/.war/.ear/.par, nested archives at any depth up to a bound, read from memory;
// see internal/archive.h for which metadata names a package), Maven pom.xml (declared dependencies)
// and gradle.lockfile. Each file becomes one inventory::PackageDb of kMaven packages named
// "groupId:artifactId": analyzer "java-archive" (packages of nested archives carry
// "outer.jar/WEB-INF/lib/inner.jar" as location.path), "java-pom", "java-gradle-lock".
// Archives are analysed one at a time (AnalyzesEachFile), so large wars are not kept in memory.
#pragma once

#include <memory>

#include "analyze/analyzer.h"

namespace hullscan::analyze {
std::unique_ptr<Analyzer> NewJavaAnalyzer();
}  // namespace hullscan::analyze
