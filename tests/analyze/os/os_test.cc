// The os-files analyzer (what it collects) and DetectDistro's rules on merged layers: which file
// wins, how release files refine the version, and what hostile content does.
#include <gtest/gtest.h>

#include <random>
#include <set>
#include <string>
#include <vector>

#include "analyze/os/internal/os_release.h"
#include "analyze/os/os.h"
#include "base/strings.h"
#include "inventory/inventory.h"
#include "os_files_util.h"
#include "testing/testdata.h"

namespace hullscan::analyze {
namespace {

namespace fs = std::filesystem;
using inventory::Distro;
using inventory::LayerResult;
using testing::AnalyzeLayer;
using testing::CollectOsFiles;
using testing::ImageFile;
using testing::OsReleaseData;

std::string Fixture(const std::string& relative) {
  return hullscan::testing::ReadFileOrFail(OsReleaseData() / relative);
}

// Merges layers (lowest first) with the real Squash and detects on the result, as a scan does.
std::optional<Distro> DetectMerged(const std::vector<LayerResult>& layers) {
  inventory::Inventory inv = inventory::Squash(inventory::Artifact{}, layers);
  return DetectDistro(inv.os_files);
}

bool IsValidUtf8WithoutControls(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x20 || c == 0x7F) return false;
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 ? 2 : 0;
    if (len == 0 || i + len > s.size()) return false;
    for (size_t k = 1; k < len; ++k)
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    i += len;
  }
  return true;
}

