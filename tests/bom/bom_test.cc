// bom::ReadSbom on real SBOMs: Trivy's own import expectations (lang/sbom/trivy-import-*),
// every CycloneDX / SPDX document of lang/sbom, hullscan round trips on reference root
// filesystems, and hostile input.
#include "bom/bom.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "inventory/purl.h"
#include "report/report.h"
#include "scan/scanner.h"
#include "testing/testdata.h"

namespace hullscan::bom {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;
using ::hullscan::testing::ReadFileOrFail;
using ::hullscan::testing::TestData;

fs::path SbomDir() { return TestData() / "lang" / "sbom"; }

std::string Str(const Json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : "";
}

const inventory::Package* FindPackage(const inventory::Inventory& inv, std::string_view name, std::string_view version) {
  for (const inventory::Package& p : inv.packages) {
    if (p.name == name && p.version == version) return &p;
  }
  return nullptr;
}

bool HasDiagnosticContaining(const inventory::Inventory& inv, std::string_view text) {
  return std::any_of(inv.diagnostics.begin(), inv.diagnostics.end(),
                     [&](const inventory::Diagnostic& d) { return d.message.find(text) != std::string::npos; });
}

// ---------------------------------------------------------------------------------------------
// Trivy's import expectations.

// One package as Trivy's unmarshal test expects it, in hullscan's terms.
struct ExpectedPackage {
  std::string name;
  std::string version;  // hullscan form: "[epoch:]version"
  std::string source_name;
  std::string source_version;
  std::string layer;
  std::string path;
  std::string digest;
  std::string purl_type;  // from identifier.PURL.Type when given
};

std::string PurlTypeOfTrivyConstant(std::string constant) {
  // "packageurl.TypeComposer" -> "composer", "packageurl.TypeDebian" -> "deb", "purl.TypeK8s" -> "k8s"
  // Some cases give the type itself ("maven").
  size_t at = constant.find("Type");
  std::string type = at == std::string::npos ? constant : constant.substr(at + 4);
  std::transform(type.begin(), type.end(), type.begin(), [](unsigned char c) { return std::tolower(c); });
  return type == "debian" ? "deb" : type;
}

std::vector<ExpectedPackage> ExpectedPackages(const Json& c) {
  std::vector<ExpectedPackage> out;
  // Language packages: applications[] (or want.Applications), each with an optional file path.
  auto lang = [&](const Json& apps, const char* file_key, const char* packages_key, bool trivy_names) {
    for (const Json& app : apps) {
      std::string app_path = Str(app, file_key);
      if (!app.contains(packages_key) || !app[packages_key].is_array()) continue;
      for (const Json& p : app[packages_key]) {
        ExpectedPackage e;
        e.name = Str(p, trivy_names ? "name" : "Name");
        e.version = Str(p, trivy_names ? "version" : "Version");
        std::string own_path = Str(p, trivy_names ? "file_path" : "FilePath");
        e.path = own_path.empty() ? app_path : own_path;
        e.digest = Str(p, trivy_names ? "digest" : "Digest");
        const Json& layer = p.value(trivy_names ? "layer" : "Layer", Json::object());
        e.layer = Str(layer, "DiffID");
        if (p.contains("identifier") && p["identifier"].contains("PURL")) {
          e.purl_type = PurlTypeOfTrivyConstant(Str(p["identifier"]["PURL"], "Type"));
        }
        out.push_back(std::move(e));
      }
    }
  };
  if (c.contains("applications")) lang(c["applications"], "file_path", "packages", true);
  const Json& other = c.contains("other") ? c["other"] : c.value("want", Json::object());
  if (other.contains("Applications")) lang(other["Applications"], "FilePath", "Packages", false);
  // OS packages: Packages[].Packages[], Trivy's field names, epochs apart from versions.
  if (other.contains("Packages") && other["Packages"].is_array()) {
    for (const Json& group : other["Packages"]) {
      for (const Json& p : group.value("Packages", Json::array())) {
        ExpectedPackage e;
        e.name = Str(p, "Name");
        int epoch = p.value("Epoch", 0);
        e.version = (epoch != 0 ? std::to_string(epoch) + ":" : "") + Str(p, "Version");
        e.source_name = Str(p, "SrcName");
        int src_epoch = p.value("SrcEpoch", 0);
        std::string release = Str(p, "SrcRelease");
        e.source_version = (src_epoch != 0 ? std::to_string(src_epoch) + ":" : "") + Str(p, "SrcVersion") +
                           (release.empty() ? "" : "-" + release);
        e.layer = Str(p.value("Layer", Json::object()), "DiffID");
        e.digest = Str(p, "Digest");
        if (p.contains("Identifier") && p["Identifier"].contains("PURL")) {
          e.purl_type = PurlTypeOfTrivyConstant(Str(p["Identifier"]["PURL"], "Type"));
        }
        out.push_back(std::move(e));
      }
    }
  }
  return out;
}

// Where hullscan deliberately reads a Trivy import test differently. Keyed by "unit/case".
struct Deviation {
  enum Kind { kPackageAbsent, kNoError, kDigestAbsent } kind;
  std::string detail;  // package name where it applies
  const char* why;
};
const std::multimap<std::string, Deviation>& Deviations() {
  static const std::multimap<std::string, Deviation> kDeviations = {
      // Kubernetes components: no feed hullscan imports has advisories for purl type "k8s", so
      // they are skipped with a diagnostic naming the type rather than matched against nothing.
      {"trivy-import-cyclonedx/happy path KBOM", {Deviation::kPackageAbsent, "k8s", "k8s purl type is not matched"}},
      // Trivy rejects the whole SPDX document for one "pkg:invalid" purl. hullscan skips that
      // package with a diagnostic and keeps the rest (house rule: partial success is normal, and
      // Trivy's own CycloneDX reader skips an invalid purl the same way).
      {"trivy-import-spdx/sad path invalid purl", {Deviation::kNoError, "", "invalid purl skipped, not fatal"}},
      // Trivy copies the checksum of the *file* an SPDX package was found in (a jar, a
      // package.json) to the package. Package.digest is a checksum of the package itself as its
      // database records it; the checksum of package.json is not one, so an SPDX package without
      // checksums of its own has no digest in hullscan.
      {"trivy-import-spdx/happy path with no relationship", {Deviation::kDigestAbsent, "", "file checksum"}},
      {"trivy-import-spdx/happy path for bom with hasFiles field", {Deviation::kDigestAbsent, "", "file checksum"}},
      {"trivy-import-spdx/happy path for bom files in relationships", {Deviation::kDigestAbsent, "", "file checksum"}},
  };
  return kDeviations;
}

bool Deviates(const std::string& key, Deviation::Kind kind, std::string_view detail = "") {
  auto [begin, end] = Deviations().equal_range(key);
  for (auto it = begin; it != end; ++it) {
    if (it->second.kind == kind && (it->second.detail.empty() || it->second.detail == detail)) return true;
  }
  return false;
}

void CheckTrivyUnit(const std::string& unit) {
  fs::path dir = SbomDir() / unit;
  Json expected = Json::parse(ReadFileOrFail(dir / "expected.json"));
  int cases = 0;
  int packages_checked = 0;
  for (const Json& c : expected["cases"]) {
    std::string key = unit + "/" + Str(c, "case");
    SCOPED_TRACE(key);
    std::string fixture = Str(c, "fixture");
    Result<inventory::Inventory> inv = ReadSbom(ReadFileOrFail(dir / fixture), fixture);
    ++cases;
    if (c.contains("error") && !Deviates(key, Deviation::kNoError)) {
      ASSERT_FALSE(inv.ok()) << "Trivy expects an error: " << c["error"].dump();
      EXPECT_EQ(inv.error().code(), ErrorCode::kCorrupt) << inv.error().message();
      continue;
    }
    ASSERT_TRUE(inv.ok()) << inv.error().message();
    if (c.contains("error")) {
      EXPECT_TRUE(HasDiagnosticContaining(*inv, "invalid purl")) << "the skipped purl must be reported";
    }

    std::vector<ExpectedPackage> want = ExpectedPackages(c);
    size_t absent = 0;
    for (const ExpectedPackage& e : want) {
      SCOPED_TRACE(e.name + "@" + e.version);
      if (Deviates(key, Deviation::kPackageAbsent, e.purl_type)) {
        EXPECT_EQ(FindPackage(*inv, e.name, e.version), nullptr);
        EXPECT_TRUE(HasDiagnosticContaining(*inv, "'" + e.purl_type + "'")) << "skipped type must be named";
        ++absent;
        continue;
      }
      const inventory::Package* got = FindPackage(*inv, e.name, e.version);
      ASSERT_NE(got, nullptr);
      ++packages_checked;
      if (!e.purl_type.empty()) {
        EXPECT_EQ(inventory::PackageTypeName(got->type), e.purl_type);
      }
      if (!e.source_name.empty()) {
        EXPECT_EQ(got->source_name, e.source_name);
        EXPECT_EQ(got->source_version, e.source_version);
      }
      EXPECT_EQ(got->location.layer_diff_id, e.layer);
      EXPECT_EQ(got->location.path, e.path);
      if (!Deviates(key, Deviation::kDigestAbsent)) {
        EXPECT_EQ(got->digest, e.digest);
      }
    }
    EXPECT_EQ(inv->packages.size(), want.size() - absent);

    // Image and OS metadata.
    const Json& other = c.contains("other") ? c["other"] : c.value("want", Json::object());
    const Json& meta = other.value("Metadata", Json::object());
    if (meta.contains("OS")) {
      ASSERT_TRUE(inv->distro.has_value());
      EXPECT_EQ(inv->distro->family, Str(meta["OS"], "Family"));
      EXPECT_EQ(inv->distro->version, Str(meta["OS"], "Name"));
    }
    // (Without an OS component Trivy reports no OS; hullscan still takes the distro from the
    // purls' "distro" qualifier, e.g. third-party-bom-no-os.json's "distro=3.16.0" on an apk purl,
    // because matching OS packages needs the release.)
    EXPECT_EQ(inv->artifact.config_digest, Str(meta, "ImageID"));
    std::vector<std::string> diff_ids;
    for (const inventory::LayerInfo& l : inv->artifact.layers) diff_ids.push_back(l.diff_id);
    std::vector<std::string> want_diff_ids = meta.value("DiffIDs", std::vector<std::string>{});
    std::sort(diff_ids.begin(), diff_ids.end());  // Trivy's test sorts them
    std::sort(want_diff_ids.begin(), want_diff_ids.end());
    EXPECT_EQ(diff_ids, want_diff_ids);
    EXPECT_EQ(inv->artifact.repo_tags, meta.value("RepoTags", std::vector<std::string>{}));
  }
  EXPECT_EQ(cases, static_cast<int>(expected["cases"].size()));
  EXPECT_GT(packages_checked, 0);
  std::cout << unit << ": " << cases << " cases, " << packages_checked << " packages compared\n";
}

TEST(TrivyImportTest, CycloneDx) { CheckTrivyUnit("trivy-import-cyclonedx"); }
TEST(TrivyImportTest, Spdx) { CheckTrivyUnit("trivy-import-spdx"); }

// ---------------------------------------------------------------------------------------------
// Every SBOM in lang/sbom: each component / package with a purl of a matched type becomes one
// package carrying that purl; everything else is counted in a diagnostic.

bool MatchedPurlType(std::string_view purl) {
  std::optional<inventory::ParsedPurl> p = inventory::ParsePurl(purl);
  static const std::set<std::string> kTypes = {"deb", "apk", "rpm", "pypi", "npm", "golang",
                                               "maven", "gem", "cargo", "composer", "nuget"};
  return p && kTypes.count(p->type) != 0;
}

// The purls a reader must turn into packages, taken straight from the document.
std::multiset<std::string> DocumentPurls(const Json& doc) {
  std::multiset<std::string> out;
  if (doc.contains("bomFormat")) {
    std::vector<const Json*> stack;
    // References into `doc` (json::value() would return copies that die at once).
    auto children = [](const Json& j) -> const Json& {
      static const Json kEmpty = Json::array();
      auto it = j.find("components");
      return it != j.end() && it->is_array() ? *it : kEmpty;
    };
    for (const Json& c : children(doc)) stack.push_back(&c);
    while (!stack.empty()) {
      const Json* c = stack.back();
      stack.pop_back();
      if (!c->is_object()) continue;
      std::string purl = Str(*c, "purl");
      if (Str(*c, "type") != "operating-system" && MatchedPurlType(purl)) out.insert(purl);
      for (const Json& child : children(*c)) stack.push_back(&child);
    }
    return out;
  }
  for (const Json& p : doc.value("packages", Json::array())) {
    if (!p.is_object()) continue;
    for (const Json& ref : p.value("externalRefs", Json::array())) {
      if (Str(ref, "referenceType") == "purl" && MatchedPurlType(Str(ref, "referenceLocator"))) {
        out.insert(Str(ref, "referenceLocator"));
      }
    }
  }
  return out;
}

std::vector<fs::path> SbomFiles() {
  std::vector<fs::path> out;
  for (const auto& entry : fs::recursive_directory_iterator(SbomDir())) {
    if (!entry.is_regular_file() || entry.path().extension() != ".json") continue;
    std::string rel = fs::relative(entry.path(), SbomDir()).string();
    if (rel.find("input-repo-") != std::string::npos || entry.path().filename() == "expected.json") continue;
    out.push_back(entry.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

TEST(SbomFilesTest, EverySbomReads) {
  int sboms = 0;
  int not_sboms = 0;
  for (const fs::path& path : SbomFiles()) {
    std::string rel = fs::relative(path, SbomDir()).string();
    SCOPED_TRACE(rel);
    std::string content = ReadFileOrFail(path);
    Json doc = Json::parse(content);
    bool is_sbom = doc.contains("bomFormat") || doc.contains("spdxVersion");
    Result<inventory::Inventory> inv = ReadSbom(content, rel);
    EXPECT_EQ(LooksLikeSbom(std::string_view(content).substr(0, 64 * 1024)), is_sbom);
    if (!is_sbom) {
      // trivy-output/npm.json (Trivy's own report) and syft-native-full.json (Syft's format).
      ASSERT_FALSE(inv.ok());
      EXPECT_EQ(inv.error().code(), ErrorCode::kUnsupported);
      ++not_sboms;
      continue;
    }
    if (doc.value("serialNumber", Json("")).is_number()) continue;  // the sad fixture, checked above
    ASSERT_TRUE(inv.ok()) << inv.error().message();
    ++sboms;
    std::multiset<std::string> got;
    for (const inventory::Package& p : inv->packages) got.insert(p.purl);
    EXPECT_EQ(got, DocumentPurls(doc));
    for (const inventory::Package& p : inv->packages) {
      EXPECT_FALSE(p.name.empty()) << p.purl;
      if (p.type == inventory::PackageType::kDeb || p.type == inventory::PackageType::kApk) {
        EXPECT_FALSE(p.source_name.empty()) << p.purl;
      }
    }
  }
  EXPECT_GE(sboms, 30);
  EXPECT_EQ(not_sboms, 2);
}

// Facts the peers' documents state, checked on the documents that state them.
TEST(SbomFilesTest, TrivyCentosRpm) {
  for (const char* file : {"trivy-input/centos-7-cyclonedx.json", "trivy-input/centos-7-spdx.json"}) {
    SCOPED_TRACE(file);
    Result<inventory::Inventory> inv = ReadSbom(ReadFileOrFail(SbomDir() / file), file);
    ASSERT_TRUE(inv.ok()) << inv.error().message();
    ASSERT_TRUE(inv->distro.has_value());
    EXPECT_EQ(inv->distro->family, "centos");
    EXPECT_EQ(inv->distro->version, "7.6.1810");
    // purl "pkg:rpm/centos/openssl-libs@1.0.2k-16.el7?arch=x86_64&epoch=1&…": the epoch goes back
    // into the version, as rpm prints it. (The SPDX fixture's versionInfo says -19; the purl is the
    // identity both formats share, and Trivy reads the purl too.)
    const inventory::Package* ssl = FindPackage(*inv, "openssl-libs", "1:1.0.2k-16.el7");
    ASSERT_NE(ssl, nullptr);
    EXPECT_EQ(ssl->arch, "x86_64");
    if (std::string_view(file).find("cyclonedx") != std::string_view::npos) {
      // SrcName/SrcVersion/SrcRelease/SrcEpoch properties.
      EXPECT_EQ(ssl->source_rpm, "openssl-1.0.2k-16.el7.src.rpm");
      EXPECT_EQ(ssl->source_name, "openssl");
      EXPECT_EQ(ssl->source_version, "1:1.0.2k-16.el7");
      EXPECT_EQ(ssl->location.layer_diff_id, "sha256:89169d87dbe2b72ba42bfbb3579c957322baca28e03a1e558076542a1c1b2b4a");
    }
    EXPECT_EQ(inv->artifact.config_digest, "sha256:f1cb7c7d58b73eac859c395882eec49d50651244e342cd6c68a5c7809785f427");
  }
}

TEST(SbomFilesTest, SyftAlpineUpstreamAndDistroQualifier) {
  const char* file = "syft-output/alpine-3.10.syft.spdx.json";
  Result<inventory::Inventory> inv = ReadSbom(ReadFileOrFail(SbomDir() / file), file);
  ASSERT_TRUE(inv.ok()) << inv.error().message();
  // No OS package in the document: the distro comes from "distro=alpine-3.10.9".
  ASSERT_TRUE(inv->distro.has_value());
  EXPECT_EQ(inv->distro->family, "alpine");
  EXPECT_EQ(inv->distro->version, "3.10.9");
  const inventory::Package* ssl_client = FindPackage(*inv, "ssl_client", "1.30.1-r5");
  ASSERT_NE(ssl_client, nullptr);
  EXPECT_EQ(ssl_client->source_name, "busybox");  // "upstream=busybox"
  EXPECT_EQ(ssl_client->source_version, "1.30.1-r5");
  EXPECT_EQ(ssl_client->location.path, "lib/apk/db/installed");  // Syft's sourceInfo
  EXPECT_EQ(inv->artifact.name, "alpine-3.10");
}

TEST(SbomFilesTest, SyftCycloneDxLocationsAndInvalidPurl) {
  const char* file = "syft-output/cyclonedx-image.json";
  Result<inventory::Inventory> inv = ReadSbom(ReadFileOrFail(SbomDir() / file), file);
  ASSERT_TRUE(inv.ok()) << inv.error().message();
  ASSERT_EQ(inv->packages.size(), 1u);  // "a-purl-1" is no purl
  EXPECT_TRUE(HasDiagnosticContaining(*inv, "'a-purl-1'"));
  EXPECT_EQ(inv->packages[0].location.path, "somefile-2.txt");
  EXPECT_EQ(inv->packages[0].location.layer_diff_id, "sha256:redacted");
  ASSERT_TRUE(inv->distro.has_value());
  EXPECT_EQ(inv->distro->family, "debian");
  EXPECT_EQ(inv->distro->version_id, "1.2.3");
  EXPECT_EQ(inv->artifact.name, "user-image-input");
}

TEST(SbomFilesTest, TrivyFluentdGemsAndDebs) {
  const char* file = "trivy-output/fluentd-multiple-lockfiles.cdx.json";
  Result<inventory::Inventory> inv = ReadSbom(ReadFileOrFail(SbomDir() / file), file);
  ASSERT_TRUE(inv.ok()) << inv.error().message();
  ASSERT_TRUE(inv->distro.has_value());
  EXPECT_EQ(inv->distro->family, "debian");
  EXPECT_EQ(inv->distro->version, "10.2");
  int gems = 0;
  for (const inventory::Package& p : inv->packages) {
    if (p.type != inventory::PackageType::kGem) continue;
    ++gems;
    EXPECT_FALSE(p.location.path.empty()) << p.purl << ": gems carry their Gemfile.lock / gemspec";
  }
  EXPECT_GT(gems, 0);
}

// ---------------------------------------------------------------------------------------------
// hullscan -> SBOM -> ReadSbom gives back the same packages.

fs::path RootfsOf(const std::string& key) { return fs::path("/work/images/rootfs") / key / "rootfs"; }

// The first Debian and the first Alpine reference image of images.tsv.
std::vector<std::string> RoundTripKeys() {
  std::vector<std::string> keys;
  std::ifstream tsv("/work/images/images.tsv");
  std::string line;
  bool debian = false;
  bool alpine = false;
  while (std::getline(tsv, line)) {
    std::string key = line.substr(0, line.find('\t'));
    if (!debian && key.rfind("debian_", 0) == 0 && fs::exists(RootfsOf(key))) {
      keys.push_back(key);
      debian = true;
    }
    if (!alpine && key.rfind("alpine_", 0) == 0 && fs::exists(RootfsOf(key))) {
      keys.push_back(key);
      alpine = true;
    }
  }
  return keys;
}

std::string Write(const inventory::Inventory& inv, report::Format format) {
  std::ostringstream out;
  report::Options options;
  options.timestamp = "2024-01-01T00:00:00Z";
  EXPECT_TRUE(report::WriteInventory(inv, format, options, out).ok());
  return out.str();
}

void CheckRoundTrip(const inventory::Inventory& original, report::Format format) {
  std::string sbom = Write(original, format);
  ASSERT_TRUE(LooksLikeSbom(sbom.substr(0, 64 * 1024)));
  Result<inventory::Inventory> back = ReadSbom(sbom, "sbom.json");
  ASSERT_TRUE(back.ok()) << back.error().message();
  ASSERT_EQ(back->packages.size(), original.packages.size());
  bool spdx = format == report::Format::kSpdxJson;
  for (size_t i = 0; i < original.packages.size(); ++i) {
    inventory::Package want = original.packages[i];
    SCOPED_TRACE(want.purl);
    // Not in any SBOM format: the file lists (SBOMs name packages, not their files) and the dev
    // flag (OS packages have none).
    want.installed_files.clear();
    inventory::Package got = back->packages[i];
    if (spdx) {
      // SPDX keeps licences as one SPDX expression (licenseDeclared) where the recorded texts are
      // SPDX identifiers, so "GPL-2" and "GPL-2.0-only" or a list of ids come back merged; the
      // licence texts themselves are compared in the CycloneDX round trip.
      got.licenses = want.licenses;
    }
    EXPECT_EQ(got, want);
  }
  EXPECT_EQ(back->distro, original.distro);
  EXPECT_EQ(back->artifact, original.artifact);
}

TEST(RoundTripTest, ReferenceRootfs) {
  std::vector<std::string> keys = RoundTripKeys();
  if (keys.size() < 2) GTEST_SKIP() << "reference rootfs under /work/images/rootfs missing";
  for (const std::string& key : keys) {
    SCOPED_TRACE(key);
    source::Target target;
    target.kind = source::TargetKind::kRootfs;
    target.path = RootfsOf(key).string();
    target.display_name = key;
    Result<inventory::Inventory> inv = scan::BuildInventory(target, scan::Options{});
    ASSERT_TRUE(inv.ok()) << inv.error().message();
    ASSERT_GT(inv->packages.size(), 10u);
    std::cout << key << ": " << inv->packages.size() << " packages round-tripped\n";
    {
      SCOPED_TRACE("cyclonedx");
      CheckRoundTrip(*inv, report::Format::kCycloneDx);
    }
    {
      SCOPED_TRACE("spdx-json");
      CheckRoundTrip(*inv, report::Format::kSpdxJson);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Hostile and malformed input.

TEST(MalformedTest, BrokenJsonIsCorrupt) {
  std::string good = ReadFileOrFail(SbomDir() / "trivy-input/centos-7-cyclonedx.json");
  for (size_t cut : {size_t{1}, good.size() / 3, good.size() / 2, good.size() - 2}) {
    Result<inventory::Inventory> inv = ReadSbom(good.substr(0, cut), "cut.json");
    ASSERT_FALSE(inv.ok()) << cut;
    EXPECT_EQ(inv.error().code(), ErrorCode::kCorrupt) << inv.error().message();
  }
  EXPECT_EQ(ReadSbom("{\"bomFormat\": \"CycloneDX\", \"components\": {}}", "x").error().code(), ErrorCode::kCorrupt);
  EXPECT_EQ(ReadSbom("{\"spdxVersion\": \"SPDX-2.3\", \"packages\": 7}", "x").error().code(), ErrorCode::kCorrupt);
  EXPECT_EQ(ReadSbom("", "x").error().code(), ErrorCode::kCorrupt);
}

TEST(MalformedTest, OtherFormatsAreUnsupported) {
  EXPECT_EQ(ReadSbom("<?xml version=\"1.0\"?><bom/>", "x").error().code(), ErrorCode::kUnsupported);
  EXPECT_EQ(ReadSbom("SPDXVersion: SPDX-2.3\n", "x").error().code(), ErrorCode::kUnsupported);
  EXPECT_EQ(ReadSbom("{\"spdxVersion\": \"SPDX-3.0\"}", "x").error().code(), ErrorCode::kUnsupported);
  EXPECT_EQ(ReadSbom("{\"bomFormat\": \"Other\"}", "x").error().code(), ErrorCode::kUnsupported);
  EXPECT_EQ(ReadSbom("[1, 2]", "x").error().code(), ErrorCode::kUnsupported);
  EXPECT_EQ(ReadSbom("{\"schemaVersion\": 2}", "x").error().code(), ErrorCode::kUnsupported);
  EXPECT_FALSE(LooksLikeSbom("{\"schemaVersion\": 2, \"manifests\": []}"));
  EXPECT_FALSE(LooksLikeSbom(std::string("ustar\0\0", 7)));
}

TEST(MalformedTest, DeepNestingIsBounded) {
  // 100,000 brackets would exhaust a recursive parser's stack; the depth is refused up front.
  std::string deep = "{\"bomFormat\": \"CycloneDX\", \"x\": " + std::string(100000, '[') + std::string(100000, ']') + "}";
  Result<inventory::Inventory> inv = ReadSbom(deep, "deep.json");
  ASSERT_FALSE(inv.ok());
  EXPECT_EQ(inv.error().code(), ErrorCode::kLimitExceeded);
}

TEST(MalformedTest, NestedComponentsAreWalkedToADepthCap) {
  // 100 levels of components[].components[], one npm package per level.
  constexpr int kLevels = 100;
  std::string doc = "{\"bomFormat\": \"CycloneDX\", \"specVersion\": \"1.6\", \"components\": ";
  for (int i = 0; i < kLevels; ++i) {
    doc += "[{\"type\": \"library\", \"name\": \"p" + std::to_string(i) + "\", \"purl\": \"pkg:npm/p" +
           std::to_string(i) + "@1.0.0\", \"components\": ";
  }
  doc += "[]";
  for (int i = 0; i < kLevels; ++i) doc += "}]";
  doc += "}";
  Result<inventory::Inventory> inv = ReadSbom(doc, "nested.json");
  ASSERT_TRUE(inv.ok()) << inv.error().message();
  EXPECT_EQ(inv->packages.size(), 64u);
  EXPECT_TRUE(HasDiagnosticContaining(*inv, "below nesting level 64"));
}

TEST(MalformedTest, BrokenComponentsAreSkipped) {
  Result<inventory::Inventory> inv = ReadSbom(
      R"({"bomFormat": "CycloneDX", "components": [
            7, "x", null,
            {"type": "library", "name": "ok", "purl": "pkg:npm/ok@1"},
            {"type": "library", "name": "bad", "purl": "pkg:npm/%zz@1"},
            {"type": "library", "name": "nopurl"},
            {"type": "library", "name": "k", "purl": "pkg:k8s/k8s.io%2Fkubelet@1.27.4"},
            {"type": "library", "purl": 12, "properties": "not a list"}]})",
      "broken.json");
  ASSERT_TRUE(inv.ok()) << inv.error().message();
  ASSERT_EQ(inv->packages.size(), 1u);
  EXPECT_EQ(inv->packages[0].name, "ok");
  EXPECT_TRUE(HasDiagnosticContaining(*inv, "3 component(s) that are not JSON objects"));
  EXPECT_TRUE(HasDiagnosticContaining(*inv, "invalid purl"));
  EXPECT_TRUE(HasDiagnosticContaining(*inv, "without a purl"));
  EXPECT_TRUE(HasDiagnosticContaining(*inv, "'k8s' ×1"));
  for (const inventory::Diagnostic& d : inv->diagnostics) EXPECT_EQ(d.path, "broken.json");
}

TEST(MalformedTest, ManyComponents) {
  constexpr int kCount = 20000;
  std::string doc = "{\"bomFormat\": \"CycloneDX\", \"components\": [";
  for (int i = 0; i < kCount; ++i) {
    if (i > 0) doc += ",";
    doc += "{\"type\": \"library\", \"name\": \"p\", \"purl\": \"pkg:pypi/p" + std::to_string(i) + "@1.0\"}";
  }
  doc += "]}";
  Result<inventory::Inventory> inv = ReadSbom(doc, "many.json");
  ASSERT_TRUE(inv.ok());
  EXPECT_EQ(inv->packages.size(), static_cast<size_t>(kCount));
}

}  // namespace
}  // namespace hullscan::bom
