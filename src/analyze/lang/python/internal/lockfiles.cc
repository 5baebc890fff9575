#include "analyze/lang/python/internal/lockfiles.h"

#include <algorithm>
#include <exception>
#include <map>
#include <set>
#include <optional>
#include <string>
#include <utility>

#include <nlohmann/json.hpp>
#include <toml++/toml.h>

#include "base/strings.h"

namespace hullscan::analyze::python_internal {
namespace {

inventory::Package MakePackage(std::string_view name, std::string_view version, bool dev) {
  inventory::Package package;
  package.type = inventory::PackageType::kPypi;
  package.name = name;
  package.version = version;
  package.dev = dev;
  return package;
}

bool IsAlnum(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }

// PEP 508 names: letters, digits, '.', '_', '-', starting and ending with a letter or digit.
bool IsValidName(std::string_view name) {
  if (name.empty() || !IsAlnum(name.front()) || !IsAlnum(name.back())) return false;
  for (char c : name) {
    if (!IsAlnum(c) && c != '.' && c != '_' && c != '-') return false;
  }
  return true;
}

// A pinned PEP 440 version (public and local parts); wildcards are not pins.
bool IsValidPinnedVersion(std::string_view version) {
  if (version.empty() || !IsAlnum(version.front())) return false;
  for (char c : version) {
    if (!IsAlnum(c) && c != '.' && c != '_' && c != '-' && c != '+' && c != '!') return false;
  }
  return true;
}

// UTF-16LE (with its byte-order mark, as Windows editors write it) to UTF-8 for the ASCII
// range requirement files use; other characters become '?', which makes their line invalid.
std::string FromUtf16Le(std::string_view text) {
  std::string out;
  out.reserve(text.size() / 2);
  for (size_t i = 2; i + 1 < text.size(); i += 2) {
    unsigned lo = static_cast<unsigned char>(text[i]), hi = static_cast<unsigned char>(text[i + 1]);
    out.push_back(hi == 0 && lo < 0x80 ? static_cast<char>(lo) : '?');
  }
  return out;
}

// One logical requirement line (continuations joined) → a pinned package, if it is one.
void ParseRequirementLine(std::string_view line, size_t line_number, std::vector<inventory::Package>& out,
                          Problems& problems) {
  // Comments. pip needs whitespace before '#', but "pkg==1.0#comment" is common and meant as one
  // (Trivy reads it so); only in a URL ("…://…#egg=name") is '#' part of the requirement.
  const bool has_url = line.find("://") != std::string_view::npos;
  for (size_t i = 0; i < line.size(); ++i) {
    if (line[i] == '#' && (!has_url || i == 0 || line[i - 1] == ' ' || line[i - 1] == '\t')) {
      line = line.substr(0, i);
      break;
    }
  }
  line = TrimSpace(line);
  if (line.empty() || line.front() == '-') return;  // options: -r, -c, -e, --index-url, …
  // Per-requirement options (" --hash=…") and environment markers ("; python_version < '3.8'").
  for (size_t i = 1; i < line.size(); ++i) {
    if (line[i] == '-' && (line[i - 1] == ' ' || line[i - 1] == '\t')) {
      line = line.substr(0, i);
      break;
    }
  }
  if (size_t marker = line.find(';'); marker != std::string_view::npos) line = line.substr(0, marker);
  size_t op = line.find("==");
  if (op == std::string_view::npos) return;  // unpinned: not a version we can report
  std::string_view name = TrimSpace(line.substr(0, op));
  std::string_view version = line.substr(op + 2);
  if (!version.empty() && version.front() == '=') version.remove_prefix(1);  // "===" arbitrary equality
  version = TrimSpace(version);
  if (size_t comma = version.find(','); comma != std::string_view::npos) version = TrimSpace(version.substr(0, comma));
  if (size_t space = version.find_first_of(" \t"); space != std::string_view::npos) {
    problems.Add(line_number, "text after the version: " + QuoteForMessage(line));
    return;
  }
  if (size_t extras = name.find('['); extras != std::string_view::npos) name = TrimSpace(name.substr(0, extras));
  if (version.find('*') != std::string_view::npos) return;  // "==2.0.*" is a range, not a pin
  if (!IsValidName(name) || !IsValidPinnedVersion(version)) {
    problems.Add(line_number, "not a valid pinned requirement: " + QuoteForMessage(line));
    return;
  }
  out.push_back(MakePackage(name, version, false));
}

// toml++ parse, or nullopt (and a problem) when the text is not TOML.
std::optional<toml::table> ParseToml(std::string_view text, Problems& problems) {
  try {
    return toml::parse(text);
  } catch (const toml::parse_error& e) {
    problems.Add(e.source().begin.line, std::string("not valid TOML: ") + std::string(e.description()));
  } catch (const std::exception& e) {
    problems.Add(0, std::string("not valid TOML: ") + e.what());
  }
  return std::nullopt;
}

bool ArrayHasString(const toml::node* node, std::string_view value) {
  const toml::array* array = node ? node->as_array() : nullptr;
  if (!array) return false;
  for (const toml::node& element : *array) {
    if (auto s = element.value<std::string_view>(); s && *s == value) return true;
  }
  return false;
}

}  // namespace

std::vector<inventory::Package> ParseRequirements(std::string_view text, Problems& problems) {
  std::string converted;
  if (text.size() >= 2 && static_cast<unsigned char>(text[0]) == 0xFF && static_cast<unsigned char>(text[1]) == 0xFE) {
    converted = FromUtf16Le(text);
    text = converted;
  }
  if (StartsWith(text, "\xEF\xBB\xBF")) text.remove_prefix(3);  // UTF-8 byte-order mark

  std::vector<inventory::Package> out;
  std::string logical;  // the current line with its backslash continuations joined
  size_t logical_start = 0;
  size_t line_number = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    ++line_number;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (logical.empty()) logical_start = line_number;
    if (!line.empty() && line.back() == '\\') {
      logical.append(line.substr(0, line.size() - 1)).push_back(' ');
      continue;
    }
    logical.append(line);
    ParseRequirementLine(logical, logical_start, out, problems);
    logical.clear();
  }
  if (!logical.empty()) ParseRequirementLine(logical, logical_start, out, problems);
  return out;
}

