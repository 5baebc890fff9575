// ImportPath over the whole of ../shared/vulndata: every feed file is recognised as its format and
// imported, nothing else is (READMEs, licences, JSON schemas, index files, OpenVEX, OVAL).
#include <gtest/gtest.h>

#include <map>

#include "collecting_sink.h"
#include "testing/testdata.h"
#include "vulndb/import.h"

namespace hullscan::vulndb {
namespace {

namespace fs = std::filesystem;

size_t CountFiles(const fs::path& dir, std::string_view ext, std::string_view name_contains = "") {
  size_t n = 0;
  for (const auto& e : fs::recursive_directory_iterator(dir))
    if (e.is_regular_file() && e.path().extension() == ext &&
        e.path().filename().string().find(name_contains) != std::string::npos)
      ++n;
  return n;
}

TEST(ImportPathTest, EveryFeedFileOfTheSharedSnapshotsIsDetectedAndImported) {
  const fs::path root = hullscan::testing::SharedDir() / "vulndata";
  testing::CollectingSink sink;
  auto feeds = ImportPath(root, sink);
  ASSERT_TRUE(feeds.ok()) << feeds.error().message();
  std::map<std::string, size_t> files_by_format;
  std::map<std::string, std::string> format_of;
  for (const auto& f : *feeds) {
    files_by_format[f.format]++;
    format_of[fs::relative(f.path, root).string()] = f.format;
  }
  // Full sets: one file per record.
  size_t go_files = CountFiles(root / "osv-go", ".json");
  size_t pypa_files = CountFiles(root / "osv-pypi", ".yaml");
  size_t rustsec_files = CountFiles(root / "rustsec", ".md", "RUSTSEC-");
  size_t ghsa_files = CountFiles(root / "samples/ghsa", ".json");
  size_t osv_samples = CountFiles(root / "samples/debian/osv", ".json") + CountFiles(root / "samples/alpine/osv", ".json") +
                       CountFiles(root / "samples/ubuntu/osv", ".json") + CountFiles(root / "samples/ubuntu/osv-esm-cases", ".json");
  EXPECT_EQ(go_files, 4291u);  // vulndata/README.md
  EXPECT_EQ(files_by_format["osv-json"], go_files + ghsa_files + osv_samples);
  EXPECT_EQ(files_by_format["osv-yaml"], pypa_files);
  EXPECT_EQ(files_by_format["rustsec"], rustsec_files);
  EXPECT_EQ(files_by_format["alpine-secdb"],
            CountFiles(root / "alpine-secdb-legacy", ".yaml") + CountFiles(root / "samples/alpine/secdb-vuls", ".json") +
                CountFiles(root / "samples/alpine/secdb-vunnel", ".yaml") +
                CountFiles(root / "samples/alpine/secdb-claircore", ".json") + 1 /* wolfi-secdb-security.json */);
  EXPECT_EQ(files_by_format["cisa-kev"], 1u);
  EXPECT_EQ(files_by_format["redhat-csaf-vex"], CountFiles(root / "samples/redhat/csaf-vex", ".json"));
  EXPECT_EQ(files_by_format["nvd-api-2.0"], 3u);  // the CPE-match page is not a CVE feed
  EXPECT_EQ(files_by_format["debian-tracker-json"], 2u);
  EXPECT_EQ(format_of["debian-tracker-data-2023-03/data/DSA/list"], "debian-tracker-list");
  EXPECT_EQ(format_of["debian-tracker-data-2023-03/data/DLA/list"], "debian-tracker-list");
  EXPECT_EQ(format_of["samples/debian/tracker-repo-vuls/security-tracker-master/data/CVE/list"], "debian-cve-list");
  EXPECT_EQ(format_of["kev/known_exploited_vulnerabilities.json"], "cisa-kev");
  // Not feeds.
  for (const char* skipped : {"README.md", "osv-schema/schema.json", "osv-schema/ecosystems.json", "kev/LICENSE",
                              "kev/known_exploited_vulnerabilities_schema.json", "kev/known_exploited_vulnerabilities.csv",
                              "debian-tracker-data-2023-03/data/config.json", "samples/redhat/oval-v2/feed.json"})
    EXPECT_FALSE(format_of.count(skipped)) << skipped << " was imported as " << format_of[skipped];
  for (const auto& e : fs::recursive_directory_iterator(root / "samples/ubuntu/vex")) {
    if (e.is_regular_file()) {
      EXPECT_FALSE(format_of.count(fs::relative(e.path(), root).string())) << e.path();
    }
  }
  EXPECT_GT(sink.advisories.size(), 20000u);
  EXPECT_EQ(sink.kev.size(), 1404u);
}

TEST(ImportPathTest, MissingPathIsNotFound) {
  testing::CollectingSink sink;
  auto r = ImportPath(hullscan::testing::SharedDir() / "vulndata/no-such-dir", sink);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), ErrorCode::kNotFound);
}

}  // namespace
}  // namespace hullscan::vulndb
