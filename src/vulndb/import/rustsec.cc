// RustSec advisory-db importer: a Markdown file whose ```toml block holds [advisory] and [versions],
// followed by a "# Title" heading and the description
// (https://github.com/rustsec/advisory-db/blob/main/CONTRIBUTING.md).
//
// RustSec states what is NOT affected (Cargo requirements under `patched` and `unaffected`); OSV
// states what is. The conversion takes the complement the way the rustsec crate's OSV export does
// (rustsec/src/osv/ranges_for_advisory.rs, what OSV.dev serves for crates.io): each requirement is
// one interval, the intervals are sorted, and the gaps between them become SEMVER ranges
// [introduced, fixed). Versions compare by SemVer 2.0 precedence, as in that export and in
// cargo-audit; an inclusive bound next to a gap becomes the next version in precedence order
// ("1.2.3" → "1.2.4-0"), which OSV can express as "introduced"/"fixed". Two refinements, both
// exact where the export would fail or differ: overlapping requirements are merged instead of
// rejected, and partial versions keep Cargo's meaning ("> 1.2" is ">= 1.3.0", "<= 1.2" is
// "< 1.3.0-0"); the export reads them as "> 1.2.0" / "<= 1.2.0". In this database only one
// advisory, a withdrawn one ("> 0"), uses such a requirement.
#include <toml++/toml.h>

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "base/strings.h"
#include "vulndb/import.h"

namespace hullscan::vulndb {
namespace {

// ---------------------------------------------------------------------------------------------
// SemVer versions and Cargo requirements, just enough to turn requirements into intervals.

struct SemVer {
  uint64_t major = 0;
  uint64_t minor = 0;
  uint64_t patch = 0;
  std::string pre;  // pre-release identifiers, dot-separated; empty for a release

