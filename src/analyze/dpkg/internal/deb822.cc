#include "analyze/dpkg/internal/deb822.h"

#include <fmt/format.h>

namespace hullscan::analyze::dpkg_internal {
namespace {

constexpr size_t kNone = static_cast<size_t>(-1);

bool IsBlank(std::string_view line) { return line.find_first_not_of(" \t") == std::string_view::npos; }

char AsciiLower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

// dpkg field names: printable ASCII without blanks; the colon ends the name.
bool IsValidFieldName(std::string_view name) {
  if (name.empty() || name[0] == '#' || name[0] == '-') return false;
  for (char c : name) {
    if (c <= ' ' || c > '~') return false;
  }
  return true;
}

}  // namespace





bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (AsciiLower(a[i]) != AsciiLower(b[i])) return false;
  }
  return true;
}

const Field* Stanza::Find(std::string_view name) const {
  for (const Field& f : fields) {
    if (EqualsIgnoreCase(f.name, name)) return &f;
  }
  return nullptr;
}

bool StanzaReader::Next(Stanza& stanza, Problems& problems) {
  stanza.fields.clear();
  stanza.first_line = 0;
  size_t current = kNone;  // index of the field that continuation lines extend
  bool skipping = false;   // continuation lines of a malformed field line are dropped silently
  while (pos_ < text_.size()) {
    const size_t nl = text_.find('\n', pos_);
    const size_t line_begin = pos_;
    size_t line_end = nl == std::string_view::npos ? text_.size() : nl;
    pos_ = nl == std::string_view::npos ? text_.size() : nl + 1;
    ++line_;
    if (line_end > line_begin && text_[line_end - 1] == '\r') --line_end;  // CRLF files
    std::string_view line = text_.substr(line_begin, line_end - line_begin);

    if (IsBlank(line)) {
      // Debian policy lets parsers take blank-only lines as separators; it also keeps a stray
      // space from gluing two stanzas together.
      if (stanza.first_line != 0) return true;
      continue;
    }
    if (stanza.first_line == 0) stanza.first_line = line_;

    if (line[0] == ' ' || line[0] == '\t') {
      if (current != kNone) {
        Field& f = stanza.fields[current];
        const size_t value_begin = static_cast<size_t>(f.value.data() - text_.data());
        f.value = text_.substr(value_begin, line_end - value_begin);
      } else if (!skipping) {
        problems.Add(line_, "continuation line outside a field");
        skipping = true;
      }
      continue;
    }

    current = kNone;
    skipping = false;
    const size_t colon = line.find(':');
    if (colon == std::string_view::npos) {
      problems.Add(line_, "no ':' in field line " + QuoteForMessage(line));
      skipping = true;
      continue;
    }
    std::string_view name = line.substr(0, colon);
    if (!IsValidFieldName(name)) {
      problems.Add(line_, "invalid field name " + QuoteForMessage(name));
      skipping = true;
      continue;
    }
    // The value, trimmed; an empty value is a zero-length view at the end of the line, so that
    // continuation lines can extend it in place.
    size_t value_begin = line_begin + colon + 1;
    while (value_begin < line_end && (text_[value_begin] == ' ' || text_[value_begin] == '\t')) ++value_begin;
    size_t value_end = line_end;
    while (value_end > value_begin && (text_[value_end - 1] == ' ' || text_[value_end - 1] == '\t')) --value_end;
    stanza.fields.push_back(Field{name, text_.substr(value_begin, value_end - value_begin), line_});
    current = stanza.fields.size() - 1;
  }
  return stanza.first_line != 0;
}

}  // namespace hullscan::analyze::dpkg_internal
