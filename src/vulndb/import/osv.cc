// OSV importers: one record or an array of records as JSON, PyPA's YAML serialisation of the same
// schema, and OSV.dev's per-ecosystem all.zip. YAML is converted to the JSON shape first, so one
// converter (ConvertRecord) reads every OSV record (schema: ossf/osv-schema docs/schema.md).
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <exception>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "base/strings.h"
#include "io/archive.h"
#include "io/tar.h"
#include "vulndb/import.h"

namespace hullscan::vulndb {
namespace {

using json = nlohmann::json;

// The feed a record comes from, from its id prefix (OSV ids are "<DB>-<local id>").
std::string SourceForId(std::string_view id) {
  static constexpr std::pair<std::string_view, std::string_view> kPrefixes[] = {
      {"GO-", "go"},          {"PYSEC-", "pypa"},   {"GHSA-", "ghsa"},     {"RUSTSEC-", "rustsec"},
      {"DSA-", "debian"},     {"DLA-", "debian"},   {"DTSA-", "debian"},   {"ALPINE-", "alpine"},
      {"UBUNTU-", "ubuntu"},  {"USN-", "ubuntu"},
  };
  for (const auto& [prefix, source] : kPrefixes) {
    if (StartsWith(id, prefix)) return std::string(source);
  }
  return "osv";
}

// Errors of one record say where in the record they are: "affected[2].ranges[0]: events is not a list".
Error RecordError(std::string_view where, std::string_view what) {
  return Corrupt(where.empty() ? std::string(what) : std::string(where) + ": " + std::string(what));
}

std::string Where(std::string_view parent, std::string_view key) {
  return parent.empty() ? std::string(key) : std::string(parent) + "." + std::string(key);
}

std::string Where(std::string_view parent, std::string_view key, size_t index) {
  return Where(parent, key) + "[" + std::to_string(index) + "]";
}

// obj[key] as a string; "" when absent or null; an error when of another type.
Result<std::string> OptString(const json& obj, std::string_view key, std::string_view where) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return std::string();
  if (!it->is_string()) return RecordError(where, std::string(key) + " is not a string");
  return it->get<std::string>();
}

// obj[key] as a list of strings; empty when absent or null.
Result<std::vector<std::string>> OptStringList(const json& obj, std::string_view key, std::string_view where) {
  std::vector<std::string> out;
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return out;
  if (!it->is_array()) return RecordError(where, std::string(key) + " is not a list");
  for (const json& v : *it) {
    if (!v.is_string()) return RecordError(where, std::string(key) + " has an element that is not a string");
    out.push_back(v.get<std::string>());
  }
  return out;
}

// obj[key] as a list (of anything); nullptr when absent or null.
Result<const json*> OptList(const json& obj, std::string_view key, std::string_view where) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return static_cast<const json*>(nullptr);
  if (!it->is_array()) return RecordError(where, std::string(key) + " is not a list");
  return &*it;
}

Result<const json*> OptObject(const json& obj, std::string_view key, std::string_view where) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return static_cast<const json*>(nullptr);
  if (!it->is_object()) return RecordError(where, std::string(key) + " is not a map");
  return &*it;
}

void SortUnique(std::vector<std::string>& v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
}

// "CVSS:3.1/AV:N/…" → "3.1". CVSS v2 vectors carry no prefix: the severity type says the version.
std::string CvssVersion(std::string_view type, std::string_view vector) {
  if (StartsWith(vector, "CVSS:")) {
    std::string_view rest = vector.substr(5);
    return std::string(rest.substr(0, rest.find('/')));
  }
  if (type == "CVSS_V2") return "2.0";
  if (type == "CVSS_V3") return "3.0";
  if (type == "CVSS_V4") return "4.0";
  return "";
}