  std::string ToString() const {
    std::string s = std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(patch);
    if (!pre.empty()) s += "-" + pre;
    return s;
  }
};

bool AllDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// SemVer 2.0 §11 precedence of pre-release identifier lists.
int ComparePre(std::string_view a, std::string_view b) {
  if (a.empty() || b.empty()) return a.empty() == b.empty() ? 0 : (a.empty() ? 1 : -1);
  std::vector<std::string_view> xs = Split(a, '.');
  std::vector<std::string_view> ys = Split(b, '.');
  for (size_t i = 0; i < xs.size() && i < ys.size(); ++i) {
    bool xnum = AllDigits(xs[i]);
    bool ynum = AllDigits(ys[i]);
    if (xnum && ynum) {
      // Compare numerically without overflow: longer (no leading zeros in valid SemVer) is larger.
      std::string_view x = xs[i].substr(std::min(xs[i].find_first_not_of('0'), xs[i].size() - 1));
      std::string_view y = ys[i].substr(std::min(ys[i].find_first_not_of('0'), ys[i].size() - 1));
      if (x.size() != y.size()) return x.size() < y.size() ? -1 : 1;
      if (int c = x.compare(y); c != 0) return c < 0 ? -1 : 1;
    } else if (xnum != ynum) {
      return xnum ? -1 : 1;  // numeric identifiers have lower precedence
    } else if (int c = xs[i].compare(ys[i]); c != 0) {
      return c < 0 ? -1 : 1;
    }
  }
  if (xs.size() == ys.size()) return 0;
  return xs.size() < ys.size() ? -1 : 1;
}

int Compare(const SemVer& a, const SemVer& b) {
  if (a.major != b.major) return a.major < b.major ? -1 : 1;
  if (a.minor != b.minor) return a.minor < b.minor ? -1 : 1;
  if (a.patch != b.patch) return a.patch < b.patch ? -1 : 1;
  return ComparePre(a.pre, b.pre);
}

// The least version above v in precedence order: "1.2.3" → "1.2.4-0", "1.2.3-rc.1" → "1.2.3-rc.1.0".
SemVer Successor(SemVer v) {
  if (v.pre.empty()) {
    ++v.patch;
    v.pre = "0";
  } else {
    v.pre += ".0";
  }
  return v;
}

// A version as a Cargo comparator writes it: "1", "1.2", "1.2.3", "1.2.3-alpha.1+build"; "*" or
// "x" in place of the minor or patch field is a wildcard, like leaving it out.
struct PartialVersion {
  SemVer version;  // missing fields are 0
  int fields = 0;  // 1..3: how many of major.minor.patch were given
};

std::optional<uint64_t> ParseNumber(std::string_view s) {
  if (!AllDigits(s) || s.size() > 18) return std::nullopt;
  uint64_t n = 0;
  std::from_chars(s.data(), s.data() + s.size(), n);
  return n;
}

bool IsWildcard(std::string_view s) { return s == "*" || s == "x" || s == "X"; }

bool ValidPrerelease(std::string_view pre) {
  if (pre.empty()) return false;
  for (std::string_view id : Split(pre, '.')) {
    if (id.empty()) return false;
    for (char c : id) {
      bool ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-';
      if (!ok) return false;
    }
  }
  return true;
}

std::optional<PartialVersion> ParsePartialVersion(std::string_view text) {
  PartialVersion out;
  if (size_t plus = text.find('+'); plus != std::string_view::npos) text = text.substr(0, plus);  // build: ignored
  std::string_view core = text;
  if (size_t dash = text.find('-'); dash != std::string_view::npos) {
    core = text.substr(0, dash);
    std::string_view pre = text.substr(dash + 1);
    if (!ValidPrerelease(pre)) return std::nullopt;
    out.version.pre = std::string(pre);
  }
  std::vector<std::string_view> parts = Split(core, '.');
  if (parts.empty() || parts.size() > 3) return std::nullopt;
  uint64_t* fields[] = {&out.version.major, &out.version.minor, &out.version.patch};
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i > 0 && IsWildcard(parts[i])) {
      // "1.*" / "1.2.x": the rest must be wildcards too, and no pre-release
      for (size_t j = i; j < parts.size(); ++j) {
        if (!IsWildcard(parts[j])) return std::nullopt;
      }
      if (!out.version.pre.empty()) return std::nullopt;
      break;
    }
    std::optional<uint64_t> n = ParseNumber(parts[i]);
    if (!n) return std::nullopt;
    *fields[i] = *n;
    out.fields = static_cast<int>(i) + 1;
  }
  if (out.fields == 0) return std::nullopt;
  if (out.fields < 3 && !out.version.pre.empty()) return std::nullopt;  // "1.2-beta" is not a version
  return out;
}

// One end of an interval of versions; `unbounded` means -∞ (lower) or +∞ (upper).
struct Bound {
  bool unbounded = true;
  SemVer version;
  bool inclusive = false;
};

struct Interval {
  Bound lower;
  Bound upper;
};

Bound Inclusive(SemVer v) { return Bound{false, std::move(v), true}; }
Bound Exclusive(SemVer v) { return Bound{false, std::move(v), false}; }

// The first version past all versions that share the given leading fields: for 1.2 (fields=2)
// that is 1.3.0-0, the least version of the next minor series.
SemVer NextSeries(const PartialVersion& p, int fields) {
  SemVer v;
  v.major = p.version.major;
  if (fields == 1) {
    v.major += 1;
  } else if (fields == 2) {
    v.minor = p.version.minor + 1;
  } else {
    v.minor = p.version.minor;
    v.patch = p.version.patch + 1;
  }
  v.pre = "0";
  return v;
}

