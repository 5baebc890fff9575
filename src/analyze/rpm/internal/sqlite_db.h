// rpm's SQLite backend (rpmdb.sqlite; default since rpm 4.16: Fedora 33+, RHEL 9, CBL-Mariner,
// Amazon Linux 2023), read from memory.
#pragma once

#include "analyze/rpm/internal/bytes.h"
#include "analyze/rpm/internal/records.h"
#include "base/status.h"

namespace hullscan::analyze::rpm_internal {

// True when `file` starts with the SQLite 3 file header.
bool LooksLikeSqlite(Bytes file);

// Reports the blob of every row of the Packages table to `sink`, in rowid (hnum) order, which is
// what rpm -qa iterates. The bytes never touch the filesystem: the database is deserialized into
// SQLite's in-memory VFS, read-only, with a -wal file never consulted. Errors: kCorrupt when the
// database or its Packages table cannot be opened; problems while stepping through the rows are
// reported to the sink and keep the rows read so far.
Status ReadSqlitePackages(Bytes file, const RecordSink& sink);

}  // namespace hullscan::analyze::rpm_internal
