// The dpkg analyzer against the harvested dpkg databases in testdata/osdb/dpkg/ (README 1.1).
//
// Every case is compared field by field with the expectations it ships with: the independent tool
// (expected.dpkg-query.json: dpkg-query 1.21.22 run on the file) is the truth for the installed set
// and the version/source fields; peer expectations (Trivy, Syft, osv-scalibr, claircore) are
// compared too. Where we deliberately differ, the difference is listed in kKnownDifferences with
// the reason, and each test checks that every difference listed for it still occurs.
#include "analyze/dpkg/dpkg.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "analyze/dpkg/internal/deb822.h"
#include "analyze/dpkg/internal/status.h"
#include "inventory/inventory.h"
#include "testing/testdata.h"

namespace hullscan::analyze {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;
using dpkg_internal::ParsedStatus;
using dpkg_internal::Problems;
using dpkg_internal::StatusKind;
using ::hullscan::testing::ReadFileOrFail;
using ::hullscan::testing::TestData;

// ---------------------------------------------------------------------------------------------
// Deliberate differences from the expectations, each with the reason ours is right.
// peer: whose expectation; case_name: the case (directory or input file); package; field.
struct KnownDifference {
  std::string_view peer;
  std::string_view case_name;
  std::string_view package;
  std::string_view field;
  std::string_view why;
};

constexpr KnownDifference kKnownDifferences[] = {
    // --- Against the reference tool (dpkg-query). Only where dpkg-query cannot speak for the image.
    {"dpkg-query", "syft-distroless-deb", "libsqlite3-0", "presence",
     "distroless writes status.d/<pkg> only for installed packages and without a Status field; dpkg-query "
     "reads a missing Status as not-installed because dpkg always writes one. In status.d, present = installed."},
    {"dpkg-query", "syft-image-dpkg", "libpam-runtime", "presence",
     "dpkg-query rejects the whole file over its first stanza (an empty 'Package:'); we skip that stanza "
     "with a diagnostic and keep the valid one (partial success, design rule 7)."},
    {"dpkg-query", "syft-status-d/multiple", "tzdata", "presence",
     "dpkg-query rejects the whole file over the empty 'Package:' stanza; we skip just the broken stanzas."},
    {"dpkg-query", "syft-status-d/multiple", "util-linux", "presence", "as for tzdata in the same file"},

    // --- Against Trivy.
    {"trivy", "trivy-digest", "tar", "digest",
     "Trivy copies the SHA256 of var/lib/dpkg/available, which records what the archive offered (apt never "
     "updates it; it is stale on most systems), not what was installed. A matching name@version there does "
     "not prove the installed .deb was that file, and the join would depend on both files sharing a layer."},

    // --- Against Syft.
    {"syft", "syft-status-d/multiple", "no-version", "presence",
     "a stanza without Version cannot be identified or matched; dpkg itself rejects such a stanza "
     "('missing Version field'). Skipped with a diagnostic."},
    {"syft", "syft-image-dpkg", "libpam-runtime", "licenses",
     "Syft reads licences from usr/share/doc/<pkg>/copyright; the dpkg database has none, and joining "
     "another file across layers needs an inventory-level join we do not have yet (see docs/analyzers.md)."},
    {"syft", "syft-distroless-deb", "libsqlite3-0", "licenses", "as for syft-image-dpkg: copyright files are not read"},

    // --- Against osv-scalibr.
    // scalibr's "statusfield including not installed" cases turn on its include_not_installed option,
    // which lists every stanza whatever its state. We have no such mode: software whose state is not
    // installed is not on the system as a package (config-files: only conffiles left; unpacked and
    // half-installed: dpkg never finished, reported as a diagnostic; no Status in a status file:
    // dpkg's not-installed). The stanzas that are installed match (checked by the same comparison).
    {"scalibr", "statusfield including not installed / dpkg/statusfield", "wantdeinstall_configfiles", "presence",
     "include_not_installed: config-files"},
    {"scalibr", "statusfield including not installed / dpkg/statusfield", "wantinstall_unpacked", "presence",
     "include_not_installed: unpacked"},
    {"scalibr", "statusfield including not installed / dpkg/statusfield", "wantinstall_halfinstalled", "presence",
     "include_not_installed: half-installed"},
    {"scalibr", "statusfield including not installed / dpkg/statusfield", "wantnostatus", "presence",
     "include_not_installed: no Status"},
    {"scalibr", "statusfield including not installed / opkg/statusfield", "wantdeinstall_configfiles", "presence",
     "include_not_installed: config-files"},
    {"scalibr", "statusfield including not installed / opkg/statusfield", "wantinstall_unpacked", "presence",
     "include_not_installed: unpacked"},
    {"scalibr", "statusfield including not installed / opkg/statusfield", "wantpurge_notinstalled", "presence",
     "include_not_installed: not-installed"},
    {"scalibr", "statusfield including not installed / opkg/statusfield", "wantnostatus", "presence",
     "include_not_installed: no Status"},
};

// Records differences found while comparing one case; unexpected ones fail the test, and listed
// ones that no longer occur fail it too, so the list above stays true.
class Comparison {
 public:
  Comparison(std::string_view peer, std::string_view case_name) : peer_(peer), case_(case_name) {}
  ~Comparison() {
    for (const auto& d : kKnownDifferences) {
      if (d.peer == peer_ && d.case_name == case_ && d.why.size() > 0 && !used_.count(Key(d.package, d.field))) {
        ADD_FAILURE() << "listed difference no longer occurs: " << peer_ << " " << case_ << " " << d.package << " "
                      << d.field;
      }
    }
  }

