// End to end on the unpacked reference images app-node (alpine and bookworm; /app built with
// `npm ci --omit=dev`, see ../shared/tools/make-images.sh): the real layer walk (WalkDirectory)
// through LayerAnalysis with the built-in analyzers. The expected set is derived independently:
// every node_modules/<pkg>/ and node_modules/@scope/<pkg>/ directory on disk, read with nlohmann,
// and cross-checked against the non-dev "packages" of /app/package-lock.json.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "analyze/lang/npm/npm.h"
#include "analyze/layer_analysis.h"
#include "inventory/layer_result.h"
#include "layer/layer.h"
#include "testing/testdata.h"

namespace hullscan::analyze {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// Package directories below a node_modules/ directory, recursively (nested node_modules too).
std::multiset<std::string> InstalledOnDisk(const fs::path& node_modules) {
  std::multiset<std::string> out;
  std::vector<fs::path> package_dirs;
  for (const auto& entry : fs::directory_iterator(node_modules)) {
    if (!entry.is_directory() || entry.is_symlink()) continue;
    std::string name = entry.path().filename().string();
    if (name.starts_with(".")) continue;
    if (name.starts_with("@")) {
      for (const auto& scoped : fs::directory_iterator(entry.path())) {
        if (scoped.is_directory() && !scoped.is_symlink()) package_dirs.push_back(scoped.path());
      }
    } else {
      package_dirs.push_back(entry.path());
    }
  }
  for (const fs::path& dir : package_dirs) {
    json manifest = json::parse(testing::ReadFileOrFail(dir / "package.json"));
    out.insert(manifest["name"].get<std::string>() + "@" + manifest["version"].get<std::string>());
    if (fs::is_directory(dir / "node_modules")) {
      for (const auto& nested : InstalledOnDisk(dir / "node_modules")) out.insert(nested);
    }
  }
  return out;
}

class NpmImageTest : public ::testing::TestWithParam<std::string> {};

TEST_P(NpmImageTest, AppNodeReportsExactlyTheInstalledPackages) {
  const fs::path rootfs = fs::path("/work/images/rootfs") / GetParam() / "rootfs";
  if (!fs::exists(rootfs)) GTEST_SKIP() << "reference rootfs not unpacked: " << rootfs;
  AnalyzerList analyzers = BuiltinAnalyzers();
  LayerAnalysis analysis(analyzers, "");
  Status status = layer::WalkDirectory(rootfs, analysis, {});
  ASSERT_TRUE(status.ok()) << status.error().message();
  inventory::LayerResult result = std::move(analysis).Finish();

  std::multiset<std::string> ours;
  for (const auto& db : result.package_dbs) {
    if (db.analyzer == "npm-lock") {
      // /app/package-lock.json is superseded by /app/node_modules in the same layer.
      EXPECT_EQ(db.path, "app/package-lock.json");
      EXPECT_TRUE(db.packages.empty());
    }
    if (db.analyzer != "npm-installed") continue;
    EXPECT_TRUE(db.path.starts_with("app/node_modules/")) << db.path;  // not Debian's usr/share/nodejs
    for (const auto& p : db.packages) {
      EXPECT_EQ(p.type, inventory::PackageType::kNpm);
      EXPECT_EQ(p.location.path, db.path);
      ours.insert(p.name + "@" + p.version);
    }
  }
  for (const auto& d : result.diagnostics) {
    if (d.path.find("node_modules") != std::string::npos) ADD_FAILURE() << d.path << ": " << d.message;
  }

  const std::multiset<std::string> on_disk = InstalledOnDisk(rootfs / "app/node_modules");
  EXPECT_EQ(ours, on_disk);
  for (const char* old : {"lodash@", "minimist@", "express@"}) {
    EXPECT_TRUE(std::any_of(ours.begin(), ours.end(), [&](const std::string& s) { return s.starts_with(old); }))
        << old;
  }

  // The lockfile npm installed from agrees: its non-dev node_modules entries are what is on disk.
  json lock = json::parse(testing::ReadFileOrFail(rootfs / "app/package-lock.json"));
  std::multiset<std::string> locked;
  for (const auto& [key, entry] : lock["packages"].items()) {
    if (key.empty() || entry.value("dev", false) || entry.value("link", false)) continue;
    std::string name = key.substr(key.rfind("node_modules/") + 13);
    locked.insert(name + "@" + entry["version"].get<std::string>());
  }
  EXPECT_EQ(ours, locked);
  // Issue 5's "80 npm packages" counts the lockfile's "packages" entries, the app itself ("") included;
  // the app is the project, not a dependency.
  EXPECT_EQ(ours.size() + 1, lock["packages"].size());
}

INSTANTIATE_TEST_SUITE_P(ReferenceImages, NpmImageTest, ::testing::Values("app-node_alpine", "app-node_bookworm"));

// Installed metadata wins over a lockfile in the same layer, npm-shrinkwrap.json over
// package-lock.json, and lockfiles inside node_modules/ are not read.
TEST(NpmAnalyzerTest, LockfileRulesWithinALayer) {
  auto analyzer = NewNpmAnalyzer();
  const fs::path both = testing::TestData() / "lang/npm/scalibr-packagelockjson/testdata/both";
  EXPECT_FALSE(analyzer->Wants(FileInfo{"app/node_modules/html2canvas/package-lock.json", 0644, 10}));
  EXPECT_FALSE(analyzer->Wants(FileInfo{"app/node_modules/x/lib/package.json", 0644, 10}));
  EXPECT_FALSE(analyzer->Wants(FileInfo{"app/package.json", 0644, 10}));
  EXPECT_TRUE(analyzer->Wants(FileInfo{"node_modules/@babel/parser/package.json", 0644, 10}));
  EXPECT_TRUE(analyzer->Wants(FileInfo{"a/node_modules/b/node_modules/c/package.json", 0644, 10}));
  std::vector<File> files = {
      File{"p/npm-shrinkwrap.json", 0644, testing::ReadFileOrFail(both / "npm-shrinkwrap.json")},
      File{"p/package-lock.json", 0644, testing::ReadFileOrFail(both / "package-lock.json")},
  };
  inventory::LayerResult result;
  analyzer->Analyze(files, result);
  ASSERT_EQ(result.package_dbs.size(), 2u);
  EXPECT_EQ(result.package_dbs[0].path, "p/npm-shrinkwrap.json");
  EXPECT_FALSE(result.package_dbs[0].packages.empty());
  EXPECT_EQ(result.package_dbs[1].path, "p/package-lock.json");
  EXPECT_TRUE(result.package_dbs[1].packages.empty());
}

}  // namespace
}  // namespace hullscan::analyze
