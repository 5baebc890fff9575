// Policy: ignore files (Trivy's text and YAML forms plus package selectors), OpenVEX (the Ubuntu
// documents in ../shared/vulndata/samples/ubuntu/vex), filters, gates and sorting.
#include "policy/policy.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "testing/testdata.h"

namespace hullscan::policy {
namespace {

using vulndb::SeverityLevel;
using Json = nlohmann::json;

match::Finding MakeFinding(std::string id, std::string name, std::string version, SeverityLevel severity,
                           inventory::PackageType type = inventory::PackageType::kNpm) {
  match::Finding f;
  f.id = std::move(id);
  f.package.type = type;
  f.package.name = std::move(name);
  f.package.version = std::move(version);
  f.package.purl = "pkg:" + std::string(inventory::PackageTypeName(type)) + "/" + f.package.name + "@" +
                   f.package.version;
  f.package.location.path = "app/node_modules/" + f.package.name + "/package.json";
  f.installed_version = f.package.version;
  f.fixed_versions = {"9.9.9"};
  f.severity = severity;
  return f;
}

Options Today(std::string today = "2024-06-01") {
  Options o;
  o.today = std::move(today);
  return o;
}

// ---- ignore file, text form ----

TEST(IgnoreTextTest, IdsCommentsDatesAndSelectors) {
  auto list = ParseIgnoreText(
      "# a comment line\n"
      "\n"
      "CVE-2023-0001\n"
      "  CVE-2023-0002   exp:2024-12-31   # accepted until the upgrade\n"
      "CVE-2023-0003 pkg:npm/lodash\n"
      "GHSA-aaaa-bbbb-cccc\topenssl exp:2023-01-01\n",
      ".hullscanignore");
  ASSERT_TRUE(list.ok()) << list.error().message();
  ASSERT_EQ(list->rules.size(), 4u);
  EXPECT_EQ(list->rules[0].id, "CVE-2023-0001");
  EXPECT_EQ(list->rules[0].origin, ".hullscanignore:3");
  EXPECT_EQ(list->rules[1].expires, "2024-12-31");
  EXPECT_EQ(list->rules[1].statement, "accepted until the upgrade");
  EXPECT_EQ(list->rules[2].package, "pkg:npm/lodash");
  EXPECT_EQ(list->rules[3].id, "GHSA-aaaa-bbbb-cccc");
  EXPECT_EQ(list->rules[3].package, "openssl");
  EXPECT_EQ(list->rules[3].expires, "2023-01-01");
  EXPECT_EQ(list->rules[3].origin, ".hullscanignore:6");
}

TEST(IgnoreTextTest, MalformedLinesNameTheirLine) {
  struct Case {
    std::string text;
    std::string where;
  };
  for (const Case& c : std::vector<Case>{{"CVE-1\nCVE-2 exp:2024-13-01\n", "x:2"},
                                         {"CVE-1 exp:20240101\n", "x:1"},
                                         {"\n\nCVE-1 exp:\n", "x:3"},
                                         {"CVE-1 a b\n", "x:1"},
                                         {"exp:2024-01-01\n", "x:1"},
                                         {"CVE-1 exp:2024-01-01 exp:2024-02-01\n", "x:1"}}) {
    auto list = ParseIgnoreText(c.text, "x");
    ASSERT_FALSE(list.ok()) << c.text;
    EXPECT_EQ(list.error().code(), ErrorCode::kInvalidArgument);
    EXPECT_TRUE(list.error().message().starts_with(c.where + ":")) << list.error().message();
  }
}

TEST(IgnoreTextTest, LoadsFromDiskAndPicksFormatByName) {
  hullscan::testing::TempDir tmp;
  std::filesystem::path text = tmp.path() / ".trivyignore";
  std::filesystem::path yaml = tmp.path() / ".trivyignore.yaml";
  {
    std::ofstream(text) << "CVE-2023-1\n";
    std::ofstream(yaml) << "vulnerabilities:\n  - id: CVE-2023-2\n";
  }
  auto a = LoadIgnoreFile(text);
  auto b = LoadIgnoreFile(yaml);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->rules.at(0).id, "CVE-2023-1");
  EXPECT_EQ(b->rules.at(0).id, "CVE-2023-2");
  EXPECT_EQ(LoadIgnoreFile(tmp.path() / "missing").error().code(), ErrorCode::kNotFound);
}

TEST(IgnoreYamlTest, TrivyYamlForm) {
  auto list = ParseIgnoreYaml(R"(vulnerabilities:
  - id: CVE-2022-40897
    paths:
      - "usr/local/lib/python3.9/site-packages/setuptools-58.1.0.dist-info/METADATA"
    statement: Accept the risk
  - id: CVE-2023-2650
  - id: CVE-2023-3446
    purls:
      - "pkg:deb/debian/libssl1.1"
  - id: CVE-2023-3817
    expired_at: 2023-09-01
misconfigurations:
  - id: AVD-DS-0001
)",
                              ".trivyignore.yaml");
  ASSERT_TRUE(list.ok()) << list.error().message();
  // the misconfigurations rule is read too (for check findings), marked with its section
  ASSERT_EQ(list->rules.size(), 5u);
  EXPECT_EQ(list->rules[0].section, "vulnerabilities");
  EXPECT_EQ(list->rules[4].id, "AVD-DS-0001");
  EXPECT_EQ(list->rules[4].section, "misconfigurations");
  EXPECT_EQ(list->rules[0].paths.size(), 1u);
  EXPECT_EQ(list->rules[0].statement, "Accept the risk");
  EXPECT_EQ(list->rules[2].purls, std::vector<std::string>{"pkg:deb/debian/libssl1.1"});
  EXPECT_EQ(list->rules[3].expires, "2023-09-01");