  template <typename T>
  void Field(std::string_view package, std::string_view field, const T& ours, const T& theirs) {
    if (ours == theirs) return;
    if (Known(package, field)) return;
    ADD_FAILURE() << peer_ << " " << case_ << ": package " << package << ": " << field
                  << " differs:\n  ours:   " << ::testing::PrintToString(ours)
                  << "\n  theirs: " << ::testing::PrintToString(theirs);
  }

  // Compares which packages exist on each side; returns the names present on both.
  std::vector<std::string> Presence(const std::set<std::string>& ours, const std::set<std::string>& theirs) {
    std::vector<std::string> both;
    for (const auto& name : ours) {
      if (theirs.count(name)) {
        both.push_back(name);
      } else if (!Known(name, "presence")) {
        ADD_FAILURE() << peer_ << " " << case_ << ": we report " << name << ", they do not";
      }
    }
    for (const auto& name : theirs) {
      if (!ours.count(name) && !Known(name, "presence")) {
        ADD_FAILURE() << peer_ << " " << case_ << ": they report " << name << ", we do not";
      }
    }
    return both;
  }

 private:
  static std::string Key(std::string_view package, std::string_view field) {
    return std::string(package) + "\n" + std::string(field);
  }
  bool Known(std::string_view package, std::string_view field) {
    for (const auto& d : kKnownDifferences) {
      if (d.peer == peer_ && d.case_name == case_ && d.package == package && d.field == field && !d.why.empty()) {
        used_.insert(Key(package, field));
        return true;
      }
    }
    return false;
  }

  std::string peer_;
  std::string case_;
  std::set<std::string> used_;
};

// ---------------------------------------------------------------------------------------------
// Running the analyzer the way the layer walker does.

fs::path DpkgData() { return TestData() / "osdb" / "dpkg"; }

json LoadJson(const fs::path& path) {
  json j = json::parse(ReadFileOrFail(path), nullptr, false);
  if (j.is_discarded()) ADD_FAILURE() << "cannot parse " << path;
  return j;
}

// Offers every regular file under `root` to Wants() (paths relative to `root`), then hands the
// wanted ones, sorted by path, to one Analyze() call.
inventory::LayerResult AnalyzeTree(const fs::path& root) {
  auto analyzer = NewDpkgAnalyzer();
  std::vector<File> files;
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    if (!entry.is_regular_file()) continue;
    std::string rel = fs::relative(entry.path(), root).generic_string();
    if (!analyzer->Wants(FileInfo{rel, 0644, static_cast<int64_t>(entry.file_size())})) continue;
    files.push_back(File{rel, 0644, ReadFileOrFail(entry.path())});
  }
  std::sort(files.begin(), files.end(), [](const File& a, const File& b) { return a.path < b.path; });
  inventory::LayerResult out;
  out.diff_id = "sha256:layer";
  if (!files.empty()) analyzer->Analyze(files, out);
  return out;
}

inventory::LayerResult AnalyzeFiles(std::vector<File> files) {
  auto analyzer = NewDpkgAnalyzer();
  for (const File& f : files) EXPECT_TRUE(analyzer->Wants(FileInfo{f.path, 0644, 0})) << f.path;
  std::sort(files.begin(), files.end(), [](const File& a, const File& b) { return a.path < b.path; });
  inventory::LayerResult out;
  analyzer->Analyze(files, out);
  return out;
}

// The packages after merging the single layer, by name (every case has one package per name).
std::map<std::string, inventory::Package> Packages(const inventory::LayerResult& layer) {
  inventory::Inventory inv = inventory::Squash(inventory::Artifact{}, std::span(&layer, 1));
  std::map<std::string, inventory::Package> out;
  for (auto& p : inv.packages) {
    EXPECT_TRUE(out.emplace(p.name, p).second) << "duplicate package " << p.name;
  }
  return out;
}

std::set<std::string> Names(const std::map<std::string, inventory::Package>& packages) {
  std::set<std::string> out;
  for (const auto& [name, p] : packages) out.insert(name);
  return out;
}

std::string Diagnostics(const inventory::LayerResult& layer) {
  std::string out;
  for (const auto& d : layer.diagnostics) out += d.path + ": " + d.message + "\n";
  return out;
}

bool AnyDiagnosticContains(const inventory::LayerResult& layer, std::string_view needle) {
  return std::any_of(layer.diagnostics.begin(), layer.diagnostics.end(),
                     [&](const inventory::Diagnostic& d) { return d.message.find(needle) != std::string::npos; });
}

std::vector<std::string> StripLeadingSlash(const json& paths) {
  std::vector<std::string> out;
  for (const auto& p : paths) {
    std::string s = p.get<std::string>();
    out.push_back(s.substr(s.find_first_not_of('/')));
  }
  std::sort(out.begin(), out.end());
  return out;
}

// ---------------------------------------------------------------------------------------------
// dpkg-query: the installed set and the version/source fields.

void CompareWithDpkgQuery(const std::map<std::string, inventory::Package>& ours, const fs::path& expected_file,
                          std::string_view case_name) {
  json expected = LoadJson(expected_file);
  std::map<std::string, json> installed;
  for (const auto& e : expected["packages"]) {
    // dpkg-query -W lists every state but not-installed; installed software is status "installed"
    // (and the two trigger states after configuration, which the data does not contain).
    if (dpkg_internal::IsInstalledState(e["status_status"].get<std::string>())) {
      installed.emplace(e["package"].get<std::string>(), e);
    }
  }
  std::set<std::string> theirs;
  for (const auto& [name, e] : installed) theirs.insert(name);
  Comparison cmp("dpkg-query", case_name);
  for (const std::string& name : cmp.Presence(Names(ours), theirs)) {
    const inventory::Package& p = ours.at(name);
    const json& e = installed.at(name);
    cmp.Field(name, "version", p.version, e["version"].get<std::string>());
    cmp.Field(name, "architecture", p.arch, e["architecture"].get<std::string>());
    cmp.Field(name, "source_package", p.source_name, e["source_package"].get<std::string>());
    cmp.Field(name, "source_version", p.source_version, e["source_version"].get<std::string>());
  }
}

