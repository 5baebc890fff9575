// Analyzer: one per ecosystem. The layer walker reads each layer once and offers every regular
// file to Wants(); the bytes of wanted files (bounded by MaxFileSize) are collected and handed
// to Analyze() once per layer. Analyzers never open archives or touch the filesystem themselves.
//
// Analyzers are stateless and shared between threads: layers may be analysed in parallel.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "inventory/layer_result.h"

namespace hullscan::analyze {

// Metadata of a file as seen in the layer, before its content is read.
struct FileInfo {
  std::string_view path;  // clean, relative to the root, no leading '/': "var/lib/dpkg/status"
  uint32_t mode = 0;      // permission bits incl. setuid/setgid/sticky
  int64_t size = 0;
};

// A wanted file with its content.
struct File {
  std::string path;
  uint32_t mode = 0;
  std::string content;
};

// Every entry of a layer, before any content: for checks that look at modes, owners and names
// rather than contents (setuid files, world-writable directories, leftovers).
struct EntryMeta {
  std::string_view path;  // clean, relative to the root
  char type = 'f';        // 'f' regular file, 'd' directory, 'l' symlink, 'h' hard link, 'o' other
  uint32_t mode = 0;      // permission bits incl. setuid/setgid/sticky
  int64_t uid = 0;
  int64_t gid = 0;
  int64_t size = 0;
};

// An analyzer that also observes entries overrides these two. Observe() is called for every
// entry of every layer (whiteouts excluded), so it must be cheap; what it records goes into `out`.
// LayerAnalysis then also records LayerResult::written_paths.
class EntryObserver {
 public:
  virtual ~EntryObserver() = default;
  virtual void Observe(const EntryMeta& entry, inventory::LayerResult& out) const = 0;
};

class Analyzer {
 public:
  virtual ~Analyzer() = default;

  // Stable short name, e.g. "dpkg"; appears in PackageDb::analyzer and diagnostics.
  virtual std::string_view Name() const = 0;
  // Bumped whenever the analyzer's output for the same input changes; part of the cache key.
  virtual int Version() const = 0;
  // Called for every regular file in every layer, so it must be cheap (no allocation).
  virtual bool Wants(const FileInfo& file) const = 0;
  // Wanted files larger than this are not read; a diagnostic says so.
  virtual int64_t MaxFileSize() const { return int64_t{64} << 20; }
  // Called once per layer with all of that layer's wanted files, sorted by path (never empty).
  // Results and diagnostics go into `out`; a broken file is a diagnostic, never a crash.
  virtual void Analyze(std::span<const File> files, inventory::LayerResult& out) const = 0;
  // True for analyzers that read each file on its own (executables: Go build info, cargo-auditable):
  // Analyze() is then called with one file as soon as its content is read, and the content is not
  // kept for the rest of the layer, so wanting many large files costs no memory.
  virtual bool AnalyzesEachFile() const { return false; }
  // Non-null for analyzers that observe every entry (see EntryObserver).
  virtual const EntryObserver* Observer() const { return nullptr; }
};

using AnalyzerList = std::vector<std::unique_ptr<Analyzer>>;

// The built-in analyzers, in a fixed order (builtin.cc holds the explicit list).
AnalyzerList BuiltinAnalyzers();

// "dpkg:1,apk:1,…": identifies the analyzer set for caching per-layer results.
std::string AnalyzerSetVersion(const AnalyzerList& analyzers);

}  // namespace hullscan::analyze