  auto bad = ParseIgnoreYaml("vulnerabilities:\n  - id: CVE-1\n  - id: CVE-2\n    expired_at: soon\n", "y.yaml");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message().find("vulnerabilities[1] (line 3)"), std::string::npos) << bad.error().message();
  EXPECT_FALSE(ParseIgnoreYaml("vulnerabilities: [", "y.yaml").ok());
  EXPECT_FALSE(ParseIgnoreYaml("vulnerabilities:\n  - paths: [a]\n", "y.yaml").ok());
}

// ---- applying ignore rules ----

TEST(ApplyTest, IgnoreRulesMatchIdAliasSelectorAndExpire) {
  Options o = Today();
  o.ignores = ParseIgnoreText(
                  "CVE-1 pkg:npm/lodash # risk accepted\n"
                  "GHSA-2\n"
                  "CVE-3 exp:2024-06-01\n"  // expires today: no longer applies
                  "CVE-4 exp:2024-06-02\n"
                  "CVE-5 left-pad\n",
                  "ignore")
                  .value();
  std::vector<match::Finding> in = {
      MakeFinding("CVE-1", "lodash", "4.17.20", SeverityLevel::kHigh),
      MakeFinding("CVE-1", "lodash-es", "4.17.20", SeverityLevel::kHigh),  // purl prefix stops at the name
      MakeFinding("CVE-2", "minimist", "1.2.0", SeverityLevel::kLow),
      MakeFinding("CVE-3", "a", "1", SeverityLevel::kLow),
      MakeFinding("CVE-4", "b", "1", SeverityLevel::kLow),
      MakeFinding("CVE-5", "left-pad", "1", SeverityLevel::kLow),
      MakeFinding("CVE-5", "right-pad", "1", SeverityLevel::kLow),
  };
  in[2].aliases = {"GHSA-2"};
  auto r = Apply(o, in);
  ASSERT_TRUE(r.ok());
  std::map<std::pair<std::string, std::string>, bool> suppressed;
  for (const auto& f : r->findings) suppressed[{f.id, f.package.name}] = f.suppressed.has_value();
  EXPECT_TRUE((suppressed[{"CVE-1", "lodash"}]));
  EXPECT_FALSE((suppressed[{"CVE-1", "lodash-es"}]));
  EXPECT_TRUE((suppressed[{"CVE-2", "minimist"}]));
  EXPECT_FALSE((suppressed[{"CVE-3", "a"}]));
  EXPECT_TRUE((suppressed[{"CVE-4", "b"}]));
  EXPECT_TRUE((suppressed[{"CVE-5", "left-pad"}]));
  EXPECT_FALSE((suppressed[{"CVE-5", "right-pad"}]));
  ASSERT_EQ(r->expired_rules.size(), 1u);
  EXPECT_EQ(r->expired_rules[0].id, "CVE-3");
  for (const auto& f : r->findings) {
    if (f.id == "CVE-1" && f.suppressed) {
      EXPECT_EQ(*f.suppressed, (match::Suppression{"ignore", "ignored", "risk accepted", "ignore:1"}));
    }
  }
  EXPECT_EQ(r->summary.suppressed, 4);
  EXPECT_EQ(r->summary.suppressed_by_ignore, 4);
  EXPECT_EQ(r->summary.total, 3);
}

