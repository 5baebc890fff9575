// The built-in rules. Modelled on Trivy's builtin-rules.go / builtin-allow-rules.go (v0.44 and
// later): same rule ids, categories, severities and keywords, so that findings, ignore files and
// trivy-secret.yaml configs carry over. Patterns are RE2 (bytes semantics). Rules Trivy lacks
// (Azure connection strings, generic password assignments, credentials in URLs) have their own ids.
#include <string>
#include <vector>

#include "checks/secret/secret.h"

namespace hullscan::checks::secret {

namespace {

// A token preceded by start of text or a non-alphanumeric byte (Trivy's MustCompileWithoutWordPrefix).
std::string WordStart(const std::string& secret_pattern) {
  return "(?:^|[^0-9a-zA-Z])(?P<secret>" + secret_pattern + ")";
}

// "<name>… = '<secret>'" for vendor rules keyed by a name near the value.
std::string KeyedQuoted(const std::string& name, const std::string& secret_pattern) {
  return "(?i)(?P<key>" + name + R"([a-z0-9_ .\-,]{0,25})(?:=|>|:=|\|\|:|<=|=>|:).{0,5}['"](?P<secret>)" +
         secret_pattern + R"()['"])";
}

Rule Make(std::string id, std::string category, std::string title, std::string severity, std::string regex,
          std::vector<std::string> keywords, std::string secret_group = "secret") {
  Rule r;
  r.id = std::move(id);
  r.category = std::move(category);
  r.title = std::move(title);
  r.severity = std::move(severity);
  r.regex = std::move(regex);
  r.keywords = std::move(keywords);
  r.secret_group = std::move(secret_group);
  return r;
}

