// libFuzzer target: every feed importer on arbitrary bytes. The first byte picks the importer, the
// rest is the file. Checks what the store relies on: no crash, every advisory has an id, and every
// affected entry names its namespace, package and a version scheme hullscan knows.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "version/scheme.h"
#include "vulndb/import.h"

namespace {

void Check(bool ok) {
  if (!ok) std::abort();
}

class CheckingSink final : public hullscan::vulndb::Sink {
 public:
  hullscan::Status AddAdvisory(hullscan::vulndb::Advisory a) override {
    Check(!a.id.empty());
    for (const auto& p : a.affected) {
      Check(!p.ecosystem.empty() && !p.package.empty());
      Check(hullscan::version::FindScheme(p.scheme) != nullptr);
    }
    return {};
  }
  hullscan::Status AddKev(hullscan::vulndb::KevEntry e) override {
    Check(!e.cve.empty());
    return {};
  }
  hullscan::Status AddEpss(hullscan::vulndb::EpssScore s) override {
    Check(!s.cve.empty());
    return {};
  }
  void Diagnose(std::string_view, std::string_view) override {}
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace vulndb = hullscan::vulndb;
  if (size == 0) return 0;
  using Importer = hullscan::Result<vulndb::FeedFile> (*)(std::string_view, std::string_view, vulndb::Sink&);
  static constexpr std::pair<Importer, std::string_view> kImporters[] = {
      {vulndb::ImportOsvJson, "x/GO-2023-0001.json"},
      {vulndb::ImportOsvYaml, "vulns/pkg/PYSEC-2021-1.yaml"},
      {vulndb::ImportOsvZip, "osv/PyPI/all.zip"},
      {vulndb::ImportRustsec, "crates/x/RUSTSEC-2021-0001.md"},
      {vulndb::ImportDebianTrackerJson, "debian/tracker.json"},
      {vulndb::ImportDebianTrackerList, "data/DSA/list"},
      {vulndb::ImportDebianCveList, "data/CVE/list"},
      {vulndb::ImportAlpineSecdb, "v3.18/main.yaml"},
      {vulndb::ImportRedhatCsafVex, "cve-2023-0001.json"},
      {vulndb::ImportNvdApi, "nvd.json"},
      {vulndb::ImportKev, "kev.json"},
      {vulndb::ImportEpssCsv, "epss_scores.csv"},
  };
  const auto& [import, path] = kImporters[data[0] % std::size(kImporters)];
  CheckingSink sink;
  auto r = import(path, std::string_view(reinterpret_cast<const char*>(data + 1), size - 1), sink);
  (void)r;  // errors are fine; crashes and broken invariants are not
  return 0;
}
