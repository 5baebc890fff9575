// Language packages against the real language feeds. For each feed the expected matches are
// computed in the test straight from the feed files (their own JSON/YAML/TOML, read here with
// nlohmann, yaml-cpp and toml++, not through the importers) and evaluated with the version scheme;
// the matcher must report exactly those (package, record) pairs, and each finding must name its
// record in the evidence.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <toml++/toml.h>

#include "match/matcher.h"
#include "match_test_util.h"
#include "version/osv_range.h"
#include "version/scheme.h"
#include "vulndb/model.h"

namespace hullscan::match {
namespace {

using hullscan::testing::SharedDir;
using hullscan::testing::TempDir;
using Json = nlohmann::json;
using Pair = std::pair<std::string, std::string>;  // (package name as installed, feed record id)

std::string Slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

Json YamlToJson(const YAML::Node& n) {
  switch (n.Type()) {
    case YAML::NodeType::Map: {
      Json o = Json::object();
      for (const auto& kv : n) o[kv.first.as<std::string>()] = YamlToJson(kv.second);
      return o;
    }
    case YAML::NodeType::Sequence: {
      Json a = Json::array();
      for (const auto& e : n) a.push_back(YamlToJson(e));
      return a;
    }
    case YAML::NodeType::Scalar: return n.as<std::string>();
    default: return nullptr;
  }
}

std::vector<std::filesystem::path> FilesUnder(const std::filesystem::path& dir, std::string_view ext) {
  std::vector<std::filesystem::path> out;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir))
    if (e.is_regular_file() && e.path().extension() == ext) out.push_back(e.path());
  std::sort(out.begin(), out.end());
  return out;
}

// OSV records (already parsed) × installed packages of one ecosystem → expected (package, record).
std::set<Pair> OsvOracle(const std::vector<Json>& records, std::string_view osv_ecosystem, std::string_view scheme_name,
                         const std::vector<inventory::Package>& packages, std::string_view ns) {
  const version::Scheme* scheme = version::FindScheme(scheme_name);
  std::set<Pair> out;
  for (const Json& r : records) {
    if (r.contains("withdrawn")) continue;
    for (const Json& a : r.value("affected", Json::array())) {
      if (!a.contains("package") || a["package"].value("ecosystem", "") != osv_ecosystem) continue;
      std::string name = vulndb::NormalizePackageName(ns, a["package"].value("name", ""));
      version::osv::Affected affected;
      for (const Json& range : a.value("ranges", Json::array())) {
        version::osv::Range rr;
        std::string type = range.value("type", "");
        if (type == "GIT") continue;
        rr.type = type == "SEMVER" ? version::osv::RangeType::kSemver : version::osv::RangeType::kEcosystem;
        for (const Json& e : range.value("events", Json::array())) {
          using K = version::osv::Event::Kind;
          for (auto [key, kind] : {std::pair{"introduced", K::kIntroduced}, std::pair{"fixed", K::kFixed},
                                   std::pair{"last_affected", K::kLastAffected}, std::pair{"limit", K::kLimit}})
            if (e.contains(key)) rr.events.push_back({kind, e[key].get<std::string>()});
        }
        affected.ranges.push_back(std::move(rr));
      }
      for (const Json& v : a.value("versions", Json::array())) affected.versions.push_back(v.get<std::string>());
      for (const auto& p : packages) {
        if (vulndb::NormalizePackageName(ns, p.name) != name) continue;
        auto hit = version::osv::IsAffected(*scheme, p.version, affected);
        if (hit.ok() && *hit) out.insert({p.name, r.value("id", "")});
      }
    }
  }
  return out;
}

// What the matcher reported, as (package, record) pairs from the evidence.
std::set<Pair> Reported(const MatchResult& result, std::string_view source) {
  std::set<Pair> out;
  for (const Finding& f : result.findings)
    for (const Evidence& e : f.evidence)
      if (source.empty() || e.source == source) out.insert({f.package.name, e.record});
  return out;
}

std::vector<inventory::Package> OfType(const inventory::Inventory& inv, inventory::PackageType type) {
  std::vector<inventory::Package> out;
  for (const auto& p : inv.packages)
    if (p.type == type) out.push_back(p);
  return out;
}

const vulndb::Store* GoDb() {
  static TempDir dir;
  static auto store = testing::BuildDb(dir.path(), {SharedDir() / "vulndata/osv-go"});
  return store.get();
}

std::vector<Json> GoRecords() {
  std::vector<Json> out;
  for (const auto& f : FilesUnder(SharedDir() / "vulndata/osv-go", ".json")) {
    Json j = Json::parse(Slurp(f), nullptr, false);
    if (j.is_object() && j.contains("id")) out.push_back(std::move(j));
  }
  return out;
}

