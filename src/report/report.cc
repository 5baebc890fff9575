// Format names, timestamps and the dispatch to the per-format writers (cyclonedx.cc, spdx.cc,
// json.cc, table.cc).
#include "report/report.h"

#include <fmt/format.h>

#include <chrono>
#include <cstdlib>
#include <ctime>
#include <exception>

#include "base/log.h"
#include "report/internal/model.h"
#include "report/internal/writers.h"

namespace hullscan::report {
namespace {

constexpr int64_t kMaxTimestamp = 253402300799;  // 9999-12-31T23:59:59Z, the last RFC 3339 second

struct FormatAlias {
  std::string_view name;
  Format format;
};
constexpr FormatAlias kFormatNames[] = {
    {"table", Format::kTable},         {"json", Format::kJson},
    {"cyclonedx", Format::kCycloneDx}, {"cyclonedx-json", Format::kCycloneDx},  // Syft's name
    {"cdx", Format::kCycloneDx},       {"cdx-json", Format::kCycloneDx},
    {"spdx-json", Format::kSpdxJson},  {"sarif", Format::kSarif},
};

}  // namespace

Result<Format> ParseFormat(std::string_view name) {
  for (const FormatAlias& alias : kFormatNames) {
    if (alias.name == name) return alias.format;
  }
  if (name == "spdx" || name == "spdx-tag-value") {
    return InvalidArgument("format '" + std::string(name) + "' (SPDX tag-value) is not supported; use spdx-json");
  }
  return InvalidArgument("unknown format '" + std::string(name) + "' (known: " + std::string(KnownFormatNames()) + ")");
}

std::string_view FormatName(Format format) {
  switch (format) {
    case Format::kTable:
      return "table";
    case Format::kJson:
      return "json";
    case Format::kCycloneDx:
      return "cyclonedx";
    case Format::kSpdxJson:
      return "spdx-json";
    case Format::kSarif:
      return "sarif";
  }
  return "";
}

std::string_view KnownFormatNames() { return "table, json, cyclonedx, spdx-json, sarif"; }

std::string FormatTimestamp(int64_t unix_seconds) {
  std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  if (gmtime_r(&t, &tm) == nullptr) return "1970-01-01T00:00:00Z";
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                     tm.tm_min, tm.tm_sec);
}

std::optional<int64_t> ParseSourceDateEpoch(std::string_view value) {
  if (value.empty() || value.size() > 12) return std::nullopt;  // 12 digits already pass year 9999
  int64_t seconds = 0;
  for (char c : value) {
    if (c < '0' || c > '9') return std::nullopt;
    seconds = seconds * 10 + (c - '0');
  }
  if (seconds > kMaxTimestamp) return std::nullopt;
  return seconds;
}

std::string ReportTimestamp() {
  if (const char* env = std::getenv("SOURCE_DATE_EPOCH"); env != nullptr && *env != '\0') {
    if (auto seconds = ParseSourceDateEpoch(env)) return FormatTimestamp(*seconds);
    log::Warn("ignoring SOURCE_DATE_EPOCH='{}': not a number of seconds since 1970 (using the current time)",
              std::string_view(env).substr(0, 40));
  }
  auto now = std::chrono::system_clock::now();
  return FormatTimestamp(std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count());
}

Status WriteInventory(const inventory::Inventory& inventory, Format format, const Options& options, std::ostream& out) {
  ScanReport report;
  report.inventory = &inventory;
  return WriteReport(report, format, options, out);
}

Status WriteReport(const ScanReport& report, Format format, const Options& options, std::ostream& out) {
  if (report.inventory == nullptr) return Internal("WriteReport: no inventory");
  Options resolved = options;
  if (resolved.timestamp.empty()) resolved.timestamp = ReportTimestamp();
  Status status;
  try {
    internal::ReportModel model = internal::BuildModel(report);
    switch (format) {
      case Format::kTable:
        status = internal::WriteTable(model, resolved, out);
        break;
      case Format::kJson:
        status = internal::WriteJson(model, resolved, out);
        break;
      case Format::kCycloneDx:
        status = internal::WriteCycloneDx(model, resolved, out);
        break;
      case Format::kSpdxJson:
        status = internal::WriteSpdxJson(model, resolved, out);
        break;
      case Format::kSarif:
        status = internal::WriteSarif(model, resolved, out);
        break;
    }
  } catch (const std::exception& e) {
    // nlohmann::json and the standard library throw; nothing may escape the module boundary.
    return Internal(std::string("writing ") + std::string(FormatName(format)) + " report: " + e.what());
  }
  HS_TRY_CTX(status, std::string("writing ") + std::string(FormatName(format)) + " report");
  out.flush();
  if (!out) return IoError("writing " + std::string(FormatName(format)) + " report: output stream failed");
  return OkStatus();
}

}  // namespace hullscan::report
