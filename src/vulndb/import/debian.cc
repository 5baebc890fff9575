// Debian security tracker importers: the tracker's JSON export, the advisory lists
// (data/DSA/list, data/DLA/list, data/DTSA/list) and data/CVE/list.
//
// Namespaces: the tracker names releases by codename; hullscan's namespaces are "debian:<version>"
// (the os analyzer's VERSION_ID). kCodenames maps them; it covers every distribution in the
// tracker's data/config.json (potato … forky, sid; checked by the tests) and the older releases
// buzz … slink that only appear in very old list entries. "sid" is "debian:unstable".
// Releases not in the table (e.g. "experimental") are skipped silently.
//
// Severity: Debian's "urgency" is a triage priority, not a CVSS rating, but it is the only rating
// the tracker gives; like Trivy, we map it to a Severity with source "debian": unimportant →
// NEGLIGIBLE, low → LOW, medium → MEDIUM, high → HIGH ("**"/"*" suffixes, which mark urgencies
// derived automatically, are dropped; "not yet assigned" and "end-of-life" give no severity).
// An advisory spans releases whose urgencies may differ; it gets the highest.
#include <algorithm>
#include <cctype>
#include <array>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/strings.h"
#include "version/scheme.h"
#include "vulndb/import.h"

namespace hullscan::vulndb {
namespace {

using Json = nlohmann::json;

struct Codename {
  std::string_view codename;
  std::string_view ns;
};
// Debian release numbers (https://www.debian.org/releases/). 1.x–3.x keep their minor version,
// which is how /etc/debian_version spelled them; from etch (4.0) on releases are major versions.
constexpr Codename kCodenames[] = {
    {"buzz", "debian:1.1"},   {"rex", "debian:1.2"},      {"bo", "debian:1.3"},       {"hamm", "debian:2.0"},
    {"slink", "debian:2.1"},  {"potato", "debian:2.2"},   {"woody", "debian:3.0"},    {"sarge", "debian:3.1"},
    {"etch", "debian:4"},     {"lenny", "debian:5"},      {"squeeze", "debian:6"},    {"wheezy", "debian:7"},
    {"jessie", "debian:8"},   {"stretch", "debian:9"},    {"buster", "debian:10"},    {"bullseye", "debian:11"},
    {"bookworm", "debian:12"}, {"trixie", "debian:13"},   {"forky", "debian:14"},     {"duke", "debian:15"},
    {"sid", "debian:unstable"},
};

std::string_view NamespaceForCodename(std::string_view codename) {
  for (const Codename& c : kCodenames) {
    if (c.codename == codename) return c.ns;
  }
  return {};
}

// Releases that inherit the unstable fix of data/CVE/list when config.json cannot be read (see
// ImportDebianCveList): the releases the tracker follows as of 2025.
constexpr std::string_view kDefaultTrackedReleases[] = {"bullseye", "bookworm", "trixie"};

// Counts diagnostics into the FeedFile while handing them to the sink.
class Context {
 public:
  Context(std::string_view path, std::string_view format, Sink& sink) : sink_(sink) {
    feed.path = std::string(path);
    feed.format = std::string(format);
  }
  void Diagnose(std::string_view message) {
    ++feed.diagnostics;
    sink_.Diagnose(feed.path, message);
  }
  Status Add(Advisory advisory) {
    ++feed.records;
    if (advisory.withdrawn) ++feed.withdrawn;
    std::sort(advisory.aliases.begin(), advisory.aliases.end());
    advisory.aliases.erase(std::unique(advisory.aliases.begin(), advisory.aliases.end()), advisory.aliases.end());
    return sink_.AddAdvisory(std::move(advisory));
  }
  FeedFile feed;

