// CycloneDX and SPDX output against the official JSON schemas (../shared/schemas, checked by ajv
// through tests/tools/schema-validator), plus the structural facts a schema cannot check: one
// component/package per inventory package, unique references, purls as the inventory gives them,
// relationships that point at existing elements.
#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>

#include "inventory/purl.h"
#include "report/report.h"
#include "report_test_util.h"
#include "testing/testdata.h"

namespace hullscan::report {
namespace {

using testing::Render;
using testing::RunSchemaValidator;
using Json = nlohmann::json;

struct NamedInventory {
  std::string name;
  inventory::Inventory inventory;
};

std::vector<NamedInventory> AllInventories() {
  return {{"ubuntu", testing::UbuntuInventory()},  {"alpine", testing::AlpineInventory()},
          {"tricky", testing::TrickyInventory()},  {"rhel-tricky", testing::RhelTrickyInventory()},
          {"rootfs", testing::RootfsInventory()},  {"empty", testing::EmptyInventory()},
          {"example", testing::ExampleInventory()}};
}

Json Parse(const std::string& text) {
  Json j = Json::parse(text, nullptr, false);
  EXPECT_FALSE(j.is_discarded()) << "output is not JSON";
  return j;
}

// The purl every writer must emit for a package: the inventory's, or MakePurl when it left it empty.
std::string ExpectedPurl(const inventory::Inventory& inv, const inventory::Package& p) {
  return p.purl.empty() ? inventory::MakePurl(p, inv.distro) : p.purl;
}

// node is a declared test dependency (scripts/install-deps): without it the schema validation
// cannot run, which is a failure, not a skip.
#define REQUIRE_NODE()                                                                             \
  ASSERT_TRUE(testing::NodeAvailable()) << "node is not installed: the CycloneDX/SPDX schema validation " \
                                           "cannot run; run scripts/install-deps"

class SchemaTest : public ::testing::Test {
 protected:
  void SetUp() override {
    REQUIRE_NODE();
    ASSERT_TRUE(
        std::filesystem::exists(hullscan::testing::SourceDir() / "tests/tools/schema-validator/node_modules/ajv"))
        << "the validator's packages are missing: run `npm ci --prefix tests/tools/schema-validator`";
  }
  hullscan::testing::TempDir tmp_;
};

TEST_F(SchemaTest, CycloneDxOfEveryInventoryIsValid) {
  std::vector<std::filesystem::path> files;
  for (const auto& [name, inv] : AllInventories()) {
    files.push_back(tmp_.path() / (name + ".cdx.json"));
    testing::WriteFile(files.back(), Render(inv, Format::kCycloneDx));
  }
  auto result = RunSchemaValidator("bom-1.6.schema.json", files);
  EXPECT_EQ(result.exit_code, 0) << result.output;
}

TEST_F(SchemaTest, SpdxOfEveryInventoryIsValid) {
  std::vector<std::filesystem::path> files;
  for (const auto& [name, inv] : AllInventories()) {
    files.push_back(tmp_.path() / (name + ".spdx.json"));
    testing::WriteFile(files.back(), Render(inv, Format::kSpdxJson));
  }
  auto result = RunSchemaValidator("spdx-2.3.schema.json", files);
  EXPECT_EQ(result.exit_code, 0) << result.output;
}

// The validator must be able to fail, or the two tests above prove nothing.
TEST_F(SchemaTest, ValidatorRejectsBrokenDocuments) {
  Json cdx = Parse(Render(testing::UbuntuInventory(), Format::kCycloneDx));
  cdx["components"][1]["type"] = "not-a-type";
  cdx["components"][1]["licenses"] = Json::array({Json{{"license", Json{{"id", "NOT-AN-SPDX-ID"}}}}});
  cdx["serialNumber"] = "not-a-urn";
  testing::WriteFile(tmp_.path() / "broken.cdx.json", cdx.dump());
  Json spdx = Parse(Render(testing::UbuntuInventory(), Format::kSpdxJson));
  spdx.erase("SPDXID");
  spdx["packages"][0]["primaryPackagePurpose"] = "OPERATING-SYSTEM";  // hyphen: not the schema's spelling
  testing::WriteFile(tmp_.path() / "broken.spdx.json", spdx.dump());
  testing::WriteFile(tmp_.path() / "not.json", "{\"bomFormat\": ");

  auto cdx_result = RunSchemaValidator("bom-1.6.schema.json", {tmp_.path() / "broken.cdx.json"});
  EXPECT_EQ(cdx_result.exit_code, 1) << cdx_result.output;
  EXPECT_NE(cdx_result.output.find("/serialNumber"), std::string::npos) << cdx_result.output;
  EXPECT_NE(cdx_result.output.find("/components/1/type"), std::string::npos) << cdx_result.output;
  auto spdx_result = RunSchemaValidator("spdx-2.3.schema.json", {tmp_.path() / "broken.spdx.json"});
  EXPECT_EQ(spdx_result.exit_code, 1) << spdx_result.output;
  EXPECT_NE(spdx_result.output.find("SPDXID"), std::string::npos) << spdx_result.output;
  EXPECT_NE(spdx_result.output.find("primaryPackagePurpose"), std::string::npos) << spdx_result.output;
  auto garbage = RunSchemaValidator("bom-1.6.schema.json", {tmp_.path() / "not.json"});
  EXPECT_EQ(garbage.exit_code, 1) << garbage.output;
  auto missing_schema = RunSchemaValidator("no-such.schema.json", {tmp_.path() / "not.json"});
  EXPECT_EQ(missing_schema.exit_code, 2) << missing_schema.output;
}

// Arbitrary bytes in every string field (a hostile image can put them there) still give valid
// documents in every format.
inventory::Inventory GarbageInventory(uint32_t seed) {
  uint32_t state = seed * 2654435761u + 1;
  auto next = [&] {
    state ^= state << 13;
    state ^= state >> 17;
    state ^= state << 5;
    return state;
  };
  auto garbage = [&] {
    static constexpr std::string_view kPieces[] = {"a",
                                                   "Z",
                                                   "0",
                                                   ":",
                                                   "/",
                                                   "@",
                                                   "sha256:",
                                                   std::string_view("\0", 1),
                                                   "\x1b[",
                                                   "\xff",
                                                   "\xc3",
                                                   "\xc3\xbc",
                                                   " ",
                                                   "(",
                                                   "AND",
                                                   "\"",
                                                   "\\",
                                                   "%",
                                                   "\xe2\x80\xae",
                                                   "\xf0\x9f\x98\x80",
                                                   "#",
                                                   "?",
                                                   "&",
                                                   "="};
    std::string s;
    for (uint32_t n = next() % 12; n > 0; --n) s += kPieces[next() % std::size(kPieces)];
    return s;
  };
  inventory::Inventory inv;
  inv.artifact.kind = next() % 4 == 0 ? inventory::ArtifactKind::kRootfs : inventory::ArtifactKind::kImage;
  inv.artifact.name = garbage();
  inv.artifact.manifest_digest = next() % 2 ? testing::FakeDigest(garbage()) : garbage();
  inv.artifact.config_digest = garbage();
  inv.artifact.repo_tags = {garbage(), garbage()};
  inv.artifact.architecture = garbage();
  inv.artifact.layers.push_back({garbage(), garbage(), garbage(), static_cast<int64_t>(next()) - (1 << 30), garbage()});
  if (next() % 2) {
    inv.distro = inventory::Distro{};
    inv.distro->family = garbage();
    inv.distro->version = garbage();
    inv.distro->cpe = garbage();
    inv.distro->id_like = {garbage()};
  }
  for (int i = 0; i < 12; ++i) {
    inventory::Package p;
    p.type = static_cast<inventory::PackageType>(next() % 3);
    p.name = garbage();
    p.version = garbage();
    p.arch = garbage();
    p.source_name = garbage();
    p.source_version = garbage();
    p.source_rpm = garbage();
    p.licenses = {garbage(), garbage()};
    p.maintainer = garbage();
    p.vendor = garbage();
    p.modularity_label = garbage();
    p.digest = next() % 2 ? "sha1:" + std::string(40, 'f') : garbage();
    p.installed_files = {garbage()};
    p.location = {garbage(), garbage()};
    if (next() % 2) p.purl = inventory::MakePurl(p, inv.distro);
    inv.packages.push_back(std::move(p));
  }
  inv.diagnostics = {{garbage(), garbage(), garbage()}};
  inventory::Canonicalize(inv);
  return inv;
}

TEST_F(SchemaTest, GarbageStringsStillGiveValidDocuments) {
  std::vector<std::filesystem::path> cdx, spdx;
  for (uint32_t seed = 1; seed <= 25; ++seed) {
    inventory::Inventory inv = GarbageInventory(seed);
    cdx.push_back(tmp_.path() / ("garbage-" + std::to_string(seed) + ".cdx.json"));
    testing::WriteFile(cdx.back(), Render(inv, Format::kCycloneDx));
    spdx.push_back(tmp_.path() / ("garbage-" + std::to_string(seed) + ".spdx.json"));
    testing::WriteFile(spdx.back(), Render(inv, Format::kSpdxJson));
    EXPECT_FALSE(Json::parse(Render(inv, Format::kJson), nullptr, false).is_discarded());
    std::string table = Render(inv, Format::kTable);
    EXPECT_EQ(table.find('\x1b'), std::string::npos);
    EXPECT_EQ(table.find('\0'), std::string::npos);
  }
  auto cdx_result = RunSchemaValidator("bom-1.6.schema.json", cdx);
  EXPECT_EQ(cdx_result.exit_code, 0) << cdx_result.output;
  auto spdx_result = RunSchemaValidator("spdx-2.3.schema.json", spdx);
  EXPECT_EQ(spdx_result.exit_code, 0) << spdx_result.output;
}

// ---- structure (no node needed) ----

TEST(CycloneDxTest, OneLibraryComponentPerPackageWithInventoryPurls) {
  for (const auto& [name, inv] : AllInventories()) {
    SCOPED_TRACE(name);
    Json bom = Parse(Render(inv, Format::kCycloneDx));
    EXPECT_EQ(bom["bomFormat"], "CycloneDX");
    EXPECT_EQ(bom["specVersion"], "1.6");
    EXPECT_EQ(bom["version"], 1);
    EXPECT_EQ(bom["metadata"]["timestamp"], "2024-01-02T03:04:05Z");
    EXPECT_EQ(bom["metadata"]["tools"]["components"][0]["name"], "hullscan");
    EXPECT_EQ(bom["metadata"]["tools"]["components"][0]["version"], "0.1.0-test");

    std::vector<std::string> purls;
    std::set<std::string> refs = {bom["metadata"]["component"]["bom-ref"].get<std::string>()};
    size_t os_components = 0;
    for (const Json& c : bom["components"]) {
      EXPECT_TRUE(refs.insert(c["bom-ref"].get<std::string>()).second) << "duplicate bom-ref " << c["bom-ref"];
      if (c["type"] == "library") purls.push_back(c["purl"]);
      if (c["type"] == "operating-system") ++os_components;
    }
    ASSERT_EQ(purls.size(), inv.packages.size());
    for (size_t i = 0; i < purls.size(); ++i) EXPECT_EQ(purls[i], ExpectedPurl(inv, inv.packages[i]));
    EXPECT_EQ(os_components, inv.distro ? 1u : 0u);

    // dependencies: artifact -> OS -> every package (artifact -> packages without a distro)
    std::map<std::string, std::vector<std::string>> deps;
    for (const Json& d : bom["dependencies"]) {
      for (const Json& r : d["dependsOn"]) EXPECT_TRUE(refs.count(r.get<std::string>())) << r;
      EXPECT_TRUE(refs.count(d["ref"].get<std::string>())) << d["ref"];
      deps[d["ref"]] = d["dependsOn"].get<std::vector<std::string>>();
    }
    const std::string root = bom["metadata"]["component"]["bom-ref"];
    ASSERT_TRUE(deps.count(root));
    std::string parent = root;
    if (inv.distro) {
      ASSERT_EQ(deps[root].size(), 1u);
      parent = deps[root][0];
    }
    EXPECT_EQ(deps[parent].size(), inv.packages.size());
  }
}

TEST(CycloneDxTest, ImageComponentCarriesIdentityAndLayers) {
  inventory::Inventory inv = testing::UbuntuInventory();
  Json c = Parse(Render(inv, Format::kCycloneDx))["metadata"]["component"];
  EXPECT_EQ(c["type"], "container");
  EXPECT_EQ(c["name"], "docker.io/library/ubuntu:18.04");
  EXPECT_EQ(c["version"], inv.artifact.manifest_digest);
  std::string hex = inv.artifact.manifest_digest.substr(7);
  EXPECT_EQ(c["hashes"][0]["alg"], "SHA-256");
  EXPECT_EQ(c["hashes"][0]["content"], hex);
  EXPECT_EQ(c["purl"], "pkg:oci/ubuntu@sha256%3A" + hex + "?arch=amd64&repository_url=docker.io%2Flibrary%2Fubuntu");
  EXPECT_EQ(c["bom-ref"], c["purl"]);
  std::multimap<std::string, std::string> props;
  for (const Json& p : c["properties"]) props.emplace(p["name"], p["value"]);
  EXPECT_EQ(props.find("hullscan:image:id")->second, inv.artifact.config_digest);
  EXPECT_EQ(props.find("hullscan:image:repo_digest")->second,
            "docker.io/library/ubuntu@" + inv.artifact.manifest_digest);
  EXPECT_EQ(props.count("hullscan:image:repo_tag"), 2u);
  EXPECT_EQ(props.find("hullscan:image:architecture")->second, "amd64");
  // one diff_id property per layer, in layer order
  std::vector<std::string> diff_ids;
  for (const Json& p : c["properties"]) {
    if (p["name"] == "hullscan:image:diff_id") diff_ids.push_back(p["value"]);
  }
  ASSERT_EQ(diff_ids.size(), inv.artifact.layers.size());
  for (size_t i = 0; i < diff_ids.size(); ++i) EXPECT_EQ(diff_ids[i], inv.artifact.layers[i].diff_id);
  EXPECT_EQ(props.find("hullscan:image:layer:1:created_by")->second, inv.artifact.layers[1].created_by);
}

TEST(CycloneDxTest, PackageComponentFields) {
  inventory::Inventory inv = testing::UbuntuInventory();
  Json bom = Parse(Render(inv, Format::kCycloneDx));
  const Json* bsdutils = nullptr;
  for (const Json& c : bom["components"]) {
    if (c["name"] == "bsdutils") bsdutils = &c;
  }
  ASSERT_NE(bsdutils, nullptr);
  std::map<std::string, std::string> props;
  for (const Json& p : (*bsdutils)["properties"]) props[p["name"]] = p["value"];
  EXPECT_EQ((*bsdutils)["version"], "1:2.31.1-0.4ubuntu3.1");
  EXPECT_EQ(props["hullscan:package:type"], "deb");
  EXPECT_EQ(props["hullscan:package:source_name"], "util-linux");
  EXPECT_EQ(props["hullscan:package:source_version"], "2.31.1-0.4ubuntu3.1");
  EXPECT_EQ(props["hullscan:package:layer_diff_id"], inv.artifact.layers[0].diff_id);
  EXPECT_EQ(props["hullscan:package:path"], "var/lib/dpkg/status");
  EXPECT_EQ(props["hullscan:package:maintainer"], "Ubuntu Developers <ubuntu-devel-discuss@lists.ubuntu.com>");
  EXPECT_EQ((*bsdutils)["supplier"]["name"], props["hullscan:package:maintainer"]);
}

// Alpine records SPDX expressions; every one of apk-tools' 39 must come out as SPDX, not as a name.
TEST(CycloneDxTest, AlpineLicencesBecomeIdsOrExpressions) {
  inventory::Inventory inv = testing::AlpineInventory();
  Json bom = Parse(Render(inv, Format::kCycloneDx));
  size_t i = 0;
  for (const Json& c : bom["components"]) {
    if (c["type"] != "library") continue;
    const inventory::Package& p = inv.packages[i++];
    ASSERT_EQ(c["name"], p.name);
    ASSERT_EQ(p.licenses.size(), 1u);
    const std::string& recorded = p.licenses[0];
    ASSERT_EQ(c["licenses"].size(), 1u) << c.dump();
    if (recorded.find(' ') == std::string::npos) {
      EXPECT_EQ(c["licenses"][0]["license"]["id"], recorded);
    } else {
      EXPECT_EQ(c["licenses"][0]["expression"], recorded);
    }
  }
  EXPECT_EQ(i, inv.packages.size());
}

TEST(CycloneDxTest, LicenceChoicesForAwkwardValues) {
  Json bom = Parse(Render(testing::TrickyInventory(), Format::kCycloneDx));
  std::map<std::string, Json> by_name;
  for (const Json& c : bom["components"]) by_name[c["name"]] = c;
  // Debian short names are not SPDX: names; the empty one is dropped.
  EXPECT_EQ(by_name["libc6"]["licenses"],
            Json::parse(R"([{"license":{"name":"GPL-2+"}},{"license":{"name":"LGPL-2.1+"}}])"));
  // an id next to an expression: the schema allows an expression only alone, so both are listed
  EXPECT_EQ(
      by_name["dup"]["licenses"],
      Json::parse(R"([{"license":{"id":"MIT"}},{"license":{"name":"GPL-2.0-or-later WITH GCC-exception-3.1"}}])"));
  EXPECT_EQ(by_name["postgresql-client"]["licenses"], Json::parse(R"([{"license":{"id":"MIT"}}])"));
  EXPECT_EQ(by_name["na\xc3\xafve pkg \xc3\xbc \xe5\x90\x8d\xe5\x89\x8d"]["licenses"],
            Json::parse(R"j([{"expression":"(MIT AND BSD-2-Clause) AND (Apache-2.0 OR MIT)"}])j"));
  EXPECT_EQ(by_name["@scope/name@with/slash"]["licenses"], Json::parse(R"([{"expression":"LicenseRef-Custom-1"}])"));
  EXPECT_EQ(by_name["nodejs"]["licenses"], Json::parse(R"([{"expression":"MIT AND ISC"}])"));
  EXPECT_EQ(by_name["openssl-libs"]["licenses"], Json::parse(R"([{"license":{"name":"ASL 2.0"}}])"));
  EXPECT_EQ(by_name.count(""), 1u) << "the empty-named package must still be a component";
}

TEST(CycloneDxTest, DuplicatePurlsGetDistinctRefs) {
  inventory::Inventory inv = testing::TrickyInventory();
  Json bom = Parse(Render(inv, Format::kCycloneDx));
  std::vector<std::string> dup_refs;
  std::set<std::string> libc_purls;
  for (const Json& c : bom["components"]) {
    if (c["name"] == "dup") dup_refs.push_back(c["bom-ref"]);
    if (c["name"] == "libc6") libc_purls.insert(c["purl"].get<std::string>());
  }
  ASSERT_EQ(dup_refs.size(), 3u);
  EXPECT_EQ(std::set<std::string>(dup_refs.begin(), dup_refs.end()).size(), 3u);
  const std::string purl = "pkg:deb/debian/dup@1.0-1?arch=all";
  EXPECT_EQ(dup_refs[0], purl);  // the first keeps its purl as ref
  EXPECT_EQ(dup_refs[1].rfind(purl + "#", 0), 0u) << dup_refs[1];
  EXPECT_EQ(libc_purls.size(), 2u) << "amd64 and i386 are different packages";
}

TEST(CycloneDxTest, OverlongVersionMovesToAProperty) {
  Json bom = Parse(Render(testing::TrickyInventory(), Format::kCycloneDx));
  for (const Json& c : bom["components"]) {
    if (c["name"] != std::string(3000, 'n')) continue;
    EXPECT_FALSE(c.contains("version"));
    bool found = false;
    for (const Json& p : c["properties"])
      found |= p["name"] == "hullscan:package:version" && p["value"] == std::string(1500, '9');
    EXPECT_TRUE(found);
    return;
  }
  ADD_FAILURE() << "long-named package missing";
}

TEST(CycloneDxTest, SerialNumberIsDerivedFromContent) {
  inventory::Inventory inv = testing::UbuntuInventory();
  Json a = Parse(Render(inv, Format::kCycloneDx));
  std::regex uuid("^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$");
  EXPECT_TRUE(std::regex_match(a["serialNumber"].get<std::string>(), uuid)) << a["serialNumber"];
  Options later = testing::TestOptions();
  later.timestamp = "2024-01-02T03:04:06Z";
  EXPECT_NE(Parse(Render(inv, Format::kCycloneDx, later))["serialNumber"], a["serialNumber"]);
  inv.packages.pop_back();
  EXPECT_NE(Parse(Render(inv, Format::kCycloneDx))["serialNumber"], a["serialNumber"]);
}

TEST(CycloneDxTest, RootfsIsAnApplicationWithoutPurl) {
  Json c = Parse(Render(testing::RootfsInventory(), Format::kCycloneDx))["metadata"]["component"];
  EXPECT_EQ(c["type"], "application");
  EXPECT_FALSE(c.contains("purl"));
  EXPECT_FALSE(c.contains("version"));
  EXPECT_EQ(c["name"], "/srv/rootfs");
  nlohmann::json spdx = Parse(Render(testing::RootfsInventory(), Format::kSpdxJson));
  EXPECT_EQ(spdx["documentNamespace"].get<std::string>().rfind("https://hullscan.dev/spdx/rootfs-", 0), 0u);
  EXPECT_EQ(spdx["packages"][0]["SPDXID"].get<std::string>().rfind("SPDXRef-Filesystem-rootfs-", 0), 0u);
}

// Syft's expectation for libpam-runtime (osdb/dpkg/syft-image-dpkg) names the purl a Debian 12
// package gets; the writers must pass the inventory's purl through unchanged.
TEST(CycloneDxTest, PurlMatchesSyftForTheSamePackage) {
  inventory::Inventory inv = testing::RootfsInventory();
  inv.distro->version = "12";  // Syft's fixture os-release says VERSION_ID=12
  Json syft = Json::parse(hullscan::testing::ReadFileOrFail(hullscan::testing::TestData() /
                                                            "osdb/dpkg/syft-image-dpkg/expected.syft.json"));
  Json bom = Parse(Render(inv, Format::kCycloneDx));
  Json spdx = Parse(Render(inv, Format::kSpdxJson));
  ASSERT_EQ(bom["components"][1]["name"], syft["packages"][0]["name"]);
  EXPECT_EQ(bom["components"][1]["purl"], syft["packages"][0]["purl"]);
  EXPECT_EQ(spdx["packages"][2]["externalRefs"][0]["referenceLocator"], syft["packages"][0]["purl"]);
}

TEST(SpdxTest, OnePackagePerInventoryPackageWithValidUniqueIds) {
  const std::regex id_pattern("^SPDXRef-[A-Za-z0-9.\\-]+$");
  for (const auto& [name, inv] : AllInventories()) {
    SCOPED_TRACE(name);
    Json doc = Parse(Render(inv, Format::kSpdxJson));
    EXPECT_EQ(doc["spdxVersion"], "SPDX-2.3");
    EXPECT_EQ(doc["dataLicense"], "CC0-1.0");
    EXPECT_EQ(doc["SPDXID"], "SPDXRef-DOCUMENT");
    EXPECT_EQ(doc["creationInfo"]["creators"][0], "Tool: hullscan-0.1.0-test");
    EXPECT_EQ(doc["creationInfo"]["created"], "2024-01-02T03:04:05Z");
    EXPECT_EQ(doc["documentNamespace"].get<std::string>().rfind("https://hullscan.dev/spdx/", 0), 0u);

    std::set<std::string> ids = {"SPDXRef-DOCUMENT"};
    std::vector<std::string> purls;
    std::map<std::string, std::string> purpose;
    for (const Json& p : doc["packages"]) {
      std::string id = p["SPDXID"];
      EXPECT_TRUE(std::regex_match(id, id_pattern)) << id;
      EXPECT_TRUE(ids.insert(id).second) << "duplicate SPDXID " << id;
      purpose[id] = p["primaryPackagePurpose"];
      EXPECT_EQ(p["downloadLocation"], "NOASSERTION");
      EXPECT_EQ(p["filesAnalyzed"], false);
      EXPECT_EQ(p["copyrightText"], "NOASSERTION");
      EXPECT_EQ(p["licenseConcluded"], "NOASSERTION");
      if (p["primaryPackagePurpose"] == "LIBRARY") {
        ASSERT_EQ(p["externalRefs"][0]["referenceCategory"], "PACKAGE-MANAGER");
        ASSERT_EQ(p["externalRefs"][0]["referenceType"], "purl");
        purls.push_back(p["externalRefs"][0]["referenceLocator"]);
      }
    }
    ASSERT_EQ(purls.size(), inv.packages.size());
    for (size_t i = 0; i < purls.size(); ++i) EXPECT_EQ(purls[i], ExpectedPurl(inv, inv.packages[i]));

    // DOCUMENT DESCRIBES artifact, artifact CONTAINS OS, OS CONTAINS every package
    std::map<std::string, std::vector<std::string>> contains;
    std::string described;
    for (const Json& r : doc["relationships"]) {
      EXPECT_TRUE(ids.count(r["spdxElementId"].get<std::string>())) << r;
      EXPECT_TRUE(ids.count(r["relatedSpdxElement"].get<std::string>())) << r;
      if (r["relationshipType"] == "DESCRIBES") described = r["relatedSpdxElement"];
      if (r["relationshipType"] == "CONTAINS") contains[r["spdxElementId"]].push_back(r["relatedSpdxElement"]);
    }
    ASSERT_FALSE(described.empty());
    EXPECT_EQ(purpose[described], inv.artifact.kind == inventory::ArtifactKind::kImage ? "CONTAINER" : "OTHER");
    std::string parent = described;
    if (inv.distro) {
      ASSERT_EQ(contains[described].size(), 1u);
      parent = contains[described][0];
      EXPECT_EQ(purpose[parent], "OPERATING_SYSTEM");
    }
    EXPECT_EQ(contains[parent].size(), inv.packages.size());
  }
}

TEST(SpdxTest, DeclaredLicenceIsAnSpdxExpressionOrNoAssertion) {
  inventory::Inventory alpine = testing::AlpineInventory();
  Json doc = Parse(Render(alpine, Format::kSpdxJson));
  size_t i = 0;
  for (const Json& p : doc["packages"]) {
    if (p["primaryPackagePurpose"] != "LIBRARY") continue;
    // apk-tools' licences are all SPDX already: written as recorded
    EXPECT_EQ(p["licenseDeclared"], alpine.packages[i++].licenses[0]) << p["name"];
  }

  Json tricky = Parse(Render(testing::TrickyInventory(), Format::kSpdxJson));
  std::map<std::string, Json> by_name;
  for (const Json& p : tricky["packages"]) by_name[p["name"]] = p;
  EXPECT_EQ(by_name["libc6"]["licenseDeclared"], "NOASSERTION");
  EXPECT_EQ(by_name["libc6"]["licenseComments"], "licenses as recorded by the package manager: GPL-2+; LGPL-2.1+");
  EXPECT_EQ(by_name["dup"]["licenseDeclared"], "MIT AND (GPL-2.0-or-later WITH GCC-exception-3.1)");
  EXPECT_EQ(by_name["postgresql-client"]["licenseDeclared"], "MIT");
  EXPECT_EQ(by_name["@scope/name@with/slash"]["licenseDeclared"], "NOASSERTION");  // LicenseRef- undefined here
  EXPECT_EQ(by_name["name with  spaces"]["licenseDeclared"], "GPL-2.0-only WITH Classpath-exception-2.0");
  EXPECT_EQ(by_name["nodejs"]["licenseDeclared"], "MIT AND ISC");
  EXPECT_EQ(by_name["openssl-libs"]["licenseDeclared"], "NOASSERTION");  // rpm's "ASL 2.0" is no SPDX id
  EXPECT_EQ(by_name.count(""), 1u);

  // Syft's Debian copyright licences: GPL-1 and GPL-2 are not SPDX ids (LGPL-2.1 is, deprecated)
  Json rootfs = Parse(Render(testing::RootfsInventory(), Format::kSpdxJson));
  EXPECT_EQ(rootfs["packages"][2]["licenseDeclared"], "NOASSERTION");
  EXPECT_EQ(rootfs["packages"][2]["licenseComments"],
            "licenses as recorded by the package manager: GPL-1; GPL-2; LGPL-2.1");
}

TEST(SpdxTest, PackageDetails) {
  inventory::Inventory inv = testing::TrickyInventory();
  Json doc = Parse(Render(inv, Format::kSpdxJson));
  std::map<std::string, Json> by_name;
  for (const Json& p : doc["packages"]) by_name[p["name"]] = p;
  const Json& rpm = by_name["openssl-libs"];
  EXPECT_EQ(rpm["versionInfo"], "1:3.0.7-6.el9");
  EXPECT_EQ(rpm["supplier"], "Organization: Red Hat, Inc.");
  EXPECT_EQ(rpm["sourceInfo"], "built package from: openssl-3.0.7-6.el9.src.rpm");
  EXPECT_EQ(rpm["checksums"][0]["algorithm"], "SHA256");
  EXPECT_EQ(by_name["libc6"]["sourceInfo"], "built package from: glibc 2.36-9+deb12u4");
  EXPECT_EQ(by_name["postgresql-client"]["checksums"][0]["algorithm"], "MD5");
  // Latin-1 maintainer bytes come out as U+FFFD, e-mail in SPDX's agent form
  EXPECT_EQ(by_name["postgresql-client"]["supplier"],
            "Person: J\xef\xbf\xbdrg Frings-F\xef\xbf\xbdrst (debian@jff.email)");
  std::map<std::string, std::string> notes;
  for (const Json& a : by_name["nodejs"]["annotations"]) {
    std::string comment = a["comment"];
    notes[comment.substr(0, comment.find(": "))] = comment.substr(comment.find(": ") + 2);
    EXPECT_EQ(a["annotator"], "Tool: hullscan-0.1.0-test");
    EXPECT_EQ(a["annotationType"], "OTHER");
  }
  EXPECT_EQ(notes["hullscan:package:modularity_label"], "nodejs:18:8070020230306170042:8b3e7bc6");
  EXPECT_EQ(notes["hullscan:package:digest"], "sha1:not-hex");
  EXPECT_EQ(notes["hullscan:package:type"], "rpm");
  EXPECT_EQ(doc["annotations"].size(), inv.diagnostics.size());
}

}  // namespace
}  // namespace hullscan::report