Status ConvertSeverities(const json& rec, std::string_view source, Advisory& adv) {
  HS_ASSIGN_OR_RETURN(const json* severities, OptList(rec, "severity", ""));
  if (severities != nullptr) {
    size_t i = 0;
    for (const json& s : *severities) {
      std::string where = Where("", "severity", i++);
      if (!s.is_object()) return RecordError(where, "not a map");
      HS_ASSIGN_OR_RETURN(std::string type, OptString(s, "type", where));
      HS_ASSIGN_OR_RETURN(std::string score, OptString(s, "score", where));
      score = std::string(TrimSpace(score));
      if (score.empty()) continue;
      Severity sev;
      if (type == "CVSS_V2" || type == "CVSS_V3" || type == "CVSS_V4") {
        sev.source = std::string(source);
        sev.cvss_vector = score;
        sev.cvss_version = CvssVersion(type, score);
        sev.cvss_score = CvssBaseScore(score);
        sev.level = SeverityFromScore(sev.cvss_score);
      } else if (type == "Ubuntu") {
        // Ubuntu's own priority ("negligible", "low", "medium", "high", "critical").
        sev.source = "ubuntu";
        sev.level = ParseSeverity(score);
      } else {
        continue;  // a rating system we do not read; later schema versions may add more
      }
      adv.severities.push_back(std::move(sev));
    }
  }
  // GHSA (and feeds built like it) state their own qualitative rating next to the vectors.
  HS_ASSIGN_OR_RETURN(const json* db_specific, OptObject(rec, "database_specific", ""));
  if (db_specific != nullptr) {
    auto it = db_specific->find("severity");
    if (it != db_specific->end() && it->is_string()) {
      SeverityLevel level = ParseSeverity(it->get<std::string>());
      if (level != SeverityLevel::kUnknown) {
        // The vendor's rating wins over the one derived from the score: it is what the vendor
        // publishes. It goes on the vendor's CVSS entries, or stands alone when there are none.
        bool placed = false;
        for (Severity& sev : adv.severities) {
          if (sev.source == source && !sev.cvss_vector.empty()) {
            sev.level = level;
            placed = true;
          }
        }
        if (!placed) adv.severities.push_back(Severity{std::string(source), level, "", "", 0});
      }
    }
  }
  // Ubuntu repeats identical vectors (one per source it took them from); keep one of each.
  std::vector<Severity> unique;
  for (Severity& sev : adv.severities) {
    if (std::find(unique.begin(), unique.end(), sev) == unique.end()) unique.push_back(std::move(sev));
  }
  adv.severities = std::move(unique);
  return OkStatus();
}

Status ConvertReferences(const json& rec, Advisory& adv) {
  // The primary URL: the database's own page of the record (Go: database_specific.url), else the
  // first ADVISORY reference, else the first reference. The rest keep the feed's order.
  std::string primary;
  HS_ASSIGN_OR_RETURN(const json* db_specific, OptObject(rec, "database_specific", ""));
  if (db_specific != nullptr) {
    auto it = db_specific->find("url");
    if (it != db_specific->end() && it->is_string()) primary = it->get<std::string>();
  }
  std::vector<std::string> urls;
  HS_ASSIGN_OR_RETURN(const json* refs, OptList(rec, "references", ""));
  if (refs != nullptr) {
    size_t i = 0;
    for (const json& r : *refs) {
      std::string where = Where("", "references", i++);
      if (!r.is_object()) return RecordError(where, "not a map");
      HS_ASSIGN_OR_RETURN(std::string type, OptString(r, "type", where));
      HS_ASSIGN_OR_RETURN(std::string url, OptString(r, "url", where));
      if (url.empty()) continue;
      if (primary.empty() && type == "ADVISORY") primary = url;
      urls.push_back(std::move(url));
    }
  }
  if (!primary.empty()) adv.references.push_back(primary);
  for (std::string& url : urls) {
    if (std::find(adv.references.begin(), adv.references.end(), url) == adv.references.end()) {
      adv.references.push_back(std::move(url));
    }
  }
  return OkStatus();
}

