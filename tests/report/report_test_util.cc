#include "report_test_util.h"

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <map>
#include <tuple>
#include <nlohmann/json.hpp>
#include <sstream>

#include "base/digest.h"
#include "inventory/purl.h"
#include "testing/testdata.h"

namespace hullscan::report::testing {
namespace {

using hullscan::testing::ReadFileOrFail;
using hullscan::testing::TestData;
using inventory::Package;
using inventory::PackageType;

nlohmann::json LoadJson(const std::filesystem::path& path) {
  nlohmann::json j = nlohmann::json::parse(ReadFileOrFail(path), nullptr, false);
  if (j.is_discarded()) ADD_FAILURE() << "not JSON: " << path;
  return j;
}

inventory::LayerInfo Layer(std::string_view seed, int64_t size, std::string created_by) {
  inventory::LayerInfo l;
  l.digest = FakeDigest(std::string(seed) + " blob");
  l.diff_id = FakeDigest(std::string(seed) + " diff");
  l.media_type = "application/vnd.oci.image.layer.v1.tar+gzip";
  l.size = size;
  l.created_by = std::move(created_by);
  return l;
}

inventory::Distro MakeDistro(std::string family, std::string version, std::string codename, std::string pretty,
                             std::string version_id) {
  inventory::Distro d;
  d.family = std::move(family);
  d.version = std::move(version);
  d.codename = std::move(codename);
  d.pretty_name = std::move(pretty);
  d.source_path = "etc/os-release";
  d.version_id = std::move(version_id);
  return d;
}

std::string ShellQuote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

}  // namespace

std::string FakeDigest(std::string_view seed) { return Sha256::Of(seed).ToString(); }

inventory::Inventory UbuntuInventory() {
  inventory::Inventory inv;
  inv.artifact.kind = inventory::ArtifactKind::kImage;
  inv.artifact.name = "docker.io/library/ubuntu:18.04";
  inv.artifact.manifest_digest = FakeDigest("ubuntu manifest");
  inv.artifact.config_digest = FakeDigest("ubuntu config");
  inv.artifact.repo_tags = {"ubuntu:18.04", "ubuntu:bionic"};
  inv.artifact.os = "linux";
  inv.artifact.architecture = "amd64";
  inv.artifact.created = "2018-09-11T22:19:50.322807175Z";
  inv.artifact.layers = {
      Layer("ubuntu 0", 26692096, "ADD file:cd1fd1aa in / "),
      Layer("ubuntu 1", 35365, "RUN /bin/sh -c set -xe && echo '#!/bin/sh' > /usr/sbin/policy-rc.d")};
  inv.distro = MakeDistro("ubuntu", "18.04", "bionic", "Ubuntu 18.04.1 LTS", "18.04");

  inv.distro->id_like = {"debian"};
  const auto dir = TestData() / "osdb/dpkg/trivy-ubuntu1804-valid";
  std::map<std::string, std::string> maintainers;
  nlohmann::json trivy = LoadJson(dir / "expected.trivy.json");
  for (const auto& info : trivy["want"]["package_infos"]) {
    for (const auto& p : info["packages"]) maintainers[p.value("name", "")] = p.value("maintainer", "");
  }
  nlohmann::json dpkg = LoadJson(dir / "expected.dpkg-query.json");
  for (const auto& e : dpkg["packages"]) {
    if (e.value("status_status", "") != "installed") continue;  // dpkg keeps config-files entries too
    Package p;
    p.type = PackageType::kDeb;
    p.name = e.value("package", "");
    p.version = e.value("version", "");
    p.arch = e.value("architecture", "");
    p.source_name = e.value("source_package", "");
    p.source_version = e.value("source_version", "");
    p.maintainer = maintainers[p.name];
    p.location = {inv.artifact.layers[0].diff_id, "var/lib/dpkg/status"};
    inv.packages.push_back(std::move(p));
  }
  // A few owned files, the way info/<pkg>.list gives them.
  for (Package& p : inv.packages) {
    if (p.name == "tar") p.installed_files = {"bin/tar", "usr/sbin/rmt-tar", "usr/share/man/man1/tar.1.gz"};
    if (p.name == "bsdutils") p.installed_files = {"bin/logger", "usr/bin/script"};
  }
  for (Package& p : inv.packages) p.purl = inventory::MakePurl(p, inv.distro);
  inventory::Canonicalize(inv);
  return inv;
}

inventory::Inventory AlpineInventory() {
  inventory::Inventory inv;
  inv.artifact.name = "alpine:3.21.3";
  inv.artifact.manifest_digest = FakeDigest("alpine manifest");
  inv.artifact.config_digest = FakeDigest("alpine config");
  inv.artifact.repo_tags = {"alpine:3.21.3"};
  inv.artifact.os = "linux";
  inv.artifact.architecture = "arm64";
  inv.artifact.variant = "v8";
  inv.artifact.layers = {Layer("alpine 0", 3642107, "ADD alpine-minirootfs-3.21.3-aarch64.tar.gz / # buildkit")};
  inv.distro = MakeDistro("alpine", "3.21.3", "", "Alpine Linux v3.21", "3.21.3");
  nlohmann::json apk = LoadJson(TestData() / "osdb/apk/apk-tools-alpine3.21.3/expected.json");
  for (const auto& e : apk["packages"]) {
    Package p;
    p.type = PackageType::kApk;
    p.name = e.value("name", "");
    p.version = e.value("version", "");
    p.arch = e.value("arch", "");
    p.source_name = e.value("origin", "");
    if (std::string license = e.value("license", ""); !license.empty()) p.licenses = {license};
    p.maintainer = "Natanael Copa <ncopa@alpinelinux.org>";
    p.location = {inv.artifact.layers[0].diff_id, "lib/apk/db/installed"};
    inv.packages.push_back(std::move(p));
  }
  inventory::Canonicalize(inv);
  return inv;
}

inventory::Inventory TrickyInventory() {
  inventory::Inventory inv;
  inv.artifact.name = "registry.example.com:5000/Team/app:1.0";  // upper case: not a valid reference
  inv.artifact.manifest_digest = FakeDigest("tricky manifest");
  inv.artifact.config_digest = FakeDigest("tricky config");
  inv.artifact.repo_tags = {"registry.example.com:5000/team/app:1.0", "app:latest", "\xff\xfe"};
  inv.artifact.os = "linux";
  inv.artifact.architecture = "amd64";
  inv.artifact.layers = {Layer("tricky 0", 1, "COPY \x1b[2J / #\n"), Layer("tricky 1", 0, "")};
  const std::string layer0 = inv.artifact.layers[0].diff_id;
  const std::string layer1 = inv.artifact.layers[1].diff_id;

  auto deb = [&](std::string name, std::string version, std::string arch) {
    Package p;
    p.type = PackageType::kDeb;
    p.name = std::move(name);
    p.version = std::move(version);
    p.arch = std::move(arch);
    p.location = {layer0, "var/lib/dpkg/status"};
    return p;
  };
  auto apk = [&](std::string name, std::string version) {
    Package p;
    p.type = PackageType::kApk;
    p.name = std::move(name);
    p.version = std::move(version);
    p.arch = "x86_64";
    p.location = {layer1, "lib/apk/db/installed"};
    return p;
  };

  // Multi-Arch: same name and version, two architectures -> two purls.
  Package libc_amd64 = deb("libc6", "2.36-9+deb12u4", "amd64");
  libc_amd64.source_name = "glibc";
  libc_amd64.source_version = "2.36-9+deb12u4";
  libc_amd64.licenses = {"GPL-2+", "LGPL-2.1+", ""};  // Debian short names: not SPDX
  libc_amd64.installed_files = {"lib/x86_64-linux-gnu/libc.so.6"};
  Package libc_i386 = libc_amd64;
  libc_i386.arch = "i386";
  libc_i386.installed_files = {"lib/i386-linux-gnu/libc.so.6"};
  inv.packages.push_back(libc_amd64);
  inv.packages.push_back(libc_i386);

  // The same package in two databases (status and a distroless status.d file) -> one purl, two refs;
  // and once more, identical, to force the counter.
  Package dup = deb("dup", "1.0-1", "all");
  dup.licenses = {"MIT", "GPL-2.0-or-later WITH GCC-exception-3.1"};  // id + expression: both as names
  inv.packages.push_back(dup);
  Package dup2 = dup;
  dup2.location.path = "var/lib/dpkg/status.d/dup";
  inv.packages.push_back(dup2);
  inv.packages.push_back(dup);

  Package postgres = deb("postgresql-client", "11+200+deb10u5", "all");
  postgres.source_name = "postgresql-common";
  postgres.source_version = "200+deb10u5";
  postgres.maintainer = "J\xf6rg Frings-F\xfcrst <debian@jff.email>";  // Latin-1 bytes: not UTF-8
  postgres.licenses = {"mit"};                                         // SPDX ids match case-insensitively -> "MIT"
  postgres.digest = "md5:" + std::string(32, 'a');
  inv.packages.push_back(postgres);

  Package escape = deb("\x1b[31mred\x1b[0m", "1.0", "amd64");  // terminal escapes in a name
  escape.licenses = {"(MIT"};                                  // broken expression -> name
  inv.packages.push_back(escape);
  Package invalid = deb("bad\xff\xfename", "1:2\xc3", "amd64");
  inv.packages.push_back(invalid);
  inv.packages.push_back(deb("", "", ""));  // an empty record must not break a document

  Package unicode = apk("na\xc3\xafve pkg \xc3\xbc \xe5\x90\x8d\xe5\x89\x8d", "1.0-r0");  // "naïve pkg ü 名前"
  unicode.licenses = {"MIT AND BSD-2-Clause", "Apache-2.0 OR MIT"};  // expressions only -> one merged
  unicode.source_name = "naive";
  inv.packages.push_back(unicode);
  Package scoped = apk("@scope/name@with/slash", "2.0-r1");
  scoped.licenses = {"LicenseRef-Custom-1"};  // valid in CycloneDX, undefined in SPDX -> NOASSERTION
  inv.packages.push_back(scoped);
  Package spaces = apk("name with  spaces", "3.0-r2");
  spaces.licenses = {"  ", "GPL-2.0-only WITH Classpath-exception-2.0"};
  inv.packages.push_back(spaces);
  Package huge = apk(std::string(3000, 'n'), std::string(1500, '9'));  // version over CycloneDX's 1024
  huge.licenses = {std::string(5000, 'L')};
  inv.packages.push_back(huge);

  Package rpm;
  rpm.type = PackageType::kRpm;
  rpm.name = "openssl-libs";
  rpm.version = "1:3.0.7-6.el9";
  rpm.arch = "x86_64";
  rpm.source_name = "openssl";
  rpm.source_version = "3.0.7-6.el9";
  rpm.source_rpm = "openssl-3.0.7-6.el9.src.rpm";
  rpm.licenses = {"ASL 2.0"};
  rpm.vendor = "Red Hat, Inc.";
  rpm.maintainer = "Red Hat, Inc. <http://bugzilla.redhat.com/bugzilla>";
  rpm.digest = FakeDigest("openssl-libs rpm");
  rpm.location = {layer1, "var/lib/rpm/rpmdb.sqlite"};
  inv.packages.push_back(rpm);
  Package module = rpm;
  module.name = "nodejs";
  module.version = "1:18.14.2-2.module+el8.7.0+18114+9e3d4e5a";
  module.source_name = "nodejs";
  module.source_version = "18.14.2-2.module+el8.7.0+18114+9e3d4e5a";
  module.source_rpm = "nodejs-18.14.2-2.module+el8.7.0+18114+9e3d4e5a.src.rpm";
  module.modularity_label = "nodejs:18:8070020230306170042:8b3e7bc6";
  module.licenses = {"MIT and ISC"};  // lower-case operators are SPDX operators too
  module.digest = "sha1:not-hex";     // not a usable checksum -> kept as a property
  inv.packages.push_back(module);

  for (Package& p : inv.packages) p.purl = inventory::MakePurl(p, inv.distro);
  inv.diagnostics = {
      {layer0, "var/lib/dpkg/status", "line 812: missing Version"},
      {"", "", "terminal \x1b]0;owned\x07 title and\nnewline"},
      {layer1, "lib/apk/db/installed", "stanza 3: bad checksum \xff"},
  };
  inventory::Canonicalize(inv);
  return inv;
}

inventory::Inventory RhelTrickyInventory() {
  inventory::Inventory inv = TrickyInventory();
  inv.distro = MakeDistro("rhel", "9.2", "", "Red Hat Enterprise Linux 9.2 (Plow)", "9.2");
  inv.distro->id_like = {"fedora"};
  inv.distro->cpe = "cpe:/o:redhat:enterprise_linux:9::baseos";
  for (Package& p : inv.packages) p.purl = inventory::MakePurl(p, inv.distro);
  inventory::Canonicalize(inv);
  return inv;
}

inventory::Inventory RootfsInventory() {
  inventory::Inventory inv;
  inv.artifact.kind = inventory::ArtifactKind::kRootfs;
  inv.artifact.name = "/srv/rootfs";
  inv.distro = MakeDistro("debian", "12.5", "bookworm", "Debian GNU/Linux 12 (bookworm)", "12");
  // Licences as Syft reads them from libpam-runtime's copyright file (osdb/dpkg/syft-image-dpkg).
  nlohmann::json syft = LoadJson(TestData() / "osdb/dpkg/syft-image-dpkg/expected.syft.json");
  for (const auto& e : syft["packages"]) {
    Package p;
    p.type = PackageType::kDeb;
    p.name = e.value("name", "");
    p.version = e.value("version", "");
    p.arch = e["metadata"].value("architecture", "");
    p.source_name = e["metadata"].value("source", "");
    p.source_version = p.version;
    p.maintainer = e["metadata"].value("maintainer", "");
    for (const auto& license_call : e["licenses"]["args"])
      p.licenses.push_back(license_call["args"][1].get<std::string>());
    p.location = {"", "var/lib/dpkg/status"};
    inv.packages.push_back(std::move(p));
  }
  inventory::Canonicalize(inv);
  return inv;
}

inventory::Inventory EmptyInventory() {
  inventory::Inventory inv;
  inv.artifact.name = "oci:build/empty:latest";
  inv.artifact.manifest_digest = FakeDigest("empty manifest");
  inv.artifact.config_digest = FakeDigest("empty config");
  inv.artifact.os = "linux";
  inv.artifact.architecture = "amd64";
  return inv;
}

inventory::Inventory ExampleInventory() {
  inventory::Inventory inv;
  inv.artifact.name = "docker.io/library/debian:12";
  inv.artifact.manifest_digest = "sha256:" + std::string(64, 'a');
  inv.artifact.config_digest = "sha256:" + std::string(64, 'c');
  inv.artifact.repo_tags = {"debian:12"};
  inv.artifact.os = "linux";
  inv.artifact.architecture = "amd64";
  inv.artifact.created = "2024-01-11T00:00:00Z";
  inventory::LayerInfo layer;
  layer.digest = "sha256:" + std::string(64, 'b');
  layer.diff_id = "sha256:" + std::string(64, 'd');
  layer.media_type = "application/vnd.oci.image.layer.v1.tar+gzip";
  layer.size = 29123456;
  layer.created_by = "# debian.sh --arch 'amd64' out/ 'bookworm' '@1704672000'";
  inv.artifact.layers = {layer};
  inv.distro = MakeDistro("debian", "12.4", "bookworm", "Debian GNU/Linux 12 (bookworm)", "12");
  Package base;
  base.type = PackageType::kDeb;
  base.name = "base-files";
  base.version = "12.4+deb12u4";
  base.arch = "amd64";
  base.source_name = "base-files";
  base.source_version = "12.4+deb12u4";
  base.licenses = {"GPL-2.0-or-later"};
  base.maintainer = "Santiago Vila <sanvila@debian.org>";
  base.installed_files = {"etc/debian_version", "etc/os-release"};
  base.location = {layer.diff_id, "var/lib/dpkg/status"};
  Package libc = base;
  libc.name = "libc6";
  libc.version = "2.36-9+deb12u4";
  libc.source_name = "glibc";
  libc.source_version = "2.36-9+deb12u4";
  libc.licenses = {"GPL-2+", "LGPL-2.1+"};
  libc.maintainer = "GNU Libc Maintainers <debian-glibc@lists.debian.org>";
  libc.installed_files = {"lib/x86_64-linux-gnu/libc.so.6"};
  // Purls written out, not computed, so the example in the docs does not follow changes to MakePurl.
  base.purl = "pkg:deb/debian/base-files@12.4%2Bdeb12u4?arch=amd64&distro=debian-12";
  libc.purl = "pkg:deb/debian/libc6@2.36-9%2Bdeb12u4?arch=amd64&distro=debian-12&upstream=glibc";
  inv.packages = {base, libc};
  inv.diagnostics = {{layer.diff_id, "var/lib/dpkg/status", "stanza 7: missing Version; skipped"}};
  return inv;
}

Options TestOptions() {
  Options o;
  o.tool_version = "0.1.0-test";
  o.timestamp = "2024-01-02T03:04:05Z";
  return o;
}

std::string Render(const inventory::Inventory& inventory, Format format, const Options& options) {
  std::ostringstream out;
  Status s = WriteInventory(inventory, format, options, out);
  if (!s.ok()) {
    ADD_FAILURE() << FormatName(format) << ": " << s.error().message();
    return "";
  }
  return out.str();
}

std::string RenderReport(const inventory::Inventory& inventory, const std::vector<match::Finding>* findings,
                         Format format, const Options& options) {
  ScanReport report;
  report.inventory = &inventory;
  report.findings = findings;
  if (findings != nullptr) {
    report.scanners = {"vuln"};
    report.db = {"2024-01-02T00:00:00Z", {"debian", "nvd"}};
  }
  std::ostringstream out;
  Status s = WriteReport(report, format, options, out);
  if (!s.ok()) {
    ADD_FAILURE() << FormatName(format) << ": " << s.error().message();
    return "";
  }
  return out.str();
}

std::vector<match::Finding> ExampleFindings(const inventory::Inventory& example) {
  match::Finding f;
  f.id = "CVE-2010-4756";
  for (const inventory::Package& p : example.packages) {
    if (p.name == "libc6") f.package = p;
  }
  f.installed_version = f.package.version;
  f.status = vulndb::FixState::kAffected;
  f.severity = vulndb::SeverityLevel::kNegligible;
  f.severity_source = "debian";
  vulndb::Severity debian;
  debian.source = "debian";
  debian.level = vulndb::SeverityLevel::kNegligible;
  vulndb::Severity nvd;
  nvd.source = "nvd";
  nvd.level = vulndb::SeverityLevel::kMedium;
  nvd.cvss_version = "2.0";
  nvd.cvss_vector = "AV:N/AC:L/Au:S/C:N/I:N/A:P";
  nvd.cvss_score = 4.0;
  f.severities = {debian, nvd};
  f.cvss_score = 4.0;
  f.cvss_vector = nvd.cvss_vector;
  f.title = "glibc: glob implementation can cause excessive CPU and memory consumption due to crafted glob expressions";
  f.description =
      "The glob implementation in the GNU C Library (aka glibc or libc6) allows remote authenticated users to cause a "
      "denial of service (CPU and memory consumption) via crafted glob expressions that do not match any pathnames.";
  f.primary_url = "https://security-tracker.debian.org/tracker/CVE-2010-4756";
  f.references = {"https://nvd.nist.gov/vuln/detail/CVE-2010-4756"};
  f.published = "2011-03-02T20:00:01Z";
  f.modified = "2011-03-02T20:00:01Z";
  match::Evidence e;
  e.source = "debian";
  e.record = "debian tracker";
  e.ecosystem = "debian:12";
  e.package = "glibc";
  e.scheme = "dpkg";
  e.version = f.package.source_version;
  e.range = "all versions";
  e.confidence = "source-package";
  f.evidence = {e};
  return {f};
}

std::vector<match::Finding> VariedFindings(const inventory::Inventory& inventory, size_t max_packages) {
  using vulndb::SeverityLevel;
  constexpr SeverityLevel kLevels[] = {SeverityLevel::kCritical, SeverityLevel::kHigh,       SeverityLevel::kMedium,
                                       SeverityLevel::kLow,      SeverityLevel::kNegligible, SeverityLevel::kUnknown};
  std::vector<match::Finding> out;
  size_t n = std::min(max_packages, inventory.packages.size());
  for (size_t i = 0; i < n; ++i) {
    const inventory::Package& p = inventory.packages[i];
    match::Finding f;
    f.id = "CVE-2024-" + std::to_string(1000 + i);
    f.aliases = {"GHSA-" + std::to_string(i) + "xxx-yyyy-zzzz"};
    f.package = p;
    f.installed_version = p.version;
    f.severity = kLevels[i % 6];
    f.severity_source = i % 2 == 0 ? "nvd" : "debian";
    vulndb::Severity s;
    s.source = f.severity_source;
    s.level = f.severity;
    if (i % 3 == 0) {
      s.cvss_version = "3.1";
      s.cvss_vector = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H";
      s.cvss_score = 9.8;
      f.cvss_score = 9.8;
      f.cvss_vector = s.cvss_vector;
    }
    f.severities = {s};
    if (i % 4 == 1) {
      f.status = vulndb::FixState::kAffected;
    } else {
      f.fixed_versions = {p.version + ".1"};
      if (i % 4 == 2) f.fixed_versions.push_back(p.version + ".2");
    }
    f.kev = i % 5 == 0;
    if (f.kev) f.kev_date_added = "2024-01-10";
    if (i % 3 != 2) {
      f.epss_score = 0.00043 * static_cast<double>(i + 1);
      f.epss_percentile = 0.1 * static_cast<double>(i % 10);
    }
    f.title = i == 3 ? "escape \x1b[31m in a title" : "Vulnerability number " + std::to_string(i) + " in " + p.name;
    f.description = "A flaw in " + p.name + ".";
    f.primary_url = i == 4 ? "not a url" : "https://example.org/advisories/" + f.id;
    f.references = {f.primary_url, "https://example.org/ref with space"};
    f.published = i % 3 == 0 ? "2024-02-03" : (i % 3 == 1 ? "2024-02-03T04:05:06.789Z" : "yesterday");
    f.modified = "2024-02-04T00:00:00+01:00";
    match::Evidence e;
    e.source = f.severity_source;
    e.record = "record-" + std::to_string(i);
    e.ecosystem = "debian:12";
    e.package = p.source_name.empty() ? p.name : p.source_name;
    e.scheme = "dpkg";
    e.version = p.version;
    e.range = "< " + p.version + ".1";
    e.confidence = "exact";
    f.evidence = {e};
    if (i % 6 == 4) f.suppressed = match::Suppression{"vex", "not_affected", "vulnerable_code_not_in_execute_path", "not reachable here"};
    if (i % 6 == 5) f.suppressed = match::Suppression{"ignore", "ignored", "accepted risk", ".hullscanignore:3"};
    out.push_back(f);
    // A second finding on the same package with an id other packages share.
    if (i % 2 == 0) {
      match::Finding shared = f;
      shared.id = "CVE-2023-0001";
      shared.aliases = {};
      shared.severity = SeverityLevel::kHigh;
      shared.suppressed.reset();
      if (i == 2) shared.suppressed = match::Suppression{"vex", "fixed", "", "vex.json"};
      out.push_back(shared);
    }
  }
  return out;
}

namespace {

// Stand-ins for the values make-images.sh derives (secret_values): same shapes, not the same bytes.
constexpr std::string_view kAwsId = "AKIAQ2TOJ5XMB3SC7LWE";
constexpr std::string_view kAwsSecret = "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";
constexpr std::string_view kGithubToken = "ghp_4fT9qLw2Zx8Kc1Vb6Nm3Rj7Hs0Dp5Ya2Ue8G";
constexpr std::string_view kGitlabToken = "glpat-Q8w2Er5Ty7Ui9Op1As3D";
constexpr std::string_view kSlackToken = "xoxb-482910375621-5839201746352-Zk4Qw8Er2Ty6Ui0Op3As7Df1";
constexpr std::string_view kStripeKey = "sk_live_4k9q2w7e1r8t3y6u0i5o2p7a";
constexpr std::string_view kDbPassword = "Vb7Nm2Qw9Er4Ty1Ui6Op";

// Trivy's masking: the secret replaced by as many '*'.
std::string Masked(std::string_view line, std::string_view secret) {
  std::string out(line);
  size_t at = out.find(secret);
  if (at != std::string::npos) out.replace(at, secret.size(), std::string(secret.size(), '*'));
  return out;
}

const std::string kBaseLayer = "sha256:d975b817d86d7a6b1d0e79b27ccc4c63306666bfbdb050776e68b3d2ff143cba";
const std::string kCopyLayer = "sha256:7beecb5d2392291f4a1bdbe9afac34119a7550b4dd35ca445f3ca8db2d14d303";
const std::string kRmLayer = "sha256:40e841e1a983a7e072afce0c506b07d086741c52f35b222f6080d0338646a68f";
const std::string kCopyStep = "COPY secrets (ssh keys, TLS key, settings.py, .env)";

checks::Finding FileSecret(std::string rule, std::string title, vulndb::SeverityLevel severity, std::string path,
                           int line, std::string match) {
  checks::Finding f;
  f.id = "SECRET-" + rule;
  for (char& c : f.id) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  f.kind = checks::Kind::kSecret;
  f.severity = severity;
  f.title = std::move(title);
  f.message = f.title + " in a file of the image";
  f.remediation = "Remove the secret from the image and rotate it; pass secrets at run time";
  f.layer_diff_id = kCopyLayer;
  f.path = std::move(path);
  f.line = line;
  f.history = kCopyStep;
  f.match = std::move(match);
  return f;
}

}  // namespace

inventory::Inventory AppSecretsInventory() {
  inventory::Inventory inv;
  inventory::Artifact& a = inv.artifact;
  a.name = "scantest/app-secrets:bookworm";
  a.manifest_digest = "sha256:b1e6bf6e3116f7a32893412899523579598d914050fc383784bf2aa8a39269ae";
  a.config_digest = FakeDigest("app-secrets config");
  a.repo_tags = {"scantest/app-secrets:bookworm"};
  a.os = "linux";
  a.architecture = "amd64";
  a.created = "2024-01-01T00:00:00Z";
  const std::pair<std::string, std::string> layers[] = {
      {kBaseLayer, "debootstrap --variant=minbase bookworm (slimmed)"},
      {kCopyLayer, kCopyStep},
      {kRmLayer, "RUN rm /app/.env"}};
  for (const auto& [diff_id, step] : layers) {
    inventory::LayerInfo l;
    l.diff_id = diff_id;
    l.digest = FakeDigest(diff_id + " blob");
    l.media_type = "application/vnd.oci.image.layer.v1.tar+gzip";
    l.created_by = step;
    a.layers.push_back(l);
  }
  a.runtime.present = true;
  a.runtime.user = "root";
  a.runtime.working_dir = "/app";
  a.runtime.cmd = {"/app/run.sh"};
  a.runtime.labels = {{"org.opencontainers.image.title", "secrets test image (root)"}};
  a.runtime.env = {"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                   "AWS_ACCESS_KEY_ID=" + std::string(kAwsId), "AWS_SECRET_ACCESS_KEY=" + std::string(kAwsSecret),
                   "GITHUB_TOKEN=" + std::string(kGithubToken), "DB_PASSWORD=" + std::string(kDbPassword)};
  inv.distro = MakeDistro("debian", "12", "bookworm", "Debian GNU/Linux 12 (bookworm)", "12");
  return inv;
}

std::vector<checks::Finding> AppSecretsCheckFindings() {
  using vulndb::SeverityLevel;
  std::vector<checks::Finding> out;
  // app/config/settings.py (make-images.sh fill_secrets)
  out.push_back(FileSecret("aws-access-key-id", "AWS Access Key ID", SeverityLevel::kCritical,
                           "app/config/settings.py", 2,
                           Masked("AWS_ACCESS_KEY_ID = \"" + std::string(kAwsId) + "\"", kAwsId)));
  out.push_back(FileSecret("aws-secret-access-key", "AWS Secret Access Key", SeverityLevel::kCritical,
                           "app/config/settings.py", 3,
                           Masked("AWS_SECRET_ACCESS_KEY = \"" + std::string(kAwsSecret) + "\"", kAwsSecret)));
  // app/.env: deleted by the top layer, still shipped in the COPY layer
  out.push_back(FileSecret("github-pat", "GitHub Personal Access Token", SeverityLevel::kCritical, "app/.env", 1,
                           Masked("GITHUB_TOKEN=" + std::string(kGithubToken), kGithubToken)));
  out.push_back(FileSecret("gitlab-pat", "GitLab Personal Access Token", SeverityLevel::kCritical, "app/.env", 2,
                           Masked("GITLAB_TOKEN=" + std::string(kGitlabToken), kGitlabToken)));
  out.push_back(FileSecret("slack-access-token", "Slack token", SeverityLevel::kHigh, "app/.env", 3,
                           Masked("SLACK_BOT_TOKEN=" + std::string(kSlackToken), kSlackToken)));
  out.push_back(FileSecret("stripe-secret-token", "Stripe Secret Key", SeverityLevel::kCritical, "app/.env", 4,
                           Masked("STRIPE_SECRET_KEY=" + std::string(kStripeKey), kStripeKey)));
  for (const char* key : {"etc/ssl/private/app.key", "root/.ssh/id_ed25519", "root/.ssh/id_rsa"}) {
    out.push_back(FileSecret("private-key", "Asymmetric Private Key", SeverityLevel::kHigh, key, 2,
                             std::string(64, '*')));
  }
  out.back().suppressed_by = ".trivyignore.yaml: secrets[0] (line 2)";
  // ENV of the image config: the AWS keys Trivy's image secret scan does not look at
  for (auto [rule, title, name, value] :
       {std::tuple<std::string, std::string, std::string, std::string_view>{"aws-access-key-id", "AWS Access Key ID",
                                                                            "AWS_ACCESS_KEY_ID", kAwsId},
        {"aws-secret-access-key", "AWS Secret Access Key", "AWS_SECRET_ACCESS_KEY", kAwsSecret}}) {
    checks::Finding f =
        FileSecret(rule, title, SeverityLevel::kCritical, "", 0, Masked(name + "=" + std::string(value), value));
    f.message = title + " in ENV " + name;
    f.layer_diff_id.clear();
    f.history.clear();
    out.push_back(f);
  }
  checks::Finding root;
  root.id = "CFG-USER-ROOT";
  root.kind = checks::Kind::kConfig;
  root.severity = SeverityLevel::kHigh;
  root.title = "Image runs as root";
  root.message = "USER is root: the container runs as uid 0";
  root.remediation = "Add `USER 10001:10001` after the last RUN step";
  root.match = "USER root";
  out.push_back(root);
  checks::Finding health;
  health.id = "CFG-NO-HEALTHCHECK";
  health.kind = checks::Kind::kConfig;
  health.severity = SeverityLevel::kLow;
  health.title = "No HEALTHCHECK";
  health.message = "The image config has no HEALTHCHECK";
  health.remediation = "Add a HEALTHCHECK instruction";
  health.suppressed_by = ".hullscanignore:3";
  out.push_back(health);
  checks::Finding env;
  env.id = "FS-LEFTOVER-KEY";
  env.kind = checks::Kind::kFilesystem;
  env.severity = SeverityLevel::kMedium;
  env.title = "Private key file left in the image";
  env.message = "root/.ssh/id_rsa is a private key file by name";
  env.remediation = "Do not copy keys into images; mount them at run time";
  env.layer_diff_id = kCopyLayer;
  env.path = "root/.ssh/id_rsa";
  env.history = kCopyStep;
  out.push_back(env);
  checks::SortFindings(out);
  return out;
}

std::vector<checks::Finding> ExampleCheckFindings() {
  std::vector<checks::Finding> out;
  for (const checks::Finding& f : AppSecretsCheckFindings()) {
    if (f.id == "SECRET-GITHUB-PAT" || f.id == "CFG-USER-ROOT" || f.id == "CFG-NO-HEALTHCHECK") out.push_back(f);
  }
  return out;
}

std::vector<checks::Finding> ConfigFileCheckFindings() {
  using vulndb::SeverityLevel;
  std::vector<checks::Finding> out;
  checks::Finding user;
  user.id = "DF-LAST-USER-ROOT";
  user.kind = checks::Kind::kDockerfile;
  user.severity = SeverityLevel::kHigh;
  user.title = "Last USER is root";
  user.message = "The last USER instruction sets root";
  user.remediation = "End with `USER 10001:10001`";
  user.target = "build/Dockerfile";
  user.line = 12;
  user.match = "USER root";
  out.push_back(user);
  checks::Finding latest = user;
  latest.id = "DF-FROM-LATEST";
  latest.severity = SeverityLevel::kMedium;
  latest.title = "FROM uses the latest tag";
  latest.message = "FROM debian:latest is not reproducible";
  latest.remediation = "Pin the base image by tag and digest";
  latest.line = 1;
  latest.match = "FROM debian:latest";
  out.push_back(latest);
  checks::Finding privileged;
  privileged.id = "K8S-PRIVILEGED";
  privileged.kind = checks::Kind::kKubernetes;
  privileged.severity = SeverityLevel::kHigh;
  privileged.title = "Privileged container";
  privileged.message = "Container app of Deployment/web is privileged";
  privileged.remediation = "Set securityContext.privileged to false";
  privileged.target = "./k8s/web.yaml";
  privileged.line = 21;
  privileged.resource = "Deployment/web (container app)";
  privileged.match = "privileged: true";
  out.push_back(privileged);
  checks::Finding limits = privileged;
  limits.id = "K8S-NO-RESOURCE-LIMITS";
  limits.severity = SeverityLevel::kLow;
  limits.title = "No resource limits";
  limits.message = "Container app of Deployment/web sets no resources.limits";
  limits.remediation = "Set resources.limits.cpu and resources.limits.memory";
  limits.line = 17;
  limits.match = "";
  out.push_back(limits);
  checks::SortFindings(out);
  return out;
}

std::vector<checks::Finding> TrickyCheckFindings() {
  using vulndb::SeverityLevel;
  std::vector<checks::Finding> out;
  checks::Finding escape;
  escape.id = "FS-WORLD-WRITABLE";
  escape.kind = checks::Kind::kFilesystem;
  escape.severity = SeverityLevel::kMedium;
  escape.title = "World-writable file \x1b[31m in a title";
  escape.message = "bytes \xff\xfe are not UTF-8; bidi \u202e override";
  escape.remediation = "chmod o-w";
  escape.layer_diff_id = FakeDigest("tricky layer");
  escape.path = "opt/my app/a#b%c:d \xe4\xb8\xad.txt";
  out.push_back(escape);
  checks::Finding untitled;
  untitled.id = "CFG-CUSTOM";
  untitled.kind = checks::Kind::kConfig;
  untitled.severity = SeverityLevel::kUnknown;
  untitled.history = "/bin/sh -c #(nop) ADD https://example.com/x.tar.gz /opt/";
  out.push_back(untitled);
  checks::Finding negligible = untitled;
  negligible.id = "SECRET-CUSTOM-TOKEN";
  negligible.kind = checks::Kind::kSecret;
  negligible.severity = SeverityLevel::kNegligible;
  negligible.title = "Custom token";
  negligible.path = "etc/app:config";
  negligible.line = 100000;
  negligible.match = "token=" + std::string(5000, '*');
  out.push_back(negligible);
  checks::SortFindings(out);
  return out;
}

std::vector<std::string> UnmaskedSecretValues() {
  return {std::string(kAwsId),      std::string(kAwsSecret), std::string(kGithubToken), std::string(kGitlabToken),
          std::string(kSlackToken), std::string(kStripeKey)};
}

std::string RenderScan(const inventory::Inventory& inventory, const std::vector<match::Finding>* vulns,
                       const std::vector<checks::Finding>* checks, Format format, const Options& options) {
  ScanReport report;
  report.inventory = &inventory;
  report.findings = vulns;
  report.checks = checks;
  if (vulns != nullptr) {
    report.scanners.push_back("vuln");
    report.db = {"2024-01-02T00:00:00Z", {"debian", "nvd"}};
  }
  if (checks != nullptr) {
    report.scanners.push_back("config");
    report.scanners.push_back("secret");
  }
  std::ostringstream out;
  Status s = WriteReport(report, format, options, out);
  if (!s.ok()) {
    ADD_FAILURE() << FormatName(format) << ": " << s.error().message();
    return "";
  }
  return out.str();
}

void WriteFile(const std::filesystem::path& path, const std::string& content) {
  std::ofstream f(path, std::ios::binary);
  f << content;
  if (!f) ADD_FAILURE() << "cannot write " << path;
}

bool NodeAvailable() { return std::system("command -v node >/dev/null 2>&1") == 0; }

ValidatorResult RunSchemaValidator(const std::string& schema, const std::vector<std::filesystem::path>& files) {
  const auto script = hullscan::testing::SourceDir() / "tests/tools/schema-validator/validate.mjs";
  const auto schema_path = hullscan::testing::SharedDir() / "schemas" / schema;
  hullscan::testing::TempDir tmp;
  const auto log = tmp.path() / "validator.log";
  std::string cmd = "node " + ShellQuote(script.string()) + " " + ShellQuote(schema_path.string());
  for (const auto& f : files) cmd += " " + ShellQuote(f.string());
  cmd += " >" + ShellQuote(log.string()) + " 2>&1";
  ValidatorResult result;
  int status = std::system(cmd.c_str());
  result.exit_code = (status != -1 && WIFEXITED(status)) ? WEXITSTATUS(status) : -1;
  std::ifstream in(log);
  std::ostringstream ss;
  ss << in.rdbuf();
  result.output = ss.str();
  return result;
}

}  // namespace hullscan::report::testing
