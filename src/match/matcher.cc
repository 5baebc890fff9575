#include "match/matcher.h"

#include <algorithm>
#include <map>
#include <numeric>
#include <set>

#include "base/strings.h"
#include "version/osv_range.h"
#include "version/scheme.h"

namespace hullscan::match {
namespace {

using inventory::Package;
using inventory::PackageType;
using vulndb::Advisory;
using vulndb::AffectedPackage;
using vulndb::FixState;
using vulndb::SeverityLevel;

std::string MajorOf(std::string_view version) { return std::string(version.substr(0, version.find('.'))); }

std::string MajorMinorOf(std::string_view version) {
  size_t dot = version.find('.');
  if (dot == std::string_view::npos) return std::string(version);
  size_t dot2 = version.find('.', dot + 1);
  return std::string(version.substr(0, dot2));
}

// Debian releases by codename, for images whose os-release has no VERSION_ID (testing, sid).
std::string DebianNumberOf(std::string_view codename) {
  static const std::map<std::string, std::string, std::less<>> kReleases = {
      {"wheezy", "7"}, {"jessie", "8"}, {"stretch", "9"}, {"buster", "10"}, {"bullseye", "11"},
      {"bookworm", "12"}, {"trixie", "13"}, {"forky", "14"}, {"duke", "15"}, {"sid", "unstable"}};
  auto it = kReleases.find(codename);
  return it == kReleases.end() ? std::string() : it->second;
}

// The lookup-table row of a language package type: its DB namespace.
struct LanguageRow {
  PackageType type;
  std::string_view ecosystem;
};
// Adding a language ecosystem adds a row here (and its analyzer); see docs/adding-an-ecosystem.md.
constexpr LanguageRow kLanguageRows[] = {
    {PackageType::kPypi, "pypi"},       {PackageType::kNpm, "npm"},       {PackageType::kGolang, "go"},
    {PackageType::kMaven, "maven"},     {PackageType::kGem, "rubygems"},  {PackageType::kCargo, "crates.io"},
    {PackageType::kComposer, "packagist"}, {PackageType::kNuget, "nuget"},
};

// "openssl-3.0.7-6.el9.src.rpm" → "openssl".
std::string SourceRpmName(std::string_view source_rpm) {
  std::string_view s = source_rpm;
  for (std::string_view suffix : {".src.rpm", ".nosrc.rpm"})
    if (EndsWith(s, suffix)) s.remove_suffix(suffix.size());
  // name-version-release: drop the last two '-' fields.
  for (int i = 0; i < 2; ++i) {
    size_t dash = s.rfind('-');
    if (dash == std::string_view::npos) return {};
    s = s.substr(0, dash);
  }
  return std::string(s);
}

// Readable text of the range that matched, for the evidence: ">=0, <1.2.3", "all versions".
std::string RangeText(const AffectedPackage& a) {
  std::vector<std::string> parts;
  for (const auto& r : a.affected.ranges) {
    std::string text;
    for (const auto& e : r.events) {
      if (!text.empty()) text += ", ";
      switch (e.kind) {
        case version::osv::Event::Kind::kIntroduced: text += ">=" + e.version; break;
        case version::osv::Event::Kind::kFixed: text += "<" + e.version; break;
        case version::osv::Event::Kind::kLastAffected: text += "<=" + e.version; break;
        case version::osv::Event::Kind::kLimit: text += "limit " + e.version; break;
      }
    }
    if (!text.empty()) parts.push_back(text);
  }
  if (!a.affected.versions.empty()) parts.push_back(std::to_string(a.affected.versions.size()) + " listed versions");
  if (parts.empty()) return "all versions";
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : " | ") + p;
  return out;
}

// Which states still make a finding, in the order a merged finding takes its status from.
int StatePriority(FixState s) {
  switch (s) {
    case FixState::kFixed: return 0;
    case FixState::kAffected: return 1;
    case FixState::kWillNotFix: return 2;
    case FixState::kDeferred: return 3;
    case FixState::kEndOfLife: return 4;
    case FixState::kNotAffected: return 5;
  }
  return 5;
}

// One affected entry that matched one package.
struct Hit {
  const Advisory* advisory;
  const AffectedPackage* affected;
  const Lookup* lookup;
};

bool IsCve(std::string_view id) { return StartsWith(id, "CVE-"); }

// The id a finding reports: the CVE when there is one, then GHSA, then the feed's own.
std::string PreferredId(const std::set<std::string>& ids) {
  for (const auto& id : ids)
    if (IsCve(id)) return id;
  for (const auto& id : ids)
    if (StartsWith(id, "GHSA-")) return id;
  return ids.empty() ? std::string() : *ids.begin();
}

std::string VendorUrl(std::string_view source, std::string_view id, std::string_view cve) {
  std::string c = cve.empty() ? std::string(id) : std::string(cve);
  if (source == "debian") return "https://security-tracker.debian.org/tracker/" + c;
  if (source == "ubuntu") return "https://ubuntu.com/security/" + c;
  if (source == "redhat") return "https://access.redhat.com/security/cve/" + c;
  if (source == "go") return "https://pkg.go.dev/vuln/" + std::string(id);
  if (source == "ghsa") return "https://github.com/advisories/" + std::string(id);
  if (source == "rustsec") return "https://rustsec.org/advisories/" + std::string(id) + ".html";
  return {};
}

// Whose severity counts for a package: the distro's own rating for OS packages (vendor-first),
// GitHub's reviewed rating for language packages; NVD next; then anyone's.
std::vector<std::string_view> SeverityOrder(const Package& p, const std::optional<inventory::Distro>& distro) {
  if (inventory::IsOsPackage(p.type)) {
    std::string_view vendor = "debian";
    if (distro) {
      if (distro->family == "ubuntu") vendor = "ubuntu";
      else if (p.type == PackageType::kApk) vendor = "alpine";
      else if (p.type == PackageType::kRpm) vendor = "redhat";
    }
    return {vendor, "nvd", "ghsa"};
  }
  return {"ghsa", "nvd"};
}

class FindingBuilder {
 public:
  FindingBuilder(const vulndb::Store& store, const std::optional<inventory::Distro>& distro)
      : store_(store), distro_(distro) {}

