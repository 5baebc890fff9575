// JSON helpers shared by the JSON-based writers (nlohmann stays inside src/report/).
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace hullscan::report::internal {

// Objects keep insertion order, so every document has a fixed, readable key order.
using Json = nlohmann::ordered_json;

// Two-space indented text with a trailing newline. Invalid UTF-8 (names read from images are
// untrusted bytes) is written as U+FFFD instead of failing the whole report.
inline std::string DumpJson(const Json& doc) {
  return doc.dump(2, ' ', /*ensure_ascii=*/false, nlohmann::detail::error_handler_t::replace) + "\n";
}

}  // namespace hullscan::report::internal