// ---------------------------------------------------------------------------------------------
// Trivy: versions split into epoch/version/release; src_* likewise.

std::string TrivyVersion(const json& p, const std::string& prefix) {
  std::string out;
  int epoch = p.value(prefix + "epoch", 0);
  if (epoch != 0) out = std::to_string(epoch) + ":";
  out += p.value(prefix + "version", "");
  std::string release = p.value(prefix + "release", "");
  if (!release.empty()) out += "-" + release;
  return out;
}

void CompareWithTrivy(const std::map<std::string, inventory::Package>& ours, const json& want,
                      std::string_view case_name) {
  Comparison cmp("trivy", case_name);
  std::map<std::string, json> theirs_by_name;
  for (const auto& info : want["package_infos"]) {
    EXPECT_EQ(info["file_path"], "var/lib/dpkg/status");
    for (const auto& p : info["packages"]) theirs_by_name.emplace(p["name"].get<std::string>(), p);
  }
  std::set<std::string> theirs;
  for (const auto& [name, p] : theirs_by_name) theirs.insert(name);
  for (const std::string& name : cmp.Presence(Names(ours), theirs)) {
    const inventory::Package& p = ours.at(name);
    const json& t = theirs_by_name.at(name);
    cmp.Field(name, "id", p.name + "@" + p.version, t["id"].get<std::string>());
    cmp.Field(name, "version", p.version, TrivyVersion(t, ""));
    cmp.Field(name, "arch", p.arch, t.value("arch", ""));
    cmp.Field(name, "src_name", p.source_name, t.value("src_name", ""));
    cmp.Field(name, "src_version", p.source_version, TrivyVersion(t, "src_"));
    cmp.Field(name, "maintainer", p.maintainer, t.value("maintainer", ""));
    cmp.Field(name, "digest", p.digest, t.value("digest", ""));
    if (t.contains("installed_files")) {
      cmp.Field(name, "installed_files", p.installed_files, StripLeadingSlash(t["installed_files"]));
    }
    EXPECT_EQ(p.location.path, "var/lib/dpkg/status");
  }
}

class TrivyCase : public ::testing::TestWithParam<std::string> {};

TEST_P(TrivyCase, MatchesDpkgQueryAndTrivy) {
  const fs::path dir = DpkgData() / GetParam();
  inventory::LayerResult layer = AnalyzeTree(dir);
  ASSERT_EQ(layer.package_dbs.size(), 1u);
  EXPECT_EQ(layer.package_dbs[0].path, "var/lib/dpkg/status");
  EXPECT_EQ(layer.package_dbs[0].analyzer, "dpkg");
  auto ours = Packages(layer);
  CompareWithDpkgQuery(ours, dir / "expected.dpkg-query.json", GetParam());
  json trivy = LoadJson(dir / "expected.trivy.json");
  ASSERT_TRUE(trivy.value("complete", false));
  CompareWithTrivy(ours, trivy["want"], GetParam());
  if (trivy["want"].contains("system_installed_files")) {
    // Trivy's flat list of files owned by OS packages = the union of our owned-file lists.
    std::set<std::string> owned;
    for (const auto& l : layer.owned_files) owned.insert(l.files.begin(), l.files.end());
    auto want = StripLeadingSlash(trivy["want"]["system_installed_files"]);
    EXPECT_EQ(std::vector<std::string>(owned.begin(), owned.end()), want);
  }
}

INSTANTIATE_TEST_SUITE_P(Trivy, TrivyCase,
                         ::testing::Values("trivy-ubuntu1804-valid", "trivy-corrupted", "trivy-only-apt",
                                           "trivy-digest", "trivy-md5sums", "trivy-third-party"),
                         [](const auto& param_info) {
                           std::string name = param_info.param;
                           std::replace(name.begin(), name.end(), '-', '_');
                           return name;
                         });

TEST(DpkgTrivy, CorruptedFileSkipsBrokenStanzasWithDiagnostics) {
  inventory::LayerResult layer = AnalyzeTree(DpkgData() / "trivy-corrupted");
  // Both broken stanzas lack Status: in var/lib/dpkg/status that is dpkg's not-installed.
  EXPECT_TRUE(AnyDiagnosticContains(layer, "'brokenPackageWithNoVersionThatShouldGetThrownOut': no Status"))
      << Diagnostics(layer);
  EXPECT_TRUE(AnyDiagnosticContains(layer, "'invalidpkg': no Status")) << Diagnostics(layer);

  // The broken version must be refused on its own merits too: read the same file as a distroless
  // status.d file, where a stanza without Status counts as installed.
  std::string text = ReadFileOrFail(DpkgData() / "trivy-corrupted/var/lib/dpkg/status");
  Problems problems;
  ParsedStatus parsed = dpkg_internal::ParseStatus(text, StatusKind::kStatusDir, problems);
  std::vector<std::string> names;
  for (const auto& e : parsed.installed) names.push_back(e.package.name);
  EXPECT_EQ(names, (std::vector<std::string>{"libgcc1", "libpam-modules-bin", "libpam-runtime", "makedev"}));
  std::vector<std::string> messages = problems.Take();
  auto has = [&](std::string_view needle) {
    return std::any_of(messages.begin(), messages.end(),
                       [&](const std::string& m) { return m.find(needle) != std::string::npos; });
  };
  // dpkg-query reports the same fault: "'Version' field value '1:5.#': invalid character in version number".
  json dq = LoadJson(DpkgData() / "trivy-corrupted/expected.dpkg-query.json");
  ASSERT_NE(dq["dpkg_query_stderr"].get<std::string>().find("invalid character in version number"), std::string::npos);
  EXPECT_TRUE(has("'invalidpkg': invalid Version '1:5.#': invalid character in version number"))
      << ::testing::PrintToString(messages);
  EXPECT_TRUE(has("'brokenPackageWithNoVersionThatShouldGetThrownOut': no Version"))
      << ::testing::PrintToString(messages);
}

