// Red Hat CSAF VEX (security.access.redhat.com/data/csaf/v2/vex/YYYY/cve-….json): one document per
// CVE.
//
// The product tree names platforms (product_name with a CPE, e.g. "AppStream-9.3.0.Z.MAIN" →
// cpe:/a:redhat:enterprise_linux:9::appstream) and components (product_version with a purl, e.g.
// pkg:rpm/redhat/curl@7.76.1-26.el9_3.2?arch=src); relationships join them into the product ids
// that product_status, remediations and threats list ("AppStream-9.3.0.Z.MAIN:curl-0:7.76.1-…src").
//
// Mapping (what Grype's vunnel and Trivy do for RHEL, with the differences noted):
// - Only platforms whose CPE is cpe:/{o,a}:redhat:enterprise_linux:<N>[…] count; they give the
//   namespace "redhat:<N>". Layered products (Satellite, JBoss Core Services, …) and the
//   EUS/AUS/E4S/TUS streams (rhel_eus:9.0, …) are skipped: an image's os-release cannot tell them
//   from the main stream. (Trivy keeps EUS streams under their own CPEs.)
// - Package: the rpm name from the component's purl (binary and source names alike, since the
//   matcher may look either up); -debuginfo/-debugsource packages are skipped.
// - State: fixed → kFixed at the purl's [epoch:]version-release, record = the RHSA of the vendor_fix
//   remediation; known_not_affected → kNotAffected; under_investigation → kAffected (note
//   "Under investigation"); known_affected → by the remediation's details: "Will not fix" →
//   kWillNotFix, "Fix deferred" → kDeferred, "Out of support scope" → kEndOfLife (Trivy's
//   mapping), "Affected"/none_available → kAffected; no_fix_planned with other details →
//   kWillNotFix.
// - Several products of one namespace (7Client, 7Server, …; 9.2 and 9.3 streams) merge per package:
//   a fix wins and the highest fixed version is kept (a 9.2 stream's older build would otherwise
//   make a 9.3 image look fixed); otherwise the least favourable state wins.
// - Modules: a component in a module stream (product ids "…::…" or a purl with rpmmod=) gets the
//   module in AffectedPackage.note.
// - Severity: threats[impact] (Low/Moderate/Important/Critical) with the CVSS v3 score, source
//   "redhat".
#include <algorithm>
#include <cctype>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/strings.h"
#include "version/scheme.h"
#include "vulndb/import.h"