 private:
  Sink& sink_;
};

const version::Scheme& Dpkg() {
  static const version::Scheme* scheme = version::FindScheme("dpkg");
  return *scheme;
}

// "high**" → "high"; lower-cased.
std::string CleanUrgency(std::string_view urgency) {
  urgency = TrimSpace(urgency);
  while (!urgency.empty() && urgency.back() == '*') urgency.remove_suffix(1);
  return ToLower(urgency);
}

SeverityLevel UrgencyLevel(std::string_view urgency) {
  std::string u = CleanUrgency(urgency);
  if (u == "unimportant") return SeverityLevel::kNegligible;
  if (u == "low" || u == "medium" || u == "high") return ParseSeverity(u);
  return SeverityLevel::kUnknown;
}

void RaiseSeverity(Advisory& advisory, SeverityLevel level) {
  if (level == SeverityLevel::kUnknown) return;
  for (Severity& s : advisory.severities) {
    if (s.source == "debian") {
      if (level > s.level) s.level = level;
      return;
    }
  }
  Severity s;
  s.source = "debian";
  s.level = level;
  advisory.severities.push_back(std::move(s));
}

AffectedPackage MakeAffected(std::string_view ns, std::string_view package, FixState state, std::string_view record) {
  AffectedPackage a;
  a.ecosystem = std::string(ns);
  a.package = NormalizePackageName(ns, package);
  a.scheme = "dpkg";
  a.state = state;
  a.record = std::string(record);
  return a;
}

void SetFixed(AffectedPackage& a, std::string_view fixed) {
  a.state = FixState::kFixed;
  version::osv::Range range;
  range.type = version::osv::RangeType::kEcosystem;
  range.events.push_back({version::osv::Event::Kind::kIntroduced, "0"});
  range.events.push_back({version::osv::Event::Kind::kFixed, std::string(fixed)});
  a.affected.ranges.push_back(std::move(range));
  a.fixed_versions.push_back(std::string(fixed));
}

void AppendNote(std::string& note, std::string_view text) {
  if (text.empty()) return;
  if (!note.empty()) note += "; ";
  note += text;
}

// ---------------------------------------------------------------------------------------------
// MD5 (RFC 1321), only for the tracker's TEMP- names of "CVE-YYYY-XXXX" entries.

std::string Md5Hex(std::string_view data) {
  static constexpr uint32_t kS[64] = {7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22,
                                      5, 9,  14, 20, 5, 9,  14, 20, 5, 9,  14, 20, 5, 9,  14, 20,
                                      4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23,
                                      6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21};
  static constexpr uint32_t kK[64] = {
      0xd76aa478, 0xe8c7b756, 0x242070db, 0xc1bdceee, 0xf57c0faf, 0x4787c62a, 0xa8304613, 0xfd469501,
      0x698098d8, 0x8b44f7af, 0xffff5bb1, 0x895cd7be, 0x6b901122, 0xfd987193, 0xa679438e, 0x49b40821,
      0xf61e2562, 0xc040b340, 0x265e5a51, 0xe9b6c7aa, 0xd62f105d, 0x02441453, 0xd8a1e681, 0xe7d3fbc8,
      0x21e1cde6, 0xc33707d6, 0xf4d50d87, 0x455a14ed, 0xa9e3e905, 0xfcefa3f8, 0x676f02d9, 0x8d2a4c8a,
      0xfffa3942, 0x8771f681, 0x6d9d6122, 0xfde5380c, 0xa4beea44, 0x4bdecfa9, 0xf6bb4b60, 0xbebfbc70,
      0x289b7ec6, 0xeaa127fa, 0xd4ef3085, 0x04881d05, 0xd9d4d039, 0xe6db99e5, 0x1fa27cf8, 0xc4ac5665,
      0xf4292244, 0x432aff97, 0xab9423a7, 0xfc93a039, 0x655b59c3, 0x8f0ccc92, 0xffeff47d, 0x85845dd1,
      0x6fa87e4f, 0xfe2ce6e0, 0xa3014314, 0x4e0811a1, 0xf7537e82, 0xbd3af235, 0x2ad7d2bb, 0xeb86d391};
  uint32_t h[4] = {0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476};
  std::string msg(data);
  uint64_t bit_len = static_cast<uint64_t>(data.size()) * 8;
  msg.push_back(static_cast<char>(0x80));
  while (msg.size() % 64 != 56) msg.push_back('\0');
  for (int i = 0; i < 8; ++i) msg.push_back(static_cast<char>((bit_len >> (8 * i)) & 0xff));
  for (size_t off = 0; off < msg.size(); off += 64) {
    uint32_t w[16];
    for (int i = 0; i < 16; ++i) {
      const auto* p = reinterpret_cast<const unsigned char*>(msg.data() + off + 4 * i);
      w[i] = uint32_t{p[0]} | (uint32_t{p[1]} << 8) | (uint32_t{p[2]} << 16) | (uint32_t{p[3]} << 24);
    }
    uint32_t a = h[0], b = h[1], c = h[2], d = h[3];
    for (uint32_t i = 0; i < 64; ++i) {
      uint32_t f, g;
      if (i < 16) {
        f = (b & c) | (~b & d);
        g = i;
      } else if (i < 32) {
        f = (d & b) | (~d & c);
        g = (5 * i + 1) % 16;
      } else if (i < 48) {
        f = b ^ c ^ d;
        g = (3 * i + 5) % 16;
      } else {
        f = c ^ (b | ~d);
        g = (7 * i) % 16;
      }
      uint32_t tmp = d;
      d = c;
      c = b;
      uint32_t x = a + f + kK[i] + w[g];
      b = b + ((x << kS[i]) | (x >> (32 - kS[i])));
      a = tmp;
    }
    h[0] += a;
    h[1] += b;
    h[2] += c;
    h[3] += d;
  }
  std::string out;
  char buf[3];
  for (uint32_t v : h) {
    for (int i = 0; i < 4; ++i) {
      std::snprintf(buf, sizeof buf, "%02x", (v >> (8 * i)) & 0xff);
      out += buf;
    }
  }
  return out;
}

// security-tracker lib/python/bugs.py temp_bug_name(): 'TEMP-%07d-%s' % (bug, md5(desc)[0:6].upper()).
std::string TempBugName(uint64_t bug, std::string_view description) {
  std::string hex = Md5Hex(description).substr(0, 6);
  for (char& ch : hex) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  char num[32];
  std::snprintf(num, sizeof num, "%07llu", static_cast<unsigned long long>(bug));
  return "TEMP-" + std::string(num) + "-" + hex;
}

// ---------------------------------------------------------------------------------------------
// Tracker JSON

std::string JsonString(const Json& obj, std::string_view key) {
  if (!obj.is_object()) return {};
  auto it = obj.find(key);
  if (it == obj.end() || !it->is_string()) return {};
  return it->get<std::string>();
}

}  // namespace

Result<FeedFile> ImportDebianTrackerJson(std::string_view path, std::string_view content, Sink& sink) {
  Context ctx(path, kFormatDebianJson, sink);
  Json root = Json::parse(content.begin(), content.end(), nullptr, /*allow_exceptions=*/false);
  if (root.is_discarded()) {
    ctx.Diagnose("not valid JSON (truncated?)");
    return ctx.feed;
  }
  if (!root.is_object()) {
    ctx.Diagnose("top level is not an object of source packages");
    return ctx.feed;
  }
  for (const auto& [srcpkg, cves] : root.items()) {
    if (!cves.is_object()) {
      ctx.Diagnose("package " + QuoteForMessage(srcpkg) + ": not an object of CVEs");
      continue;
    }
    for (const auto& [cve, entry] : cves.items()) {
      std::string where = "package " + QuoteForMessage(srcpkg) + " " + QuoteForMessage(cve);
      if (!entry.is_object()) {
        ctx.Diagnose(where + ": not an object");
        continue;
      }
      Advisory adv;
      adv.id = cve;
      adv.source = "debian";
      adv.summary = JsonString(entry, "description");
      adv.references.push_back("https://security-tracker.debian.org/tracker/" + cve);
      if (auto bug = entry.find("debianbug"); bug != entry.end() && bug->is_number_integer()) {
        adv.references.push_back("https://bugs.debian.org/" + std::to_string(bug->get<int64_t>()));
      }
      auto releases = entry.find("releases");
      // An empty release set is written as [] by the tracker (Python's empty dict serialised as list).
      if (releases != entry.end() && releases->is_object()) {
        for (const auto& [codename, rel] : releases->items()) {
          std::string_view ns = NamespaceForCodename(codename);
          if (ns.empty()) continue;
          if (!rel.is_object()) {
            ctx.Diagnose(where + " release " + QuoteForMessage(codename) + ": not an object");
            continue;
          }
          std::string status = JsonString(rel, "status");
          std::string urgency = CleanUrgency(JsonString(rel, "urgency"));
          std::string fixed = JsonString(rel, "fixed_version");
          std::string nodsa = JsonString(rel, "nodsa");
          std::string nodsa_reason = JsonString(rel, "nodsa_reason");
          AffectedPackage a = MakeAffected(ns, srcpkg, FixState::kAffected, "debian tracker");
          if (status == "resolved") {
            if (fixed == "0") {
              a.state = FixState::kNotAffected;
            } else if (!fixed.empty() && Dpkg().Validate(fixed).ok()) {
              SetFixed(a, fixed);
            } else {
              ctx.Diagnose(where + " release " + codename + ": resolved without a valid fixed_version " +
                           QuoteForMessage(fixed));
              continue;
            }
          } else if (status == "open") {
            if (urgency == "end-of-life") {
              a.state = FixState::kEndOfLife;
            } else if (nodsa_reason == "ignored") {
              a.state = FixState::kWillNotFix;
            } else if (nodsa_reason == "postponed") {
              a.state = FixState::kDeferred;
            }
          } else if (status == "undetermined") {
            AppendNote(a.note, "undetermined");
          } else {
            ctx.Diagnose(where + " release " + codename + ": unknown status " + QuoteForMessage(status));
            continue;
          }
          if (!urgency.empty()) AppendNote(a.note, "urgency: " + urgency);
          if (!nodsa.empty() || !nodsa_reason.empty()) {
            AppendNote(a.note, "no-dsa" + (nodsa_reason.empty() ? std::string() : " (" + nodsa_reason + ")") +
                                   (nodsa.empty() ? std::string() : ": " + nodsa));
          }
          RaiseSeverity(adv, UrgencyLevel(urgency));
          adv.affected.push_back(std::move(a));
        }
      } else if (releases != entry.end() && !(releases->is_array() && releases->empty())) {
        ctx.Diagnose(where + ": releases is not an object");
      }
      HS_TRY(ctx.Add(std::move(adv)));
    }
  }
  return ctx.feed;
}

namespace {

// ---------------------------------------------------------------------------------------------
// Line formats shared by the advisory lists and CVE/list

struct PackageLine {
  std::string release;  // codename; empty for the unstable line "- pkg …"
  std::string package;
  std::string version;  // empty with a marker
  std::string marker;   // "unfixed", "not-affected", "end-of-life", "no-dsa", "ignored", "postponed", …
  std::string comment;  // the parenthesised remark
};

// "[codename] - pkg version (comment)" or "- pkg <marker> (comment)", after the leading whitespace.
// Whitespace runs are tolerated (the lists have "- curl  7.26.0-1+wheezy5").
std::optional<PackageLine> ParsePackageLine(std::string_view line) {
  PackageLine out;
  line = TrimSpace(line);
  if (!line.empty() && line.front() == '[') {
    size_t close = line.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    out.release = std::string(TrimSpace(line.substr(1, close - 1)));
    line = TrimSpace(line.substr(close + 1));
  }
  if (line.empty() || line.front() != '-') return std::nullopt;
  line = TrimSpace(line.substr(1));
  size_t paren = line.find('(');
  if (paren != std::string_view::npos) {
    std::string_view comment = line.substr(paren + 1);
    if (!comment.empty() && comment.back() == ')') comment.remove_suffix(1);
    out.comment = std::string(TrimSpace(comment));
    line = TrimSpace(line.substr(0, paren));
  }
  std::vector<std::string_view> words;
  for (std::string_view w : Split(line, ' ')) {
    for (std::string_view t : Split(w, '\t')) {
      if (!t.empty()) words.push_back(t);
    }
  }
  if (words.empty() || words.size() > 2) return std::nullopt;
  out.package = std::string(words[0]);
  if (words.size() == 2) {
    std::string_view v = words[1];
    if (v.size() >= 2 && v.front() == '<' && v.back() == '>') {
      out.marker = std::string(v.substr(1, v.size() - 2));
    } else {
      out.version = std::string(v);
    }
  }
  return out;
}

// Applies a package line to an affected entry. False (with `why`) when the line cannot be used.
bool ApplyPackageLine(const PackageLine& line, AffectedPackage& a, std::string& why) {
  if (!line.version.empty()) {
    if (line.version == "0") {
      a.state = FixState::kNotAffected;
    } else if (!Dpkg().Validate(line.version).ok()) {
      why = "invalid version " + QuoteForMessage(line.version);
      return false;
    } else {
      SetFixed(a, line.version);
    }
  } else if (line.marker == "unfixed" || line.marker == "no-dsa") {
    a.state = FixState::kAffected;
    if (line.marker == "no-dsa") AppendNote(a.note, "no-dsa");
  } else if (line.marker == "undetermined") {
    a.state = FixState::kAffected;
    AppendNote(a.note, "undetermined");
  } else if (line.marker == "not-affected") {
    a.state = FixState::kNotAffected;
  } else if (line.marker == "end-of-life") {
    a.state = FixState::kEndOfLife;
  } else if (line.marker == "ignored") {
    a.state = FixState::kWillNotFix;
    AppendNote(a.note, "no-dsa (ignored)");
  } else if (line.marker == "postponed") {
    a.state = FixState::kDeferred;
    AppendNote(a.note, "no-dsa (postponed)");
  } else if (line.marker.empty()) {
    // "- pkg" with neither version nor marker: the tracker reads it as unfixed.
    a.state = FixState::kAffected;
  } else {
    why = "unknown marker <" + line.marker + ">";
    return false;
  }
  AppendNote(a.note, line.comment);
  return true;
}

// Urgency inside a package line's remark: "(bug #1234; low)", "(high)", "(unimportant)".
SeverityLevel CommentUrgency(std::string_view comment) {
  for (std::string_view part : Split(comment, ';')) {
    SeverityLevel level = UrgencyLevel(part);
    if (level != SeverityLevel::kUnknown) return level;
  }
  return SeverityLevel::kUnknown;
}

// First "bug #NNN" in a remark, 0 when none.
uint64_t CommentBug(std::string_view comment) {
  for (std::string_view part : Split(comment, ';')) {
    part = TrimSpace(part);
    if (!StartsWith(part, "bug #")) continue;
    uint64_t n = 0;
    std::string_view digits = part.substr(5);
    if (digits.empty() || digits.size() > 12) continue;
    bool ok = true;
    for (char ch : digits) {
      if (ch < '0' || ch > '9') ok = false;
      else n = n * 10 + static_cast<uint64_t>(ch - '0');
    }
    if (ok) return n;
  }
  return 0;
}

bool IsCveId(std::string_view s) {
  if (!StartsWith(s, "CVE-") || s.size() < 13 || s[8] != '-') return false;
  for (size_t i = 4; i < s.size(); ++i) {
    if (i == 8) continue;
    if (s[i] < '0' || s[i] > '9') return false;
  }
  return true;
}

std::vector<std::string_view> Words(std::string_view s) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
    size_t start = i;
    while (i < s.size() && s[i] != ' ' && s[i] != '\t') ++i;
    if (i > start) out.push_back(s.substr(start, i - start));
  }
  return out;
}