// What any detection must look like, whatever the input: a well-formed id and short printable
// fields that a report can carry as they are.
void ExpectSane(const Distro& d) {
  EXPECT_FALSE(d.family.empty());
  for (char c : d.family) {
    EXPECT_TRUE((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-') << d.family;
  }
  for (const std::string* field : {&d.family, &d.version, &d.codename, &d.pretty_name, &d.source_path, &d.version_id,
                                   &d.variant, &d.cpe}) {
    EXPECT_LE(field->size(), 256u);
    EXPECT_TRUE(IsValidUtf8WithoutControls(*field)) << *field;
  }
  EXPECT_EQ(d.version.find(' '), std::string::npos) << d.version;
  for (const auto& like : d.id_like) EXPECT_TRUE(IsValidUtf8WithoutControls(like));
}

// ---------------------------------------------------------------------------------------------
// The analyzer.

// What the analyzer must collect. Written out here (not taken from kOsFilePaths) so that
// dropping a path from the analyzer is caught.
const std::set<std::string> kExpectedPaths = {
    "etc/os-release",
    "usr/lib/os-release",
    "x86_64-bottlerocket-linux-gnu/sys-root/usr/lib/os-release",
    "aarch64-bottlerocket-linux-gnu/sys-root/usr/lib/os-release",
    "etc/lsb-release",
    "etc/debian_version",
    "etc/alpine-release",
    "etc/redhat-release",
    "etc/centos-release",
    "etc/rocky-release",
    "etc/almalinux-release",
    "etc/oracle-release",
    "etc/fedora-release",
    "etc/system-release",
    "usr/lib/system-release",
    "etc/system-release-cpe",
    "etc/SuSE-release",
    "etc/photon-release",
    "etc/mariner-release",
};

TEST(OsFilesAnalyzerTest, Identity) {
  auto analyzer = NewOsFilesAnalyzer();
  EXPECT_EQ(analyzer->Name(), "os-files");
  EXPECT_GE(analyzer->Version(), 1);
  EXPECT_EQ(analyzer->MaxFileSize(), 64 * 1024);
}

TEST(OsFilesAnalyzerTest, WantsExactlyTheDistroFiles) {
  auto analyzer = NewOsFilesAnalyzer();
  std::set<std::string> listed(os_internal::kOsFilePaths.begin(), os_internal::kOsFilePaths.end());
  EXPECT_EQ(listed, kExpectedPaths);
  for (const auto& path : kExpectedPaths) EXPECT_TRUE(analyzer->Wants({path, 0644, 100})) << path;
  // Size does not matter to Wants (MaxFileSize handles that); mode neither.
  EXPECT_TRUE(analyzer->Wants({"etc/os-release", 0, 0}));
  EXPECT_TRUE(analyzer->Wants({"etc/os-release", 0100755, int64_t{1} << 40}));
  for (const char* path : {"", "/etc/os-release", "etc/os-release/", "etc/os-release.bak", "etc/os-release~",
                           "Etc/os-release", "etc/OS-release", "etc/suse-release", "xetc/os-release",
                           "root/etc/os-release", "usr/lib/os-release.d/10-extra", "usr/lib64/os-release",
                           "etc/issue", "etc/apk/repositories", "var/lib/dpkg/status", "lib/apk/db/installed",
                           "bin/busybox", "etc", "etc/", "usr/lib/system-release-cpe", "etc/wolfi-release"}) {
    EXPECT_FALSE(analyzer->Wants({path, 0644, 100})) << path;
  }
}

TEST(OsFilesAnalyzerTest, StoresWantedContentVerbatim) {
  std::string binary("ID=debian\0\xff\r\n", 14);
  LayerResult layer = AnalyzeLayer({{"etc/os-release", binary},
                                    {"etc/debian_version", "12.5\n"},
                                    {"etc/issue", "Debian GNU/Linux 12 \\n \\l\n"},
                                    {"var/lib/dpkg/status", "Package: x\n"}},
                                   "sha256:aa");
  std::map<std::string, std::string> want = {{"etc/debian_version", "12.5\n"}, {"etc/os-release", binary}};
  EXPECT_EQ(layer.os_files, want);
  EXPECT_TRUE(layer.diagnostics.empty());
  EXPECT_TRUE(layer.package_dbs.empty());
}

TEST(OsFilesAnalyzerTest, KeepsOnlyTheFirst64KiBOfAnOversizedFile) {
  // The layer reader does not hand over files beyond MaxFileSize; should one arrive anyway, a
  // prefix is kept (it still replaces the lower layers' copy) and a diagnostic says so.
  std::string huge = "ID=alpine\nVERSION_ID=3.19.1\n" + std::string(1 << 20, 'x');
  auto analyzer = NewOsFilesAnalyzer();
  LayerResult layer;
  layer.diff_id = "sha256:bb";
  std::vector<File> files = {File{"etc/os-release", 0644, huge}};
  analyzer->Analyze(files, layer);
  ASSERT_EQ(layer.os_files.count("etc/os-release"), 1u);
  EXPECT_EQ(layer.os_files["etc/os-release"].size(), 64u * 1024);
  ASSERT_EQ(layer.diagnostics.size(), 1u);
  EXPECT_EQ(layer.diagnostics[0].layer_diff_id, "sha256:bb");
  EXPECT_EQ(layer.diagnostics[0].path, "etc/os-release");
  auto d = DetectDistro(layer.os_files);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->family, "alpine");
  EXPECT_EQ(d->version, "3.19.1");
}

TEST(OsFilesAnalyzerTest, IgnoresFilesItDidNotAskFor) {
  auto analyzer = NewOsFilesAnalyzer();
  LayerResult layer;
  std::vector<File> files = {File{"etc/issue", 0644, "x"}, File{"etc/os-release", 0644, "ID=wolfi\n"}};
  analyzer->Analyze(files, layer);
  EXPECT_EQ(layer.os_files.size(), 1u);
  EXPECT_EQ(layer.os_files.count("etc/os-release"), 1u);
}

// ---------------------------------------------------------------------------------------------
// Merged layers (through Squash) and which file wins.

TEST(DistroMergeTest, OsReleaseOnlyUnderUsrLibWhenEtcIsASymlink) {
  // etc/os-release -> ../usr/lib/os-release: the layer reader offers only the regular file.
  const std::string fixture = "syft/os/debian/with-point-release/";
  LayerResult base = AnalyzeLayer({{"usr/lib/os-release", Fixture(fixture + "etc/os-release")},
                                   {"etc/debian_version", Fixture(fixture + "etc/debian_version")}});
  auto d = DetectMerged({base});
  ASSERT_TRUE(d);
  EXPECT_EQ(d->family, "debian");
  EXPECT_EQ(d->version, "13.5");
  EXPECT_EQ(d->version_id, "13");
  EXPECT_EQ(d->codename, "trixie");
  EXPECT_EQ(d->source_path, "usr/lib/os-release");
}

TEST(DistroMergeTest, RegularEtcOsReleaseWinsOverUsrLib) {
  LayerResult base = AnalyzeLayer({{"usr/lib/os-release", Fixture("syft/os/centos/usr/lib/os-release")}});
  LayerResult top = AnalyzeLayer({{"etc/os-release", Fixture("syft/os/ubuntu/etc/os-release")}});
  auto d = DetectMerged({base, top});
  ASSERT_TRUE(d);
  EXPECT_EQ(d->family, "ubuntu");
  EXPECT_EQ(d->source_path, "etc/os-release");
}

TEST(DistroMergeTest, EtcOsReleaseWithoutIdFallsBackToUsrLib) {
  for (const std::string& etc : {std::string(), std::string("\n\n"), std::string("garbage\x01\x02", 9),
                                Fixture("syft/partial-fields/missing-id/usr/lib/os-release")}) {
    auto d = DetectDistro(CollectOsFiles({{"etc/os-release", etc},
                                          {"usr/lib/os-release", Fixture("syft/os/fedora/usr/lib/os-release")}}));
    ASSERT_TRUE(d);
    EXPECT_EQ(d->family, "fedora");
    EXPECT_EQ(d->source_path, "usr/lib/os-release");
  }
}

TEST(DistroMergeTest, LaterLayerRewritesOneFile) {
  // A point-release upgrade rewrites debian_version but not os-release.
  LayerResult base = AnalyzeLayer({{"etc/os-release", Fixture("claircore/debian/dist/12/etc/os-release")},
                                   {"etc/debian_version", "12.4\n"}});
  LayerResult upgrade = AnalyzeLayer({{"etc/debian_version", "12.5\n"}});
  auto d = DetectMerged({base, upgrade});
  ASSERT_TRUE(d);
  EXPECT_EQ(d->version, "12.5");
  EXPECT_EQ(d->codename, "bookworm");
}

TEST(DistroMergeTest, WhiteoutsAndOpaqueDirsApply) {
  LayerResult debian = AnalyzeLayer({{"etc/os-release", Fixture("claircore/debian/dist/12/etc/os-release")},
                                     {"etc/debian_version", "12.5\n"}});
  // A later layer deletes etc/os-release: debian_version alone still says Debian 12.5.
  LayerResult removes_os_release;
  removes_os_release.whiteouts = {"etc/os-release"};
  auto d = DetectMerged({debian, removes_os_release});
  ASSERT_TRUE(d);
  EXPECT_EQ(d->family, "debian");
  EXPECT_EQ(d->version, "12.5");
  EXPECT_EQ(d->source_path, "etc/debian_version");
  // Then one makes etc/ opaque and brings Alpine's files: nothing of Debian is left.
  LayerResult alpine = AnalyzeLayer({{"etc/os-release", Fixture("claircore/alpine/3.18/etc/os-release")},
                                     {"etc/alpine-release", "3.18.4\n"}});
  alpine.opaque_dirs = {"etc"};
  d = DetectMerged({debian, removes_os_release, alpine});
  ASSERT_TRUE(d);
  EXPECT_EQ(d->family, "alpine");
  EXPECT_EQ(d->version, "3.18.4");
  // Deleting everything identifying leaves nothing.
  LayerResult wipes;
  wipes.whiteouts = {"etc"};
  EXPECT_FALSE(DetectMerged({debian, wipes}));
}

// ---------------------------------------------------------------------------------------------
// Precedence and refinement between files.

TEST(DistroRulesTest, ReleaseFileExtendsOsReleaseVersion) {
  // CentOS: os-release says "7", centos-release "7.6.1810" (Trivy's fullest-version rule).
  auto d = DetectDistro(CollectOsFiles({{"etc/os-release", Fixture("trivy/release/centos")},
                                        {"etc/centos-release", Fixture("trivy/redhatbase/centos/centos-release")}}));
  ASSERT_TRUE(d);
  EXPECT_EQ(d->family, "centos");
  EXPECT_EQ(d->version, "7.6.1810");
  EXPECT_EQ(d->version_id, "7");
  EXPECT_EQ(d->pretty_name, "CentOS Linux 7 (Core)");
  EXPECT_EQ(d->source_path, "etc/os-release");

  // Mariner: mariner-release carries the build date.
  d = DetectDistro(CollectOsFiles({{"etc/os-release", Fixture("trivy/release/mariner-2.0")},
                                   {"etc/mariner-release", "CBL-Mariner 2.0.20240123\nMARINER_BUILD_NUMBER=abc\n"}}));
  ASSERT_TRUE(d);
  EXPECT_EQ(d->version, "2.0.20240123");

  // Amazon Linux 2023: os-release "2023", system-release the point release.
  const std::string al2023_os_release = "NAME=\"Amazon Linux\"\nID=\"amzn\"\nVERSION_ID=\"2023\"\n";
  d = DetectDistro(CollectOsFiles({{"usr/lib/os-release", al2023_os_release},
                                   {"usr/lib/system-release", "Amazon Linux release 2023.3.20240131 (Amazon Linux)"}}));
  ASSERT_TRUE(d);
  EXPECT_EQ(d->family, "amzn");
  EXPECT_EQ(d->version, "2023.3.20240131");
}

TEST(DistroRulesTest, ContradictingReleaseFileDoesNotOverrideOsRelease) {
  // claircore's RHEL 7 fixture: os-release 7.7, redhat-release 7.4. os-release is the standard
  // file and 7.4 does not extend 7.7, so 7.7 stays.
  auto d = DetectDistro(CollectOsFiles(testing::ReadTree(OsReleaseData() / "claircore/rhel/releasefiles/7")));
  ASSERT_TRUE(d);
  EXPECT_EQ(d->family, "rhel");
  EXPECT_EQ(d->version, "7.7");
  EXPECT_EQ(d->variant, "");
  EXPECT_EQ(d->cpe, "cpe:/o:redhat:enterprise_linux:7.7:GA:server");
}

TEST(DistroRulesTest, OtherFamiliesReleaseFilesAreIgnored) {
  // Ubuntu ships a debian_version ("bookworm/sid"): it must neither win nor refine.
  auto d = DetectDistro(CollectOsFiles({{"etc/os-release", Fixture("claircore/ubuntu/dist/22.04/etc/os-release")},
                                        {"etc/debian_version", "bookworm/sid\n"}}));
  ASSERT_TRUE(d);
  EXPECT_EQ(d->family, "ubuntu");
  EXPECT_EQ(d->version, "22.04");
  // Without os-release, lsb-release names Ubuntu before debian_version could say Debian.
  d = DetectDistro(CollectOsFiles({{"etc/lsb-release", Fixture("claircore/ubuntu/dist/10.04/etc/lsb-release")},
                                   {"etc/debian_version", "squeeze/sid\n"}}));
  ASSERT_TRUE(d);
  EXPECT_EQ(d->family, "ubuntu");
  EXPECT_EQ(d->version, "10.04");
  EXPECT_EQ(d->codename, "lucid");
  EXPECT_EQ(d->source_path, "etc/lsb-release");
  // Oracle Linux 7 without os-release: its redhat-release names RHEL, oracle-release wins.
  d = DetectDistro(CollectOsFiles(testing::ReadTree(OsReleaseData() / "claircore/rhel/releasefiles/oracle-7")));
  ASSERT_TRUE(d);
  EXPECT_EQ(d->family, "ol");
  EXPECT_EQ(d->version, "7.9");
  EXPECT_EQ(d->source_path, "etc/oracle-release");
}

TEST(DistroRulesTest, Variants) {
  auto detect = [](const std::string& path, const std::string& fixture) {
    return DetectDistro(CollectOsFiles({{path, Fixture(fixture)}}));
  };
  auto d = detect("etc/os-release", "claircore/debian/distroless_dist/11/etc/os-release");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->variant, "distroless");
  EXPECT_EQ(d->codename, "bullseye");  // from VERSION="Debian GNU/Linux 11 (bullseye)"
  d = detect("etc/os-release", "claircore/debian/dist/12/etc/os-release");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->variant, "");
  d = detect("etc/os-release", "trivy/release/centos-stream");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->family, "centos");
  EXPECT_EQ(d->variant, "stream");
  d = DetectDistro(CollectOsFiles({{"etc/centos-release", "CentOS Stream release 9\n"}}));
  ASSERT_TRUE(d);
  EXPECT_EQ(d->family, "centos");
  EXPECT_EQ(d->variant, "stream");
  EXPECT_EQ(d->version, "9");
  d = detect("etc/os-release", "trivy/release/centos");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->variant, "");
}