Result<version::osv::Range> ConvertRange(const json& r, std::string_view where, bool& known_type) {
  version::osv::Range range;
  if (!r.is_object()) return RecordError(where, "not a map");
  HS_ASSIGN_OR_RETURN(std::string type, OptString(r, "type", where));
  known_type = true;
  if (type == "SEMVER") {
    range.type = version::osv::RangeType::kSemver;
  } else if (type == "ECOSYSTEM") {
    range.type = version::osv::RangeType::kEcosystem;
  } else if (type == "GIT") {
    range.type = version::osv::RangeType::kGit;
  } else {
    known_type = false;
    return range;
  }
  HS_ASSIGN_OR_RETURN(const json* events, OptList(r, "events", where));
  if (events == nullptr) return range;
  size_t i = 0;
  for (const json& e : *events) {
    std::string event_where = Where(where, "events", i++);
    if (!e.is_object()) return RecordError(event_where, "not a map");
    static constexpr std::pair<std::string_view, version::osv::Event::Kind> kKinds[] = {
        {"introduced", version::osv::Event::Kind::kIntroduced},
        {"fixed", version::osv::Event::Kind::kFixed},
        {"last_affected", version::osv::Event::Kind::kLastAffected},
        {"limit", version::osv::Event::Kind::kLimit},
    };
    for (const auto& [key, kind] : kKinds) {
      HS_ASSIGN_OR_RETURN(std::string value, OptString(e, key, event_where));
      if (value.empty()) continue;
      range.events.push_back(version::osv::Event{kind, std::move(value)});
    }
  }
  return range;
}

// One affected[] entry; nullopt-like `skip` when the entry names no package or an ecosystem we
// cannot match (GitHub Actions, SwiftURL, …): those are left out without a diagnostic.
Result<bool> ConvertAffected(const json& a, std::string_view where, const std::string& id, AffectedPackage& out) {
  if (!a.is_object()) return RecordError(where, "not a map");
  HS_ASSIGN_OR_RETURN(const json* package, OptObject(a, "package", where));
  if (package == nullptr) return false;
  std::string package_where = Where(where, "package");
  HS_ASSIGN_OR_RETURN(std::string ecosystem, OptString(*package, "ecosystem", package_where));
  HS_ASSIGN_OR_RETURN(std::string name, OptString(*package, "name", package_where));
  std::string ns = EcosystemNamespace(ecosystem);
  if (ns.empty()) return false;
  if (TrimSpace(name).empty()) return RecordError(package_where, "no package name");
  out.ecosystem = ns;
  out.package = NormalizePackageName(ns, name);
  out.scheme = std::string(SchemeForEcosystem(ns));
  out.record = id;

  HS_ASSIGN_OR_RETURN(const json* ranges, OptList(a, "ranges", where));
  if (ranges != nullptr) {
    size_t i = 0;
    for (const json& r : *ranges) {
      bool known_type = false;
      HS_ASSIGN_OR_RETURN(version::osv::Range range, ConvertRange(r, Where(where, "ranges", i++), known_type));
      if (!known_type) continue;
      // Fixed commits of GIT ranges are not versions a user could upgrade to: not "fixed in".
      if (range.type != version::osv::RangeType::kGit) {
        for (const version::osv::Event& e : range.events) {
          if (e.kind == version::osv::Event::Kind::kFixed &&
              std::find(out.fixed_versions.begin(), out.fixed_versions.end(), e.version) == out.fixed_versions.end()) {
            out.fixed_versions.push_back(e.version);
          }
        }
      }
      out.affected.ranges.push_back(std::move(range));
    }
  }
  HS_ASSIGN_OR_RETURN(out.affected.versions, OptStringList(a, "versions", where));
  out.state = out.fixed_versions.empty() ? FixState::kAffected : FixState::kFixed;
  return true;
}