// The versions one comparator accepts, as an interval (Cargo's reference, "Specifying
// dependencies"; versions ordered by precedence, see the file comment).
std::optional<Interval> ComparatorInterval(std::string_view text) {
  text = TrimSpace(text);
  if (text == "*") return Interval{};
  std::string_view op;
  for (std::string_view candidate : {">=", "<=", ">", "<", "=", "^", "~"}) {
    if (StartsWith(text, candidate)) {
      op = candidate;
      break;
    }
  }
  std::optional<PartialVersion> p = ParsePartialVersion(TrimSpace(text.substr(op.size())));
  if (!p) return std::nullopt;
  const SemVer& v = p->version;
  Interval out;
  if (op.empty() || op == "^") {
    // Caret (also a bare version): changes that do not modify the left-most non-zero field.
    int significant = 1;
    if (v.major == 0 && p->fields >= 2) significant = (v.minor == 0 && p->fields == 3) ? 3 : 2;
    out.lower = Inclusive(v);
    out.upper = Exclusive(NextSeries(*p, significant));
  } else if (op == "~") {
    out.lower = Inclusive(v);
    out.upper = Exclusive(NextSeries(*p, p->fields == 1 ? 1 : 2));
  } else if (op == "=") {
    out.lower = Inclusive(v);
    out.upper = p->fields == 3 ? Inclusive(v) : Exclusive(NextSeries(*p, p->fields));
  } else if (op == ">=") {
    out.lower = Inclusive(v);
  } else if (op == ">") {
    if (p->fields == 3) {
      out.lower = Exclusive(v);
    } else {
      SemVer next = NextSeries(*p, p->fields);
      next.pre.clear();  // "> 1.2" accepts 1.3.0 but, being a release comparator, not 1.3.0-0
      out.lower = Inclusive(next);
    }
  } else if (op == "<") {
    out.upper = Exclusive(v);
  } else if (op == "<=") {
    out.upper = p->fields == 3 ? Inclusive(v) : Exclusive(NextSeries(*p, p->fields));
  }
  return out;
}

// Lower bounds: which one starts later. Upper bounds: which one ends earlier.
bool LowerIsTighter(const Bound& a, const Bound& b) {
  if (b.unbounded) return !a.unbounded;
  if (a.unbounded) return false;
  int c = Compare(a.version, b.version);
  return c > 0 || (c == 0 && !a.inclusive && b.inclusive);
}

bool UpperIsTighter(const Bound& a, const Bound& b) {
  if (b.unbounded) return !a.unbounded;
  if (a.unbounded) return false;
  int c = Compare(a.version, b.version);
  return c < 0 || (c == 0 && !a.inclusive && b.inclusive);
}

bool IsEmpty(const Interval& i) {
  if (i.lower.unbounded || i.upper.unbounded) return false;
  int c = Compare(i.lower.version, i.upper.version);
  return c > 0 || (c == 0 && !(i.lower.inclusive && i.upper.inclusive));
}

// A requirement ("comparator, comparator, …", all must hold) as one interval, nullopt when it
// does not parse; an empty interval when nothing satisfies it.
std::optional<Interval> RequirementInterval(std::string_view requirement) {
  Interval out;
  bool any = false;
  for (std::string_view comparator : Split(requirement, ',')) {
    std::optional<Interval> c = ComparatorInterval(comparator);
    if (!c) return std::nullopt;
    if (LowerIsTighter(c->lower, out.lower)) out.lower = c->lower;
    if (UpperIsTighter(c->upper, out.upper)) out.upper = c->upper;
    any = true;
  }
  if (!any) return std::nullopt;
  return out;
}

// Whether `upper` (the end of one interval) reaches or touches `lower` (the start of a later one),
// so that no version lies between them.
bool Touches(const Bound& upper, const Bound& lower) {
  if (upper.unbounded || lower.unbounded) return true;
  int c = Compare(upper.version, lower.version);
  return c > 0 || (c == 0 && (upper.inclusive || lower.inclusive));
}

