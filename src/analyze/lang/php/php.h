// PHP: packages Composer installed (vendor/composer/installed.json, composer 1 and 2 layouts) and
// Composer lockfiles (composer.lock). Each file becomes one inventory::PackageDb of kComposer
// packages named "vendor/name", versions exactly as Composer records them (tags keep their "v"):
// analyzer "composer-installed" or "composer-lock".
//
// As for npm, installed metadata is preferred: composer.lock is skipped (an empty PackageDb) when the
// same layer writes <project>/vendor/composer/installed.json next to it, which then says what was
// really installed (`composer install --no-dev` leaves packages-dev out). composer.lock files inside
// vendor/ belong to installed libraries, not to the project, and are not read.
#pragma once

#include <memory>

#include "analyze/analyzer.h"

namespace hullscan::analyze {
std::unique_ptr<Analyzer> NewPhpAnalyzer();
}  // namespace hullscan::analyze
