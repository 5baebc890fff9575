// `hullscan db build|update|status|path`: the vulnerability database on the command line.
#pragma once

#include <filesystem>
#include <ostream>
#include <string>
#include <vector>

namespace hullscan::apps {

// $HULLSCAN_DB, else $XDG_CACHE_HOME/hullscan/db.sqlite, else ~/.cache/hullscan/db.sqlite.
std::filesystem::path DefaultDbPath();

// Imports every feed file under each of `from` into a new database written to `output`
// (atomically: a temporary file renamed into place). Returns the exit code.
int RunDbBuild(const std::vector<std::string>& from, const std::filesystem::path& output, std::ostream& out);

// Downloads the feeds (official addresses, or `mirror`: a directory or an http(s) base URL), builds a
// new database and renames it over `db`; the old one stays in place on failure.
int RunDbUpdate(const std::filesystem::path& db, const std::string& mirror, const std::vector<std::string>& feeds,
                const std::string& cacert, bool insecure, std::ostream& out);

// Prints the database's age, schema and sources ("table" or "json"). Returns the exit code.
int RunDbStatus(const std::filesystem::path& db, const std::string& format, std::ostream& out);

}  // namespace hullscan::apps
