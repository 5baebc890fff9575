// Vulnerability findings in every format: SARIF 2.1.0 and CycloneDX 1.6 against their official
// schemas, and the facts a schema cannot check (one rule per id, every finding once, references
// that resolve, counts that add up, suppressed findings kept out of the table and the gates' view).
// Expected values are derived from the findings the test builds (report_test_util.cc).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "report/report.h"
#include "report_test_util.h"
#include "testing/testdata.h"

namespace hullscan::report {
namespace {

using testing::RenderReport;
using Json = nlohmann::json;
using vulndb::SeverityLevel;

Json Parse(const std::string& text) {
  Json j = Json::parse(text, nullptr, false);
  EXPECT_FALSE(j.is_discarded()) << "output is not JSON";
  return j;
}

struct Case {
  std::string name;
  inventory::Inventory inventory;
  std::vector<match::Finding> findings;
};

std::vector<Case> Cases() {
  std::vector<Case> cases;
  for (auto [name, inv] : std::vector<std::pair<std::string, inventory::Inventory>>{
           {"ubuntu", testing::UbuntuInventory()},
           {"alpine", testing::AlpineInventory()},
           {"tricky", testing::TrickyInventory()},
           {"rootfs", testing::RootfsInventory()},
           {"example", testing::ExampleInventory()}}) {
    auto findings = testing::VariedFindings(inv, 40);
    cases.push_back({name, std::move(inv), std::move(findings)});
  }
  inventory::Inventory empty = testing::EmptyInventory();
  cases.push_back({"empty", empty, {}});
  return cases;
}

// What the JSON writers make of untrusted bytes: invalid UTF-8 becomes U+FFFD.
std::string AsWritten(const std::string& s) {
  return Json::parse(Json(s).dump(-1, ' ', false, Json::error_handler_t::replace)).get<std::string>();
}

std::string ScoreText(double score) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%.1f", score);
  return buf;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

class FindingsSchemaTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(testing::NodeAvailable()) << "node is not installed: run scripts/install-deps";
    ASSERT_TRUE(
        std::filesystem::exists(hullscan::testing::SourceDir() / "tests/tools/schema-validator/node_modules/ajv"))
        << "run `npm ci --prefix tests/tools/schema-validator`";
  }
  hullscan::testing::TempDir tmp_;
};

