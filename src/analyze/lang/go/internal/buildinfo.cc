#include "analyze/lang/go/internal/buildinfo.h"

#include <cctype>
#include <optional>

#include <fmt/format.h>

#include "analyze/lang/binary/executable.h"
#include "base/strings.h"
#include "version/go.h"

namespace hullscan::analyze::go_internal {
namespace {

using binary::Executable;

constexpr std::string_view kMagic = "\xff Go buildinf:";
constexpr uint64_t kHeaderSize = 32;
constexpr uint64_t kAlign = 16;
// Real modinfo is kilobytes (a few hundred KB for the largest Kubernetes binaries); anything
// longer is a corrupt length, not something to copy.
constexpr uint64_t kMaxStringSize = 16 << 20;

// Go's uvarint, bounded: the value and the bytes consumed, or nullopt when truncated/overlong.
std::optional<std::pair<uint64_t, size_t>> Uvarint(std::string_view data) {
  uint64_t x = 0;
  unsigned shift = 0;
  for (size_t i = 0; i < data.size() && i < 10; ++i) {
    const auto b = static_cast<uint8_t>(data[i]);
    if (b < 0x80) {
      if (i == 9 && b > 1) return std::nullopt;
      return std::make_pair(x | (uint64_t{b} << shift), i + 1);
    }
    x |= uint64_t{b & 0x7fu} << shift;
    shift += 7;
  }
  return std::nullopt;
}

// Go 1.18+: two varint-prefixed strings right after the header.
Result<RawBuildInfo> DecodeInline(std::string_view data) {
  RawBuildInfo raw;
  std::string_view rest = data.substr(kHeaderSize);
  for (std::string* out : {&raw.version, &raw.modinfo}) {
    auto n = Uvarint(rest);
    if (!n || n->first > rest.size() - n->second) return Corrupt("Go build info: string length past end of data");
    *out = std::string(rest.substr(n->second, n->first));
    rest = rest.substr(n->second + n->first);
  }
  return raw;
}

// Before Go 1.18: the header holds two pointers to Go string headers {data, len} in the data segment.
Result<std::string> ReadGoString(const Executable& exe, int ptr_size, uint64_t header_addr) {
  HS_ASSIGN_OR_RETURN(std::string_view header, exe.ReadAt(header_addr, 2 * static_cast<uint64_t>(ptr_size)));
  const uint64_t data_addr = exe.DecodeUint(header, ptr_size);
  const uint64_t length = exe.DecodeUint(header.substr(static_cast<size_t>(ptr_size)), ptr_size);
  if (length == 0) return std::string();
  if (length > kMaxStringSize) return Corrupt(fmt::format("Go build info: string of {} bytes", length));
  HS_ASSIGN_OR_RETURN(std::string_view bytes, exe.ReadAt(data_addr, length));
  return std::string(bytes);
}

Result<RawBuildInfo> DecodePointers(const Executable& exe, std::string_view data, int ptr_size, bool big_endian) {
  // The header's byte order is its own flag; it agrees with the file's in real binaries, and
  // Executable decodes in the file's order, so a disagreement is corruption.
  if (big_endian != exe.big_endian()) return Corrupt("Go build info: byte order differs from the executable's");
  RawBuildInfo raw;
  const uint64_t version_ptr = exe.DecodeUint(data.substr(16), ptr_size);
  const uint64_t modinfo_ptr = exe.DecodeUint(data.substr(16 + static_cast<size_t>(ptr_size)), ptr_size);
  HS_ASSIGN_OR_RETURN(raw.version, ReadGoString(exe, ptr_size, version_ptr).AddContext("Go version string"));
  HS_ASSIGN_OR_RETURN(raw.modinfo, ReadGoString(exe, ptr_size, modinfo_ptr).AddContext("Go modinfo string"));
  return raw;
}

// Searches `region` (mapped at `addr`) for the magic at a 16-byte aligned address and decodes it.
// nullopt when there is no magic; an error when there is one but the blob is broken.
std::optional<Result<RawBuildInfo>> DecodeRegion(const Executable& exe, std::string_view region, uint64_t addr) {
  size_t from = 0;
  while (from < region.size()) {
    const size_t i = region.find(kMagic, from);
    if (i == std::string_view::npos || region.size() - i < kHeaderSize) return std::nullopt;
    if ((addr + i) % kAlign != 0) {
      from = i + 1;
      continue;
    }
    std::string_view data = region.substr(i);
    const auto ptr_size = static_cast<uint8_t>(data[14]);
    const auto flags = static_cast<uint8_t>(data[15]);
    if ((flags & 2) != 0) return DecodeInline(data);
    if (ptr_size != 4 && ptr_size != 8) return Corrupt(fmt::format("Go build info: pointer size {}", ptr_size));
    return DecodePointers(exe, data, ptr_size, (flags & 1) != 0);
  }
  return std::nullopt;
}

// modload's infoStart/infoEnd framing: 16 bytes each side, and a newline just before the end one.
std::string StripFraming(std::string modinfo) {
  if (modinfo.size() >= 33 && modinfo[modinfo.size() - 17] == '\n') return modinfo.substr(16, modinfo.size() - 32);
  return "";
}

// strconv.Unquote for the quoting Go's BuildSetting.String() writes; lenient with odd escapes.
std::string Unquote(std::string_view s) {
  if (s.size() >= 2 && s.front() == '`' && s.back() == '`') return std::string(s.substr(1, s.size() - 2));
  if (s.size() < 2 || s.front() != '"' || s.back() != '"') return std::string(s);
  std::string out;
  s = s.substr(1, s.size() - 2);
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '\\' || i + 1 == s.size()) {
      out += s[i];
      continue;
    }
    const char e = s[++i];
    switch (e) {
      case 'n': out += '\n'; break;
      case 't': out += '\t'; break;
      case 'r': out += '\r'; break;
      default: out += e; break;  // \" \\ \' and anything else: the character itself
    }
  }
  return out;
}

