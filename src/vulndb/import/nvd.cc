// NVD CVE API 2.0 responses ({resultsPerPage, …, vulnerabilities:[{cve:{…}}]}).
//
// NVD is an enrichment feed here: descriptions, CVSS ratings, references, publication and
// rejection. hullscan matches vendor feeds, not CPEs, so no affected entries are produced.
// Severities: per CVSS version (3.1, 3.0, 4.0, 2.0 in that order) the "Primary" metric (NVD's own
// analysis); a "Secondary" (CNA) metric only when NVD has none of its own for that version, as
// for CVEs still awaiting analysis. All have source "nvd" (the feed they came from).
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/strings.h"
#include "vulndb/import.h"

namespace hullscan::vulndb {
namespace {

using Json = nlohmann::json;

std::string Str(const Json& obj, const char* key) {
  if (!obj.is_object()) return {};
  auto it = obj.find(key);
  return it != obj.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::optional<Severity> MetricSeverity(const Json& metric) {
  if (!metric.is_object()) return std::nullopt;
  auto data = metric.find("cvssData");
  if (data == metric.end() || !data->is_object()) return std::nullopt;
  Severity s;
  s.source = "nvd";
  s.cvss_version = Str(*data, "version");
  s.cvss_vector = Str(*data, "vectorString");
  if (auto score = data->find("baseScore"); score != data->end() && score->is_number()) s.cvss_score = score->get<double>();
  // v3/v4 carry baseSeverity inside cvssData, v2 next to it.
  std::string level = Str(*data, "baseSeverity");
  if (level.empty()) level = Str(metric, "baseSeverity");
  s.level = !level.empty() ? ParseSeverity(level) : SeverityFromScore(s.cvss_score);
  if (s.cvss_vector.empty() && s.cvss_score == 0) return std::nullopt;
  return s;
}

}  // namespace

Result<FeedFile> ImportNvdApi(std::string_view path, std::string_view content, Sink& sink) {
  FeedFile feed;
  feed.path = std::string(path);
  feed.format = std::string(kFormatNvdApi);
  auto diagnose = [&](std::string_view message) {
    ++feed.diagnostics;
    sink.Diagnose(path, message);
  };
  Json root = Json::parse(content.begin(), content.end(), nullptr, false);
  if (root.is_discarded() || !root.is_object()) {
    diagnose("not an NVD API JSON object (truncated or malformed JSON)");
    return feed;
  }
  auto vulns = root.find("vulnerabilities");
  if (vulns == root.end() || !vulns->is_array()) {
    // e.g. a CPE-match page ("matchStrings") or a CPE dictionary page: not CVE records.
    diagnose("no vulnerabilities array: not a CVE API response");
    return feed;
  }
  for (size_t i = 0; i < vulns->size(); ++i) {
    const Json& item = (*vulns)[i];
    std::string where = "vulnerabilities[" + std::to_string(i) + "]";
    const Json* cve = item.is_object() && item.contains("cve") ? &item["cve"] : nullptr;
    if (cve == nullptr || !cve->is_object()) {
      diagnose(where + ": no cve object");
      continue;
    }
    Advisory adv;
    adv.id = Str(*cve, "id");
    if (!StartsWith(adv.id, "CVE-")) {
      diagnose(where + ": no CVE id");
      continue;
    }
    adv.source = "nvd";
    adv.published = Str(*cve, "published");
    adv.modified = Str(*cve, "lastModified");
    adv.withdrawn = Str(*cve, "vulnStatus") == "Rejected";
    if (auto d = cve->find("descriptions"); d != cve->end() && d->is_array()) {
      for (const Json& desc : *d) {
        if (Str(desc, "lang") == "en") {
          adv.summary = Str(desc, "value");
          break;
        }
      }
    }
    adv.references.push_back("https://nvd.nist.gov/vuln/detail/" + adv.id);
    if (auto refs = cve->find("references"); refs != cve->end() && refs->is_array()) {
      for (const Json& r : *refs) {
        std::string url = Str(r, "url");
        if (!url.empty()) adv.references.push_back(std::move(url));
      }
    }
    if (auto metrics = cve->find("metrics"); metrics != cve->end() && metrics->is_object()) {
      for (const char* key : {"cvssMetricV31", "cvssMetricV30", "cvssMetricV40", "cvssMetricV2"}) {
        auto list = metrics->find(key);
        if (list == metrics->end() || !list->is_array()) continue;
        std::optional<Severity> primary, secondary;
        for (const Json& m : *list) {
          std::optional<Severity> s = MetricSeverity(m);
          if (!s) {
            diagnose(adv.id + ": unreadable " + key + " metric");
            continue;
          }
          if (Str(m, "type") == "Primary" && !primary) primary = std::move(s);
          else if (!secondary) secondary = std::move(s);
        }
        if (primary) adv.severities.push_back(std::move(*primary));
        else if (secondary) adv.severities.push_back(std::move(*secondary));
      }
    }
    ++feed.records;
    if (adv.withdrawn) ++feed.withdrawn;
    HS_TRY(sink.AddAdvisory(std::move(adv)));
  }
  return feed;
}

}  // namespace hullscan::vulndb
