// A read-only reader of rpm's Berkeley DB "Packages" file (hash access method), as written by
// rpm <= 4.15 and still found on RHEL/CentOS 7-8, Amazon Linux 2, older Fedora and SUSE.
#pragma once

#include "analyze/rpm/internal/bytes.h"
#include "analyze/rpm/internal/records.h"
#include "base/status.h"

namespace hullscan::analyze::rpm_internal {

// True when `file` starts with a Berkeley DB metadata page of the hash access method (either byte
// order). Cheap: looks at the magic number only.
bool LooksLikeBdbHash(Bytes file);

// Reports every package header stored in the hash to `sink`, in rpm's own iteration order (bucket
// by bucket, following each bucket's page chain), skipping the key-0 record in which rpm keeps its
// next-instance counter. Errors: kCorrupt / kUnsupported when the metadata page is unusable.
Status ReadBdbHashPackages(Bytes file, const RecordSink& sink);

}  // namespace hullscan::analyze::rpm_internal
