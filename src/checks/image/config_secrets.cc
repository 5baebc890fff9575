// The one place the image checks call the secret scanner: secrets by value pattern in the text of
// ENV entries, labels and history steps.
#include "checks/image/internal/config_secrets.h"

#include "checks/secret/secret.h"

namespace hullscan::checks::image::internal {

std::vector<inventory::SecretHit> ScanConfigText(const secret::Scanner* scanner, std::string_view where,
                                                 std::string_view text) {
  if (scanner == nullptr || text.empty()) return {};
  // A virtual path: no file of an image can be called this, so no path rule or allow rule meant
  // for files applies to it.
  std::string path = "(image config)/" + std::string(where);
  return scanner->Scan(path, text);
}

}  // namespace hullscan::checks::image::internal
