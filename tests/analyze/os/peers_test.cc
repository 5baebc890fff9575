// DetectDistro against every os-release case of Trivy, Syft and claircore shipped in
// /work/shared/testdata/os-release (README section 2). Each fixture goes through the os-files
// analyzer first (Wants/Analyze), as in a scan, then DetectDistro decides.
//
// Our vocabulary: family = os-release ID, version = the most precise version the files give
// (docs/analyzers.md, "Distro detection"). Peers' vocabularies are translated in one place each:
// kTrivyFamilies for family names, and the per-peer comparison functions for what a peer's
// version field means. Where we deliberately differ, kDifferences names the case and says why.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "analyze/os/internal/os_release.h"
#include "analyze/os/os.h"
#include "base/strings.h"
#include "os_files_util.h"
#include "testing/testdata.h"

namespace hullscan::analyze {
namespace {

namespace fs = std::filesystem;
using inventory::Distro;
using json = nlohmann::json;
using testing::CollectOsFiles;
using testing::OsReleaseData;
using testing::ReadTree;

// ---------------------------------------------------------------------------------------------
// The family mapping table. Syft and claircore report the os-release ID, which is our family,
// so for them the mapping is the identity. Trivy has its own OS family names; this is the one
// table translating ours into them. A "family/variant" row applies to that variant only and is
// tried before the plain family row; a family without a row is spelled the same in Trivy.
struct TrivyFamily {
  std::string_view ours;
  std::string_view trivy;
};
constexpr TrivyFamily kTrivyFamilies[] = {
    {"rhel", "redhat"},
    {"ol", "oracle"},
    {"almalinux", "alma"},
    {"amzn", "amazon"},
    {"mariner", "cbl-mariner"},
    // Trivy folds the SLE Micro rebrands into one family.
    {"sle-micro", "slem"},
    {"sl-micro", "slem"},
    {"sle-micro-rancher", "slem"},
    // CentOS Stream says ID=centos; Trivy makes it a family of its own, we a variant.
    {"centos/stream", "centos-stream"},
};

std::string TrivyFamilyOf(const Distro& d) {
  if (!d.variant.empty()) {
    std::string key = d.family + "/" + d.variant;
    for (const auto& row : kTrivyFamilies)
      if (row.ours == key) return std::string(row.trivy);
  }
  for (const auto& row : kTrivyFamilies)
    if (row.ours == d.family) return std::string(row.trivy);
  return d.family;
}

// ---------------------------------------------------------------------------------------------
// Deliberate differences from a peer's expectation. `field` "distro" means the whole detection
// differs and `ours` is what we report ("<family> <version>", "" = nothing); otherwise only that
// field differs and `ours` is our value for it. Every entry must be hit by its peer's test.
struct Difference {
  std::string_view peer_case;  // "<peer>:<case>"
  std::string_view field;
  std::string_view ours;
  std::string_view why;
};

// Stands for "the PRETTY_NAME the os-release file itself has" (taken from the case's input).
constexpr std::string_view kOsReleasePrettyName = "<os-release PRETTY_NAME>";

constexpr Difference kDifferences[] = {
    // --- Trivy
    {"trivy:Test_amazonlinuxOSAnalyzer_Analyze/sad path amazon linux 2 without code name", "distro", "amzn 2",
     "'Amazon Linux release 2' is Amazon Linux 2. Trivy's parser fails only because it formats the codename into "
     "its version string; we need just the number (os-release's VERSION_ID is also a bare \"2\")."},
    {"trivy:Test_osReleaseAnalyzer_Analyze/Unknown OS", "distro", "unknown 4.3.2",
     "Trivy's os-release analyzer knows only families it has advisories for. We report every os-release ID: an "
     "SBOM should still name the OS, and whether a feed exists is the matcher's decision."},
    {"trivy:Test_osReleaseAnalyzer_Analyze/No 'VERSION_ID' field", "distro", "alpine",
     "ID=alpine without VERSION_ID still says Alpine: we report the family with an empty version (the matcher "
     "cannot pick a branch and says so) rather than hide the OS."},
    // --- Syft
    {"syft:os/busybox", "distro", "",
     "Fixture not shipped (bin/busybox is git-ignored upstream). We do not identify BusyBox: it takes reading a "
     "~1 MB binary in every layer, and BusyBox has no package database or advisory feed to match against."},
    {"syft:partial-fields/missing-id", "distro", "",
     "No ID, so nothing names the distro (NAME is display text, ID_LIKE names relatives). Syft returns a Release "
     "with an empty ID; we return nothing rather than guess, as Trivy does for its \"No 'ID' field\" case."},
    {"syft:partial-fields/missing-version", "distro", "", "No ID either: as partial-fields/missing-id."},
    {"syft:os/centos6", "pretty_name", "",
     "Syft fills PRETTY_NAME with the CPE vendor ('centos'); system-release-cpe has no pretty name and we do not "
     "invent one."},
    {"syft:os/debian/from-os-release", "codename", "jessie",
     "Debian 8's os-release has no VERSION_CODENAME but VERSION=\"8 (jessie)\"; we take the codename from there "
     "(claircore's Debian scanner does too, see the claircore:debian/dist cases). Syft copies VERSION_CODENAME "
     "only."},
    {"syft:debian-8", "codename", "jessie", "As syft:os/debian/from-os-release (the same os-release)."},
    {"syft:unprintable", "codename", "jessie", "As syft:os/debian/from-os-release (the same file, CRLF endings)."},
    // --- claircore
    {"claircore:osrelease/DistrolessCorrupt", "codename", "bookworm",
     "claircore's generic os-release parser copies VERSION_CODENAME only; distroless writes the codename into "
     "VERSION (\"Debian GNU/Linux 12 (bookworm)\"), which claircore's own Debian scanner also reads."},
    {"claircore:osrelease/Silverblue", "pretty_name", kOsReleasePrettyName,
     "claircore's Fedora handling replaces PRETTY_NAME with NAME ('Fedora'); we keep what os-release says."},
    {"claircore:osrelease/Toolbox", "pretty_name", kOsReleasePrettyName, "As claircore:osrelease/Silverblue."},
    {"claircore:osrelease/Ubi8", "pretty_name", kOsReleasePrettyName,
     "claircore's RHEL handling rebuilds the pretty name from the major version ('Red Hat Enterprise Linux 8'); "
     "we keep what os-release says."},
};

class DifferenceLog {
 public:
  const Difference* Find(const std::string& peer_case, std::string_view field) {
    for (const auto& d : kDifferences) {
      if (d.peer_case == peer_case && d.field == field) {
        used_.insert(std::string(d.peer_case) + "#" + std::string(d.field));
        return &d;
      }
    }
    return nullptr;
  }
  // Every difference listed under `prefix` ("trivy:", "claircore:osrelease/") must have been met:
  // a stale entry hides nothing.
  void ExpectAllUsed(std::string_view prefix) const {
    for (const auto& d : kDifferences) {
      if (!StartsWith(d.peer_case, prefix)) continue;
      EXPECT_TRUE(used_.count(std::string(d.peer_case) + "#" + std::string(d.field)))
          << "difference never met: " << d.peer_case << " " << d.field;
    }
  }