Result<Advisory> ConvertRecord(const json& rec) {
  if (!rec.is_object()) return Corrupt("record is not a map");
  Advisory adv;
  HS_ASSIGN_OR_RETURN(adv.id, OptString(rec, "id", ""));
  adv.id = std::string(TrimSpace(adv.id));
  if (adv.id.empty()) return Corrupt("record has no id");
  adv.source = SourceForId(adv.id);

  HS_ASSIGN_OR_RETURN(adv.aliases, OptStringList(rec, "aliases", adv.id));
  // OSV 1.7 "upstream": the vulnerabilities this record is a downstream view of (Ubuntu's
  // UBUNTU-CVE-… records name their CVE there, not in aliases). Same vulnerability: an alias to us.
  HS_ASSIGN_OR_RETURN(std::vector<std::string> upstream, OptStringList(rec, "upstream", adv.id));
  adv.aliases.insert(adv.aliases.end(), upstream.begin(), upstream.end());
  // "related" names *other* vulnerabilities, except in OSV.dev's Debian conversion, where a
  // DSA/DLA/DTSA lists the CVEs it fixes there: for Debian those CVEs are what the advisory is.
  HS_ASSIGN_OR_RETURN(std::vector<std::string> related, OptStringList(rec, "related", adv.id));
  if (adv.source == "debian") {
    for (std::string& r : related) {
      if (StartsWith(r, "CVE-")) adv.aliases.push_back(std::move(r));
    }
  }
  for (std::string& alias : adv.aliases) alias = std::string(TrimSpace(alias));
  std::erase_if(adv.aliases, [&](const std::string& a) { return a.empty() || a == adv.id; });
  SortUnique(adv.aliases);

  HS_ASSIGN_OR_RETURN(adv.summary, OptString(rec, "summary", adv.id));
  HS_ASSIGN_OR_RETURN(adv.details, OptString(rec, "details", adv.id));
  HS_ASSIGN_OR_RETURN(adv.published, OptString(rec, "published", adv.id));
  HS_ASSIGN_OR_RETURN(adv.modified, OptString(rec, "modified", adv.id));
  auto withdrawn = rec.find("withdrawn");
  adv.withdrawn = withdrawn != rec.end() && !withdrawn->is_null();

  HS_TRY(ConvertSeverities(rec, adv.source, adv));
  HS_TRY(ConvertReferences(rec, adv));

  HS_ASSIGN_OR_RETURN(const json* affected, OptList(rec, "affected", ""));
  if (affected != nullptr) {
    size_t i = 0;
    for (const json& a : *affected) {
      AffectedPackage pkg;
      HS_ASSIGN_OR_RETURN(bool keep, ConvertAffected(a, Where("", "affected", i++), adv.id, pkg));
      if (keep) adv.affected.push_back(std::move(pkg));
    }
  }
  return adv;
}

// The id of a record that failed, for its diagnostic; "record N" when it has none.
std::string RecordLabel(const json& rec, size_t index) {
  if (rec.is_object()) {
    auto it = rec.find("id");
    if (it != rec.end() && it->is_string() && !it->get_ref<const std::string&>().empty()) {
      return QuoteForMessage(it->get_ref<const std::string&>(), '\'', 80);
    }
  }
  return "record " + std::to_string(index);
}

class Importer {
 public:
  Importer(std::string_view path, std::string_view format, Sink& sink) : sink_(sink) {
    file_.path = std::string(path);
    file_.format = std::string(format);
  }

  void Diagnose(std::string_view message) {
    ++file_.diagnostics;
    sink_.Diagnose(file_.path, message);
  }

  // Converts and hands over one record; a bad record becomes a diagnostic. Only the sink's own
  // failure (the store could not write) is an error.
  Status AddRecord(const json& rec, size_t index, std::string_view context) {
    Result<Advisory> adv = [&]() -> Result<Advisory> {
      try {
        return ConvertRecord(rec);
      } catch (const std::exception& e) {  // nlohmann's type errors; ConvertRecord checks types first
        return Corrupt(e.what());
      }
    }();
    if (!adv.ok()) {
      Diagnose(std::string(context) + RecordLabel(rec, index) + ": " + adv.error().message());
      return OkStatus();
    }
    const bool withdrawn = adv->withdrawn;
    HS_TRY_CTX(sink_.AddAdvisory(std::move(adv).value()), file_.path);
    ++file_.records;
    if (withdrawn) ++file_.withdrawn;
    return OkStatus();
  }

  // A JSON document: one record, or a list of records.
  Status AddJsonDocument(std::string_view content, std::string_view context) {
    json doc;
    try {
      doc = json::parse(content, nullptr, /*allow_exceptions=*/false);
    } catch (const std::exception& e) {
      Diagnose(std::string(context) + "malformed JSON: " + e.what());
      return OkStatus();
    }
    if (doc.is_discarded()) {
      Diagnose(std::string(context) + "malformed JSON");
      return OkStatus();
    }
    if (doc.is_array()) {
      for (size_t i = 0; i < doc.size(); ++i) HS_TRY(AddRecord(doc[i], i, context));
    } else if (doc.is_object()) {
      HS_TRY(AddRecord(doc, 0, context));
    } else {
      Diagnose(std::string(context) + "not an OSV record: the document is neither a map nor a list");
    }
    return OkStatus();
  }

