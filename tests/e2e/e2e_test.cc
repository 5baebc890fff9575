// End-to-end tests of the hullscan binary on the real reference images built by
// ../shared/tools/make-images.sh (via scripts/build-test-images, which also unpacks each image
// with umoci). The truth is what the distribution's own tool reads from the unpacked root
// filesystem: dpkg-query --admindir for dpkg, the image's own apk (in a chroot) for apk.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "base/status.h"
#include "cli_runner.h"
#include "testing/testdata.h"

namespace hullscan {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

struct RunResult {
  int exit_code = -1;
  std::string out;
};

// Runs a shell command, capturing stdout (stderr goes to stderr.txt in `dir` when given).
RunResult Shell(const std::string& command) {
  RunResult r;
  FILE* p = ::popen(command.c_str(), "r");
  if (!p) return r;
  char buf[65536];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, n);
  int status = ::pclose(p);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

using hullscan::testing::ImageRow;
using hullscan::testing::Images;
using hullscan::testing::ImagesDir;
using hullscan::testing::Quote;

class E2E : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(ImagesDir().empty()) << "HULLSCAN_IMAGES is not set: run scripts/build-test-images DIR and set "
                                         "HULLSCAN_IMAGES=DIR (scripts/test does both)";
    ASSERT_TRUE(fs::exists(ImagesDir() / "images.tsv")) << "no images.tsv in " << ImagesDir();
    ASSERT_GE(Images().size(), 10u) << "the reference image set is incomplete";
  }
};

// Package identity for comparisons: "type name version arch" (arch omitted for apk truth).
using PackageSet = std::set<std::string>;

Result<json> ScanJson(const std::string& target, int* exit_code = nullptr) {
  RunResult r = Shell(std::string("SOURCE_DATE_EPOCH=1704067200 ") + HULLSCAN_BIN + " sbom " + Quote(target) +
                    " --format json 2>/dev/null");
  if (exit_code) *exit_code = r.exit_code;
  if (r.exit_code != 0) return Internal("hullscan exited with " + std::to_string(r.exit_code) + " on " + target);
  json j = json::parse(r.out, nullptr, false);
  if (j.is_discarded()) return Corrupt("hullscan printed invalid JSON for " + target);
  return j;
}

// The OS packages of a report (the distro tools' truth knows only those; language packages have
// their own end-to-end tests under tests/analyze/lang and tests/match).
PackageSet OurPackages(const json& report, bool with_arch_for_apk) {
  PackageSet out;
  for (const auto& p : report["packages"]) {
    std::string type = p["type"];
    if (type != "deb" && type != "apk" && type != "rpm") continue;
    std::string id = type + " " + p["name"].get<std::string>() + " " + p["version"].get<std::string>();
    if (type != "apk" || with_arch_for_apk) id += " " + p["arch"].get<std::string>();
    out.insert(id);
  }
  return out;
}

// dpkg's view: installed packages (db:Status-Status == installed).
PackageSet DpkgTruth(const fs::path& rootfs) {
  PackageSet out;
  if (!fs::exists(rootfs / "var/lib/dpkg/status")) return out;
  RunResult r = Shell("dpkg-query --admindir=" + Quote((rootfs / "var/lib/dpkg").string()) +
                    " -W -f '${db:Status-Status}\\t${Package}\\t${Version}\\t${Architecture}\\n'");
  EXPECT_EQ(r.exit_code, 0);
  std::stringstream ss(r.out);
  std::string line;
  while (std::getline(ss, line)) {
    std::vector<std::string> f;
    std::stringstream ls(line);
    std::string cell;
    while (std::getline(ls, cell, '\t')) f.push_back(cell);
    if (f.size() == 4 && f[0] == "installed") out.insert("deb " + f[1] + " " + f[2] + " " + f[3]);
  }
  return out;
}

// apk's view, from the image's own apk run in a chroot: "name-version" per line.
PackageSet ApkTruth(const fs::path& rootfs) {
  PackageSet out;
  if (!fs::exists(rootfs / "lib/apk/db/installed")) return out;
  RunResult r = Shell("chroot " + Quote(rootfs.string()) + " /sbin/apk info -v 2>/dev/null");
  EXPECT_EQ(r.exit_code, 0) << "chroot apk failed (needs root)";
  std::stringstream ss(r.out);
  std::string line;
  while (std::getline(ss, line)) {
    // name-<version>-r<N>: the version starts after the second-to-last '-'.
    auto rel = line.rfind("-r");
    if (rel == std::string::npos) continue;
    auto dash = line.rfind('-', rel - 1);
    if (dash == std::string::npos) continue;
    out.insert("apk " + line.substr(0, dash) + " " + line.substr(dash + 1));
  }
  EXPECT_FALSE(out.empty()) << "apk reported no packages in " << rootfs;
  return out;
}

