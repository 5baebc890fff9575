// Secrets by value pattern in image-config text (ENV entries, labels, history steps).
#pragma once

#include <string_view>
#include <vector>

#include "inventory/layer_result.h"

namespace hullscan::checks::secret {
class Scanner;
}  // namespace hullscan::checks::secret

namespace hullscan::checks::image::internal {

// The scanner's hits in `text` ("NAME=value", a label "key=value", a history step); `where`
// ("ENV", "LABEL", "history") names the source in the virtual path the scanner sees. Empty when
// `scanner` is null.
std::vector<inventory::SecretHit> ScanConfigText(const secret::Scanner* scanner, std::string_view where,
                                                 std::string_view text);

}  // namespace hullscan::checks::image::internal