  Result<Finding> Build(const Package& package, const std::vector<Hit>& hits) {
    Finding f;
    f.package = package;
    f.installed_version = package.version;
    std::set<std::string> ids;
    int best_state = 99;
    std::set<std::string> fixed;
    for (const Hit& h : hits) {
      ids.insert(h.advisory->id);
      ids.insert(h.advisory->aliases.begin(), h.advisory->aliases.end());
      best_state = std::min(best_state, StatePriority(h.affected->state));
      Evidence e;
      e.source = h.advisory->source;
      e.record = h.affected->record.empty() ? h.advisory->id : h.affected->record;
      e.ecosystem = h.lookup->ecosystem;
      e.package = h.lookup->package;
      e.scheme = h.affected->scheme;
      e.version = h.lookup->version;
      e.range = RangeText(*h.affected);
      e.confidence = h.lookup->confidence;
      if (std::find(f.evidence.begin(), f.evidence.end(), e) == f.evidence.end()) f.evidence.push_back(std::move(e));
    }
    for (const Hit& h : hits) {
      if (StatePriority(h.affected->state) != best_state) continue;
      f.status = h.affected->state;
      if (h.affected->state == FixState::kFixed) fixed.insert(h.affected->fixed_versions.begin(), h.affected->fixed_versions.end());
    }
    f.fixed_versions.assign(fixed.begin(), fixed.end());
    if (f.status == FixState::kFixed && f.fixed_versions.empty()) {
      // A range closed only by last_affected: affected, but no fixed version is known.
      f.status = FixState::kAffected;
    }
    f.id = PreferredId(ids);
    for (const auto& id : ids)
      if (id != f.id) f.aliases.push_back(id);

    // Enrichment from every record that knows any of the ids.
    std::vector<std::string> all(ids.begin(), ids.end());
    HS_ASSIGN_OR_RETURN(std::vector<Advisory> related, store_.FindByIds(all));
    std::vector<const Advisory*> records;
    for (const Hit& h : hits) records.push_back(h.advisory);
    for (const Advisory& a : related) records.push_back(&a);
    for (const Advisory* a : records) {
      for (const auto& s : a->severities)
        if (std::find(f.severities.begin(), f.severities.end(), s) == f.severities.end()) f.severities.push_back(s);
      for (const auto& r : a->references)
        if (std::find(f.references.begin(), f.references.end(), r) == f.references.end()) f.references.push_back(r);
    }
    PickSeverity(package, f);
    PickText(hits, related, f);
    std::vector<std::string> cves;
    for (const auto& id : ids)
      if (IsCve(id)) cves.push_back(id);
    if (!cves.empty()) {
      HS_ASSIGN_OR_RETURN(auto kev, store_.FindKev(cves));
      if (!kev.empty()) {
        f.kev = true;
        f.kev_date_added = kev.front().date_added;
      }
      HS_ASSIGN_OR_RETURN(auto epss, store_.FindEpss(cves));
      for (const auto& e : epss) {
        if (e.score > f.epss_score) {
          f.epss_score = e.score;
          f.epss_percentile = e.percentile;
        }
      }
    }
    return f;
  }

