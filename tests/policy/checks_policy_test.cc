// Check findings through the policy (ApplyChecks: severity filter, ignore rules of the text form and
// of Trivy's YAML `misconfigurations:` / `secrets:` sections, expiry, sorting, counts, the gate) and
// the policy file (`--policy`: require_non_root, forbid_secrets, max_severity, required_labels),
// each requirement both ways. Where the reference images are there (HULLSCAN_IMAGES), the runtime
// config of scantest/app-secrets and scantest/app-nonroot is read from the real image config.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "policy/policy.h"
#include "policy/policy_file.h"
#include "testing/testdata.h"

namespace hullscan::policy {
namespace {

using vulndb::SeverityLevel;
using Json = nlohmann::json;

checks::Finding Check(std::string id, checks::Kind kind, SeverityLevel severity, std::string path = "",
                      std::string target = "", int line = 0) {
  checks::Finding f;
  f.id = std::move(id);
  f.kind = kind;
  f.severity = severity;
  f.title = f.id + " title";
  f.path = std::move(path);
  f.target = std::move(target);
  f.line = line;
  return f;
}

// The findings the checks report on scantest/app-secrets (make-images.sh build_secrets), a
// Dockerfile and a Kubernetes manifest; deliberately not in report order.
std::vector<checks::Finding> Findings() {
  using checks::Kind;
  std::vector<checks::Finding> out = {
      Check("FS-LEFTOVER-KEY", Kind::kFilesystem, SeverityLevel::kMedium, "root/.ssh/id_rsa"),
      Check("CFG-NO-HEALTHCHECK", Kind::kConfig, SeverityLevel::kLow),
      Check("SECRET-PRIVATE-KEY", Kind::kSecret, SeverityLevel::kHigh, "root/.ssh/id_rsa", "", 2),
      Check("SECRET-PRIVATE-KEY", Kind::kSecret, SeverityLevel::kHigh, "etc/ssl/private/app.key", "", 2),
      Check("SECRET-AWS-ACCESS-KEY-ID", Kind::kSecret, SeverityLevel::kCritical, "app/config/settings.py", "", 2),
      Check("SECRET-AWS-SECRET-ACCESS-KEY", Kind::kSecret, SeverityLevel::kCritical, "app/config/settings.py", "", 3),
      Check("SECRET-GITHUB-PAT", Kind::kSecret, SeverityLevel::kCritical, "app/.env", "", 1),
      Check("CFG-USER-ROOT", Kind::kConfig, SeverityLevel::kHigh),
      Check("DF-LAST-USER-ROOT", Kind::kDockerfile, SeverityLevel::kHigh, "", "build/Dockerfile", 12),
      Check("K8S-PRIVILEGED", Kind::kKubernetes, SeverityLevel::kHigh, "", "./k8s/web.yaml", 21),
  };
  out[1].kind = Kind::kConfig;
  out[2].layer_diff_id = "sha256:7beecb5d2392291f4a1bdbe9afac34119a7550b4dd35ca445f3ca8db2d14d303";
  return out;
}

Options Today(std::string today = "2024-06-01") {
  Options o;
  o.today = std::move(today);
  return o;
}

const checks::Finding* Find(const std::vector<checks::Finding>& list, std::string_view id,
                            std::string_view where = "") {
  for (const auto& f : list) {
    if (f.id == id && (where.empty() || f.path == where || f.target == where)) return &f;
  }
  return nullptr;
}

bool Suppressed(const CheckEvaluation& e, std::string_view id, std::string_view where = "") {
  const checks::Finding* f = Find(e.findings, id, where);
  EXPECT_NE(f, nullptr) << id << " " << where;
  return f != nullptr && f->suppressed_by.has_value();
}

// ---- ApplyChecks ----

TEST(ApplyChecksTest, TextRulesByCheckIdAndByTrivysSecretRuleId) {
  Options o = Today();
  o.ignores = ParseIgnoreText(
                  "CFG-USER-ROOT            # runs as root on purpose\n"
                  "aws-access-key-id        # Trivy's id of SECRET-AWS-ACCESS-KEY-ID\n"
                  "k8s-privileged\n"
                  "github-pat pkg:npm/x     # a package selector never matches a check\n"
                  "private-key-extra\n",
                  ".trivyignore")
                  .value();
  auto e = ApplyChecks(o, Findings());
  ASSERT_TRUE(e.ok()) << e.error().message();
  EXPECT_TRUE(Suppressed(*e, "CFG-USER-ROOT"));
  EXPECT_EQ(Find(e->findings, "CFG-USER-ROOT")->suppressed_by, ".trivyignore:1");
  EXPECT_TRUE(Suppressed(*e, "SECRET-AWS-ACCESS-KEY-ID"));
  EXPECT_EQ(Find(e->findings, "SECRET-AWS-ACCESS-KEY-ID")->suppressed_by, ".trivyignore:2");
  EXPECT_TRUE(Suppressed(*e, "K8S-PRIVILEGED")) << "check ids match case-insensitively";
  EXPECT_FALSE(Suppressed(*e, "SECRET-GITHUB-PAT"));
  EXPECT_FALSE(Suppressed(*e, "SECRET-AWS-SECRET-ACCESS-KEY")) << "a prefix of an id is not the id";
  EXPECT_FALSE(Suppressed(*e, "SECRET-PRIVATE-KEY", "root/.ssh/id_rsa"));
  // Trivy's secret id only names secrets: "aws-access-key-id" must not hide a config check named so.
  std::vector<checks::Finding> config = {Check("AWS-ACCESS-KEY-ID", checks::Kind::kConfig, SeverityLevel::kLow)};
  config[0].id = "CFG-AWS-ACCESS-KEY-ID";
  EXPECT_FALSE(ApplyChecks(o, config)->findings[0].suppressed_by.has_value());
  // kept and counted
  EXPECT_EQ(e->findings.size(), Findings().size());
  EXPECT_EQ(e->summary.suppressed, 3);
  EXPECT_EQ(e->summary.suppressed_by_ignore, 3);
  EXPECT_EQ(e->summary.suppressed_by_vex, 0);
  EXPECT_EQ(e->summary.total, static_cast<int>(Findings().size()) - 3);
}

TEST(ApplyChecksTest, TrivyYamlSectionsWithPaths) {
  Options o = Today();
  auto list = ParseIgnoreYaml(R"(vulnerabilities:
  - id: CFG-NO-HEALTHCHECK
misconfigurations:
  - id: DF-LAST-USER-ROOT
    paths:
      - "build/Dockerfile"
    statement: The build stage needs root
  - id: K8S-PRIVILEGED
    paths: ["other/*.yaml"]
  - id: FS-LEFTOVER-KEY
    paths: ["/root/.ssh/*"]
  - id: aws-secret-access-key
secrets:
  - id: private-key
    paths:
      - "root/.ssh/*"
  - id: SECRET-GITHUB-PAT
  - id: CFG-USER-ROOT
licenses:
  - id: GPL-3.0
)",
                              ".trivyignore.yaml");
  ASSERT_TRUE(list.ok()) << list.error().message();
  ASSERT_EQ(list->rules.size(), 8u);  // licenses are not ours to apply
  EXPECT_EQ(list->rules[0].section, "vulnerabilities");
  EXPECT_EQ(list->rules[1].section, "misconfigurations");
  EXPECT_EQ(list->rules[1].origin, ".trivyignore.yaml: misconfigurations[0] (line 4)");
  EXPECT_EQ(list->rules[5].section, "secrets");
  o.ignores = *list;
  auto e = ApplyChecks(o, Findings());
  ASSERT_TRUE(e.ok());
  EXPECT_FALSE(Suppressed(*e, "CFG-NO-HEALTHCHECK")) << "a vulnerabilities rule hides no check";
  EXPECT_TRUE(Suppressed(*e, "DF-LAST-USER-ROOT")) << "paths match the target of `hullscan config`";
  EXPECT_EQ(Find(e->findings, "DF-LAST-USER-ROOT")->suppressed_by, ".trivyignore.yaml: misconfigurations[0] (line 4)");
  EXPECT_FALSE(Suppressed(*e, "K8S-PRIVILEGED")) << "./k8s/web.yaml is not under other/";
  EXPECT_TRUE(Suppressed(*e, "FS-LEFTOVER-KEY")) << "a leading '/' in the glob matches image paths";
  EXPECT_FALSE(Suppressed(*e, "SECRET-AWS-SECRET-ACCESS-KEY")) << "a misconfigurations rule hides no secret";
  EXPECT_TRUE(Suppressed(*e, "SECRET-PRIVATE-KEY", "root/.ssh/id_rsa"));
  EXPECT_FALSE(Suppressed(*e, "SECRET-PRIVATE-KEY", "etc/ssl/private/app.key")) << "outside the rule's paths";
  EXPECT_TRUE(Suppressed(*e, "SECRET-GITHUB-PAT"));
  EXPECT_FALSE(Suppressed(*e, "CFG-USER-ROOT")) << "a secrets rule hides no config check";

