// libFuzzer target: the dpkg database parsers (status stanzas, info/*.list, *.md5sums) and the
// analyzer that joins them, on arbitrary bytes. Checks the invariants callers rely on.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "analyze/dpkg/dpkg.h"
#include "analyze/dpkg/internal/status.h"

namespace {

using hullscan::analyze::dpkg_internal::CheckDebianVersion;
using hullscan::analyze::dpkg_internal::ParseStatus;
using hullscan::analyze::dpkg_internal::Problems;
using hullscan::analyze::dpkg_internal::StatusKind;

void Check(bool ok) {
  if (!ok) std::abort();
}

bool Sorted(const std::vector<std::string>& v) {
  for (size_t i = 1; i < v.size(); ++i) {
    if (!(v[i - 1] < v[i])) return false;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);

  for (StatusKind kind : {StatusKind::kStatusFile, StatusKind::kStatusDir}) {
    Problems problems;
    auto parsed = ParseStatus(text, kind, problems);
    Check(!parsed.not_dpkg || parsed.installed.empty());
    for (const auto& entry : parsed.installed) {
      Check(!entry.package.name.empty());
      Check(CheckDebianVersion(entry.package.version).empty());
      Check(CheckDebianVersion(entry.package.source_version).empty());
      Check(!entry.package.source_name.empty());
    }
    Check(problems.Take().size() <= Problems::kMaxKept + 1);
  }

  // The analyzer, with the input at every kind of path it reads.
  auto analyzer = hullscan::analyze::NewDpkgAnalyzer();
  std::string content(text);
  std::vector<hullscan::analyze::File> files = {
      {"var/lib/dpkg/info/x.list", 0644, content},
      {"var/lib/dpkg/info/y.md5sums", 0644, content},
      {"var/lib/dpkg/status", 0644, content},
      {"var/lib/dpkg/status.d/y", 0644, content},
      {"var/lib/dpkg/status.d/y.md5sums", 0644, content},
  };
  hullscan::inventory::LayerResult out;
  analyzer->Analyze(files, out);
  for (const auto& owned : out.owned_files) {
    Check(Sorted(owned.files));
    for (const auto& f : owned.files) Check(!f.empty() && f[0] != '/');
  }
  return 0;
}