int MonthNumber(std::string_view name) {
  static constexpr std::string_view kMonths[] = {"January", "February", "March",     "April",   "May",      "June",
                                                 "July",    "August",   "September", "October", "November", "December"};
  for (int i = 0; i < 12; ++i) {
    if (name == kMonths[i] || (name.size() == 3 && kMonths[i].substr(0, 3) == name)) return i + 1;
  }
  return 0;
}

bool AllDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// "29 Mar 2023" (DSA, DLA) or "August 26th, 2005" (DTSA) → "2023-03-29"; empty when malformed.
std::string ParseListDate(std::string_view text) {
  std::vector<std::string_view> w = Words(text);
  if (w.size() != 3) return {};
  std::string_view day, month, year = w[2];
  if (AllDigits(w[0])) {
    day = w[0];
    month = w[1];
  } else {
    month = w[0];
    day = w[1];
    if (!day.empty() && day.back() == ',') day.remove_suffix(1);
    if (day.size() > 2 && !AllDigits(day.substr(day.size() - 2))) day.remove_suffix(2);  // "26th"
  }
  int m = MonthNumber(month);
  if (m == 0 || !AllDigits(day) || day.size() > 2 || !AllDigits(year) || year.size() != 4) return {};
  int d = std::stoi(std::string(day));
  if (d < 1 || d > 31) return {};
  char buf[16];
  std::snprintf(buf, sizeof buf, "%s-%02d-%02d", std::string(year).c_str(), m, d);
  return buf;
}

