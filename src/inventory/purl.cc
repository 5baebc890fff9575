#include "inventory/purl.h"

#include <map>

namespace hullscan::inventory {
namespace {

// The purl namespace of OS packages is the distro; fall back to the package type's usual one.
std::string PurlNamespace(const Package& p, const std::optional<Distro>& distro) {
  // Red Hat's purl namespace is "redhat" (purl-spec, Syft, Trivy), though its os-release ID is "rhel".
  if (distro && distro->family == "rhel") return "redhat";
  if (distro && !distro->family.empty()) return distro->family;
  switch (p.type) {
    case PackageType::kDeb: return "debian";
    case PackageType::kApk: return "alpine";
    default: return "";
  }
}

// Language packages: purl-spec's per-type rules for namespace and name. Returns the
// "namespace/name" part, each segment escaped.
std::string LanguageNamePath(const Package& p) {
  auto split_last = [](std::string_view full, char sep) -> std::pair<std::string_view, std::string_view> {
    size_t at = full.rfind(sep);
    if (at == std::string_view::npos) return {{}, full};
    return {full.substr(0, at), full.substr(at + 1)};
  };
  auto join = [](std::string_view ns, std::string_view name) {
    std::string out;
    size_t start = 0;
    while (start < ns.size()) {  // escape each namespace segment, keep the slashes
      size_t end = ns.find('/', start);
      if (end == std::string_view::npos) end = ns.size();
      if (end > start) out += PurlEscape(ns.substr(start, end - start)) + "/";
      start = end + 1;
    }
    return out + PurlEscape(name);
  };
  switch (p.type) {
    case PackageType::kPypi: {
      // PEP 503-ish: lowercase, '_' becomes '-' (purl-spec pypi type).
      std::string name = p.name;
      for (char& c : name) {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
        if (c == '_') c = '-';
      }
      return PurlEscape(name);
    }
    case PackageType::kNpm: {
      if (!p.name.empty() && p.name[0] == '@') {
        auto [scope, name] = split_last(p.name, '/');
        return join(scope, name);
      }
      return PurlEscape(p.name);
    }
    case PackageType::kGolang:
    case PackageType::kComposer: {
      auto [ns, name] = split_last(p.name, '/');
      return join(ns, name);
    }
    case PackageType::kMaven: {
      auto [group, artifact] = split_last(p.name, ':');
      return join(group, artifact);
    }
    default: return PurlEscape(p.name);
  }
}

}  // namespace

std::string PurlEscape(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size());
  for (unsigned char c : s) {
    bool unreserved = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
                      c == '.' || c == '_' || c == '~';
    if (unreserved) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xf]);
    }
  }
  return out;
}

std::string MakePurl(const Package& p, const std::optional<Distro>& distro) {
  std::string purl = "pkg:";
  purl += PackageTypeName(p.type);
  purl += '/';
  if (!IsOsPackage(p.type)) {
    purl += LanguageNamePath(p);
    if (!p.version.empty()) purl += "@" + PurlEscape(p.version);
    return purl;
  }
  if (std::string ns = PurlNamespace(p, distro); !ns.empty()) purl += PurlEscape(ns) + "/";
  purl += PurlEscape(p.name);

  // Qualifiers, sorted by key as the spec requires.
  std::map<std::string, std::string> q;
  std::string version = p.version;
  if (p.type == PackageType::kRpm) {
    // rpm: the epoch is a qualifier and the version is "version-release" (purl-spec rpm type).
    if (auto colon = version.find(':'); colon != std::string::npos) {
      std::string epoch = version.substr(0, colon);
      if (epoch != "0") q["epoch"] = epoch;
      version = version.substr(colon + 1);
    }
  }
  if (!version.empty()) purl += "@" + PurlEscape(version);
  if (!p.arch.empty()) q["arch"] = p.arch;
  if (distro && !distro->family.empty()) {
    // "debian-12", "alpine-3.18.4", "ubuntu-22.04": the release as os-release names it
    // (VERSION_ID), which is what the purl examples and Syft use; point releases from
    // debian_version would only fragment purls of the same package.
    const std::string& v = distro->version_id.empty() ? distro->version : distro->version_id;
    q["distro"] = v.empty() ? distro->family : distro->family + "-" + v;
  }
  if (p.type == PackageType::kDeb || p.type == PackageType::kApk) {
    // Source package, as Syft writes it: "upstream=name" or "upstream=name@version" when the
    // source version differs from the binary's.
    if (!p.source_name.empty() && (p.source_name != p.name || (!p.source_version.empty() && p.source_version != p.version))) {
      std::string up = p.source_name;
      if (!p.source_version.empty() && p.source_version != p.version) up += "@" + p.source_version;
      q["upstream"] = up;
    }
  }
  if (p.type == PackageType::kRpm && !p.source_rpm.empty()) q["upstream"] = p.source_rpm;
  char sep = '?';
  for (const auto& [k, v] : q) {
    purl += sep;
    purl += k + "=" + PurlEscape(v);
    sep = '&';
  }
  return purl;
}

namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Percent-decodes one purl component; nullopt on a truncated or non-hex escape.
std::optional<std::string> PurlUnescape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out.push_back(s[i]);
      continue;
    }
    if (i + 2 >= s.size()) return std::nullopt;
    int hi = HexValue(s[i + 1]);
    int lo = HexValue(s[i + 2]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out.push_back(static_cast<char>(hi * 16 + lo));
    i += 2;
  }
  return out;
}

