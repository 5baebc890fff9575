// Check findings (config, filesystem, secret, Dockerfile, Kubernetes) in the reports: SARIF against
// the official 2.1.0 schema, and what a schema cannot check (one rule per check id after the
// vulnerability rules, every finding once at its file and line, the JSON fields and counts, the
// table's sections), plus: the SBOM formats leave checks out, and no report carries a secret the
// findings only hold masked. Findings come from report_test_util.cc (shaped as the checks report
// the secrets make-images.sh planted in scantest/app-secrets:bookworm).
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "report/report.h"
#include "report_test_util.h"
#include "testing/testdata.h"

namespace hullscan::report {
namespace {

using testing::RenderScan;
using Json = nlohmann::json;
using vulndb::SeverityLevel;

Json Parse(const std::string& text) {
  Json j = Json::parse(text, nullptr, false);
  EXPECT_FALSE(j.is_discarded()) << "output is not JSON";
  return j;
}

std::string AsWritten(const std::string& s) {
  return Json::parse(Json(s).dump(-1, ' ', false, Json::error_handler_t::replace)).get<std::string>();
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

struct Case {
  std::string name;
  inventory::Inventory inventory;
  std::vector<match::Finding> vulns;
  bool with_vulns = false;
  std::vector<checks::Finding> checks;
};

std::vector<Case> Cases() {
  std::vector<Case> cases;
  cases.push_back({"app-secrets", testing::AppSecretsInventory(), {}, false, testing::AppSecretsCheckFindings()});
  {
    Case c{"ubuntu-vulns-and-checks", testing::UbuntuInventory(), {}, true, testing::AppSecretsCheckFindings()};
    c.vulns = testing::VariedFindings(c.inventory, 20);
    cases.push_back(std::move(c));
  }
  cases.push_back({"config-files", testing::EmptyInventory(), {}, false, testing::ConfigFileCheckFindings()});
  cases.push_back({"tricky", testing::TrickyInventory(), {}, false, testing::TrickyCheckFindings()});
  cases.push_back({"rootfs", testing::RootfsInventory(), {}, false, testing::TrickyCheckFindings()});
  cases.push_back({"nothing-found", testing::AppSecretsInventory(), {}, false, {}});
  return cases;
}

std::string Render(const Case& c, Format format, const Options& options = testing::TestOptions()) {
  return RenderScan(c.inventory, c.with_vulns ? &c.vulns : nullptr, &c.checks, format, options);
}

std::string ExpectedLevel(SeverityLevel s) {
  return s >= SeverityLevel::kHigh ? "error" : s == SeverityLevel::kMedium ? "warning" : "note";
}

// Trivy's midpoints of GitHub's security-severity bands, as for vulnerabilities without a CVSS score.
std::string ExpectedSecuritySeverity(SeverityLevel s) {
  switch (s) {
    case SeverityLevel::kCritical:
      return "9.5";
    case SeverityLevel::kHigh:
      return "8.0";
    case SeverityLevel::kMedium:
      return "5.5";
    case SeverityLevel::kLow:
    case SeverityLevel::kNegligible:
      return "2.0";
    case SeverityLevel::kUnknown:
      break;
  }
  return "";
}

class ChecksSchemaTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(testing::NodeAvailable()) << "node is not installed: run scripts/install-deps";
    ASSERT_TRUE(
        std::filesystem::exists(hullscan::testing::SourceDir() / "tests/tools/schema-validator/node_modules/ajv"))
        << "run `npm ci --prefix tests/tools/schema-validator`";
  }
  hullscan::testing::TempDir tmp_;
};

TEST_F(ChecksSchemaTest, SarifWithCheckFindingsIsValid) {
  std::vector<std::filesystem::path> files;
  for (const Case& c : Cases()) {
    files.push_back(tmp_.path() / (c.name + ".sarif"));
    testing::WriteFile(files.back(), Render(c, Format::kSarif));
  }
  auto result = testing::RunSchemaValidator("sarif-2.1.0.schema.json", files);
  EXPECT_EQ(result.exit_code, 0) << result.output;

  // The validator does look at check results: a region line 0 is rejected.
  Json broken = Parse(Render(Cases().front(), Format::kSarif));
  broken["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] = 0;
  testing::WriteFile(tmp_.path() / "broken.sarif", broken.dump());
  auto rejected = testing::RunSchemaValidator("sarif-2.1.0.schema.json", {tmp_.path() / "broken.sarif"});
  EXPECT_EQ(rejected.exit_code, 1) << rejected.output;
}

// CycloneDX and SPDX are about packages: check findings leave them byte-identical.
TEST_F(ChecksSchemaTest, SbomFormatsLeaveChecksOut) {
  for (const Case& c : Cases()) {
    SCOPED_TRACE(c.name);
    for (Format format : {Format::kCycloneDx, Format::kSpdxJson}) {
      std::string with = Render(c, format);
      std::string without = RenderScan(c.inventory, c.with_vulns ? &c.vulns : nullptr, nullptr, format);
      Json a = Parse(with);
      Json b = Parse(without);
      // CycloneDX's serialNumber and SPDX's namespace hash the document: identical documents, identical ids.
      EXPECT_EQ(a, b) << FormatName(format);
    }
  }
}

TEST(SarifChecksTest, OneRulePerCheckIdAfterTheVulnerabilityRules) {
  for (const Case& c : Cases()) {
    SCOPED_TRACE(c.name);
    Json doc = Parse(Render(c, Format::kSarif));
    const Json& rules = doc["runs"][0]["tool"]["driver"]["rules"];
    std::set<std::string> vuln_ids;
    for (const auto& f : c.vulns) vuln_ids.insert(f.id);
    std::set<std::string> check_ids;
    for (const auto& f : c.checks) check_ids.insert(f.id);
    ASSERT_EQ(rules.size(), vuln_ids.size() + check_ids.size());
    size_t i = 0;
    for (const std::string& id : vuln_ids) EXPECT_EQ(rules[i++]["id"], id);
    for (const std::string& id : check_ids) {
      const Json& rule = rules[i++];
      EXPECT_EQ(rule["id"], id);
      // described by its most severe finding
      const checks::Finding* worst = nullptr;
      for (const auto& f : c.checks) {
        if (f.id == id && (worst == nullptr || f.severity > worst->severity)) worst = &f;
      }
      ASSERT_NE(worst, nullptr);
      bool secret = worst->kind == checks::Kind::kSecret;
      EXPECT_EQ(rule["name"], secret ? "Secret" : "Misconfiguration");
      EXPECT_EQ(rule["shortDescription"]["text"], AsWritten(worst->title.empty() ? worst->id : worst->title));
      EXPECT_EQ(rule["defaultConfiguration"]["level"], ExpectedLevel(worst->severity));
      std::string help = rule["help"]["text"];
      EXPECT_TRUE(help.ends_with(
          AsWritten(worst->remediation.empty() ? worst->title.empty() ? worst->id : worst->title : worst->remediation)))
          << help;
      const Json& props = rule["properties"];
      std::string expected = ExpectedSecuritySeverity(worst->severity);
      if (expected.empty()) {
        EXPECT_FALSE(props.contains("security-severity"));
      } else {
        EXPECT_EQ(props["security-severity"], expected);
      }
      const Json& tags = props["tags"];
      EXPECT_EQ(tags[0], secret ? "secret" : "misconfiguration");
      EXPECT_EQ(tags[1], "security");
      EXPECT_EQ(tags[2], vulndb::SeverityName(worst->severity));
      if (!secret) {
        EXPECT_EQ(tags[3], checks::KindName(worst->kind));
      }
    }
  }
}

TEST(SarifChecksTest, OneResultPerFindingAtItsFileAndLine) {
  for (const Case& c : Cases()) {
    SCOPED_TRACE(c.name);
    Json doc = Parse(Render(c, Format::kSarif));
    const Json& run = doc["runs"][0];
    const Json& rules = run["tool"]["driver"]["rules"];
    const Json& results = run["results"];
    ASSERT_EQ(results.size(), c.vulns.size() + c.checks.size());
    for (size_t k = 0; k < c.checks.size(); ++k) {
      const checks::Finding& f = c.checks[k];
      const Json& r = results[c.vulns.size() + k];
      SCOPED_TRACE(f.id + " " + f.path);
      EXPECT_EQ(r["ruleId"], f.id);
      EXPECT_EQ(rules[r["ruleIndex"].get<size_t>()]["id"], f.id);
      EXPECT_EQ(r["level"], ExpectedLevel(f.severity));
      std::string text = r["message"]["text"];
      EXPECT_NE(text.find("Check: " + f.id + " (" + std::string(checks::KindName(f.kind)) + ")"), std::string::npos);
      EXPECT_NE(text.find("Severity: " + std::string(vulndb::SeverityName(f.severity))), std::string::npos);
      if (!f.match.empty()) {
        EXPECT_NE(text.find("Match: " + AsWritten(f.match)), std::string::npos);
      }
      if (!f.remediation.empty()) {
        EXPECT_NE(text.find("Remediation: " + f.remediation), std::string::npos);
      }
      const Json& physical = r["locations"][0]["physicalLocation"];
      const Json& artifact = physical["artifactLocation"];
      if (!f.path.empty()) {
        EXPECT_EQ(artifact["uriBaseId"], "ROOTPATH");
        if (f.path.find_first_of(" #%:\xff") == std::string::npos && f.path.find('\xe4') == std::string::npos) {
          EXPECT_EQ(artifact["uri"], f.path);
        }
      } else if (!f.target.empty()) {
        EXPECT_FALSE(artifact.contains("uriBaseId"));
        EXPECT_EQ(artifact["uri"], f.target);
      } else {
        EXPECT_FALSE(artifact.contains("uriBaseId"));
        std::string name = c.inventory.artifact.name;
        if (name.find_first_of(" #%:") == std::string::npos) {
          EXPECT_EQ(artifact["uri"], name.empty() ? "." : name);
        }
      }
      EXPECT_EQ(physical["region"]["startLine"], f.line > 0 ? f.line : 1);
      EXPECT_EQ(physical["region"]["endLine"], f.line > 0 ? f.line : 1);
      if (!f.match.empty()) {
        EXPECT_EQ(physical["region"]["snippet"]["text"], AsWritten(f.match));
      }
      EXPECT_EQ(r.contains("suppressions"), f.suppressed_by.has_value());
      if (f.suppressed_by) {
        EXPECT_EQ(r["suppressions"][0]["kind"], "external");
        EXPECT_EQ(r["suppressions"][0]["justification"], "ignored (" + *f.suppressed_by + ")");
      }
    }
  }
}

// The odd path is percent-encoded into a valid relative reference, not passed through.
TEST(SarifChecksTest, OddPathsAreEncoded) {
  inventory::Inventory inv = testing::TrickyInventory();
  auto findings = testing::TrickyCheckFindings();
  Json doc = Parse(RenderScan(inv, nullptr, &findings, Format::kSarif));
  bool seen = false;
  for (const Json& r : doc["runs"][0]["results"]) {
    if (r["ruleId"] != "FS-WORLD-WRITABLE") continue;
    seen = true;
    EXPECT_EQ(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
              "opt/my%20app/a%23b%25c%3Ad%20%E4%B8%AD.txt");
  }
  EXPECT_TRUE(seen);
  for (const Json& r : doc["runs"][0]["results"]) {
    if (r["ruleId"] != "SECRET-CUSTOM-TOKEN") continue;
    EXPECT_EQ(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], "etc/app%3Aconfig");
  }
}

TEST(JsonChecksTest, EveryFieldOfEveryFindingAndTheSummary) {
  for (const Case& c : Cases()) {
    SCOPED_TRACE(c.name);
    Json doc = Parse(Render(c, Format::kJson));
    const Json& list = doc["checks"];
    ASSERT_EQ(list.size(), c.checks.size());
    std::map<SeverityLevel, int> counts;
    std::map<std::string, int> by_kind;
    int suppressed = 0;
    for (size_t i = 0; i < c.checks.size(); ++i) {
      const checks::Finding& f = c.checks[i];
      const Json& j = list[i];
      EXPECT_EQ(j["id"], f.id);
      EXPECT_EQ(j["kind"], checks::KindName(f.kind));
      EXPECT_EQ(j["severity"], vulndb::SeverityName(f.severity));
      EXPECT_EQ(j["title"], AsWritten(f.title));
      EXPECT_EQ(j["message"], AsWritten(f.message));
      EXPECT_EQ(j["remediation"], AsWritten(f.remediation));
      EXPECT_EQ(j["target"], AsWritten(f.target));
      EXPECT_EQ(j["layer_diff_id"], f.layer_diff_id);
      EXPECT_EQ(j["path"], AsWritten(f.path));
      EXPECT_EQ(j["line"], f.line);
      EXPECT_EQ(j["history"], AsWritten(f.history));
      EXPECT_EQ(j["resource"], AsWritten(f.resource));
      EXPECT_EQ(j["match"], AsWritten(f.match));
      EXPECT_EQ(j.size(), 14u) << "a Finding field is not written, or an unknown one is";
      if (f.suppressed_by) {
        ++suppressed;
        EXPECT_EQ(j["suppressed_by"], *f.suppressed_by);
      } else {
        EXPECT_TRUE(j["suppressed_by"].is_null());
        ++counts[f.severity];
        ++by_kind[std::string(checks::KindName(f.kind))];
      }
    }
    const Json& summary = doc["check_summary"];
    int total = 0;
    for (SeverityLevel level : {SeverityLevel::kCritical, SeverityLevel::kHigh, SeverityLevel::kMedium,
                                SeverityLevel::kLow, SeverityLevel::kNegligible, SeverityLevel::kUnknown}) {
      EXPECT_EQ(summary[Lower(vulndb::SeverityName(level))], counts[level]);
      total += counts[level];
    }
    EXPECT_EQ(summary["total"], total);
    EXPECT_EQ(summary["suppressed"], suppressed);
    for (const char* kind : {"config", "filesystem", "secret", "dockerfile", "kubernetes"}) {
      EXPECT_EQ(summary["by_kind"][kind], by_kind[kind]) << kind;
    }
    std::vector<std::string> scanners = {"config", "secret"};
    if (c.with_vulns) scanners.insert(scanners.begin(), "vuln");
    EXPECT_EQ(doc["scanners"], scanners);
    EXPECT_EQ(doc["vulnerability_summary"].is_null(), !c.with_vulns);
  }
}

TEST(JsonChecksTest, NoCheckScanIsNullNotEmpty) {
  inventory::Inventory inv = testing::AppSecretsInventory();
  Json doc = Parse(RenderScan(inv, nullptr, nullptr, Format::kJson));
  EXPECT_EQ(doc["checks"], Json::array());
  EXPECT_TRUE(doc["check_summary"].is_null());
  std::vector<checks::Finding> none;
  Json checked = Parse(RenderScan(inv, nullptr, &none, Format::kJson));
  EXPECT_EQ(checked["checks"], Json::array());
  EXPECT_EQ(checked["check_summary"]["total"], 0);
}

// The table rows of one section: the lines after its column header up to the next blank line.
std::vector<std::string> SectionRows(const std::string& text, const std::string& heading, const std::string& header) {
  std::vector<std::string> rows;
  size_t at = text.find(heading + "\n" + std::string(heading.size(), '=') + "\n");
  if (at == std::string::npos) return rows;
  size_t head = text.find("\n" + header, at);
  if (head == std::string::npos) return rows;
  size_t line = text.find('\n', head + 1);
  while (line != std::string::npos && line + 1 < text.size() && text[line + 1] != '\n') {
    size_t end = text.find('\n', line + 1);
    rows.push_back(text.substr(line + 1, end - line - 1));
    line = end;
  }
  return rows;
}

std::string ExpectedTotal(const std::vector<const checks::Finding*>& list) {
  std::map<SeverityLevel, int> counts;
  int total = 0;
  for (const auto* f : list) {
    if (f->suppressed_by) continue;
    ++counts[f->severity];
    ++total;
  }
  return "Total: " + std::to_string(total) + " (CRITICAL: " + std::to_string(counts[SeverityLevel::kCritical]) +
         ", HIGH: " + std::to_string(counts[SeverityLevel::kHigh]) +
         ", MEDIUM: " + std::to_string(counts[SeverityLevel::kMedium]) +
         ", LOW: " + std::to_string(counts[SeverityLevel::kLow]) +
         ", NEGLIGIBLE: " + std::to_string(counts[SeverityLevel::kNegligible]) +
         ", UNKNOWN: " + std::to_string(counts[SeverityLevel::kUnknown]) + ")\n";
}

TEST(TableChecksTest, SecretsAndMisconfigurationSections) {
  for (const Case& c : Cases()) {
    SCOPED_TRACE(c.name);
    std::string text = Render(c, Format::kTable);
    EXPECT_EQ(text.find('\x1b'), std::string::npos) << "colour without Options.color, or an escape got through";
    EXPECT_EQ(text.find("\n\n\n"), std::string::npos) << "one blank line between blocks:\n" << text;
    std::vector<const checks::Finding*> secrets, others;
    for (const auto& f : c.checks) (f.kind == checks::Kind::kSecret ? secrets : others).push_back(&f);
    for (auto [heading, header, list, none] :
         {std::tuple<std::string, std::string, const std::vector<const checks::Finding*>*, std::string>{
              "Secrets", "SEVERITY ", &secrets, "No secrets found."},
          {"Misconfigurations", "SEVERITY ", &others, "No misconfigurations found."}}) {
      SCOPED_TRACE(heading);
      size_t at = text.find(heading + "\n" + std::string(heading.size(), '=') + "\n");
      ASSERT_NE(at, std::string::npos) << text;  // both scanners ran: both sections, even when empty
      EXPECT_EQ(text.find(ExpectedTotal(*list), at), at + 2 * heading.size() + 2) << text;
      int suppressed = static_cast<int>(
          std::count_if(list->begin(), list->end(), [](auto* f) { return f->suppressed_by.has_value(); }));
      std::string suppressed_line = std::to_string(suppressed) + (suppressed == 1 ? " finding" : " findings") +
                                    " suppressed (ignore file: " + std::to_string(suppressed) + ")";
      size_t next = text.find("\n\n", at + 2 * heading.size() + 2);
      std::string head_block = text.substr(at, next - at);
      EXPECT_EQ(head_block.find(suppressed_line) != std::string::npos, suppressed > 0) << head_block;
      std::vector<std::string> rows = SectionRows(text, heading, header);
      size_t shown = list->size() - suppressed;
      if (shown == 0) {
        EXPECT_NE(text.find(none, at), std::string::npos);
        continue;
      }
      ASSERT_EQ(rows.size(), shown) << text;
      size_t r = 0;
      for (const checks::Finding* f : *list) {
        if (f->suppressed_by) continue;  // counted, never listed (as vulnerabilities)
        const std::string& row = rows[r++];
        EXPECT_TRUE(row.starts_with(std::string(vulndb::SeverityName(f->severity)))) << row;
        EXPECT_NE(row.find(f->id), std::string::npos) << row;
        if (!f->path.empty() && f->line > 0 && f->path.size() < 40) {
          EXPECT_NE(row.find(f->path + ":" + std::to_string(f->line)), std::string::npos) << row;
        }
        if (!f->layer_diff_id.empty()) {
          EXPECT_NE(row.find(f->layer_diff_id.substr(0, 19)), std::string::npos) << row;
        }
      }
    }
  }
}

TEST(TableChecksTest, OnlyTheSectionsOfTheScannersThatRan) {
  inventory::Inventory inv = testing::AppSecretsInventory();
  std::vector<checks::Finding> secrets;
  for (const auto& f : testing::AppSecretsCheckFindings()) {
    if (f.kind == checks::Kind::kSecret) secrets.push_back(f);
  }
  ScanReport report;
  report.inventory = &inv;
  report.checks = &secrets;
  report.scanners = {"secret"};
  std::ostringstream out;
  ASSERT_TRUE(WriteReport(report, Format::kTable, testing::TestOptions(), out).ok());
  EXPECT_NE(out.str().find("Secrets\n======="), std::string::npos) << out.str();
  EXPECT_EQ(out.str().find("Misconfigurations"), std::string::npos) << out.str();
  EXPECT_EQ(out.str().find("No packages found."), std::string::npos) << "a check-only scan lists no packages";

  std::vector<checks::Finding> none;
  report.checks = &none;
  report.scanners = {"config"};
  std::ostringstream empty;
  ASSERT_TRUE(WriteReport(report, Format::kTable, testing::TestOptions(), empty).ok());
  EXPECT_NE(empty.str().find("No misconfigurations found."), std::string::npos) << empty.str();
  EXPECT_EQ(empty.str().find("Secrets"), std::string::npos) << empty.str();
}

TEST(TableChecksTest, VulnerabilitiesFirstThenChecksAndColours) {
  inventory::Inventory inv = testing::UbuntuInventory();
  auto vulns = testing::VariedFindings(inv);
  auto checks = testing::AppSecretsCheckFindings();
  Options o = testing::TestOptions();
  o.color = true;
  std::string text = RenderScan(inv, &vulns, &checks, Format::kTable, o);
  size_t library = text.find("LIBRARY");
  size_t secrets = text.find("Secrets\x1b[0m\n=======");
  size_t misconfig = text.find("Misconfigurations\x1b[0m\n");
  ASSERT_NE(library, std::string::npos);
  ASSERT_NE(secrets, std::string::npos) << text;
  ASSERT_NE(misconfig, std::string::npos);
  EXPECT_LT(library, secrets);
  EXPECT_LT(secrets, misconfig);
  EXPECT_NE(text.find("\x1b[1;31mCRITICAL\x1b[0m", secrets), std::string::npos);
  EXPECT_NE(text.find("\x1b[31mHIGH\x1b[0m", misconfig), std::string::npos);
}

// Findings carry secrets masked; no writer may add the raw value from anywhere else (the inventory
// of app-secrets holds the raw values in its ENV, as the real image config does).
TEST(ChecksMaskingTest, NoReportCarriesAnUnmaskedSecret) {
  inventory::Inventory inv = testing::AppSecretsInventory();
  std::vector<checks::Finding> checks = testing::AppSecretsCheckFindings();
  std::vector<match::Finding> vulns;
  bool env_has_raw = false;
  for (const std::string& raw : testing::UnmaskedSecretValues()) {
    for (const std::string& e : inv.artifact.runtime.env) env_has_raw = env_has_raw || e.find(raw) != std::string::npos;
  }
  ASSERT_TRUE(env_has_raw) << "the test inventory should hold raw values, as the real image config does";
  for (Format format : {Format::kTable, Format::kJson, Format::kSarif, Format::kCycloneDx, Format::kSpdxJson}) {
    std::string text = RenderScan(inv, &vulns, &checks, format);
    ASSERT_FALSE(text.empty());
    for (const std::string& raw : testing::UnmaskedSecretValues()) {
      EXPECT_EQ(text.find(raw), std::string::npos) << FormatName(format) << " leaks " << raw.substr(0, 4) << "…";
    }
    if (format == Format::kJson || format == Format::kSarif || format == Format::kTable) {
      EXPECT_NE(text.find("GITHUB_TOKEN=****"), std::string::npos)
          << FormatName(format) << ": the masked match is shown";
    }
  }
}

TEST(ChecksStabilityTest, SameInputSameBytes) {
  for (Format format : {Format::kTable, Format::kJson, Format::kSarif}) {
    for (const Case& c : Cases()) EXPECT_EQ(Render(c, format), Render(c, format)) << FormatName(format) << c.name;
  }
}

}  // namespace
}  // namespace hullscan::report
