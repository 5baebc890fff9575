// Plain-text tables for terminals: columns aligned by display width (UTF-8 aware, East Asian wide
// characters count two cells), ASCII separators, and cell text made safe to print (names come from
// images: escape sequences in them must not reach the terminal).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace hullscan::report::internal {

// Replaces what must not reach a terminal with '?': C0/C1 control characters (ESC starts escape
// sequences), DEL, Unicode bidirectional overrides and isolates, and bytes that are not UTF-8.
std::string TerminalSafe(std::string_view s);

// Terminal cells the (terminal-safe) text occupies: combining marks 0, East Asian wide 2, else 1.
size_t DisplayWidth(std::string_view safe_utf8);

// At most `width` cells; longer text is cut at a character boundary and ends in "...".
std::string FitWidth(std::string_view safe_utf8, size_t width);

class TextTable {
 public:
  explicit TextTable(std::vector<std::string> headers);

  // Cells are made terminal-safe here; a row shorter than the header is padded with empty cells.
  void AddRow(std::vector<std::string> cells);
  // With an ANSI style per cell ("" for none), applied only when Render() is asked for emphasis.
  void AddRow(std::vector<std::string> cells, std::vector<std::string> styles);
  size_t rows() const { return rows_.size(); }

  // Header, then rows; columns two spaces apart, each as wide as its widest cell (capped at
  // max_cell_width), no trailing spaces. With `emphasis`, the header is bold (ANSI).
  std::string Render(bool emphasis, size_t max_cell_width = 64) const;

 private:
  std::vector<std::string> headers_;
  std::vector<std::vector<std::string>> rows_;
  std::vector<std::vector<std::string>> styles_;  // parallel to rows_
};

}  // namespace hullscan::report::internal
