// Package URLs (https://github.com/package-url/purl-spec) for inventory packages.
#pragma once

#include <optional>
#include <string>

#include "inventory/package.h"

namespace hullscan::inventory {

// pkg:deb/debian/openssl@3.0.11-1~deb12u2?arch=amd64&distro=debian-12.4&upstream=…
// pkg:apk/alpine/musl@1.2.4-r2?arch=x86_64&distro=alpine-3.18.4
// pkg:rpm/redhat/openssl-libs@3.0.7-6.el9?arch=x86_64&epoch=1&distro=redhat-9.2
std::string MakePurl(const Package& package, const std::optional<Distro>& distro);

// Percent-encodes a purl component (everything but unreserved characters).
std::string PurlEscape(std::string_view s);

}  // namespace hullscan::inventory
