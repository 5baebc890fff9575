// Distro detection: collect the identifying files per layer, decide on the merged view.
// The rules (which file wins, how precise the version is) are documented in docs/analyzers.md,
// section "Distro detection"; they follow Trivy, whose families drive vulnerability matching.
#include "analyze/os/os.h"

#include <algorithm>
#include <string_view>

#include "analyze/os/internal/os_release.h"
#include "base/strings.h"

namespace hullscan::analyze {
namespace {

using inventory::Distro;
using os_internal::kMaxOsFileSize;
using OsFiles = std::map<std::string, std::string>;

constexpr size_t kMaxFieldSize = 256;  // longer values are cut: they are display text, not data
constexpr size_t kMaxTokenSize = 64;   // ids, versions, codenames

bool IsOsFile(std::string_view path) {
  return std::find(os_internal::kOsFilePaths.begin(), os_internal::kOsFilePaths.end(), path) !=
         os_internal::kOsFilePaths.end();
}

// ---------------------------------------------------------------------------------------------
// Text hygiene. The files come from untrusted images: the fields we keep must be printable,
// valid UTF-8 and short, whatever the file holds.


// Printable text: tabs become spaces, other control characters and invalid UTF-8 are dropped,
// the result is trimmed and cut (on a character boundary) to kMaxFieldSize bytes.
std::string CleanText(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size() && out.size() < kMaxFieldSize;) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      if (c == '\t') {
        out.push_back(' ');
      } else if (c >= 0x20 && c != 0x7F) {
        out.push_back(static_cast<char>(c));
      }
      ++i;
      continue;
    }
    char32_t cp = 0;
    size_t len = DecodeUtf8(s, i, &cp);
    if (cp >= 0x80 && cp <= 0x9F) len = 0;  // C1 control characters count as unprintable
    if (len == 0) {
      ++i;
      continue;
    }
    if (out.size() + len > kMaxFieldSize) break;
    out.append(s.substr(i, len));
    i += len;
  }
  return std::string(TrimSpace(out));
}

// An os-release ID: lowercase letters, digits, '.', '_', '-' (os-release(5)).
bool IsValidId(std::string_view id) {
  if (id.empty() || id.size() > kMaxTokenSize) return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
  });
}

// A version (or codename) token: printable ASCII without blanks. Wider than the os-release
// grammar on purpose: debian_version says "buster/sid", VyOS "1.4-rolling-202307070317".
bool IsVersionToken(std::string_view v) {
  if (v.empty() || v.size() > kMaxTokenSize) return false;
  return std::all_of(v.begin(), v.end(), [](char c) { return c > 0x20 && c < 0x7F; });
}

bool StartsWithDigit(std::string_view s) { return !s.empty() && s.front() >= '0' && s.front() <= '9'; }

std::string CleanToken(std::string_view s) {
  std::string t = CleanText(s);
  return IsVersionToken(t) ? t : std::string();
}

// The first non-blank line, trimmed.
std::string_view FirstLine(std::string_view content) {
  while (!content.empty()) {
    size_t end = content.find('\n');
    std::string_view line = TrimSpace(content.substr(0, end));
    if (!line.empty()) return line;
    if (end == std::string_view::npos) break;
    content.remove_prefix(end + 1);
  }
  return {};
}