bool IsIndented(std::string_view line) { return !line.empty() && (line[0] == ' ' || line[0] == '\t'); }

// An advisory-list entry being read.
struct ListEntry {
  size_t line_no = 0;
  std::string id;  // DSA-5380-1
  std::string date;
  std::string title;  // "xorg-server - security update"
  std::vector<std::string> cves;
  std::vector<AffectedPackage> affected;
  SeverityLevel urgency = SeverityLevel::kUnknown;
};

Status FlushListEntry(ListEntry& e, Context& ctx) {
  if (e.id.empty()) return {};
  auto make = [&](std::string id) {
    Advisory adv;
    adv.id = std::move(id);
    adv.source = "debian";
    adv.published = e.date;
    adv.affected = e.affected;
    adv.references.push_back("https://security-tracker.debian.org/tracker/" + e.id);
    RaiseSeverity(adv, e.urgency);
    return adv;
  };
  if (e.cves.empty()) {
    Advisory adv = make(e.id);
    adv.summary = e.title;
    HS_TRY(ctx.Add(std::move(adv)));
  } else {
    for (const std::string& cve : e.cves) {
      Advisory adv = make(cve);
      adv.aliases.push_back(e.id);
      HS_TRY(ctx.Add(std::move(adv)));
    }
  }
  e = ListEntry();
  return {};
}

}  // namespace