PackageSet Truth(const fs::path& rootfs) {
  PackageSet t = DpkgTruth(rootfs);
  PackageSet a = ApkTruth(rootfs);
  t.insert(a.begin(), a.end());
  return t;
}

TEST_F(E2E, InventoryEqualsDistroToolsForEveryImageAndFormat) {
  for (const auto& image : Images()) {
    SCOPED_TRACE(image.key);
    fs::path rootfs = ImagesDir() / "rootfs" / image.key / "rootfs";
    ASSERT_TRUE(fs::is_directory(rootfs)) << "not unpacked: " << rootfs;
    PackageSet truth = Truth(rootfs);
    const std::map<std::string, std::string> targets = {
        {"docker-archive", "docker-archive:" + (ImagesDir() / "docker-archive" / (image.key + ".tar")).string()},
        {"oci-archive", "oci-archive:" + (ImagesDir() / "oci-archive" / (image.key + ".tar")).string()},
        {"oci", "oci:" + (ImagesDir() / "oci" / image.key).string()},
        {"rootfs", "dir:" + rootfs.string()},
    };
    for (const auto& [kind, target] : targets) {
      SCOPED_TRACE(kind);
      auto report = ScanJson(target);
      ASSERT_TRUE(report.ok()) << report.error().message();
      EXPECT_EQ(OurPackages(*report, false), truth);
      EXPECT_TRUE((*report)["diagnostics"].empty()) << (*report)["diagnostics"].dump();
      if (kind == "oci" || kind == "oci-archive") {
        EXPECT_EQ((*report)["artifact"]["manifest_digest"], image.manifest_digest);
      }
      if (kind != "rootfs") {
        std::set<std::string> diff_ids;
        for (const auto& l : (*report)["artifact"]["layers"]) diff_ids.insert(l["diff_id"]);
        for (const auto& p : (*report)["packages"])
          EXPECT_TRUE(diff_ids.count(p["location"]["layer_diff_id"])) << p["name"];
      }
    }
  }
}

TEST_F(E2E, DistroIsDetectedOnEveryOsImage) {
  for (const auto& image : Images()) {
    SCOPED_TRACE(image.key);
    auto report = ScanJson("oci:" + (ImagesDir() / "oci" / image.key).string());
    ASSERT_TRUE(report.ok());
    fs::path rootfs = ImagesDir() / "rootfs" / image.key / "rootfs";
    if (image.key == "app-go_scratch") {
      // FROM scratch: no distro, no OS packages; only the Go binary's modules.
      EXPECT_TRUE((*report)["distro"].is_null());
      EXPECT_FALSE((*report)["packages"].empty());
      for (const auto& p : (*report)["packages"]) EXPECT_EQ(p["type"], "golang") << p["name"];
      continue;
    }
    // The truth: the image's own os-release, read through its symlink.
    std::string os_release = testing::ReadFileOrFail(fs::exists(rootfs / "etc/os-release") && !fs::is_symlink(rootfs / "etc/os-release")
                                                         ? rootfs / "etc/os-release"
                                                         : rootfs / "usr/lib/os-release");
    std::string id;
    std::stringstream ss(os_release);
    for (std::string line; std::getline(ss, line);)
      if (line.rfind("ID=", 0) == 0) id = line.substr(3);
    ASSERT_FALSE((*report)["distro"].is_null());
    EXPECT_EQ((*report)["distro"]["family"], id);
  }
}

// Packages a derived image adds on top of its base must be attributed to the layers that added
// them; the base's packages to the base layer.
TEST_F(E2E, PackagesAreAttributedToTheLayerThatAddedThem) {
  auto base = ScanJson("oci:" + (ImagesDir() / "oci/debian_bookworm-minbase").string());
  auto app = ScanJson("oci:" + (ImagesDir() / "oci/app-python_bookworm").string());
  ASSERT_TRUE(base.ok() && app.ok());
  PackageSet in_base = OurPackages(*base, true);
  std::string first_layer = (*app)["artifact"]["layers"][0]["diff_id"];
  ASSERT_EQ((*base)["artifact"]["layers"][0]["diff_id"], first_layer) << "app image must share the base layer";
  size_t added = 0;
  for (const auto& p : (*app)["packages"]) {
    std::string id = p["type"].get<std::string>() + " " + p["name"].get<std::string>() + " " +
                     p["version"].get<std::string>() + " " + p["arch"].get<std::string>();
    if (in_base.count(id)) {
      EXPECT_EQ(p["location"]["layer_diff_id"], first_layer) << id;
    } else {
      ++added;
      EXPECT_NE(p["location"]["layer_diff_id"], first_layer) << id;
    }
  }
  EXPECT_GT(added, 10u) << "python3 and its libraries come in the second layer";
}

