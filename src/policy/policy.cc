#include "policy/policy.h"

#include <fmt/format.h>
#include <fnmatch.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <exception>
#include <nlohmann/json.hpp>
#include <tuple>

#include "base/strings.h"
#include "inventory/purl.h"
#include "io/reader.h"

namespace hullscan::policy {
namespace {

using vulndb::SeverityLevel;
using Json = nlohmann::json;

constexpr uint64_t kMaxIgnoreFileBytes = 16 << 20;
constexpr uint64_t kMaxVexFileBytes = 256 << 20;

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// "YYYY-MM-DD" with a real month and day. Lexicographic order is then date order.
bool IsDate(std::string_view d) {
  if (d.size() != 10 || d[4] != '-' || d[7] != '-') return false;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (!IsDigit(d[i])) return false;
  }
  int month = (d[5] - '0') * 10 + (d[6] - '0');
  int day = (d[8] - '0') * 10 + (d[9] - '0');
  return month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

// Accepts "YYYY-MM-DD" and RFC 3339 timestamps ("2024-01-01T00:00:00Z"), which Trivy's YAML allows.
std::optional<std::string> DateOf(std::string_view text) {
  text = TrimSpace(text);
  if (text.size() > 10 && (text[10] == 'T' || text[10] == 't' || text[10] == ' ')) text = text.substr(0, 10);
  if (!IsDate(text)) return std::nullopt;
  return std::string(text);
}

std::string TodayUtc() {
  std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&now, &tm);
  return fmt::format("{:04}-{:02}-{:02}", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

// ---- purls ----

struct PurlParts {
  std::string type, namespace_, name, version;
  std::map<std::string, std::string> qualifiers;
};

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string PercentDecode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      int hi = HexValue(s[i + 1]);
      int lo = HexValue(s[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
        continue;
      }
    }
    out.push_back(s[i]);
  }
  return out;
}

std::optional<PurlParts> ParsePurl(std::string_view purl) {
  if (!StartsWith(purl, "pkg:")) return std::nullopt;
  purl.remove_prefix(4);
  while (!purl.empty() && purl.front() == '/') purl.remove_prefix(1);
  if (size_t hash = purl.find('#'); hash != std::string_view::npos) purl = purl.substr(0, hash);
  PurlParts parts;
  if (size_t q = purl.find('?'); q != std::string_view::npos) {
    for (std::string_view kv : Split(purl.substr(q + 1), '&')) {
      size_t eq = kv.find('=');
      if (eq == std::string_view::npos) continue;
      parts.qualifiers[ToLower(kv.substr(0, eq))] = PercentDecode(kv.substr(eq + 1));
    }
    purl = purl.substr(0, q);
  }
  if (size_t at = purl.rfind('@'); at != std::string_view::npos) {
    parts.version = PercentDecode(purl.substr(at + 1));
    purl = purl.substr(0, at);
  }
  size_t slash = purl.find('/');
  if (slash == std::string_view::npos || slash == 0) return std::nullopt;
  parts.type = ToLower(purl.substr(0, slash));
  std::string_view rest = purl.substr(slash + 1);
  while (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);
  size_t last = rest.rfind('/');
  if (last != std::string_view::npos) {
    parts.namespace_ = PercentDecode(rest.substr(0, last));
    rest = rest.substr(last + 1);
  }
  parts.name = PercentDecode(rest);
  if (parts.name.empty()) return std::nullopt;
  return parts;
}

// The purl a finding's package is known by: the inventory's, else one made without the distro.
std::string PackagePurl(const inventory::Package& p) {
  return p.purl.empty() ? inventory::MakePurl(p, std::nullopt) : p.purl;
}

// The versions a product version may equal: the purl's, with an rpm "epoch" qualifier prefixed,
// and the package's own version string.
bool VersionEquals(const std::string& wanted, const PurlParts& package, const inventory::Package* p) {
  if (wanted == package.version) return true;
  if (auto epoch = package.qualifiers.find("epoch"); epoch != package.qualifiers.end()) {
    if (wanted == epoch->second + ":" + package.version) return true;
  }
  return p != nullptr && wanted == p->version;
}

bool PartsMatch(const PurlParts& product, const PurlParts& package, const inventory::Package* p) {
  if (product.type != package.type || product.namespace_ != package.namespace_) return false;
  // Distro VEX (Ubuntu, Debian) names source packages as "arch=source" products: those match the
  // binary packages built from that source, by source name and version.
  auto arch = product.qualifiers.find("arch");
  if (p != nullptr && arch != product.qualifiers.end() && arch->second == "source" && inventory::IsOsPackage(p->type)) {
    std::string source = p->source_name.empty() ? p->name : p->source_name;
    std::string source_version = p->source_version.empty() ? p->version : p->source_version;
    if (product.name != source) return false;
    return product.version.empty() || product.version == source_version;
  }
  if (product.name != package.name) return false;
  return product.version.empty() || VersionEquals(product.version, package, p);
}

bool PurlMatchesPackage(std::string_view product_purl, const inventory::Package& p) {
  auto product = ParsePurl(product_purl);
  auto package = ParsePurl(PackagePurl(p));
  return product && package && PartsMatch(*product, *package, &p);
}

// ---- ignore rules ----

bool IdMatches(const std::string& id, const match::Finding& f) {
  if (id == f.id) return true;
  return std::find(f.aliases.begin(), f.aliases.end(), id) != f.aliases.end();
}

// "pkg:npm/lodash" selects "pkg:npm/lodash@4.17.20" but not "pkg:npm/lodash-es@…".
bool PurlPrefixMatches(std::string_view prefix, std::string_view purl) {
  if (!StartsWith(purl, prefix)) return false;
  if (purl.size() == prefix.size()) return true;
  char next = purl[prefix.size()];
  return next == '@' || next == '?' || next == '#' || next == '/' || prefix.back() == '/';
}

bool RuleMatches(const IgnoreRule& rule, const match::Finding& f) {
  if (!IdMatches(rule.id, f)) return false;
  const inventory::Package& p = f.package;
  if (!rule.package.empty()) {
    if (StartsWith(rule.package, "pkg:")) {
      if (!PurlPrefixMatches(rule.package, PackagePurl(p))) return false;
    } else if (rule.package != p.name && rule.package != p.source_name) {
      return false;
    }
  }
  if (!rule.paths.empty()) {
    bool any = std::any_of(rule.paths.begin(), rule.paths.end(), [&](const std::string& glob) {
      std::string pattern = StartsWith(glob, "/") ? glob.substr(1) : glob;  // locations have no leading '/'
      return fnmatch(pattern.c_str(), p.location.path.c_str(), 0) == 0;
    });
    if (!any) return false;
  }
  if (!rule.purls.empty()) {
    bool any = std::any_of(rule.purls.begin(), rule.purls.end(),
                           [&](const std::string& purl) { return PurlMatchesPackage(purl, p); });
    if (!any) return false;
  }
  return true;
}

// ---- VEX ----

bool VexNamesFinding(const VexStatement& s, const match::Finding& f) {
  if (!s.vulnerability.empty() && IdMatches(s.vulnerability, f)) return true;
  return std::any_of(s.aliases.begin(), s.aliases.end(), [&](const std::string& a) { return IdMatches(a, f); });
}

bool IsImageProduct(const VexProduct& product, std::string_view artifact_purl) {
  if (!artifact_purl.empty()) {
    return (!product.purl.empty() && PurlMatches(product.purl, artifact_purl)) || product.id == artifact_purl;
  }
  return StartsWith(product.purl, "pkg:oci/");
}

bool VexProductMatches(const VexProduct& product, const match::Finding& f, std::string_view artifact_purl) {
  if (product.subcomponents.empty()) {
    return !product.purl.empty() && PurlMatchesPackage(product.purl, f.package);
  }
  // The product is the image; the subcomponents are the packages in it.
  if (!IsImageProduct(product, artifact_purl)) return false;
  return std::any_of(product.subcomponents.begin(), product.subcomponents.end(), [&](const VexProduct& sub) {
    return !sub.purl.empty() && PurlMatchesPackage(sub.purl, f.package);
  });
}

std::string JsonString(const Json& object, const char* key) {
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

VexProduct ParseProduct(const Json& j) {
  VexProduct product;
  if (j.is_string()) {
    product.id = j.get<std::string>();
  } else if (j.is_object()) {
    product.id = JsonString(j, "@id");
    if (auto ids = j.find("identifiers"); ids != j.end() && ids->is_object()) product.purl = JsonString(*ids, "purl");
    if (auto subs = j.find("subcomponents"); subs != j.end() && subs->is_array()) {
      for (const Json& sub : *subs) product.subcomponents.push_back(ParseProduct(sub));
    }
  }
  if (product.purl.empty() && StartsWith(product.id, "pkg:")) product.purl = product.id;
  return product;
}

Result<VexStatement> ParseStatement(const Json& j, size_t index) {
  std::string where = "statements[" + std::to_string(index) + "]";
  if (!j.is_object()) return Corrupt(where + ": not an object");
  VexStatement s;
  auto vuln = j.find("vulnerability");
  if (vuln == j.end()) return Corrupt(where + ": no vulnerability");
  if (vuln->is_string()) {
    s.vulnerability = vuln->get<std::string>();
  } else if (vuln->is_object()) {
    s.vulnerability = JsonString(*vuln, "name");
    if (std::string id = JsonString(*vuln, "@id"); !id.empty()) s.aliases.push_back(id);
    if (auto aliases = vuln->find("aliases"); aliases != vuln->end() && aliases->is_array()) {
      for (const Json& a : *aliases) {
        if (a.is_string()) s.aliases.push_back(a.get<std::string>());
      }
    }
  }
  if (s.vulnerability.empty() && s.aliases.empty()) return Corrupt(where + ": vulnerability has no name");
  s.status = JsonString(j, "status");
  if (s.status != "not_affected" && s.status != "affected" && s.status != "fixed" &&
      s.status != "under_investigation") {
    return Corrupt(where + ": unknown status " + QuoteForMessage(s.status));
  }
  s.justification = JsonString(j, "justification");
  s.impact_statement = JsonString(j, "impact_statement");
  if (auto products = j.find("products"); products != j.end() && products->is_array()) {
    for (const Json& p : *products) s.products.push_back(ParseProduct(p));
  }
  return s;
}

// ---- sorting ----

int SeverityRank(SeverityLevel level) { return static_cast<int>(level); }

auto PackageKey(const match::Finding& f) {
  return std::tie(f.package.name, f.package.version, f.package.type, f.package.arch, f.package.location);
}

bool BySeverity(const match::Finding& a, const match::Finding& b) {
  if (a.severity != b.severity) return SeverityRank(a.severity) > SeverityRank(b.severity);
  if (PackageKey(a) != PackageKey(b)) return PackageKey(a) < PackageKey(b);
  return a.id < b.id;
}

// ---- check findings ----

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && ToLower(a) == ToLower(b);
}

// "CFG-USER-ROOT" and "cfg-user-root"; a secret also by Trivy's rule id: "aws-access-key-id" names
// "SECRET-AWS-ACCESS-KEY-ID" (our secret ids are Trivy's, upper-cased and prefixed).
bool CheckIdMatches(std::string_view id, const checks::Finding& f) {
  if (EqualsIgnoreCase(id, f.id)) return true;
  constexpr std::string_view kSecretPrefix = "SECRET-";
  return f.kind == checks::Kind::kSecret && StartsWith(f.id, kSecretPrefix) &&
         EqualsIgnoreCase(id, std::string_view(f.id).substr(kSecretPrefix.size()));
}

bool GlobMatches(const std::string& glob, std::string_view path) {
  if (path.empty()) return false;
  std::string subject(path);
  if (fnmatch(glob.c_str(), subject.c_str(), 0) == 0) return true;
  // Image paths have no leading '/' and config targets may start with "./": compare both ways.
  std::string pattern = StartsWith(glob, "/") ? glob.substr(1) : StartsWith(glob, "./") ? glob.substr(2) : glob;
  if (StartsWith(subject, "./")) subject = subject.substr(2);
  if (StartsWith(subject, "/") && !StartsWith(pattern, "/")) subject = subject.substr(1);
  return fnmatch(pattern.c_str(), subject.c_str(), 0) == 0;
}

bool CheckRuleMatches(const IgnoreRule& rule, const checks::Finding& f) {
  bool secret = f.kind == checks::Kind::kSecret;
  if (rule.section == "misconfigurations" && secret) return false;
  if (rule.section == "secrets" && !secret) return false;
  if (!CheckIdMatches(rule.id, f)) return false;
  // Package selectors and purls name packages, which check findings are not about.
  if (!rule.package.empty() || !rule.purls.empty()) return false;
  if (!rule.paths.empty()) {
    return std::any_of(rule.paths.begin(), rule.paths.end(), [&](const std::string& glob) {
      return GlobMatches(glob, f.path) || GlobMatches(glob, f.target);
    });
  }
  return true;
}

// ---- gates ----

bool Gated(const Options& options, SeverityLevel severity) {
  return !options.fail_on || SeverityRank(severity) >= SeverityRank(*options.fail_on);
}

int GateExitCode(const Options& options, bool any_gated) {
  if (!any_gated) return 0;
  if (options.fail_on) return options.exit_code != 0 ? options.exit_code : 1;
  return options.exit_code;
}

}  // namespace

