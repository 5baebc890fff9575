// Helpers the writers share for vulnerability and check findings: counts, URLs and times safe to put in
// schema-checked fields.
#pragma once

#include <array>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "report/internal/model.h"
#include "vulndb/model.h"

namespace hullscan::report::internal {

// Most severe first, as reports list them.
inline constexpr std::array<vulndb::SeverityLevel, 6> kSeveritiesDescending = {
    vulndb::SeverityLevel::kCritical, vulndb::SeverityLevel::kHigh,       vulndb::SeverityLevel::kMedium,
    vulndb::SeverityLevel::kLow,      vulndb::SeverityLevel::kNegligible, vulndb::SeverityLevel::kUnknown};

struct FindingTally {
  std::map<vulndb::SeverityLevel, int> by_severity;  // unsuppressed, every level present
  int total = 0;                                     // unsuppressed
  int suppressed = 0;
  int suppressed_by_ignore = 0;
  int suppressed_by_vex = 0;
};
FindingTally Tally(const std::vector<FindingView>& findings);
// The same for check findings (every suppression is an ignore rule's).
FindingTally Tally(const std::vector<const checks::Finding*>& findings);

// Where a check finding is, for people: "app/.env:3", "k8s/web.yaml:12 Deployment/web",
// "Dockerfile:7"; "history: RUN …" for a finding about a history step; "image config" otherwise.
std::string CheckLocation(const checks::Finding& f);

// An absolute http(s) URL without characters that would make it an invalid URI/IRI reference.
bool IsWebUrl(std::string_view url);

// RFC 3339 date-time as the schemas' "date-time" format wants it; a bare date becomes midnight UTC.
// nullopt for anything else (feeds write odd things).
std::optional<std::string> DateTime(std::string_view text);

// "9.8": one decimal, as CVSS scores are written.
std::string ScoreText(double score);

// "1.2.3, 1.2.4"
std::string JoinVersions(const std::vector<std::string>& versions);

}  // namespace hullscan::report::internal
