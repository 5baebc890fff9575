// libFuzzer target: the apk installed-database parser (and its licence and checksum helpers) on
// arbitrary bytes. Checks the invariants callers rely on.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "analyze/apk/internal/installed.h"

namespace {

void Check(bool ok) {
  if (!ok) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace apk = hullscan::analyze::apk_internal;
  const std::string_view text(reinterpret_cast<const char*>(data), size);

  apk::ParsedInstalled parsed = apk::ParseInstalled(text);
  Check(parsed.problems.size() <= apk::kMaxProblems + 1);
  for (const auto& p : parsed.packages) {
    Check(!p.name.empty() && !p.version.empty() && !p.source_name.empty());
    for (size_t i = 1; i < p.installed_files.size(); ++i) Check(p.installed_files[i - 1] < p.installed_files[i]);
    for (const auto& l : p.licenses) Check(!l.empty());
  }

  for (const auto& l : apk::SplitLicenses(text)) Check(!l.empty() && l != "AND" && l != "OR");
  std::string digest = apk::DecodeChecksum(text);
  Check(digest.empty() || digest.rfind("sha1:", 0) == 0 || digest.rfind("sha256:", 0) == 0 ||
        digest.rfind("md5:", 0) == 0);
  return 0;
}
