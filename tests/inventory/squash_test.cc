#include <gtest/gtest.h>

#include "inventory/inventory.h"

namespace hullscan::inventory {
namespace {

Package Deb(std::string name, std::string version) {
  Package p;
  p.type = PackageType::kDeb;
  p.name = std::move(name);
  p.version = std::move(version);
  p.arch = "amd64";
  return p;
}

PackageDb Status(std::vector<Package> pkgs, std::string path = "var/lib/dpkg/status") {
  return PackageDb{std::move(path), "dpkg", std::move(pkgs)};
}

LayerResult Layer(std::string id) {
  LayerResult r;
  r.diff_id = "sha256:" + id;
  return r;
}

std::vector<std::string> Names(const Inventory& inv) {
  std::vector<std::string> out;
  for (const auto& p : inv.packages) out.push_back(p.name + "@" + p.version + "<" + p.location.layer_diff_id + ">");
  return out;
}

TEST(SquashTest, LaterDatabaseReplacesEarlierAndOriginLayerIsTracked) {
  LayerResult l1 = Layer("1"), l2 = Layer("2"), l3 = Layer("3");
  l1.package_dbs.push_back(Status({Deb("bash", "5.2-1"), Deb("libc6", "2.36-9")}));
  // Layer 2 installs curl and upgrades libc6; layer 3 adds nothing to dpkg.
  l2.package_dbs.push_back(Status({Deb("bash", "5.2-1"), Deb("curl", "7.88-1"), Deb("libc6", "2.36-9+deb12u4")}));
  l3.os_files["etc/os-release"] = "ID=debian\n";
  std::vector<LayerResult> layers{l1, l2, l3};
  Inventory inv = Squash({}, layers);
  EXPECT_EQ(Names(inv), (std::vector<std::string>{"bash@5.2-1<sha256:1>", "curl@7.88-1<sha256:2>",
                                                  "libc6@2.36-9+deb12u4<sha256:2>"}));
  EXPECT_EQ(inv.packages[0].location.path, "var/lib/dpkg/status");
  EXPECT_EQ(inv.os_files.at("etc/os-release"), "ID=debian\n");
}

TEST(SquashTest, PackageRemovedAndReinstalledCountsFromReinstall) {
  LayerResult l1 = Layer("1"), l2 = Layer("2"), l3 = Layer("3");
  l1.package_dbs.push_back(Status({Deb("vim", "9.0-1")}));
  l2.package_dbs.push_back(Status({}));
  l3.package_dbs.push_back(Status({Deb("vim", "9.0-1")}));
  std::vector<LayerResult> layers{l1, l2, l3};
  EXPECT_EQ(Names(Squash({}, layers)), std::vector<std::string>{"vim@9.0-1<sha256:3>"});
}

TEST(SquashTest, WhiteoutRemovesLowerFilesOnly) {
  LayerResult l1 = Layer("1"), l2 = Layer("2");
  l1.package_dbs.push_back(Status({Deb("a", "1")}));
  l1.package_dbs.push_back(Status({Deb("distroless-pkg", "1")}, "var/lib/dpkg/status.d/distroless-pkg"));
  l2.whiteouts.push_back("var/lib/dpkg/status.d");
  std::vector<LayerResult> layers{l1, l2};
  EXPECT_EQ(Names(Squash({}, layers)), std::vector<std::string>{"a@1<sha256:1>"});

  // A whiteout in the same layer as a new file at that path does not delete the new file.
  LayerResult l3 = Layer("3");
  l3.whiteouts.push_back("var/lib/dpkg/status");
  l3.package_dbs.push_back(Status({Deb("b", "2")}));
  std::vector<LayerResult> layers2{l1, l3};
  EXPECT_EQ(Names(Squash({}, layers2)), (std::vector<std::string>{"b@2<sha256:3>", "distroless-pkg@1<sha256:1>"}));
}

TEST(SquashTest, OpaqueDirectoryHidesLowerContentButNotTheDirItself) {
  LayerResult l1 = Layer("1"), l2 = Layer("2");
  l1.package_dbs.push_back(Status({Deb("old", "1")}, "var/lib/dpkg/status.d/old"));
  l1.os_files["etc/os-release"] = "ID=debian\n";
  l2.opaque_dirs.push_back("var/lib/dpkg/status.d");
  l2.package_dbs.push_back(Status({Deb("new", "1")}, "var/lib/dpkg/status.d/new"));
  std::vector<LayerResult> layers{l1, l2};
  Inventory inv = Squash({}, layers);
  EXPECT_EQ(Names(inv), std::vector<std::string>{"new@1<sha256:2>"});
  EXPECT_EQ(inv.os_files.size(), 1u);  // outside the opaque dir: untouched
}

TEST(SquashTest, WhiteoutOfAPrefixNameIsNotADirectoryMatch) {
  LayerResult l1 = Layer("1"), l2 = Layer("2");
  l1.package_dbs.push_back(Status({Deb("a", "1")}, "var/lib/dpkg/status"));
  l2.whiteouts.push_back("var/lib/dpkg/stat");  // a sibling file, not a parent
  std::vector<LayerResult> layers{l1, l2};
  EXPECT_EQ(Names(Squash({}, layers)).size(), 1u);
}

TEST(SquashTest, OwnedFilesAttachToDpkgPackages) {
  LayerResult l1 = Layer("1"), l2 = Layer("2");
  l1.package_dbs.push_back(Status({Deb("tar", "1.34")}));
  l1.owned_files.push_back({"var/lib/dpkg/info/tar.list", "tar", {"bin/tar", "usr/share/doc/tar/copyright"}});
  l2.owned_files.push_back({"var/lib/dpkg/info/tar.list", "tar", {"bin/tar"}});  // later rewrite wins
  std::vector<LayerResult> layers{l1, l2};
  Inventory inv = Squash({}, layers);
  ASSERT_EQ(inv.packages.size(), 1u);
  EXPECT_EQ(inv.packages[0].installed_files, std::vector<std::string>{"bin/tar"});
}

TEST(SquashTest, DiagnosticsCarryTheirLayerAndAreSorted) {
  LayerResult l1 = Layer("1"), l2 = Layer("2");
  l2.diagnostics.push_back({"", "z", "bad"});
  l1.diagnostics.push_back({"", "a", "bad"});
  std::vector<LayerResult> layers{l1, l2};
  Inventory inv = Squash({}, layers);
  ASSERT_EQ(inv.diagnostics.size(), 2u);
  EXPECT_EQ(inv.diagnostics[0].layer_diff_id, "sha256:1");
  EXPECT_EQ(inv.diagnostics[1].layer_diff_id, "sha256:2");
}

TEST(SquashTest, IsPureAndOrderIndependentOfInputListOrder) {
  LayerResult l1 = Layer("1");
  l1.package_dbs.push_back(Status({Deb("zlib1g", "1"), Deb("apt", "2"), Deb("bash", "3")}));
  std::vector<LayerResult> layers{l1};
  Inventory a = Squash({}, layers), b = Squash({}, layers);
  EXPECT_EQ(a.packages, b.packages);
  EXPECT_EQ(Names(a), (std::vector<std::string>{"apt@2<sha256:1>", "bash@3<sha256:1>", "zlib1g@1<sha256:1>"}));
}

}  // namespace
}  // namespace hullscan::inventory

