// The model's vocabulary helpers: enum names, severity ratings, namespaces, schemes, package names.
#include "vulndb/model.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <set>

#include "testing/testdata.h"
#include "version/scheme.h"

namespace hullscan::vulndb {
namespace {

TEST(ModelTest, FixStateNamesRoundTrip) {
  for (FixState s : {FixState::kFixed, FixState::kAffected, FixState::kNotAffected, FixState::kWillNotFix,
                     FixState::kDeferred, FixState::kEndOfLife}) {
    FixState parsed = s == FixState::kFixed ? FixState::kAffected : FixState::kFixed;
    ASSERT_TRUE(ParseFixState(FixStateName(s), parsed)) << FixStateName(s);
    EXPECT_EQ(parsed, s);
  }
  EXPECT_EQ(FixStateName(FixState::kNotAffected), "not_affected");
  FixState untouched = FixState::kDeferred;
  EXPECT_FALSE(ParseFixState("Fixed", untouched));  // names are exact
  EXPECT_FALSE(ParseFixState("", untouched));
  EXPECT_EQ(untouched, FixState::kDeferred);
}

TEST(ModelTest, SeverityNamesAndSynonyms) {
  for (SeverityLevel l : {SeverityLevel::kUnknown, SeverityLevel::kNegligible, SeverityLevel::kLow,
                          SeverityLevel::kMedium, SeverityLevel::kHigh, SeverityLevel::kCritical}) {
    EXPECT_EQ(ParseSeverity(SeverityName(l)), l) << SeverityName(l);
  }
  EXPECT_EQ(ParseSeverity("MODERATE"), SeverityLevel::kMedium);  // GHSA database_specific.severity
  EXPECT_EQ(ParseSeverity("Important"), SeverityLevel::kHigh);   // Red Hat
  EXPECT_EQ(ParseSeverity("unimportant"), SeverityLevel::kNegligible);  // Debian
  EXPECT_EQ(ParseSeverity(" medium "), SeverityLevel::kMedium);  // Ubuntu, stray spaces
  EXPECT_EQ(ParseSeverity("not yet assigned"), SeverityLevel::kUnknown);
  EXPECT_EQ(ParseSeverity("bogus"), SeverityLevel::kUnknown);
}

TEST(ModelTest, SeverityFromScoreUsesCvssBands) {
  EXPECT_EQ(SeverityFromScore(0), SeverityLevel::kUnknown);
  EXPECT_EQ(SeverityFromScore(0.1), SeverityLevel::kLow);
  EXPECT_EQ(SeverityFromScore(3.9), SeverityLevel::kLow);
  EXPECT_EQ(SeverityFromScore(4.0), SeverityLevel::kMedium);
  EXPECT_EQ(SeverityFromScore(6.9), SeverityLevel::kMedium);
  EXPECT_EQ(SeverityFromScore(7.0), SeverityLevel::kHigh);
  EXPECT_EQ(SeverityFromScore(8.9), SeverityLevel::kHigh);
  EXPECT_EQ(SeverityFromScore(9.0), SeverityLevel::kCritical);
  EXPECT_EQ(SeverityFromScore(10.0), SeverityLevel::kCritical);
  EXPECT_EQ(SeverityFromScore(-1), SeverityLevel::kUnknown);
  EXPECT_EQ(SeverityFromScore(10.5), SeverityLevel::kUnknown);
}

TEST(ModelTest, NormalizePackageName) {
  EXPECT_EQ(NormalizePackageName("pypi", "Zope.Interface"), "zope-interface");
  EXPECT_EQ(NormalizePackageName("PyPI", "PyDrive2"), "pydrive2");
  EXPECT_EQ(NormalizePackageName("pypi", "a__b-._c"), "a-b-c");
  EXPECT_EQ(NormalizePackageName("npm", "JSONStream"), "jsonstream");
  EXPECT_EQ(NormalizePackageName("nuget", "AjaxNetProfessional"), "ajaxnetprofessional");
  EXPECT_EQ(NormalizePackageName("packagist", "Microsoft/Microsoft-Graph-Core"), "microsoft/microsoft-graph-core");
  EXPECT_EQ(NormalizePackageName("maven", "org.springframework:spring-beans"), "org.springframework:spring-beans");
  EXPECT_EQ(NormalizePackageName("go", "github.com/BurntSushi/toml"), "github.com/BurntSushi/toml");
  EXPECT_EQ(NormalizePackageName("go", "stdlib"), "stdlib");
  EXPECT_EQ(NormalizePackageName("debian:12", "libapache-mod-ssl"), "libapache-mod-ssl");
  EXPECT_EQ(NormalizePackageName("alpine:3.18", "py3-Foo"), "py3-Foo");  // distro names are exact
}

TEST(ModelTest, EcosystemNamespaces) {
  EXPECT_EQ(EcosystemNamespace("PyPI"), "pypi");
  EXPECT_EQ(EcosystemNamespace("crates.io"), "crates.io");
  EXPECT_EQ(EcosystemNamespace("Go"), "go");
  EXPECT_EQ(EcosystemNamespace("Debian:11"), "debian:11");
  EXPECT_EQ(EcosystemNamespace("Debian:3.0"), "debian:3.0");
  EXPECT_EQ(EcosystemNamespace("Debian"), "");  // no release: nothing to compare with
  EXPECT_EQ(EcosystemNamespace("Alpine:v3.18"), "alpine:3.18");
  EXPECT_EQ(EcosystemNamespace("Alpine:edge"), "alpine:edge");
  EXPECT_EQ(EcosystemNamespace("Alpine:vX"), "");
  EXPECT_EQ(EcosystemNamespace("Ubuntu:22.04:LTS"), "ubuntu:22.04");
  EXPECT_EQ(EcosystemNamespace("Ubuntu:25.10"), "ubuntu:25.10");
  EXPECT_EQ(EcosystemNamespace("Ubuntu:Pro:16.04:LTS"), "ubuntu-pro:16.04");
  EXPECT_EQ(EcosystemNamespace("Ubuntu:Pro:FIPS:20.04:LTS"), "");
  EXPECT_EQ(EcosystemNamespace("Red Hat:enterprise_linux:9::appstream"), "redhat:9");
  EXPECT_EQ(EcosystemNamespace("Red Hat:rhel_aus:8.4::appstream"), "redhat:8");
  EXPECT_EQ(EcosystemNamespace("Red Hat:openshift:4.12"), "");
  EXPECT_EQ(EcosystemNamespace("Wolfi"), "wolfi");
  EXPECT_EQ(EcosystemNamespace("Chainguard"), "chainguard");
  EXPECT_EQ(EcosystemNamespace("GitHub Actions"), "");
  EXPECT_EQ(EcosystemNamespace("SwiftURL"), "");
  EXPECT_EQ(EcosystemNamespace(""), "");
  // Our own namespaces are fixed points.
  for (std::string_view ns : {"pypi", "debian:12", "alpine:3.18", "ubuntu:22.04", "ubuntu-pro:16.04", "redhat:9"}) {
    EXPECT_EQ(EcosystemNamespace(ns), ns);
  }
}

// Every ecosystem the OSV schema lists either maps to a namespace whose scheme the version module
// has, or to none; the ones the task names must map.
TEST(ModelTest, EverySchemaEcosystemHasASchemeOrNoNamespace) {
  std::string text = hullscan::testing::ReadFileOrFail(hullscan::testing::SharedDir() /
                                                       "vulndata/osv-schema/ecosystems.json");
  nlohmann::json ecosystems = nlohmann::json::parse(text);
  ASSERT_TRUE(ecosystems.is_object());
  std::set<std::string> mapped;
  for (const auto& [name, description] : ecosystems.items()) {
    std::string ns = EcosystemNamespace(name);
    if (ns.empty()) continue;
    mapped.insert(ns);
    std::string_view scheme = SchemeForEcosystem(ns);
    ASSERT_FALSE(scheme.empty()) << name;
    EXPECT_NE(version::FindScheme(scheme), nullptr) << name << " → " << scheme;
  }
  for (std::string_view ns : {"pypi", "npm", "go", "maven", "crates.io", "rubygems", "packagist", "nuget", "hex",
                              "pub", "wolfi", "chainguard"}) {
    EXPECT_TRUE(mapped.count(std::string(ns))) << ns;
  }
}

TEST(ModelTest, SchemesForNamespaces) {
  EXPECT_EQ(SchemeForEcosystem("debian:12"), "dpkg");
  EXPECT_EQ(SchemeForEcosystem("ubuntu:22.04"), "dpkg");
  EXPECT_EQ(SchemeForEcosystem("ubuntu-pro:16.04"), "dpkg");
  EXPECT_EQ(SchemeForEcosystem("alpine:3.18"), "apk");
  EXPECT_EQ(SchemeForEcosystem("wolfi"), "apk");
  EXPECT_EQ(SchemeForEcosystem("chainguard"), "apk");
  EXPECT_EQ(SchemeForEcosystem("redhat:9"), "rpm");
  EXPECT_EQ(SchemeForEcosystem("pypi"), "pep440");
  EXPECT_EQ(SchemeForEcosystem("npm"), "npm");
  EXPECT_EQ(SchemeForEcosystem("go"), "go");
  EXPECT_EQ(SchemeForEcosystem("maven"), "maven");
  EXPECT_EQ(SchemeForEcosystem("crates.io"), "cargo");
  EXPECT_EQ(SchemeForEcosystem("rubygems"), "gem");
  EXPECT_EQ(SchemeForEcosystem("nuget"), "nuget");
  EXPECT_EQ(SchemeForEcosystem("packagist"), "npm");
  EXPECT_EQ(SchemeForEcosystem("hex"), "npm");
  EXPECT_EQ(SchemeForEcosystem("pub"), "npm");
  EXPECT_EQ(SchemeForEcosystem("swifturl"), "");
  for (std::string_view ns : {"debian:12", "alpine:3.18", "redhat:9", "pypi", "npm", "go", "maven", "crates.io",
                              "rubygems", "nuget", "packagist"}) {
    EXPECT_NE(version::FindScheme(SchemeForEcosystem(ns)), nullptr) << ns;
  }
}

}  // namespace
}  // namespace hullscan::vulndb
