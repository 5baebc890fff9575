// .NET: the NuGet packages of published applications (<app>.deps.json, written next to the app's
// assemblies by `dotnet publish`) and NuGet lockfiles (packages.lock.json). Each file becomes one
// inventory::PackageDb of kNuget packages: analyzer "dotnet-deps" or "nuget-lock".
#pragma once

#include <memory>

#include "analyze/analyzer.h"

namespace hullscan::analyze {
std::unique_ptr<Analyzer> NewDotnetAnalyzer();
}  // namespace hullscan::analyze