// The Go binaries of the shared fixtures (scalibr's, built with module replacements, for three
// platforms) against the whole Go vulnerability database.
TEST(LanguageMatchTest, GoBinariesAgainstTheGoVulnerabilityDatabase) {
  ASSERT_NE(GoDb(), nullptr);
  auto inv = testing::ScanDir(SharedDir() / "testdata/lang/go/scalibr-gobinary/testdata");
  auto go = OfType(inv, inventory::PackageType::kGolang);
  ASSERT_FALSE(go.empty());
  auto result = MatchPackages(*GoDb(), go, std::nullopt);
  ASSERT_TRUE(result.ok()) << result.error().message();
  auto expected = OsvOracle(GoRecords(), "Go", "go", go, "go");
  ASSERT_FALSE(expected.empty()) << "the fixture's stdlib is old enough to have known vulnerabilities";
  EXPECT_EQ(Reported(*result, "go"), expected);
}

// The app-go reference image: golang.org/x/net v0.7.0 (make-images.d/go-hello/go.mod). GO-2023-1988
// says x/net/html before 0.13.0 is affected (CVE-2023-3978): read from the record, then checked.
TEST(LanguageMatchTest, AppGoImageAgainstTheGoVulnerabilityDatabase) {
  const char* images = std::getenv("HULLSCAN_IMAGES");
  if (!images || !*images) GTEST_SKIP() << "HULLSCAN_IMAGES is not set (scripts/test sets it)";
  ASSERT_NE(GoDb(), nullptr);
  auto inv = testing::ScanDir(std::filesystem::path(images) / "rootfs/app-go_bookworm/rootfs");
  auto go = OfType(inv, inventory::PackageType::kGolang);
  auto result = MatchPackages(*GoDb(), go, inv.distro);
  ASSERT_TRUE(result.ok()) << result.error().message();
  EXPECT_EQ(Reported(*result, "go"), OsvOracle(GoRecords(), "Go", "go", go, "go"));

  Json record = Json::parse(Slurp(SharedDir() / "vulndata/osv-go/data/osv/GO-2023-1988.json"));
  std::string fixed;
  for (const Json& a : record["affected"])
    if (a["package"]["name"] == "golang.org/x/net")
      for (const Json& e : a["ranges"][0]["events"])
        if (e.contains("fixed")) fixed = e["fixed"];
  ASSERT_FALSE(fixed.empty());
  bool found = false;
  for (const Finding& f : result->findings) {
    if (f.package.name != "golang.org/x/net") continue;
    for (const Evidence& e : f.evidence) {
      if (e.record != "GO-2023-1988") continue;
      found = true;
      EXPECT_EQ(f.status, vulndb::FixState::kFixed);
      EXPECT_NE(std::find(f.fixed_versions.begin(), f.fixed_versions.end(), fixed), f.fixed_versions.end());
      std::vector<std::string> ids = f.aliases;
      ids.push_back(f.id);
      for (const Json& alias : record["aliases"])
        EXPECT_NE(std::find(ids.begin(), ids.end(), alias.get<std::string>()), ids.end()) << alias;
    }
  }
  EXPECT_TRUE(found) << "x/net v0.7.0 is before the fix " << fixed << " of GO-2023-1988";
}

