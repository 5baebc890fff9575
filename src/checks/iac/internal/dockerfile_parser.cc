#include "checks/iac/internal/dockerfile_parser.h"

#include <nlohmann/json.hpp>

#include <cctype>

#include "base/strings.h"

namespace hullscan::checks::iac::internal {
namespace {

bool IsBlank(char c) { return c == ' ' || c == '\t'; }

bool IsBlankLine(std::string_view line) { return TrimSpace(line).empty(); }

bool IsCommentLine(std::string_view line) {
  std::string_view t = TrimSpace(line);
  return !t.empty() && t[0] == '#';
}

std::vector<std::string> SplitLines(std::string_view content) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (start <= content.size()) {
    size_t nl = content.find('\n', start);
    if (nl == std::string_view::npos) {
      if (start < content.size()) lines.emplace_back(content.substr(start));
      break;
    }
    std::string_view line = content.substr(start, nl - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    lines.emplace_back(line);
    start = nl + 1;
  }
  if (!lines.empty() && !lines.back().empty() && lines.back().back() == '\r') lines.back().pop_back();
  return lines;
}

// `# name=value` at the top of the file. Returns false for any other line.
bool ParseDirective(std::string_view line, std::string* name, std::string* value) {
  std::string_view t = TrimSpace(line);
  if (t.empty() || t[0] != '#') return false;
  t = TrimSpace(t.substr(1));
  size_t eq = t.find('=');
  if (eq == std::string_view::npos || eq == 0) return false;
  std::string_view key = TrimSpace(t.substr(0, eq));
  if (key.empty() || !std::isalpha(static_cast<unsigned char>(key[0]))) return false;
  for (char c : key) {
    if (!std::isalnum(static_cast<unsigned char>(c))) return false;
  }
  *name = ToLower(key);
  *value = std::string(TrimSpace(t.substr(eq + 1)));
  return true;
}

// The line without a trailing escape character (and the blanks after it); true when it had one.
bool StripContinuation(std::string_view line, char escape, std::string_view* content) {
  size_t end = line.size();
  while (end > 0 && IsBlank(line[end - 1])) --end;
  if (end > 0 && line[end - 1] == escape) {
    *content = line.substr(0, end - 1);
    return true;
  }
  *content = line;
  return false;
}

bool TakesFlags(std::string_view keyword) {
  return keyword == "FROM" || keyword == "RUN" || keyword == "COPY" || keyword == "ADD" ||
         keyword == "HEALTHCHECK";
}

bool MayBeExecForm(std::string_view keyword) {
  return keyword == "RUN" || keyword == "CMD" || keyword == "ENTRYPOINT" || keyword == "COPY" ||
         keyword == "ADD" || keyword == "SHELL" || keyword == "VOLUME";
}

bool TryExecForm(std::string_view args, std::vector<std::string>* out) {
  std::string_view t = TrimSpace(args);
  if (t.empty() || t.front() != '[' || t.back() != ']') return false;
  nlohmann::json parsed = nlohmann::json::parse(t, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded() || !parsed.is_array()) return false;
  std::vector<std::string> values;
  for (const auto& item : parsed) {
    if (!item.is_string()) return false;
    values.push_back(item.get<std::string>());
  }
  *out = std::move(values);
  return true;
}

struct HeredocMarker {
  std::string word;
  bool strip_tabs = false;
};

// `<<EOF`, `<<-EOF`, `<<"EOF"`, `<<'EOF'` outside quotes; `<<<` (a here-string) is not one.
std::vector<HeredocMarker> FindHeredocMarkers(std::string_view text) {
  std::vector<HeredocMarker> markers;
  char quote = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (quote != 0) {
      if (c == quote) quote = 0;
      continue;
    }
    if (c == '\'' || c == '"') {
      quote = c;
      continue;
    }
    if (c != '<' || i + 1 >= text.size() || text[i + 1] != '<') continue;
    size_t j = i + 2;
    if (j < text.size() && text[j] == '<') {  // here-string
      i = j;
      continue;
    }
    HeredocMarker marker;
    if (j < text.size() && text[j] == '-') {
      marker.strip_tabs = true;
      ++j;
    }
    char word_quote = 0;
    if (j < text.size() && (text[j] == '"' || text[j] == '\'')) word_quote = text[j++];
    size_t word_start = j;
    while (j < text.size() && (std::isalnum(static_cast<unsigned char>(text[j])) || text[j] == '_' ||
                               text[j] == '-' || text[j] == '.')) {
      ++j;
    }
    if (j == word_start) continue;
    marker.word = std::string(text.substr(word_start, j - word_start));
    if (word_quote != 0 && j < text.size() && text[j] == word_quote) ++j;
    markers.push_back(std::move(marker));
    i = j - 1;
  }
  return markers;
}

bool IsNameChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

const std::string* Lookup(const std::vector<std::pair<std::string, std::string>>& vars, std::string_view name) {
  for (auto it = vars.rbegin(); it != vars.rend(); ++it) {
    if (it->first == name) return &it->second;
  }
  return nullptr;
}

}  // namespace

