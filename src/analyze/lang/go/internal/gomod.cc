#include "analyze/lang/go/internal/gomod.h"

#include <algorithm>
#include <map>
#include <utility>

#include "analyze/lang/go/internal/buildinfo.h"
#include "base/strings.h"

namespace hullscan::analyze::go_internal {
namespace {

struct Line {
  std::vector<std::string> tokens;
  std::string comment;  // text after "//", trimmed
};

// The go.mod lexer in small: whitespace-separated tokens, "(" ")" and "=>" as tokens of their own,
// "…" and `…` quoted strings, "//" comments to the end of the line.
Line Tokenize(std::string_view text) {
  Line out;
  size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    if (c == ' ' || c == '\t' || c == '\r') {
      ++i;
    } else if (text.substr(i, 2) == "//") {
      out.comment = std::string(TrimSpace(text.substr(i + 2)));
      break;
    } else if (c == '(' || c == ')') {
      out.tokens.emplace_back(1, c);
      ++i;
    } else if (text.substr(i, 2) == "=>") {
      out.tokens.emplace_back("=>");
      i += 2;
    } else if (c == '"' || c == '`') {
      std::string token;
      size_t j = i + 1;
      for (; j < text.size() && text[j] != c; ++j) {
        if (c == '"' && text[j] == '\\' && j + 1 < text.size()) ++j;
        token += text[j];
      }
      out.tokens.push_back(std::move(token));
      i = j + 1;
    } else {
      size_t j = i;
      while (j < text.size() && text[j] != ' ' && text[j] != '\t' && text[j] != '\r' && text[j] != '(' &&
             text[j] != ')' && text.substr(j, 2) != "//" && text.substr(j, 2) != "=>") {
        ++j;
      }
      out.tokens.emplace_back(text.substr(i, j - i));
      i = j;
    }
  }
  return out;
}

bool IsIndirectComment(std::string_view comment) {
  return comment == "indirect" || StartsWith(comment, "indirect;");
}

// A directory replacement: the go command's rule (modfile.IsDirectoryPath) plus Windows spellings.
bool IsLocalPath(std::string_view p) {
  return StartsWith(p, "./") || StartsWith(p, "../") || StartsWith(p, "/") || p == "." || p == ".." ||
         (p.size() >= 2 && p[1] == ':') || StartsWith(p, ".\\") || StartsWith(p, "..\\");
}

// One directive's arguments (the verb already removed), inside a block or on its own line.
void AddEntry(std::string_view verb, const Line& line, size_t first, size_t line_number, GoMod& mod,
              Problems& problems) {
  const std::vector<std::string>& t = line.tokens;
  const size_t n = t.size() - first;
  if (verb == "require") {
    if (n != 2) {
      problems.Add(line_number, "require: expected module path and version");
      return;
    }
    mod.requirements.push_back(GoModRequire{t[first], t[first + 1], IsIndirectComment(line.comment), line_number});
  } else if (verb == "replace") {
    // old [version] => new [version]
    auto arrow = std::find(t.begin() + static_cast<std::ptrdiff_t>(first), t.end(), "=>");
    const size_t left = static_cast<size_t>(arrow - t.begin()) - first;
    const size_t right = arrow == t.end() ? 0 : static_cast<size_t>(t.end() - arrow) - 1;
    if (arrow == t.end() || left < 1 || left > 2 || right < 1 || right > 2) {
      problems.Add(line_number, "replace: expected \"old [version] => new [version]\"");
      return;
    }
    GoModReplace r;
    r.old_path = t[first];
    if (left == 2) r.old_version = t[first + 1];
    r.new_path = *(arrow + 1);
    if (right == 2) r.new_version = *(arrow + 2);
    if (right == 1 && !IsLocalPath(r.new_path)) {
      problems.Add(line_number, "replace: a module replacement needs a version");
      return;
    }
    r.line = line_number;
    mod.replaces.push_back(std::move(r));
  }
  // exclude, retract, godebug, tool, ignore: not part of the build list.
}

bool IsBlockVerb(std::string_view verb) {
  return verb == "require" || verb == "replace" || verb == "exclude" || verb == "retract" || verb == "godebug" ||
         verb == "tool" || verb == "ignore";
}

}  // namespace