Result<FeedFile> ImportDebianTrackerList(std::string_view path, std::string_view content, Sink& sink) {
  Context ctx(path, kFormatDebianList, sink);
  ListEntry entry;
  size_t line_no = 0;
  bool skipping = false;  // inside an entry whose header could not be read
  for (std::string_view line : Split(content, '\n')) {
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (TrimSpace(line).empty()) continue;
    std::string where = "line " + std::to_string(line_no);
    if (!IsIndented(line)) {
      HS_TRY(FlushListEntry(entry, ctx));
      skipping = false;
      // "[DD Mon YYYY] DSA-NNNN-N srcpkg - title"
      size_t close = line.find(']');
      if (line.front() != '[' || close == std::string_view::npos) {
        ctx.Diagnose(where + ": expected an advisory header, got " + QuoteForMessage(line));
        skipping = true;
        continue;
      }
      std::vector<std::string_view> rest = Words(line.substr(close + 1));
      if (rest.empty() || !(StartsWith(rest[0], "DSA-") || StartsWith(rest[0], "DLA-") || StartsWith(rest[0], "DTSA-"))) {
        ctx.Diagnose(where + ": no advisory id in " + QuoteForMessage(line));
        skipping = true;
        continue;
      }
      entry.line_no = line_no;
      entry.id = std::string(rest[0]);
      entry.date = ParseListDate(line.substr(1, close - 1));
      if (entry.date.empty()) {
        ctx.Diagnose(where + ": " + entry.id + ": bad date " + QuoteForMessage(line.substr(1, close - 1)));
      }
      size_t id_pos = line.find(rest[0], close);
      entry.title = std::string(TrimSpace(line.substr(id_pos + rest[0].size())));
      continue;
    }
    if (skipping) continue;
    if (entry.id.empty()) {
      ctx.Diagnose(where + ": indented line outside an entry");
      continue;
    }
    std::string_view body = TrimSpace(line);
    if (body.front() == '{') {
      std::string_view refs = body.substr(1);
      if (!refs.empty() && refs.back() == '}') refs.remove_suffix(1);
      for (std::string_view ref : Words(refs)) {
        if (IsCveId(ref)) {
          if (std::find(entry.cves.begin(), entry.cves.end(), ref) == entry.cves.end()) entry.cves.emplace_back(ref);
        }
        // Other cross references (DSA ids, VU#) are not vulnerabilities of their own.
      }
      continue;
    }
    if (StartsWith(body, "NOTE:") || StartsWith(body, "TODO:")) continue;
    std::optional<PackageLine> pl = ParsePackageLine(body);
    if (!pl || pl->release.empty()) {
      ctx.Diagnose(where + ": " + entry.id + ": unreadable line " + QuoteForMessage(body));
      continue;
    }
    std::string_view ns = NamespaceForCodename(pl->release);
    if (ns.empty()) continue;
    AffectedPackage a = MakeAffected(ns, pl->package, FixState::kFixed, entry.id);
    std::string why;
    if (!ApplyPackageLine(*pl, a, why)) {
      ctx.Diagnose(where + ": " + entry.id + ": " + why);
      continue;
    }
    SeverityLevel level = CommentUrgency(pl->comment);
    if (level > entry.urgency) entry.urgency = level;
    entry.affected.push_back(std::move(a));
  }
  HS_TRY(FlushListEntry(entry, ctx));
  return ctx.feed;
}

