// The scanner beyond single rules: configs (custom rules, allow rules, disabling), the clean side
// (placeholders, docs examples, binaries, allow-listed paths), robustness and the analyzer.
#include <gtest/gtest.h>

#include <fstream>
#include <thread>

#include "analyze/analyzer.h"
#include "checks/secret/secret.h"
#include "testing/testdata.h"

namespace hullscan::checks::secret {
namespace {

std::shared_ptr<const Scanner> MustCreate(const Config& config = {}) {
  auto created = Scanner::Create(config);
  EXPECT_TRUE(created.ok()) << created.error().message();
  return created.ok() ? *created : nullptr;
}

// A token of `n` alphanumerics made at run time (no literal credential in the source).
std::string Token(std::string_view prefix, size_t n, uint64_t seed = 7) {
  static constexpr std::string_view kAlnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  std::string out(prefix);
  for (size_t i = 0; i < n; ++i) {
    seed = seed * 6364136223846793005ull + 1442695040888963407ull;
    out += kAlnum[(seed >> 33) % kAlnum.size()];
  }
  return out;
}

std::vector<std::string> RuleIds(const std::vector<inventory::SecretHit>& hits) {
  std::vector<std::string> ids;
  for (const auto& h : hits) ids.push_back(h.rule_id);
  return ids;
}

constexpr char kConfigYaml[] = R"(
rules:
  - id: acme-api-key
    category: Acme
    title: Acme API key
    severity: high
    keywords: [acme_]
    regex: 'acme_(?P<secret>[a-f0-9]{24})'
    secret-group-name: secret
    allow-rules:
      - id: acme-sandbox
        description: sandbox keys are public
        regex: 'acme_0{8}'
  - id: internal-only
    title: Rule limited to a path
    severity: LOW
    regex: 'INTERNAL-[0-9]{6}'
    path: '^srv/'
allow-rules:
  - id: fixtures
    description: our fixtures
    path: '^app/fixtures/'
  - id: dead-beef
    regex: 'acme_deadbeef'
disable-rules:
  - stripe-secret-token
disable-allow-rules:
  - markdown
)";

TEST(SecretConfig, CustomRulesAllowRulesAndDisabling) {
  testing::TempDir dir;
  std::filesystem::path yaml = dir.path() / "trivy-secret.yaml";
  std::ofstream(yaml) << kConfigYaml;
  auto config = LoadConfig(yaml);
  ASSERT_TRUE(config.ok()) << config.error().message();
  ASSERT_EQ(config->custom_rules.size(), 2u);
  EXPECT_EQ(config->custom_rules[0].keywords, std::vector<std::string>{"acme_"});
  EXPECT_EQ(config->custom_rules[0].allow_rules.size(), 1u);
  EXPECT_EQ(config->disable_rules, std::vector<std::string>{"stripe-secret-token"});
  auto scanner = MustCreate(*config);
  ASSERT_TRUE(scanner);

  std::string acme = "acme_" + std::string("0123456789abcdef01234567");
  auto hits = scanner->Scan("app/settings.ini", "key = " + acme + "\n");
  ASSERT_EQ(RuleIds(hits), std::vector<std::string>{"acme-api-key"});
  EXPECT_EQ(hits[0].severity, "HIGH");  // normalised
  EXPECT_EQ(hits[0].category, "Acme");
  EXPECT_EQ(hits[0].match, "key = acme_************************");
  // Keywords are caseless; the rule's own allow rule and the global ones apply.
  EXPECT_TRUE(scanner->Scan("app/a.txt", "k=acme_000000000000000000000000\n").empty());
  EXPECT_TRUE(scanner->Scan("app/a.txt", "k=acme_deadbeefdeadbeefdeadbeef\n").empty());
  EXPECT_TRUE(scanner->Scan("app/fixtures/keys.txt", "k=" + acme + "\n").empty());
  EXPECT_TRUE(scanner->SkipsPath("app/fixtures/keys.txt"));
  // Path-limited rule.
  EXPECT_EQ(RuleIds(scanner->Scan("srv/x.conf", "id INTERNAL-123456\n")), std::vector<std::string>{"internal-only"});
  EXPECT_TRUE(scanner->Scan("app/x.conf", "id INTERNAL-123456\n").empty());
  // Disabled built-in rule; other built-ins still on.
  std::string stripe = Token("sk_live_", 24);
  EXPECT_TRUE(scanner->Scan("app/.env", "STRIPE=" + stripe + "\n").empty());
  EXPECT_EQ(RuleIds(scanner->Scan("app/.env", "GH=" + Token("ghp_", 36) + "\n")), std::vector<std::string>{"github-pat"});
  // Disabled built-in allow rule: markdown files are scanned again.
  EXPECT_FALSE(scanner->SkipsPath("app/README.md"));
  EXPECT_TRUE(MustCreate()->SkipsPath("app/README.md"));
  // The fingerprint tells the rule sets apart.
  EXPECT_NE(scanner->Fingerprint(), MustCreate()->Fingerprint());
  EXPECT_EQ(MustCreate()->Fingerprint(), MustCreate()->Fingerprint());
}

TEST(SecretConfig, EnableBuiltinRulesKeepsOnlyThose) {
  auto config = ParseConfig("enable-builtin-rules: [github-pat]\n");
  ASSERT_TRUE(config.ok());
  auto scanner = MustCreate(*config);
  EXPECT_EQ(scanner->RuleCount(), 1u);
  EXPECT_TRUE(scanner->Scan("app/.env", "GITLAB=" + Token("glpat-", 20) + "\n").empty());
  EXPECT_EQ(scanner->Scan("app/.env", "GH=" + Token("ghp_", 36) + "\n").size(), 1u);
}

TEST(SecretConfig, ExcludeBlock) {
  auto config = ParseConfig(
      "exclude-block:\n  description: generated\n  regexes: ['(?s)BEGIN-GENERATED.*?END-GENERATED']\n");
  ASSERT_TRUE(config.ok()) << config.error().message();
  auto scanner = MustCreate(*config);
  std::string gh = Token("ghp_", 36);
  auto hits = scanner->Scan("app/x", "BEGIN-GENERATED\nt=" + gh + "\nEND-GENERATED\nu=" + gh + "\n");
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0].line, 4);
}