std::vector<inventory::Package> ParsePipfileLock(std::string_view text, Problems& problems) {
  std::vector<inventory::Package> out;
  if (TrimSpace(text).empty()) return out;
  nlohmann::json doc = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object()) {
    problems.Add(0, "not a Pipfile.lock (JSON object expected)");
    return out;
  }
  for (const auto& [section, dev] : {std::pair<const char*, bool>{"default", false}, {"develop", true}}) {
    auto it = doc.find(section);
    if (it == doc.end() || !it->is_object()) continue;
    for (const auto& [name, entry] : it->items()) {
      if (!entry.is_object()) continue;
      auto version_it = entry.find("version");
      // Entries without a version are VCS or path dependencies: nothing to match.
      if (version_it == entry.end() || !version_it->is_string()) continue;
      std::string_view version = version_it->get_ref<const std::string&>();
      if (StartsWith(version, "==")) version.remove_prefix(2);
      if (!IsValidPinnedVersion(version)) {
        problems.Add(0, "package " + QuoteForMessage(name) + ": unusable version " + QuoteForMessage(version));
        continue;
      }
      // A package in both sections is a production dependency.
      auto same = std::find_if(out.begin(), out.end(),
                               [&](const inventory::Package& p) { return p.name == name && p.version == version; });
      if (same != out.end()) {
        same->dev = same->dev && dev;
        continue;
      }
      out.push_back(MakePackage(name, version, dev));
    }
  }
  return out;
}

