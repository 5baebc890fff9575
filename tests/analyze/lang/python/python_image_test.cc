// End to end on the unpacked reference image app-python (Debian bookworm + python3-requests, -yaml,
// -jinja2, -cryptography, -six; see ../shared/tools/make-images.sh): the real layer walk
// (layer::WalkDirectory) feeding the built-in analyzers through LayerAnalysis. The expected set is
// derived independently from the tree: every *.dist-info / *.egg-info entry on disk, with the name
// and version its directory name carries where it has them.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <string>

#include "analyze/layer_analysis.h"
#include "inventory/layer_result.h"
#include "layer/layer.h"
#include "testing/testdata.h"

namespace hullscan::analyze {
namespace {

namespace fs = std::filesystem;

const fs::path kRootfs = "/work/images/rootfs/app-python_bookworm/rootfs";

std::string Normalise(std::string_view name) {
  std::string out;
  for (char c : name) {
    if (c == '-' || c == '_' || c == '.') {
      if (out.empty() || out.back() != '-') out.push_back('-');
    } else {
      out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    }
  }
  return out;
}

inventory::LayerResult AnalyseRootfs(const AnalyzerList& analyzers) {
  LayerAnalysis analysis(analyzers, "");
  Status status = layer::WalkDirectory(kRootfs, analysis, {});
  EXPECT_TRUE(status.ok()) << status.error().message();
  return std::move(analysis).Finish();
}

TEST(PythonImageTest, AppPythonReportsEveryInstalledDistribution) {
  if (!fs::exists(kRootfs)) GTEST_SKIP() << "reference rootfs not unpacked: " << kRootfs;
  AnalyzerList analyzers = BuiltinAnalyzers();
  inventory::LayerResult result = AnalyseRootfs(analyzers);

  // Ours: metadata file → (name, version).
  std::map<std::string, std::pair<std::string, std::string>> ours;
  for (const auto& db : result.package_dbs) {
    if (db.analyzer != "python-dist") continue;
    ASSERT_EQ(db.packages.size(), 1u) << db.path;
    const auto& p = db.packages[0];
    EXPECT_EQ(p.type, inventory::PackageType::kPypi);
    EXPECT_EQ(p.location.path, db.path);
    ours[db.path] = {p.name, p.version};
  }
  for (const auto& d : result.diagnostics) ADD_FAILURE() << d.path << ": " << d.message;

  // Independently: each *.dist-info / *.egg-info entry in the tree is one distribution; its metadata
  // file is METADATA / PKG-INFO inside it (or the entry itself for a plain .egg-info file), and
  // "<name>-<version>.dist-info" names carry the name and version.
  const std::regex versioned(R"(^([A-Za-z0-9_.]+)-([0-9][^-]*?)(-py[0-9.]+)?\.(dist|egg)-info$)");
  size_t distributions = 0, versioned_names = 0;
  for (auto it = fs::recursive_directory_iterator(kRootfs); it != fs::recursive_directory_iterator(); ++it) {
    if (it->is_symlink()) continue;
    const std::string name = it->path().filename().string();
    const bool dist_info = name.ends_with(".dist-info"), egg_info = name.ends_with(".egg-info");
    if (!dist_info && !egg_info) continue;
    ++distributions;
    std::string rel = fs::relative(it->path(), kRootfs).generic_string();
    std::string metadata = it->is_directory() ? rel + (dist_info ? "/METADATA" : "/PKG-INFO") : rel;
    auto found = ours.find(metadata);
    ASSERT_NE(found, ours.end()) << "not reported: " << metadata;
    std::smatch m;
    if (std::regex_match(name, m, versioned)) {
      ++versioned_names;
      EXPECT_EQ(Normalise(found->second.first), Normalise(m[1].str())) << metadata;
      EXPECT_EQ(found->second.second, m[2].str()) << metadata;
    }
  }
  EXPECT_EQ(ours.size(), distributions) << "a package was reported from something that is no distribution";
  EXPECT_GE(versioned_names + 1, distributions) << "only cryptography.egg-info has no version in its name";

  // The libraries the image build installs (python3-<x> in make-images.sh fill_python) are there.
  std::string script = testing::ReadFileOrFail(testing::SharedDir() / "tools/make-images.sh");
  std::smatch fill;
  ASSERT_TRUE(std::regex_search(script, fill, std::regex(R"(fill_python\(\) \{ apt_in "\$1" ([^;]*);)")));
  std::string list = fill[1].str();
  std::set<std::string> normalised;
  for (const auto& [path, nv] : ours) normalised.insert(Normalise(nv.first));
  std::regex python3_pkg(R"(python3-([a-z0-9]+))");
  int checked = 0;
  for (auto m = std::sregex_iterator(list.begin(), list.end(), python3_pkg); m != std::sregex_iterator(); ++m) {
    std::string lib = (*m)[1].str();
    bool present = false;
    for (const auto& n : normalised) present = present || n.find(lib) != std::string::npos;  // yaml → pyyaml
    EXPECT_TRUE(present) << "python3-" << lib << " installed but not reported";
    ++checked;
  }
  EXPECT_EQ(checked, 5);
}

}  // namespace
}  // namespace hullscan::analyze
