// LayerAnalysis: the bridge between a layer walk and the analyzers. It offers each regular file
// to every analyzer's Wants(), keeps the content of wanted files (one copy, however many
// analyzers want it), and at the end runs each analyzer once over its files.
#pragma once

#include <string>
#include <vector>

#include "analyze/analyzer.h"
#include "inventory/layer_result.h"
#include "layer/layer.h"

namespace hullscan::analyze {

class LayerAnalysis final : public layer::Consumer {
 public:
  // `analyzers` must outlive this object.
  LayerAnalysis(const AnalyzerList& analyzers, std::string diff_id);

  void OnEntry(const layer::EntryInfo& entry) override;
  int64_t WantedContentLimit(const layer::EntryInfo& file) override;
  void OnFileContent(const layer::EntryInfo& file, std::string content) override;
  void OnWhiteout(std::string_view path, bool opaque) override;
  void OnDiagnostic(std::string_view path, std::string message) override;

  // Runs the analyzers and returns the layer's result. Call once, after the walk.
  inventory::LayerResult Finish() &&;

 private:
  const AnalyzerList& analyzers_;
  inventory::LayerResult result_;
  std::vector<File> files_;
  // For each wanted file (parallel to files_): which analyzers asked for it (bit i = analyzer i).
  std::vector<uint64_t> wanted_by_;
  uint64_t pending_mask_ = 0;  // set by WantedContentLimit for the file whose content comes next
  std::vector<const EntryObserver*> observers_;
};

}  // namespace hullscan::analyze