std::vector<std::string_view> Fields(std::string_view s) {
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

bool Contains(std::string_view haystack, std::string_view needle) {
  return haystack.find(needle) != std::string_view::npos;
}

std::string Get(const std::map<std::string, std::string>& values, const std::string& key) {
  auto it = values.find(key);
  return it == values.end() ? std::string() : it->second;
}

// ---------------------------------------------------------------------------------------------
// Release files other than os-release. Each parser reads one file on its own; DetectDistro
// decides which one counts.

// etc/lsb-release: DISTRIB_ID=Ubuntu, DISTRIB_RELEASE=22.04, DISTRIB_CODENAME=jammy.
std::optional<Distro> ParseLsbRelease(std::string_view content) {
  auto values = os_internal::ParseKeyValues(content);
  Distro d;
  d.family = ToLower(CleanText(Get(values, "DISTRIB_ID")));
  if (!IsValidId(d.family)) return std::nullopt;
  d.version = CleanToken(Get(values, "DISTRIB_RELEASE"));
  d.codename = ToLower(CleanToken(Get(values, "DISTRIB_CODENAME")));
  d.pretty_name = CleanText(Get(values, "DISTRIB_DESCRIPTION"));
  return d;
}

// etc/alpine-release: "3.18.4" (edge: "3.19_alpha20230901").
std::optional<Distro> ParseAlpineRelease(std::string_view content) {
  std::string version = CleanToken(FirstLine(content));
  if (!StartsWithDigit(version)) return std::nullopt;
  Distro d;
  d.family = "alpine";
  d.version = std::move(version);
  return d;
}

// etc/debian_version: "12.5", or "trixie/sid" on testing and unstable. Taken verbatim, like
// Trivy does; it only counts for a Debian family (Ubuntu ships one saying "bookworm/sid").
std::optional<Distro> ParseDebianVersion(std::string_view content) {
  std::string version = CleanToken(FirstLine(content));
  if (version.empty()) return std::nullopt;
  Distro d;
  d.family = "debian";
  d.version = std::move(version);
  return d;
}

struct NameToFamily {
  std::string_view prefix;  // lowercase
  std::string_view family;
  std::string_view variant;
};

// Product names in "<name> release <version> (<codename>)" files, most specific first.
constexpr NameToFamily kRedhatStyleNames[] = {
    {"red hat enterprise linux coreos", "rhcos", ""},
    {"red hat enterprise linux", "rhel", ""},
    {"red hat linux", "rhel", ""},  // as Trivy: the old "Red Hat Linux release 6.2 (Zoot)"
    {"centos stream", "centos", "stream"},
    {"centos", "centos", ""},
    {"rocky", "rocky", ""},
    {"almalinux", "almalinux", ""},
    {"alma linux", "almalinux", ""},
    {"oracle linux", "ol", ""},
    {"fedora", "fedora", ""},
    {"scientific linux", "scientific", ""},
    {"amazon linux", "amzn", ""},  // "Amazon Linux release 2 (Karoo)", "Amazon Linux AMI release 2018.03"
    {"cloudlinux", "cloudlinux", ""},
    {"eurolinux", "eurolinux", ""},
};

// etc/redhat-release and its siblings (centos-, rocky-, almalinux-, oracle-, fedora-,
// system-release): "CentOS Linux release 7.9.2009 (Core)". The version is the dotted number
// after " release "; the name decides the family (an unknown name identifies nothing).
std::optional<Distro> ParseRedhatStyleRelease(std::string_view content) {
  std::string line = CleanText(FirstLine(content));
  std::string lower = ToLower(line);
  size_t at = lower.find(" release ");
  if (at == std::string::npos) return std::nullopt;
  std::string_view rest = std::string_view(line).substr(at + 9);
  size_t len = 0;
  while (len < rest.size() && ((rest[len] >= '0' && rest[len] <= '9') || rest[len] == '.')) ++len;
  std::string_view version = rest.substr(0, len);
  while (!version.empty() && version.back() == '.') version.remove_suffix(1);
  if (!StartsWithDigit(version)) return std::nullopt;
  std::string_view name = TrimSpace(std::string_view(lower).substr(0, at));
  for (const auto& entry : kRedhatStyleNames) {
    if (StartsWith(name, entry.prefix)) {
      Distro d;
      d.family = entry.family;
      d.variant = entry.variant;
      d.version = version;
      d.pretty_name = line;
      return d;
    }
  }
  return std::nullopt;
}

// etc/mariner-release: "CBL-Mariner 2.0.20230630" (as Trivy reads it).
std::optional<Distro> ParseMarinerRelease(std::string_view content) {
  std::string line = CleanText(FirstLine(content));
  auto fields = Fields(line);
  if (fields.size() != 2 || ToLower(fields[0]) != "cbl-mariner" || !StartsWithDigit(fields[1])) return std::nullopt;
  Distro d;
  d.family = "mariner";
  d.version = CleanToken(fields[1]);
  d.pretty_name = line;
  return d;
}

// etc/photon-release: "VMware Photon OS 4.0" then "PHOTON_BUILD_NUMBER=…".
std::optional<Distro> ParsePhotonRelease(std::string_view content) {
  std::string line = CleanText(FirstLine(content));
  if (!StartsWith(ToLower(line), "vmware photon")) return std::nullopt;
  auto fields = Fields(line);
  Distro d;
  d.family = "photon";
  if (!fields.empty() && StartsWithDigit(fields.back())) d.version = CleanToken(fields.back());
  d.pretty_name = line;
  return d;
}

// etc/SuSE-release (SLES 11, openSUSE 13 and Leap 42): a name line, then "VERSION = 11" and
// "PATCHLEVEL = 4". The version is written like the later os-release VERSION_ID: "11.4", "12".
std::optional<Distro> ParseSuseRelease(std::string_view content) {
  std::string line = CleanText(FirstLine(content));
  std::string lower = ToLower(line);
  auto values = os_internal::ParseKeyValues(content);
  std::string version = CleanToken(Get(values, "VERSION"));
  std::string patchlevel = CleanToken(Get(values, "PATCHLEVEL"));
  if (!version.empty() && !patchlevel.empty() && patchlevel != "0") version += "." + patchlevel;
  Distro d;
  if (StartsWith(lower, "suse linux enterprise server")) {
    d.family = "sles";
  } else if (StartsWith(lower, "suse linux enterprise desktop")) {
    d.family = "sled";
  } else if (StartsWith(lower, "opensuse")) {
    d.family = Contains(lower, "leap") || StartsWith(version, "42.") ? "opensuse-leap" : "opensuse";
  } else {
    return std::nullopt;
  }
  d.version = std::move(version);
  d.codename = ToLower(CleanToken(Get(values, "CODENAME")));
  d.pretty_name = line;
  return d;
}

struct CpeToFamily {
  std::string_view vendor;
  std::string_view product;  // empty: any product of the vendor
  std::string_view family;
};

constexpr CpeToFamily kCpeFamilies[] = {
    {"centos", "", "centos"},
    {"redhat", "enterprise_linux", "rhel"},
    {"oracle", "linux", "ol"},
    {"amazon", "linux", "amzn"},
    {"amazon", "amazon_linux", "amzn"},
    {"fedoraproject", "fedora", "fedora"},
    {"rocky", "rocky", "rocky"},
    {"almalinux", "almalinux", "almalinux"},
    {"scientificlinux", "scientificlinux", "scientific"},
};

// etc/system-release-cpe: "cpe:/o:centos:linux:6:GA" (CPE 2.2) or "cpe:2.3:o:amazon:amazon_linux:2".
std::optional<Distro> ParseSystemReleaseCpe(std::string_view content) {
  std::string cpe = CleanText(FirstLine(content));
  std::string lower = ToLower(cpe);
  std::string_view rest = lower;
  if (StartsWith(rest, "cpe:/o:")) {
    rest.remove_prefix(7);
  } else if (StartsWith(rest, "cpe:2.3:o:")) {
    rest.remove_prefix(10);
  } else {
    return std::nullopt;
  }
  auto parts = Split(rest, ':');
  if (parts.size() < 3 || parts[0].empty() || parts[1].empty() || !StartsWithDigit(parts[2])) return std::nullopt;
  for (const auto& entry : kCpeFamilies) {
    if (parts[0] == entry.vendor && (entry.product.empty() || parts[1] == entry.product)) {
      Distro d;
      d.family = entry.family;
      d.version = CleanToken(parts[2]);
      d.cpe = cpe;
      return d;
    }
  }
  return std::nullopt;
}

struct ReleaseFile {
  std::string_view path;
  std::optional<Distro> (*parse)(std::string_view content);
};

// Without an os-release, the first of these that identifies a distro decides, so the order is
// most specific first: Oracle Linux also ships a redhat-release naming RHEL, Ubuntu a
// debian_version, CentOS/Rocky/Alma a redhat-release (usually a symlink, but not always).
constexpr ReleaseFile kReleaseFiles[] = {
    {"etc/lsb-release", ParseLsbRelease},
    {"etc/alpine-release", ParseAlpineRelease},
    {"etc/oracle-release", ParseRedhatStyleRelease},
    {"etc/almalinux-release", ParseRedhatStyleRelease},
    {"etc/rocky-release", ParseRedhatStyleRelease},
    {"etc/centos-release", ParseRedhatStyleRelease},
    {"etc/fedora-release", ParseRedhatStyleRelease},
    {"etc/mariner-release", ParseMarinerRelease},
    {"etc/photon-release", ParsePhotonRelease},
    {"etc/SuSE-release", ParseSuseRelease},
    {"etc/system-release", ParseRedhatStyleRelease},
    {"usr/lib/system-release", ParseRedhatStyleRelease},
    {"etc/redhat-release", ParseRedhatStyleRelease},
    {"etc/system-release-cpe", ParseSystemReleaseCpe},
    {"etc/debian_version", ParseDebianVersion},
};

// ---------------------------------------------------------------------------------------------
// os-release.

// In order of preference: etc/os-release when it is a regular file (the layer reader does not
// follow symlinks, so a link to ../usr/lib/os-release is simply absent), then usr/lib/os-release.
constexpr std::string_view kOsReleasePaths[] = {
    "etc/os-release",
    "usr/lib/os-release",
    "x86_64-bottlerocket-linux-gnu/sys-root/usr/lib/os-release",
    "aarch64-bottlerocket-linux-gnu/sys-root/usr/lib/os-release",
};

// "8 (jessie)" -> "jessie": Debian 7/8 and distroless write the codename only into VERSION.
std::string CodenameFromVersionText(std::string_view version_text) {
  size_t open = version_text.rfind('(');
  size_t close = version_text.rfind(')');
  if (open == std::string_view::npos || close == std::string_view::npos || close < open + 2) return {};
  std::string_view word = version_text.substr(open + 1, close - open - 1);
  bool lower_word = std::all_of(word.begin(), word.end(), [](char c) { return c >= 'a' && c <= 'z'; });
  return lower_word && word.size() <= kMaxTokenSize ? std::string(word) : std::string();
}

std::optional<Distro> FromOsRelease(std::string_view path, std::string_view content) {
  auto values = os_internal::ParseKeyValues(content);
  Distro d;
  d.family = ToLower(CleanText(Get(values, "ID")));
  if (!IsValidId(d.family)) return std::nullopt;  // no ID: the file identifies nothing
  std::string name = CleanText(Get(values, "NAME"));
  d.version_id = CleanToken(Get(values, "VERSION_ID"));
  d.version = d.version_id;
  d.codename = ToLower(CleanToken(Get(values, "VERSION_CODENAME")));
  if (d.codename.empty()) d.codename = ToLower(CleanToken(Get(values, "UBUNTU_CODENAME")));
  if (d.codename.empty() && d.family == "debian") {
    d.codename = CodenameFromVersionText(CleanText(Get(values, "VERSION")));
  }
  d.pretty_name = CleanText(Get(values, "PRETTY_NAME"));
  d.cpe = CleanText(Get(values, "CPE_NAME"));
  const std::string id_like = ToLower(CleanText(Get(values, "ID_LIKE")));
  for (std::string_view like : Fields(id_like)) {
    if (IsValidId(like)) d.id_like.emplace_back(like);
  }
  d.source_path = path;

  // openSUSE Leap 42.x still said ID=opensuse; Leap 15 says opensuse-leap (Trivy maps both).
  if (d.family == "opensuse" && (Contains(ToLower(name), "leap") || StartsWith(d.version_id, "42."))) {
    d.family = "opensuse-leap";
  }
  if (d.family == "debian" && (d.pretty_name == "Distroless" ||
                               Contains(Get(values, "HOME_URL"), "GoogleContainerTools/distroless"))) {
    d.variant = "distroless";
  }
  if (d.family == "centos" && Contains(name, "Stream")) d.variant = "stream";
  return d;
}

// Release files of the same family may know more than os-release: debian_version has the point
// release ("12" -> "12.5"), centos-release the full CentOS version ("7" -> "7.9.2009"). A
// version is only replaced by one that extends it (Trivy's "fullest version" merge rule), so a
// stale or contradicting file (RHEL os-release 7.7 next to redhat-release 7.4) changes nothing.
void Refine(Distro& d, const OsFiles& files) {
  for (const auto& rf : kReleaseFiles) {
    auto it = files.find(std::string(rf.path));
    if (it == files.end()) continue;
    std::optional<Distro> other = rf.parse(it->second);
    if (!other || other->family != d.family) continue;
    if (!other->version.empty() && (d.version.empty() || StartsWith(other->version, d.version + "."))) {
      d.version = other->version;
    }
    if (d.codename.empty()) d.codename = other->codename;
    if (d.pretty_name.empty()) d.pretty_name = other->pretty_name;
    if (d.cpe.empty()) d.cpe = other->cpe;
    if (d.variant.empty()) d.variant = other->variant;
  }
}

// ---------------------------------------------------------------------------------------------

class OsFilesAnalyzer final : public Analyzer {
 public:
  std::string_view Name() const override { return "os-files"; }
  int Version() const override { return 1; }
  bool Wants(const FileInfo& file) const override { return IsOsFile(file.path); }
  int64_t MaxFileSize() const override { return kMaxOsFileSize; }

  void Analyze(std::span<const File> files, inventory::LayerResult& out) const override {
    for (const File& file : files) {
      if (!IsOsFile(file.path)) continue;
      std::string& slot = out.os_files[file.path];
      if (file.content.size() > static_cast<size_t>(kMaxOsFileSize)) {
        // Keep a prefix rather than nothing: the file still replaces the lower layers' copy.
        slot = file.content.substr(0, static_cast<size_t>(kMaxOsFileSize));
        out.diagnostics.push_back({out.diff_id, file.path,
                                   "os-files: file is " + std::to_string(file.content.size()) +
                                       " bytes; only the first " + std::to_string(kMaxOsFileSize) + " are used"});
      } else {
        slot = file.content;
      }
    }
  }
};

}  // namespace

std::unique_ptr<Analyzer> NewOsFilesAnalyzer() { return std::make_unique<OsFilesAnalyzer>(); }

std::optional<inventory::Distro> DetectDistro(const std::map<std::string, std::string>& os_files) {
  std::optional<Distro> distro;
  for (std::string_view path : kOsReleasePaths) {
    auto it = os_files.find(std::string(path));
    if (it != os_files.end() && (distro = FromOsRelease(path, it->second))) break;
  }
  for (size_t i = 0; !distro && i < std::size(kReleaseFiles); ++i) {
    auto it = os_files.find(std::string(kReleaseFiles[i].path));
    if (it == os_files.end()) continue;
    if ((distro = kReleaseFiles[i].parse(it->second))) distro->source_path = kReleaseFiles[i].path;
  }
  if (!distro) return std::nullopt;
  Refine(*distro, os_files);
  return distro;
}

}  // namespace hullscan::analyze