 private:
  void PickSeverity(const Package& package, Finding& f) {
    auto order = SeverityOrder(package, distro_);
    auto rank = [&](std::string_view source) {
      auto it = std::find(order.begin(), order.end(), source);
      return static_cast<int>(it - order.begin());
    };
    const vulndb::Severity* chosen = nullptr;
    for (const auto& s : f.severities) {
      SeverityLevel level = s.level != SeverityLevel::kUnknown ? s.level : vulndb::SeverityFromScore(s.cvss_score);
      if (level == SeverityLevel::kUnknown) continue;
      if (!chosen || rank(s.source) < rank(chosen->source)) chosen = &s;
    }
    if (chosen) {
      f.severity = chosen->level != SeverityLevel::kUnknown ? chosen->level : vulndb::SeverityFromScore(chosen->cvss_score);
      f.severity_source = chosen->source;
    }
    // CVSS: NVD's v3 score first, then any v3, then v4, then v2.
    auto score_rank = [](const vulndb::Severity& s) {
      int version_rank = StartsWith(s.cvss_version, "3") ? 0 : StartsWith(s.cvss_version, "4") ? 1 : 2;
      return version_rank * 2 + (s.source == "nvd" ? 0 : 1);
    };
    const vulndb::Severity* cvss = nullptr;
    for (const auto& s : f.severities) {
      if (s.cvss_vector.empty()) continue;
      if (!cvss || score_rank(s) < score_rank(*cvss)) cvss = &s;
    }
    if (cvss) {
      f.cvss_vector = cvss->cvss_vector;
      f.cvss_score = cvss->cvss_score > 0 ? cvss->cvss_score : vulndb::CvssBaseScore(cvss->cvss_vector);
    }
  }

  void PickText(const std::vector<Hit>& hits, const std::vector<Advisory>& related, Finding& f) {
    std::string cve = IsCve(f.id) ? f.id : std::string();
    for (const Hit& h : hits) {
      if (f.title.empty()) f.title = h.advisory->summary;
      if (f.description.empty()) f.description = h.advisory->details;
      if (f.primary_url.empty()) f.primary_url = VendorUrl(h.advisory->source, h.advisory->id, cve);
      if (f.published.empty() || (!h.advisory->published.empty() && h.advisory->published < f.published))
        f.published = h.advisory->published;
      f.modified = std::max(f.modified, h.advisory->modified);
    }
    // GitHub's reviewed summaries, then NVD's description.
    for (std::string_view source : {"ghsa", "nvd", ""}) {
      for (const Advisory& a : related) {
        if (!source.empty() && a.source != source) continue;
        if (f.title.empty()) f.title = a.summary;
        if (f.description.empty()) f.description = a.details.empty() ? a.summary : a.details;
        if (f.published.empty()) f.published = a.published;
      }
    }
    if (f.title.empty() && !f.description.empty()) {
      // NVD has no titles: the first sentence of the description, bounded.
      std::string_view d = f.description;
      size_t end = std::min(d.find(". "), d.find('\n'));
      f.title = std::string(d.substr(0, std::min<size_t>(end, 120)));
    }
    if (f.primary_url.empty() && !f.references.empty()) f.primary_url = f.references.front();
    if (f.primary_url.empty() && !cve.empty()) f.primary_url = "https://nvd.nist.gov/vuln/detail/" + cve;
  }