TEST(DpkgTrivy, InfoListGivesNonDirectoryEntries) {
  // Trivy (at e9aaf768) reports only the non-directory entries of a .list. So do we: directories
  // are shared by many packages, and the list then agrees with what md5sums-based lists give
  // (md5sums has regular files only). Note "/etc" comes before "/usr" yet its child "/etc/rmt" is
  // the last line: a directory is an entry with any other entry beneath it, not just the next one.
  const fs::path dir = DpkgData() / "trivy-info-list";
  inventory::LayerResult layer = AnalyzeTree(dir);
  EXPECT_TRUE(layer.package_dbs.empty());
  ASSERT_EQ(layer.owned_files.size(), 1u);
  EXPECT_EQ(layer.owned_files[0].path, "var/lib/dpkg/info/tar.list");
  EXPECT_EQ(layer.owned_files[0].package, "tar");
  json trivy = LoadJson(dir / "expected.trivy.json");
  EXPECT_EQ(layer.owned_files[0].files, StripLeadingSlash(trivy["want"]["system_installed_files"]));
  EXPECT_TRUE(layer.diagnostics.empty()) << Diagnostics(layer);
}

// ---------------------------------------------------------------------------------------------
// claircore

TEST(DpkgClaircore, GiantStatusHasAllStanzas) {
  const fs::path dir = DpkgData() / "claircore-ubuntu1804-texlive";
  inventory::LayerResult layer = AnalyzeTree(dir);
  auto ours = Packages(layer);
  json peer = LoadJson(dir / "expected.peer.json");
  EXPECT_EQ(ours.size(), peer["assertions"]["stanza_count"].get<size_t>());
  CompareWithDpkgQuery(ours, dir / "expected.dpkg-query.json", "claircore-ubuntu1804-texlive");
  EXPECT_TRUE(layer.diagnostics.empty()) << Diagnostics(layer);
}

TEST(DpkgClaircore, SourceWithVersion) {
  const fs::path dir = DpkgData() / "claircore-debian10-postgresql";
  auto ours = Packages(AnalyzeTree(dir));
  json a = LoadJson(dir / "expected.peer.json")["assertions"];
  ASSERT_TRUE(ours.count(a["binary"].get<std::string>()));
  const auto& p = ours.at(a["binary"].get<std::string>());
  EXPECT_EQ(p.source_name, a["source_name"].get<std::string>());
  EXPECT_EQ(p.source_version, a["source_version"].get<std::string>());
  EXPECT_NE(p.source_version, p.version);
  CompareWithDpkgQuery(ours, dir / "expected.dpkg-query.json", "claircore-debian10-postgresql");
}

TEST(DpkgClaircore, KeyringVersion) {
  const fs::path dir = DpkgData() / "claircore-debian-keyring";
  auto ours = Packages(AnalyzeTree(dir));
  ASSERT_EQ(ours.size(), 1u);
  EXPECT_EQ(ours.begin()->second.version,
            LoadJson(dir / "expected.peer.json")["assertions"]["first_stanza_version"].get<std::string>());
  CompareWithDpkgQuery(ours, dir / "expected.dpkg-query.json", "claircore-debian-keyring");
}

TEST(DpkgClaircore, VcpkgStatusIsNotADpkgDatabase) {
  // claircore finds databases by shape (a "status" file next to an "info" directory), and vcpkg's
  // <root>/installed/vcpkg/ has exactly that shape, so it reached claircore. We only read fixed
  // paths, so it reaches us only if someone puts it at var/lib/dpkg/status; the content check is
  // the defence for that case. dpkg-query fails on it too (exit 2: a Feature stanza has no Version).
  const fs::path dir = DpkgData() / "claircore-vcpkg-not-dpkg";
  json peer = LoadJson(dir / "expected.peer.json");
  ASSERT_FALSE(peer["assertions"]["is_dpkg_db"].get<bool>());
  inventory::LayerResult layer = AnalyzeTree(dir);
  // The file still replaces whatever a lower layer had at that path: an empty database.
  ASSERT_EQ(layer.package_dbs.size(), 1u);
  EXPECT_TRUE(layer.package_dbs[0].packages.empty());
  ASSERT_EQ(layer.diagnostics.size(), 1u) << Diagnostics(layer);
  EXPECT_NE(layer.diagnostics[0].message.find("not a dpkg database"), std::string::npos);
  json dq = LoadJson(dir / "expected.dpkg-query.json");
  EXPECT_EQ(dq["dpkg_query_exit_code"], 2);
  EXPECT_EQ(dq["count"], 0);
}

TEST(DpkgClaircore, OneOddFieldDoesNotDisqualifyADatabase) {
  // A third-party .deb may carry a field vcpkg also uses; the file is vcpkg's only by majority.
  std::string text = ReadFileOrFail(DpkgData() / "claircore-debian10-postgresql/var/lib/dpkg/status");
  text += "\nPackage: odd\nStatus: install ok installed\nVersion: 1.0\nType: Port\nAbi: 0123\n";
  Problems problems;
  ParsedStatus parsed = dpkg_internal::ParseStatus(text, StatusKind::kStatusFile, problems);
  EXPECT_FALSE(parsed.not_dpkg);
  EXPECT_EQ(parsed.installed.size(), 4u);
}

