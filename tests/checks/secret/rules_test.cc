// Every built-in rule both ways: a real-shaped secret is found (and masked), a near miss is not.
// Tokens are generated at run time from a fixed seed, so that no literal credential sits in the
// source (the same approach as make-images.sh).
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>
#include <vector>

#include "checks/secret/secret.h"

namespace hullscan::checks::secret {
namespace {

class Gen {
 public:
  // `n` bytes drawn from `charset`.
  std::string operator()(std::string_view charset, size_t n) {
    std::string out;
    for (size_t i = 0; i < n; ++i) {
      state_ ^= state_ << 13;
      state_ ^= state_ >> 7;
      state_ ^= state_ << 17;
      out += charset[state_ % charset.size()];
    }
    return out;
  }

 private:
  uint64_t state_ = 0x9e3779b97f4a7c15ull;
};

constexpr std::string_view kUpperDigits = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
constexpr std::string_view kAlnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
constexpr std::string_view kLowerAlnum = "abcdefghijklmnopqrstuvwxyz0123456789";
constexpr std::string_view kHex = "0123456789abcdef";
constexpr std::string_view kDigits = "0123456789";
constexpr std::string_view kBase64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

struct Case {
  std::string rule;
  std::string text;    // holds the secret
  std::string secret;  // must never appear in a hit
  bool found = true;
};

std::string PemBody(Gen& g, int lines) {
  std::string out;
  for (int i = 0; i < lines; ++i) out += g(kBase64, 64) + "\n";
  return out;
}

std::vector<Case> Cases() {
  Gen g;
  std::vector<Case> c;
  auto add = [&](std::string rule, std::string text, std::string secret, bool found = true) {
    c.push_back(Case{std::move(rule), std::move(text), std::move(secret), found});
  };
  std::string s;
  s = "AKIA" + g(kUpperDigits, 16);
  add("aws-access-key-id", "aws_access_key_id = \"" + s + "\"\n", s);
  s = "AKIA" + g(kUpperDigits, 15);
  add("aws-access-key-id", "id = \"" + s + "\"\n", s, false);  // one character short
  s = g(kBase64, 40);
  add("aws-secret-access-key", "aws_secret_access_key: " + s + "\n", s);
  s = g(kBase64, 39);
  add("aws-secret-access-key", "aws_secret_access_key: " + s + "\n", s, false);
  s = "ghp_" + g(kAlnum, 36);
  add("github-pat", "token=" + s + "\n", s);
  s = "ghp_" + g(kAlnum, 35);
  add("github-pat", "token=" + s + "\n", s, false);
  s = "gho_" + g(kAlnum, 36);
  add("github-oauth", "oauth: " + s + "\n", s);
  s = "xgho_" + g(kAlnum, 36);  // not at a word start
  add("github-oauth", "oauth: " + s + "\n", s, false);
  s = "ghs_" + g(kAlnum, 36);
  add("github-app-token", "GH=" + s + "\n", s);
  s = "ghx_" + g(kAlnum, 36);
  add("github-app-token", "GH=" + s + "\n", s, false);
  s = "ghr_" + g(kAlnum, 76);
  add("github-refresh-token", "refresh " + s + "\n", s);
  s = "ghr_" + g(kAlnum, 70);
  add("github-refresh-token", "refresh " + s + "\n", s, false);
  s = "github_pat_" + g(kAlnum, 22) + "_" + g(kAlnum, 59);
  add("github-fine-grained-pat", "GITHUB_TOKEN=" + s + "\n", s);
  s = "github_pat_" + g(kAlnum, 21) + "_" + g(kAlnum, 59);
  add("github-fine-grained-pat", "GITHUB_TOKEN=" + s + "\n", s, false);
  s = "glpat-" + g(kAlnum, 20);
  add("gitlab-pat", "GITLAB_TOKEN=" + s + "\n", s);
  s = "glpat-" + g(kAlnum, 19);
  add("gitlab-pat", "GITLAB_TOKEN=" + s + " \n", s, false);
  s = "hf_" + g(kAlnum, 34);
  add("hugging-face-access-token", "HF_TOKEN=" + s + "\n", s);
  s = "hf_" + g(kAlnum, 20);
  add("hugging-face-access-token", "HF_TOKEN=" + s + "\n", s, false);
  for (std::string kind : {"RSA ", "EC ", "OPENSSH ", "DSA ", "", "ENCRYPTED "}) {
    std::string body = PemBody(g, 4);
    add("private-key", "-----BEGIN " + kind + "PRIVATE KEY-----\n" + body + "-----END " + kind + "PRIVATE KEY-----\n",
        body.substr(0, 64));
  }
  {
    std::string body = PemBody(g, 5);
    add("private-key",
        "-----BEGIN PGP PRIVATE KEY BLOCK-----\nVersion: GnuPG v2\n\n" + body + "=" + g(kBase64, 4) +
            "\n-----END PGP PRIVATE KEY BLOCK-----\n",
        body.substr(0, 64));
    body = PemBody(g, 3);
    add("private-key",
        "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,0123456789ABCDEF\n\n" + body +
            "-----END RSA PRIVATE KEY-----\n",
        body.substr(0, 64));
    // A key inside a JSON string, as in a GCP service-account file.
    body = g(kBase64, 64) + "\\n" + g(kBase64, 64);
    add("private-key", "{\"private_key\": \"-----BEGIN PRIVATE KEY-----\\n" + body + "\\n-----END PRIVATE KEY-----\\n\"}\n",
        body.substr(0, 64));
    body = PemBody(g, 4);
    add("private-key", "-----BEGIN PUBLIC KEY-----\n" + body + "-----END PUBLIC KEY-----\n", body.substr(0, 64), false);
    add("private-key", "-----BEGIN RSA PRIVATE KEY-----\n<your key here>\n-----END RSA PRIVATE KEY-----\n", "<your key",
        false);
  }
  s = "shpat_" + g(kHex, 32);
  add("shopify-token", "SHOPIFY=" + s + "\n", s);
  s = "shpat_" + g(kHex, 31);
  add("shopify-token", "SHOPIFY=" + s + "\n", s, false);
  s = "xoxb-" + g(kDigits, 12) + "-" + g(kDigits, 13) + "-" + g(kAlnum, 24);
  add("slack-access-token", "SLACK_BOT_TOKEN=" + s + "\n", s);
  s = "xoxb-" + g(kDigits, 9);
  add("slack-access-token", "SLACK_BOT_TOKEN=" + s + "\n", s, false);
  s = "pk_live_" + g(kLowerAlnum, 24);
  add("stripe-publishable-token", "STRIPE_PK=" + s + "\n", s);
  s = "pk_live_" + g(kLowerAlnum, 8);
  add("stripe-publishable-token", "STRIPE_PK=" + s + "\n", s, false);
  s = "sk_live_" + g(kLowerAlnum, 24);
  add("stripe-secret-token", "STRIPE_SECRET_KEY=" + s + "\n", s);
  s = "sk_live_" + g(kLowerAlnum, 8);
  add("stripe-secret-token", "STRIPE_SECRET_KEY=" + s + "\n", s, false);
  s = "pypi-AgEIcHlwaS5vcmc" + g(kAlnum, 60);
  add("pypi-upload-token", "password = " + s + "\n", s);
  s = "pypi-AgEIcHlwaS5vcmc" + g(kAlnum, 40);
  add("pypi-upload-token", "token = " + s + "\n", s, false);
  add("gcp-service-account", "{\n  \"type\": \"service_account\",\n  \"project_id\": \"p\"\n}\n", "\"service_account\"");
  add("gcp-service-account", "{\n  \"type\": \"authorized_user\"\n}\n", "authorized_user", false);
  s = g(kHex, 8) + "-" + g(kHex, 4) + "-" + g(kHex, 4) + "-" + g(kHex, 4) + "-" + g(kHex, 12);
  add("heroku-api-key", "heroku_api_key = \"" + s + "\"\n", s);
  add("heroku-api-key", "heroku_api_key = " + s + "\n", s, false);  // unquoted
  s = "T" + g(kAlnum, 8) + "/B" + g(kAlnum, 8) + "/" + g(kAlnum, 24);
  add("slack-web-hook", "url: https://hooks.slack.com/services/" + s + "\n", s);
  s = "T" + g(kAlnum, 8) + "/B" + g(kAlnum, 8);
  add("slack-web-hook", "url: https://hooks.slack.com/services/" + s + "\n", s, false);
  s = "SK" + g(kHex, 32);
  add("twilio-api-key", "TWILIO=" + s + "\n", s);
  s = "SK" + g(kHex, 31);
  add("twilio-api-key", "TWILIO=" + s + "\n", s, false);
  s = "AGE-SECRET-KEY-1" + g("QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L", 58);
  add("age-secret-key", s + "\n", s);
  s = "AGE-SECRET-KEY-1" + g("QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L", 50);
  add("age-secret-key", s + "\n", s, false);
  s = "eyJ" + g(kAlnum, 30) + ".eyJ" + g(kAlnum, 40) + "." + g(kAlnum, 43);
  add("jwt-token", "Authorization: Bearer " + s + "\n", s);
  add("jwt-token", "see eyJhbGci.eyJzdWIi.sig\n", "eyJhbGci.eyJzdWIi", false);
  s = "npm_" + g(kAlnum, 36);
  add("npm-access-token", "//registry.npmjs.org/:_authToken=\"" + s + "\"\n", s);
  s = "npm_" + g(kAlnum, 30);
  add("npm-access-token", "_authToken=\"" + s + "\"\n", s, false);
  s = "SG." + g(kAlnum, 22) + "." + g(kAlnum, 43);
  add("sendgrid-api-token", "SENDGRID=" + s + "\n", s);
  s = "SG." + g(kAlnum, 22);
  add("sendgrid-api-token", "SENDGRID=" + s + "\n", s, false);
  s = "pul-" + g(kHex, 40);
  add("pulumi-api-token", "PULUMI_ACCESS_TOKEN=" + s + "\n", s);
  s = "pul-" + g(kHex, 39);
  add("pulumi-api-token", "PULUMI_ACCESS_TOKEN=" + s + "\n", s, false);
  s = "eyJhdXRocyI6" + g(kBase64, 60);
  add("dockerconfig-secret", "data:\n  .dockerconfigjson: " + s + "\n", s);
  add("dockerconfig-secret", "data:\n  .dockerconfigjson: {{ .Values.auth }}\n", "{{ .Values.auth }}", false);
  s = g(kBase64, 86) + "==";
  add("azure-storage-connection-string",
      "AZURE=DefaultEndpointsProtocol=https;AccountName=acct01;AccountKey=" + s + ";EndpointSuffix=core.windows.net\n",
      s);
  add("azure-storage-connection-string",
      "AZURE=DefaultEndpointsProtocol=https;AccountName=acct01;AccountKey=${AZURE_KEY};EndpointSuffix=x\n", "${AZURE_KEY}",
      false);
  s = g(kAlnum, 10) + "#" + g(kDigits, 3);
  add("generic-password", "db_password = \"" + s + "\"\n", s);
  add("generic-password", "DB_PASSWORD=" + s + "\n", s);
  add("generic-password", "  passwd: " + s + "\n", s);
  add("generic-password", "password = \"changeme\"\n", "changeme", false);
  add("generic-password", "passwd:         files systemd\n", "files", false);
  add("generic-password", "password=${DB_PASSWORD}\n", "${DB_PASSWORD}", false);
  add("generic-password", "password = os.environ['DB_PASSWORD']\n", "os.environ", false);
  add("generic-password", "$pwd=Cwd::getcwd();\n", "Cwd::getcwd", false);
  s = g(kAlnum, 16);
  add("url-credentials", "DATABASE_URL=postgres://app:" + s + "@db.internal:5432/app\n", s);
  add("url-credentials", "DATABASE_URL=postgres://user:password@localhost/db\n", "password", false);
  add("url-credentials", "see https://packages.internal:8443/simple\n", "8443", false);
  return c;
}

class RulesTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto created = Scanner::Create(Config{});
    ASSERT_TRUE(created.ok()) << created.error().message();
    scanner_ = *created;
  }
  static std::shared_ptr<const Scanner> scanner_;
};
std::shared_ptr<const Scanner> RulesTest::scanner_;