 private:
  std::set<std::string> used_;
};

std::string Summary(const std::optional<Distro>& d) {
  if (!d) return "";
  return d->version.empty() ? d->family : d->family + " " + d->version;
}

// Checks the whole-result difference for `peer_case` if there is one; true when it handled it.
bool CheckDistroDifference(DifferenceLog& log, const std::string& peer_case, const std::optional<Distro>& d) {
  const Difference* diff = log.Find(peer_case, "distro");
  if (!diff) return false;
  EXPECT_EQ(Summary(d), diff->ours) << peer_case << ": " << diff->why;
  return true;
}

// Compares one field with the peer's value, unless kDifferences says ours differs on purpose.
void CheckField(DifferenceLog& log, const std::string& peer_case, std::string_view field, const std::string& peer,
                const std::string& ours, const std::string& os_release_pretty_name = "") {
  if (const Difference* diff = log.Find(peer_case, field)) {
    std::string want = diff->ours == kOsReleasePrettyName ? os_release_pretty_name : std::string(diff->ours);
    EXPECT_EQ(ours, want) << peer_case << " " << field << ": " << diff->why;
    EXPECT_NE(ours, peer) << peer_case << " " << field << " is listed as a difference but agrees with the peer";
    return;
  }
  EXPECT_EQ(ours, peer) << peer_case << " " << field;
}

json LoadJson(const fs::path& path) {
  json doc = json::parse(hullscan::testing::ReadFileOrFail(path), nullptr, false);
  EXPECT_FALSE(doc.is_discarded()) << path;
  return doc;
}

std::string Str(const json& obj, const char* key) {
  return obj.is_object() && obj.contains(key) && obj[key].is_string() ? obj[key].get<std::string>() : "";
}

std::vector<std::string> StrList(const json& obj, const char* key) {
  std::vector<std::string> out;
  if (obj.is_object() && obj.contains(key) && obj[key].is_array())
    for (const auto& v : obj[key]) out.push_back(v.get<std::string>());
  return out;
}

std::string Join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : " ") + s;
  return out;
}