  const vulndb::Store& store_;
  const std::optional<inventory::Distro>& distro_;
};

// Union-find over hit indexes: advisories that share an id are the same vulnerability.
std::vector<std::vector<Hit>> GroupByAlias(const std::vector<Hit>& hits) {
  std::vector<size_t> parent(hits.size());
  std::iota(parent.begin(), parent.end(), 0);
  auto find = [&](size_t x) {
    while (parent[x] != x) x = parent[x] = parent[parent[x]];
    return x;
  };
  std::map<std::string, size_t> owner;
  for (size_t i = 0; i < hits.size(); ++i) {
    auto unite = [&](const std::string& id) {
      auto [it, inserted] = owner.emplace(id, i);
      if (!inserted) parent[find(i)] = find(it->second);
    };
    unite(hits[i].advisory->id);
    for (const auto& alias : hits[i].advisory->aliases) unite(alias);
  }
  std::map<size_t, std::vector<Hit>> groups;
  for (size_t i = 0; i < hits.size(); ++i) groups[find(i)].push_back(hits[i]);
  std::vector<std::vector<Hit>> out;
  for (auto& [root, g] : groups) out.push_back(std::move(g));
  return out;
}

}  // namespace

std::string DistroNamespace(const inventory::Distro& d) {
  const std::string& version = d.version_id.empty() ? d.version : d.version_id;
  if (d.family == "debian") {
    if (!version.empty() && version[0] >= '0' && version[0] <= '9') return "debian:" + MajorOf(version);
    std::string n = DebianNumberOf(d.codename);
    return n.empty() ? std::string() : "debian:" + n;
  }
  if (d.family == "ubuntu") return version.empty() ? std::string() : "ubuntu:" + MajorMinorOf(version);
  if (d.family == "alpine") {
    if (version.empty()) return {};
    // Edge and release candidates carry a suffix ("3.21.0_alpha20240807"): secdb calls them edge.
    if (version.find('_') != std::string::npos) return "alpine:edge";
    return "alpine:" + MajorMinorOf(version);
  }
  if (d.family == "rhel" || d.family == "centos") {
    if (d.variant == "stream") return {};  // CentOS Stream runs ahead of RHEL: RHEL data would mislead
    return version.empty() ? std::string() : "redhat:" + MajorOf(version);
  }
  if (d.family == "wolfi" || d.family == "chainguard") return d.family;
  return {};
}

std::vector<Lookup> LookupsFor(const Package& p, const std::optional<inventory::Distro>& distro) {
  std::vector<Lookup> out;
  if (inventory::IsOsPackage(p.type)) {
    if (!distro) return out;
    std::string ns = DistroNamespace(*distro);
    if (ns.empty()) return out;
    switch (p.type) {
      case PackageType::kDeb:
      case PackageType::kApk: {
        // Debian, Ubuntu and Alpine key advisories by source package (apk: origin), and state
        // fixes as source versions.
        bool by_source = !p.source_name.empty() && p.source_name != p.name;
        std::string name = p.source_name.empty() ? p.name : p.source_name;
        std::string version = p.source_version.empty() ? p.version : p.source_version;
        out.push_back({ns, vulndb::NormalizePackageName(ns, name), version, by_source ? "source-package" : "exact"});
        break;
      }
      case PackageType::kRpm: {
        out.push_back({ns, vulndb::NormalizePackageName(ns, p.name), p.version, "exact"});
        std::string src = SourceRpmName(p.source_rpm);
        if (!src.empty() && src != p.name)
          out.push_back({ns, vulndb::NormalizePackageName(ns, src), p.version, "source-package"});
        break;
      }
      default: break;
    }
    return out;
  }
  for (const LanguageRow& row : kLanguageRows) {
    if (row.type != p.type) continue;
    out.push_back({std::string(row.ecosystem), vulndb::NormalizePackageName(row.ecosystem, p.name), p.version, "exact"});
  }
  return out;
}