TEST(DistroRulesTest, LegacyReleaseFiles) {
  struct Case {
    std::string path, content, family, version;
  };
  const Case cases[] = {
      {"etc/SuSE-release", "SUSE Linux Enterprise Server 11 (x86_64)\nVERSION = 11\nPATCHLEVEL = 4\n", "sles", "11.4"},
      {"etc/SuSE-release", "SUSE Linux Enterprise Server 12 (x86_64)\nVERSION = 12\nPATCHLEVEL = 0\n", "sles", "12"},
      {"etc/SuSE-release", "openSUSE 42.3 (x86_64)\nVERSION = 42.3\nCODENAME = Malachite\n", "opensuse-leap", "42.3"},
      {"etc/photon-release", "VMware Photon OS 4.0\nPHOTON_BUILD_NUMBER=ca7c9e933\n", "photon", "4.0"},
      {"etc/system-release-cpe", "cpe:2.3:o:amazon:amazon_linux:2\n", "amzn", "2"},
      {"etc/system-release-cpe", "cpe:/o:redhat:enterprise_linux:7.9:ga:server\n", "rhel", "7.9"},
      {"etc/redhat-release", "Red Hat Enterprise Linux CoreOS release 4.16\n", "rhcos", "4.16"},
      {"x86_64-bottlerocket-linux-gnu/sys-root/usr/lib/os-release", Fixture("trivy/release/bottlerocket"),
       "bottlerocket", "1.34.0"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.path + ": " + c.content.substr(0, 40));
    auto d = DetectDistro(CollectOsFiles({{c.path, c.content}}));
    ASSERT_TRUE(d);
    EXPECT_EQ(d->family, c.family);
    EXPECT_EQ(d->version, c.version);
    EXPECT_EQ(d->source_path, c.path);
    ExpectSane(*d);
  }
  // Names we do not know identify nothing (Trivy would call any of them RHEL).
  EXPECT_FALSE(DetectDistro(CollectOsFiles({{"etc/redhat-release", "Foo Linux release 1.0 (Bar)\n"}})));
  EXPECT_FALSE(DetectDistro(CollectOsFiles({{"etc/system-release-cpe", "cpe:/o:example:thing:1\n"}})));
}

