// The inventory's vocabulary: packages, where they came from, the distro, the image.
// Plain value types with defaulted comparison, so results can be sorted and compared whole.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hullscan::inventory {

// What kind of package manager recorded a package. The name doubles as the purl type.
enum class PackageType {
  kDeb,   // dpkg: Debian, Ubuntu, distroless
  kApk,   // apk-tools: Alpine, Wolfi, Chainguard
  kRpm,   // rpm: RHEL family, Fedora, SUSE, Amazon, Mariner, Photon
  // Language ecosystems (analyze/lang/<ecosystem>). Names are purl types.
  kPypi,      // Python: dist-info, egg-info, lockfiles
  kNpm,       // Node.js: node_modules/**/package.json, lockfiles
  kGolang,    // Go: build info in binaries, go.mod; name = module path ("stdlib" for the toolchain)
  kMaven,     // Java: jars, pom.xml; name = "groupId:artifactId"
  kGem,       // Ruby: gemspecs, Gemfile.lock
  kCargo,     // Rust: cargo-auditable binaries, Cargo.lock
  kComposer,  // PHP: installed.json, composer.lock; name = "vendor/name"
  kNuget,     // .NET: deps.json, packages.lock.json
};
// "deb", "apk", "rpm", "pypi", "npm", "golang", "maven", "gem", "cargo", "composer", "nuget"
std::string_view PackageTypeName(PackageType type);
// OS packages are installed by the distro's package manager and matched against its advisories.
bool IsOsPackage(PackageType type);

// Where a package was found: the layer that added it and the file it was read from.
struct Location {
  std::string layer_diff_id;  // "sha256:…" of the layer's uncompressed tar; empty for a rootfs dir
  std::string path;           // relative to the image root, no leading '/', e.g. "var/lib/dpkg/status"
  friend auto operator<=>(const Location&, const Location&) = default;
};

struct Package {
  PackageType type = PackageType::kDeb;
  std::string name;
  // The version exactly as the package manager prints it, which is also what its version scheme
  // parses: dpkg "[epoch:]upstream[-revision]", rpm "[epoch:]version-release", apk "1.2.3-r4".
  std::string version;
  std::string arch;
  // The source package the binary was built from: dpkg "Source:" (defaulting to the binary
  // name and version), apk origin, rpm SOURCERPM name. Vulnerability feeds of Debian, Ubuntu and
  // Alpine are keyed by it.
  std::string source_name;
  std::string source_version;
  std::string source_rpm;  // rpm only: the raw SOURCERPM value, e.g. "openssl-3.0.7-6.el9.src.rpm"
  std::vector<std::string> licenses;
  std::string maintainer;  // dpkg Maintainer, apk m:, rpm Packager
  std::string vendor;      // rpm Vendor
  std::string modularity_label;  // rpm MODULARITYLABEL (RHEL 8+ modules)
  std::string digest;            // a checksum the database records for the package, "sha1:…"/"md5:…"
  // Files the package manager says this package installed, relative to the root, sorted.
  std::vector<std::string> installed_files;
  Location location;
  std::string purl;  // set by the inventory once the distro is known
  // Language packages: true for a development-only dependency (npm devDependencies, poetry dev
  // group), which lockfile analyzers report but flag.
  bool dev = false;

  friend auto operator<=>(const Package&, const Package&) = default;
};

// The distribution an image is built on, as detected from os-release and friends (analyze/os).
// docs/analyzers.md ("Distro detection") gives the rules for each field.
struct Distro {
  // The os-release ID, lowercase: "debian", "ubuntu", "alpine", "rhel", "centos", "ol", "amzn",
  // "sles", "opensuse-leap", "wolfi", "mariner", "azurelinux", … Derived from the distro's
  // release files (same vocabulary) when there is no os-release.
  std::string family;
  // As precise as the files say: "12.5" (debian_version refines VERSION_ID "12"), "3.18.4",
  // "22.04", "7.9.2009", "2023.3.20240131". Empty when the files give none (Arch, a bare ID).
  // Matchers pick the stream they key on (major, major.minor) themselves.
  std::string version;
  std::string codename;  // "bookworm", "jammy"; empty when unknown
  std::string pretty_name;
  std::string source_path;  // the file the family was decided from, e.g. "etc/os-release"
  // Fields below were added after the first five; keep new ones at the end so positional
  // initialisers elsewhere stay valid.
  std::string version_id;            // os-release VERSION_ID exactly as written; empty without os-release
  std::vector<std::string> id_like;  // os-release ID_LIKE, in order ("rhel", "centos", "fedora")
  // A sub-kind that changes vulnerability matching: "distroless" (Google distroless, Debian
  // packages in dpkg/status.d), "stream" (CentOS Stream, not CentOS Linux); empty otherwise.
  std::string variant;
  std::string cpe;  // os-release CPE_NAME or etc/system-release-cpe
  friend auto operator<=>(const Distro&, const Distro&) = default;
};

// Something that went wrong but did not stop the scan: a corrupt stanza, an unreadable file.
struct Diagnostic {
  std::string layer_diff_id;  // empty when not tied to a layer
  std::string path;           // empty when not tied to a file
  std::string message;
  friend auto operator<=>(const Diagnostic&, const Diagnostic&) = default;
};

}  // namespace hullscan::inventory
