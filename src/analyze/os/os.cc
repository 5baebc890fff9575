#include "analyze/os/os.h"

namespace hullscan::analyze {
namespace {
// PLACEHOLDER: replaced by the real analyzer.
class OsFilesAnalyzer final : public Analyzer {
 public:
  std::string_view Name() const override { return "os-files"; }
  int Version() const override { return 0; }
  bool Wants(const FileInfo&) const override { return false; }
  void Analyze(std::span<const File>, inventory::LayerResult&) const override {}
};
}  // namespace
std::unique_ptr<Analyzer> NewOsFilesAnalyzer() { return std::make_unique<OsFilesAnalyzer>(); }
}  // namespace hullscan::analyze

namespace hullscan::analyze {
std::optional<inventory::Distro> DetectDistro(const std::map<std::string, std::string>&) { return std::nullopt; }
}  // namespace hullscan::analyze