// ---------------------------------------------------------------------------------------------
// Syft

// Syft's DpkgDBEntry fields we have: package, version, source (raw name), architecture, maintainer.
// Its "files" there are the stanza's Conffiles, which we keep at the parser level.
void CompareWithSyftEntries(const ParsedStatus& parsed, const json& expected, std::string_view case_name) {
  Comparison cmp("syft", case_name);
  std::map<std::string, const dpkg_internal::InstalledPackage*> ours;
  for (const auto& e : parsed.installed) ours.emplace(e.package.name, &e);
  std::map<std::string, json> theirs_by_name;
  for (const auto& e : expected) theirs_by_name.emplace(e["package"].get<std::string>(), e);
  std::set<std::string> ours_names, theirs;
  for (const auto& [n, e] : ours) ours_names.insert(n);
  for (const auto& [n, e] : theirs_by_name) theirs.insert(n);
  for (const std::string& name : cmp.Presence(ours_names, theirs)) {
    const auto& p = ours.at(name)->package;
    const json& t = theirs_by_name.at(name);
    cmp.Field(name, "version", p.version, t.value("version", ""));
    cmp.Field(name, "architecture", p.arch, t.value("architecture", ""));
    cmp.Field(name, "maintainer", p.maintainer, t.value("maintainer", ""));
    // Syft keeps the raw Source name and leaves it empty without one; ours defaults to the binary.
    cmp.Field(name, "source", p.source_name, t.value("source", "").empty() ? p.name : t.value("source", ""));
    std::vector<std::string> conffiles;
    for (const auto& f : t["files"]) {
      EXPECT_TRUE(f.value("is_config_file", false));
      std::string path = f["path"].get<std::string>();
      conffiles.push_back(path.substr(1));
    }
    cmp.Field(name, "files(conffiles)", ours.at(name)->conffiles, conffiles);
  }
}

TEST(DpkgSyft, StatusDirFiles) {
  const fs::path dir = DpkgData() / "syft-status-d";
  json syft = LoadJson(dir / "expected.syft.json");
  size_t cases = 0;
  for (const auto& c : syft["cases"]) {
    const std::string input = c["input"].get<std::string>();
    SCOPED_TRACE(input);
    const std::string text = ReadFileOrFail(dir / input);
    const std::string file = input.substr(input.rfind('/') + 1);
    ++cases;
    if (input == "var/lib/opkg/status") {
      // opkg (OpenWrt, Yocto) writes the same stanza syntax, but its packages are not Debian's:
      // they have no place in our PackageType (purl type "opkg"), no advisory feed, and reported
      // as deb they would be matched against Debian's advisories by name. So the analyzer does
      // not read opkg databases; the parser does handle the format (checked here).
      EXPECT_FALSE(NewDpkgAnalyzer()->Wants(FileInfo{input, 0644, 0}));
      Problems problems;
      ParsedStatus parsed = dpkg_internal::ParseStatus(text, StatusKind::kStatusFile, problems);
      CompareWithSyftEntries(parsed, c["expected"], "syft-status-d/opkg");
      EXPECT_EQ(problems.count(), 0u);
      continue;
    }
    inventory::LayerResult layer = AnalyzeFiles({File{input, 0644, text}});
    ASSERT_EQ(layer.package_dbs.size(), 1u);
    if (c.value("expected_error", false)) {
      // Syft returns an error; we return no packages and say why.
      EXPECT_TRUE(layer.package_dbs[0].packages.empty());
      EXPECT_FALSE(layer.diagnostics.empty());
      continue;
    }
    Problems problems;
    ParsedStatus parsed = dpkg_internal::ParseStatus(text, StatusKind::kStatusDir, problems);
    ASSERT_EQ(parsed.installed.size(), layer.package_dbs[0].packages.size());
    CompareWithSyftEntries(parsed, c["expected"], "syft-status-d/" + file);
    // Against dpkg-query where it ran on the file.
    const fs::path dq = dir / ("expected.dpkg-query." + file + ".json");
    if (fs::exists(dq)) CompareWithDpkgQuery(Packages(layer), dq, "syft-status-d/" + file);
  }
  EXPECT_EQ(cases, 6u);
}

TEST(DpkgSyft, StatusDirMultipleReportsBrokenStanzas) {
  inventory::LayerResult layer = AnalyzeTree(DpkgData() / "syft-status-d");
  EXPECT_TRUE(AnyDiagnosticContains(layer, "invalid package name '': may not be empty string")) << Diagnostics(layer);
  EXPECT_TRUE(AnyDiagnosticContains(layer, "'no-version': no Version")) << Diagnostics(layer);
  // status.d/empty holds just "Package:" (no newline).
  EXPECT_TRUE(std::any_of(layer.diagnostics.begin(), layer.diagnostics.end(), [](const auto& d) {
    return d.path == "var/lib/dpkg/status.d/empty" && d.message.find("empty string") != std::string::npos;
  }));
  EXPECT_FALSE(AnyDiagnosticContains(layer, "linux-image-6.8.0-1029-aws")) << "config-files is a normal state";
}