  // and the vulnerability policy takes only the text form and the vulnerabilities section
  match::Finding vuln;
  vuln.id = "aws-secret-access-key";
  vuln.severity = SeverityLevel::kHigh;
  auto v = Apply(o, {vuln});
  ASSERT_TRUE(v.ok());
  EXPECT_FALSE(v->findings[0].suppressed.has_value()) << "a misconfigurations rule hides no vulnerability";
  vuln.id = "CFG-NO-HEALTHCHECK";
  EXPECT_TRUE(Apply(o, {vuln})->findings[0].suppressed.has_value());
}

TEST(ApplyChecksTest, TargetGlobsWithAndWithoutDotSlash) {
  Options o = Today();
  o.ignores =
      ParseIgnoreYaml("misconfigurations:\n  - id: K8S-PRIVILEGED\n    paths: [\"k8s/*.yaml\"]\n", "i.yaml").value();
  EXPECT_TRUE(Suppressed(ApplyChecks(o, Findings()).value(), "K8S-PRIVILEGED"));
  o.ignores = ParseIgnoreYaml("misconfigurations:\n  - id: K8S-PRIVILEGED\n    paths: [\"./k8s/web.yaml\"]\n", "i.yaml")
                  .value();
  EXPECT_TRUE(Suppressed(ApplyChecks(o, Findings()).value(), "K8S-PRIVILEGED"));
  o.ignores = ParseIgnoreYaml("misconfigurations:\n  - id: CFG-USER-ROOT\n    paths: [\"*\"]\n", "i.yaml").value();
  EXPECT_FALSE(Suppressed(ApplyChecks(o, Findings()).value(), "CFG-USER-ROOT"))
      << "a finding without path or target is not under any path";
}

TEST(ApplyChecksTest, ExpiredRulesDoNotApplyAndAreListedOnce) {
  Options o = Today("2024-06-01");
  o.ignores = ParseIgnoreYaml(R"(vulnerabilities:
  - id: CVE-2023-1
    expired_at: 2024-01-01
misconfigurations:
  - id: CFG-USER-ROOT
    expired_at: 2024-06-01
  - id: CFG-NO-HEALTHCHECK
    expired_at: 2024-06-02
secrets:
  - id: github-pat
    expired_at: 2023-12-31T00:00:00Z
)",
                              "i.yaml")
                  .value();
  auto text = ParseIgnoreText("FS-LEFTOVER-KEY exp:2024-05-01\n", ".trivyignore").value();
  o.ignores.rules.push_back(text.rules[0]);
  auto e = ApplyChecks(o, Findings());
  ASSERT_TRUE(e.ok());
  EXPECT_FALSE(Suppressed(*e, "CFG-USER-ROOT")) << "a rule stops applying on its expiry day";
  EXPECT_TRUE(Suppressed(*e, "CFG-NO-HEALTHCHECK"));
  EXPECT_FALSE(Suppressed(*e, "SECRET-GITHUB-PAT"));
  EXPECT_FALSE(Suppressed(*e, "FS-LEFTOVER-KEY"));
  std::vector<std::string> expired;
  for (const auto& r : e->expired_rules) expired.push_back(r.id);
  EXPECT_EQ(expired, (std::vector<std::string>{"CFG-USER-ROOT", "github-pat", "FS-LEFTOVER-KEY"}));
  // Apply lists the vulnerability and text rules; ExpiredRules every one once, for one warning each.
  auto v = Apply(o, {});
  ASSERT_TRUE(v.ok());
  ASSERT_EQ(v->expired_rules.size(), 2u);
  EXPECT_EQ(v->expired_rules[0].id, "CVE-2023-1");
  EXPECT_EQ(v->expired_rules[1].id, "FS-LEFTOVER-KEY");
  auto all = ExpiredRules(o);
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->size(), 4u);
  o.today = "June";
  EXPECT_FALSE(ExpiredRules(o).ok());
  EXPECT_FALSE(ApplyChecks(o, Findings()).ok());
}

