#include "analyze/dpkg/internal/status.h"

#include <algorithm>
#include <array>
#include <climits>
#include <tuple>
#include <utility>

namespace hullscan::analyze::dpkg_internal {
namespace {

bool IsAsciiDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAsciiAlnum(char c) { return IsAsciiDigit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

std::string_view TrimBlanks(std::string_view s) {
  size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return {};
  size_t e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

// dpkg's pkg_name_is_illegal(): an alphanumeric, then alphanumerics and "-+._".
std::string_view CheckPackageName(std::string_view name) {
  if (name.empty()) return "may not be empty string";
  if (!IsAsciiAlnum(name[0])) return "must start with an alphanumeric character";
  for (char c : name) {
    if (!IsAsciiAlnum(c) && c != '-' && c != '+' && c != '.' && c != '_') return "character not allowed";
  }
  return {};
}

// Splits a Status value "want flag state" into its words; false unless there are exactly three.
bool SplitStatus(std::string_view value, std::array<std::string_view, 3>& words) {
  size_t n = 0;
  size_t i = 0;
  while (i < value.size()) {
    while (i < value.size() && (value[i] == ' ' || value[i] == '\t')) ++i;
    if (i == value.size()) break;
    size_t j = i;
    while (j < value.size() && value[j] != ' ' && value[j] != '\t') ++j;
    if (n == words.size()) return false;
    words[n++] = value.substr(i, j - i);
    i = j;
  }
  return n == words.size();
}

// States in which dpkg has begun but not finished putting the package's files in place, or has
// placed them without configuring the package. Reported, because the files may well be there.
bool IsIncompleteState(std::string_view state) {
  return state == "half-installed" || state == "unpacked" || state == "half-configured";
}

// The fields a stanza is read for, found in one pass over it.
struct Picked {
  const Field* package = nullptr;
  const Field* status = nullptr;
  const Field* version = nullptr;
  const Field* arch = nullptr;
  const Field* source = nullptr;
  const Field* maintainer = nullptr;
  const Field* conffiles = nullptr;
  // vcpkg writes a status database with dpkg's syntax (and under a directory layout dpkg's own
  // looks like: <root>/installed/vcpkg/{status,info/}), so a scanner that finds databases by
  // shape, as claircore does, meets it. Its stanzas carry fields dpkg never writes: Abi (a build
  // hash), Feature (one stanza per optional feature of a port) and "Type: Port".
  bool vcpkg_fields = false;
  std::string_view duplicate;  // the first of the fields above that occurs twice
};

constexpr std::pair<std::string_view, const Field * Picked::*> kPickedFields[] = {
    {"Package", &Picked::package},     {"Status", &Picked::status}, {"Version", &Picked::version},
    {"Architecture", &Picked::arch},   {"Source", &Picked::source}, {"Maintainer", &Picked::maintainer},
    {"Conffiles", &Picked::conffiles},
};

bool IsVcpkgField(const Field& f) {
  return EqualsIgnoreCase(f.name, "Abi") || EqualsIgnoreCase(f.name, "Feature") ||
         (EqualsIgnoreCase(f.name, "Type") && f.value == "Port");
}

Picked Pick(const Stanza& st) {
  Picked out;
  for (const Field& f : st.fields) {
    bool picked = false;
    for (const auto& [name, member] : kPickedFields) {
      if (!EqualsIgnoreCase(f.name, name)) continue;
      picked = true;
      if (out.*member == nullptr) {
        out.*member = &f;
      } else if (out.duplicate.empty()) {
        out.duplicate = name;
      }
      break;
    }
    if (!picked && IsVcpkgField(f)) out.vcpkg_fields = true;
  }
  return out;
}

// "Conffiles:" lines are " <path> <md5> [obsolete|remove-on-upgrade]"; the path may contain
// blanks, so the line is read from its end.
void ParseConffiles(std::string_view value, size_t line, std::vector<std::string>& out, Problems& problems) {
  ForEachValueLine(value, [&](std::string_view entry) {
    auto last_word = [](std::string_view s) {
      size_t sp = s.find_last_of(" \t");
      return sp == std::string_view::npos ? s : s.substr(sp + 1);
    };
    std::string_view word = last_word(entry);
    bool dropped = false;
    if (word == "obsolete" || word == "remove-on-upgrade") {
      // No longer part of the installed version of the package.
      dropped = true;
      entry = TrimBlanks(entry.substr(0, entry.size() - word.size()));
      word = last_word(entry);
    }
    if (word.size() == entry.size()) {
      problems.Add(line, "Conffiles entry without a hash " + QuoteForMessage(entry));
      return;
    }
    std::string_view path = TrimBlanks(entry.substr(0, entry.size() - word.size()));
    if (path.size() < 2 || path[0] != '/') {
      problems.Add(line, "Conffiles entry with a bad path " + QuoteForMessage(path));
      return;
    }
    while (!path.empty() && path.front() == '/') path.remove_prefix(1);
    if (!dropped && !path.empty()) out.emplace_back(path);
  });
}

std::string Who(std::string_view package) { return "package " + QuoteForMessage(package) + ": "; }

class StatusParser {
 public:
  StatusParser(StatusKind kind, Problems& problems) : kind_(kind), problems_(problems) {}

  void Parse(const Stanza& st, const Picked& f, std::vector<InstalledPackage>& out) {
    if (f.package == nullptr) {
      problems_.Add(st.first_line, "stanza without a Package field; skipped");
      return;
    }
    const std::string_view name = f.package->value;
    if (std::string_view why = CheckPackageName(name); !why.empty()) {
      problems_.Add(f.package->line,
                    "invalid package name " + QuoteForMessage(name) + ": " + std::string(why) + "; stanza skipped");
      return;
    }
    if (!f.duplicate.empty()) {
      problems_.Add(st.first_line, Who(name) + "more than one " + QuoteForMessage(f.duplicate) +
                                       " field (a missing blank line between stanzas?); the first one is used");
    }

    if (!Installed(st, f.status, name)) return;

    if (f.version == nullptr || f.version->value.empty()) {
      problems_.Add(st.first_line, Who(name) + "no Version; skipped");
      return;
    }
    if (std::string_view why = CheckDebianVersion(f.version->value); !why.empty()) {
      problems_.Add(f.version->line,
                    Who(name) + "invalid Version " + QuoteForMessage(f.version->value) + ": " + std::string(why) + "; skipped");
      return;
    }

    InstalledPackage entry;
    inventory::Package& p = entry.package;
    p.type = inventory::PackageType::kDeb;
    p.name = name;
    p.version = f.version->value;
    if (f.arch != nullptr) p.arch = f.arch->value;
    if (f.maintainer != nullptr) p.maintainer = f.maintainer->value;
    Source(f.source, p);
    if (f.conffiles != nullptr) ParseConffiles(f.conffiles->value, f.conffiles->line, entry.conffiles, problems_);
    out.push_back(std::move(entry));
  }

 private:
  bool Installed(const Stanza& st, const Field* status, std::string_view name) {
    if (status == nullptr) {
      if (kind_ == StatusKind::kStatusDir) return true;  // distroless: present means installed
      problems_.Add(st.first_line, Who(name) + "no Status field; not installed (dpkg's reading)");
      return false;
    }
    std::array<std::string_view, 3> words;
    if (!SplitStatus(status->value, words)) {
      problems_.Add(status->line,
                    Who(name) + "malformed Status " + QuoteForMessage(status->value) + "; not counted as installed");
      return false;
    }
    const std::string_view state = words[2];
    if (IsInstalledState(state)) return true;
    if (IsIncompleteState(state)) {
      problems_.Add(status->line, Who(name) + "state " + QuoteForMessage(state) +
                                      ": its files may be on disk, but dpkg does not count it as installed");
    } else if (state != "config-files" && state != "not-installed") {
      problems_.Add(status->line, Who(name) + "unknown package state " + QuoteForMessage(state) + "; not counted as installed");
    }
    return false;
  }

  // "Source: name" or "Source: name (version)"; dpkg defaults both parts to the binary's.
  void Source(const Field* source, inventory::Package& p) {
    p.source_name = p.name;
    p.source_version = p.version;
    if (source == nullptr || source->value.empty()) return;
    std::string_view value = source->value;
    const size_t name_end = std::min(value.find_first_of(" \t("), value.size());
    std::string_view name = value.substr(0, name_end);
    std::string_view rest = TrimBlanks(value.substr(name_end));
    if (std::string_view why = CheckPackageName(name); !why.empty()) {
      problems_.Add(source->line, Who(p.name) + "invalid Source " + QuoteForMessage(value) + ": " + std::string(why) +
                                      "; using the binary package's name and version");
      return;
    }
    p.source_name = name;
    if (rest.empty()) return;
    if (rest.size() < 2 || rest.front() != '(' || rest.back() != ')') {
      problems_.Add(source->line,
                    Who(p.name) + "malformed Source " + QuoteForMessage(value) + "; using the binary package's version");
      return;
    }
    std::string_view version = TrimBlanks(rest.substr(1, rest.size() - 2));
    if (std::string_view why = CheckDebianVersion(version); !why.empty()) {
      problems_.Add(source->line, Who(p.name) + "invalid Source version " + QuoteForMessage(version) + ": " + std::string(why) +
                                      "; using the binary package's version");
      return;
    }
    p.source_version = version;
  }

  StatusKind kind_;
  Problems& problems_;
};

}  // namespace

std::string_view CheckDebianVersion(std::string_view version) {
  if (version.empty()) return "version string is empty";
  for (char c : version) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') return "version string has embedded spaces";
  }
  std::string_view rest = version;
  if (size_t colon = version.find(':'); colon != std::string_view::npos) {
    std::string_view epoch = version.substr(0, colon);
    if (epoch.empty()) return "epoch in version is empty";
    long long value = 0;
    for (char c : epoch) {
      if (!IsAsciiDigit(c)) return "epoch in version is not number";
      value = value * 10 + (c - '0');
      if (value > INT_MAX) return "epoch in version is too big";
    }
    rest = version.substr(colon + 1);
    if (rest.empty()) return "nothing after colon in version number";
  }
  std::string_view upstream = rest;
  std::string_view revision;
  if (size_t hyphen = rest.rfind('-'); hyphen != std::string_view::npos) {
    upstream = rest.substr(0, hyphen);
    revision = rest.substr(hyphen + 1);
    if (revision.empty()) return "revision number is empty";
  }
  if (upstream.empty()) return "version number is empty";
  // dpkg only warns when the upstream part does not start with a digit; so do we (by accepting).
  for (char c : upstream) {
    if (!IsAsciiAlnum(c) && c != '.' && c != '-' && c != '+' && c != '~' && c != ':') {
      return "invalid character in version number";
    }
  }
  for (char c : revision) {
    if (!IsAsciiAlnum(c) && c != '.' && c != '+' && c != '~') return "invalid character in revision number";
  }
  return {};
}

bool IsInstalledState(std::string_view state) {
  return state == "installed" || state == "triggers-pending" || state == "triggers-awaited";
}

ParsedStatus ParseStatus(std::string_view text, StatusKind kind, Problems& problems) {
  ParsedStatus out;
  // Stanza problems are held back until we know the file is a dpkg database at all.
  Problems local;
  StatusParser parser(kind, local);
  StanzaReader reader(text);
  Stanza st;
  size_t stanzas = 0;
  size_t vcpkg_stanzas = 0;
  while (reader.Next(st, local)) {
    if (st.fields.empty()) continue;
    ++stanzas;
    const Picked picked = Pick(st);
    if (picked.vcpkg_fields) ++vcpkg_stanzas;
    parser.Parse(st, picked, out.installed);
  }
  // By majority, so that one third-party .deb with an odd extra field cannot hide a whole database.
  if (vcpkg_stanzas > 0 && vcpkg_stanzas * 2 > stanzas) {
    out.installed.clear();
    out.not_dpkg = true;
    problems.Add(0,
                 "not a dpkg database: a vcpkg status file (its stanzas carry vcpkg's Abi/Feature/Type: Port "
                 "fields); no packages taken from it");
    return out;
  }
  problems.Append(std::move(local));
  std::sort(out.installed.begin(), out.installed.end(), [](const InstalledPackage& a, const InstalledPackage& b) {
    return std::tie(a.package.name, a.package.arch, a.package.version) <
           std::tie(b.package.name, b.package.arch, b.package.version);
  });
  return out;
}

std::vector<std::string> ParseInfoList(std::string_view text, Problems& problems) {
  std::vector<std::string_view> entries;
  size_t line_no = 0;
  ForEachValueLine(text, [&](std::string_view line) {
    ++line_no;
    if (line == "/." || line == "/") return;  // the root directory
    if (line[0] != '/') {
      problems.Add(0, "entry " + std::to_string(line_no) + " is not an absolute path: " + QuoteForMessage(line));
      return;
    }
    while (!line.empty() && line.back() == '/') line.remove_suffix(1);
    while (!line.empty() && line.front() == '/') line.remove_prefix(1);
    if (!line.empty()) entries.push_back(line);
  });
  std::sort(entries.begin(), entries.end());
  entries.erase(std::unique(entries.begin(), entries.end()), entries.end());

  // An entry is a directory when another entry lies beneath it. Not simply "the next entry in
  // sorted order": "usr-x" sorts between "usr" and "usr/bin".
  std::vector<std::string> files;
  std::string below;
  for (std::string_view entry : entries) {
    below.assign(entry);
    below.push_back('/');
    auto it = std::lower_bound(entries.begin(), entries.end(), std::string_view(below));
    bool is_dir = it != entries.end() && it->substr(0, below.size()) == below;
    if (!is_dir) files.emplace_back(entry);
  }
  return files;
}

std::vector<std::string> ParseMd5sums(std::string_view text, Problems& problems) {
  std::vector<std::string> files;
  size_t line_no = 0;
  ForEachValueLine(text, [&](std::string_view line) {
    ++line_no;
    // "<32 hex>  <path>" (md5sum's text mode); "<32 hex> *<path>" (binary mode) is accepted too.
    constexpr size_t kHexLen = 32;
    bool ok = line.size() > kHexLen + 1 && (line[kHexLen] == ' ' || line[kHexLen] == '\t');
    for (size_t i = 0; ok && i < kHexLen; ++i) {
      char c = line[i];
      ok = IsAsciiDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }
    std::string_view path;
    if (ok) {
      path = line.substr(kHexLen + 1);
      size_t b = path.find_first_not_of(" \t");
      path = b == std::string_view::npos ? std::string_view() : path.substr(b);
      if (!path.empty() && path[0] == '*') path.remove_prefix(1);
      while (!path.empty() && path[0] == '/') path.remove_prefix(1);
      if (path.substr(0, 2) == "./") path.remove_prefix(2);
      ok = !path.empty();
    }
    if (!ok) {
      problems.Add(0, "md5sums entry " + std::to_string(line_no) + " is not '<md5>  <path>': " + QuoteForMessage(line));
      return;
    }
    files.emplace_back(path);
  });
  std::sort(files.begin(), files.end());
  files.erase(std::unique(files.begin(), files.end()), files.end());
  return files;
}

}  // namespace hullscan::analyze::dpkg_internal
