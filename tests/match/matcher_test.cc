// The lookup rules: which namespace and name each package is matched under.
#include "match/matcher.h"

#include <gtest/gtest.h>

namespace hullscan::match {
namespace {

inventory::Distro MakeDistro(std::string family, std::string version_id, std::string codename = "") {
  inventory::Distro d;
  d.family = std::move(family);
  d.version = version_id;
  d.version_id = std::move(version_id);
  d.codename = std::move(codename);
  return d;
}

TEST(MatcherTest, DistroNamespaces) {
  EXPECT_EQ(DistroNamespace(MakeDistro("debian", "12")), "debian:12");
  // debian_version refines the version; the namespace is the major release.
  inventory::Distro point = MakeDistro("debian", "12");
  point.version = "12.5";
  EXPECT_EQ(DistroNamespace(point), "debian:12");
  EXPECT_EQ(DistroNamespace(MakeDistro("debian", "", "trixie")), "debian:13");
  EXPECT_EQ(DistroNamespace(MakeDistro("debian", "", "sid")), "debian:unstable");
  EXPECT_EQ(DistroNamespace(MakeDistro("ubuntu", "22.04", "jammy")), "ubuntu:22.04");
  EXPECT_EQ(DistroNamespace(MakeDistro("alpine", "3.18.4")), "alpine:3.18");
  EXPECT_EQ(DistroNamespace(MakeDistro("alpine", "3.21.0_alpha20240807")), "alpine:edge");
  EXPECT_EQ(DistroNamespace(MakeDistro("rhel", "9.2")), "redhat:9");
  EXPECT_EQ(DistroNamespace(MakeDistro("wolfi", "20230201")), "wolfi");
  EXPECT_EQ(DistroNamespace(MakeDistro("arch", "")), "");
}

TEST(MatcherTest, DebianPackagesAreLookedUpBySourcePackageAndVersion) {
  inventory::Package p;
  p.type = inventory::PackageType::kDeb;
  p.name = "libssl3";
  p.version = "3.0.11-1~deb12u2+b1";
  p.source_name = "openssl";
  p.source_version = "3.0.11-1~deb12u2";
  auto lookups = LookupsFor(p, MakeDistro("debian", "12"));
  ASSERT_EQ(lookups.size(), 1u);
  EXPECT_EQ(lookups[0].ecosystem, "debian:12");
  EXPECT_EQ(lookups[0].package, "openssl");
  EXPECT_EQ(lookups[0].version, "3.0.11-1~deb12u2");
  EXPECT_EQ(lookups[0].confidence, "source-package");
  // Never against language feeds, and not at all without a known distro.
  EXPECT_TRUE(LookupsFor(p, std::nullopt).empty());
  EXPECT_TRUE(LookupsFor(p, MakeDistro("arch", "")).empty());
}

TEST(MatcherTest, RpmPackagesAreLookedUpByBinaryAndSourceName) {
  inventory::Package p;
  p.type = inventory::PackageType::kRpm;
  p.name = "openssl-libs";
  p.version = "1:3.0.7-6.el9";
  p.source_rpm = "openssl-3.0.7-6.el9.src.rpm";
  auto lookups = LookupsFor(p, MakeDistro("rhel", "9.2"));
  ASSERT_EQ(lookups.size(), 2u);
  EXPECT_EQ(lookups[0].package, "openssl-libs");
  EXPECT_EQ(lookups[1].package, "openssl");
  EXPECT_EQ(lookups[1].version, "1:3.0.7-6.el9");
}

TEST(MatcherTest, LanguagePackagesUseTheirEcosystemAndNormalisedName) {
  inventory::Package p;
  p.type = inventory::PackageType::kPypi;
  p.name = "Django_REST.framework";
  p.version = "3.0";
  auto lookups = LookupsFor(p, MakeDistro("debian", "12"));  // the distro does not matter
  ASSERT_EQ(lookups.size(), 1u);
  EXPECT_EQ(lookups[0].ecosystem, "pypi");
  EXPECT_EQ(lookups[0].package, "django-rest-framework");  // PEP 503
  p.type = inventory::PackageType::kMaven;
  p.name = "org.springframework:spring-beans";
  EXPECT_EQ(LookupsFor(p, std::nullopt).at(0).package, "org.springframework:spring-beans");
  p.type = inventory::PackageType::kGolang;
  p.name = "golang.org/x/net";
  EXPECT_EQ(LookupsFor(p, std::nullopt).at(0).ecosystem, "go");
}

}  // namespace
}  // namespace hullscan::match
