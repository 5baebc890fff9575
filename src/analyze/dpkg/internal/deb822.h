// A reader for dpkg's control-file syntax (deb822): stanzas of "Name: value" fields separated by
// blank lines, values continued on lines that start with a space or tab. Used for
// var/lib/dpkg/status and the one-stanza files of distroless var/lib/dpkg/status.d/.
//
// The input is untrusted. The reader never allocates per byte or per line: fields are views into
// the text, and a stanza's field vector is reused from one stanza to the next. Malformed lines are
// skipped and reported; reading always continues with the next line.
#pragma once

#include "base/problems.h"
#include "base/strings.h"

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace hullscan::analyze::dpkg_internal {

// Bounded diagnostics and message quoting are shared with the other parsers (base/).
using ::hullscan::Problems;


struct Field {
  std::string_view name;
  // The value without the blanks around its first line. A multi-line value runs to the end of its
  // last continuation line; use ForEachValueLine() to walk it.
  std::string_view value;
  size_t line = 0;  // 1-based line of the field name
};

struct Stanza {
  size_t first_line = 0;  // 1-based; 0 for an empty stanza
  std::vector<Field> fields;

  // The first field of that name (field names are ASCII case-insensitive, as dpkg treats them).
  const Field* Find(std::string_view name) const;
};

class StanzaReader {
 public:
  explicit StanzaReader(std::string_view text) : text_(text) {}

  // Reads the next stanza into `stanza`. Returns false once the text is exhausted. A stanza whose
  // every line was malformed comes back with no fields (its problems are in `problems`).
  bool Next(Stanza& stanza, Problems& problems);

 private:
  std::string_view text_;
  size_t pos_ = 0;
  size_t line_ = 0;  // lines consumed so far
};

// Calls fn(line) for each non-blank line of a (possibly multi-line) field value, with blanks and a
// trailing '\r' removed.
template <typename Fn>
void ForEachValueLine(std::string_view value, Fn&& fn) {
  while (!value.empty()) {
    size_t nl = value.find('\n');
    std::string_view line = value.substr(0, nl);
    value = nl == std::string_view::npos ? std::string_view() : value.substr(nl + 1);
    size_t b = line.find_first_not_of(" \t\r");
    if (b == std::string_view::npos) continue;
    size_t e = line.find_last_not_of(" \t\r");
    fn(line.substr(b, e - b + 1));
  }
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b);

}  // namespace hullscan::analyze::dpkg_internal
