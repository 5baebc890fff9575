#include "report/report.h"

// PLACEHOLDER: replaced by the real writers.
namespace hullscan::report {
Result<Format> ParseFormat(std::string_view name) {
  if (name == "table") return Format::kTable;
  if (name == "json") return Format::kJson;
  if (name == "cyclonedx") return Format::kCycloneDx;
  if (name == "spdx-json") return Format::kSpdxJson;
  return InvalidArgument("unknown format '" + std::string(name) + "'");
}
std::string_view FormatName(Format format) {
  switch (format) {
    case Format::kTable: return "table";
    case Format::kJson: return "json";
    case Format::kCycloneDx: return "cyclonedx";
    case Format::kSpdxJson: return "spdx-json";
  }
  return "";
}
std::string ReportTimestamp() { return "1970-01-01T00:00:00Z"; }
Status WriteInventory(const inventory::Inventory&, Format, const Options&, std::ostream&) {
  return Unsupported("not yet");
}
}  // namespace hullscan::report
