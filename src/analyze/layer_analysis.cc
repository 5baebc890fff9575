#include "analyze/layer_analysis.h"

#include <algorithm>
#include <cassert>
#include <numeric>

#include "io/tar.h"

namespace hullscan::analyze {

LayerAnalysis::LayerAnalysis(const AnalyzerList& analyzers, std::string diff_id) : analyzers_(analyzers) {
  assert(analyzers.size() <= 64);
  result_.diff_id = std::move(diff_id);
  for (const auto& a : analyzers_)
    if (const EntryObserver* o = a->Observer()) observers_.push_back(o);
}

namespace {

char EntryTypeCode(io::EntryType type) {
  switch (type) {
    case io::EntryType::kFile: return 'f';
    case io::EntryType::kDirectory: return 'd';
    case io::EntryType::kSymlink: return 'l';
    case io::EntryType::kHardlink: return 'h';
    default: return 'o';
  }
}

}  // namespace

void LayerAnalysis::OnEntry(const layer::EntryInfo& entry) {
  if (!observers_.empty()) {
    EntryMeta meta{entry.path, EntryTypeCode(entry.type), entry.mode, entry.uid, entry.gid, entry.size};
    for (const EntryObserver* o : observers_) o->Observe(meta, result_);
    result_.written_paths.push_back(inventory::PathHash(entry.path));
  }
  if (entry.type == io::EntryType::kFile || entry.type == io::EntryType::kDirectory) return;
  FileInfo info{entry.path, entry.mode, entry.size};
  uint64_t mask = 0;
  for (size_t i = 0; i < analyzers_.size(); ++i)
    if (analyzers_[i]->Wants(info)) mask |= uint64_t{1} << i;
  if (!mask) return;
  // A hard link to a file of this layer is that file under a second name: analyse it there too.
  if (entry.type == io::EntryType::kHardlink) {
    auto target = io::CleanArchivePath(entry.link_target);
    if (target) {
      for (size_t k = files_.size(); k-- > 0;) {
        if (files_[k].path != *target) continue;
        File copy = files_[k];
        copy.path = std::string(entry.path);
        files_.push_back(std::move(copy));
        wanted_by_.push_back(mask);
        return;
      }
    }
  }
  // A symlink (or a hard link to a file we did not read, a device, …) at a path an analyzer reads
  // hides the lower layers' file there just as a whiteout would: e.g. etc/os-release replaced by
  // a link to usr/lib/os-release.
  result_.whiteouts.emplace_back(entry.path);
}

int64_t LayerAnalysis::WantedContentLimit(const layer::EntryInfo& file) {
  FileInfo info{file.path, file.mode, file.size};
  uint64_t mask = 0;
  int64_t limit = -1;
  for (size_t i = 0; i < analyzers_.size(); ++i) {
    if (!analyzers_[i]->Wants(info)) continue;
    mask |= uint64_t{1} << i;
    limit = std::max(limit, analyzers_[i]->MaxFileSize());
  }
  pending_mask_ = mask;
  return limit;
}

void LayerAnalysis::OnFileContent(const layer::EntryInfo& file, std::string content) {
  // Analyzers with a smaller limit than the file do not get it.
  uint64_t mask = pending_mask_;
  for (size_t i = 0; i < analyzers_.size(); ++i) {
    if ((mask >> i & 1) && file.size > analyzers_[i]->MaxFileSize()) {
      mask &= ~(uint64_t{1} << i);
      result_.diagnostics.push_back({"", std::string(file.path),
                                     std::string(analyzers_[i]->Name()) + ": file exceeds the analyzer's size limit"});
    }
  }
  if (!mask) return;
  File wanted{std::string(file.path), file.mode, std::move(content)};
  for (size_t i = 0; i < analyzers_.size(); ++i) {
    if (!(mask >> i & 1) || !analyzers_[i]->AnalyzesEachFile()) continue;
    analyzers_[i]->Analyze(std::span<const File>(&wanted, 1), result_);
    mask &= ~(uint64_t{1} << i);
  }
  if (!mask) return;
  files_.push_back(std::move(wanted));
  wanted_by_.push_back(mask);
}

void LayerAnalysis::OnWhiteout(std::string_view path, bool opaque) {
  (opaque ? result_.opaque_dirs : result_.whiteouts).emplace_back(path);
}

void LayerAnalysis::OnDiagnostic(std::string_view path, std::string message) {
  result_.diagnostics.push_back({"", std::string(path), std::move(message)});
}

inventory::LayerResult LayerAnalysis::Finish() && {
  std::sort(result_.written_paths.begin(), result_.written_paths.end());
  result_.written_paths.erase(std::unique(result_.written_paths.begin(), result_.written_paths.end()),
                              result_.written_paths.end());
  // A path may appear twice in one tar (the later entry wins, as on extraction).
  std::vector<size_t> order(files_.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return files_[a].path < files_[b].path; });
  std::vector<size_t> latest;
  for (size_t k = 0; k < order.size(); ++k) {
    if (k + 1 < order.size() && files_[order[k]].path == files_[order[k + 1]].path) continue;
    latest.push_back(order[k]);
  }
  for (size_t i = 0; i < analyzers_.size(); ++i) {
    std::vector<File> mine;
    for (size_t idx : latest) {
      if (!(wanted_by_[idx] >> i & 1)) continue;
      // The last analyzer that wants a file takes it; earlier ones get copies.
      bool wanted_later = (wanted_by_[idx] >> i >> 1) != 0;
      mine.push_back(wanted_later ? files_[idx] : std::move(files_[idx]));
    }
    if (mine.empty()) continue;
    analyzers_[i]->Analyze(mine, result_);
  }
  auto& r = result_;
  std::sort(r.whiteouts.begin(), r.whiteouts.end());
  std::sort(r.opaque_dirs.begin(), r.opaque_dirs.end());
  for (auto& d : r.diagnostics)
    if (d.layer_diff_id.empty()) d.layer_diff_id = r.diff_id;
  std::sort(r.diagnostics.begin(), r.diagnostics.end());
  return std::move(result_);
}

}  // namespace hullscan::analyze