TEST(ApplyChecksTest, SeverityFilterSortingAndSummary) {
  Options o = Today();
  o.severities = {SeverityLevel::kCritical, SeverityLevel::kHigh};
  auto e = ApplyChecks(o, Findings());
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->summary.filtered_out, 2);  // FS-LEFTOVER-KEY (MEDIUM), CFG-NO-HEALTHCHECK (LOW)
  ASSERT_EQ(e->findings.size(), Findings().size() - 2);
  std::vector<checks::Finding> sorted = e->findings;
  checks::SortFindings(sorted);
  EXPECT_EQ(e->findings, sorted);
  EXPECT_EQ(e->findings.front().severity, SeverityLevel::kCritical);
  EXPECT_EQ(e->findings.back().severity, SeverityLevel::kHigh);
  EXPECT_EQ(e->summary.by_severity.at(SeverityLevel::kCritical), 3);
  EXPECT_EQ(e->summary.by_severity.at(SeverityLevel::kHigh), 5);
  EXPECT_EQ(e->summary.by_severity.at(SeverityLevel::kMedium), 0);
  EXPECT_EQ(e->summary.by_severity.size(), 6u) << "every level present";
  EXPECT_EQ(e->summary.total, 8);
  // A finding that came in suppressed stays so, with its own origin.
  std::vector<checks::Finding> pre = Findings();
  pre[0].suppressed_by = "earlier";
  auto kept = ApplyChecks(Today(), pre);
  EXPECT_EQ(Find(kept->findings, "FS-LEFTOVER-KEY")->suppressed_by, "earlier");
}

