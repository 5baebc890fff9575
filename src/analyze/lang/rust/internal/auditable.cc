#include "analyze/lang/rust/internal/auditable.h"

#include <zlib.h>

#include <algorithm>
#include <cstdint>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "analyze/lang/binary/executable.h"

namespace hullscan::analyze::rust_internal {

Result<std::string_view> FindDepSection(std::string_view file) {
  HS_ASSIGN_OR_RETURN(binary::Executable exe, binary::Executable::Parse(file));
  for (std::string_view name : {".dep-v0", "__dep_v0"}) {
    if (auto data = exe.SectionData(name)) return *data;
  }
  return NotFound("no .dep-v0 section");
}

Result<std::string> Inflate(std::string_view compressed, size_t max_output) {
  z_stream zs{};
  if (inflateInit(&zs) != Z_OK) return Internal("zlib: inflateInit failed");
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(compressed.data()));
  zs.avail_in = static_cast<uInt>(std::min<size_t>(compressed.size(), UINT32_MAX));
  std::string out;
  char buf[16384];
  int ret = Z_OK;
  while (true) {
    zs.next_out = reinterpret_cast<Bytef*>(buf);
    zs.avail_out = sizeof(buf);
    ret = inflate(&zs, Z_NO_FLUSH);
    const size_t produced = sizeof(buf) - zs.avail_out;
    if (out.size() + produced > max_output) {
      inflateEnd(&zs);
      return LimitExceeded(fmt::format("zlib: decompressed data exceeds {} bytes", max_output));
    }
    out.append(buf, produced);
    if (ret == Z_STREAM_END) break;
    if (ret == Z_BUF_ERROR && zs.avail_in == 0) break;  // input ended early: keep what it held
    if (ret != Z_OK) {
      std::string msg = zs.msg != nullptr ? zs.msg : fmt::format("error {}", ret);
      inflateEnd(&zs);
      return Corrupt("zlib: " + msg);
    }
    if (zs.avail_in == 0 && produced == 0) break;
  }
  inflateEnd(&zs);
  return out;
}

Result<std::vector<AuditablePackage>> ParseAuditableJson(std::string_view json, int* skipped) {
  nlohmann::json doc = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return Corrupt("dependency list is not JSON");
  if (!doc.is_object()) return Corrupt("dependency list is not a JSON object");
  auto it = doc.find("packages");
  if (it == doc.end() || !it->is_array()) return Corrupt("dependency list has no \"packages\" array");
  std::vector<AuditablePackage> out;
  int bad = 0;
  for (const nlohmann::json& p : *it) {
    if (!p.is_object()) {
      ++bad;
      continue;
    }
    auto str = [&](const char* key) -> std::string {
      auto f = p.find(key);
      return f != p.end() && f->is_string() ? f->get<std::string>() : std::string();
    };
    AuditablePackage pkg;
    pkg.name = str("name");
    pkg.version = str("version");
    pkg.source = str("source");
    pkg.build = str("kind") == "build";
    auto root = p.find("root");
    pkg.root = root != p.end() && root->is_boolean() && root->get<bool>();
    if (pkg.name.empty() || pkg.version.empty()) {
      ++bad;
      continue;
    }
    out.push_back(std::move(pkg));
  }
  if (skipped != nullptr) *skipped = bad;
  return out;
}

}  // namespace hullscan::analyze::rust_internal