// Syft's image-level cases: files = conffiles + md5sums entries (is_config_file marks the former).
void CompareWithSyftImage(const fs::path& dir, std::string_view case_name) {
  inventory::LayerResult layer = AnalyzeTree(dir);
  auto ours = Packages(layer);
  json syft = LoadJson(dir / "expected.syft.json");
  Comparison cmp("syft", case_name);
  std::set<std::string> theirs;
  for (const auto& p : syft["packages"]) theirs.insert(p["name"].get<std::string>());
  cmp.Presence(Names(ours), theirs);
  for (const auto& t : syft["packages"]) {
    const std::string name = t["name"].get<std::string>();
    if (!ours.count(name)) continue;
    const auto& p = ours.at(name);
    const json& m = t["metadata"];
    cmp.Field(name, "version", p.version, t["version"].get<std::string>());
    cmp.Field(name, "architecture", p.arch, m["architecture"].get<std::string>());
    cmp.Field(name, "maintainer", p.maintainer, m["maintainer"].get<std::string>());
    cmp.Field(name, "source", p.source_name, m["source"].get<std::string>());
    std::vector<std::string> files;
    for (const auto& f : m["files"]) files.push_back(f["path"].get<std::string>());
    cmp.Field(name, "files", p.installed_files, StripLeadingSlash(files));
    std::vector<std::string> licenses;
    for (const auto& l : t["licenses"]["args"]) licenses.push_back(l["args"][1].get<std::string>());
    cmp.Field(name, "licenses", p.licenses, licenses);
  }
  CompareWithDpkgQuery(ours, dir / "expected.dpkg-query.json", case_name);
}

TEST(DpkgSyft, ImageWithInfoMd5sumsAndConffiles) {
  CompareWithSyftImage(DpkgData() / "syft-image-dpkg", "syft-image-dpkg");
}

TEST(DpkgSyft, DistrolessStatusDir) {
  const fs::path dir = DpkgData() / "syft-distroless-deb";
  CompareWithSyftImage(dir, "syft-distroless-deb");
  inventory::LayerResult layer = AnalyzeTree(dir);
  ASSERT_EQ(layer.package_dbs.size(), 1u);
  EXPECT_EQ(layer.package_dbs[0].path, "var/lib/dpkg/status.d/libsqlite3-0");
  ASSERT_EQ(layer.owned_files.size(), 1u);
  EXPECT_EQ(layer.owned_files[0].package, "libsqlite3-0");
  EXPECT_TRUE(layer.diagnostics.empty()) << Diagnostics(layer);
}

// ---------------------------------------------------------------------------------------------
// osv-scalibr: 29 cases over dpkg/* and opkg/* inputs.

TEST(DpkgScalibr, AllCases) {
  const fs::path dir = DpkgData() / "scalibr";
  json scalibr = LoadJson(dir / "expected.scalibr.json");
  size_t cases = 0;
  for (const auto& c : scalibr["cases"]) {
    const std::string input = c["input"].get<std::string>();
    const std::string case_name = c["name"].get<std::string>();
    SCOPED_TRACE(case_name + " / " + input);
    ++cases;
    const std::string text = ReadFileOrFail(dir / input);
    std::vector<inventory::Package> ours;
    std::vector<std::string> problems;
    if (c["is_opkg"].get<bool>()) {
      // opkg: parser only (the analyzer does not take opkg databases; see StatusDirFiles).
      Problems p;
      for (auto& e : dpkg_internal::ParseStatus(text, StatusKind::kStatusFile, p).installed) {
        ours.push_back(e.package);
      }
      problems = p.Take();
    } else {
      // dpkg/<x> is a status file; dpkg/status.d/<x> a distroless file (or its md5sums).
      std::string path = input.rfind("dpkg/status.d/", 0) == 0 ? "var/lib/dpkg/" + input.substr(5)
                                                               : std::string("var/lib/dpkg/status");
      inventory::LayerResult layer = AnalyzeFiles({File{path, 0644, text}});
      for (const auto& db : layer.package_dbs) ours.insert(ours.end(), db.packages.begin(), db.packages.end());
      for (const auto& d : layer.diagnostics) problems.push_back(d.message);
    }
    if (c["want_error"].is_string()) {
      EXPECT_TRUE(ours.empty());
      EXPECT_FALSE(problems.empty()) << "an error in the peer is a diagnostic here";
      continue;
    }
    Comparison cmp("scalibr", case_name + " / " + input);
    std::map<std::string, inventory::Package> by_name;
    for (const auto& p : ours) by_name.emplace(p.name, p);
    std::map<std::string, json> theirs_by_name;
    for (const auto& w : c["want_packages"]) theirs_by_name.emplace(w["name"].get<std::string>(), w);
    std::set<std::string> theirs;
    for (const auto& [n, w] : theirs_by_name) theirs.insert(n);
    for (const std::string& name : cmp.Presence(Names(by_name), theirs)) {
      const auto& p = by_name.at(name);
      const json& w = theirs_by_name.at(name);
      const json& m = w["metadata"];
      cmp.Field(name, "version", p.version, w["version"].get<std::string>());
      cmp.Field(name, "package_version", p.version, m["package_version"].get<std::string>());
      cmp.Field(name, "architecture", p.arch, m.value("architecture", ""));
      cmp.Field(name, "maintainer", p.maintainer, m.value("maintainer", ""));
      if (m.contains("source_name")) cmp.Field(name, "source_name", p.source_name, m["source_name"].get<std::string>());
      // Not compared: os fields (distro detection is the os analyzer's) and the "transitional
      // package" exploitability signal (not part of our Package; a VEX concern).
    }
  }
  EXPECT_EQ(cases, 29u);
}

