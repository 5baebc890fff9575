// A read-only reader of rpm's NDB "Packages.db" (rpm's own format, default on SUSE since 15 SP3).
// Debian's librpm is built without the ndb backend, so this cannot be delegated to it.
#pragma once

#include "analyze/rpm/internal/bytes.h"
#include "analyze/rpm/internal/records.h"
#include "base/status.h"

namespace hullscan::analyze::rpm_internal {

// True when `file` starts with the NDB package-database magic ("RpmP").
bool LooksLikeNdb(Bytes file);

// Reports every package blob to `sink`, in slot order (the order go-rpmdb returns them).
// Errors: kCorrupt / kUnsupported when the file header is unusable.
Status ReadNdbPackages(Bytes file, const RecordSink& sink);

}  // namespace hullscan::analyze::rpm_internal
