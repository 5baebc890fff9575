#include "analyze/apk/internal/installed.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <tuple>

#include "base/digest.h"
#include "base/problems.h"
#include "base/strings.h"

namespace hullscan::analyze::apk_internal {
namespace {

// Names and versions are single tokens of printable ASCII.
bool IsToken(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c <= ' ' || c > '~') return false;
  }
  return true;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i] >= 'A' && a[i] <= 'Z' ? static_cast<char>(a[i] - 'A' + 'a') : a[i];
    char y = b[i] >= 'A' && b[i] <= 'Z' ? static_cast<char>(b[i] - 'A' + 'a') : b[i];
    if (x != y) return false;
  }
  return true;
}

// Standard base64 with '=' padding; false on any other character or a bad length.
bool DecodeBase64(std::string_view in, std::vector<uint8_t>& out) {
  auto value = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
  };
  if (in.empty() || in.size() % 4 != 0) return false;
  size_t padding = 0;
  while (padding < 2 && !in.empty() && in.back() == '=') {
    in.remove_suffix(1);
    ++padding;
  }
  out.clear();
  uint32_t acc = 0;
  int bits = 0;
  for (char c : in) {
    int v = value(c);
    if (v < 0) return false;
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<uint8_t>((acc >> bits) & 0xff));
    }
  }
  return true;
}

// One stanza while it is being read: views into the text, the file paths built so far.
struct StanzaState {
  size_t first_line = 0;
  std::string_view name, version, arch, origin, license, maintainer, checksum;
  size_t checksum_line = 0;
  std::string_view dir;  // the current F: directory
  std::vector<std::string> files;

  void Reset() { *this = StanzaState(); }
};

void Finish(StanzaState& st, std::vector<inventory::Package>& out, Problems& problems) {
  if (st.first_line == 0) return;
  if (st.name.empty() || st.version.empty()) {
    problems.Add(st.first_line, std::string("package stanza without ") +
                                    (st.name.empty() ? "a P: (name)" : "a V: (version) for " + QuoteForMessage(st.name)) +
                                    "; skipped");
    return;
  }
  inventory::Package p;
  p.type = inventory::PackageType::kApk;
  p.name = st.name;
  p.version = st.version;
  p.arch = st.arch;
  // Alpine's secdb is keyed by origin (the aports directory); a package without one is its own.
  p.source_name = st.origin.empty() ? st.name : st.origin;
  p.source_version = st.version;
  p.licenses = SplitLicenses(st.license);
  p.maintainer = st.maintainer;
  if (!st.checksum.empty()) {
    p.digest = DecodeChecksum(st.checksum);
    if (p.digest.empty()) {
      problems.Add(st.checksum_line, "package " + QuoteForMessage(st.name) + ": unrecognised checksum " + QuoteForMessage(st.checksum));
    }
  }
  std::sort(st.files.begin(), st.files.end());
  st.files.erase(std::unique(st.files.begin(), st.files.end()), st.files.end());
  p.installed_files = std::move(st.files);
  out.push_back(std::move(p));
}

// Sets a single-valued field, reporting a repeat (two stanzas run together, most likely).
void SetOnce(std::string_view& field, std::string_view value, char key, size_t line, Problems& problems) {
  if (!field.empty()) {
    problems.Add(line, fmt::format("second {}: field in one stanza (a missing blank line?); the first is kept", key));
    return;
  }
  field = value;
}

}  // namespace