TEST_F(RulesTest, EveryBuiltinRuleBothWays) {
  std::map<std::string, std::pair<int, int>> coverage;  // rule -> (positives, near misses)
  for (const Case& c : Cases()) {
    SCOPED_TRACE(c.rule + (c.found ? " (found)" : " (near miss)"));
    auto hits = scanner_->Scan("app/config.txt", c.text);
    bool found = false;
    for (const auto& h : hits) {
      found |= h.rule_id == c.rule;
      EXPECT_EQ(h.match.find(c.secret), std::string::npos) << "secret shown in " << h.rule_id;
      EXPECT_EQ(h.path, "app/config.txt");
      EXPECT_GE(h.line, 1);
    }
    EXPECT_EQ(found, c.found);
    (c.found ? coverage[c.rule].first : coverage[c.rule].second)++;
  }
  for (const Rule& r : BuiltinRules()) {
    EXPECT_GT(coverage[r.id].first, 0) << r.id << " has no positive case";
    EXPECT_GT(coverage[r.id].second, 0) << r.id << " has no near miss";
  }
}

TEST_F(RulesTest, BuiltinRulesAreWellFormed) {
  std::set<std::string> ids;
  for (const Rule& r : BuiltinRules()) {
    EXPECT_TRUE(ids.insert(r.id).second) << "duplicate " << r.id;
    EXPECT_FALSE(r.keywords.empty()) << r.id << ": no keyword, its regex would run on every file";
    EXPECT_TRUE(r.severity == "CRITICAL" || r.severity == "HIGH" || r.severity == "MEDIUM" || r.severity == "LOW");
  }
  // The rule families the issue asks for.
  for (const char* id : {"aws-access-key-id", "aws-secret-access-key", "github-pat", "github-oauth", "github-app-token",
                         "github-refresh-token", "github-fine-grained-pat", "gitlab-pat", "private-key",
                         "slack-access-token", "slack-web-hook", "stripe-secret-token", "gcp-service-account",
                         "azure-storage-connection-string", "jwt-token", "generic-password"}) {
    EXPECT_TRUE(ids.count(id)) << id;
  }
}