// The gate is Apply's: for the same severities, options and suppressions, the same exit code.
TEST(ApplyChecksTest, GateIsExactlyTheVulnerabilityGate) {
  struct Case {
    std::vector<SeverityLevel> severities;
    std::vector<bool> suppressed;
    int exit_code;
    std::optional<SeverityLevel> fail_on;
    int want;
  };
  const SeverityLevel kC = SeverityLevel::kCritical, kH = SeverityLevel::kHigh, kL = SeverityLevel::kLow;
  for (const Case& c : std::vector<Case>{
           {{}, {}, 5, std::nullopt, 0},                    // nothing found: pass
           {{kH, kL}, {false, false}, 0, std::nullopt, 0},  // no --exit-code: findings do not fail
           {{kH, kL}, {false, false}, 5, std::nullopt, 5},
           {{kH}, {true}, 5, std::nullopt, 0},  // suppressed findings do not gate
           {{kH, kL}, {false, false}, 0, kC, 0},
           {{kH, kC}, {false, false}, 0, kC, 1},  // --fail-on alone exits 1
           {{kH, kC}, {false, false}, 3, kC, 3},
           {{kH, kC}, {false, true}, 3, kC, 0},
           {{kL}, {false}, 2, kL, 2},
       }) {
    Options o = Today();
    o.exit_code = c.exit_code;
    o.fail_on = c.fail_on;
    std::vector<checks::Finding> findings;
    std::vector<match::Finding> vulns;
    for (size_t i = 0; i < c.severities.size(); ++i) {
      checks::Finding f = Check("CFG-X" + std::to_string(i), checks::Kind::kConfig, c.severities[i]);
      match::Finding v;
      v.id = "CVE-2024-" + std::to_string(i);
      v.severity = c.severities[i];
      if (c.suppressed[i]) {
        f.suppressed_by = "i:1";
        v.suppressed = match::Suppression{"ignore", "ignored", "", "i:1"};
      }
      findings.push_back(f);
      vulns.push_back(v);
    }
    auto e = ApplyChecks(o, findings);
    auto v = Apply(o, vulns);
    ASSERT_TRUE(e.ok() && v.ok());
    EXPECT_EQ(e->exit_code, c.want) << c.severities.size() << " findings, exit " << c.exit_code;
    EXPECT_EQ(e->exit_code, v->exit_code);
  }
}

TEST(ApplyChecksTest, CombineExitCodes) {
  EXPECT_EQ(CombineExitCodes({}), 0);
  EXPECT_EQ(CombineExitCodes({0, 0, 0}), 0);
  EXPECT_EQ(CombineExitCodes({0, 4, 0}), 4);
  EXPECT_EQ(CombineExitCodes({0, 0, 1}), 1);
  EXPECT_EQ(CombineExitCodes({3, 1}), 3) << "the first verdict's code wins";
}

// ---- policy file ----