std::optional<Distro> DetectFile(const std::string& image_path, const fs::path& file) {
  return DetectDistro(CollectOsFiles({{image_path, hullscan::testing::ReadFileOrFail(file)}}));
}

std::optional<Distro> DetectTree(const fs::path& root) { return DetectDistro(CollectOsFiles(ReadTree(root))); }

// ---------------------------------------------------------------------------------------------
// Trivy: pkg/fanal/analyzer/os/*/*_test.go. want.family is Trivy's OS family, want.name its
// version; want_error and want:null mean "nothing detected".

// The path each Trivy analyzer test feeds its input as: the analyzer's required file.
std::string TrivyImagePath(const json& c) {
  std::string scanned_as = Str(c, "scanned_as");
  if (!scanned_as.empty()) return scanned_as.front() == '/' ? scanned_as.substr(1) : scanned_as;
  std::string analyzer = Str(c, "analyzer");
  std::string test = Str(c, "test");
  if (analyzer == "release") return "etc/os-release";  // Test_osReleaseAnalyzer passes FilePath etc/os-release
  if (analyzer == "ubuntu") return "etc/lsb-release";
  if (analyzer == "debian") return "etc/debian_version";
  if (analyzer == "redhatbase") {
    // One analyzer per file; the sad paths feed the same empty file to each of them.
    constexpr std::pair<std::string_view, std::string_view> kRequiredFile[] = {
        {"Test_almaOSAnalyzer", "etc/almalinux-release"}, {"Test_centosOSAnalyzer", "etc/centos-release"},
        {"Test_fedoraOSAnalyzer", "etc/fedora-release"},  {"Test_oracleOSAnalyzer", "etc/oracle-release"},
        {"Test_redhatOSAnalyzer", "etc/redhat-release"},  {"Test_rockyOSAnalyzer", "etc/rocky-release"},
    };
    for (auto [prefix, path] : kRequiredFile)
      if (StartsWith(test, prefix)) return std::string(path);
  }
  ADD_FAILURE() << "no image path known for " << test;
  return "";
}

// Trivy's Amazon Linux version is the rest of the system-release line ("AMI release 2018.03",
// "2 (Karoo)", "2023 (Amazon Linux)") and its detector keys on the first word. Ours is the bare
// number, as os-release's VERSION_ID also gives it: compare with that word ("AMI release " is how
// Amazon Linux 1 spells it). Other families: Trivy's version is compared as is.
std::string TrivyComparableVersion(const std::string& trivy_family, std::string name) {
  if (trivy_family != "amazon") return name;
  if (StartsWith(name, "AMI release ")) name = name.substr(12);
  return name.substr(0, name.find(' '));
}

TEST(DistroPeersTest, Trivy) {
  const fs::path dir = OsReleaseData() / "trivy";
  json doc = LoadJson(dir / "expected.trivy.json");
  ASSERT_TRUE(doc.contains("cases"));
  DifferenceLog log;
  size_t checked = 0;
  for (const json& c : doc["cases"]) {
    const std::string test = Str(c, "test");
    const std::string peer_case = "trivy:" + test;
    SCOPED_TRACE(peer_case + " (" + Str(c, "input") + ")");
    std::optional<Distro> d = DetectFile(TrivyImagePath(c), dir / Str(c, "input"));
    ++checked;
    if (CheckDistroDifference(log, peer_case, d)) continue;
    const json want = c.contains("want") ? c["want"] : json(nullptr);
    if (c.contains("want_error") || want.is_null()) {
      EXPECT_FALSE(d) << "detected " << Summary(d);
      continue;
    }
    ASSERT_TRUE(d);
    EXPECT_EQ(TrivyFamilyOf(*d), Str(want, "family"));
    EXPECT_EQ(d->version, TrivyComparableVersion(Str(want, "family"), Str(want, "name")));
  }
  EXPECT_EQ(checked, 52u) << "expected.trivy.json should hold 52 cases";
  log.ExpectAllUsed("trivy:");
}