// ---- public ----

Result<IgnoreList> ParseIgnoreText(std::string_view text, std::string_view name) {
  IgnoreList list;
  size_t line_number = 0;
  for (std::string_view raw : Split(text, '\n')) {
    ++line_number;
    std::string where = std::string(name) + ":" + std::to_string(line_number);
    std::string_view line = raw;
    std::string comment;
    if (size_t hash = line.find('#'); hash != std::string_view::npos) {
      comment = std::string(TrimSpace(line.substr(hash + 1)));
      line = line.substr(0, hash);
    }
    line = TrimSpace(line);
    if (line.empty()) continue;
    IgnoreRule rule;
    rule.origin = where;
    rule.statement = comment;
    size_t field_index = 0;
    for (std::string_view field : Split(line, ' ')) {
      field = TrimSpace(field);  // tabs
      if (field.empty()) continue;
      // A tab between fields: split on it as well.
      std::vector<std::string_view> parts = Split(field, '\t');
      for (std::string_view part : parts) {
        if (part.empty()) continue;
        if (field_index++ == 0) {
          if (StartsWith(part, "exp:")) return InvalidArgument(where + ": the line starts with exp: but needs an id first");
          rule.id = std::string(part);
        } else if (StartsWith(part, "exp:")) {
          auto date = DateOf(part.substr(4));
          if (!date || part.size() != 14) {
            return InvalidArgument(where + ": bad expiry date " + QuoteForMessage(part) + " (want exp:YYYY-MM-DD)");
          }
          if (!rule.expires.empty()) return InvalidArgument(where + ": two expiry dates");
          rule.expires = *date;
        } else {
          if (!rule.package.empty()) {
            return InvalidArgument(where + ": more than one package selector (" + QuoteForMessage(rule.package) +
                                   ", " + QuoteForMessage(part) + ")");
          }
          rule.package = std::string(part);
        }
      }
    }
    list.rules.push_back(std::move(rule));
  }
  return list;
}