// Cargo.lock fixtures against RustSec. The oracle reads each advisory's TOML and evaluates its
// `patched`/`unaffected` requirements with the cargo scheme's own requirement syntax (the importer
// converts them to OSV ranges instead: two different paths that must agree).
TEST(LanguageMatchTest, CargoLockfilesAgainstRustSec) {
  TempDir dir;
  auto store = testing::BuildDb(dir.path(), {SharedDir() / "vulndata/rustsec"});
  ASSERT_NE(store, nullptr);
  inventory::Inventory inv;
  for (const char* unit : {"trivy-parser-cargo", "scalibr-cargolock", "syft-rust"}) {
    auto part = testing::ScanDir(SharedDir() / "testdata/lang/rust" / unit / "testdata");
    for (auto& p : part.packages) inv.packages.push_back(std::move(p));
  }
  auto crates = OfType(inv, inventory::PackageType::kCargo);
  ASSERT_FALSE(crates.empty());
  auto result = MatchPackages(*store, crates, std::nullopt);
  ASSERT_TRUE(result.ok()) << result.error().message();

  const version::Scheme* cargo = version::FindScheme("cargo");
  std::set<Pair> expected;
  for (const auto& file : FilesUnder(SharedDir() / "vulndata/rustsec/crates", ".md")) {
    std::string text = Slurp(file);
    size_t start = text.find("```toml\n");
    size_t end = text.find("\n```", start + 8);
    if (start == std::string::npos || end == std::string::npos) continue;
    auto doc = toml::parse(std::string_view(text).substr(start + 8, end - start - 8));
    auto adv = doc["advisory"];
    if (adv["withdrawn"]) continue;
    std::string crate = adv["package"].value_or(std::string());
    std::vector<std::string> safe;
    for (const char* key : {"patched", "unaffected"})
      if (auto* arr = doc["versions"][key].as_array())
        for (const auto& v : *arr) safe.push_back(v.value_or(std::string()));
    for (const auto& p : crates) {
      if (p.name != crate) continue;
      bool is_safe = false;
      for (const auto& req : safe) {
        auto s = cargo->Satisfies(p.version, req);
        ASSERT_TRUE(s.ok()) << file << ": " << req;
        is_safe = is_safe || *s;
      }
      if (!is_safe) expected.insert({p.name, adv["id"].value_or(std::string())});
    }
  }
  ASSERT_FALSE(expected.empty()) << "the lockfile fixtures pin crates with known advisories";
  EXPECT_EQ(Reported(*result, "rustsec"), expected);
}

// Installed Python distributions (the shared dist-info/egg-info fixtures and, when the reference
// images are there, Debian's python3-* packages in app-python) against the PyPA advisory database.
TEST(LanguageMatchTest, PythonDistributionsAgainstPyPA) {
  TempDir dir;
  auto store = testing::BuildDb(dir.path(), {SharedDir() / "vulndata/osv-pypi"});
  ASSERT_NE(store, nullptr);
  std::vector<inventory::Package> pypi;
  std::vector<std::filesystem::path> roots;
  for (const char* unit : {"trivy-analyzer-packaging", "trivy-parser-packaging", "syft-python", "scalibr-wheelegg"})
    roots.push_back(SharedDir() / "testdata/lang/python" / unit / "testdata");
  if (const char* images = std::getenv("HULLSCAN_IMAGES"); images && *images)
    roots.push_back(std::filesystem::path(images) / "rootfs/app-python_bookworm/rootfs");
  for (const auto& root : roots) {
    if (!std::filesystem::is_directory(root)) continue;
    for (auto& p : OfType(testing::ScanDir(root), inventory::PackageType::kPypi)) pypi.push_back(std::move(p));
  }
  ASSERT_FALSE(pypi.empty());
  auto result = MatchPackages(*store, pypi, std::nullopt);
  ASSERT_TRUE(result.ok()) << result.error().message();
  std::vector<Json> records;
  for (const auto& f : FilesUnder(SharedDir() / "vulndata/osv-pypi", ".yaml"))
    records.push_back(YamlToJson(YAML::LoadFile(f.string())));
  auto expected = OsvOracle(records, "PyPI", "pep440", pypi, "pypi");
  ASSERT_FALSE(expected.empty()) << "the fixtures install old releases with PyPA advisories";
  EXPECT_EQ(Reported(*result, "pypa"), expected);
}

// The app-node reference images (lodash, minimist and express pinned old by make-images.sh) against
// the GHSA records of the shared samples.
TEST(LanguageMatchTest, AppNodeImagesAgainstGhsa) {
  const char* images = std::getenv("HULLSCAN_IMAGES");
  if (!images || !*images) GTEST_SKIP() << "HULLSCAN_IMAGES is not set (scripts/test sets it)";
  TempDir dir;
  auto ghsa = SharedDir() / "vulndata/samples/ghsa";
  auto store = testing::BuildDb(dir.path(), {ghsa});
  ASSERT_NE(store, nullptr);
  std::vector<Json> records;
  for (const auto& f : FilesUnder(ghsa, ".json")) records.push_back(Json::parse(Slurp(f)));
  for (const char* key : {"app-node_bookworm", "app-node_alpine"}) {
    auto inv = testing::ScanDir(std::filesystem::path(images) / "rootfs" / key / "rootfs");
    auto npm = OfType(inv, inventory::PackageType::kNpm);
    ASSERT_FALSE(npm.empty()) << key;
    auto result = MatchPackages(*store, npm, inv.distro);
    ASSERT_TRUE(result.ok()) << result.error().message();
    auto expected = OsvOracle(records, "npm", "npm", npm, "npm");
    ASSERT_FALSE(expected.empty()) << key << ": old lodash and minimist are installed";
    EXPECT_EQ(Reported(*result, "ghsa"), expected) << key;
  }
}

}  // namespace
}  // namespace hullscan::match
