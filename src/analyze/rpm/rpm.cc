#include "analyze/rpm/rpm.h"

namespace hullscan::analyze {
namespace {
// PLACEHOLDER: replaced by the real analyzer.
class RpmAnalyzer final : public Analyzer {
 public:
  std::string_view Name() const override { return "rpm"; }
  int Version() const override { return 0; }
  bool Wants(const FileInfo&) const override { return false; }
  void Analyze(std::span<const File>, inventory::LayerResult&) const override {}
};
}  // namespace
std::unique_ptr<Analyzer> NewRpmAnalyzer() { return std::make_unique<RpmAnalyzer>(); }
}  // namespace hullscan::analyze
