// CISA Known Exploited Vulnerabilities catalogue (known_exploited_vulnerabilities.json):
// {title, catalogVersion, dateReleased, count, vulnerabilities[{cveID, vendorProject, product,
// vulnerabilityName, dateAdded, dueDate, knownRansomwareCampaignUse, …}]}.
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "base/strings.h"
#include "vulndb/import.h"

namespace hullscan::vulndb {

Result<FeedFile> ImportKev(std::string_view path, std::string_view content, Sink& sink) {
  FeedFile feed;
  feed.path = std::string(path);
  feed.format = std::string(kFormatKev);
  auto diagnose = [&](std::string_view message) {
    ++feed.diagnostics;
    sink.Diagnose(path, message);
  };
  nlohmann::json root = nlohmann::json::parse(content.begin(), content.end(), nullptr, false);
  if (root.is_discarded() || !root.is_object()) {
    diagnose("not a KEV JSON object (truncated or malformed JSON)");
    return feed;
  }
  auto str = [](const nlohmann::json& obj, const char* key) {
    auto it = obj.find(key);
    return it != obj.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  feed.date = str(root, "dateReleased");
  auto vulns = root.find("vulnerabilities");
  if (vulns == root.end() || !vulns->is_array()) {
    diagnose("no vulnerabilities array");
    return feed;
  }
  for (size_t i = 0; i < vulns->size(); ++i) {
    const nlohmann::json& v = (*vulns)[i];
    std::string where = "vulnerabilities[" + std::to_string(i) + "]";
    if (!v.is_object()) {
      diagnose(where + ": not an object");
      continue;
    }
    KevEntry e;
    e.cve = std::string(TrimSpace(str(v, "cveID")));
    if (!StartsWith(e.cve, "CVE-")) {
      diagnose(where + ": no cveID");
      continue;
    }
    e.vendor_project = str(v, "vendorProject");
    e.product = str(v, "product");
    e.name = str(v, "vulnerabilityName");
    e.date_added = str(v, "dateAdded");
    e.due_date = str(v, "dueDate");
    e.ransomware = str(v, "knownRansomwareCampaignUse") == "Known";
    ++feed.records;
    HS_TRY(sink.AddKev(std::move(e)));
  }
  if (auto count = root.find("count"); count != root.end() && count->is_number_integer() &&
                                       count->get<int64_t>() != static_cast<int64_t>(vulns->size())) {
    diagnose("count says " + std::to_string(count->get<int64_t>()) + " entries, the file has " +
             std::to_string(vulns->size()));
  }
  return feed;
}

}  // namespace hullscan::vulndb