// ---------------------------------------------------------------------------------------------
// Hostile and broken content.

TEST(DistroGarbageTest, NothingIdentifiesNothing) {
  EXPECT_FALSE(DetectDistro({}));
  std::map<std::string, std::string> empties;
  for (auto path : os_internal::kOsFilePaths) empties[std::string(path)] = "";
  EXPECT_FALSE(DetectDistro(empties));
  for (auto& [path, content] : empties) content = "\n \t\r\n";
  EXPECT_FALSE(DetectDistro(empties));
}

TEST(DistroGarbageTest, FieldsAreCleanedAndBounded) {
  std::string content = "ID=\"Ubuntu\"\r\n"                                   // uppercase: lowered
                        "VERSION_ID=\"22.04\"\r\n"
                        "PRETTY_NAME=\"Ubu\x01ntu \xff\xfe\x1b[31m22.04\tLTS \xc3\xa9\"\r\n"  // controls, bad UTF-8
                        "VERSION_CODENAME=" + std::string(1000, 'j') + "\n"   // too long for a codename
                        "CPE_NAME=\"" + std::string(100000, 'c') + "\"\n";    // very long
  auto d = DetectDistro(CollectOsFiles({{"etc/os-release", content}}));
  ASSERT_TRUE(d);
  ExpectSane(*d);
  EXPECT_EQ(d->family, "ubuntu");
  EXPECT_EQ(d->pretty_name, "Ubuntu [31m22.04 LTS \xc3\xa9");
  EXPECT_EQ(d->codename, "");
  EXPECT_EQ(d->cpe.size(), 256u);
}