fs::path Validator() { return testing::SourceDir() / "tests/tools/schema-validator/validate.mjs"; }

TEST_F(E2E, SbomsOfRealImagesValidateAgainstTheOfficialSchemas) {
  testing::TempDir tmp;
  for (std::string key : {"debian_bookworm-minbase", "alpine_3.20.3", "app-node_alpine", "app-go_scratch"}) {
    SCOPED_TRACE(key);
    for (auto [format, schema] : {std::pair{"cyclonedx", "bom-1.6.schema.json"}, {"spdx-json", "spdx-2.3.schema.json"}}) {
      fs::path out = tmp.path() / (key + "." + format + ".json");
      RunResult r = Shell(std::string(HULLSCAN_BIN) + " sbom " + Quote("oci:" + (ImagesDir() / "oci" / key).string()) +
                        " --format " + format + " --output " + Quote(out.string()));
      ASSERT_EQ(r.exit_code, 0);
      RunResult v = Shell("node " + Quote(Validator().string()) + " " +
                        Quote((testing::SharedDir() / "schemas" / schema).string()) + " " + Quote(out.string()) + " 2>&1");
      EXPECT_EQ(v.exit_code, 0) << v.out;
    }
  }
}

TEST_F(E2E, TamperedLayerFailsWithTheBlobNamedAndWritesNothing) {
  testing::TempDir tmp;
  fs::path layout = tmp.path() / "layout";
  fs::copy(ImagesDir() / "oci/alpine_3.20.3", layout, fs::copy_options::recursive);
  // Flip one byte in the middle of the (only) layer blob: the largest file in blobs/.
  fs::path largest;
  for (const auto& e : fs::directory_iterator(layout / "blobs/sha256"))
    if (largest.empty() || fs::file_size(e.path()) > fs::file_size(largest)) largest = e.path();
  {
    std::fstream f(largest, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(static_cast<std::streamoff>(fs::file_size(largest) / 2));
    char c = 0;
    f.read(&c, 1);
    f.seekp(static_cast<std::streamoff>(fs::file_size(largest) / 2));
    c = static_cast<char>(c ^ 0x20);
    f.write(&c, 1);
  }
  fs::path out = tmp.path() / "sbom.json";
  RunResult r = Shell(std::string(HULLSCAN_BIN) + " sbom " + Quote("oci:" + layout.string()) + " --format json --output " +
                    Quote(out.string()) + " 2>&1");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.out.find("sha256:" + largest.filename().string()), std::string::npos) << r.out;
  EXPECT_FALSE(fs::exists(out)) << "a failed scan must not leave a report behind";
}

TEST_F(E2E, ExitCodesAndErrors) {
  EXPECT_EQ(Shell(std::string(HULLSCAN_BIN) + " sbom /nonexistent/image.tar 2>/dev/null").exit_code, 2);
  EXPECT_EQ(Shell(std::string(HULLSCAN_BIN) + " sbom --format nope " +
                Quote("oci:" + (ImagesDir() / "oci/alpine_3.20.3").string()) + " 2>/dev/null")
                .exit_code,
            2);
  EXPECT_EQ(Shell(std::string(HULLSCAN_BIN) + " --no-such-flag 2>/dev/null").exit_code, 2);
  EXPECT_EQ(Shell(std::string(HULLSCAN_BIN) + " version").out.rfind("hullscan ", 0), 0u);
  RunResult ok = Shell(std::string(HULLSCAN_BIN) + " image --scanners none --input " +
                     Quote((ImagesDir() / "docker-archive/alpine_3.20.3.tar").string()) + " -q");
  EXPECT_EQ(ok.exit_code, 0);
  EXPECT_NE(ok.out.find("musl"), std::string::npos);
}

TEST_F(E2E, ReportsAreByteStableAcrossRunsAndSourceForms) {
  auto a = ScanJson("oci:" + (ImagesDir() / "oci/app-node_bookworm").string());
  auto b = ScanJson("oci:" + (ImagesDir() / "oci/app-node_bookworm").string());
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->dump(), b->dump());
  auto c = ScanJson("oci-archive:" + (ImagesDir() / "oci-archive/app-node_bookworm.tar").string());
  ASSERT_TRUE(c.ok());
  EXPECT_EQ((*a)["packages"], (*c)["packages"]);
}

}  // namespace
}  // namespace hullscan