TEST(ApplyTest, YamlPathsAndPurls) {
  Options o = Today();
  o.ignores = ParseIgnoreYaml(
                  "vulnerabilities:\n"
                  "  - id: CVE-1\n    paths: ['/app/node_modules/*/package.json']\n"
                  "  - id: CVE-2\n    purls: ['pkg:npm/qs@6.0.0']\n",
                  "y.yaml")
                  .value();
  auto r = Apply(o, {MakeFinding("CVE-1", "x", "1", SeverityLevel::kLow), MakeFinding("CVE-2", "qs", "6.0.0", SeverityLevel::kLow),
                     MakeFinding("CVE-2", "qs", "6.0.1", SeverityLevel::kLow)});
  ASSERT_TRUE(r.ok());
  for (const auto& f : r->findings) {
    bool want = f.id == "CVE-1" || f.package.version == "6.0.0";
    EXPECT_EQ(f.suppressed.has_value(), want) << f.id << " " << f.package.version;
  }
}

// ---- purl matching ----

TEST(PurlMatchTest, TypeNamespaceNameAndOptionalVersion) {
  EXPECT_TRUE(PurlMatches("pkg:npm/lodash", "pkg:npm/lodash@4.17.20"));
  EXPECT_TRUE(PurlMatches("pkg:npm/lodash@4.17.20", "pkg:npm/lodash@4.17.20?x=y"));
  EXPECT_FALSE(PurlMatches("pkg:npm/lodash@4.17.21", "pkg:npm/lodash@4.17.20"));
  EXPECT_TRUE(PurlMatches("pkg:npm/%40babel/core@7.0.0", "pkg:npm/%40babel/core@7.0.0"));
  EXPECT_FALSE(PurlMatches("pkg:npm/%40babel/core", "pkg:npm/core@7.0.0"));
  EXPECT_TRUE(PurlMatches("pkg:deb/debian/libc6@2.36-9%2Bdeb12u4", "pkg:deb/debian/libc6@2.36-9+deb12u4?arch=amd64"));
  EXPECT_TRUE(PurlMatches("pkg:rpm/redhat/openssl@1:3.0.7-6.el9", "pkg:rpm/redhat/openssl@3.0.7-6.el9?epoch=1"));
  EXPECT_FALSE(PurlMatches("pkg:deb/ubuntu/libc6", "pkg:deb/debian/libc6@1"));
  EXPECT_FALSE(PurlMatches("not a purl", "pkg:npm/a@1"));
  EXPECT_FALSE(PurlMatches("pkg:", "pkg:npm/a@1"));
}

// ---- OpenVEX on Ubuntu's documents ----