TEST(PolicyFileTest, ParsesEveryKey) {
  auto p = ParsePolicyFile(
      "# what every image must meet\n"
      "require_non_root: true\n"
      "forbid_secrets: True\n"
      "max_severity: high\n"
      "required_labels: [org.opencontainers.image.source, maintainer, maintainer]\n",
      "policy.yaml");
  ASSERT_TRUE(p.ok()) << p.error().message();
  EXPECT_EQ(p->origin, "policy.yaml");
  EXPECT_TRUE(p->require_non_root);
  EXPECT_TRUE(p->forbid_secrets);
  EXPECT_EQ(p->max_severity, SeverityLevel::kHigh);
  EXPECT_EQ(p->required_labels, (std::vector<std::string>{"org.opencontainers.image.source", "maintainer"}));

  auto block = ParsePolicyFile("required_labels:\n  - a\n  - b\nrequire_non_root: false\n", "p.yaml");
  ASSERT_TRUE(block.ok());
  EXPECT_EQ(block->required_labels, (std::vector<std::string>{"a", "b"}));
  EXPECT_FALSE(block->require_non_root);
  EXPECT_FALSE(block->max_severity.has_value());

  auto empty = ParsePolicyFile("# nothing required\n", "p.yaml");
  ASSERT_TRUE(empty.ok());
  PolicyFile nothing;
  nothing.origin = "p.yaml";
  EXPECT_EQ(*empty, nothing);
}

TEST(PolicyFileTest, ErrorsNameFileAndLine) {
  struct Case {
    std::string text;
    std::string where;
    std::string says;
  };
  for (const Case& c : std::vector<Case>{
           {"require_non_root: true\nforbid_secret: true\n", "p.yaml:2", "unknown key 'forbid_secret'"},
           {"require_non_root: yes please\n", "p.yaml:1", "true or false"},
           {"\n\nmax_severity: SEVERE\n", "p.yaml:3", "not a severity"},
           {"max_severity: moderate\n", "p.yaml:1", "not a severity"},
           {"max_severity: [HIGH]\n", "p.yaml:1", "severity name"},
           {"required_labels: maintainer\n", "p.yaml:1", "list"},
           {"required_labels:\n  - a\n  - {b: c}\n", "p.yaml:3", "label keys"},
           {"- require_non_root\n", "p.yaml:1", "mapping"},
       }) {
    auto p = ParsePolicyFile(c.text, "p.yaml");
    ASSERT_FALSE(p.ok()) << c.text;
    EXPECT_EQ(p.error().code(), ErrorCode::kInvalidArgument);
    EXPECT_TRUE(p.error().message().starts_with(c.where + ":")) << p.error().message();
    EXPECT_NE(p.error().message().find(c.says), std::string::npos) << p.error().message();
  }
  EXPECT_FALSE(ParsePolicyFile("require_non_root: [", "p.yaml").ok());
}

TEST(PolicyFileTest, LoadsFromDisk) {
  hullscan::testing::TempDir tmp;
  std::filesystem::path path = tmp.path() / "policy.yaml";
  std::ofstream(path) << "forbid_secrets: true\nmax_severity: CRITICAL\n";
  auto p = LoadPolicyFile(path);
  ASSERT_TRUE(p.ok()) << p.error().message();
  EXPECT_TRUE(p->forbid_secrets);
  EXPECT_EQ(p->max_severity, SeverityLevel::kCritical);
  EXPECT_EQ(p->origin, path.string());
  EXPECT_FALSE(LoadPolicyFile(tmp.path() / "missing.yaml").ok());
  std::ofstream(path) << "forbid_secrets: true\nmax_severity: CRITICAL\nallow_root: true\n";
  auto bad = LoadPolicyFile(path);
  ASSERT_FALSE(bad.ok());
  EXPECT_TRUE(bad.error().message().starts_with(path.string() + ":3:")) << bad.error().message();
}

// The image config of a reference image (HULLSCAN_IMAGES/oci/<key>), as the inventory carries it.
std::optional<inventory::RuntimeConfig> ReferenceRuntime(const std::string& key) {
  const char* images = std::getenv("HULLSCAN_IMAGES");
  if (images == nullptr || *images == '\0') return std::nullopt;
  std::filesystem::path dir = std::filesystem::path(images) / "oci" / key;
  auto blob = [&](const std::string& digest) {
    return Json::parse(hullscan::testing::ReadFileOrFail(dir / "blobs/sha256" / digest.substr(7)));
  };
  Json index = Json::parse(hullscan::testing::ReadFileOrFail(dir / "index.json"));
  Json manifest = blob(index["manifests"][0]["digest"].get<std::string>());
  Json config = blob(manifest["config"]["digest"].get<std::string>())["config"];
  inventory::RuntimeConfig runtime;
  runtime.present = true;
  runtime.user = config.value("User", "");
  Json labels = config.value("Labels", Json::object());
  for (const auto& [k, v] : labels.items()) runtime.labels[k] = v.get<std::string>();
  return runtime;
}