TEST_F(RulesTest, HitFieldsAndLines) {
  Gen g;
  std::string token = "ghp_" + g(kAlnum, 36);
  std::string text = "# config\n\nGITHUB_TOKEN=" + token + "\n";
  auto hits = scanner_->Scan("app/.env", text);
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0].rule_id, "github-pat");
  EXPECT_EQ(hits[0].category, "GitHub");
  EXPECT_EQ(hits[0].title, "GitHub Personal Access Token");
  EXPECT_EQ(hits[0].severity, "CRITICAL");
  EXPECT_EQ(hits[0].line, 3);
  EXPECT_EQ(hits[0].match, "GITHUB_TOKEN=" + std::string(40, '*'));
}

TEST_F(RulesTest, TwoSecretsOnOneLineAreBothMasked) {
  Gen g;
  std::string id = "AKIA" + g(kUpperDigits, 16);
  std::string key = g(kBase64, 40);
  auto hits = scanner_->Scan("app/x.sh", "export AWS_ACCESS_KEY_ID=" + id + " AWS_SECRET_ACCESS_KEY=" + key + "\n");
  ASSERT_EQ(hits.size(), 2u);
  for (const auto& h : hits) {
    EXPECT_EQ(h.match.find(id), std::string::npos);
    EXPECT_EQ(h.match.find(key), std::string::npos);
  }
}