GoMod ParseGoMod(std::string_view text, Problems& problems) {
  GoMod mod;
  std::string block;  // the verb of the open "verb (" block, empty outside one
  size_t line_number = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    const Line line = Tokenize(text.substr(pos, end - pos));
    pos = end + 1;
    ++line_number;
    const std::vector<std::string>& t = line.tokens;
    if (t.empty()) continue;
    if (!block.empty()) {
      if (t[0] == ")") {
        block.clear();
        if (t.size() > 1) problems.Add(line_number, "unexpected text after ')'");
      } else {
        AddEntry(block, line, 0, line_number, mod, problems);
      }
      continue;
    }
    const std::string& verb = t[0];
    if (IsBlockVerb(verb) && t.size() >= 2 && t[1] == "(") {
      if (t.size() == 3 && t[2] == ")") continue;  // "require ()"
      if (t.size() > 2) problems.Add(line_number, "unexpected text after '('");
      block = verb;
      continue;
    }
    if (verb == "module") {
      if (t.size() != 2) problems.Add(line_number, "module: expected one module path");
      else mod.module = t[1];
    } else if (verb == "go") {
      if (t.size() != 2) problems.Add(line_number, "go: expected one version");
      else mod.go_version = t[1];
    } else if (verb == "toolchain") {
      if (t.size() != 2) problems.Add(line_number, "toolchain: expected one name");
      else mod.toolchain = t[1];
    } else if (IsBlockVerb(verb)) {
      if (t.size() < 2) problems.Add(line_number, verb + ": missing arguments");
      else AddEntry(verb, line, 1, line_number, mod, problems);
    } else {
      problems.Add(line_number, "unknown directive " + QuoteForMessage(verb));
    }
  }
  if (!block.empty()) problems.Add(line_number, block + " block not closed");
  return mod;
}

std::vector<GoSumEntry> ParseGoSum(std::string_view text, Problems& problems) {
  std::vector<GoSumEntry> out;
  size_t line_number = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view line = TrimSpace(text.substr(pos, end - pos));
    pos = end + 1;
    ++line_number;
    if (line.empty()) continue;
    // "<module> <version>[/go.mod] <hash>"
    std::vector<std::string_view> fields;
    for (std::string_view f : Split(line, ' ')) {
      if (!TrimSpace(f).empty()) fields.push_back(TrimSpace(f));
    }
    if (fields.size() != 3 || !StartsWith(fields[1], "v")) {
      problems.Add(line_number, "expected \"<module> <version> <hash>\"");
      continue;
    }
    GoSumEntry e;
    e.path = fields[0];
    std::string_view version = fields[1];
    e.go_mod_only = EndsWith(version, "/go.mod");
    if (e.go_mod_only) version.remove_suffix(7);
    e.version = version;
    e.line = line_number;
    out.push_back(std::move(e));
  }
  return out;
}

bool ListsOnlyDirectRequirements(const GoMod& mod) {
  if (mod.go_version.empty()) return true;
  const std::string v = StdlibVersionOfGoMod(mod.go_version);  // "v1.16.0"
  if (v.empty()) return false;
  const size_t dot = v.find('.');
  const size_t dot2 = v.find('.', dot + 1);
  if (v.substr(1, dot - 1) != "1") return false;  // Go 2+
  const std::string minor = v.substr(dot + 1, dot2 - dot - 1);
  return minor.size() < 2 || (minor.size() == 2 && minor < "17");
}

std::string StdlibVersionOfGoMod(std::string_view toolchain_or_go_version) {
  std::string_view v = TrimSpace(toolchain_or_go_version);
  if (StartsWith(v, "go")) return StdlibVersion(v);
  return StdlibVersion("go" + std::string(v));
}

std::vector<inventory::Package> GoModPackages(const GoMod& mod, const std::vector<GoSumEntry>* sum) {
  std::vector<inventory::Package> out;
  auto add = [&out](std::string name, std::string version) {
    inventory::Package p;
    p.type = inventory::PackageType::kGolang;
    p.name = std::move(name);
    p.version = std::move(version);
    out.push_back(std::move(p));
  };
  std::vector<std::string> required_paths;
  for (const GoModRequire& req : mod.requirements) {
    required_paths.push_back(req.path);
    // The go command: a replacement for this exact version wins over one for every version; the
    // last of equals wins.
    const GoModReplace* chosen = nullptr;
    for (const GoModReplace& r : mod.replaces) {
      if (r.old_path != req.path) continue;
      if (r.old_version == req.version) chosen = &r;
      else if (r.old_version.empty() && (chosen == nullptr || chosen->old_version.empty())) chosen = &r;
    }
    if (chosen == nullptr) add(req.path, req.version);
    else if (!IsLocalPath(chosen->new_path)) add(chosen->new_path, chosen->new_version);
  }
  if (sum != nullptr && ListsOnlyDirectRequirements(mod)) {
    std::map<std::string, std::string> indirect;  // last listed version whose code is hashed
    for (const GoSumEntry& e : *sum) {
      if (!e.go_mod_only) indirect[e.path] = e.version;
    }
    std::sort(required_paths.begin(), required_paths.end());
    for (auto& [path, version] : indirect) {
      if (path == mod.module || std::binary_search(required_paths.begin(), required_paths.end(), path)) continue;
      add(path, version);
    }
  }
  std::string stdlib = StdlibVersionOfGoMod(mod.toolchain.empty() ? mod.go_version : mod.toolchain);
  if (!stdlib.empty()) add("stdlib", std::move(stdlib));
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace hullscan::analyze::go_internal