// The SEMVER range of versions outside all `unaffected` intervals.
version::osv::Range AffectedRange(std::vector<Interval> unaffected) {
  using version::osv::Event;
  std::erase_if(unaffected, IsEmpty);
  std::sort(unaffected.begin(), unaffected.end(),
            [](const Interval& a, const Interval& b) { return LowerIsTighter(b.lower, a.lower); });
  // Merge overlapping and adjacent intervals.
  std::vector<Interval> merged;
  for (Interval& i : unaffected) {
    if (!merged.empty() && Touches(merged.back().upper, i.lower)) {
      if (UpperIsTighter(merged.back().upper, i.upper)) merged.back().upper = i.upper;
    } else {
      merged.push_back(std::move(i));
    }
  }
  version::osv::Range range;
  range.type = version::osv::RangeType::kSemver;
  // Walk the gaps: before the first interval, between intervals, after the last.
  Bound gap_start;  // unbounded: from the lowest version
  bool open = true;
  for (const Interval& i : merged) {
    if (open) {
      if (!i.lower.unbounded) {
        range.events.push_back(
            Event{Event::Kind::kIntroduced,
                  gap_start.unbounded ? "0"
                                      : (gap_start.inclusive ? gap_start.version : Successor(gap_start.version))
                                            .ToString()});
        range.events.push_back(Event{Event::Kind::kFixed, (i.lower.inclusive ? i.lower.version
                                                                             : Successor(i.lower.version))
                                                              .ToString()});
      }
    }
    if (i.upper.unbounded) {
      open = false;
      break;
    }
    // The next gap starts right after this interval's end.
    gap_start = i.upper.inclusive ? Exclusive(i.upper.version) : Inclusive(i.upper.version);
  }
  if (open) {
    range.events.push_back(Event{
        Event::Kind::kIntroduced,
        gap_start.unbounded ? "0"
                            : (gap_start.inclusive ? gap_start.version : Successor(gap_start.version)).ToString()});
  }
  return range;
}

// ---------------------------------------------------------------------------------------------
// The file.

struct Parts {
  std::string_view toml;
  std::string_view markdown;
};

// Splits "```toml\n…\n```\n<markdown>". nullopt without a closed toml fence.
std::optional<Parts> SplitFrontMatter(std::string_view content) {
  if (StartsWith(content, "\xEF\xBB\xBF")) content.remove_prefix(3);  // UTF-8 BOM
  size_t pos = 0;
  std::optional<size_t> toml_start;
  while (pos < content.size()) {
    size_t eol = content.find('\n', pos);
    size_t next = eol == std::string_view::npos ? content.size() : eol + 1;
    std::string_view line = TrimSpace(content.substr(pos, next - pos));
    if (!toml_start) {
      if (line == "```toml") {
        toml_start = next;
      } else if (!line.empty()) {
        return std::nullopt;  // the front matter must come first
      }
    } else if (line == "```") {
      return Parts{content.substr(*toml_start, pos - *toml_start), content.substr(next)};
    }
    pos = next;
  }
  return std::nullopt;
}

// The title: the first "# " heading; the details: everything after it.
void SplitMarkdown(std::string_view markdown, std::string& title, std::string& details) {
  size_t pos = 0;
  while (pos < markdown.size()) {
    size_t eol = markdown.find('\n', pos);
    size_t next = eol == std::string_view::npos ? markdown.size() : eol + 1;
    std::string_view line = markdown.substr(pos, next - pos);
    if (StartsWith(line, "# ")) {
      title = std::string(TrimSpace(line.substr(2)));
      details = std::string(TrimSpace(markdown.substr(next)));
      return;
    }
    pos = next;
  }
  details = std::string(TrimSpace(markdown));
}

// A string field or a TOML date ("date = 2021-01-10" unquoted is legal TOML), as text.
std::optional<std::string> StringOrDate(const toml::node& node) {
  if (const auto* s = node.as_string()) return s->get();
  if (const auto* d = node.as_date()) {
    char buf[16];
    std::snprintf(buf, sizeof(buf), "%04d-%02d-%02d", static_cast<int>(d->get().year),
                  static_cast<int>(d->get().month), static_cast<int>(d->get().day));
    return std::string(buf);
  }
  return std::nullopt;
}

