#include "analyze/lang/rust/internal/cargo_lock.h"

#include <map>

#include <toml++/toml.h>

#include "base/strings.h"

namespace hullscan::analyze::rust_internal {

Result<std::vector<LockedPackage>> ParseCargoLock(std::string_view text, int* skipped) {
  toml::table doc;
  try {
    doc = toml::parse(text);
  } catch (const toml::parse_error& e) {
    const auto& where = e.source().begin;
    return Corrupt("Cargo.lock: line " + std::to_string(where.line) + ": " + std::string(e.description()));
  }
  // Lockfile v1 keeps checksums apart: [metadata] "checksum NAME VERSION (SOURCE)" = "hex".
  std::map<std::string, std::string, std::less<>> v1_checksums;
  if (const toml::table* metadata = doc["metadata"].as_table()) {
    for (const auto& [key, value] : *metadata) {
      std::string_view k = key.str();
      if (!StartsWith(k, "checksum ")) continue;
      if (auto sum = value.value<std::string>()) v1_checksums.emplace(std::string(k.substr(9)), *sum);
    }
  }
  std::vector<LockedPackage> out;
  int bad = 0;
  if (const toml::array* packages = doc["package"].as_array()) {
    for (const toml::node& node : *packages) {
      const toml::table* t = node.as_table();
      if (t == nullptr) {
        ++bad;
        continue;
      }
      LockedPackage p;
      p.name = (*t)["name"].value_or(std::string());
      p.version = (*t)["version"].value_or(std::string());
      p.source = (*t)["source"].value_or(std::string());
      p.checksum = (*t)["checksum"].value_or(std::string());
      if (p.name.empty() || p.version.empty()) {
        ++bad;
        continue;
      }
      if (p.checksum.empty() && !p.source.empty()) {
        auto it = v1_checksums.find(p.name + " " + p.version + " (" + p.source + ")");
        if (it != v1_checksums.end() && it->second != "<none>") p.checksum = it->second;
      }
      out.push_back(std::move(p));
    }
  } else if (doc.contains("package")) {
    ++bad;
  }
  if (skipped != nullptr) *skipped = bad;
  return out;
}

}  // namespace hullscan::analyze::rust_internal
