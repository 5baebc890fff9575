// Vendor-first matching of OS packages on real data: real dpkg/apk databases against the real
// Debian security tracker lists and Alpine secdb. The expected findings are derived in the test
// from the feed text itself (a deliberately simple reading of the same records), and each finding's
// evidence must name the record it came from.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "match/matcher.h"
#include "match_test_util.h"
#include "version/scheme.h"

namespace hullscan::match {
namespace {

using hullscan::testing::SharedDir;
using hullscan::testing::TempDir;

std::string Slurp(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// One "[release] - srcpkg version" line of a DSA/DLA entry, with the entry's ids.
struct ListFix {
  std::string record;  // DSA-…/DLA-…
  std::vector<std::string> cves;
  std::string release, package, version;
};

std::vector<ListFix> ReadTrackerList(const std::filesystem::path& file) {
  std::vector<ListFix> out;
  std::istringstream in(Slurp(file));
  std::string line, record;
  std::vector<std::string> cves;
  static const std::regex header(R"(^\[[^\]]+\] ((?:DSA|DLA|DTSA)-[0-9]+-[0-9]+) .*)");
  static const std::regex fix(R"(^\t\[([a-z]+)\] - (\S+) ([^<\s]\S*))");
  static const std::regex cve(R"(CVE-[0-9]+-[0-9]+)");
  std::smatch m;
  while (std::getline(in, line)) {
    if (std::regex_match(line, m, header)) {
      record = m[1];
      cves.clear();
    } else if (!line.empty() && line[0] == '\t' && line.find('{') != std::string::npos) {
      for (auto it = std::sregex_iterator(line.begin(), line.end(), cve); it != std::sregex_iterator(); ++it)
        cves.push_back(it->str());
    } else if (std::regex_search(line, m, fix)) {
      out.push_back({record, cves, m[1], m[2], m[3]});
    }
  }
  return out;
}

// Compares the matcher with a direct reading of the [release] fix lines of the DSA/DLA lists:
// every line whose source package is installed in an older (source) version is a finding, and
// nothing else is. Returns how many fix lines named an installed source package, so callers can
// check that the comparison had real material.
size_t ExpectTrackerAgreement(const vulndb::Store& store, const inventory::Inventory& inv, const inventory::Distro& distro,
                              const std::vector<ListFix>& fixes) {
  auto result = MatchPackages(store, inv.packages, distro);
  EXPECT_TRUE(result.ok()) << result.error().message();
  if (!result.ok()) return 0;
  const version::Scheme* dpkg = version::FindScheme("dpkg");
  size_t compared = 0;
  std::set<std::pair<std::string, std::string>> expected;  // (binary package, CVE or record id)
  std::map<std::pair<std::string, std::string>, std::set<std::string>> expected_records;
  for (const auto& p : inv.packages) {
    std::string src = p.source_name.empty() ? p.name : p.source_name;
    std::string ver = p.source_version.empty() ? p.version : p.source_version;
    for (const ListFix& f : fixes) {
      if (f.release != distro.codename || f.package != src) continue;
      ++compared;
      auto cmp = dpkg->Compare(ver, f.version);
      EXPECT_TRUE(cmp.ok()) << f.record << " " << f.version;
      if (!cmp.ok() || *cmp >= 0) continue;
      std::vector<std::string> ids = f.cves.empty() ? std::vector<std::string>{f.record} : f.cves;
      for (const auto& id : ids) {
        expected.insert({p.name, id});
        expected_records[{p.name, id}].insert(f.record);
      }
    }
  }
  std::set<std::pair<std::string, std::string>> got;
  for (const Finding& f : result->findings) {
    got.insert({f.package.name, f.id});
    // The evidence names a record that really lists this package as fixed in a later version.
    EXPECT_FALSE(f.evidence.empty());
    bool named = false;
    for (const auto& e : f.evidence) {
      EXPECT_EQ(e.scheme, "dpkg");
      named = named || expected_records[{f.package.name, f.id}].count(e.record) > 0;
    }
    EXPECT_TRUE(named) << f.package.name << " " << f.id;
    EXPECT_EQ(f.status, vulndb::FixState::kFixed);
    EXPECT_FALSE(f.fixed_versions.empty());
  }
  std::vector<std::pair<std::string, std::string>> missing, extra;
  std::set_difference(expected.begin(), expected.end(), got.begin(), got.end(), std::back_inserter(missing));
  std::set_difference(got.begin(), got.end(), expected.begin(), expected.end(), std::back_inserter(extra));
  EXPECT_TRUE(missing.empty()) << missing.size() << " missing, first: " << missing[0].first << " " << missing[0].second;
  EXPECT_TRUE(extra.empty()) << extra.size() << " extra, first: " << extra[0].first << " " << extra[0].second;
  return compared;
}

// Read once for the whole binary: both tests use them.
const std::vector<ListFix>& TrackerFixes() {
  static const std::vector<ListFix> fixes = [] {
    auto data = SharedDir() / "vulndata/debian-tracker-data-2023-03/data";
    std::vector<ListFix> all = ReadTrackerList(data / "DSA/list");
    for (auto& f : ReadTrackerList(data / "DLA/list")) all.push_back(std::move(f));
    return all;
  }();
  return fixes;
}

const vulndb::Store* TrackerDb() {
  static TempDir dir;
  static std::unique_ptr<vulndb::Store> store = [] {
    auto data = SharedDir() / "vulndata/debian-tracker-data-2023-03/data";
    return testing::BuildDb(dir.path(), {data / "DSA/list", data / "DLA/list"});
  }();
  return store.get();
}

// claircore's Debian 10 status (testdata README: "Debian 10 status"; no os-release in the case, so the
// release is given here). Its postgresql packages are newer than every [buster] fix in the 2023-03
// lists: the right answer is no finding, against dozens of real fix lines for the same sources.
TEST(DistroMatchTest, Debian10PackagesAgainstTheTrackerDsaAndDlaLists) {
  auto store = TrackerDb();
  ASSERT_NE(store, nullptr);
  auto inv = testing::ScanDir(SharedDir() / "testdata/osdb/dpkg/claircore-debian10-postgresql");
  ASSERT_FALSE(inv.packages.empty());
  inventory::Distro buster;
  buster.family = "debian";
  buster.version = buster.version_id = "10";
  buster.codename = "buster";
  EXPECT_GE(ExpectTrackerAgreement(*store, inv, buster, TrackerFixes()), 10u);
}

// The bullseye reference image (scripts/build-test-images) against the same lists: about ninety real
// packages and the [bullseye] fix lines for their sources; every fix up to 2023-03 is installed, so any
// finding would be a false positive of the version logic (epochs, ~, +debNuM, binNMUs, source
// versions that differ from binary versions).
TEST(DistroMatchTest, BullseyeImageAgainstTheTrackerLists) {
  const char* images = std::getenv("HULLSCAN_IMAGES");
  if (!images || !*images) GTEST_SKIP() << "HULLSCAN_IMAGES is not set (scripts/test sets it)";
  auto rootfs = std::filesystem::path(images) / "rootfs/debian_bullseye-minbase/rootfs";
  ASSERT_TRUE(std::filesystem::is_directory(rootfs)) << rootfs;
  auto store = TrackerDb();
  ASSERT_NE(store, nullptr);
  auto inv = testing::ScanDir(rootfs);
  ASSERT_TRUE(inv.distro.has_value());
  EXPECT_EQ(inv.distro->codename, "bullseye");
  EXPECT_GT(ExpectTrackerAgreement(*store, inv, *inv.distro, TrackerFixes()), 20u);
}

TEST(DistroMatchTest, Alpine34PackagesAgainstTheLegacySecdb) {
  TempDir dir;
  auto secdb = SharedDir() / "vulndata/alpine-secdb-legacy/v3.4";
  auto store = testing::BuildDb(dir.path(), {secdb});
  ASSERT_NE(store, nullptr);
  // Trivy's Alpine ~3.4 database (musl 1.1.14, busybox 1.24.2: testdata README).
  auto inv = testing::ScanDir(SharedDir() / "testdata/osdb/apk/trivy-alpine3.4");
  ASSERT_FALSE(inv.packages.empty());
  inventory::Distro alpine;
  alpine.family = "alpine";
  alpine.version = "3.4.6";
  alpine.version_id = "3.4.6";
  auto result = MatchPackages(*store, inv.packages, alpine);
  ASSERT_TRUE(result.ok()) << result.error().message();

  const version::Scheme* apk = version::FindScheme("apk");
  std::set<std::pair<std::string, std::string>> expected;
  for (const char* repo : {"main.yaml", "community.yaml"}) {
    YAML::Node doc = YAML::LoadFile((secdb / repo).string());
    for (const auto& entry : doc["packages"]) {
      std::string origin = entry["pkg"]["name"].as<std::string>();
      for (const auto& fix : entry["pkg"]["secfixes"]) {
        std::string fixed = fix.first.as<std::string>();
        for (const auto& p : inv.packages) {
          std::string src = p.source_name.empty() ? p.name : p.source_name;
          if (src != origin || fixed == "0") continue;
          auto cmp = apk->Compare(p.version, fixed);
          ASSERT_TRUE(cmp.ok()) << fixed;
          if (*cmp >= 0) continue;
          // A line names CVEs (each its own vulnerability) and/or other ids (XSA-…): a line
          // without a CVE is reported under its first id.
          for (const auto& ids : fix.second) {
            std::istringstream words(ids.as<std::string>());
            std::vector<std::string> tokens;
            for (std::string id; words >> id;) tokens.push_back(id);
            bool any_cve = false;
            for (const auto& id : tokens)
              if (id.rfind("CVE-", 0) == 0) {
                expected.insert({p.name, id});
                any_cve = true;
              }
            if (!any_cve && !tokens.empty()) expected.insert({p.name, tokens[0]});
          }
        }
      }
    }
  }
  ASSERT_FALSE(expected.empty()) << "busybox 1.24.2 predates fixes listed for v3.4";
  std::set<std::pair<std::string, std::string>> got;
  for (const Finding& f : result->findings) {
    got.insert({f.package.name, f.id});
    EXPECT_EQ(f.evidence.at(0).ecosystem, "alpine:3.4");
  }
  EXPECT_EQ(got, expected);
}

}  // namespace
}  // namespace hullscan::match
