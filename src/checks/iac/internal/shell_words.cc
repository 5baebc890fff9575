#include "checks/iac/internal/shell_words.h"

#include <array>
#include <cctype>

namespace hullscan::checks::iac::internal {
namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r'; }

bool AllDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

// Keywords that may start a command line without being the command: `if apt-get …; then …`.
bool IsPrefixKeyword(std::string_view word) {
  static constexpr std::array<std::string_view, 10> kWords = {"if", "then", "else", "elif", "do",
                                                              "while", "until", "!", "time", "exec"};
  for (std::string_view k : kWords) {
    if (word == k) return true;
  }
  return false;
}

bool IsClosingKeyword(std::string_view word) { return word == "fi" || word == "done" || word == "esac"; }

class Splitter {
 public:
  explicit Splitter(std::string_view s) : s_(s) {}

  std::vector<Pipeline> Run() {
    size_t n = s_.size();
    for (size_t i = 0; i < n; ++i) {
      char c = s_[i];
      char next = i + 1 < n ? s_[i + 1] : '\0';
      if (c == '\\') {
        if (next == '\n') {
          ++i;
        } else if (i + 1 < n) {
          word_ += next;
          in_word_ = true;
          ++i;
        }
        continue;
      }
      if (c == '\'') {
        size_t close = s_.find('\'', i + 1);
        if (close == std::string_view::npos) close = n;
        word_.append(s_.substr(i + 1, close - i - 1));
        in_word_ = true;
        i = close;
        continue;
      }
      if (c == '"') {
        size_t j = i + 1;
        for (; j < n && s_[j] != '"'; ++j) {
          if (s_[j] == '\\' && j + 1 < n &&
              (s_[j + 1] == '"' || s_[j + 1] == '\\' || s_[j + 1] == '$' || s_[j + 1] == '`')) {
            ++j;
          } else if (s_[j] == '\\' && j + 1 < n && s_[j + 1] == '\n') {
            ++j;
            continue;
          }
          word_ += s_[j];
        }
        in_word_ = true;
        i = j;
        continue;
      }
      if ((c == '$' || c == '<' || c == '>') && next == '(') {
        i = TakeBalanced(i);
        continue;
      }
      if (c == '$' && next == '{') {
        size_t close = s_.find('}', i + 2);
        if (close == std::string_view::npos) close = n - 1;
        word_.append(s_.substr(i, close - i + 1));
        in_word_ = true;
        i = close;
        continue;
      }
      if (c == '`') {
        size_t close = s_.find('`', i + 1);
        if (close == std::string_view::npos) close = n - 1;
        word_.append(s_.substr(i, close - i + 1));
        in_word_ = true;
        i = close;
        continue;
      }
      if (c == '#' && !in_word_) {
        size_t nl = s_.find('\n', i);
        i = nl == std::string_view::npos ? n : nl - 1;
        continue;
      }
      if (IsSpace(c)) {
        EndWord();
        continue;
      }
      if (c == '\n' || c == ';' || c == '(' || c == ')') {
        if (c == ';' && next == ';') ++i;  // `;;` in case
        EndPipeline();
        continue;
      }
      if (c == '&') {
        if (next == '&') {
          ++i;
          EndPipeline();
        } else if (next == '>') {
          i = SkipRedirection(i);
        } else {
          EndPipeline();
        }
        continue;
      }
      if (c == '|') {
        if (next == '|') {
          ++i;
          EndPipeline();
        } else {
          if (next == '&') ++i;
          EndCommand();
        }
        continue;
      }
      if ((c == '{' || c == '}') && !in_word_ && (i + 1 >= n || IsSpace(next) || next == '\n' || next == ';')) {
        EndPipeline();
        continue;
      }
      if (c == '>' || c == '<') {
        // `2>&1`: the digits before the operator are a file descriptor, not a word.
        if (in_word_ && AllDigits(word_)) {
          word_.clear();
          in_word_ = false;
        }
        EndWord();
        i = SkipRedirection(i);
        continue;
      }
      word_ += c;
      in_word_ = true;
    }
    EndPipeline();
    return std::move(out_);
  }

 private:
  // Appends `$(…)`, `<(…)` or `>(…)` starting at i verbatim to the current word; returns the
  // index of its closing parenthesis (or the last index when unbalanced).
  size_t TakeBalanced(size_t i) {
    size_t n = s_.size();
    int depth = 0;
    char quote = 0;
    size_t j = i + 1;
    for (; j < n; ++j) {
      char c = s_[j];
      if (quote != 0) {
        if (c == quote) quote = 0;
        continue;
      }
      if (c == '\'' || c == '"') {
        quote = c;
      } else if (c == '(') {
        ++depth;
      } else if (c == ')') {
        if (--depth == 0) break;
      }
    }
    if (j >= n) j = n - 1;
    word_.append(s_.substr(i, j - i + 1));
    in_word_ = true;
    return j;
  }

  // Skips a redirection operator at i and its target word; returns the index of the last
  // character consumed. Heredoc markers (`<<EOF`) are redirections too.
  size_t SkipRedirection(size_t i) {
    size_t n = s_.size();
    size_t j = i;
    while (j < n && (s_[j] == '<' || s_[j] == '>' || s_[j] == '&' || s_[j] == '|' || s_[j] == '-')) ++j;
    if (j < n && s_[j - 1] == '&' && std::isdigit(static_cast<unsigned char>(s_[j]))) {  // >&2
      while (j < n && std::isdigit(static_cast<unsigned char>(s_[j]))) ++j;
      return j - 1;
    }
    while (j < n && IsSpace(s_[j])) ++j;
    // The target: one word, quotes kept as they are (it is never analysed).
    char quote = 0;
    for (; j < n; ++j) {
      char c = s_[j];
      if (quote != 0) {
        if (c == quote) quote = 0;
        continue;
      }
      if (c == '\'' || c == '"') {
        quote = c;
        continue;
      }
      if (IsSpace(c) || c == '\n' || c == ';' || c == '&' || c == '|' || c == '(' || c == ')') break;
    }
    return j - 1;
  }

  void EndWord() {
    if (!in_word_) return;
    command_.words.push_back(std::move(word_));
    word_.clear();
    in_word_ = false;
  }

  void EndCommand() {
    EndWord();
    std::vector<std::string>& words = command_.words;
    size_t skip = 0;
    while (skip < words.size() && IsPrefixKeyword(words[skip])) ++skip;
    if (skip > 0) words.erase(words.begin(), words.begin() + static_cast<std::ptrdiff_t>(skip));
    if (!words.empty() && IsClosingKeyword(words[0])) words.erase(words.begin());
    // `for x in …` and `case … in` carry no command of their own.
    if (!words.empty() && (words[0] == "for" || words[0] == "case")) words.clear();
    if (!words.empty()) pipeline_.commands.push_back(std::move(command_));
    command_ = {};
  }

  void EndPipeline() {
    EndCommand();
    if (!pipeline_.commands.empty()) out_.push_back(std::move(pipeline_));
    pipeline_ = {};
  }

  std::string_view s_;
  std::string word_;
  bool in_word_ = false;
  SimpleCommand command_;
  Pipeline pipeline_;
  std::vector<Pipeline> out_;
};

}  // namespace

std::vector<Pipeline> SplitShell(std::string_view script) { return Splitter(script).Run(); }

}  // namespace hullscan::checks::iac::internal
