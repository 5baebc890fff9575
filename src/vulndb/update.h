// `hullscan db update`: download the official feeds (or a mirror of them), build a new database
// next to the old one and rename it into place. Scans that hold the old file open keep reading
// it (the store opens its file immutable); new scans see the new one. A failed update leaves the
// old database as it was.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "base/status.h"
#include "net/http.h"
#include "vulndb/store.h"

namespace hullscan::vulndb {

// One downloadable feed file.
struct FeedSource {
  std::string name;           // "osv-go", "debian-tracker", "alpine-v3.20-main", "kev", "epss"
  std::string url;            // the official address
  std::string relative_path;  // its name in a mirror and in the download directory; the importers
                              // detect the format from it (and the first bytes)
  bool optional = false;      // a failure is a warning, not a failed update
  std::string format;         // the import format the file must be detected as (import.h names)
};

// The official public feeds. NVD is not among them: its API 2.0 pages through 250k records with
// rate limits (an API key for reasonable speed), which is a separate, incremental job.
std::vector<FeedSource> DefaultFeeds();

// `sources` narrowed to the names in `only` (all when empty). A name selects the feed of that
// name and every feed it is a dash-separated prefix of: "osv" → all osv-*, "alpine-v3.20" → its
// main and community. InvalidArgument names any selector that matches nothing.
Result<std::vector<FeedSource>> SelectFeeds(const std::vector<FeedSource>& sources, const std::vector<std::string>& only);

// Net defaults for feed downloads: the OSV npm/Maven exports are hundreds of megabytes, so a try
// may take long as long as bytes keep coming (net's stall timeout ends a dead one).
net::RequestOptions DefaultUpdateNetOptions();

struct UpdateOptions {
  std::filesystem::path db_path;
  // A directory or a URL base holding the feed files under their relative paths; empty = the
  // official addresses.
  std::string mirror;
  std::vector<std::string> only;  // feed names (see SelectFeeds); empty = all
  net::RequestOptions net = DefaultUpdateNetOptions();  // retries, timeouts, TLS
  std::string hullscan_version;   // recorded in the database; empty = the version in the User-Agent
  // The feeds to fetch; empty = DefaultFeeds(). For tests and for sites with their own list.
  std::vector<FeedSource> feeds;
};

// Downloads, builds and swaps; returns the new database's metadata.
Result<DbInfo> Update(const UpdateOptions& options);

}  // namespace hullscan::vulndb