TEST(DistroGarbageTest, MalformedIdsAndVersions) {
  auto detect = [](const std::string& os_release) {
    return DetectDistro(CollectOsFiles({{"etc/os-release", os_release}}));
  };
  EXPECT_FALSE(detect("ID=red hat\nVERSION_ID=9\n"));      // not an id
  EXPECT_FALSE(detect("ID=\nVERSION_ID=9\n"));
  EXPECT_FALSE(detect("ID=" + std::string(100, 'a') + "\n"));
  EXPECT_FALSE(detect("ID=deb\xc3\xa9ian\n"));
  auto d = detect("ID=\"debian\n");  // unterminated quote: the intent is clear
  ASSERT_TRUE(d);
  EXPECT_EQ(d->family, "debian");
  d = detect("ID=debian\nVERSION_ID=\"12 beta\"\n");  // a version with a blank is no version
  ASSERT_TRUE(d);
  EXPECT_EQ(d->version, "");
  d = detect("  ID = 'alpine'  \n# ID=debian\nID_LIKE=\"a  b\tC\"\nVERSION_ID=3.19.1 \n");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->family, "alpine");
  EXPECT_EQ(d->version, "3.19.1");
  EXPECT_EQ(d->id_like, (std::vector<std::string>{"a", "b", "c"}));
}