std::string ExpandVariables(std::string_view text, const std::vector<std::pair<std::string, std::string>>& vars,
                            char escape) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == escape && i + 1 < text.size() && text[i + 1] == '$') {
      out += '$';
      ++i;
      continue;
    }
    if (c != '$' || i + 1 >= text.size()) {
      out += c;
      continue;
    }
    if (text[i + 1] == '{') {
      size_t close = text.find('}', i + 2);
      if (close == std::string_view::npos) {
        out += text.substr(i);
        break;
      }
      std::string_view inner = text.substr(i + 2, close - i - 2);
      std::string_view name = inner;
      std::string_view op;
      std::string_view word;
      size_t name_end = 0;
      while (name_end < inner.size() && IsNameChar(inner[name_end])) ++name_end;
      if (name_end < inner.size()) {
        name = inner.substr(0, name_end);
        std::string_view rest = inner.substr(name_end);
        if (rest.size() >= 2 && rest[0] == ':' && (rest[1] == '-' || rest[1] == '+')) {
          op = rest.substr(0, 2);
          word = rest.substr(2);
        } else if (!rest.empty() && (rest[0] == '-' || rest[0] == '+')) {
          op = rest.substr(0, 1);
          word = rest.substr(1);
        }
      }
      const std::string* value = Lookup(vars, name);
      bool set = value != nullptr;
      bool nonempty = set && !value->empty();
      if (op == ":-" || op == "-") {
        bool use_word = op == ":-" ? !nonempty : !set;
        out += use_word ? std::string(word) : *value;
      } else if (op == ":+" || op == "+") {
        bool use_word = op == ":+" ? nonempty : set;
        if (use_word) out += word;
      } else if (set) {
        out += *value;
      } else {
        out += text.substr(i, close - i + 1);
      }
      i = close;
      continue;
    }
    size_t j = i + 1;
    while (j < text.size() && IsNameChar(text[j])) ++j;
    if (j == i + 1) {
      out += c;
      continue;
    }
    std::string_view name = text.substr(i + 1, j - i - 1);
    if (const std::string* value = Lookup(vars, name)) {
      out += *value;
    } else {
      out += text.substr(i, j - i);
    }
    i = j - 1;
  }
  return out;
}

Dockerfile ParseDockerfile(std::string_view content) {
  Dockerfile df;
  df.lines = SplitLines(content);
  const std::vector<std::string>& lines = df.lines;
  const size_t n = lines.size();

  // Parser directives: only at the very top, each comment line of the form `# key=value`.
  for (size_t i = 0; i < n; ++i) {
    std::string name;
    std::string value;
    if (!ParseDirective(lines[i], &name, &value)) break;
    if (name == "escape" && (value == "`" || value == "\\")) df.escape = value[0];
  }

  size_t i = 0;
  while (i < n) {
    if (IsBlankLine(lines[i]) || IsCommentLine(lines[i])) {
      ++i;
      continue;
    }
    Instruction ins;
    ins.line = static_cast<int>(i) + 1;
    std::string text;
    size_t last = i;
    std::string_view piece;
    bool continues = StripContinuation(lines[i], df.escape, &piece);
    text.append(piece);
    while (continues) {
      size_t k = last + 1;
      // BuildKit drops comment lines and empty lines inside a continuation.
      while (k < n && (IsCommentLine(lines[k]) || IsBlankLine(lines[k]))) ++k;
      if (k >= n) break;
      last = k;
      continues = StripContinuation(lines[k], df.escape, &piece);
      text.append(piece);
    }

    std::string_view rest = TrimSpace(text);
    size_t kw_end = 0;
    while (kw_end < rest.size() && !IsBlank(rest[kw_end])) ++kw_end;
    std::string keyword = ToLower(rest.substr(0, kw_end));
    for (char& ch : keyword) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    ins.keyword = std::move(keyword);
    rest = TrimSpace(rest.substr(kw_end));

    if (TakesFlags(ins.keyword)) {
      while (StartsWith(rest, "--")) {
        size_t end = 0;
        while (end < rest.size() && !IsBlank(rest[end])) ++end;
        ins.flags.emplace_back(rest.substr(0, end));
        rest = TrimSpace(rest.substr(end));
      }
    }
    ins.args = std::string(rest);
    if (MayBeExecForm(ins.keyword)) ins.exec_form = TryExecForm(ins.args, &ins.exec_args);

    if (!ins.exec_form && (ins.keyword == "RUN" || ins.keyword == "COPY" || ins.keyword == "ADD")) {
      for (HeredocMarker& marker : FindHeredocMarkers(ins.args)) {
        Heredoc doc;
        doc.word = marker.word;
        size_t k = last + 1;
        for (; k < n; ++k) {
          std::string_view body_line = lines[k];
          if (marker.strip_tabs) {
            while (!body_line.empty() && body_line.front() == '\t') body_line.remove_prefix(1);
          }
          if (body_line == marker.word) break;
          doc.body.append(body_line);
          doc.body += '\n';
        }
        // An unterminated heredoc runs to the end of the file, as in BuildKit.
        last = k < n ? k : n - 1;
        ins.heredocs.push_back(std::move(doc));
      }
    }
    ins.end_line = static_cast<int>(last) + 1;
    df.instructions.push_back(std::move(ins));
    i = last + 1;
  }
  return df;
}

}  // namespace hullscan::checks::iac::internal