Result<IgnoreList> ParseIgnoreYaml(std::string_view text, std::string_view name) {
  IgnoreList list;
  try {
    YAML::Node root = YAML::Load(std::string(text));
    if (!root || root.IsNull()) return list;
    if (!root.IsMap()) return InvalidArgument(std::string(name) + ": not a YAML mapping");
    auto strings = [](const YAML::Node& node, const std::string& where, const char* key,
                      std::vector<std::string>& out) -> Status {
      YAML::Node v = node[key];
      if (!v || v.IsNull()) return OkStatus();
      if (!v.IsSequence()) return InvalidArgument(where + ": " + key + " is not a list");
      for (const YAML::Node& item : v) {
        if (!item.IsScalar()) return InvalidArgument(where + ": " + key + " has a non-string entry");
        out.push_back(item.as<std::string>());
      }
      return OkStatus();
    };
    // Trivy's sections; `licenses:` (license findings) is not ours to apply and is skipped.
    for (const char* section : {"vulnerabilities", "misconfigurations", "secrets"}) {
      YAML::Node entries = root[section];
      if (!entries || entries.IsNull()) continue;
      if (!entries.IsSequence()) return InvalidArgument(std::string(name) + ": " + section + " is not a list");
      for (size_t i = 0; i < entries.size(); ++i) {
        const YAML::Node entry = entries[i];
        std::string where = std::string(name) + ": " + section + "[" + std::to_string(i) + "]";
        if (entry.Mark().line >= 0) where += " (line " + std::to_string(entry.Mark().line + 1) + ")";
        if (!entry.IsMap()) return InvalidArgument(where + ": not a mapping");
        IgnoreRule rule;
        rule.origin = where;
        if (!entry["id"] || !entry["id"].IsScalar() || entry["id"].as<std::string>().empty()) {
          return InvalidArgument(where + ": no id");
        }
        rule.id = entry["id"].as<std::string>();
        HS_TRY(strings(entry, where, "paths", rule.paths));
        HS_TRY(strings(entry, where, "purls", rule.purls));
        if (YAML::Node exp = entry["expired_at"]; exp && !exp.IsNull()) {
          auto date = exp.IsScalar() ? DateOf(exp.as<std::string>()) : std::nullopt;
          if (!date) return InvalidArgument(where + ": bad expired_at (want YYYY-MM-DD)");
          rule.expires = *date;
        }
        if (YAML::Node st = entry["statement"]; st && st.IsScalar()) rule.statement = st.as<std::string>();
        rule.section = section;
        list.rules.push_back(std::move(rule));
      }
    }
  } catch (const std::exception& e) {
    return InvalidArgument(std::string(name) + ": " + e.what());
  }
  return list;
}

