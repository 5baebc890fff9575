// Store: the vulnerability database, one SQLite file. Written once by `db build`/`db update`
// (StoreWriter, into a temporary file that is then renamed into place), read by any number of
// scans at once (Store, read-only, no locks held beyond SQLite's shared read lock).
// Schema: docs/vulndb.md.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "vulndb/import.h"
#include "vulndb/model.h"

namespace hullscan::vulndb {

inline constexpr int kSchemaVersion = 1;

// Metadata of a built database, for `db status` and reports.
struct DbInfo {
  int schema_version = 0;
  std::string built_at;  // RFC 3339 UTC
  std::string hullscan_version;
  std::vector<FeedFile> feeds;
  int64_t advisories = 0;
  int64_t affected = 0;
  int64_t kev = 0;
  int64_t epss = 0;
};

// Builds a database. Add everything through the Sink interface, then Finish(); until Finish()
// succeeds the file at `path` is incomplete (callers write to a temporary path and rename).
class StoreWriter final : public Sink {
 public:
  static Result<std::unique_ptr<StoreWriter>> Create(const std::filesystem::path& path);
  ~StoreWriter() override;

  Status AddAdvisory(Advisory advisory) override;
  Status AddKev(KevEntry entry) override;
  Status AddEpss(EpssScore score) override;
  void Diagnose(std::string_view file, std::string_view message) override;

  void AddFeed(const FeedFile& feed);
  const std::vector<std::string>& diagnostics() const { return diagnostics_; }
  // Writes metadata and indexes and commits. `built_at` as RFC 3339 UTC.
  Status Finish(std::string_view built_at, std::string_view hullscan_version);

 private:
  struct Impl;
  explicit StoreWriter(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
  std::vector<std::string> diagnostics_;
};

// A read-only view of a built database. Thread-safe: each method may be called from any thread.
class Store {
 public:
  // Opens read-only. NotFound when there is no file, Unsupported for another schema version,
  // Corrupt when it is not a hullscan database.
  static Result<std::unique_ptr<Store>> Open(const std::filesystem::path& path);
  ~Store();

  DbInfo Info() const;

  // Every non-withdrawn advisory with an affected entry for `package` in `ecosystem` (both as stored:
  // lowercase namespace, NormalizePackageName'd name). Each returned Advisory carries only the
  // matching affected entries.
  Result<std::vector<Advisory>> FindAffected(std::string_view ecosystem, std::string_view package) const;
  // The advisories (any source) whose id is one of `ids`: enrichment (NVD severity, GHSA summary).
  Result<std::vector<Advisory>> FindByIds(const std::vector<std::string>& ids) const;
  Result<std::vector<KevEntry>> FindKev(const std::vector<std::string>& cves) const;
  Result<std::vector<EpssScore>> FindEpss(const std::vector<std::string>& cves) const;
  // Every ecosystem namespace present, sorted: lets the matcher tell "no data for debian:13" from "no findings".
  std::vector<std::string> Ecosystems() const;

 private:
  struct Impl;
  explicit Store(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace hullscan::vulndb
