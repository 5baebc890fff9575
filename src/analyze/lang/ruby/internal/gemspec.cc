#include "analyze/lang/ruby/internal/gemspec.h"

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "base/strings.h"

namespace hullscan::analyze::ruby_internal {
namespace {

bool IsIdentChar(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'; }

std::string_view SkipSpace(std::string_view s) {
  size_t i = 0;
  while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
  return s.substr(i);
}

bool Consume(std::string_view& s, std::string_view prefix) {
  if (!StartsWith(s, prefix)) return false;
  s.remove_prefix(prefix.size());
  return true;
}

// A Ruby string literal at the start of `s` ('…' or "…", optionally followed by .freeze); advances
// `s` past it. nullopt for anything else, including interpolation ("#{…}"), which needs Ruby.
std::optional<std::string> ConsumeStringLiteral(std::string_view& s) {
  if (s.empty() || (s.front() != '"' && s.front() != '\'')) return std::nullopt;
  const char quote = s.front();
  std::string out;
  size_t i = 1;
  for (; i < s.size() && s[i] != quote; ++i) {
    if (s[i] == '\\' && i + 1 < s.size()) {
      out.push_back(s[++i]);
      continue;
    }
    if (quote == '"' && s[i] == '#' && i + 1 < s.size() && s[i + 1] == '{') return std::nullopt;
    out.push_back(s[i]);
  }
  if (i >= s.size()) return std::nullopt;  // unterminated
  s.remove_prefix(i + 1);
  Consume(s, ".freeze");
  return out;
}

using Constants = std::map<std::string, std::string, std::less<>>;

// One scalar value: a literal, Gem::Version.new(literal), or a constant assigned in the same file.
std::optional<std::string> ConsumeScalar(std::string_view& s, const Constants& constants) {
  s = SkipSpace(s);
  if (auto literal = ConsumeStringLiteral(s)) return literal;
  if (Consume(s, "Gem::Version.new(")) {
    s = SkipSpace(s);
    auto literal = ConsumeStringLiteral(s);
    s = SkipSpace(s);
    if (!literal || !Consume(s, ")")) return std::nullopt;
    return literal;
  }
  size_t n = 0;
  while (n < s.size() && (IsIdentChar(s[n]) || (s[n] == ':' && n + 1 < s.size() && s[n + 1] == ':'))) {
    n += s[n] == ':' ? 2 : 1;
  }
  if (n == 0 || !(s[0] >= 'A' && s[0] <= 'Z')) return std::nullopt;
  std::string_view ident = s.substr(0, n);
  // "Foo::VERSION" resolves like "VERSION" when the file assigns it (the gem's own namespace).
  if (size_t colons = ident.rfind("::"); colons != std::string_view::npos) ident = ident.substr(colons + 2);
  auto it = constants.find(ident);
  if (it == constants.end()) return std::nullopt;
  s.remove_prefix(n);
  Consume(s, ".freeze");
  return it->second;
}

// A scalar, or an array of literals: ["MIT".freeze, "Ruby".freeze].
std::optional<std::vector<std::string>> ConsumeList(std::string_view& s, const Constants& constants) {
  s = SkipSpace(s);
  if (!Consume(s, "[")) {
    auto scalar = ConsumeScalar(s, constants);
    if (!scalar) return std::nullopt;
    return std::vector<std::string>{std::move(*scalar)};
  }
  std::vector<std::string> out;
  for (;;) {
    s = SkipSpace(s);
    if (Consume(s, "]")) return out;
    auto element = ConsumeScalar(s, constants);
    if (!element) return std::nullopt;
    out.push_back(std::move(*element));
    s = SkipSpace(s);
    if (!Consume(s, ",") && !StartsWith(s, "]")) return std::nullopt;
  }
}

std::vector<std::string_view> Lines(std::string_view text) {
  std::vector<std::string_view> lines = Split(text, '\n');
  for (auto& line : lines) {
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  }
  return lines;
}

// `IDENT = 'literal'` anywhere in the file (VERSION = "1.2.3" above the specification block).
Constants CollectConstants(const std::vector<std::string_view>& lines) {
  Constants constants;
  for (std::string_view line : lines) {
    line = SkipSpace(line);
    if (line.empty() || !(line[0] >= 'A' && line[0] <= 'Z')) continue;
    size_t n = 0;
    while (n < line.size() && IsIdentChar(line[n])) ++n;
    std::string_view ident = line.substr(0, n);
    std::string_view rest = SkipSpace(line.substr(n));
    if (!Consume(rest, "=") || StartsWith(rest, "=")) continue;
    rest = SkipSpace(rest);
    if (auto literal = ConsumeStringLiteral(rest)) constants.emplace(std::string(ident), std::move(*literal));
  }
  return constants;
}

// The block variable of `Gem::Specification.new do |s|` (or `{ |s|`).
std::optional<std::string_view> BlockVariable(std::string_view line) {
  size_t at = line.find("Gem::Specification.new");
  if (at == std::string_view::npos) return std::nullopt;
  std::string_view rest = line.substr(at);
  size_t open = rest.find('|');
  if (open == std::string_view::npos) return std::nullopt;
  size_t close = rest.find('|', open + 1);
  if (close == std::string_view::npos) return std::nullopt;
  std::string_view var = TrimSpace(rest.substr(open + 1, close - open - 1));
  if (var.empty()) return std::nullopt;
  for (char c : var) {
    if (!IsIdentChar(c)) return std::nullopt;
  }
  return var;
}

}  // namespace

std::optional<inventory::Package> ParseGemspec(std::string_view text, Problems& problems) {
  const std::vector<std::string_view> lines = Lines(text);
  const Constants constants = CollectConstants(lines);
  std::optional<std::string_view> var;
  std::optional<std::string> name, version;
  std::vector<std::string> licenses;
  bool have_licenses = false;
  for (size_t i = 0; i < lines.size(); ++i) {
    std::string_view line = SkipSpace(lines[i]);
    if (!var) {
      var = BlockVariable(line);
      continue;
    }
    // <var>.<field> = <value>; anything after the value (comments, `if s.respond_to? …`) is ignored.
    if (!Consume(line, *var) || !Consume(line, ".")) continue;
    size_t n = 0;
    while (n < line.size() && IsIdentChar(line[n])) ++n;
    const std::string_view field = line.substr(0, n);
    std::string_view value = SkipSpace(line.substr(n));
    if (!Consume(value, "=") || StartsWith(value, "=") || StartsWith(value, "~")) continue;
    if (field == "name" && !name) {
      name = ConsumeScalar(value, constants);
      if (!name) problems.Add(i + 1, "gemspec name is not a string literal");
    } else if (field == "version" && !version) {
      version = ConsumeScalar(value, constants);
      if (!version) problems.Add(i + 1, "gemspec version is not a string literal or a known constant");
    } else if ((field == "license" || field == "licenses") && !have_licenses) {
      // RubyGems' licenses= takes a string or an array (Array(value)); license= one string.
      if (auto list = ConsumeList(value, constants)) {
        licenses = std::move(*list);
        have_licenses = true;
      }
    }
  }
  if (!var) {
    problems.Add(0, "no `Gem::Specification.new do |…|` block");
    return std::nullopt;
  }
  if (!name || !version || TrimSpace(*name).empty() || TrimSpace(*version).empty()) {
    problems.Add(0, "failed to parse gemspec: no name or version");
    return std::nullopt;
  }
  inventory::Package package;
  package.type = inventory::PackageType::kGem;
  package.name = std::string(TrimSpace(*name));
  package.version = std::string(TrimSpace(*version));
  for (auto& license : licenses) {
    if (!TrimSpace(license).empty()) package.licenses.emplace_back(TrimSpace(license));
  }
  return package;
}

}  // namespace hullscan::analyze::ruby_internal