inventory::Inventory ImageWith(std::string user, std::map<std::string, std::string> labels = {}) {
  inventory::Inventory inv;
  inv.artifact.name = "scantest/app:test";
  inv.artifact.runtime.present = true;
  inv.artifact.runtime.user = std::move(user);
  inv.artifact.runtime.labels = std::move(labels);
  return inv;
}

std::vector<std::string> Rules(const PolicyVerdict& v) {
  std::vector<std::string> rules;
  for (const auto& violation : v.violations) rules.push_back(violation.rule);
  return rules;
}

TEST(EvaluatePolicyTest, RequireNonRootFromTheFindings) {
  PolicyFile policy;
  policy.require_non_root = true;
  std::vector<checks::Finding> root = {Check("CFG-USER-ROOT", checks::Kind::kConfig, SeverityLevel::kHigh)};
  root[0].message = "USER is root: the container runs as uid 0";
  // The finding decides, whatever USER says (a name that resolves to uid 0 in /etc/passwd).
  PolicyVerdict fails = EvaluatePolicy(policy, ImageWith("admin"), {}, root);
  EXPECT_FALSE(fails.passed);
  ASSERT_EQ(Rules(fails), std::vector<std::string>{"require_non_root"});
  EXPECT_EQ(fails.violations[0].message, "CFG-USER-ROOT: USER is root: the container runs as uid 0");
  EXPECT_EQ(PolicyExitCode(fails, 0), 1);
  EXPECT_EQ(PolicyExitCode(fails, 7), 7);
  // suppressed by an ignore rule: the user accepted it
  root[0].suppressed_by = ".trivyignore:1";
  PolicyVerdict accepted = EvaluatePolicy(policy, ImageWith("root"), {}, root);
  EXPECT_TRUE(accepted.passed) << "a suppressed finding does not count, and the fallback does not second-guess it";
  EXPECT_EQ(PolicyExitCode(accepted, 7), 0);
  // a Dockerfile (`hullscan config`)
  std::vector<checks::Finding> dockerfile = {
      Check("DF-LAST-USER-ROOT", checks::Kind::kDockerfile, SeverityLevel::kHigh, "", "build/Dockerfile", 12)};
  PolicyVerdict df = EvaluatePolicy(policy, inventory::Inventory{}, {}, dockerfile);
  ASSERT_FALSE(df.passed);
  EXPECT_NE(df.violations[0].message.find("(build/Dockerfile:12)"), std::string::npos) << df.violations[0].message;
  // a Kubernetes container with runAsUser 0 runs as root; one without runAsNonRoot only may
  std::vector<checks::Finding> k8s = {
      Check("K8S-RUN-AS-USER-ROOT", checks::Kind::kKubernetes, SeverityLevel::kLow, "", "k8s/web.yaml", 30)};
  EXPECT_FALSE(EvaluatePolicy(policy, inventory::Inventory{}, {}, k8s).passed);
  k8s[0].id = "K8S-RUN-AS-NON-ROOT";
  EXPECT_TRUE(EvaluatePolicy(policy, inventory::Inventory{}, {}, k8s).passed);
  // other findings do not mean root
  std::vector<checks::Finding> other = {Check("CFG-NO-HEALTHCHECK", checks::Kind::kConfig, SeverityLevel::kLow)};
  EXPECT_TRUE(EvaluatePolicy(policy, ImageWith("10001:10001"), {}, other).passed);
  // not required: root passes
  EXPECT_TRUE(EvaluatePolicy(PolicyFile{}, ImageWith("root"), {}, root).passed);
}