Result<IgnoreList> ParseIgnoreFile(std::string_view text, std::string_view name) {
  if (EndsWith(name, ".yaml") || EndsWith(name, ".yml")) return ParseIgnoreYaml(text, name);
  return ParseIgnoreText(text, name);
}

Result<IgnoreList> LoadIgnoreFile(const std::filesystem::path& path) {
  HS_ASSIGN_OR_RETURN(std::string text, io::ReadFile(path, kMaxIgnoreFileBytes));
  return ParseIgnoreFile(text, path.string());
}

Result<VexDocument> ParseVex(std::string_view text, std::string_view name) {
  Json j = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return Corrupt(std::string(name) + ": not JSON");
  if (!j.is_object()) return Corrupt(std::string(name) + ": not a JSON object");
  std::string context = JsonString(j, "@context");
  if (!StartsWith(context, "https://openvex.dev/ns")) {
    return Unsupported(std::string(name) + ": not an OpenVEX document (@context " + QuoteForMessage(context) + ")");
  }
  VexDocument doc;
  doc.id = JsonString(j, "@id");
  doc.author = JsonString(j, "author");
  doc.origin = std::string(name);
  auto statements = j.find("statements");
  if (statements == j.end() || !statements->is_array()) return Corrupt(std::string(name) + ": no statements");
  for (size_t i = 0; i < statements->size(); ++i) {
    auto statement = ParseStatement((*statements)[i], i);
    if (!statement) return std::move(statement).error().AddContext(name);
    doc.statements.push_back(std::move(statement).value());
  }
  return doc;
}

