// Package URLs (https://github.com/package-url/purl-spec) for inventory packages.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "inventory/package.h"

namespace hullscan::inventory {

// pkg:deb/debian/openssl@3.0.11-1~deb12u2?arch=amd64&distro=debian-12.4&upstream=…
// pkg:apk/alpine/musl@1.2.4-r2?arch=x86_64&distro=alpine-3.18.4
// pkg:rpm/redhat/openssl-libs@3.0.7-6.el9?arch=x86_64&epoch=1&distro=redhat-9.2
std::string MakePurl(const Package& package, const std::optional<Distro>& distro);

// Percent-encodes a purl component (everything but unreserved characters).
std::string PurlEscape(std::string_view s);

// A purl taken apart, every component percent-decoded.
struct ParsedPurl {
  std::string type;       // lowercase: "deb", "npm", "maven", …
  std::string namespace_;  // segments joined by '/', e.g. "debian", "@babel", "github.com/gorilla"; may be empty
  std::string name;
  std::string version;  // empty when the purl has none
  std::map<std::string, std::string> qualifiers;  // keys lowercase; qualifiers with empty values dropped
  std::string subpath;  // segments joined by '/', "." and ".." dropped
  friend auto operator<=>(const ParsedPurl&, const ParsedPurl&) = default;
};

// Parses a purl as purl-spec's "How to parse a purl string" says: "pkg:" scheme (slashes after
// it ignored), type, optional namespace, name, "@version", "?qualifiers", "#subpath".
// Normalises what the spec makes case-insensitive (scheme, type, qualifier keys) and the pypi
// name (lowercase, '_' -> '-'); keeps everything else as written. nullopt when the string is not
// a purl: no "pkg:" scheme, an invalid type, no name, a malformed percent-escape or qualifier key.
// A version is only taken from an '@' after the last '/', so "pkg:npm/@scope/name" has none.
std::optional<ParsedPurl> ParsePurl(std::string_view purl);

// The canonical string form of a parsed purl: components escaped as MakePurl escapes them,
// qualifiers sorted by key. FormatPurl(*ParsePurl(MakePurl(p, d))) == MakePurl(p, d).
std::string FormatPurl(const ParsedPurl& purl);

}  // namespace hullscan::inventory