namespace {

// The releases that inherit the unstable line in data/CVE/list: those config.json (next to the
// CVE directory: data/config.json for data/CVE/list) marks with a "release" role (oldstable,
// stable, testing), i.e. the releases the tracker's JSON reports on; sid has its own line.
std::vector<std::string> TrackedReleases(std::string_view path) {
  std::vector<std::string> out;
  std::error_code ec;
  std::filesystem::path config = std::filesystem::path(path).parent_path().parent_path() / "config.json";
  if (!path.empty() && std::filesystem::is_regular_file(config, ec)) {
    std::ifstream in(config);
    std::stringstream buf;
    buf << in.rdbuf();
    Json root = Json::parse(buf.str(), nullptr, false);
    if (!root.is_discarded() && root.is_object()) {
      auto dists = root.find("distributions");
      if (dists != root.end() && dists->is_object()) {
        for (const auto& [name, d] : dists->items()) {
          if (name == "sid" || !d.is_object() || !d.contains("release")) continue;
          if (!NamespaceForCodename(name).empty()) out.push_back(name);
        }
      }
    }
  }
  if (out.empty()) {
    for (std::string_view r : kDefaultTrackedReleases) out.emplace_back(r);
  }
  return out;
}

struct CveEntry {
  std::string id;
  std::string description;
  bool rejected = false;
  bool not_for_us = false;
  std::vector<std::string> xrefs;
  std::vector<PackageLine> lines;
  std::vector<size_t> line_nos;
};

Status FlushCveEntry(CveEntry& e, const std::vector<std::string>& tracked, Context& ctx) {
  if (e.id.empty()) return {};
  Advisory adv;
  adv.source = "debian";
  adv.id = e.id;
  if (EndsWith(e.id, "-XXXX")) {
    // Not a unique name: the tracker calls it TEMP-<first bug>-<md5 of description>.
    uint64_t bug = 0;
    for (const PackageLine& l : e.lines) {
      bug = CommentBug(l.comment);
      if (bug != 0) break;
    }
    adv.id = TempBugName(bug, e.description);
  }
  adv.summary = e.description;
  adv.withdrawn = e.rejected;
  adv.references.push_back("https://security-tracker.debian.org/tracker/" + adv.id);
  for (const std::string& x : e.xrefs) adv.aliases.push_back(x);
  if (!e.not_for_us) {
    // Per package: its unstable line, its release lines; releases without a line inherit the
    // unstable state (what the tracker's JSON shows for them).
    std::vector<std::string> packages;
    for (const PackageLine& l : e.lines) {
      if (std::find(packages.begin(), packages.end(), l.package) == packages.end()) packages.push_back(l.package);
    }
    for (const std::string& pkg : packages) {
      const PackageLine* unstable = nullptr;
      std::set<std::string> own;
      for (size_t i = 0; i < e.lines.size(); ++i) {
        const PackageLine& l = e.lines[i];
        if (l.package != pkg) continue;
        if (l.marker == "removed" || l.marker == "itp") continue;  // not (or no longer) in the archive
        std::string codename = l.release.empty() ? "sid" : l.release;
        if (l.release.empty()) unstable = &l;
        std::string_view ns = NamespaceForCodename(codename);
        if (ns.empty()) continue;
        own.insert(codename);
        AffectedPackage a = MakeAffected(ns, pkg, FixState::kFixed, "debian tracker");
        std::string why;
        if (!ApplyPackageLine(l, a, why)) {
          ctx.Diagnose("line " + std::to_string(e.line_nos[i]) + ": " + e.id + ": " + why);
          continue;
        }
        RaiseSeverity(adv, CommentUrgency(l.comment));
        adv.affected.push_back(std::move(a));
      }
      if (unstable == nullptr) continue;
      for (const std::string& codename : tracked) {
        if (own.count(codename)) continue;
        AffectedPackage a = MakeAffected(NamespaceForCodename(codename), pkg, FixState::kFixed, "debian tracker");
        std::string why;
        if (!ApplyPackageLine(*unstable, a, why)) continue;  // diagnosed above
        AppendNote(a.note, "as in unstable");
        adv.affected.push_back(std::move(a));
      }
    }
  }
  HS_TRY(ctx.Add(std::move(adv)));
  e = CveEntry();
  return {};
}

}  // namespace

