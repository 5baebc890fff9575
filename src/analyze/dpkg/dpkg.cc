#include "analyze/dpkg/dpkg.h"

namespace hullscan::analyze {
namespace {
// PLACEHOLDER: replaced by the real analyzer.
class DpkgAnalyzer final : public Analyzer {
 public:
  std::string_view Name() const override { return "dpkg"; }
  int Version() const override { return 0; }
  bool Wants(const FileInfo&) const override { return false; }
  void Analyze(std::span<const File>, inventory::LayerResult&) const override {}
};
}  // namespace
std::unique_ptr<Analyzer> NewDpkgAnalyzer() { return std::make_unique<DpkgAnalyzer>(); }
}  // namespace hullscan::analyze
