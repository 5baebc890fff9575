// The analyzer against every real rpmdb in testdata/osdb/rpm/: every field of expected.json is
// compared, package by package, in database order (the order rpm -qa / go-rpmdb return).
//
// Two levels are checked: the decoded header (which keeps "tag absent" apart from "tag empty" and
// carries summary and size, which inventory::Package does not) and the inventory::Package the
// analyzer reports.
#include <gtest/gtest.h>

#include <map>
#include <optional>
#include <string>

#include "analyze/rpm/internal/bdb_hash.h"
#include "analyze/rpm/internal/header.h"
#include "analyze/rpm/internal/ndb.h"
#include "analyze/rpm/internal/sqlite_db.h"
#include "rpm_test_support.h"

namespace hullscan::analyze::rpm_test {
namespace {

using nlohmann::json;
using rpm_internal::HeaderFields;

// Deliberate differences from a peer's expectation, as (case, field). Each is explained here:
//  - ndb-sle15-bci / modularitylabel: go-rpmdb (the peer that wrote this expected.json) stores
//    MODULARITYLABEL in a plain Go string, so a header without the tag is asserted as "". SUSE
//    packages carry no such tag; rpm itself would print "(none)", and we report "tag absent"
//    (nullopt). The inventory::Package field is "" either way, so only the header-level
//    comparison needs the exception.
struct PeerException {
  std::string_view case_name;
  std::string_view field;
};
constexpr PeerException kPeerEmptyMeansAbsent[] = {{"ndb-sle15-bci", "modularitylabel"}};

// How often each exception was needed; an exception that no longer applies must be removed.
std::map<std::string, int>& ExceptionUses() {
  static std::map<std::string, int> uses;
  return uses;
}

bool EmptyMeansAbsent(const std::string& case_name, std::string_view field) {
  for (const PeerException& e : kPeerEmptyMeansAbsent) {
    if (e.case_name == case_name && e.field == field) return true;
  }
  return false;
}

std::string StringOrEmpty(const json& v) { return v.is_string() ? v.get<std::string>() : std::string(); }

void ExpectOptionalString(const std::string& case_name, std::string_view field, const json& want,
                          const std::optional<std::string>& got) {
  SCOPED_TRACE(std::string(field));
  if (want.is_null()) {
    EXPECT_EQ(got, std::nullopt) << "expected the tag to be absent";
  } else if (EmptyMeansAbsent(case_name, field) && want == "" && !got) {
    ++ExceptionUses()[case_name + "/" + std::string(field)];  // documented peer difference
  } else {
    EXPECT_EQ(got, std::optional<std::string>(want.get<std::string>()));
  }
}

void ExpectHeaderMatches(const std::string& case_name, const json& want, const HeaderFields& got) {
  EXPECT_EQ(got.name, want.at("name").get<std::string>());
  if (want.at("epoch").is_null()) {
    EXPECT_EQ(got.epoch, std::nullopt);
  } else {
    EXPECT_EQ(got.epoch, std::optional<uint32_t>(want.at("epoch").get<uint32_t>()));
  }
  EXPECT_EQ(got.version, want.at("version").get<std::string>());
  EXPECT_EQ(got.release, want.at("release").get<std::string>());
  ExpectOptionalString(case_name, "arch", want.at("arch"), got.arch);
  ExpectOptionalString(case_name, "source_rpm", want.at("source_rpm"), got.source_rpm);
  if (want.at("size").is_null()) {
    EXPECT_EQ(got.size, std::nullopt);
  } else {
    EXPECT_EQ(got.size, std::optional<uint64_t>(want.at("size").get<uint64_t>()));
  }
  ExpectOptionalString(case_name, "license", want.at("license"), got.license);
  ExpectOptionalString(case_name, "vendor", want.at("vendor"), got.vendor);
  ExpectOptionalString(case_name, "modularitylabel", want.at("modularitylabel"), got.modularity_label);
  ExpectOptionalString(case_name, "summary", want.at("summary"), got.summary);
  EXPECT_EQ(got.sigmd5_hex, StringOrEmpty(want.at("sigmd5")));
  EXPECT_EQ(got.file_list_problem, "");
}

void ExpectPackageMatches(const json& want, const inventory::Package& got, const std::string& db_path) {
  EXPECT_EQ(got.type, inventory::PackageType::kRpm);
  EXPECT_EQ(got.name, want.at("name").get<std::string>());
  std::string epoch_prefix = want.at("epoch").is_null() ? "" : std::to_string(want.at("epoch").get<uint32_t>()) + ":";
  EXPECT_EQ(got.version,
            epoch_prefix + want.at("version").get<std::string>() + "-" + want.at("release").get<std::string>());
  EXPECT_EQ(got.arch, StringOrEmpty(want.at("arch")));
  std::string source_rpm = StringOrEmpty(want.at("source_rpm"));
  EXPECT_EQ(got.source_rpm, source_rpm);
  if (!source_rpm.empty()) {
    // The source name and version must spell the SOURCERPM back (name-version-release.src.rpm),
    // with the binary's epoch in front of the version (see ToPackage for why).
    EXPECT_FALSE(got.source_name.empty());
    ASSERT_TRUE(got.source_version.starts_with(epoch_prefix)) << got.source_version;
    EXPECT_EQ(got.source_name + "-" + got.source_version.substr(epoch_prefix.size()) + ".src.rpm", source_rpm);
  }
  std::string license = StringOrEmpty(want.at("license"));
  EXPECT_EQ(got.licenses, license.empty() ? std::vector<std::string>{} : std::vector<std::string>{license});
  EXPECT_EQ(got.vendor, StringOrEmpty(want.at("vendor")));
  EXPECT_EQ(got.modularity_label, StringOrEmpty(want.at("modularitylabel")));
  std::string sigmd5 = StringOrEmpty(want.at("sigmd5"));
  EXPECT_EQ(got.digest, sigmd5.empty() ? "" : "md5:" + sigmd5);
  EXPECT_TRUE(std::is_sorted(got.installed_files.begin(), got.installed_files.end()));
  for (const std::string& f : got.installed_files) EXPECT_FALSE(f.starts_with('/')) << f;
  EXPECT_EQ(got.location.path, db_path);
  EXPECT_EQ(got.location.layer_diff_id, "");
  EXPECT_EQ(got.purl, "");
}

TEST(RpmCases, AllListedCasesArePresent) {
  // testdata/README.md section 1.3 lists six rpm cases; each must load and name a known backend.
  std::vector<std::string> names = RpmCaseNames();
  EXPECT_EQ(names.size(), 6u);
  for (const std::string& name : names) {
    RpmCase c = LoadRpmCase(name);
    EXPECT_FALSE(c.bytes.empty() && c.name != "bdb-empty") << name;
    EXPECT_TRUE(c.backend == "bdb" || c.backend == "ndb" || c.backend == "sqlite") << name << ": " << c.backend;
  }
}

class RpmCaseTest : public ::testing::TestWithParam<std::string> {};

TEST_P(RpmCaseTest, FormatIsDetectedFromContent) {
  RpmCase c = LoadRpmCase(GetParam());
  rpm_internal::Bytes bytes = AsBytes(c.bytes);
  EXPECT_EQ(rpm_internal::LooksLikeBdbHash(bytes), c.backend == "bdb");
  EXPECT_EQ(rpm_internal::LooksLikeNdb(bytes), c.backend == "ndb");
  EXPECT_EQ(rpm_internal::LooksLikeSqlite(bytes), c.backend == "sqlite");
}

TEST_P(RpmCaseTest, DecodedHeadersMatchExpected) {
  RpmCase c = LoadRpmCase(GetParam());
  RawRecords records = ReadRecords(c.backend, c.bytes);
  EXPECT_TRUE(records.ok);
  EXPECT_TRUE(records.problems.empty()) << ::testing::PrintToString(records.problems);
  std::vector<HeaderFields> headers;
  for (const auto& [id, blob] : records.headers) {
    Result<HeaderFields> fields = rpm_internal::DecodeHeader(AsBytes(blob));
    ASSERT_TRUE(fields.ok()) << "record " << id << ": " << fields.error().message();
    if (fields->name != "gpg-pubkey") headers.push_back(std::move(*fields));
  }
  const json& want = c.expected.at("packages");
  ASSERT_EQ(headers.size(), want.size());
  EXPECT_EQ(want.size(), c.expected.at("count").get<size_t>());
  for (size_t i = 0; i < headers.size(); ++i) {
    SCOPED_TRACE(c.name + " package #" + std::to_string(i) + " " + want[i].value("name", ""));
    ExpectHeaderMatches(c.name, want[i], headers[i]);
  }
  for (const PeerException& e : kPeerEmptyMeansAbsent) {
    if (e.case_name == c.name) {
      EXPECT_GT((ExceptionUses()[c.name + "/" + std::string(e.field)]), 0)
          << "exception " << e.field << " no longer needed for " << c.name;
    }
  }
}

TEST_P(RpmCaseTest, AnalyzerPackagesMatchExpected) {
  RpmCase c = LoadRpmCase(GetParam());
  inventory::LayerResult out = AnalyzeOne(c.input, c.bytes);
  EXPECT_TRUE(out.diagnostics.empty()) << out.diagnostics.front().message;
  ASSERT_EQ(out.package_dbs.size(), 1u);
  const inventory::PackageDb& db = out.package_dbs[0];
  EXPECT_EQ(db.path, c.input);
  EXPECT_EQ(db.analyzer, "rpm");
  const json& want = c.expected.at("packages");
  ASSERT_EQ(db.packages.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) {
    SCOPED_TRACE(c.name + " package #" + std::to_string(i) + " " + want[i].value("name", ""));
    ExpectPackageMatches(want[i], db.packages[i], c.input);
  }
}

// The same database under the other location rpm uses (usr/lib/sysimage/rpm, Fedora 36+ and SUSE)
// gives the same packages, located at that path.
TEST_P(RpmCaseTest, SysimageLocationGivesTheSamePackages) {
  RpmCase c = LoadRpmCase(GetParam());
  std::string base = std::filesystem::path(c.input).filename().string();
  std::string sysimage_path = "usr/lib/sysimage/rpm/" + base;
  inventory::LayerResult var = AnalyzeOne(c.input, c.bytes);
  inventory::LayerResult sysimage = AnalyzeOne(sysimage_path, c.bytes);
  ASSERT_EQ(var.package_dbs.size(), 1u);
  ASSERT_EQ(sysimage.package_dbs.size(), 1u);
  EXPECT_EQ(sysimage.package_dbs[0].path, sysimage_path);
  std::vector<inventory::Package> moved = var.package_dbs[0].packages;
  for (inventory::Package& p : moved) p.location.path = sysimage_path;
  EXPECT_EQ(sysimage.package_dbs[0].packages, moved);
}

// Peer assertions that restate the package list in the peer's own terms must agree as well
// (instantiated for the cases that carry peer_assertions).
class RpmPeerAssertionTest : public ::testing::TestWithParam<std::string> {};

TEST_P(RpmPeerAssertionTest, PeerAssertionsAgree) {
  RpmCase c = LoadRpmCase(GetParam());
  ASSERT_TRUE(c.expected.contains("peer_assertions"));
  inventory::LayerResult out = AnalyzeOne(c.input, c.bytes);
  ASSERT_EQ(out.package_dbs.size(), 1u);
  for (const json& assertion : c.expected.at("peer_assertions")) {
    std::string name = assertion.at("name");
    SCOPED_TRACE(name);
    const auto& pkgs = out.package_dbs[0].packages;
    auto it = std::find_if(pkgs.begin(), pkgs.end(), [&](const inventory::Package& p) { return p.name == name; });
    ASSERT_NE(it, pkgs.end());
    // go-rpmdb asserts version and release apart; osv-scalibr asserts "version-release" plus epoch.
    std::string version = assertion.at("version");
    if (assertion.contains("release")) version += "-" + assertion.at("release").get<std::string>();
    if (assertion.contains("epoch") && !assertion.at("epoch").is_null()) {
      version = std::to_string(assertion.at("epoch").get<uint32_t>()) + ":" + version;
    }
    EXPECT_EQ(it->version, version);
    if (assertion.contains("arch")) {
      EXPECT_EQ(it->arch, assertion.at("arch").get<std::string>());
    }
    if (assertion.contains("architecture")) {
      EXPECT_EQ(it->arch, assertion.at("architecture").get<std::string>());
    }
    if (assertion.contains("source_rpm")) {
      EXPECT_EQ(it->source_rpm, assertion.at("source_rpm").get<std::string>());
    }
    if (assertion.contains("license")) {
      EXPECT_EQ(it->licenses, std::vector<std::string>{assertion.at("license").get<std::string>()});
    }
    if (assertion.contains("licenses")) {
      EXPECT_EQ(it->licenses, assertion.at("licenses").get<std::vector<std::string>>());
    }
    if (assertion.contains("vendor")) {
      EXPECT_EQ(it->vendor, assertion.at("vendor").get<std::string>());
    }
    if (assertion.contains("sig_md5")) {
      EXPECT_EQ(it->digest, "md5:" + assertion.at("sig_md5").get<std::string>());
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Osdb, RpmCaseTest, ::testing::ValuesIn(RpmCaseNames()), CaseTestName);
INSTANTIATE_TEST_SUITE_P(Osdb, RpmPeerAssertionTest,
                         ::testing::ValuesIn(RpmCaseNamesWhere(
                             [](const RpmCase& c) { return c.expected.contains("peer_assertions"); })),
                         CaseTestName);
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(RpmCaseTest);

}  // namespace
}  // namespace hullscan::analyze::rpm_test