ParsedInstalled ParseInstalled(std::string_view text) {
  ParsedInstalled result;
  Problems problems;
  StanzaState st;
  size_t pos = 0;
  size_t line_no = 0;
  bool end_of_stanza = false;
  while (pos < text.size()) {
    const size_t nl = text.find('\n', pos);
    size_t line_end = nl == std::string_view::npos ? text.size() : nl;
    std::string_view line = text.substr(pos, line_end - pos);
    pos = nl == std::string_view::npos ? text.size() : nl + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);  // CRLF files

    if (line.find_first_not_of(" \t") == std::string_view::npos) {
      end_of_stanza = true;
      continue;
    }
    if (end_of_stanza) {
      Finish(st, result.packages, problems);
      st.Reset();
      end_of_stanza = false;
    }
    if (st.first_line == 0) st.first_line = line_no;
    if (line.size() < 2 || line[1] != ':') {
      problems.Add(line_no, "not a 'K:value' line: " + QuoteForMessage(line));
      continue;
    }
    const std::string_view value = line.substr(2);
    switch (line[0]) {
      case 'P':
        if (!IsToken(value)) {
          problems.Add(line_no, "invalid package name " + QuoteForMessage(value));
          break;
        }
        SetOnce(st.name, value, 'P', line_no, problems);
        break;
      case 'V':
        if (!IsToken(value)) {
          problems.Add(line_no, "invalid version " + QuoteForMessage(value));
          break;
        }
        SetOnce(st.version, value, 'V', line_no, problems);
        break;
      case 'A':
        SetOnce(st.arch, value, 'A', line_no, problems);
        break;
      case 'o':
        SetOnce(st.origin, value, 'o', line_no, problems);
        break;
      case 'L':
        SetOnce(st.license, value, 'L', line_no, problems);
        break;
      case 'm':
        SetOnce(st.maintainer, value, 'm', line_no, problems);
        break;
      case 'C':
        SetOnce(st.checksum, value, 'C', line_no, problems);
        if (st.checksum_line == 0) st.checksum_line = line_no;
        break;
      case 'F': {
        std::string_view dir = value;
        while (!dir.empty() && dir.front() == '/') dir.remove_prefix(1);
        while (!dir.empty() && dir.back() == '/') dir.remove_suffix(1);
        st.dir = dir;
        break;
      }
      case 'R':
        if (value.empty() || value.find('\0') != std::string_view::npos) {
          problems.Add(line_no, "invalid file name " + QuoteForMessage(value));
          break;
        }
        // R: entries before any F: are files in the root directory.
        st.files.push_back(st.dir.empty() ? std::string(value) : std::string(st.dir) + "/" + std::string(value));
        break;
      default:
        break;  // the other keys (sizes, dates, dependencies, file attributes) are not needed
    }
  }
  Finish(st, result.packages, problems);

  std::sort(result.packages.begin(), result.packages.end(),
            [](const inventory::Package& a, const inventory::Package& b) {
              return std::tie(a.name, a.version, a.arch) < std::tie(b.name, b.version, b.arch);
            });
  result.problems = problems.Take();
  return result;
}

std::vector<std::string> SplitLicenses(std::string_view field) {
  std::vector<std::string> out;
  bool join_next = false;  // the previous word was WITH: the next one is the exception
  size_t i = 0;
  while (i < field.size()) {
    while (i < field.size() && (field[i] == ' ' || field[i] == '\t' || field[i] == '(' || field[i] == ')')) ++i;
    size_t j = i;
    while (j < field.size() && field[j] != ' ' && field[j] != '\t' && field[j] != '(' && field[j] != ')') ++j;
    if (j == i) break;
    std::string_view word = field.substr(i, j - i);
    i = j;
    if (EqualsIgnoreCase(word, "AND") || EqualsIgnoreCase(word, "OR")) {
      join_next = false;
      continue;
    }
    if (EqualsIgnoreCase(word, "WITH")) {
      join_next = !out.empty();
      continue;
    }
    if (join_next) {
      out.back().append(" WITH ").append(word);
      join_next = false;
      continue;
    }
    out.emplace_back(word);
  }
  // Without duplicates, first occurrence kept ("GPL-2.0-only OR GPL-2.0-only WITH x" keeps both).
  std::vector<std::string> unique;
  for (std::string& name : out) {
    if (std::find(unique.begin(), unique.end(), name) == unique.end()) unique.push_back(std::move(name));
  }
  return unique;
}

std::string DecodeChecksum(std::string_view field) {
  if (field.size() > 2 && field[0] == 'Q' && (field[1] == '1' || field[1] == '2')) {
    std::vector<uint8_t> raw;
    const size_t want = field[1] == '1' ? 20 : 32;
    if (!DecodeBase64(field.substr(2), raw) || raw.size() != want) return {};
    return std::string(field[1] == '1' ? "sha1:" : "sha256:") + HexEncode(raw);
  }
  if (field.size() == 32 && field.find_first_not_of("0123456789abcdefABCDEF") == std::string_view::npos) {
    std::string hex(field);
    for (char& c : hex) {
      if (c >= 'A' && c <= 'F') c = static_cast<char>(c - 'A' + 'a');
    }
    return "md5:" + hex;
  }
  return {};
}

}  // namespace hullscan::analyze::apk_internal