// A "mod"/"dep"/"=>" line's fields after the tag: path, version[, sum].
bool ReadModuleLine(std::string_view rest, std::string* path, std::string* version, std::string* sum) {
  std::vector<std::string_view> f = Split(rest, '\t');
  if (f.size() != 2 && f.size() != 3) return false;
  if (f[0].empty()) return false;
  *path = std::string(f[0]);
  *version = std::string(f[1]);
  *sum = f.size() == 3 ? std::string(f[2]) : "";
  return true;
}

// Whitespace-separated words with shell-like quotes, as `go build -ldflags` splits its value.
std::vector<std::string> SplitFlags(std::string_view s) {
  std::vector<std::string> words;
  std::string cur;
  bool in_word = false;
  char quote = 0;
  for (char c : s) {
    if (quote != 0) {
      if (c == quote) quote = 0;
      else cur += c;
      continue;
    }
    if (c == '\'' || c == '"') {
      quote = c;
      in_word = true;
    } else if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      if (in_word) words.push_back(std::move(cur));
      cur.clear();
      in_word = false;
    } else {
      cur += c;
      in_word = true;
    }
  }
  if (in_word) words.push_back(std::move(cur));
  return words;
}

}  // namespace

Result<RawBuildInfo> ReadRawBuildInfo(std::string_view file) {
  HS_ASSIGN_OR_RETURN(Executable exe, Executable::Parse(file));
  std::optional<Result<RawBuildInfo>> found;
  // The linker's own section first (ELF .go.buildinfo, Mach-O __go_buildinfo); then, as
  // debug/buildinfo does for PE and older layouts, the writable data.
  for (const binary::Section& s : exe.sections()) {
    if ((s.name == ".go.buildinfo" || s.name == "__go_buildinfo") && s.size > 0) {
      found = DecodeRegion(exe, file.substr(s.offset, s.size), s.addr);
      if (found) break;
    }
  }
  if (!found) {
    for (const Executable::Mapping& m : exe.mappings()) {
      if (!m.writable) continue;
      found = DecodeRegion(exe, file.substr(m.offset, m.size), m.addr);
      if (found) break;
    }
  }
  if (!found) return NotFound("no Go build info");
  if (!found->ok()) return std::move(*found).error();
  RawBuildInfo raw = std::move(*found).value();
  if (raw.version.empty()) return NotFound("no Go build info (empty Go version)");
  raw.modinfo = StripFraming(std::move(raw.modinfo));
  return raw;
}