TEST_F(RulesTest, LongLinesAreCutAroundTheSecret) {
  Gen g;
  std::string token = "glpat-" + g(kAlnum, 20);
  std::string line = std::string(5000, 'a') + " token=" + token + " " + std::string(5000, 'b');
  auto hits = scanner_->Scan("app/min.js", line);
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_LE(hits[0].match.size(), 100u);
  EXPECT_NE(hits[0].match.find("token=" + std::string(26, '*')), std::string::npos);
}

}  // namespace
}  // namespace hullscan::checks::secret

namespace hullscan::checks::secret {
namespace {

// The image checks can hand ENV entries, labels and history lines to the same scanner (no path).
TEST_F(RulesTest, EnvironmentEntries) {
  Gen g;
  std::string id = "AKIA" + g(kUpperDigits, 16);
  std::string key = g(kBase64, 40);
  std::string pass = g(kAlnum, 20);
  EXPECT_EQ(scanner_->Scan("", "AWS_ACCESS_KEY_ID=" + id).at(0).rule_id, "aws-access-key-id");
  EXPECT_EQ(scanner_->Scan("", "AWS_SECRET_ACCESS_KEY=" + key).at(0).rule_id, "aws-secret-access-key");
  auto hits = scanner_->Scan("", "DB_PASSWORD=" + pass);
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0].rule_id, "generic-password");
  EXPECT_EQ(hits[0].match, "DB_PASSWORD=" + std::string(20, '*'));
}

}  // namespace
}  // namespace hullscan::checks::secret
