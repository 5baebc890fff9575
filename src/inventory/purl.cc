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
    case PackageType::kRpm: return "";
  }
  return "";
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

}  // namespace hullscan::inventory