// ---------------------------------------------------------------------------------------------
// Syft: syft/linux identify_release_test.go. Release fields: id (our family), version_id (the
// most precise version, after Syft's debian_version refinement = our version), version_codename,
// pretty_name, cpe_name, id_like. VERSION and the URLs we do not keep.

bool HasOsRelease(const fs::path& fixture) {
  if (!fs::is_directory(fixture)) return true;  // a single os-release file
  return fs::exists(fixture / "etc/os-release") || fs::exists(fixture / "usr/lib/os-release");
}

void CompareWithSyft(DifferenceLog& log, const std::string& peer_case, const json& release,
                     const std::optional<Distro>& d, bool from_os_release) {
  if (CheckDistroDifference(log, peer_case, d)) return;
  if (release.is_null()) {
    EXPECT_FALSE(d) << "detected " << Summary(d);
    return;
  }
  ASSERT_TRUE(d);
  CheckField(log, peer_case, "family", Str(release, "id"), d->family);
  CheckField(log, peer_case, "version", Str(release, "version_id"), d->version);
  CheckField(log, peer_case, "codename", Str(release, "version_codename"), d->codename);
  CheckField(log, peer_case, "pretty_name", Str(release, "pretty_name"), d->pretty_name);
  CheckField(log, peer_case, "cpe", Str(release, "cpe_name"), d->cpe);
  // For release-file fallbacks Syft synthesises IDLike ([id] or [id, "rhel"]); we keep id_like to
  // what os-release declares, so only os-release cases are compared.
  if (from_os_release) CheckField(log, peer_case, "id_like", Join(StrList(release, "id_like")), Join(d->id_like));
}

TEST(DistroPeersTest, Syft) {
  const fs::path dir = OsReleaseData() / "syft";
  json doc = LoadJson(dir / "expected.syft.json");
  DifferenceLog log;
  size_t checked = 0;
  for (const json& c : doc["identify_release_cases"]) {
    const std::string fixture = Str(c, "fixture");
    const std::string peer_case = "syft:" + fixture;
    SCOPED_TRACE(peer_case);
    ++checked;
    if (!fs::exists(dir / fixture)) {
      // Only a listed difference may be missing its fixture (os/busybox).
      std::optional<Distro> none;
      EXPECT_TRUE(CheckDistroDifference(log, peer_case, none)) << "fixture missing: " << fixture;
      continue;
    }
    CompareWithSyft(log, peer_case, c["release"], DetectTree(dir / fixture), HasOsRelease(dir / fixture));
  }
  for (const json& c : doc["parse_os_release_cases"]) {
    const std::string fixture = Str(c, "fixture");
    const std::string peer_case = "syft:" + fixture;
    SCOPED_TRACE(peer_case);
    ++checked;
    CompareWithSyft(log, peer_case, c["release"], DetectFile("etc/os-release", dir / fixture), true);
  }
  EXPECT_EQ(checked, 36u) << "expected.syft.json should hold 31 + 5 cases";
  log.ExpectAllUsed("syft:");
}

// Syft's single-file fixtures without an extracted expectation: what their names say.
TEST(DistroPeersTest, SyftBadFilesIdentifyNothingUseful) {
  const fs::path dir = OsReleaseData() / "syft";
  // "cpe:/o:centos:6:GA" lacks the product part: the "6" is not a version. Syft's regex rejects it too.
  EXPECT_FALSE(DetectFile("etc/system-release-cpe", dir / "bad-system-release-cpe"));
  // "CentOS release 5 (Final)": Syft's fallback wants "\d\.\d+" and finds nothing; Trivy's
  // redhat-release pattern takes "5". We side with Trivy: the file does name CentOS 5.
  auto d = DetectFile("etc/redhat-release", dir / "bad-redhat-release");
  ASSERT_TRUE(d);
  EXPECT_EQ(Summary(d), "centos 5");
}