// Without a root finding (the config check did not run, or a filter dropped it) an image config
// whose USER is plainly root still fails; a name needs /etc/passwd, which is the check's job.
TEST(EvaluatePolicyTest, RequireNonRootFallsBackToAPlainlyRootUser) {
  PolicyFile policy;
  policy.require_non_root = true;
  for (const char* user : {"", "root", "0", "0:0", "root:root", "0:10001", " root "}) {
    PolicyVerdict v = EvaluatePolicy(policy, ImageWith(user), {}, {});
    EXPECT_FALSE(v.passed) << "'" << user << "'";
  }
  EXPECT_EQ(EvaluatePolicy(policy, ImageWith(""), {}, {}).violations[0].message,
            "the image config sets no USER: the container runs as root");
  for (const char* user : {"10001", "10001:10001", "app", "nobody:nogroup", "rootless"}) {
    EXPECT_TRUE(EvaluatePolicy(policy, ImageWith(user), {}, {}).passed) << user;
  }
  // a root filesystem has no image config: nothing runs, nothing to hold against it
  EXPECT_TRUE(EvaluatePolicy(policy, inventory::Inventory{}, {}, {}).passed);
}

TEST(EvaluatePolicyTest, RequireNonRootOnTheReferenceImages) {
  auto secrets = ReferenceRuntime("app-secrets_bookworm");
  auto nonroot = ReferenceRuntime("app-nonroot_bookworm");
  if (!secrets || !nonroot) GTEST_SKIP() << "HULLSCAN_IMAGES is not set (reference images, e.g. /work/images)";
  PolicyFile policy;
  policy.require_non_root = true;
  inventory::Inventory inv;
  inv.artifact.runtime = *secrets;  // USER root (make-images.sh: --config.user root)
  EXPECT_FALSE(EvaluatePolicy(policy, inv, {}, {}).passed);
  inv.artifact.runtime = *nonroot;  // USER 10001:10001
  EXPECT_EQ(nonroot->user, "10001:10001");
  EXPECT_TRUE(EvaluatePolicy(policy, inv, {}, {}).passed);
  // Both carry org.opencontainers.image.title and nothing else.
  policy.required_labels = {"org.opencontainers.image.title", "org.opencontainers.image.source"};
  PolicyVerdict labels = EvaluatePolicy(policy, inv, {}, {});
  ASSERT_EQ(labels.violations.size(), 1u);
  EXPECT_EQ(labels.violations[0].message, "the image has no label org.opencontainers.image.source");
}

TEST(EvaluatePolicyTest, ForbidSecrets) {
  PolicyFile policy;
  policy.forbid_secrets = true;
  std::vector<checks::Finding> findings = Findings();
  PolicyVerdict v = EvaluatePolicy(policy, ImageWith("10001"), {}, findings);
  EXPECT_FALSE(v.passed);
  ASSERT_EQ(v.violations.size(), 5u);  // every unsuppressed secret, none of the other findings
  for (const auto& violation : v.violations) EXPECT_EQ(violation.rule, "forbid_secrets");
  bool layered = false;
  for (const auto& violation : v.violations) {
    layered =
        layered || violation.message == "secret SECRET-PRIVATE-KEY in root/.ssh/id_rsa:2 (layer sha256:7beecb5d2392)";
  }
  EXPECT_TRUE(layered) << ::testing::PrintToString(v.violations[0].message);
  for (auto& f : findings) {
    if (f.kind == checks::Kind::kSecret) f.suppressed_by = "i.yaml: secrets[0]";
  }
  EXPECT_TRUE(EvaluatePolicy(policy, ImageWith("10001"), {}, findings).passed);
  EXPECT_TRUE(EvaluatePolicy(PolicyFile{}, ImageWith("10001"), {}, Findings()).passed);
}

