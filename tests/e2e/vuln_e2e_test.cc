// End-to-end vulnerability scans with the hullscan binary: a database built by `hullscan db build`
// from the real feeds in ../shared/vulndata, the real reference images, every report format
// (SARIF and CycloneDX validated against the official schemas), the gates and filters.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "cli_runner.h"
#include "testing/testdata.h"

namespace hullscan {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

using hullscan::testing::CliRun;
using hullscan::testing::Hullscan;
using hullscan::testing::ImagesDir;
using hullscan::testing::Quote;
using hullscan::testing::Slurp;

class VulnE2E : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new hullscan::testing::TempDir();
    db_ = dir_->path() / "db.sqlite";
    CliRun r = Hullscan("db build --from " + Quote((hullscan::testing::SharedDir() / "vulndata").string()) + " --output " +
                         Quote(db_.string()) + " -q",
                     dir_->path());
    build_exit_ = r.exit_code;
    build_err_ = r.err;
  }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
  }
  void SetUp() override {
    ASSERT_EQ(build_exit_, 0) << build_err_;
    ASSERT_FALSE(ImagesDir().empty()) << "HULLSCAN_IMAGES is not set (scripts/test sets it)";
  }

  // Scans a reference image's docker-archive with `extra` flags; stdout parsed as JSON when asked.
  // Vulnerabilities only, unless `extra` names the scanners: these tests are about matching and
  // its gates (the image checks have their own, checks_e2e_test.cc).
  CliRun Scan(const std::string& key, const std::string& extra) {
    fs::path archive = ImagesDir() / "docker-archive" / (key + ".tar");
    std::string scanners = extra.find("--scanners") == std::string::npos ? " --scanners vuln" : "";
    return Hullscan("image " + Quote("docker-archive:" + archive.string()) + " --db " + Quote(db_.string()) + scanners +
                        " " + extra,
                    work_.path());
  }
  json ScanJson(const std::string& key, const std::string& extra = "") {
    CliRun r = Scan(key, "-f json " + extra);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    json j = json::parse(r.out, nullptr, false);
    EXPECT_FALSE(j.is_discarded()) << r.out.substr(0, 200);
    return j;
  }

  hullscan::testing::TempDir work_;
  static hullscan::testing::TempDir* dir_;
  static fs::path db_;
  static int build_exit_;
  static std::string build_err_;
};

hullscan::testing::TempDir* VulnE2E::dir_ = nullptr;
fs::path VulnE2E::db_;
int VulnE2E::build_exit_ = -1;
std::string VulnE2E::build_err_;

std::set<std::string> PackageRefs(const json& doc) {
  std::set<std::string> out;
  for (const auto& p : doc["packages"]) out.insert(p["ref"].get<std::string>());
  return out;
}

// (package name, id) of every finding.
std::set<std::pair<std::string, std::string>> FindingKeys(const json& doc) {
  std::set<std::pair<std::string, std::string>> out;
  for (const auto& f : doc["findings"]) out.insert({f["package"]["name"].get<std::string>(), f["id"].get<std::string>()});
  return out;
}

