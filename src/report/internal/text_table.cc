#include "report/internal/text_table.h"

#include <algorithm>

#include "base/strings.h"

namespace hullscan::report::internal {
namespace {


bool IsUnsafe(char32_t cp) {
  return cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F) ||             // C0, DEL, C1
         (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069) ||  // bidi embeddings/overrides/isolates
         cp == 0x200E || cp == 0x200F || cp == 0x061C;                        // bidi marks
}

bool IsZeroWidth(char32_t cp) {
  return (cp >= 0x0300 && cp <= 0x036F) || (cp >= 0x1AB0 && cp <= 0x1AFF) || (cp >= 0x1DC0 && cp <= 0x1DFF) ||
         (cp >= 0x20D0 && cp <= 0x20FF) || (cp >= 0xFE20 && cp <= 0xFE2F) || cp == 0x200B || cp == 0x200C ||
         cp == 0x200D || cp == 0xFEFF || (cp >= 0xFE00 && cp <= 0xFE0F);
}

bool IsWide(char32_t cp) {
  return (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0x303E) || (cp >= 0x3041 && cp <= 0x33FF) ||
         (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0xA000 && cp <= 0xA4CF) ||
         (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0xFE30 && cp <= 0xFE4F) ||
         (cp >= 0xFF00 && cp <= 0xFF60) || (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x1F300 && cp <= 0x1F64F) ||
         (cp >= 0x1F900 && cp <= 0x1F9FF) || (cp >= 0x20000 && cp <= 0x3FFFD);
}

size_t CharWidth(char32_t cp) { return IsZeroWidth(cp) ? 0 : IsWide(cp) ? 2 : 1; }

void PadTo(std::string& out, size_t have, size_t want) {
  if (want > have) out.append(want - have, ' ');
}

}  // namespace

std::string TerminalSafe(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    char32_t cp = 0;
    size_t len = DecodeUtf8(s, i, &cp);
    if (len == 0 || IsUnsafe(cp)) {
      out.push_back('?');
      i += len == 0 ? 1 : len;
    } else {
      out.append(s.substr(i, len));
      i += len;
    }
  }
  return out;
}

size_t DisplayWidth(std::string_view s) {
  size_t width = 0;
  for (size_t i = 0; i < s.size();) {
    char32_t cp = 0;
    size_t len = DecodeUtf8(s, i, &cp);
    if (len == 0) {
      ++width;
      ++i;
    } else {
      width += CharWidth(cp);
      i += len;
    }
  }
  return width;
}

std::string FitWidth(std::string_view s, size_t width) {
  if (DisplayWidth(s) <= width) return std::string(s);
  constexpr std::string_view kEllipsis = "...";
  if (width <= kEllipsis.size()) return std::string(kEllipsis.substr(0, width));
  size_t budget = width - kEllipsis.size();
  size_t used = 0;
  size_t i = 0;
  while (i < s.size()) {
    char32_t cp = 0;
    size_t len = DecodeUtf8(s, i, &cp);
    size_t w = len == 0 ? 1 : CharWidth(cp);
    if (len == 0) len = 1;
    if (used + w > budget) break;
    used += w;
    i += len;
  }
  return std::string(s.substr(0, i)) + std::string(kEllipsis);
}

TextTable::TextTable(std::vector<std::string> headers) : headers_(std::move(headers)) {}

void TextTable::AddRow(std::vector<std::string> cells) { AddRow(std::move(cells), {}); }

void TextTable::AddRow(std::vector<std::string> cells, std::vector<std::string> styles) {
  cells.resize(headers_.size());
  styles.resize(headers_.size());
  for (std::string& c : cells) c = TerminalSafe(c);
  rows_.push_back(std::move(cells));
  styles_.push_back(std::move(styles));
}

std::string TextTable::Render(bool emphasis, size_t max_cell_width) const {
  const size_t columns = headers_.size();
  std::vector<size_t> widths(columns, 0);
  auto fitted = [&](const std::string& cell) { return FitWidth(cell, max_cell_width); };
  for (size_t c = 0; c < columns; ++c) widths[c] = DisplayWidth(headers_[c]);
  for (const auto& row : rows_) {
    for (size_t c = 0; c < columns; ++c) widths[c] = std::max(widths[c], DisplayWidth(fitted(row[c])));
  }

  std::string out;
  static const std::vector<std::string> kNoStyles;
  auto line = [&](const std::vector<std::string>& cells, bool header, const std::vector<std::string>& styles) {
    // the last non-empty cell ends the line: no trailing blanks
    size_t last = columns;
    while (last > 0 && cells[last - 1].empty()) --last;
    std::string text;
    for (size_t c = 0; c < last; ++c) {
      std::string cell = header ? cells[c] : fitted(cells[c]);
      if (emphasis && c < styles.size() && !styles[c].empty()) {
        text += styles[c] + cell + "\x1b[0m";
      } else {
        text += cell;
      }
      if (c + 1 < last) {
        PadTo(text, DisplayWidth(cell), widths[c]);
        text += "  ";
      }
    }
    if (header && emphasis) text = "\x1b[1m" + text + "\x1b[0m";
    out += text;
    out += '\n';
  };
  line(headers_, true, kNoStyles);
  for (size_t r = 0; r < rows_.size(); ++r) line(rows_[r], false, styles_[r]);
  return out;
}

}  // namespace hullscan::report::internal