Result<MatchResult> MatchPackages(const vulndb::Store& store, const std::vector<Package>& packages,
                                  const std::optional<inventory::Distro>& distro) {
  MatchResult result;
  std::set<std::string> notes;
  std::vector<std::string> ecosystems = store.Ecosystems();
  auto known = [&](const std::string& eco) { return std::binary_search(ecosystems.begin(), ecosystems.end(), eco); };
  FindingBuilder builder(store, distro);

  // Packages with the same lookups share the DB answer (the same library in many layers/paths).
  std::map<std::pair<std::string, std::string>, std::vector<Advisory>> cache;
  for (const Package& p : packages) {
    std::vector<Lookup> lookups = LookupsFor(p, distro);
    if (lookups.empty() && inventory::IsOsPackage(p.type) && distro) {
      notes.insert("no vulnerability data for " + distro->family + " " + distro->version +
                   ": OS packages were not matched");
    }
    std::vector<Hit> hits;
    for (const Lookup& lookup : lookups) {
      if (!known(lookup.ecosystem)) {
        notes.insert("the vulnerability database has no advisories for " + lookup.ecosystem +
                     " (its packages were not matched)");
        continue;
      }
      auto key = std::make_pair(lookup.ecosystem, lookup.package);
      auto it = cache.find(key);
      if (it == cache.end()) {
        HS_ASSIGN_OR_RETURN(auto found, store.FindAffected(lookup.ecosystem, lookup.package));
        it = cache.emplace(key, std::move(found)).first;
      }
      for (const Advisory& a : it->second) {
        for (const AffectedPackage& entry : a.affected) {
          if (entry.state == FixState::kNotAffected) continue;
          const version::Scheme* scheme = version::FindScheme(entry.scheme);
          if (!scheme) {
            notes.insert("advisory " + a.id + ": unknown version scheme " + QuoteForMessage(entry.scheme));
            continue;
          }
          bool open_ended = entry.affected.ranges.empty() && entry.affected.versions.empty();
          bool affected = false;
          if (open_ended) {
            // A vendor statement without ranges ("unfixed", "will not fix") covers every version;
            // a "fixed" one without ranges says nothing we can evaluate.
            affected = entry.state != FixState::kFixed;
          } else {
            auto r = version::osv::IsAffected(*scheme, lookup.version, entry.affected);
            if (!r) {
              notes.insert(p.name + " " + p.version + " vs " + a.id + ": " + r.error().message());
              continue;
            }
            affected = *r;
          }
          if (affected) hits.push_back({&a, &entry, &lookup});
        }
      }
    }
    for (auto& group : GroupByAlias(hits)) {
      HS_ASSIGN_OR_RETURN(Finding f, builder.Build(p, group));
      result.findings.push_back(std::move(f));
    }
  }
  std::sort(result.findings.begin(), result.findings.end(), [](const Finding& a, const Finding& b) {
    return std::tie(a.package, a.id) < std::tie(b.package, b.id);
  });
  result.notes.assign(notes.begin(), notes.end());
  return result;
}

Result<MatchResult> MatchInventory(const vulndb::Store& store, const inventory::Inventory& inventory) {
  return MatchPackages(store, inventory.packages, inventory.distro);
}

}  // namespace hullscan::match