TEST_F(VulnE2E, DbStatusDescribesTheBuiltDatabase) {
  CliRun r = Hullscan("db status -f json --db " + Quote(db_.string()), work_.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  json s = json::parse(r.out);
  EXPECT_EQ(s["schema_version"], 1);
  EXPECT_GT(s["advisories"].get<int>(), 10000);
  EXPECT_EQ(s["kev"].get<int>(),
            json::parse(Slurp(hullscan::testing::SharedDir() / "vulndata/kev/known_exploited_vulnerabilities.json"))["count"]
                .get<int>());
  std::set<std::string> formats;
  for (const auto& f : s["feeds"]) formats.insert(f["format"]);
  for (const char* f : {"osv-json", "osv-yaml", "rustsec", "debian-tracker-list", "debian-tracker-json", "debian-cve-list",
                        "alpine-secdb", "redhat-csaf-vex", "nvd-api-2.0", "cisa-kev", "epss-csv"})
    EXPECT_TRUE(formats.count(f)) << f;
}

TEST_F(VulnE2E, AppImagesHaveFindingsThatPointAtTheirPackages) {
  for (const char* key : {"app-go_bookworm", "app-node_bookworm", "app-node_alpine"}) {
    json doc = ScanJson(key);
    ASSERT_TRUE(doc["findings"].is_array()) << key;
    EXPECT_FALSE(doc["findings"].empty()) << key;
    EXPECT_EQ(doc["scanners"], json::array({"vuln"}));
    auto refs = PackageRefs(doc);
    std::set<std::pair<std::string, std::string>> seen;
    for (const auto& f : doc["findings"]) {
      EXPECT_TRUE(refs.count(f["package_ref"].get<std::string>())) << f["package_ref"];
      EXPECT_FALSE(f["evidence"].empty());
      // One vulnerability is reported once per package (aliases merged).
      std::string ref = f["package_ref"].get<std::string>();
      EXPECT_TRUE(seen.insert({ref, f["id"].get<std::string>()}).second) << key << " " << f["id"];
      for (const auto& alias : f["aliases"])
        EXPECT_FALSE(seen.count({ref, alias.get<std::string>()})) << key << ": " << alias << " reported twice";
    }
    const json& summary = doc["vulnerability_summary"];
    int total = 0;
    for (const char* level : {"critical", "high", "medium", "low", "negligible", "unknown"}) total += summary[level].get<int>();
    EXPECT_EQ(total, static_cast<int>(doc["findings"].size())) << key;
    EXPECT_EQ(summary["total"].get<int>(), total) << key;
  }
}

// app-python's Python libraries are Debian's python3-* packages: their dist-info files belong to
// dpkg, Debian's advisories cover them (with backported fixes), so they are not matched again as
// PyPI packages (Trivy's rule) — the PyPA feed would report vulnerabilities Debian has fixed.
TEST_F(VulnE2E, DebianOwnedPythonPackagesAreNotMatchedAsPyPI) {
  json doc = ScanJson("app-python_bookworm");
  for (const auto& p : doc["packages"]) EXPECT_NE(p["type"], "pypi") << p["name"];
  for (const auto& f : doc["findings"]) EXPECT_NE(f["package"]["type"], "pypi") << f["id"];
  // The dist-info files are there, in dpkg's file lists: the rule had something to remove.
  fs::path lists = ImagesDir() / "rootfs/app-python_bookworm/rootfs/var/lib/dpkg/info";
  bool listed = false;
  for (const auto& e : fs::directory_iterator(lists))
    if (e.path().extension() == ".list" && Slurp(e.path()).find(".dist-info/METADATA") != std::string::npos) listed = true;
  EXPECT_TRUE(listed);
}

TEST_F(VulnE2E, ImageLayoutsAndRootfsGiveTheSameFindings) {
  const std::string key = "app-node_bookworm";
  auto from_archive = FindingKeys(ScanJson(key));
  CliRun oci = Hullscan("image " + Quote("oci:" + (ImagesDir() / "oci" / key).string()) + " --scanners vuln -f json --db " + Quote(db_.string()),
                     work_.path());
  ASSERT_EQ(oci.exit_code, 0) << oci.err;
  EXPECT_EQ(FindingKeys(json::parse(oci.out)), from_archive);
  CliRun rootfs = Hullscan("rootfs " + Quote((ImagesDir() / "rootfs" / key / "rootfs").string()) + " -f json --db " +
                            Quote(db_.string()),
                        work_.path());
  ASSERT_EQ(rootfs.exit_code, 0) << rootfs.err;
  EXPECT_EQ(FindingKeys(json::parse(rootfs.out)), from_archive);
}

TEST_F(VulnE2E, SarifAndCycloneDxValidateAgainstTheOfficialSchemas) {
  const std::string key = "app-go_bookworm";
  json doc = ScanJson(key);
  size_t findings = doc["findings"].size();
  ASSERT_GT(findings, 0u);
  for (auto [format, schema] : {std::pair{"sarif", "sarif-2.1.0.schema.json"}, std::pair{"cyclonedx", "bom-1.6.schema.json"}}) {
    fs::path out = work_.path() / (std::string(format) + ".json");
    CliRun r = Scan(key, std::string("-f ") + format + " -o " + Quote(out.string()));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    std::string cmd = "node " + Quote((hullscan::testing::SourceDir() / "tests/tools/schema-validator/validate.mjs").string()) +
                      " " + Quote((hullscan::testing::SharedDir() / "schemas" / schema).string()) + " " +
                      Quote(out.string()) + " >" + Quote((work_.path() / "validator.log").string()) + " 2>&1";
    int status = std::system(cmd.c_str());
    EXPECT_TRUE(status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == 0)
        << format << ": " << Slurp(work_.path() / "validator.log");
    json written = json::parse(Slurp(out));
    if (std::string(format) == "sarif") {
      EXPECT_EQ(written["runs"][0]["results"].size(), findings);
    } else {
      size_t affects = 0;
      for (const auto& v : written["vulnerabilities"]) affects += v["affects"].size();
      EXPECT_EQ(affects, findings);
    }
  }
}

TEST_F(VulnE2E, GatesFiltersIgnoreFileAndVex) {
  const std::string key = "app-node_bookworm";
  json all = ScanJson(key);
  ASSERT_FALSE(all["findings"].empty());
  std::map<std::string, int> by_severity;
  for (const auto& f : all["findings"]) by_severity[f["severity"]]++;

  // --exit-code: findings remain → that code; a severity filter with nothing at that level → 0.
  EXPECT_EQ(Scan(key, "--exit-code 5").exit_code, 5);
  for (const char* level : {"CRITICAL", "HIGH", "MEDIUM", "LOW", "UNKNOWN"}) {
    CliRun r = Scan(key, std::string("--exit-code 5 --severity ") + level + " -f json");
    EXPECT_EQ(r.exit_code, by_severity[level] ? 5 : 0) << level;
    json filtered = json::parse(r.out);
    EXPECT_EQ(static_cast<int>(filtered["findings"].size()), by_severity[level]) << level;
  }
  // --fail-on without --exit-code fails with 1 exactly when something at or above the level remains.
  int high_or_worse = by_severity["CRITICAL"] + by_severity["HIGH"];
  EXPECT_EQ(Scan(key, "--fail-on HIGH").exit_code, high_or_worse ? 1 : 0);

  // --ignore-unfixed keeps only findings with a fix.
  json fixed_only = ScanJson(key, "--ignore-unfixed");
  for (const auto& f : fixed_only["findings"]) EXPECT_FALSE(f["fixed_versions"].empty()) << f["id"];

  // An ignore file with every id: nothing left for the gate; the findings are listed as suppressed.
  {
    std::ofstream ignore(work_.path() / "ignore");
    ignore << "# every finding of the first scan\n";
    for (const auto& f : all["findings"]) ignore << f["id"].get<std::string>() << "\n";
  }
  CliRun ignored = Scan(key, "--exit-code 5 -f json --ignorefile " + Quote((work_.path() / "ignore").string()));
  EXPECT_EQ(ignored.exit_code, 0) << ignored.err;
  json ignored_doc = json::parse(ignored.out);
  for (const auto& f : ignored_doc["findings"]) EXPECT_EQ(f["suppressed"]["kind"], "ignore");

  // OpenVEX: one not_affected statement about the first finding's package suppresses exactly it,
  // with the justification in the JSON.
  const json& first = all["findings"][0];
  json vex = {{"@context", "https://openvex.dev/ns/v0.2.0"},
              {"@id", "https://example.com/vex/1"},
              {"author", "hullscan e2e"},
              {"timestamp", "2024-01-01T00:00:00Z"},
              {"version", 1},
              {"statements",
               {{{"vulnerability", {{"name", first["id"]}}},
                 {"products", {{{"@id", first["package"]["purl"]}}}},
                 {"status", "not_affected"},
                 {"justification", "vulnerable_code_not_in_execute_path"}}}}};
  std::ofstream(work_.path() / "vex.json") << vex.dump(2);
  json vexed = ScanJson(key, "--vex " + Quote((work_.path() / "vex.json").string()));
  int suppressed = 0;
  for (const auto& f : vexed["findings"]) {
    if (f["suppressed"].is_null()) continue;
    ++suppressed;
    EXPECT_EQ(f["id"], first["id"]);
    EXPECT_EQ(f["suppressed"]["kind"], "vex");
    EXPECT_EQ(f["suppressed"]["justification"], "vulnerable_code_not_in_execute_path");
  }
  EXPECT_EQ(suppressed, 1);
}

// An SBOM written by hullscan (CycloneDX and SPDX) and scanned later, as `trivy sbom` does, finds
// what the image scan finds.
TEST_F(VulnE2E, ScanningTheImagesSbomFindsTheSame) {
  const std::string key = "app-node_bookworm";
  auto from_image = FindingKeys(ScanJson(key));
  ASSERT_FALSE(from_image.empty());
  for (const char* format : {"cyclonedx", "spdx-json"}) {
    fs::path sbom = work_.path() / (std::string(format) + ".json");
    CliRun w = Scan(key, std::string("--scanners none -f ") + format + " -o " + Quote(sbom.string()));
    ASSERT_EQ(w.exit_code, 0) << w.err;
    CliRun r = Hullscan("scan-sbom " + Quote(sbom.string()) + " -f json --db " + Quote(db_.string()), work_.path());
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(FindingKeys(json::parse(r.out)), from_image) << format;
  }
}

// `hullscan fs` on a project directory: its pinned requirements files are matched against PyPA.
TEST_F(VulnE2E, FsScansProjectLockfiles) {
  fs::path project = hullscan::testing::SharedDir() / "testdata/lang/python/trivy-parser-pip/testdata";
  CliRun r = Hullscan("fs " + Quote(project.string()) + " -f json --exit-code 3 --db " + Quote(db_.string()), work_.path());
  json doc = json::parse(r.out, nullptr, false);
  ASSERT_FALSE(doc.is_discarded()) << r.err;
  ASSERT_FALSE(doc["findings"].empty());
  EXPECT_EQ(r.exit_code, 3);
  for (const auto& f : doc["findings"]) {
    std::string path = f["package"]["path"];
    EXPECT_NE(path.find("requirements"), std::string::npos) << path;
    EXPECT_EQ(f["package"]["type"], "pypi");
    EXPECT_EQ(f["evidence"][0]["source"], "pypa");
  }
}

TEST_F(VulnE2E, MissingDatabaseSaysWhatToRun) {
  fs::path archive = ImagesDir() / "docker-archive" / "app-go_bookworm.tar";
  CliRun r = Hullscan("image " + Quote("docker-archive:" + archive.string()) + " --db " +
                       Quote((work_.path() / "none.sqlite").string()),
                   work_.path());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("hullscan db update"), std::string::npos) << r.err;
  EXPECT_TRUE(r.out.empty());
  // The SBOM-only path needs no database.
  CliRun sbom = Hullscan("image " + Quote("docker-archive:" + archive.string()) + " --scanners none -f json --db " +
                          Quote((work_.path() / "none.sqlite").string()),
                      work_.path());
  EXPECT_EQ(sbom.exit_code, 0) << sbom.err;
  EXPECT_TRUE(json::parse(sbom.out)["vulnerability_summary"].is_null());
}

}  // namespace
}  // namespace hullscan
