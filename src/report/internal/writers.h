// One writer per output format, dispatched by report.cc. Each takes the derived model (identity
// and references computed once) and writes a whole document.
#pragma once

#include <ostream>

#include "base/status.h"
#include "report/internal/model.h"
#include "report/report.h"

namespace hullscan::report::internal {

Status WriteCycloneDx(const ReportModel& model, const Options& options, std::ostream& out);
Status WriteSpdxJson(const ReportModel& model, const Options& options, std::ostream& out);
Status WriteJson(const ReportModel& model, const Options& options, std::ostream& out);
Status WriteSarif(const ReportModel& model, const Options& options, std::ostream& out);
Status WriteTable(const ReportModel& model, const Options& options, std::ostream& out);

}  // namespace hullscan::report::internal