struct PurlKey {
  std::string type_namespace_name;
  std::string version;
  bool source = false;
  friend auto operator<=>(const PurlKey&, const PurlKey&) = default;
};
// An independent reading of the simple purls Ubuntu writes: pkg:deb/ubuntu/NAME@VERSION?arch=…&distro=…
PurlKey KeyOf(const std::string& purl) {
  std::string base = purl.substr(0, purl.find('?'));
  size_t at = base.rfind('@');
  return {base.substr(0, at), at == std::string::npos ? "" : base.substr(at + 1),
          purl.find("arch=source") != std::string::npos};
}

std::vector<std::filesystem::path> UbuntuVexFiles() {
  std::vector<std::filesystem::path> files;
  auto dir = hullscan::testing::SharedDir() / "vulndata/samples/ubuntu/vex";
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
    if (entry.is_regular_file() && entry.path().extension() == ".json") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

TEST(VexTest, ParsesEveryUbuntuDocument) {
  auto files = UbuntuVexFiles();
  ASSERT_FALSE(files.empty());
  for (const auto& path : files) {
    auto doc = LoadVexFile(path);
    ASSERT_TRUE(doc.ok()) << path << ": " << doc.error().message();
    Json raw = Json::parse(hullscan::testing::ReadFileOrFail(path));
    EXPECT_EQ(doc->id, raw["@id"]);
    EXPECT_EQ(doc->author, raw["author"]);
    ASSERT_EQ(doc->statements.size(), raw["statements"].size());
    for (size_t i = 0; i < doc->statements.size(); ++i) {
      const Json& s = raw["statements"][i];
      const VexStatement& got = doc->statements[i];
      EXPECT_EQ(got.vulnerability, s["vulnerability"]["name"]);
      EXPECT_EQ(got.status, s["status"]);
      EXPECT_EQ(got.justification, s.value("justification", ""));
      EXPECT_EQ(got.impact_statement, s.value("impact_statement", ""));
      ASSERT_EQ(got.products.size(), s["products"].size());
      for (size_t p = 0; p < got.products.size(); ++p) {
        EXPECT_EQ(got.products[p].purl, s["products"][p]["@id"]);
      }
      // the document's own @id of the vulnerability and its aliases
      EXPECT_EQ(got.aliases.size(), s["vulnerability"].value("aliases", Json::array()).size() + 1);
    }
  }
}

// For products of each statement, a finding on exactly that package: it must be suppressed by the
// first not_affected/fixed statement that lists the same package and version (derived from the
// document), and stay unsuppressed when no such statement does.
TEST(VexTest, UbuntuStatementsSuppressTheirOwnProducts) {
  size_t suppressed = 0;
  size_t kept = 0;
  for (const auto& path : UbuntuVexFiles()) {
    VexDocument doc = LoadVexFile(path).value();
    Json raw = Json::parse(hullscan::testing::ReadFileOrFail(path));
    std::map<PurlKey, size_t> first_suppressing;  // package → statement index
    for (size_t i = 0; i < raw["statements"].size(); ++i) {
      const Json& s = raw["statements"][i];
      if (s["status"] != "not_affected" && s["status"] != "fixed") continue;
      for (const Json& p : s["products"]) {
        PurlKey key = KeyOf(p["@id"]);
        key.source = false;  // a source product covers its binaries; binaries here are synthetic from the same purl
        first_suppressing.emplace(key, i);
      }
    }
    std::vector<match::Finding> findings;
    std::vector<std::optional<size_t>> expected;
    for (size_t i = 0; i < raw["statements"].size(); ++i) {
      const Json& s = raw["statements"][i];
      const Json& products = s["products"];
      for (size_t p = 0; p < products.size(); p += std::max<size_t>(1, products.size() / 7)) {
        std::string purl = products[p]["@id"];
        PurlKey key = KeyOf(purl);
        match::Finding f;
        f.id = s["vulnerability"]["name"];
        f.package.type = inventory::PackageType::kDeb;
        f.package.name = key.type_namespace_name.substr(key.type_namespace_name.rfind('/') + 1);
        f.package.version = key.version;
        f.package.purl = purl;
        f.severity = SeverityLevel::kMedium;
        findings.push_back(f);
        key.source = false;
        auto it = first_suppressing.find(key);
        expected.push_back(it == first_suppressing.end() ? std::nullopt : std::optional<size_t>(it->second));
      }
    }
    Options o = Today();
    o.vex = {doc};
    o.sort_by = SortBy::kId;  // stable: one id per document, so the order of `findings` is kept
    auto r = Apply(o, findings);
    ASSERT_TRUE(r.ok());
    ASSERT_EQ(r->findings.size(), findings.size());
    // sort_by id then package: recover the pairing by package key
    std::map<std::pair<std::string, std::string>, std::optional<size_t>> want;
    for (size_t i = 0; i < findings.size(); ++i) want[{findings[i].package.name, findings[i].package.version}] = expected[i];
    for (const match::Finding& f : r->findings) {
      auto w = want.at({f.package.name, f.package.version});
      ASSERT_EQ(f.suppressed.has_value(), w.has_value()) << path << " " << f.package.purl;
      if (!w) {
        ++kept;
        continue;
      }
      ++suppressed;
      const Json& s = raw["statements"][*w];
      EXPECT_EQ(f.suppressed->kind, "vex");
      EXPECT_EQ(f.suppressed->status, s["status"]);
      EXPECT_EQ(f.suppressed->justification, s.value("justification", ""));
      EXPECT_EQ(f.suppressed->statement, s.value("impact_statement", path.string()));
    }
  }
  EXPECT_GT(suppressed, 0u);
  EXPECT_GT(kept, 0u);  // the "affected" statements' packages
}

// A source-package product (arch=source) covers the binaries built from it.
TEST(VexTest, SourceProductCoversBinaryPackages) {
  VexDocument doc = ParseVex(R"({"@context": "https://openvex.dev/ns/v0.2.0", "@id": "x", "statements": [
    {"vulnerability": "CVE-2023-38545", "status": "fixed",
     "products": [{"@id": "pkg:deb/ubuntu/curl@7.81.0-1ubuntu1.24?arch=source&distro=jammy"}]}]})",
                             "v.json")
                        .value();
  match::Finding f;
  f.id = "CVE-2023-38545";
  f.package.type = inventory::PackageType::kDeb;
  f.package.name = "libcurl4";
  f.package.version = "7.81.0-1ubuntu1.24";
  f.package.arch = "amd64";
  f.package.source_name = "curl";
  f.package.source_version = "7.81.0-1ubuntu1.24";
  f.package.purl = "pkg:deb/ubuntu/libcurl4@7.81.0-1ubuntu1.24?arch=amd64&distro=ubuntu-22.04";
  match::Finding other = f;
  other.package.source_version = "7.81.0-1ubuntu1.23";
  Options o = Today();
  o.vex = {doc};
  auto r = Apply(o, {f, other});
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->findings.size(), 2u);
  for (const auto& g : r->findings) EXPECT_EQ(g.suppressed.has_value(), g.package.source_version.ends_with("24"));
}