TEST(DpkgScalibr, StatusFieldMatchesDpkgQuery) {
  const fs::path dir = DpkgData() / "scalibr";
  for (std::string name : {"valid", "statusfield"}) {
    SCOPED_TRACE(name);
    inventory::LayerResult layer =
        AnalyzeFiles({File{"var/lib/dpkg/status", 0644, ReadFileOrFail(dir / "dpkg" / name)}});
    CompareWithDpkgQuery(Packages(layer), dir / ("expected.dpkg-query." + name + ".json"), "scalibr/" + name);
    if (name == "statusfield") {
      EXPECT_TRUE(AnyDiagnosticContains(layer, "'wantinstall_unpacked': state 'unpacked'")) << Diagnostics(layer);
      EXPECT_TRUE(AnyDiagnosticContains(layer, "'wantinstall_halfinstalled': state 'half-installed'"));
      EXPECT_TRUE(AnyDiagnosticContains(layer, "'wantnostatus': no Status field"));
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Wants(): prefix/suffix checks on the path only.

TEST(DpkgWants, TakesDatabaseFilesOnly) {
  auto a = NewDpkgAnalyzer();
  for (std::string_view path :
       {"var/lib/dpkg/status", "var/lib/dpkg/status.d/libc6", "var/lib/dpkg/status.d/libc6.md5sums",
        "var/lib/dpkg/info/tar.list", "var/lib/dpkg/info/libc6:amd64.list", "var/lib/dpkg/info/tar.md5sums"}) {
    EXPECT_TRUE(a->Wants(FileInfo{path, 0644, 1})) << path;
  }
  for (std::string_view path :
       {"var/lib/dpkg/status-old", "var/lib/dpkg/available", "var/lib/dpkg/status.d/libsqlite3-0.preinst",
        "var/lib/dpkg/status.d/sub/x", "var/lib/dpkg/status.d/", "var/lib/dpkg/info/tar.postinst",
        "var/lib/dpkg/info/tar.conffiles", "var/lib/dpkg/info/.list", "var/lib/dpkg/info/x/y.list",
        "var/lib/opkg/status", "usr/lib/opkg/status", "usr/share/doc/tar/copyright", "x/var/lib/dpkg/status",
        "installed/vcpkg/status"}) {
    EXPECT_FALSE(a->Wants(FileInfo{path, 0644, 1})) << path;
  }
}

TEST(DpkgInfo, ListIsPreferredOverMd5sumsInTheSameLayer) {
  inventory::LayerResult layer = AnalyzeFiles({
      File{"var/lib/dpkg/info/tar.list", 0644,
           ReadFileOrFail(DpkgData() / "trivy-info-list/var/lib/dpkg/info/tar.list")},
      File{"var/lib/dpkg/info/tar.md5sums", 0644,
           ReadFileOrFail(DpkgData() / "trivy-md5sums/var/lib/dpkg/info/tar.md5sums")},
  });
  ASSERT_EQ(layer.owned_files.size(), 1u);
  EXPECT_EQ(layer.owned_files[0].path, "var/lib/dpkg/info/tar.list");
}

TEST(DpkgVersion, FollowsDpkgParseversion) {
  // Every version of the harvested dpkg-query outputs is valid by construction (dpkg accepted it).
  size_t checked = 0;
  for (const auto& entry : fs::recursive_directory_iterator(DpkgData())) {
    if (entry.path().filename().string().rfind("expected.dpkg-query", 0) != 0) continue;
    const json expected = LoadJson(entry.path());
    for (const auto& p : expected["packages"]) {
      EXPECT_EQ(dpkg_internal::CheckDebianVersion(p["version"].get<std::string>()), "") << p["version"];
      ++checked;
    }
  }
  EXPECT_GT(checked, 400u);
  // dpkg's own error messages for the invalid forms.
  EXPECT_EQ(dpkg_internal::CheckDebianVersion("1:5.#"), "invalid character in version number");
  EXPECT_EQ(dpkg_internal::CheckDebianVersion(":1.0"), "epoch in version is empty");
  EXPECT_EQ(dpkg_internal::CheckDebianVersion("a:1.0"), "epoch in version is not number");
  EXPECT_EQ(dpkg_internal::CheckDebianVersion("99999999999:1.0"), "epoch in version is too big");
  EXPECT_EQ(dpkg_internal::CheckDebianVersion("1:"), "nothing after colon in version number");
  EXPECT_EQ(dpkg_internal::CheckDebianVersion("1.0-"), "revision number is empty");
  EXPECT_EQ(dpkg_internal::CheckDebianVersion("-1"), "version number is empty");
  EXPECT_EQ(dpkg_internal::CheckDebianVersion("1.0-a_b"), "invalid character in revision number");
  EXPECT_EQ(dpkg_internal::CheckDebianVersion("1.0 2"), "version string has embedded spaces");
}

// ---------------------------------------------------------------------------------------------
// Hostile input: must not crash (the suite runs under ASan/UBSan), must not lose the valid parts.

std::string BigStatus() { return ReadFileOrFail(DpkgData() / "claircore-ubuntu1804-texlive/var/lib/dpkg/status"); }

TEST(DpkgHostile, TruncatedAnywhere) {
  const std::string text = BigStatus();
  const size_t full = 357;
  for (size_t cut = 0; cut < text.size(); cut += 4999) {
    Problems problems;
    ParsedStatus parsed =
        dpkg_internal::ParseStatus(std::string_view(text).substr(0, cut), StatusKind::kStatusFile, problems);
    EXPECT_LE(parsed.installed.size(), full);
  }
  // Cut right after a stanza: exactly the stanzas before it.
  size_t cut = 0;
  for (int i = 0; i < 100; ++i) cut = text.find("\n\n", cut) + 2;
  Problems problems;
  ParsedStatus parsed =
      dpkg_internal::ParseStatus(std::string_view(text).substr(0, cut), StatusKind::kStatusFile, problems);
  EXPECT_EQ(parsed.installed.size(), 100u);
  EXPECT_EQ(problems.count(), 0u);
}

TEST(DpkgHostile, BinaryGarbage) {
  std::mt19937 rng(42);
  for (int round = 0; round < 20; ++round) {
    std::string garbage(1 << 16, '\0');
    for (char& c : garbage) c = static_cast<char>(rng());
    inventory::LayerResult layer =
        AnalyzeFiles({File{"var/lib/dpkg/status", 0644, garbage}, File{"var/lib/dpkg/info/x.list", 0644, garbage},
                      File{"var/lib/dpkg/info/y.md5sums", 0644, garbage}});
    EXPECT_LE(layer.diagnostics.size(), 3 * (Problems::kMaxKept + 1));
  }
  // Garbage inside a valid file: the valid stanzas around it survive.
  std::string text = BigStatus();
  std::string mixed = text.substr(0, text.find("\n\n") + 2) + std::string("\x01\xff\0Package\xfe:\n\n", 14) +
                      text.substr(text.find("\n\n") + 2);
  Problems problems;
  EXPECT_EQ(dpkg_internal::ParseStatus(mixed, StatusKind::kStatusFile, problems).installed.size(), 357u);
  EXPECT_GT(problems.count(), 0u);
}

TEST(DpkgHostile, TenMegabyteField) {
  std::string text = "Package: big\nStatus: install ok installed\nVersion: 1.0-1\nDescription: x\n";
  std::string line = " " + std::string(99, 'y') + "\n";
  while (text.size() < (10u << 20)) text += line;
  text += "Conffiles:\n /etc/big.conf 0123456789abcdef0123456789abcdef\nMaintainer: " + std::string(10u << 20, 'm') +
          "\n\nPackage: after\nStatus: install ok installed\nVersion: 2\n";
  Problems problems;
  ParsedStatus parsed = dpkg_internal::ParseStatus(text, StatusKind::kStatusFile, problems);
  ASSERT_EQ(parsed.installed.size(), 2u);
  EXPECT_EQ(parsed.installed[0].package.name, "after");
  EXPECT_EQ(parsed.installed[1].package.maintainer.size(), 10u << 20);
  EXPECT_EQ(parsed.installed[1].conffiles, std::vector<std::string>{"etc/big.conf"});
  EXPECT_EQ(problems.count(), 0u);
}

TEST(DpkgHostile, LinesWithoutColon) {
  std::string text =
      "Package: a\nStatus: install ok installed\nthis line has no colon\n  and a continuation\nVersion: 1\n\n"
      "no colon at all\n\nPackage: b\nStatus: install ok installed\nVersion: 2\n";
  Problems problems;
  ParsedStatus parsed = dpkg_internal::ParseStatus(text, StatusKind::kStatusFile, problems);
  ASSERT_EQ(parsed.installed.size(), 2u);
  EXPECT_EQ(parsed.installed[0].package.version, "1");
  std::vector<std::string> messages = problems.Take();
  // The stanza made of one bad line is reported once, for its line.
  EXPECT_EQ(messages, (std::vector<std::string>{"line 3: no ':' in field line 'this line has no colon'",
                                                "line 7: no ':' in field line 'no colon at all'"}));
}

TEST(DpkgHostile, CrlfLineEndsGiveTheSameResult) {
  const std::string text = BigStatus();
  std::string crlf;
  for (char c : text) {
    if (c == '\n') crlf += '\r';
    crlf += c;
  }
  Problems p1, p2;
  ParsedStatus lf = dpkg_internal::ParseStatus(text, StatusKind::kStatusFile, p1);
  ParsedStatus cr = dpkg_internal::ParseStatus(crlf, StatusKind::kStatusFile, p2);
  ASSERT_EQ(lf.installed.size(), cr.installed.size());
  for (size_t i = 0; i < lf.installed.size(); ++i) {
    EXPECT_EQ(lf.installed[i].package, cr.installed[i].package);
    EXPECT_EQ(lf.installed[i].conffiles, cr.installed[i].conffiles);
  }
  EXPECT_EQ(p2.count(), 0u);
}

TEST(DpkgHostile, StanzasRunTogether) {
  // A lost blank line glues two stanzas: the first's fields win, and it is said.
  Problems problems;
  ParsedStatus parsed = dpkg_internal::ParseStatus(
      "Package: a\nStatus: install ok installed\nVersion: 1\nPackage: b\nStatus: install ok installed\nVersion: 2\n",
      StatusKind::kStatusFile, problems);
  ASSERT_EQ(parsed.installed.size(), 1u);
  EXPECT_EQ(parsed.installed[0].package.version, "1");
  EXPECT_EQ(problems.Take(), std::vector<std::string>{"line 1: package 'a': more than one 'Package' field (a missing "
                                                      "blank line between stanzas?); the first one is used"});
}

TEST(DpkgHostile, DiagnosticsAreCapped) {
  std::string text;
  for (int i = 0; i < 1000; ++i) text += "no colon\n";
  inventory::LayerResult layer = AnalyzeFiles({File{"var/lib/dpkg/status", 0644, text}});
  ASSERT_EQ(layer.diagnostics.size(), Problems::kMaxKept + 1);
  EXPECT_EQ(layer.diagnostics.back().message, "950 more problems not shown");
}

TEST(DpkgHostile, QuotedNamesCannotForgeLines) {
  Problems problems;
  dpkg_internal::ParseStatus(std::string("Package: \x1b[31mevil\nversion\n", 27), StatusKind::kStatusDir, problems);
  for (const auto& m : problems.Take()) EXPECT_EQ(m.find('\x1b'), std::string::npos) << m;
}

}  // namespace
}  // namespace hullscan::analyze