Result<VexDocument> LoadVexFile(const std::filesystem::path& path) {
  HS_ASSIGN_OR_RETURN(std::string text, io::ReadFile(path, kMaxVexFileBytes));
  return ParseVex(text, path.string());
}

bool PurlMatches(std::string_view product_purl, std::string_view package_purl) {
  auto product = ParsePurl(product_purl);
  auto package = ParsePurl(package_purl);
  return product && package && PartsMatch(*product, *package, nullptr);
}

Result<SortBy> ParseSortBy(std::string_view name) {
  for (SortBy s : {SortBy::kSeverity, SortBy::kEpss, SortBy::kKev, SortBy::kId, SortBy::kPackage}) {
    if (SortByName(s) == name) return s;
  }
  return InvalidArgument("unknown sort order " + QuoteForMessage(name) + " (known: severity, epss, kev, id, package)");
}

std::string_view SortByName(SortBy sort_by) {
  switch (sort_by) {
    case SortBy::kSeverity:
      return "severity";
    case SortBy::kEpss:
      return "epss";
    case SortBy::kKev:
      return "kev";
    case SortBy::kId:
      return "id";
    case SortBy::kPackage:
      return "package";
  }
  return "severity";
}

Result<Evaluated> Apply(const Options& options, std::vector<match::Finding> findings) {
  std::string today = options.today.empty() ? TodayUtc() : options.today;
  if (!IsDate(today)) return InvalidArgument("policy: today " + QuoteForMessage(today) + " is not YYYY-MM-DD");

  Evaluated result;
  std::vector<const IgnoreRule*> active;
  for (const IgnoreRule& rule : options.ignores.rules) {
    if (!rule.section.empty() && rule.section != "vulnerabilities") continue;
    if (!rule.expires.empty() && today >= rule.expires) {
      result.expired_rules.push_back(rule);
    } else {
      active.push_back(&rule);
    }
  }

  for (match::Finding& f : findings) {
    bool shown = options.severities.empty() || options.severities.count(f.severity) != 0;
    bool fixed = f.status == vulndb::FixState::kFixed && !f.fixed_versions.empty();
    if (options.ignore_unfixed && !fixed) shown = false;
    std::string_view status = vulndb::FixStateName(f.status);
    if (std::find(options.ignore_statuses.begin(), options.ignore_statuses.end(), status) !=
        options.ignore_statuses.end()) {
      shown = false;
    }
    if (!shown) {
      ++result.summary.filtered_out;
      continue;
    }
    if (!f.suppressed) {
      for (const IgnoreRule* rule : active) {
        if (RuleMatches(*rule, f)) {
          f.suppressed = match::Suppression{"ignore", "ignored", rule->statement, rule->origin};
          break;
        }
      }
    }
    // VEX: not_affected and fixed hide a finding; affected and under_investigation confirm it.
    for (const VexDocument& doc : options.vex) {
      if (f.suppressed) break;
      for (const VexStatement& s : doc.statements) {
        if (s.status != "not_affected" && s.status != "fixed") continue;
        if (!VexNamesFinding(s, f)) continue;
        bool product = std::any_of(s.products.begin(), s.products.end(), [&](const VexProduct& p) {
          return VexProductMatches(p, f, options.artifact_purl);
        });
        if (!product) continue;
        std::string statement = s.impact_statement.empty() ? doc.origin : s.impact_statement;
        f.suppressed = match::Suppression{"vex", s.status, s.justification, statement};
        break;
      }
    }
    result.findings.push_back(std::move(f));
  }

  auto& list = result.findings;
  switch (options.sort_by) {
    case SortBy::kSeverity:
      std::stable_sort(list.begin(), list.end(), BySeverity);
      break;
    case SortBy::kEpss:
      std::stable_sort(list.begin(), list.end(), [](const match::Finding& a, const match::Finding& b) {
        if (a.epss_score != b.epss_score) return a.epss_score > b.epss_score;
        return BySeverity(a, b);
      });
      break;
    case SortBy::kKev:
      std::stable_sort(list.begin(), list.end(), [](const match::Finding& a, const match::Finding& b) {
        if (a.kev != b.kev) return a.kev;
        return BySeverity(a, b);
      });
      break;
    case SortBy::kId:
      std::stable_sort(list.begin(), list.end(), [](const match::Finding& a, const match::Finding& b) {
        if (a.id != b.id) return a.id < b.id;
        return PackageKey(a) < PackageKey(b);
      });
      break;
    case SortBy::kPackage:
      std::stable_sort(list.begin(), list.end(), [](const match::Finding& a, const match::Finding& b) {
        if (PackageKey(a) != PackageKey(b)) return PackageKey(a) < PackageKey(b);
        if (a.severity != b.severity) return SeverityRank(a.severity) > SeverityRank(b.severity);
        return a.id < b.id;
      });
      break;
  }

  Summary& summary = result.summary;
  for (SeverityLevel level : {SeverityLevel::kUnknown, SeverityLevel::kNegligible, SeverityLevel::kLow,
                              SeverityLevel::kMedium, SeverityLevel::kHigh, SeverityLevel::kCritical}) {
    summary.by_severity[level] = 0;
  }
  bool any_gated = false;
  for (const match::Finding& f : list) {
    if (f.suppressed) {
      ++summary.suppressed;
      (f.suppressed->kind == "vex" ? summary.suppressed_by_vex : summary.suppressed_by_ignore)++;
      continue;
    }
    ++summary.total;
    ++summary.by_severity[f.severity];
    any_gated = any_gated || Gated(options, f.severity);
  }
  result.exit_code = GateExitCode(options, any_gated);
  return result;
}