namespace hullscan::vulndb {
namespace {

using Json = nlohmann::json;

std::string Str(const Json& obj, const char* key) {
  if (!obj.is_object()) return {};
  auto it = obj.find(key);
  return it != obj.end() && it->is_string() ? it->get<std::string>() : std::string();
}

const Json* Member(const Json& obj, const char* key) {
  if (!obj.is_object()) return nullptr;
  auto it = obj.find(key);
  return it == obj.end() ? nullptr : &*it;
}

std::vector<std::string> StringList(const Json* list) {
  std::vector<std::string> out;
  if (list == nullptr || !list->is_array()) return out;
  for (const Json& v : *list) {
    if (v.is_string()) out.push_back(v.get<std::string>());
  }
  return out;
}

// Percent-decoding for purl components (versions may contain %2B for '+').
std::string PercentDecode(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      out.push_back(static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16)));
      i += 2;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

struct RpmPurl {
  std::string name;
  std::string version;  // [epoch:]version-release; empty for a versionless component
  std::string arch;
  std::string module;  // rpmmod qualifier
};

// pkg:rpm/redhat/curl@7.76.1-26.el9_3.2?arch=src&epoch=1
std::optional<RpmPurl> ParseRpmPurl(std::string_view purl) {
  if (!StartsWith(purl, "pkg:rpm/")) return std::nullopt;
  std::string_view rest = purl.substr(8);
  std::string_view qualifiers;
  if (size_t q = rest.find('?'); q != std::string_view::npos) {
    qualifiers = rest.substr(q + 1);
    rest = rest.substr(0, q);
  }
  if (size_t h = rest.find('#'); h != std::string_view::npos) rest = rest.substr(0, h);
  size_t slash = rest.rfind('/');
  std::string_view name_version = slash == std::string_view::npos ? rest : rest.substr(slash + 1);
  RpmPurl out;
  std::string version;
  if (size_t at = name_version.find('@'); at != std::string_view::npos) {
    out.name = PercentDecode(name_version.substr(0, at));
    version = PercentDecode(name_version.substr(at + 1));
  } else {
    out.name = PercentDecode(name_version);
  }
  std::string epoch;
  for (std::string_view kv : Split(qualifiers, '&')) {
    size_t eq = kv.find('=');
    if (eq == std::string_view::npos) continue;
    std::string_view key = kv.substr(0, eq);
    std::string value = PercentDecode(kv.substr(eq + 1));
    if (key == "arch") out.arch = value;
    if (key == "epoch") epoch = value;
    if (key == "rpmmod") out.module = value;
  }
  if (out.name.empty()) return std::nullopt;
  if (!version.empty()) out.version = (epoch.empty() || epoch == "0") ? version : epoch + ":" + version;
  return out;
}

// cpe:/o:redhat:enterprise_linux:9::baseos → "redhat:9"; empty for other products.
std::string NamespaceFromCpe(std::string_view cpe) {
  std::string_view rest;
  if (StartsWith(cpe, "cpe:/o:redhat:enterprise_linux:")) rest = cpe.substr(31);
  else if (StartsWith(cpe, "cpe:/a:redhat:enterprise_linux:")) rest = cpe.substr(31);
  else return {};
  size_t end = 0;
  while (end < rest.size() && rest[end] >= '0' && rest[end] <= '9') ++end;
  if (end == 0) return {};
  return "redhat:" + std::string(rest.substr(0, end));
}

struct Tree {
  std::map<std::string, std::string> platform_cpe;  // product id → CPE
  std::map<std::string, std::string> component_purl;  // product id → purl
  // full product id → (component ref, platform ref)
  std::map<std::string, std::pair<std::string, std::string>> relationships;
};

void WalkBranches(const Json& branches, Tree& tree, int depth) {
  if (!branches.is_array() || depth > 32) return;
  for (const Json& b : branches) {
    if (!b.is_object()) continue;
    if (const Json* p = Member(b, "product")) {
      std::string id = Str(*p, "product_id");
      const Json* helper = Member(*p, "product_identification_helper");
      if (!id.empty() && helper != nullptr) {
        std::string cpe = Str(*helper, "cpe");
        std::string purl = Str(*helper, "purl");
        if (!cpe.empty()) tree.platform_cpe[id] = cpe;
        if (!purl.empty()) tree.component_purl[id] = purl;
      }
    }
    if (const Json* sub = Member(b, "branches")) WalkBranches(*sub, tree, depth + 1);
  }
}

// Least favourable first: the state kept when products of one namespace disagree and none is fixed.
int StateRank(FixState s) {
  switch (s) {
    case FixState::kAffected: return 0;
    case FixState::kDeferred: return 1;
    case FixState::kWillNotFix: return 2;
    case FixState::kEndOfLife: return 3;
    case FixState::kNotAffected: return 4;
    case FixState::kFixed: return 5;
  }
  return 5;
}

struct Remediation {
  std::string category;
  std::string details;
  std::string url;
};

void AppendModule(std::string& note, std::string_view module) {
  if (!note.empty()) note += "; ";
  note += "module ";
  note += module;
}

std::string RhsaFromUrl(std::string_view url) {
  size_t at = url.find("RHSA-");
  if (at == std::string_view::npos) at = url.find("RHBA-");
  if (at == std::string_view::npos) at = url.find("RHEA-");
  if (at == std::string_view::npos) return {};
  std::string_view id = url.substr(at);
  size_t end = id.find_first_of("/?#");
  return std::string(id.substr(0, end));
}

}  // namespace