// The image-level shape: the product is the image, subcomponents are the packages.
TEST(VexTest, ImageProductWithSubcomponents) {
  std::string text = R"({"@context": "https://openvex.dev/ns/v0.2.0", "@id": "https://example.com/vex-1",
    "author": "me", "timestamp": "2024-01-01T00:00:00Z", "version": 1,
    "statements": [
      {"vulnerability": {"name": "CVE-2021-44228", "aliases": ["GHSA-jfh8-c2jp-5v3q"]},
       "products": [{"@id": "pkg:oci/app@sha256%3Aabc?repository_url=ghcr.io%2Fx%2Fapp",
                     "subcomponents": [{"@id": "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1"}]}],
       "status": "not_affected", "justification": "vulnerable_code_not_in_execute_path",
       "impact_statement": "JNDI lookups are disabled"},
      {"vulnerability": {"name": "CVE-2022-0001"},
       "products": [{"identifiers": {"purl": "pkg:oci/other@sha256%3Adef"},
                     "subcomponents": [{"identifiers": {"purl": "pkg:maven/org.apache.logging.log4j/log4j-core"}}]}],
       "status": "fixed"},
      {"vulnerability": {"name": "CVE-2022-0002"},
       "products": [{"@id": "pkg:maven/org.apache.logging.log4j/log4j-core"}],
       "status": "under_investigation"}
    ]})";
  VexDocument doc = ParseVex(text, "vex.json").value();
  match::Finding log4j = MakeFinding("GHSA-jfh8-c2jp-5v3q", "log4j-core", "2.14.1", SeverityLevel::kCritical,
                                     inventory::PackageType::kMaven);
  log4j.package.purl = "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1";
  log4j.aliases = {"CVE-2021-44228"};
  match::Finding second = log4j;
  second.id = "CVE-2022-0001";
  second.aliases = {};
  match::Finding third = second;
  third.id = "CVE-2022-0002";

  Options o = Today();
  o.vex = {doc};
  o.artifact_purl = "pkg:oci/app@sha256%3Aabc?arch=amd64&repository_url=ghcr.io%2Fx%2Fapp";
  auto r = Apply(o, {log4j, second, third});
  ASSERT_TRUE(r.ok());
  for (const auto& f : r->findings) {
    if (f.id == "GHSA-jfh8-c2jp-5v3q") {
      ASSERT_TRUE(f.suppressed);
      EXPECT_EQ(*f.suppressed, (match::Suppression{"vex", "not_affected", "vulnerable_code_not_in_execute_path",
                                                   "JNDI lookups are disabled"}));
    } else {
      EXPECT_FALSE(f.suppressed) << f.id;  // another image; under_investigation never hides
    }
  }
  // Without a known image, any pkg:oci product stands for it.
  o.artifact_purl.clear();
  r = Apply(o, {second});
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->findings.at(0).suppressed);
  EXPECT_EQ(r->summary.suppressed_by_vex, 1);
}