TEST_F(FindingsSchemaTest, SarifIsValid) {
  std::vector<std::filesystem::path> files;
  for (const Case& c : Cases()) {
    files.push_back(tmp_.path() / (c.name + ".sarif"));
    testing::WriteFile(files.back(), RenderReport(c.inventory, &c.findings, Format::kSarif));
  }
  // SBOM-only input gives an empty, still valid run.
  files.push_back(tmp_.path() / "sbom-only.sarif");
  testing::WriteFile(files.back(), RenderReport(testing::UbuntuInventory(), nullptr, Format::kSarif));
  auto result = testing::RunSchemaValidator("sarif-2.1.0.schema.json", files);
  EXPECT_EQ(result.exit_code, 0) << result.output;

  // and the validator does reject a broken SARIF document
  const Case c = Cases().front();
  Json broken = Parse(RenderReport(c.inventory, &c.findings, Format::kSarif));
  broken["runs"][0]["results"][0]["level"] = "fatal";
  broken["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] = 0;
  testing::WriteFile(tmp_.path() / "broken.sarif", broken.dump());
  auto rejected = testing::RunSchemaValidator("sarif-2.1.0.schema.json", {tmp_.path() / "broken.sarif"});
  EXPECT_EQ(rejected.exit_code, 1) << rejected.output;
  EXPECT_NE(rejected.output.find("level"), std::string::npos) << rejected.output;
}

TEST_F(FindingsSchemaTest, CycloneDxWithVulnerabilitiesIsValid) {
  std::vector<std::filesystem::path> files;
  for (const Case& c : Cases()) {
    files.push_back(tmp_.path() / (c.name + ".cdx.json"));
    testing::WriteFile(files.back(), RenderReport(c.inventory, &c.findings, Format::kCycloneDx));
  }
  auto result = testing::RunSchemaValidator("bom-1.6.schema.json", files);
  EXPECT_EQ(result.exit_code, 0) << result.output;

  const Case c = Cases().front();
  Json broken = Parse(RenderReport(c.inventory, &c.findings, Format::kCycloneDx));
  broken["vulnerabilities"][0]["ratings"][0]["severity"] = "CRITICAL";
  testing::WriteFile(tmp_.path() / "broken.cdx.json", broken.dump());
  auto rejected = testing::RunSchemaValidator("bom-1.6.schema.json", {tmp_.path() / "broken.cdx.json"});
  EXPECT_EQ(rejected.exit_code, 1) << rejected.output;
}

TEST(SarifTest, RulesResultsAndSuppressions) {
  for (const Case& c : Cases()) {
    SCOPED_TRACE(c.name);
    Json doc = Parse(RenderReport(c.inventory, &c.findings, Format::kSarif));
    EXPECT_EQ(doc["version"], "2.1.0");
    const Json& run = doc["runs"][0];
    const Json& rules = run["tool"]["driver"]["rules"];
    std::set<std::string> ids;
    for (const auto& f : c.findings) ids.insert(f.id);
    ASSERT_EQ(rules.size(), ids.size());  // one rule per vulnerability id, sorted
    size_t i = 0;
    for (const std::string& id : ids) EXPECT_EQ(rules[i++]["id"], id);
    const Json& results = run["results"];
    ASSERT_EQ(results.size(), c.findings.size());
    for (size_t k = 0; k < c.findings.size(); ++k) {
      const match::Finding& f = c.findings[k];
      const Json& r = results[k];
      EXPECT_EQ(r["ruleId"], f.id);
      EXPECT_EQ(rules[r["ruleIndex"].get<size_t>()]["id"], f.id);
      std::string level = f.severity >= SeverityLevel::kHigh ? "error"
                          : f.severity == SeverityLevel::kMedium ? "warning"
                                                                  : "note";
      EXPECT_EQ(r["level"], level);
      std::string text = r["message"]["text"];
      EXPECT_TRUE(text.starts_with(AsWritten("Package: " + f.package.name + "\nInstalled Version: " + f.installed_version) +
                                   "\nVulnerability " + f.id + "\nSeverity: " +
                                   std::string(vulndb::SeverityName(f.severity))))
          << text;
      const Json& loc = r["locations"][0]["physicalLocation"];
      EXPECT_EQ(loc["region"]["startLine"], 1);
      if (f.package.location.path == "var/lib/dpkg/status") { EXPECT_EQ(loc["artifactLocation"]["uri"], "var/lib/dpkg/status"); }
      EXPECT_EQ(r.contains("suppressions"), f.suppressed.has_value());
      if (f.suppressed) {
        EXPECT_EQ(r["suppressions"][0]["kind"], "external");
        EXPECT_NE(r["suppressions"][0]["justification"].get<std::string>().find(f.suppressed->justification),
                  std::string::npos);
      }
    }
    for (const Json& rule : rules) {
      const Json& tags = rule["properties"]["tags"];
      ASSERT_EQ(tags.size(), 3u);
      EXPECT_EQ(tags[0], "vulnerability");
      EXPECT_EQ(tags[1], "security");
      // the rule's severity is its most severe finding's
      SeverityLevel max = SeverityLevel::kUnknown;
      double score = 0;
      for (const auto& f : c.findings) {
        if (f.id == rule["id"] && f.severity >= max) {
          if (f.severity > max) score = 0;
          max = f.severity;
          score = std::max(score, f.cvss_score);
        }
      }
      EXPECT_EQ(tags[2], vulndb::SeverityName(max));
      if (score > 0) { EXPECT_EQ(rule["properties"]["security-severity"], ScoreText(score)); }
    }
  }
}

TEST(JsonFindingsTest, EveryFindingWithItsPackageAndSummary) {
  for (const Case& c : Cases()) {
    SCOPED_TRACE(c.name);
    Json doc = Parse(RenderReport(c.inventory, &c.findings, Format::kJson));
    EXPECT_EQ(doc["schema_version"], 1);
    std::set<std::string> refs;
    for (const Json& p : doc["packages"]) refs.insert(p["ref"].get<std::string>());
    const Json& list = doc["findings"];
    ASSERT_EQ(list.size(), c.findings.size());
    std::map<SeverityLevel, int> counts;
    int suppressed = 0;
    for (size_t i = 0; i < c.findings.size(); ++i) {
      const match::Finding& f = c.findings[i];
      const Json& j = list[i];
      EXPECT_EQ(j["id"], f.id);
      EXPECT_EQ(refs.count(j["package_ref"]), 1u) << j["package_ref"];
      EXPECT_EQ(j["package"]["name"], AsWritten(f.package.name));
      EXPECT_EQ(j["package"]["version"], AsWritten(f.package.version));
      EXPECT_EQ(j["package"]["path"], AsWritten(f.package.location.path));
      EXPECT_EQ(j["installed_version"], AsWritten(f.installed_version));
      for (size_t v = 0; v < f.fixed_versions.size(); ++v) EXPECT_EQ(j["fixed_versions"][v], AsWritten(f.fixed_versions[v]));
      EXPECT_EQ(j["status"], vulndb::FixStateName(f.status));
      EXPECT_EQ(j["severity"], vulndb::SeverityName(f.severity));
      EXPECT_EQ(j["cvss_score"], f.cvss_score);
      EXPECT_EQ(j["kev"], f.kev);
      if (f.epss_score < 0) {
        EXPECT_TRUE(j["epss"].is_null());
      } else {
        EXPECT_EQ(j["epss"]["score"], f.epss_score);
      }
      EXPECT_EQ(j["evidence"].size(), f.evidence.size());
      EXPECT_EQ(j["evidence"][0]["record"], f.evidence[0].record);
      if (f.suppressed) {
        ++suppressed;
        EXPECT_EQ(j["suppressed"]["kind"], f.suppressed->kind);
        EXPECT_EQ(j["suppressed"]["justification"], f.suppressed->justification);
      } else {
        ++counts[f.severity];
        EXPECT_TRUE(j["suppressed"].is_null());
      }
    }
    const Json& summary = doc["vulnerability_summary"];
    int total = 0;
    for (SeverityLevel level : {SeverityLevel::kCritical, SeverityLevel::kHigh, SeverityLevel::kMedium,
                                SeverityLevel::kLow, SeverityLevel::kNegligible, SeverityLevel::kUnknown}) {
      EXPECT_EQ(summary[Lower(vulndb::SeverityName(level))], counts[level]);
      total += counts[level];
    }
    EXPECT_EQ(summary["total"], total);
    EXPECT_EQ(summary["suppressed"], suppressed);
    EXPECT_EQ(doc["vulnerability_db"]["sources"], (std::vector<std::string>{"debian", "nvd"}));
    EXPECT_EQ(doc["scanners"], std::vector<std::string>{"vuln"});
  }
}

TEST(JsonFindingsTest, SbomOnlyHasNoVulnerabilityScan) {
  Json doc = Parse(testing::Render(testing::UbuntuInventory(), Format::kJson));
  EXPECT_EQ(doc["findings"], Json::array());
  EXPECT_TRUE(doc["vulnerability_summary"].is_null());
  EXPECT_TRUE(doc["vulnerability_db"].is_null());
  std::vector<match::Finding> none;
  Json scanned = Parse(RenderReport(testing::UbuntuInventory(), &none, Format::kJson));
  EXPECT_EQ(scanned["vulnerability_summary"]["total"], 0);
}

// A finding whose package is not in the inventory still names one: its purl.
TEST(JsonFindingsTest, PackageOutsideTheInventory) {
  inventory::Inventory inv = testing::ExampleInventory();
  std::vector<match::Finding> findings = testing::ExampleFindings(inv);
  findings[0].package.name = "not-installed";
  findings[0].package.purl = "pkg:deb/debian/not-installed@1";
  Json doc = Parse(RenderReport(inv, &findings, Format::kJson));
  EXPECT_EQ(doc["findings"][0]["package_ref"], "pkg:deb/debian/not-installed@1");
}

TEST(TableFindingsTest, TotalsRowsAndSuppressedLine) {
  for (const Case& c : Cases()) {
    SCOPED_TRACE(c.name);
    std::string text = RenderReport(c.inventory, &c.findings, Format::kTable);
    std::map<SeverityLevel, int> counts;
    int total = 0;
    int suppressed = 0;
    int by_vex = 0;
    for (const auto& f : c.findings) {
      if (f.suppressed) {
        ++suppressed;
        by_vex += f.suppressed->kind == "vex" ? 1 : 0;
      } else {
        ++counts[f.severity];
        ++total;
      }
    }
    std::string want = "Total: " + std::to_string(total) + " (CRITICAL: " + std::to_string(counts[SeverityLevel::kCritical]) +
                       ", HIGH: " + std::to_string(counts[SeverityLevel::kHigh]) +
                       ", MEDIUM: " + std::to_string(counts[SeverityLevel::kMedium]) +
                       ", LOW: " + std::to_string(counts[SeverityLevel::kLow]) +
                       ", NEGLIGIBLE: " + std::to_string(counts[SeverityLevel::kNegligible]) +
                       ", UNKNOWN: " + std::to_string(counts[SeverityLevel::kUnknown]) + ")\n";
    EXPECT_NE(text.find(want), std::string::npos) << text;
    if (suppressed > 0) {
      std::string line = std::to_string(suppressed) + (suppressed == 1 ? " finding" : " findings") +
                         " suppressed (ignore file: " + std::to_string(suppressed - by_vex) +
                         ", VEX: " + std::to_string(by_vex) + ")";
      EXPECT_NE(text.find(line), std::string::npos) << text;
    }
    if (total == 0) {
      EXPECT_NE(text.find("No vulnerabilities found."), std::string::npos);
      continue;
    }
    // one row per unsuppressed finding, none for the suppressed ones
    size_t header = text.find("LIBRARY");
    ASSERT_NE(header, std::string::npos);
    std::string table = text.substr(header);
    size_t rows = std::count(table.begin(), table.end(), '\n') - 1;
    size_t diagnostics = table.find("\nDiagnostics");
    if (diagnostics != std::string::npos) {
      std::string tail = table.substr(diagnostics);
      rows -= std::count(tail.begin(), tail.end(), '\n');
    }
    EXPECT_EQ(rows, static_cast<size_t>(total)) << table;
    for (const auto& f : c.findings) {
      if (f.suppressed && f.id != "CVE-2023-0001") { EXPECT_EQ(table.find(f.id + " "), std::string::npos) << f.id; }
      if (!f.suppressed) { EXPECT_NE(table.find(f.id), std::string::npos) << f.id; }
    }
    EXPECT_EQ(text.find('\x1b'), std::string::npos) << "colour without Options.color, or an escape got through";
  }
}

TEST(TableFindingsTest, SeverityColoursOnlyWithColor) {
  inventory::Inventory inv = testing::UbuntuInventory();
  auto findings = testing::VariedFindings(inv);
  Options o = testing::TestOptions();
  o.color = true;
  std::string text = RenderReport(inv, &findings, Format::kTable, o);
  EXPECT_NE(text.find("\x1b[1;31mCRITICAL\x1b[0m"), std::string::npos) << text;
  EXPECT_NE(text.find("\x1b[31mHIGH\x1b[0m"), std::string::npos);
  EXPECT_EQ(text.find("\x1b[31m in a title"), std::string::npos) << "the title's own escape must be neutralised";
}

TEST(CycloneDxFindingsTest, VulnerabilitiesAffectComponents) {
  for (const Case& c : Cases()) {
    SCOPED_TRACE(c.name);
    Json doc = Parse(RenderReport(c.inventory, &c.findings, Format::kCycloneDx));
    std::set<std::string> refs;
    for (const Json& comp : doc["components"]) refs.insert(comp["bom-ref"].get<std::string>());
    ASSERT_TRUE(doc.contains("vulnerabilities"));
    // every finding appears once: as an affects entry of an entry with its id
    std::multiset<std::pair<std::string, std::string>> affected;
    for (const Json& v : doc["vulnerabilities"]) {
      for (const Json& a : v["affects"]) {
        EXPECT_EQ(refs.count(a["ref"]), 1u) << a["ref"];
        affected.insert(std::pair<std::string, std::string>(v["id"].get<std::string>(), a["ref"].get<std::string>()));
      }
      for (const Json& r : v["ratings"]) {
        std::string sev = r["severity"];
        EXPECT_EQ(sev, Lower(sev));
      }
    }
    EXPECT_EQ(affected.size(), c.findings.size());
    for (const auto& f : c.findings) {
      const Json* entry = nullptr;
      for (const Json& v : doc["vulnerabilities"]) {
        if (v["id"] != f.id) continue;
        bool has_analysis = v.contains("analysis");
        if (has_analysis != f.suppressed.has_value()) continue;
        entry = &v;
        if (!f.suppressed) break;
        if (f.suppressed->kind == "vex" && f.suppressed->status == "not_affected") {
          if (v["analysis"].value("state", "") != "not_affected") continue;
          EXPECT_EQ(v["analysis"]["justification"], "code_not_reachable");  // vulnerable_code_not_in_execute_path
        } else if (f.suppressed->kind == "vex") {
          if (v["analysis"].value("state", "") != "resolved") continue;
        } else {
          if (v["analysis"].contains("state")) continue;
          EXPECT_EQ(v["analysis"]["response"], Json::array({"will_not_fix"}));
        }
        break;
      }
      ASSERT_NE(entry, nullptr) << f.id;
      if (f.kev) {
        bool kev = false;
        for (const Json& p : (*entry)["properties"]) kev = kev || (p["name"] == "hullscan:vulnerability:kev" && p["value"] == "true");
        EXPECT_TRUE(kev) << f.id;
      }
      if (!f.fixed_versions.empty() && f.id != "CVE-2023-0001") {
        EXPECT_NE((*entry)["recommendation"].get<std::string>().find(AsWritten("Upgrade " + f.package.name + " to " + f.fixed_versions[0])),
                  std::string::npos);
      }
    }
  }
}

TEST(FindingsStabilityTest, SameInputSameBytesAndSbomUnchanged) {
  for (Format format : {Format::kTable, Format::kJson, Format::kCycloneDx, Format::kSpdxJson, Format::kSarif}) {
    inventory::Inventory inv = testing::UbuntuInventory();
    auto findings = testing::VariedFindings(inv);
    EXPECT_EQ(RenderReport(inv, &findings, format), RenderReport(inv, &findings, format)) << FormatName(format);
    EXPECT_EQ(RenderReport(inv, nullptr, format), testing::Render(inv, format)) << FormatName(format);
  }
  EXPECT_EQ(ParseFormat("sarif").value(), Format::kSarif);
  EXPECT_EQ(FormatName(Format::kSarif), "sarif");
}

}  // namespace
}  // namespace hullscan::report