Result<std::vector<std::string>> StringList(const toml::table& table, std::string_view key, std::string_view where) {
  std::vector<std::string> out;
  const toml::node* node = table.get(key);
  if (node == nullptr) return out;
  const toml::array* array = node->as_array();
  if (array == nullptr) return Corrupt(std::string(where) + "." + std::string(key) + " is not an array");
  for (const toml::node& item : *array) {
    const auto* s = item.as_string();
    if (s == nullptr) return Corrupt(std::string(where) + "." + std::string(key) + " has a non-string element");
    out.push_back(s->get());
  }
  return out;
}

Result<std::string> OptionalString(const toml::table& table, std::string_view key) {
  const toml::node* node = table.get(key);
  if (node == nullptr) return std::string();
  std::optional<std::string> s = StringOrDate(*node);
  if (!s) return Corrupt("advisory." + std::string(key) + " is not a string");
  return *s;
}

// rust/<component>/<file>.md: advisories for the Rust toolchain itself (std, cargo, rustdoc), not
// for crates. The path decides, as in the advisory-db layout.
bool IsToolchainAdvisory(std::string_view path) {
  std::vector<std::string_view> parts = Split(path, '/');
  return parts.size() >= 3 && parts[parts.size() - 3] == "rust";
}

Result<Advisory> ConvertAdvisory(std::string_view path, std::string_view content) {
  std::optional<Parts> parts = SplitFrontMatter(content);
  if (!parts) return Corrupt("no ```toml front matter");
  toml::table doc;
  try {
    doc = toml::parse(parts->toml, path);
  } catch (const toml::parse_error& e) {
    const toml::source_position& at = e.source().begin;
    return Corrupt("TOML line " + std::to_string(at.line + 1) + ": " + std::string(e.description()));
  }
  const toml::table* advisory_table = doc["advisory"].as_table();
  if (advisory_table == nullptr) return Corrupt("no [advisory] table");
  const toml::table& t = *advisory_table;

  Advisory adv;
  adv.source = "rustsec";
  HS_ASSIGN_OR_RETURN(adv.id, OptionalString(t, "id"));
  adv.id = std::string(TrimSpace(adv.id));
  if (adv.id.empty()) return Corrupt("advisory has no id");
  HS_ASSIGN_OR_RETURN(std::string package, OptionalString(t, "package"));
  package = std::string(TrimSpace(package));
  if (package.empty()) return Corrupt("advisory has no package");
  HS_ASSIGN_OR_RETURN(adv.published, OptionalString(t, "date"));
  HS_ASSIGN_OR_RETURN(std::string withdrawn, OptionalString(t, "withdrawn"));
  adv.withdrawn = !withdrawn.empty();
  HS_ASSIGN_OR_RETURN(adv.aliases, StringList(t, "aliases", "advisory"));
  std::erase_if(adv.aliases, [&](const std::string& a) { return a.empty() || a == adv.id; });
  std::sort(adv.aliases.begin(), adv.aliases.end());
  adv.aliases.erase(std::unique(adv.aliases.begin(), adv.aliases.end()), adv.aliases.end());

  HS_ASSIGN_OR_RETURN(std::string url, OptionalString(t, "url"));
  if (!url.empty()) adv.references.push_back(url);
  HS_ASSIGN_OR_RETURN(std::vector<std::string> references, StringList(t, "references", "advisory"));
  for (std::string& r : references) {
    if (!r.empty() && std::find(adv.references.begin(), adv.references.end(), r) == adv.references.end()) {
      adv.references.push_back(std::move(r));
    }
  }

  HS_ASSIGN_OR_RETURN(std::string cvss, OptionalString(t, "cvss"));
  if (!cvss.empty()) {
    Severity sev;
    sev.source = "rustsec";
    sev.cvss_vector = cvss;
    if (StartsWith(cvss, "CVSS:")) sev.cvss_version = cvss.substr(5, cvss.find('/') - 5);
    sev.cvss_score = CvssBaseScore(cvss);
    sev.level = SeverityFromScore(sev.cvss_score);
    adv.severities.push_back(std::move(sev));
  }
  HS_ASSIGN_OR_RETURN(std::string informational, OptionalString(t, "informational"));
  informational = std::string(TrimSpace(informational));

  SplitMarkdown(parts->markdown, adv.summary, adv.details);

  // [versions]: absent means nothing is patched or unaffected.
  std::vector<std::string> patched;
  std::vector<std::string> unaffected;
  if (const toml::node* versions_node = doc.get("versions")) {
    const toml::table* versions = versions_node->as_table();
    if (versions == nullptr) return Corrupt("versions is not a table");
    HS_ASSIGN_OR_RETURN(patched, StringList(*versions, "patched", "versions"));
    HS_ASSIGN_OR_RETURN(unaffected, StringList(*versions, "unaffected", "versions"));
  }
  std::vector<Interval> not_affected;
  AffectedPackage pkg;
  for (const std::vector<std::string>* list : {&patched, &unaffected}) {
    for (const std::string& requirement : *list) {
      std::optional<Interval> interval = RequirementInterval(requirement);
      if (!interval) return Corrupt("versions: not a Cargo version requirement: " + QuoteForMessage(requirement));
      if (list == &patched) {
        // "fixed in" for display: the version a patched requirement starts at, as written.
        std::string_view first = TrimSpace(Split(requirement, ',').front());
        std::string shown(first);
        if (StartsWith(first, ">=") || StartsWith(first, "^") || StartsWith(first, "=")) {
          shown = std::string(TrimSpace(first.substr(first.find_first_not_of(">=^"))));
        }
        if (std::find(pkg.fixed_versions.begin(), pkg.fixed_versions.end(), shown) == pkg.fixed_versions.end()) {
          pkg.fixed_versions.push_back(std::move(shown));
        }
      }
      not_affected.push_back(std::move(*interval));
    }
  }

  // Toolchain advisories (rust/std, rust/cargo, rust/rustdoc) name no crate: "std" is not a
  // crates.io package, and an image's Rust toolchain is not something we inventory. They are kept
  // (for their ids, aliases and text) without affected packages, so they never match.
  if (IsToolchainAdvisory(path)) return adv;

  version::osv::Range range = AffectedRange(std::move(not_affected));
  if (range.events.empty()) return adv;  // every version is patched or unaffected
  pkg.ecosystem = "crates.io";
  pkg.package = NormalizePackageName("crates.io", package);
  pkg.scheme = std::string(SchemeForEcosystem("crates.io"));
  pkg.state = patched.empty() ? FixState::kAffected : FixState::kFixed;
  pkg.affected.ranges.push_back(std::move(range));
  pkg.record = adv.id;
  if (!informational.empty()) pkg.note = "informational: " + informational;
  adv.affected.push_back(std::move(pkg));
  return adv;
}

}  // namespace

Result<FeedFile> ImportRustsec(std::string_view path, std::string_view content, Sink& sink) {
  FeedFile file;
  file.path = std::string(path);
  file.format = std::string(kFormatRustsec);
  Result<Advisory> adv = [&]() -> Result<Advisory> {
    try {
      return ConvertAdvisory(path, content);
    } catch (const std::exception& e) {  // toml++ and allocation failures not caught above
      return Corrupt(e.what());
    }
  }();
  if (!adv.ok()) {
    ++file.diagnostics;
    sink.Diagnose(path, adv.error().message());
    return file;
  }
  const bool withdrawn = adv->withdrawn;
  HS_TRY_CTX(sink.AddAdvisory(std::move(adv).value()), path);
  ++file.records;
  if (withdrawn) ++file.withdrawn;
  return file;
}

}  // namespace hullscan::vulndb