Result<FeedFile> ImportRedhatCsafVex(std::string_view path, std::string_view content, Sink& sink) {
  FeedFile feed;
  feed.path = std::string(path);
  feed.format = std::string(kFormatRedhatCsafVex);
  auto diagnose = [&](std::string_view message) {
    ++feed.diagnostics;
    sink.Diagnose(path, message);
  };
  Json root = Json::parse(content.begin(), content.end(), nullptr, false);
  if (root.is_discarded() || !root.is_object()) {
    diagnose("not a CSAF JSON object (truncated or malformed JSON)");
    return feed;
  }
  const Json* document = Member(root, "document");
  const Json* tracking = document ? Member(*document, "tracking") : nullptr;
  std::string doc_id = tracking ? Str(*tracking, "id") : std::string();
  std::string modified = tracking ? Str(*tracking, "current_release_date") : std::string();

  Tree tree;
  if (const Json* pt = Member(root, "product_tree")) {
    if (const Json* branches = Member(*pt, "branches")) WalkBranches(*branches, tree, 0);
    if (const Json* rels = Member(*pt, "relationships"); rels && rels->is_array()) {
      for (const Json& r : *rels) {
        const Json* full = Member(r, "full_product_name");
        std::string id = full ? Str(*full, "product_id") : std::string();
        std::string component = Str(r, "product_reference");
        std::string platform = Str(r, "relates_to_product_reference");
        if (id.empty() || component.empty() || platform.empty()) {
          diagnose("relationship without product ids");
          continue;
        }
        tree.relationships[id] = {component, platform};
      }
    }
  } else {
    diagnose("no product_tree");
  }

  const Json* vulns = Member(root, "vulnerabilities");
  if (vulns == nullptr || !vulns->is_array() || vulns->empty()) {
    diagnose("no vulnerabilities");
    return feed;
  }
  const version::Scheme* rpm = version::FindScheme("rpm");

  for (size_t vi = 0; vi < vulns->size(); ++vi) {
    const Json& v = (*vulns)[vi];
    if (!v.is_object()) {
      diagnose("vulnerabilities[" + std::to_string(vi) + "]: not an object");
      continue;
    }
    Advisory adv;
    adv.id = Str(v, "cve");
    if (adv.id.empty()) adv.id = doc_id;
    if (adv.id.empty()) {
      diagnose("vulnerabilities[" + std::to_string(vi) + "]: no CVE id");
      continue;
    }
    adv.source = "redhat";
    adv.summary = Str(v, "title");
    adv.published = Str(v, "release_date");
    adv.modified = modified;
    if (const Json* notes = Member(v, "notes"); notes && notes->is_array()) {
      for (const Json& n : *notes) {
        if (Str(n, "category") == "description") {
          adv.details = Str(n, "text");
          break;
        }
      }
    }
    if (const Json* refs = Member(v, "references"); refs && refs->is_array()) {
      for (const Json& r : *refs) {
        std::string url = Str(r, "url");
        if (url.empty()) continue;
        if (Str(r, "category") == "self") adv.references.insert(adv.references.begin(), url);
        else adv.references.push_back(url);
      }
    }
    // Severity: the impact rating, with the CVSS v3 vector when there is one.
    Severity severity;
    severity.source = "redhat";
    if (const Json* threats = Member(v, "threats"); threats && threats->is_array()) {
      for (const Json& t : *threats) {
        if (Str(t, "category") == "impact") {
          severity.level = ParseSeverity(Str(t, "details"));
          break;
        }
      }
    }
    if (const Json* scores = Member(v, "scores"); scores && scores->is_array()) {
      for (const Json& s : *scores) {
        const Json* cvss = Member(s, "cvss_v3");
        if (cvss == nullptr) continue;
        severity.cvss_vector = Str(*cvss, "vectorString");
        severity.cvss_version = Str(*cvss, "version");
        if (const Json* score = Member(*cvss, "baseScore"); score && score->is_number()) {
          severity.cvss_score = score->get<double>();
        }
        break;
      }
    }
    if (severity.level != SeverityLevel::kUnknown || !severity.cvss_vector.empty()) {
      adv.severities.push_back(std::move(severity));
    }

    std::map<std::string, Remediation> remediation;  // product id → its remediation (fix first)
    if (const Json* rems = Member(v, "remediations"); rems && rems->is_array()) {
      for (const Json& r : *rems) {
        Remediation rem{Str(r, "category"), Str(r, "details"), Str(r, "url")};
        if (rem.category == "workaround" || rem.category == "mitigation") continue;
        std::string rhsa = RhsaFromUrl(rem.url);
        if (!rhsa.empty()) adv.aliases.push_back(rhsa);
        for (const std::string& id : StringList(Member(r, "product_ids"))) {
          auto [it, inserted] = remediation.emplace(id, rem);
          if (!inserted && rem.category == "vendor_fix") it->second = rem;
        }
      }
    }

    // (namespace, package, module) → affected entry being merged.
    std::map<std::tuple<std::string, std::string, std::string>, AffectedPackage> merged;
    auto add_product = [&](const std::string& product_id, std::string_view status) {
      auto rel = tree.relationships.find(product_id);
      if (rel == tree.relationships.end()) {
        return;  // a platform-only id ("Text-Only JBCS") or an unknown id
      }
      std::string component = rel->second.first;
      const std::string& platform = rel->second.second;
      auto cpe = tree.platform_cpe.find(platform);
      std::string ns = cpe == tree.platform_cpe.end() ? std::string() : NamespaceFromCpe(cpe->second);
      if (ns.empty()) return;  // not a RHEL platform (see the header)
      std::string module;
      if (size_t sep = component.find("::"); sep != std::string::npos) {
        module = component.substr(0, sep);
        component = component.substr(sep + 2);
      }
      auto purl_it = tree.component_purl.find(component);
      std::optional<RpmPurl> purl;
      if (purl_it != tree.component_purl.end()) purl = ParseRpmPurl(purl_it->second);
      if (!purl) {
        return;  // container images (pkg:oci), or no purl at all
      }
      if (module.empty()) module = purl->module;
      if (EndsWith(purl->name, "-debuginfo") || EndsWith(purl->name, "-debugsource")) return;

      AffectedPackage a;
      a.ecosystem = ns;
      a.package = NormalizePackageName(ns, purl->name);
      a.scheme = "rpm";
      if (status == "fixed") {
        if (purl->version.empty() || (rpm != nullptr && !rpm->Validate(purl->version).ok())) {
          diagnose(adv.id + ": fixed product " + QuoteForMessage(product_id) + " has no usable version");
          return;
        }
        a.state = FixState::kFixed;
        a.fixed_versions.push_back(purl->version);
        auto rem = remediation.find(product_id);
        if (rem != remediation.end()) a.record = RhsaFromUrl(rem->second.url);
      } else if (status == "known_not_affected") {
        a.state = FixState::kNotAffected;
      } else if (status == "under_investigation") {
        a.state = FixState::kAffected;
        a.note = "Under investigation";
      } else {  // known_affected
        a.state = FixState::kAffected;
        auto rem = remediation.find(product_id);
        if (rem != remediation.end()) {
          const std::string& details = rem->second.details;
          if (details == "Will not fix") a.state = FixState::kWillNotFix;
          else if (details == "Fix deferred") a.state = FixState::kDeferred;
          else if (details == "Out of support scope") a.state = FixState::kEndOfLife;
          else if (details == "Affected") a.state = FixState::kAffected;
          else if (rem->second.category == "no_fix_planned") a.state = FixState::kWillNotFix;
          a.note = details;
        } else {
          a.note = "Affected";
        }
      }
      if (a.record.empty()) a.record = "redhat " + adv.id;
      if (!module.empty()) AppendModule(a.note, module);

      auto key = std::make_tuple(a.ecosystem, a.package, module);
      auto [it, inserted] = merged.emplace(key, a);
      if (inserted) return;
      AffectedPackage& cur = it->second;
      if (a.state == FixState::kFixed) {
        if (cur.state != FixState::kFixed) {
          cur = a;
        } else if (rpm != nullptr) {
          auto cmp = rpm->Compare(a.fixed_versions.front(), cur.fixed_versions.front());
          if (cmp.ok() && *cmp > 0) cur = a;
        }
      } else if (cur.state != FixState::kFixed && StateRank(a.state) < StateRank(cur.state)) {
        cur = a;
      }
    };
    if (const Json* ps = Member(v, "product_status"); ps && ps->is_object()) {
      for (const char* status : {"fixed", "known_affected", "known_not_affected", "under_investigation"}) {
        for (const std::string& id : StringList(Member(*ps, status))) add_product(id, status);
      }
    } else {
      diagnose(adv.id + ": no product_status");
    }
    for (auto& [key, a] : merged) {
      if (a.state == FixState::kFixed) {
        version::osv::Range range;
        range.type = version::osv::RangeType::kEcosystem;
        range.events.push_back({version::osv::Event::Kind::kIntroduced, "0"});
        range.events.push_back({version::osv::Event::Kind::kFixed, a.fixed_versions.front()});
        a.affected.ranges.push_back(std::move(range));
      }
      adv.affected.push_back(std::move(a));
    }
    std::sort(adv.aliases.begin(), adv.aliases.end());
    adv.aliases.erase(std::unique(adv.aliases.begin(), adv.aliases.end()), adv.aliases.end());
    ++feed.records;
    HS_TRY(sink.AddAdvisory(std::move(adv)));
  }
  return feed;
}

}  // namespace hullscan::vulndb