BuildInfo ParseModInfo(std::string_view go_version, std::string_view modinfo, int* bad_lines) {
  BuildInfo info;
  info.go_version = std::string(go_version);
  int bad = 0;
  Module* last = nullptr;  // the module a following "=>" line replaces
  for (std::string_view line : Split(modinfo, '\n')) {
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) continue;
    if (StartsWith(line, "go\t")) {
      info.go_version = std::string(line.substr(3));
    } else if (StartsWith(line, "path\t")) {
      info.path = std::string(line.substr(5));
    } else if (StartsWith(line, "mod\t")) {
      Module m;
      if (ReadModuleLine(line.substr(4), &m.path, &m.version, &m.sum)) {
        info.main = std::move(m);
        last = &info.main;
      } else {
        ++bad;
        last = nullptr;
      }
    } else if (StartsWith(line, "dep\t")) {
      Module m;
      if (ReadModuleLine(line.substr(4), &m.path, &m.version, &m.sum)) {
        info.deps.push_back(std::move(m));
        last = &info.deps.back();
      } else {
        ++bad;
        last = nullptr;
      }
    } else if (StartsWith(line, "=>\t")) {
      std::string path, version, sum;
      if (last != nullptr && ReadModuleLine(line.substr(3), &path, &version, &sum)) {
        last->replace_path = std::move(path);
        last->replace_version = std::move(version);
      } else {
        ++bad;
      }
      last = nullptr;
    } else if (StartsWith(line, "build\t")) {
      std::string_view kv = line.substr(6);
      std::string key;
      std::string_view raw_value;
      if (!kv.empty() && (kv[0] == '"' || kv[0] == '`')) {
        // A quoted key (contains '=' or spaces): find its closing quote.
        size_t end = 1;
        while (end < kv.size() && kv[end] != kv[0]) end += (kv[0] == '"' && kv[end] == '\\') ? 2 : 1;
        if (end >= kv.size() || end + 1 >= kv.size() || kv[end + 1] != '=') {
          ++bad;
          continue;
        }
        key = Unquote(kv.substr(0, end + 1));
        raw_value = kv.substr(end + 2);
      } else {
        const size_t eq = kv.find('=');
        if (eq == std::string_view::npos || eq == 0) {
          ++bad;
          continue;
        }
        key = std::string(kv.substr(0, eq));
        raw_value = kv.substr(eq + 1);
      }
      info.settings.emplace_back(std::move(key), Unquote(raw_value));
    } else {
      ++bad;
    }
  }
  // The deps vector may have reallocated after `last` was taken; `last` is never used past its line.
  if (bad_lines != nullptr) *bad_lines = bad;
  return info;
}

Result<BuildInfo> ReadBuildInfo(std::string_view file) {
  HS_ASSIGN_OR_RETURN(RawBuildInfo raw, ReadRawBuildInfo(file));
  return ParseModInfo(raw.version, raw.modinfo, nullptr);
}

std::string StdlibVersion(std::string_view go_version) {
  std::string_view v = TrimSpace(go_version);
  // "go1.22.1 X:boringcrypto": GOEXPERIMENT and other annotations follow a space.
  if (size_t sp = v.find_first_of(" \t"); sp != std::string_view::npos) v = v.substr(0, sp);
  // "go1.22.1+auto", "go1.21.0-bigcorp": toolchain suffixes are not part of the release.
  if (size_t plus = v.find_first_of("+-"); plus != std::string_view::npos) v = v.substr(0, plus);
  if (!StartsWith(v, "go")) return "";
  v.remove_prefix(2);
  // Numeric dotted part, then an optional "rcN" / "betaN" prerelease.
  size_t i = 0;
  int parts = 0;
  std::string numbers[3];
  while (parts < 3) {
    size_t start = i;
    while (i < v.size() && std::isdigit(static_cast<unsigned char>(v[i])) != 0) ++i;
    if (i == start) return "";
    numbers[parts++] = std::string(v.substr(start, i - start));
    if (i < v.size() && v[i] == '.') {
      ++i;
      continue;
    }
    break;
  }
  if (parts < 2) return "";  // "go1" alone is not a release Go ever shipped
  std::string prerelease;
  std::string_view rest = v.substr(i);
  for (std::string_view tag : {"rc", "beta", "alpha"}) {
    if (!StartsWith(rest, tag)) continue;
    std::string_view n = rest.substr(tag.size());
    if (n.empty() || n.find_first_not_of("0123456789") != std::string_view::npos) return "";
    prerelease = "-" + std::string(tag) + "." + std::string(n);
    rest = {};
  }
  if (!rest.empty()) return "";
  std::string out = "v" + numbers[0] + "." + numbers[1] + "." + (parts == 3 ? numbers[2] : "0") + prerelease;
  return version::go::IsValid(out) ? out : "";
}

std::string VersionFromLdflags(std::string_view ldflags) {
  std::vector<std::string> words = SplitFlags(ldflags);
  for (size_t i = 0; i < words.size(); ++i) {
    std::string_view w = words[i];
    std::string assignment;
    if (w == "-X" || w == "--X") {
      if (i + 1 >= words.size()) break;
      assignment = words[++i];
    } else if (StartsWith(w, "-X=")) {
      assignment = std::string(w.substr(3));
    } else if (StartsWith(w, "--X=")) {
      assignment = std::string(w.substr(4));
    } else {
      continue;
    }
    const size_t eq = assignment.find('=');
    if (eq == std::string::npos) continue;
    const std::string key = ToLower(assignment.substr(0, eq));
    std::string value = assignment.substr(eq + 1);
    if (!EndsWith(key, ".version") && !EndsWith(key, ".ver")) continue;
    if (version::go::IsValid(value)) return value;
    if (version::go::IsValid("v" + value)) return "v" + value;
  }
  return "";
}

}  // namespace hullscan::analyze::go_internal