TEST(VexTest, RejectsWhatIsNotOpenVex) {
  EXPECT_EQ(ParseVex("{", "a").error().code(), ErrorCode::kCorrupt);
  EXPECT_EQ(ParseVex(R"({"@context": "https://cyclonedx.org"})", "a").error().code(), ErrorCode::kUnsupported);
  auto bad = ParseVex(R"({"@context": "https://openvex.dev/ns/v0.2.0", "statements": [
    {"vulnerability": "CVE-1", "status": "nope", "products": []}]})",
                      "a.json");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message().find("statements[0]"), std::string::npos);
}

// ---- filters, sorting, gates ----

TEST(ApplyTest, SeverityAndUnfixedAndStatusFiltersDropFindings) {
  auto unfixed = MakeFinding("CVE-U", "u", "1", SeverityLevel::kHigh);
  unfixed.status = vulndb::FixState::kAffected;
  unfixed.fixed_versions.clear();
  auto deferred = MakeFinding("CVE-D", "d", "1", SeverityLevel::kHigh);
  deferred.status = vulndb::FixState::kDeferred;
  deferred.fixed_versions.clear();
  std::vector<match::Finding> in = {MakeFinding("CVE-L", "l", "1", SeverityLevel::kLow),
                                    MakeFinding("CVE-H", "h", "1", SeverityLevel::kHigh), unfixed, deferred};
  Options o = Today();
  o.severities = {SeverityLevel::kHigh, SeverityLevel::kCritical};
  auto r = Apply(o, in);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->findings.size(), 3u);
  EXPECT_EQ(r->summary.filtered_out, 1);
  o.ignore_unfixed = true;
  r = Apply(o, in);
  ASSERT_EQ(r->findings.size(), 1u);
  EXPECT_EQ(r->findings[0].id, "CVE-H");
  o = Today();
  o.ignore_statuses = {"deferred"};
  r = Apply(o, in);
  EXPECT_EQ(r->findings.size(), 3u);
  EXPECT_EQ(r->summary.filtered_out, 1);
}

std::vector<std::string> Ids(const Evaluated& e) {
  std::vector<std::string> ids;
  for (const auto& f : e.findings) ids.push_back(f.id);
  return ids;
}