// Decodes '/'-separated segments, dropping empty ones (and, for subpaths, "." and "..").
std::optional<std::string> DecodeSegments(std::string_view s, bool subpath) {
  std::string out;
  size_t start = 0;
  while (start <= s.size()) {
    size_t end = s.find('/', start);
    if (end == std::string_view::npos) end = s.size();
    std::optional<std::string> segment = PurlUnescape(s.substr(start, end - start));
    if (!segment) return std::nullopt;
    bool dropped = segment->empty() || (subpath && (*segment == "." || *segment == ".."));
    if (!dropped) {
      if (!out.empty()) out += '/';
      out += *segment;
    }
    start = end + 1;
  }
  return out;
}

std::string AsciiLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// purl-spec: a type (and a qualifier key) is ASCII letters, digits, '.', '+', '-' ('_' for keys)
// and does not start with a digit.
bool ValidToken(std::string_view s, std::string_view extra) {
  if (s.empty() || (s[0] >= '0' && s[0] <= '9')) return false;
  for (char c : s) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || extra.find(c) != std::string_view::npos;
    if (!ok) return false;
  }
  return true;
}

std::string EscapeSegments(std::string_view s) {
  std::string out;
  size_t start = 0;
  while (start <= s.size()) {
    size_t end = s.find('/', start);
    if (end == std::string_view::npos) end = s.size();
    if (end > start) {
      if (!out.empty()) out += '/';
      out += PurlEscape(s.substr(start, end - start));
    }
    start = end + 1;
  }
  return out;
}

}  // namespace

std::optional<ParsedPurl> ParsePurl(std::string_view purl) {
  if (purl.size() < 4 || AsciiLower(purl.substr(0, 4)) != "pkg:") return std::nullopt;
  std::string_view rest = purl.substr(4);
  ParsedPurl out;

  if (size_t hash = rest.rfind('#'); hash != std::string_view::npos) {
    std::optional<std::string> subpath = DecodeSegments(rest.substr(hash + 1), /*subpath=*/true);
    if (!subpath) return std::nullopt;
    out.subpath = std::move(*subpath);
    rest = rest.substr(0, hash);
  }
  if (size_t question = rest.rfind('?'); question != std::string_view::npos) {
    std::string_view query = rest.substr(question + 1);
    rest = rest.substr(0, question);
    size_t start = 0;
    while (start <= query.size()) {
      size_t end = query.find('&', start);
      if (end == std::string_view::npos) end = query.size();
      std::string_view pair = query.substr(start, end - start);
      start = end + 1;
      if (pair.empty()) continue;
      size_t eq = pair.find('=');
      if (eq == std::string_view::npos) return std::nullopt;
      std::string key = AsciiLower(pair.substr(0, eq));
      if (!ValidToken(key, ".-_")) return std::nullopt;
      std::optional<std::string> value = PurlUnescape(pair.substr(eq + 1));
      if (!value) return std::nullopt;
      if (!value->empty()) out.qualifiers[key] = std::move(*value);
    }
  }
  while (!rest.empty() && rest.front() == '/') rest.remove_prefix(1);
  while (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);

  size_t slash = rest.find('/');
  if (slash == std::string_view::npos) return std::nullopt;  // no name
  out.type = AsciiLower(rest.substr(0, slash));
  if (!ValidToken(out.type, ".+-")) return std::nullopt;
  rest = rest.substr(slash + 1);

  // The version follows the last '@' of the last segment: an '@' in a namespace ("@scope") is not one.
  size_t last_slash = rest.rfind('/');
  size_t at = rest.rfind('@');
  if (at != std::string_view::npos && (last_slash == std::string_view::npos || at > last_slash)) {
    std::optional<std::string> version = PurlUnescape(rest.substr(at + 1));
    if (!version) return std::nullopt;
    out.version = std::move(*version);
    rest = rest.substr(0, at);
  }
  while (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);
  last_slash = rest.rfind('/');
  std::string_view name = last_slash == std::string_view::npos ? rest : rest.substr(last_slash + 1);
  std::optional<std::string> decoded_name = PurlUnescape(name);
  if (!decoded_name || decoded_name->empty()) return std::nullopt;
  out.name = std::move(*decoded_name);
  if (last_slash != std::string_view::npos) {
    std::optional<std::string> ns = DecodeSegments(rest.substr(0, last_slash), /*subpath=*/false);
    if (!ns) return std::nullopt;
    out.namespace_ = std::move(*ns);
  }
  if (out.type == "pypi") {  // purl-spec pypi: lowercase, '_' is '-'
    out.name = AsciiLower(out.name);
    for (char& c : out.name) {
      if (c == '_') c = '-';
    }
  }
  return out;
}

std::string FormatPurl(const ParsedPurl& p) {
  std::string out = "pkg:" + p.type + "/";
  if (std::string ns = EscapeSegments(p.namespace_); !ns.empty()) out += ns + "/";
  out += PurlEscape(p.name);
  if (!p.version.empty()) out += "@" + PurlEscape(p.version);
  char sep = '?';
  for (const auto& [key, value] : p.qualifiers) {
    if (value.empty()) continue;
    out += sep;
    out += key + "=" + PurlEscape(value);
    sep = '&';
  }
  if (std::string subpath = EscapeSegments(p.subpath); !subpath.empty()) out += "#" + subpath;
  return out;
}

}  // namespace hullscan::inventory
