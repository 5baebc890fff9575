// Ruby: installed gem specifications (<gem home>/specifications/<gem>-<version>.gemspec, written by
// RubyGems at install time) and Bundler lockfiles (Gemfile.lock, gems.locked). Each file becomes one
// inventory::PackageDb of kGem packages: analyzer "gemspec" or "gemfile-lock". Gemspecs are Ruby
// source, read line by line without a Ruby interpreter (the installed ones are machine-written).
#pragma once

#include <memory>

#include "analyze/analyzer.h"

namespace hullscan::analyze {
std::unique_ptr<Analyzer> NewRubyAnalyzer();
}  // namespace hullscan::analyze