TEST(EvaluatePolicyTest, MaxSeverityOverVulnerabilitiesAndChecks) {
  PolicyFile policy;
  policy.max_severity = SeverityLevel::kHigh;
  auto vuln = [](std::string id, SeverityLevel s) {
    match::Finding f;
    f.id = std::move(id);
    f.severity = s;
    f.package.name = "openssl";
    f.installed_version = "3.0.11-1~deb12u2";
    return f;
  };
  std::vector<checks::Finding> high_checks = {Check("CFG-USER-ROOT", checks::Kind::kConfig, SeverityLevel::kHigh)};
  // at the maximum: passes
  EXPECT_TRUE(EvaluatePolicy(policy, ImageWith("1"), {vuln("CVE-2024-1", SeverityLevel::kHigh)}, high_checks).passed);
  // a CRITICAL vulnerability fails
  PolicyVerdict v = EvaluatePolicy(policy, ImageWith("1"), {vuln("CVE-2024-2", SeverityLevel::kCritical)}, high_checks);
  ASSERT_FALSE(v.passed);
  ASSERT_EQ(Rules(v), std::vector<std::string>{"max_severity"});
  EXPECT_EQ(v.violations[0].message, "1 finding above HIGH (CRITICAL: 1): CVE-2024-2 in openssl 3.0.11-1~deb12u2");
  // suppressed: passes
  match::Finding hidden = vuln("CVE-2024-3", SeverityLevel::kCritical);
  hidden.suppressed = match::Suppression{"vex", "not_affected", "", ""};
  EXPECT_TRUE(EvaluatePolicy(policy, ImageWith("1"), {hidden}, {}).passed);
  // a CRITICAL check fails too; many findings are named up to five
  std::vector<checks::Finding> checks = Findings();  // three CRITICAL secrets
  std::vector<match::Finding> vulns;
  for (int i = 0; i < 4; ++i) vulns.push_back(vuln("CVE-2024-1" + std::to_string(i), SeverityLevel::kCritical));
  PolicyVerdict many = EvaluatePolicy(policy, ImageWith("1"), vulns, checks);
  ASSERT_EQ(many.violations.size(), 1u);
  EXPECT_TRUE(many.violations[0].message.starts_with("7 findings above HIGH (CRITICAL: 7): CVE-2024-10 in openssl"))
      << many.violations[0].message;
  EXPECT_TRUE(many.violations[0].message.ends_with("; and 2 more")) << many.violations[0].message;
  EXPECT_NE(many.violations[0].message.find("SECRET-AWS-ACCESS-KEY-ID in app/config/settings.py:2"), std::string::npos);
  policy.max_severity = SeverityLevel::kCritical;
  EXPECT_TRUE(EvaluatePolicy(policy, ImageWith("1"), vulns, checks).passed) << "nothing is above CRITICAL";
}

TEST(EvaluatePolicyTest, RequiredLabels) {
  PolicyFile policy;
  policy.required_labels = {"org.opencontainers.image.source", "maintainer"};
  PolicyVerdict ok = EvaluatePolicy(
      policy, ImageWith("1", {{"org.opencontainers.image.source", "https://git.example/app"}, {"maintainer", "ops"}}),
      {}, {});
  EXPECT_TRUE(ok.passed);
  PolicyVerdict missing =
      EvaluatePolicy(policy, ImageWith("1", {{"org.opencontainers.image.source", "https://git.example/app"}}), {}, {});
  ASSERT_FALSE(missing.passed);
  ASSERT_EQ(missing.violations.size(), 1u);
  EXPECT_EQ(missing.violations[0], (PolicyViolation{"required_labels", "the image has no label maintainer"}));
  PolicyVerdict empty =
      EvaluatePolicy(policy, ImageWith("1", {{"org.opencontainers.image.source", " "}, {"maintainer", "x"}}), {}, {});
  ASSERT_EQ(empty.violations.size(), 1u);
  EXPECT_EQ(empty.violations[0].message, "the image's label org.opencontainers.image.source is empty");
  // not an image: not decided, listed, not held against it
  inventory::Inventory rootfs;
  rootfs.artifact.kind = inventory::ArtifactKind::kRootfs;
  rootfs.artifact.name = "/srv/rootfs";
  PolicyVerdict na = EvaluatePolicy(policy, rootfs, {}, {});
  EXPECT_TRUE(na.passed);
  ASSERT_EQ(na.not_applicable.size(), 2u);
  EXPECT_EQ(na.not_applicable[1].message, "label maintainer: /srv/rootfs has no image config");
}

TEST(EvaluatePolicyTest, ViolationsInRequirementOrder) {
  auto policy =
      ParsePolicyFile(
          "required_labels: [maintainer]\nmax_severity: MEDIUM\nforbid_secrets: true\nrequire_non_root: true\n",
          "p.yaml")
          .value();
  PolicyVerdict v = EvaluatePolicy(policy, ImageWith("root"), {}, Findings());
  ASSERT_FALSE(v.passed);
  std::vector<std::string> rules = Rules(v);
  // CFG-USER-ROOT and DF-LAST-USER-ROOT, five secrets, one max_severity line, one label
  std::vector<std::string> want = {"require_non_root", "require_non_root", "forbid_secrets",
                                   "forbid_secrets",   "forbid_secrets",   "forbid_secrets",
                                   "forbid_secrets",   "max_severity",     "required_labels"};
  EXPECT_EQ(rules, want);
  EXPECT_EQ(CombineExitCodes({0, 0, PolicyExitCode(v, 0)}), 1);
}

}  // namespace
}  // namespace hullscan::policy