TEST(SecretConfig, BadConfigsAreErrorsWithoutSecrets) {
  EXPECT_FALSE(ParseConfig("rules: 7\n").ok());
  EXPECT_FALSE(ParseConfig("rules: [ {id: x, regex: 'a'\n").ok());  // broken YAML
  EXPECT_FALSE(ParseConfig("- a\n- b\n").ok());
  EXPECT_EQ(LoadConfig("/nonexistent/trivy-secret.yaml").error().code(), ErrorCode::kNotFound);
  auto bad_regex = ParseConfig("rules:\n  - id: broken\n    severity: LOW\n    regex: 'a(b'\n");
  ASSERT_TRUE(bad_regex.ok());
  auto created = Scanner::Create(*bad_regex);
  ASSERT_FALSE(created.ok());
  EXPECT_NE(created.error().message().find("broken"), std::string::npos);
  auto bad_severity = ParseConfig("rules:\n  - id: sev\n    severity: URGENT\n    regex: 'x'\n");
  ASSERT_TRUE(bad_severity.ok());
  EXPECT_FALSE(Scanner::Create(*bad_severity).ok());
  auto bad_group = ParseConfig("rules:\n  - id: grp\n    regex: 'x(?P<s>y)'\n    secret-group-name: secret\n");
  ASSERT_TRUE(bad_group.ok());
  EXPECT_FALSE(Scanner::Create(*bad_group).ok());
  EXPECT_TRUE(ParseConfig("").ok());
}

// ---------------------------------------------------------------------------------------------
// The clean side: what must not match.

