// Report writers: one function per output format, over the inventory (and later findings).
#pragma once

#include <ostream>
#include <string>
#include <string_view>

#include "base/status.h"
#include "inventory/inventory.h"

namespace hullscan::report {

enum class Format { kTable, kJson, kCycloneDx, kSpdxJson };

// "table", "json", "cyclonedx", "spdx-json" (and the aliases Trivy accepts).
Result<Format> ParseFormat(std::string_view name);
std::string_view FormatName(Format format);

struct Options {
  std::string tool_name = "hullscan";
  std::string tool_version;
  // RFC 3339 UTC creation time written into SBOMs. Taken from SOURCE_DATE_EPOCH when set, so
  // that two runs over the same image give byte-identical output.
  std::string timestamp;
  bool color = false;  // table only: severity colours (on a TTY)
};

// Current time, or SOURCE_DATE_EPOCH when set, as "2024-01-01T00:00:00Z".
std::string ReportTimestamp();

Status WriteInventory(const inventory::Inventory& inventory, Format format, const Options& options,
                      std::ostream& out);

}  // namespace hullscan::report
