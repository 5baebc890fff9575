#include "base/strings.h"

namespace hullscan {

std::string_view TrimSpace(std::string_view s) {
  constexpr std::string_view kSpace = " \t\r\n\f\v";
  auto b = s.find_first_not_of(kSpace);
  if (b == std::string_view::npos) return {};
  auto e = s.find_last_not_of(kSpace);
  return s.substr(b, e - b + 1);
}

std::vector<std::string_view> Split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (true) {
    auto pos = s.find(sep, start);
    if (pos == std::string_view::npos) {
      out.push_back(s.substr(start));
      return out;
    }
    out.push_back(s.substr(start, pos - start));
    start = pos + 1;
  }
}

bool StartsWith(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }
bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

std::string ToLower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

size_t DecodeUtf8(std::string_view s, size_t i, char32_t* code_point) {
  auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char b0 = byte(i);
  size_t len = b0 < 0x80                    ? 1
               : (b0 >= 0xC2 && b0 <= 0xDF) ? 2
               : (b0 >= 0xE0 && b0 <= 0xEF) ? 3
               : (b0 >= 0xF0 && b0 <= 0xF4) ? 4
                                            : 0;
  if (len == 0 || i + len > s.size()) return 0;
  char32_t cp = len == 1 ? b0 : len == 2 ? (b0 & 0x1F) : len == 3 ? (b0 & 0x0F) : (b0 & 0x07);
  for (size_t k = 1; k < len; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (byte(i + k) & 0x3F);
  }
  // overlong forms, UTF-16 surrogates and values past U+10FFFF are not valid UTF-8
  if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) || (cp >= 0xD800 && cp <= 0xDFFF))
    return 0;
  *code_point = cp;
  return len;
}

std::string QuoteForMessage(std::string_view text, char quote, size_t max_shown) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(1, quote);
  for (size_t i = 0; i < text.size() && i < max_shown; ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c < 0x7f && c != '\\' && c != static_cast<unsigned char>(quote)) {
      out.push_back(static_cast<char>(c));
    } else {
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  if (text.size() > max_shown) {
    out += "...";
    out += quote;
    out += " (" + std::to_string(text.size()) + " bytes)";
  } else {
    out += quote;
  }
  return out;
}

std::vector<YamlDocumentText> SplitYamlDocuments(std::string_view yaml) {
  std::vector<YamlDocumentText> docs;
  size_t start = 0;
  int start_line = 0;
  int line = 0;
  for (size_t pos = 0; pos <= yaml.size();) {
    size_t nl = yaml.find('\n', pos);
    size_t end = nl == std::string_view::npos ? yaml.size() : nl;
    std::string_view text = yaml.substr(pos, end - pos);
    bool marker = StartsWith(text, "---") && (text.size() == 3 || text[3] == ' ' || text[3] == '\t' || text[3] == '\r');
    if (marker && pos > start) {
      docs.push_back({yaml.substr(start, pos - start), start_line});
      start = pos;
      start_line = line;
    }
    if (nl == std::string_view::npos) break;
    pos = nl + 1;
    ++line;
  }
  if (start < yaml.size()) docs.push_back({yaml.substr(start), start_line});
  return docs;
}

}  // namespace hullscan