TEST(SecretClean, PlaceholdersAndDocumentationExamples) {
  auto scanner = MustCreate();
  const char* clean[] = {
      // AWS's documented example keys carry "EXAMPLE": the built-in "examples" allow rule.
      "aws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n",
      "GITHUB_TOKEN=ghp_xxxxxxxxxxxxxxxxxxxx\n",  // too short: a placeholder
      "GITHUB_TOKEN=${GITHUB_TOKEN}\nGITLAB_TOKEN=<your token>\n",
      "password = \"********\"\npassword: ''\npassword=\npasswd: compat\n",
      "# Set the password with: password = <secret>\n",
      "auth required pam_unix.so nullok\npassword [success=1 default=ignore] pam_unix.so obscure yescrypt\n",
      "DATABASE_URL=postgres://user:password@localhost:5432/db\n",
      "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUY2VydGlmaWNhdGUtb25seS1ub3QtYS1rZXkwCgYIKoZIzj0E\n-----END CERTIFICATE-----\n",
      "{\"type\": \"authorized_user\", \"client_id\": \"x\"}\n",
  };
  for (const char* text : clean) {
    EXPECT_TRUE(scanner->Scan("app/config", text).empty()) << text;
  }
}

TEST(SecretClean, AllowListedAndSkippedPaths) {
  auto scanner = MustCreate();
  std::string text = "GITHUB_TOKEN=" + Token("ghp_", 36) + "\n";
  ASSERT_FALSE(scanner->Scan("app/.env", text).empty());
  for (const char* path : {"usr/share/doc/x/README", "usr/lib/python3/dist-packages/x.py", "app/tests/fixture.env",
                           "app/test_settings.py", "app/examples/env", "srv/vendor/lib/x.go", "app/README.md",
                           "usr/local/go/src/x.go", "app/node_modules/x/index.js", "app/.git/config",
                           "app/go.sum", "app/package-lock.json", "app/logo.png", "app/archive.tar.gz",
                           "usr/local/lib/python3.11/site-packages/x.py", "opt/yarn-v1.22.19/lib/cli.js"}) {
    EXPECT_TRUE(scanner->SkipsPath(path)) << path;
    EXPECT_TRUE(scanner->Scan(path, text).empty()) << path;
  }
  for (const char* path : {"app/.env", "root/.ssh/id_rsa", "etc/ssl/private/app.key", "app/config/settings.py",
                           "app/git/config", "app/latest/x", "usr/local/bin/run.sh"}) {
    EXPECT_FALSE(scanner->SkipsPath(path)) << path;
  }
}

TEST(SecretClean, BinariesAreNotScanned) {
  auto scanner = MustCreate();
  std::string secret = "GITHUB_TOKEN=" + Token("ghp_", 36) + "\n";
  std::string elf = std::string("\x7f" "ELF\x02\x01\x01\0\0\0", 10) + secret;
  EXPECT_TRUE(scanner->Scan("usr/local/bin/app", elf).empty());
  // A NUL beyond the first 8 KiB: text with an odd byte, still scanned.
  std::string late_nul = std::string(9000, 'x') + "\n" + std::string(1, '\0') + "\n" + secret;
  EXPECT_EQ(scanner->Scan("app/data.txt", late_nul).size(), 1u);
}

// ---------------------------------------------------------------------------------------------
// Robustness: never crash, never hang, never show the secret.