namespace hullscan::inventory {
namespace {

// A dist-info that dpkg installed is the Debian package, not a second, PyPI one; a pip-installed
// one (not in any OS package's file list) stays.
TEST(RemoveOsOwnedLanguagePackagesTest, DropsOnlyLanguagePackagesWhoseMetadataAnOsPackageOwns) {
  Inventory inv;
  Package deb;
  deb.type = PackageType::kDeb;
  deb.name = "python3-urllib3";
  deb.installed_files = {"usr/lib/python3/dist-packages/urllib3-1.26.12.dist-info/METADATA"};
  Package owned;
  owned.type = PackageType::kPypi;
  owned.name = "urllib3";
  owned.location.path = "usr/lib/python3/dist-packages/urllib3-1.26.12.dist-info/METADATA";
  Package pip = owned;
  pip.location.path = "usr/local/lib/python3.11/dist-packages/urllib3-2.0.7.dist-info/METADATA";
  inv.packages = {deb, owned, pip};
  EXPECT_EQ(RemoveOsOwnedLanguagePackages(inv), 1u);
  ASSERT_EQ(inv.packages.size(), 2u);
  EXPECT_EQ(inv.packages[0].name, "python3-urllib3");
  EXPECT_EQ(inv.packages[1].location.path, pip.location.path);
}

}  // namespace
}  // namespace hullscan::inventory

namespace hullscan::inventory {
namespace {

Package Npm(std::string name, std::string version, std::string path) {
  Package p;
  p.type = PackageType::kNpm;
  p.name = std::move(name);
  p.version = std::move(version);
  p.location.path = std::move(path);
  return p;
}

// The lockfile layer and the `npm ci` layer of a Node image: the installed tree wins; a lockfile
// of another project (no node_modules next to it) stays.
TEST(PreferInstalledNpmPackagesTest, LockfileNextToAnInstalledTreeIsDropped) {
  Inventory inv;
  inv.packages = {Npm("lodash", "4.17.15", "app/package-lock.json"), Npm("mocha", "10.0.0", "app/package-lock.json"),
                  Npm("lodash", "4.17.15", "app/node_modules/lodash/package.json"),
                  Npm("left-pad", "1.3.0", "other/package-lock.json")};
  EXPECT_EQ(PreferInstalledNpmPackages(inv), 2u);
  ASSERT_EQ(inv.packages.size(), 2u);
  EXPECT_EQ(inv.packages[0].location.path, "app/node_modules/lodash/package.json");
  EXPECT_EQ(inv.packages[1].location.path, "other/package-lock.json");
}

}  // namespace
}  // namespace hullscan::inventory