std::vector<Rule> MakeBuiltinRules() {
  const std::string quote = R"(["']?)";
  const std::string connect = R"(\s*(?::|=>|=)?\s*)";
  const std::string end_secret = R"([.,]?(?:\s+|$))";
  std::vector<Rule> rules;
  rules.push_back(Make("aws-access-key-id", "AWS", "AWS Access Key ID", "CRITICAL",
                       WordStart("(?:A3T[A-Z0-9]|AKIA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA|ASIA)[A-Z0-9]{16}") + quote +
                           end_secret,
                       {"AKIA", "AGPA", "AIDA", "AROA", "AIPA", "ANPA", "ANVA", "ASIA", "A3T"}));
  rules.push_back(Make("aws-secret-access-key", "AWS", "AWS Secret Access Key", "CRITICAL",
                       "(?i)" + quote + "aws_?(?:sec(?:ret)?)?_?(?:access)?_?key" + quote + connect + quote +
                           R"((?P<secret>[A-Za-z0-9/+=]{40}))" + quote + end_secret,
                       {"key"}));
  rules.push_back(Make("github-pat", "GitHub", "GitHub Personal Access Token", "CRITICAL",
                       WordStart("ghp_[0-9a-zA-Z]{36}"), {"ghp_"}));
  rules.push_back(Make("github-oauth", "GitHub", "GitHub OAuth Access Token", "CRITICAL",
                       WordStart("gho_[0-9a-zA-Z]{36}"), {"gho_"}));
  rules.push_back(Make("github-app-token", "GitHub", "GitHub App Token", "CRITICAL",
                       WordStart("(?:ghu|ghs)_[0-9a-zA-Z]{36}"), {"ghu_", "ghs_"}));
  rules.push_back(Make("github-refresh-token", "GitHub", "GitHub Refresh Token", "CRITICAL",
                       WordStart("ghr_[0-9a-zA-Z]{76}"), {"ghr_"}));
  rules.push_back(Make("github-fine-grained-pat", "GitHub", "GitHub Fine-grained personal access tokens", "CRITICAL",
                       WordStart("github_pat_[a-zA-Z0-9]{22}_[a-zA-Z0-9]{59}"), {"github_pat_"}));
  rules.push_back(Make("gitlab-pat", "GitLab", "GitLab Personal Access Token", "CRITICAL",
                       WordStart(R"(glpat-[0-9a-zA-Z\-_]{20})"), {"glpat-"}));
  rules.push_back(Make("hugging-face-access-token", "HuggingFace", "Hugging Face Access Token", "CRITICAL",
                       WordStart("hf_[A-Za-z0-9]{34,40}"), {"hf_"}));
  // The secret group starts right after the BEGIN line's dashes, so the hit is on the BEGIN line
  // (as Trivy reports it). Armor headers (PGP "Version:", encrypted PEM "Proc-Type:") are allowed
  // before the base64 body; `\\` lets keys embedded in JSON strings ("\n" escapes) match.
  rules.push_back(Make("private-key", "AsymmetricPrivateKey", "Asymmetric Private Key", "HIGH",
                       R"((?i)-----\s*BEGIN[ A-Z0-9_-]{0,40}PRIVATE KEY(?: BLOCK)?\s*-----)"
                       R"((?P<secret>(?:\s|\\[rn])*(?:[A-Za-z][A-Za-z0-9-]{0,30}: [^\r\n\\]{0,200}(?:\s|\\[rn])+)*)"
                       R"([A-Za-z0-9=+/][A-Za-z0-9=+/\\\s]{31,}?)(?:\s|\\[rn])*)"
                       R"(-----\s*END[ A-Z0-9_-]{0,40} PRIVATE KEY(?: BLOCK)?\s*-----)",
                       {"private key"}));
  rules.push_back(Make("shopify-token", "Shopify", "Shopify token", "HIGH", "shp(?:ss|at|ca|pa)_[a-fA-F0-9]{32}",
                       {"shpss_", "shpat_", "shpca_", "shppa_"}, ""));
  // Trivy stops at the first dash ("xoxb-<digits>") and so shows the rest of the token in its
  // masked line; here the whole token (all dash-separated parts) is the secret.
  rules.push_back(Make("slack-access-token", "Slack", "Slack token", "HIGH",
                       WordStart("xox[baprs]-[0-9a-zA-Z]{10,48}(?:-[0-9a-zA-Z]{1,64}){0,6}"),
                       {"xoxb-", "xoxa-", "xoxp-", "xoxr-", "xoxs-"}));
  rules.push_back(Make("stripe-publishable-token", "Stripe", "Stripe Publishable Key", "LOW",
                       WordStart("(?i:pk_(?:test|live)_[0-9a-z]{10,32})"), {"pk_test_", "pk_live_"}));
  rules.push_back(Make("stripe-secret-token", "Stripe", "Stripe Secret Key", "CRITICAL",
                       WordStart("(?i:sk_(?:test|live)_[0-9a-z]{10,32})"), {"sk_test_", "sk_live_"}));
  rules.push_back(Make("pypi-upload-token", "PyPI", "PyPI upload token", "HIGH",
                       R"(pypi-AgEIcHlwaS5vcmc[A-Za-z0-9\-_]{50,1000})", {"pypi-AgEIcHlwaS5vcmc"}, ""));
  rules.push_back(Make("gcp-service-account", "Google", "Google (GCP) Service-account", "CRITICAL",
                       R"("type": "service_account")", {R"("type": "service_account")"}, ""));
  rules.push_back(Make("heroku-api-key", "Heroku", "Heroku API Key", "HIGH",
                       KeyedQuoted("heroku", "[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}"),
                       {"heroku"}));
  rules.push_back(Make("slack-web-hook", "Slack", "Slack Webhook", "MEDIUM",
                       R"(https://hooks\.slack\.com/services/(?P<secret>[A-Za-z0-9+/]{44,48}))", {"hooks.slack.com"}));
  rules.push_back(Make("twilio-api-key", "Twilio", "Twilio API Key", "MEDIUM", "SK[0-9a-fA-F]{32}", {"SK"}, ""));
  rules.push_back(Make("age-secret-key", "Age", "Age secret key", "MEDIUM",
                       "AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58}", {"AGE-SECRET-KEY-1"}, ""));
  rules.push_back(Make("jwt-token", "JWT", "JWT token", "MEDIUM",
                       R"(ey[a-zA-Z0-9]{17,}\.ey[a-zA-Z0-9/\\_-]{17,}\.(?:[a-zA-Z0-9/\\_-]{10,}={0,2})?)", {".eyJ"},
                       ""));
  rules.push_back(Make("npm-access-token", "Npm", "npm access token", "CRITICAL",
                       R"(['"](?P<secret>npm_(?i:[a-z0-9]{36}))['"])", {"npm_"}));
  rules.push_back(Make("sendgrid-api-token", "SendGrid", "SendGrid API token", "MEDIUM",
                       R"(SG\.(?i:[a-z0-9_\-\.]{66}))", {"SG."}, ""));
  rules.push_back(Make("pulumi-api-token", "Pulumi", "Pulumi API token", "HIGH", "pul-[a-f0-9]{40}", {"pul-"}, ""));
  rules.push_back(Make("dockerconfig-secret", "Docker", "Dockerconfig secret exposed", "HIGH",
                       R"((?i)\.(?:dockerconfigjson|dockercfg):\s*\|*\s*(?P<secret>(?:ey|ew)+[A-Za-z0-9/+=]+))",
                       {"dockerc"}));
  // hullscan rules (no Trivy equivalent in v0.44).
  rules.push_back(Make("azure-storage-connection-string", "Azure", "Azure Storage Account connection string",
                       "CRITICAL",
                       R"((?i)DefaultEndpointsProtocol=https?;\s*AccountName=[a-z0-9]{3,24};\s*)"
                       R"(AccountKey=(?P<secret>[A-Za-z0-9+/]{86}==))",
                       {"AccountKey="}));
  // Values are further screened for placeholders (see secret.cc: LooksLikePlaceholder).
  rules.push_back(Make("generic-password", "Generic", "Password in a configuration assignment", "HIGH",
                       R"((?i)(?:^|[^0-9a-z_])(?P<key>[a-z0-9_.-]{0,30}(?:password|passwd|passphrase|pwd))["']?)"
                       R"([ \t]*(?::=|=>|=|:)[ \t]*["']?(?P<secret>[^\s"'`;,<>(){}\[\]]{6,128}))",
                       {"password", "passwd", "passphrase", "pwd"}));
  rules.push_back(Make("url-credentials", "Generic", "Credentials in a URL", "HIGH",
                       R"((?i)(?:^|[^a-z0-9+.-])[a-z][a-z0-9+.-]{1,15}://[^\s:/@"'<>]{1,64}:)"
                       R"((?P<secret>[^\s:/@"'<>]{3,128})@[a-z0-9.\[-])",
                       {"://"}));
  return rules;
}

AllowRule Allow(std::string id, std::string description, std::string path, std::string regex = "") {
  return AllowRule{std::move(id), std::move(description), std::move(regex), std::move(path)};
}

}  // namespace

const std::vector<Rule>& BuiltinRules() {
  static const std::vector<Rule> rules = MakeBuiltinRules();
  return rules;
}

// Trivy's built-in allow rules, all kept: the paths hold test fixtures, documentation and
// third-party code whose sample keys are not the image owner's secrets.
const std::vector<AllowRule>& BuiltinAllowRules() {
  static const std::vector<AllowRule> rules = {
      Allow("tests", "Avoid test files and paths", R"((?i)(?:^test|/test|-test|_test|\.test))"),
      Allow("examples", "Avoid example files and paths", "example", "(?i)example"),
      Allow("vendor", "Vendor dirs", "/vendor/"),
      Allow("usr-dirs", "System dirs", "^usr/(?:share|include|lib)/"),
      Allow("locale-dir", "Locales directory contains locales file", "/locales?/"),
      Allow("markdown", "Markdown files", R"(\.md$)"),
      Allow("node.js", "Node container images", R"(^opt/yarn-v[\d.]+/)"),
      Allow("golang", "Go container images", "^usr/local/go/"),
      Allow("python", "Python container images", R"(^usr/local/lib/python[\d.]+/)"),
      Allow("rubygems", "Ruby container images", "^usr/lib/gems/"),
      Allow("wordpress", "Wordpress container images", "^usr/src/wordpress/"),
      Allow("anaconda-log", "Anaconda CI Logs in container images", "^var/log/anaconda/"),
  };
  return rules;
}

}  // namespace hullscan::checks::secret
