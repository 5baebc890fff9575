// Internals of distro detection, shared by os.cc and its tests only.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

namespace hullscan::analyze::os_internal {

// Every file the os-files analyzer collects, relative to the root. Symlinks are not followed by
// the layer reader, so both os-release locations are listed (etc/os-release is often a link to
// ../usr/lib/os-release, AL2023's etc/system-release one to ../usr/lib/system-release).
inline constexpr std::array<std::string_view, 19> kOsFilePaths = {
    "etc/os-release",
    "usr/lib/os-release",
    // Bottlerocket keeps its os-release in the per-arch sysroot (as Trivy reads it).
    "x86_64-bottlerocket-linux-gnu/sys-root/usr/lib/os-release",
    "aarch64-bottlerocket-linux-gnu/sys-root/usr/lib/os-release",
    "etc/lsb-release",
    "etc/debian_version",
    "etc/alpine-release",
    "etc/redhat-release",
    "etc/centos-release",
    "etc/rocky-release",
    "etc/almalinux-release",
    "etc/oracle-release",
    "etc/fedora-release",
    "etc/system-release",
    "usr/lib/system-release",
    "etc/system-release-cpe",
    "etc/SuSE-release",
    "etc/photon-release",
    "etc/mariner-release",
};

// Each collected file is kept up to this size; the real ones are well under 2 KiB.
inline constexpr int64_t kMaxOsFileSize = int64_t{64} << 10;

// Parses os-release(5) / lsb-release content: KEY=VALUE lines with shell-style quoting ("…",
// '…', backslash escapes). Comment, blank and malformed lines are skipped; a later key wins.
// Values are returned unquoted but otherwise as written (not cleaned of control characters).
std::map<std::string, std::string> ParseKeyValues(std::string_view content);

}  // namespace hullscan::analyze::os_internal
