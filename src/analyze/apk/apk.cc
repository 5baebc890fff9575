#include "analyze/apk/apk.h"

namespace hullscan::analyze {
namespace {
// PLACEHOLDER: replaced by the real analyzer.
class ApkAnalyzer final : public Analyzer {
 public:
  std::string_view Name() const override { return "apk"; }
  int Version() const override { return 0; }
  bool Wants(const FileInfo&) const override { return false; }
  void Analyze(std::span<const File>, inventory::LayerResult&) const override {}
};
}  // namespace
std::unique_ptr<Analyzer> NewApkAnalyzer() { return std::make_unique<ApkAnalyzer>(); }
}  // namespace hullscan::analyze