Result<FeedFile> ImportDebianCveList(std::string_view path, std::string_view content, Sink& sink) {
  Context ctx(path, kFormatDebianCveList, sink);
  std::vector<std::string> tracked = TrackedReleases(path);
  CveEntry entry;
  size_t line_no = 0;
  bool skipping = false;
  for (std::string_view line : Split(content, '\n')) {
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (TrimSpace(line).empty() || StartsWith(line, "--")) continue;
    std::string where = "line " + std::to_string(line_no);
    if (!IsIndented(line)) {
      HS_TRY(FlushCveEntry(entry, tracked, ctx));
      skipping = false;
      if (StartsWith(line, "STOP:") || StartsWith(line, "begin claimed") || StartsWith(line, "end claimed")) continue;
      std::vector<std::string_view> w = Words(line);
      bool placeholder = !w.empty() && StartsWith(w[0], "CVE-") && w[0].size() == 13 && EndsWith(w[0], "-XXXX");
      if (w.empty() || !(IsCveId(w[0]) || placeholder)) {
        ctx.Diagnose(where + ": expected a CVE header, got " + QuoteForMessage(line));
        skipping = true;
        continue;
      }
      entry.id = std::string(w[0]);
      std::string_view desc = TrimSpace(line.substr(line.find(w[0]) + w[0].size()));
      if (desc.size() >= 2 && ((desc.front() == '(' && desc.back() == ')') || (desc.front() == '[' && desc.back() == ']'))) {
        desc = desc.substr(1, desc.size() - 2);
      }
      entry.description = std::string(desc);
      continue;
    }
    if (skipping) continue;
    if (entry.id.empty()) {
      ctx.Diagnose(where + ": indented line outside an entry");
      continue;
    }
    std::string_view body = TrimSpace(line);
    if (body.front() == '{') {
      std::string_view refs = body.substr(1);
      if (!refs.empty() && refs.back() == '}') refs.remove_suffix(1);
      for (std::string_view ref : Words(refs)) {
        if (StartsWith(ref, "DSA-") || StartsWith(ref, "DLA-") || StartsWith(ref, "DTSA-")) entry.xrefs.emplace_back(ref);
      }
      continue;
    }
    if (body == "REJECTED" || StartsWith(body, "NOTE: rejected")) {
      entry.rejected = true;
      continue;
    }
    if (StartsWith(body, "NOT-FOR-US:")) {
      entry.not_for_us = true;
      continue;
    }
    if (body == "RESERVED" || StartsWith(body, "NOTE:") || StartsWith(body, "TODO:")) continue;
    std::optional<PackageLine> pl = ParsePackageLine(body);
    if (!pl) {
      ctx.Diagnose(where + ": " + entry.id + ": unreadable line " + QuoteForMessage(body));
      continue;
    }
    entry.lines.push_back(std::move(*pl));
    entry.line_nos.push_back(line_no);
  }
  HS_TRY(FlushCveEntry(entry, tracked, ctx));
  return ctx.feed;
}

}  // namespace hullscan::vulndb