// ---------------------------------------------------------------------------------------------
// claircore (quay/claircore): Distribution fields did (= our family), version_id, version,
// version_code_name, pretty_name, cpe, name.

// claircore's Alpine version is the release branch: "3.18" (from PRETTY_NAME "v3.18"), or "edge".
// Ours is the full VERSION_ID, "3.18.4", and an edge snapshot says "3.19_alpha20230901".
std::string AlpineBranch(const std::string& version) {
  if (version.find("_alpha") != std::string::npos) return "edge";
  auto parts = Split(version, '.');
  return parts.size() < 2 ? version : std::string(parts[0]) + "." + std::string(parts[1]);
}

std::string Capitalized(std::string s) {
  if (!s.empty() && s[0] >= 'a' && s[0] <= 'z') s[0] = static_cast<char>(s[0] - 'a' + 'A');
  return s;
}

TEST(DistroPeersTest, ClaircoreScanners) {
  const fs::path dir = OsReleaseData() / "claircore";
  json doc = LoadJson(dir / "expected.claircore.json");
  DifferenceLog log;
  size_t checked = 0;
  for (const json& c : doc["cases"]) {
    const std::string fixture = Str(c, "fixture");
    const std::string distro = Str(c, "distro");
    const std::string peer_case = "claircore:" + fixture;
    SCOPED_TRACE(peer_case);
    std::optional<Distro> d = DetectTree(dir / fixture);
    ++checked;
    if (CheckDistroDifference(log, peer_case, d)) continue;
    const json& want = c["want"];
    if (distro == "alpine") {
      ASSERT_TRUE(want.is_array() && want.size() == 1u);
      ASSERT_TRUE(d);
      CheckField(log, peer_case, "family", Str(want[0], "did"), d->family);
      CheckField(log, peer_case, "version", Str(want[0], "version"), AlpineBranch(d->version));
      CheckField(log, peer_case, "pretty_name", Str(want[0], "pretty_name"), d->pretty_name);
    } else if (distro == "debian") {
      // claircore's Debian scanner: VERSION_ID is the directory name and its VERSION reads
      // "<VERSION_ID> (<codename>)", rebuilt for distroless whose VERSION says more.
      ASSERT_TRUE(d);
      EXPECT_EQ(d->family, "debian");
      CheckField(log, peer_case, "version", Str(want, "version_id"), d->version);
      EXPECT_EQ(fs::path(fixture).filename().string(), d->version);
      std::string claircore_version = d->version + " (" + d->codename + ")";
      EXPECT_TRUE(std::regex_match(claircore_version, std::regex(Str(want, "version_pattern"))))
          << claircore_version << " !~ " << Str(want, "version_pattern");
    } else if (distro == "ubuntu") {
      if (want.is_null()) {
        // The Ubuntu scanner reports Ubuntu only; null means "not Ubuntu" (this one is Debian 11).
        EXPECT_TRUE(!d || d->family != "ubuntu") << Summary(d);
        continue;
      }
      ASSERT_TRUE(d);
      CheckField(log, peer_case, "family", Str(want, "did"), d->family);
      CheckField(log, peer_case, "version", Str(want, "version_id"), d->version);
      CheckField(log, peer_case, "codename", Str(want, "version_code_name"), d->codename);
      // The Ubuntu scanner rebuilds its display fields from those two; check them the same way.
      EXPECT_EQ(Str(want, "name"), "Ubuntu");
      EXPECT_EQ(Str(want, "pretty_name"), "Ubuntu " + d->version);
      EXPECT_EQ(Str(want, "version"), d->version + " (" + Capitalized(d->codename) + ")");
    } else {
      ADD_FAILURE() << "unknown distro " << distro;
    }
  }
  EXPECT_EQ(checked, doc["cases"].size());
  EXPECT_GE(checked, 50u);
  log.ExpectAllUsed("claircore:alpine/");
  log.ExpectAllUsed("claircore:debian/");
  log.ExpectAllUsed("claircore:ubuntu/");
}