TEST(DistroGarbageTest, HugeInputsStayLinear) {
  // DetectDistro may be called on uncapped files (a rootfs directory): 16 MiB without a newline,
  // and 16 MiB of "=" lines, must simply come back.
  std::map<std::string, std::string> files = {{"etc/os-release", std::string(16 << 20, 'A')},
                                              {"etc/redhat-release", std::string(16 << 20, '.')},
                                              {"etc/lsb-release", std::string(8 << 20, '=') + "\n"}};
  EXPECT_FALSE(DetectDistro(files));
  std::string lines;
  for (int i = 0; i < (1 << 20); ++i) lines += "K=\"v\\\"\n";
  files = {{"etc/os-release", lines + "ID=wolfi\n"}};
  auto d = DetectDistro(files);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->family, "wolfi");
}

TEST(DistroGarbageTest, MutatedFixturesNeverBreakIt) {
  // Every fixture file, mutated with a fixed seed and placed at every collected path.
  std::vector<std::string> seeds;
  for (const auto& entry : fs::recursive_directory_iterator(OsReleaseData())) {
    if (entry.is_regular_file() && entry.path().extension() != ".json") {
      seeds.push_back(hullscan::testing::ReadFileOrFail(entry.path()));
    }
  }
  ASSERT_GT(seeds.size(), 100u);
  std::mt19937 rng(20240611);
  std::string specials = "=\"'\\\n\r\t #()./:";
  specials += std::string("\0\xff\xc3\x80", 4);
  size_t detected = 0;
  for (int round = 0; round < 4000; ++round) {
    std::map<std::string, std::string> files;
    int count = 1 + static_cast<int>(rng() % 3);
    for (int k = 0; k < count; ++k) {
      std::string content = seeds[rng() % seeds.size()];
      int edits = static_cast<int>(rng() % 8);
      for (int e = 0; e < edits && !content.empty(); ++e) {
        size_t at = rng() % content.size();
        switch (rng() % 4) {
          case 0: content[at] = static_cast<char>(rng() & 0xff); break;
          case 1: content[at] = specials[rng() % specials.size()]; break;
          case 2: content.erase(at, rng() % 16); break;
          default: content.insert(at, 1, specials[rng() % specials.size()]); break;
        }
      }
      files[std::string(os_internal::kOsFilePaths[rng() % os_internal::kOsFilePaths.size()])] = content;
    }
    auto d = DetectDistro(files);
    if (d) {
      ++detected;
      ExpectSane(*d);
    }
  }
  EXPECT_GT(detected, 1000u);  // the mutations are mild: most inputs still identify something
}

}  // namespace
}  // namespace hullscan::analyze