TEST(SecretRobustness, HugeLinesNulsInvalidUtf8AndEmptyFiles) {
  auto scanner = MustCreate();
  EXPECT_TRUE(scanner->Scan("app/empty", "").empty());
  EXPECT_TRUE(scanner->Scan("app/newlines", std::string(100000, '\n')).empty());
  // 8 MiB on one line of keyword soup, with a token at the very end.
  std::string soup;
  while (soup.size() < (size_t{8} << 20)) soup += "password key----- xoxb- ghp_ AKIA :// eyJ.eyJ ";
  std::string gh = Token("ghp_", 36);
  auto hits = scanner->Scan("app/soup.txt", soup + gh);
  ASSERT_EQ(RuleIds(hits), std::vector<std::string>{"github-pat"});
  EXPECT_LE(hits[0].match.size(), 100u);
  EXPECT_EQ(hits[0].match.find(gh), std::string::npos);
  // Invalid UTF-8 and control bytes around the secret come out as '?', never raw.
  std::string gl = Token("glpat-", 20);
  hits = scanner->Scan("app/bin.txt", "\xff\xfe\x1b[31m token=" + gl + " \xc3\x28 \xe2\x82\n");
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0].match, "??\?[31m token=" + std::string(26, '*') + " ?( ??");
  // A secret at offset 0 and at the very end without a newline.
  EXPECT_EQ(scanner->Scan("app/a", gl).size(), 1u);
  EXPECT_EQ(scanner->Scan("app/a", gl)[0].line, 1);
  // CRLF line ends.
  hits = scanner->Scan("app/crlf", "a\r\nb\r\nGITLAB=" + gl + "\r\n");
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0].line, 3);
  EXPECT_EQ(hits[0].match, "GITLAB=" + std::string(26, '*'));
  // A private key that never ends, and one megabyte of base64 after a BEGIN line.
  std::string key = "-----BEGIN RSA PRIVATE KEY-----\n";
  for (int i = 0; i < 16384; ++i) key += Token("", 63, static_cast<uint64_t>(i)) + "\n";
  EXPECT_TRUE(scanner->Scan("app/key", key).empty());
  hits = scanner->Scan("app/key", key + "-----END RSA PRIVATE KEY-----\n");
  ASSERT_EQ(RuleIds(hits), std::vector<std::string>{"private-key"});
  EXPECT_EQ(hits[0].line, 1);
  EXPECT_EQ(hits[0].match, "-----BEGIN RSA PRIVATE KEY-----");
}

TEST(SecretRobustness, ConcurrentScansShareOneScanner) {
  auto scanner = MustCreate();
  std::string text = "a\nGITHUB_TOKEN=" + Token("ghp_", 36) + "\nSLACK=" + Token("xoxb-", 20) + "\n";
  auto expected = scanner->Scan("app/.env", text);
  ASSERT_EQ(expected.size(), 2u);
  std::vector<std::thread> threads;
  std::atomic<int> mismatches{0};
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 200; ++i) {
        if (scanner->Scan("app/.env", text) != expected) ++mismatches;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(mismatches.load(), 0);
}

TEST(SecretAnalyzer, WantsAndAnalyze) {
  auto scanner = MustCreate();
  auto analyzer = NewSecretAnalyzer(scanner);
  EXPECT_EQ(analyzer->Name(), "secret-" + scanner->Fingerprint());
  EXPECT_EQ(analyzer->Version(), 1);
  EXPECT_TRUE(analyzer->AnalyzesEachFile());
  EXPECT_TRUE(analyzer->Wants({"app/.env", 0600, 200}));
  EXPECT_FALSE(analyzer->Wants({"app/.env", 0600, 0}));
  EXPECT_FALSE(analyzer->Wants({"app/big.log", 0600, kMaxScannedFileSize + 1}));
  EXPECT_FALSE(analyzer->Wants({"usr/share/doc/x", 0644, 200}));
  std::vector<analyze::File> files{{"app/.env", 0600, "T=" + Token("ghp_", 36) + "\n"}};
  inventory::LayerResult out;
  analyzer->Analyze(files, out);
  ASSERT_EQ(out.secrets.size(), 1u);
  EXPECT_EQ(out.secrets[0].path, "app/.env");
  EXPECT_EQ(out.secrets[0].line, 1);
  EXPECT_TRUE(out.secrets[0].layer_diff_id.empty());
}

}  // namespace
}  // namespace hullscan::checks::secret
