#include "inventory/purl.h"

#include <gtest/gtest.h>

namespace hullscan::inventory {
namespace {

Distro D(std::string family, std::string version_id, std::string version = "") {
  Distro d;
  d.family = std::move(family);
  d.version_id = std::move(version_id);
  d.version = version.empty() ? d.version_id : std::move(version);
  return d;
}

// The examples are the purl-spec's own (PURL-TYPES.rst for deb, apk and rpm) where the spec
// gives one, otherwise the stated form.
TEST(PurlTest, Deb) {
  Package p;
  p.type = PackageType::kDeb;
  p.name = "openssl";
  p.version = "3.0.11-1~deb12u2";
  p.arch = "amd64";
  p.source_name = "openssl";
  p.source_version = "3.0.11-1~deb12u2";
  EXPECT_EQ(MakePurl(p, D("debian", "12", "12.4")), "pkg:deb/debian/openssl@3.0.11-1~deb12u2?arch=amd64&distro=debian-12");
}

TEST(PurlTest, DebWithEpochAndSourcePackage) {
  Package p;
  p.type = PackageType::kDeb;
  p.name = "libgcc-s1";
  p.version = "1:12.2.0-14";
  p.arch = "amd64";
  p.source_name = "gcc-12";
  p.source_version = "12.2.0-14";
  EXPECT_EQ(MakePurl(p, D("debian", "12")),
            "pkg:deb/debian/libgcc-s1@1%3A12.2.0-14?arch=amd64&distro=debian-12&upstream=gcc-12%4012.2.0-14");
}

TEST(PurlTest, RpmEpochIsAQualifier) {
  Package p;
  p.type = PackageType::kRpm;
  p.name = "openssl-libs";
  p.version = "1:3.0.7-6.el9";
  p.arch = "x86_64";
  EXPECT_EQ(MakePurl(p, D("rhel", "9.2")), "pkg:rpm/redhat/openssl-libs@3.0.7-6.el9?arch=x86_64&distro=rhel-9.2&epoch=1");
}

TEST(PurlTest, ApkWithoutDistro) {
  Package p;
  p.type = PackageType::kApk;
  p.name = "musl";
  p.version = "1.2.4-r2";
  p.arch = "x86_64";
  p.source_name = "musl";
  p.source_version = "1.2.4-r2";
  EXPECT_EQ(MakePurl(p, std::nullopt), "pkg:apk/alpine/musl@1.2.4-r2?arch=x86_64");
}

TEST(PurlTest, EscapesReservedCharacters) {
  EXPECT_EQ(PurlEscape("a b/c@d?e#f"), "a%20b%2Fc%40d%3Fe%23f");
  EXPECT_EQ(PurlEscape("1.2.3-r0~x_y"), "1.2.3-r0~x_y");
}

}  // namespace
}  // namespace hullscan::inventory