  FeedFile& file() { return file_; }

 private:
  Sink& sink_;
  FeedFile file_;
};

// YAML → the JSON shape of the same document. Every scalar becomes a string (OSV's values are
// strings; PyPA's YAML leaves versions like 1.34 unquoted, and we want "1.34", not 1.34 as a number).
constexpr int kMaxYamlDepth = 64;

Result<json> YamlToJson(const YAML::Node& node, int depth) {
  if (depth > kMaxYamlDepth) return LimitExceeded("YAML nested deeper than " + std::to_string(kMaxYamlDepth));
  switch (node.Type()) {
    case YAML::NodeType::Undefined:
    case YAML::NodeType::Null:
      return json(nullptr);
    case YAML::NodeType::Scalar:
      return json(node.Scalar());
    case YAML::NodeType::Sequence: {
      json out = json::array();
      for (const YAML::Node& item : node) {
        HS_ASSIGN_OR_RETURN(json value, YamlToJson(item, depth + 1));
        out.push_back(std::move(value));
      }
      return out;
    }
    case YAML::NodeType::Map: {
      json out = json::object();
      for (const auto& kv : node) {
        if (!kv.first.IsScalar()) return Corrupt("YAML map key is not a scalar");
        HS_ASSIGN_OR_RETURN(json value, YamlToJson(kv.second, depth + 1));
        out[kv.first.Scalar()] = std::move(value);
      }
      return out;
    }
  }
  return json(nullptr);
}

bool IsUnsafeEntryName(std::string_view name) {
  return StartsWith(name, "/") || name.find('\\') != std::string_view::npos ||
         !io::CleanArchivePath(name).has_value();
}

}  // namespace

Result<FeedFile> ImportOsvJson(std::string_view path, std::string_view content, Sink& sink) {
  Importer importer(path, kFormatOsvJson, sink);
  HS_TRY(importer.AddJsonDocument(content, ""));
  return std::move(importer.file());
}

Result<FeedFile> ImportOsvYaml(std::string_view path, std::string_view content, Sink& sink) {
  Importer importer(path, kFormatOsvYaml, sink);
  json doc;
  try {
    YAML::Node root = YAML::Load(std::string(content));
    Result<json> converted = YamlToJson(root, 0);
    if (!converted.ok()) {
      importer.Diagnose("malformed YAML: " + converted.error().message());
      return std::move(importer.file());
    }
    doc = std::move(converted).value();
  } catch (const std::exception& e) {  // YAML::Exception and allocation failures
    importer.Diagnose(std::string("malformed YAML: ") + e.what());
    return std::move(importer.file());
  }
  // PyPA files hold one record; a list of records is read like the JSON form.
  if (doc.is_array()) {
    for (size_t i = 0; i < doc.size(); ++i) HS_TRY(importer.AddRecord(doc[i], i, ""));
  } else if (doc.is_object()) {
    HS_TRY(importer.AddRecord(doc, 0, ""));
  } else {
    importer.Diagnose("not an OSV record: the document is neither a map nor a list");
  }
  return std::move(importer.file());
}

Result<FeedFile> ImportOsvZip(std::string_view path, std::string_view content, Sink& sink) {
  Importer importer(path, kFormatOsvZip, sink);
  bool sink_failed = false;
  Status walked = io::ForEachZipEntry(content, [&](std::string_view name, std::string_view entry) -> Status {
    if (!EndsWith(name, ".json")) return OkStatus();
    std::string context = "entry " + QuoteForMessage(name, '\'', 120) + ": ";
    if (IsUnsafeEntryName(name)) {
      // Nothing is written to disk, but a name that climbs out of the archive is a sign of a
      // crafted file; say so rather than quietly reading it.
      importer.Diagnose(context + "unsafe entry name, skipped");
      return OkStatus();
    }
    Status added = importer.AddJsonDocument(entry, context);
    sink_failed = !added.ok();
    return added;
  });
  if (!walked.ok()) {
    if (sink_failed) return std::move(walked).error();
    // A corrupt or oversized archive is the feed's fault: what was read before the problem is kept.
    importer.Diagnose(walked.error().message());
  }
  return std::move(importer.file());
}

}  // namespace hullscan::vulndb