// A txtar archive: "-- name --" lines start sections.
std::map<std::string, std::string> ReadTxtar(const std::string& text) {
  std::map<std::string, std::string> sections;
  std::string* current = nullptr;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(pos, end - pos);
    pos = end + 1;
    if (line.size() > 6 && StartsWith(line, "-- ") && EndsWith(line, " --")) {
      current = &sections[line.substr(3, line.size() - 6)];
      continue;
    }
    if (current) *current += line + "\n";
  }
  return sections;
}

// claircore osrelease/*.txtar: an os-release input, the key/value map claircore parses from it
// ("Parsed") and the Distribution it makes ("Distribution").
TEST(DistroPeersTest, ClaircoreOsReleaseTxtar) {
  const fs::path dir = OsReleaseData() / "claircore" / "osrelease";
  DifferenceLog log;
  size_t checked = 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path().extension() != ".txtar") continue;
    const std::string peer_case = "claircore:osrelease/" + entry.path().stem().string();
    SCOPED_TRACE(peer_case);
    auto sections = ReadTxtar(hullscan::testing::ReadFileOrFail(entry.path()));
    ASSERT_TRUE(sections.count("os-release") && sections.count("Parsed") && sections.count("Distribution"));
    ++checked;

    // The parser: exactly claircore's key/value map.
    json parsed = json::parse(sections["Parsed"], nullptr, false);
    ASSERT_FALSE(parsed.is_discarded());
    std::map<std::string, std::string> want_values = parsed.get<std::map<std::string, std::string>>();
    EXPECT_EQ(os_internal::ParseKeyValues(sections["os-release"]), want_values);

    // The Distribution.
    json want = json::parse(sections["Distribution"], nullptr, false);
    ASSERT_FALSE(want.is_discarded());
    std::optional<Distro> d = DetectDistro(CollectOsFiles({{"etc/os-release", sections["os-release"]}}));
    if (CheckDistroDifference(log, peer_case, d)) continue;
    ASSERT_TRUE(d);
    CheckField(log, peer_case, "family", Str(want, "did"), d->family);
    CheckField(log, peer_case, "version_id", Str(want, "version_id"), d->version_id);
    CheckField(log, peer_case, "version", Str(want, "version_id"), d->version);  // nothing refines it here
    CheckField(log, peer_case, "codename", Str(want, "version_code_name"), d->codename);
    CheckField(log, peer_case, "cpe", Str(want, "cpe"), d->cpe);
    CheckField(log, peer_case, "pretty_name", Str(want, "pretty_name"), d->pretty_name, want_values["PRETTY_NAME"]);
    // claircore's "name" (NAME) and "version" (VERSION) are display text we do not keep.
  }
  EXPECT_EQ(checked, 11u);
  log.ExpectAllUsed("claircore:osrelease/");
}

// claircore rhel/releasefiles: no extracted expectation; the directory names the major version
// ("7", "atomichost-7", "oracle-9"). Oracle Linux images carry oracle-release plus a
// redhat-release that names RHEL, which must not win.
TEST(DistroPeersTest, ClaircoreRhelReleaseFiles) {
  const fs::path dir = OsReleaseData() / "claircore" / "rhel" / "releasefiles";
  size_t checked = 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    SCOPED_TRACE("claircore:rhel/releasefiles/" + name);
    std::optional<Distro> d = DetectTree(entry.path());
    ASSERT_TRUE(d);
    ++checked;
    if (name == "hummingbird") {
      // Not RHEL but Red Hat's Hummingbird OS (ID=hummingbird, ID_LIKE="fedora rhel"): reported as
      // itself, with id_like telling a matcher where it comes from. No peer expectation exists.
      EXPECT_EQ(d->family, "hummingbird");
      EXPECT_EQ(d->id_like, (std::vector<std::string>{"fedora", "rhel"}));
      continue;
    }
    std::string major = name.substr(name.find_last_of('-') + 1);  // "7", "atomichost-7" -> "7"
    EXPECT_EQ(d->family, StartsWith(name, "oracle-") ? "ol" : "rhel");
    EXPECT_EQ(d->version.substr(0, d->version.find('.')), major) << d->version;
  }
  EXPECT_EQ(checked, 9u);
}

}  // namespace
}  // namespace hullscan::analyze