std::vector<inventory::Package> ParsePoetryLock(std::string_view text, Problems& problems) {
  std::vector<inventory::Package> out;
  auto doc = ParseToml(text, problems);
  if (!doc) return out;
  const toml::array* packages = (*doc)["package"].as_array();
  if (!packages) return out;
  for (const toml::node& node : *packages) {
    const toml::table* entry = node.as_table();
    if (!entry) continue;
    auto name = (*entry)["name"].value<std::string_view>();
    auto version = (*entry)["version"].value<std::string_view>();
    if (!name || !version || name->empty() || version->empty()) {
      problems.Add(0, "[[package]] without name or version");
      continue;
    }
    bool dev = (*entry)["category"].value<std::string_view>() == std::optional<std::string_view>("dev");
    const toml::node* groups = entry->get("groups");
    if (groups && ArrayHasString(groups, "dev") && !ArrayHasString(groups, "main")) dev = true;
    out.push_back(MakePackage(*name, *version, dev));
  }
  return out;
}

std::vector<inventory::Package> ParseUvLock(std::string_view text, Problems& problems) {
  std::vector<inventory::Package> out;
  auto doc = ParseToml(text, problems);
  if (!doc) return out;
  const toml::array* packages = (*doc)["package"].as_array();
  if (!packages) return out;

  // Names listed in a dependency array: [{ name = "x" }, …].
  auto names_in = [](const toml::node* node, std::vector<std::string>& names) {
    const toml::array* array = node ? node->as_array() : nullptr;
    if (!array) return;
    for (const toml::node& element : *array) {
      if (const toml::table* dep = element.as_table()) {
        if (auto name = (*dep)["name"].value<std::string>()) names.push_back(std::move(*name));
      }
    }
  };
  // Each group table (optional-dependencies, dev-dependencies) holds one array per group.
  auto names_in_groups = [&](const toml::node* node, std::vector<std::string>& names) {
    const toml::table* groups = node ? node->as_table() : nullptr;
    if (!groups) return;
    for (const auto& [group, deps] : *groups) names_in(&deps, names);
  };

  std::map<std::string, std::vector<std::string>, std::less<>> dependencies;  // package → its dependencies
  std::vector<std::string> prod_roots, dev_roots;
  for (const toml::node& node : *packages) {
    const toml::table* entry = node.as_table();
    if (!entry) continue;
    auto name = (*entry)["name"].value<std::string>();
    if (!name) continue;
    const toml::table* source = (*entry)["source"].as_table();
    if (source && (source->contains("editable") || source->contains("virtual"))) {
      // The project itself: its dependencies (and extras) are production, its dev groups are dev.
      names_in(entry->get("dependencies"), prod_roots);
      names_in_groups(entry->get("optional-dependencies"), prod_roots);
      names_in_groups(entry->get("dev-dependencies"), dev_roots);
      continue;
    }
    std::vector<std::string>& deps = dependencies[*name];
    names_in(entry->get("dependencies"), deps);
    names_in_groups(entry->get("optional-dependencies"), deps);
  }
  // What production needs, transitively; a package reachable only from dev groups is dev.
  std::set<std::string, std::less<>> needed_by_prod;
  std::vector<std::string> stack = prod_roots;
  while (!stack.empty()) {
    std::string name = std::move(stack.back());
    stack.pop_back();
    if (!needed_by_prod.insert(name).second) continue;
    if (auto it = dependencies.find(name); it != dependencies.end()) {
      stack.insert(stack.end(), it->second.begin(), it->second.end());
    }
  }
  const bool has_dev_groups = !dev_roots.empty();

  for (const toml::node& node : *packages) {
    const toml::table* entry = node.as_table();
    if (!entry) continue;
    auto name = (*entry)["name"].value<std::string_view>();
    auto version = (*entry)["version"].value<std::string_view>();
    if (!name || !version || name->empty() || version->empty()) {
      problems.Add(0, "[[package]] without name or version");
      continue;
    }
    // The project itself (and workspace members) come from the source tree, not from an index.
    if (const toml::table* source = (*entry)["source"].as_table()) {
      if (source->contains("editable") || source->contains("virtual")) continue;
    }
    const bool dev = has_dev_groups && needed_by_prod.count(*name) == 0;
    out.push_back(MakePackage(*name, *version, dev));
  }
  return out;
}

}  // namespace hullscan::analyze::python_internal