Result<CheckEvaluation> ApplyChecks(const Options& options, std::vector<checks::Finding> findings) {
  std::string today = options.today.empty() ? TodayUtc() : options.today;
  if (!IsDate(today)) return InvalidArgument("policy: today " + QuoteForMessage(today) + " is not YYYY-MM-DD");

  CheckEvaluation result;
  std::vector<const IgnoreRule*> active;
  for (const IgnoreRule& rule : options.ignores.rules) {
    if (rule.section == "vulnerabilities") continue;
    if (!rule.expires.empty() && today >= rule.expires) {
      result.expired_rules.push_back(rule);
    } else {
      active.push_back(&rule);
    }
  }
  for (checks::Finding& f : findings) {
    if (!options.severities.empty() && options.severities.count(f.severity) == 0) {
      ++result.summary.filtered_out;
      continue;
    }
    if (!f.suppressed_by) {
      for (const IgnoreRule* rule : active) {
        if (CheckRuleMatches(*rule, f)) {
          f.suppressed_by = rule->origin;
          break;
        }
      }
    }
    result.findings.push_back(std::move(f));
  }
  checks::SortFindings(result.findings);

  Summary& summary = result.summary;
  for (SeverityLevel level : {SeverityLevel::kUnknown, SeverityLevel::kNegligible, SeverityLevel::kLow,
                              SeverityLevel::kMedium, SeverityLevel::kHigh, SeverityLevel::kCritical}) {
    summary.by_severity[level] = 0;
  }
  bool any_gated = false;
  for (const checks::Finding& f : result.findings) {
    if (f.suppressed_by) {
      ++summary.suppressed;
      ++summary.suppressed_by_ignore;
      continue;
    }
    ++summary.total;
    ++summary.by_severity[f.severity];
    any_gated = any_gated || Gated(options, f.severity);
  }
  result.exit_code = GateExitCode(options, any_gated);
  return result;
}

Result<std::vector<IgnoreRule>> ExpiredRules(const Options& options) {
  std::string today = options.today.empty() ? TodayUtc() : options.today;
  if (!IsDate(today)) return InvalidArgument("policy: today " + QuoteForMessage(today) + " is not YYYY-MM-DD");
  std::vector<IgnoreRule> expired;
  for (const IgnoreRule& rule : options.ignores.rules) {
    if (!rule.expires.empty() && today >= rule.expires) expired.push_back(rule);
  }
  return expired;
}

int CombineExitCodes(std::initializer_list<int> codes) {
  for (int code : codes) {
    if (code != 0) return code;
  }
  return 0;
}

}  // namespace hullscan::policy