TEST(ApplyTest, SortOrders) {
  auto a = MakeFinding("CVE-A", "zlib", "1", SeverityLevel::kMedium);
  a.epss_score = 0.9;
  auto b = MakeFinding("CVE-B", "bash", "1", SeverityLevel::kCritical);
  b.epss_score = 0.1;
  auto c = MakeFinding("CVE-C", "bash", "1", SeverityLevel::kHigh);
  c.kev = true;
  auto d = MakeFinding("CVE-D", "apt", "1", SeverityLevel::kHigh);  // epss unknown (-1)
  auto e = MakeFinding("CVE-0", "bash", "1", SeverityLevel::kHigh);
  std::vector<match::Finding> in = {a, b, c, d, e};
  Options o = Today();
  EXPECT_EQ(Ids(Apply(o, in).value()), (std::vector<std::string>{"CVE-B", "CVE-D", "CVE-0", "CVE-C", "CVE-A"}));
  o.sort_by = SortBy::kEpss;
  EXPECT_EQ(Ids(Apply(o, in).value()), (std::vector<std::string>{"CVE-A", "CVE-B", "CVE-D", "CVE-0", "CVE-C"}));
  o.sort_by = SortBy::kKev;
  EXPECT_EQ(Ids(Apply(o, in).value()), (std::vector<std::string>{"CVE-C", "CVE-B", "CVE-D", "CVE-0", "CVE-A"}));
  o.sort_by = SortBy::kId;
  EXPECT_EQ(Ids(Apply(o, in).value()), (std::vector<std::string>{"CVE-0", "CVE-A", "CVE-B", "CVE-C", "CVE-D"}));
  o.sort_by = SortBy::kPackage;
  EXPECT_EQ(Ids(Apply(o, in).value()), (std::vector<std::string>{"CVE-D", "CVE-B", "CVE-0", "CVE-C", "CVE-A"}));
  EXPECT_EQ(ParseSortBy("epss").value(), SortBy::kEpss);
  EXPECT_FALSE(ParseSortBy("random").ok());
}

TEST(ApplyTest, GatesAndSummary) {
  std::vector<match::Finding> in = {MakeFinding("CVE-1", "a", "1", SeverityLevel::kMedium),
                                    MakeFinding("CVE-2", "b", "1", SeverityLevel::kHigh)};
  Options o = Today();
  auto r = Apply(o, in);
  EXPECT_EQ(r->exit_code, 0);  // no gate asked for
  EXPECT_EQ(r->summary.total, 2);
  EXPECT_EQ(r->summary.by_severity.at(SeverityLevel::kHigh), 1);
  EXPECT_EQ(r->summary.by_severity.at(SeverityLevel::kCritical), 0);
  EXPECT_EQ(r->summary.by_severity.size(), 6u);

  o.exit_code = 5;  // Trivy --exit-code: any remaining finding
  EXPECT_EQ(Apply(o, in)->exit_code, 5);
  EXPECT_EQ(Apply(o, {})->exit_code, 0);

  o = Today();
  o.fail_on = SeverityLevel::kCritical;
  EXPECT_EQ(Apply(o, in)->exit_code, 0);
  o.fail_on = SeverityLevel::kHigh;
  EXPECT_EQ(Apply(o, in)->exit_code, 1);
  o.exit_code = 3;
  EXPECT_EQ(Apply(o, in)->exit_code, 3);

  // suppressed findings do not fail the gate
  o.ignores = ParseIgnoreText("CVE-2 # accepted\n", "i").value();
  r = Apply(o, in);
  EXPECT_EQ(r->exit_code, 0);
  EXPECT_EQ(r->summary.total, 1);
  EXPECT_EQ(r->summary.suppressed, 1);
  EXPECT_EQ(r->findings.size(), 2u);  // still listed

  o.today = "June 1st";
  EXPECT_EQ(Apply(o, in).error().code(), ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace hullscan::policy
