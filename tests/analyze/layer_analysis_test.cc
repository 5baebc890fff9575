// LayerAnalysis: a real layer walk dispatched to the built-in analyzers, then merged by Squash.
#include "analyze/layer_analysis.h"

#include <gtest/gtest.h>

#include "analyze/os/os.h"
#include "inventory/inventory.h"
#include "testing/image_builder.h"
#include "testing/testdata.h"

namespace hullscan::analyze {
namespace {

using testing::File;
using testing::Symlink;
using testing::TarMember;

inventory::LayerResult AnalyzeTar(const AnalyzerList& analyzers, const std::string& tar, std::string id) {
  auto stream = layer::OpenLayerStream(io::NewStringReader(tar), std::nullopt, -1, Sha256::Of(tar), {});
  EXPECT_TRUE(stream.ok());
  LayerAnalysis analysis(analyzers, std::move(id));
  Status s = layer::WalkTar(**stream, analysis, {});
  EXPECT_TRUE(s.ok()) << s.error().message();
  return std::move(analysis).Finish();
}

std::string DebianOsRelease() {
  return testing::ReadFileOrFail(testing::TestData() / "os-release/claircore/debian/dist/12/etc/os-release");
}

TEST(LayerAnalysisTest, HardLinkToAWantedFileIsAnalysedUnderBothNames) {
  AnalyzerList analyzers = BuiltinAnalyzers();
  TarMember link{"etc/os-release", "", TarMember::Kind::kHardlink, "usr/lib/os-release", 0644};
  auto result = AnalyzeTar(analyzers, testing::MakeTar({File("usr/lib/os-release", DebianOsRelease()), link}), "sha256:1");
  EXPECT_EQ(result.os_files.count("usr/lib/os-release"), 1u);
  ASSERT_EQ(result.os_files.count("etc/os-release"), 1u);
  EXPECT_EQ(result.os_files.at("etc/os-release"), DebianOsRelease());
}

TEST(LayerAnalysisTest, SymlinkOverAWantedFileHidesTheLowerLayersCopy) {
  AnalyzerList analyzers = BuiltinAnalyzers();
  std::string status =
      testing::ReadFileOrFail(testing::TestData() / "osdb/dpkg/trivy-only-apt/var/lib/dpkg/status");
  std::vector<inventory::LayerResult> layers;
  layers.push_back(AnalyzeTar(analyzers, testing::MakeTar({File("var/lib/dpkg/status", status),
                                                           File("etc/os-release", "ID=alpine\nVERSION_ID=3.20\n")}),
                              "sha256:1"));
  // Layer 2 replaces etc/os-release by a link to a Debian os-release in usr/lib.
  layers.push_back(AnalyzeTar(analyzers, testing::MakeTar({File("usr/lib/os-release", DebianOsRelease()),
                                                           Symlink("etc/os-release", "../usr/lib/os-release")}),
                              "sha256:2"));
  inventory::Inventory inv = inventory::Squash({}, layers);
  EXPECT_EQ(inv.os_files.count("etc/os-release"), 0u) << "the stale Alpine file must not survive";
  auto distro = DetectDistro(inv.os_files);
  ASSERT_TRUE(distro.has_value());
  EXPECT_EQ(distro->family, "debian");
  ASSERT_EQ(inv.packages.size(), 1u);  // trivy-only-apt: one stanza (apt), from layer 1
  EXPECT_EQ(inv.packages[0].location.layer_diff_id, "sha256:1");
}

TEST(LayerAnalysisTest, LaterEntryForTheSamePathWins) {
  AnalyzerList analyzers = BuiltinAnalyzers();
  auto result = AnalyzeTar(analyzers, testing::MakeTar({File("etc/alpine-release", "3.18.0\n"),
                                                        File("etc/alpine-release", "3.18.4\n")}),
                           "sha256:1");
  EXPECT_EQ(result.os_files.at("etc/alpine-release"), "3.18.4\n");
}

}  // namespace
}  // namespace hullscan::analyze
