// Cross-check with the real rpm (Debian's rpm 4.18 reads sqlite and, read-only, Berkeley DB; it
// has no NDB backend). This covers what no expected.json states: the installed file list (rpm
// FILENAMES/FILEMODES) and the maintainer (PACKAGER). Skipped when rpm is not installed.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "rpm_test_support.h"
#include "testing/testdata.h"

namespace hullscan::analyze::rpm_test {
namespace {

struct RpmQueryPackage {
  std::string name;
  std::string version;
  std::string packager;
  std::vector<std::string> files;  // non-directories, leading '/' stripped, sorted
};

std::optional<std::string> FindRpm() {
  for (const char* candidate : {"/usr/bin/rpm", "/bin/rpm", "/usr/local/bin/rpm"}) {
    if (std::filesystem::exists(candidate)) return candidate;
  }
  return std::nullopt;
}

std::string RunCommand(const std::string& command) {
  std::string out;
  FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) return out;
  char buf[65536];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, pipe)) > 0) out.append(buf, n);
  pclose(pipe);
  return out;
}

// rpm -qa on a copy of the database (rpm may create lock or -shm files next to it).
std::vector<RpmQueryPackage> QueryWithRpm(const std::string& rpm, const RpmCase& c) {
  hullscan::testing::TempDir dir;
  std::filesystem::path db = dir.path() / std::filesystem::path(c.input).filename();
  std::ofstream(db, std::ios::binary) << c.bytes;
  std::string backend = c.backend == "bdb" ? "bdb_ro" : c.backend;
  // One "@@" line per package, then one line per file: path TAB mode (decimal st_mode).
  std::string format =
      "@@%{NAME}\\t%|EPOCH?{%{EPOCH}:}|%{VERSION}-%{RELEASE}\\t%{PACKAGER}\\n[%{FILENAMES}\\t%{FILEMODES}\\n]";
  std::string out = RunCommand(rpm + " --dbpath '" + dir.path().string() + "' -D '_db_backend " + backend +
                               "' -qa --qf '" + format + "' 2>/dev/null");
  std::vector<RpmQueryPackage> packages;
  std::istringstream lines(out);
  std::string line;
  while (std::getline(lines, line)) {
    std::vector<std::string> cols;
    std::stringstream ss(line);
    for (std::string col; std::getline(ss, col, '\t');) cols.push_back(col);
    if (line.starts_with("@@")) {
      EXPECT_EQ(cols.size(), 3u) << line;
      cols.resize(3);
      packages.push_back({cols[0].substr(2), cols[1], cols[2] == "(none)" ? "" : cols[2], {}});
    } else if (!packages.empty() && cols.size() == 2) {
      unsigned long mode = std::stoul(cols[1]);
      if ((mode & 0170000) == 0040000) continue;  // directory
      std::string path = cols[0];
      while (path.starts_with('/')) path.erase(0, 1);
      packages.back().files.push_back(path);
    }
  }
  for (RpmQueryPackage& p : packages) std::sort(p.files.begin(), p.files.end());
  std::erase_if(packages, [](const RpmQueryPackage& p) { return p.name == "gpg-pubkey"; });
  return packages;
}

class RpmToolTest : public ::testing::TestWithParam<std::string> {};

TEST_P(RpmToolTest, AgreesWithRpmQueryAll) {
  std::optional<std::string> rpm = FindRpm();
  // rpm is a declared test dependency (scripts/install-deps): its absence is a failure.
  ASSERT_TRUE(rpm.has_value()) << "rpm is not installed; run scripts/install-deps";
  RpmCase c = LoadRpmCase(GetParam());
  std::vector<RpmQueryPackage> want = QueryWithRpm(*rpm, c);
  EXPECT_EQ(want.size(), c.expected.at("count").get<size_t>()) << "rpm itself disagrees with expected.json";

  inventory::LayerResult out = AnalyzeOne(c.input, c.bytes);
  ASSERT_EQ(out.package_dbs.size(), 1u);
  const std::vector<inventory::Package>& got = out.package_dbs[0].packages;
  ASSERT_EQ(got.size(), want.size());
  size_t files = 0;
  for (size_t i = 0; i < want.size(); ++i) {
    SCOPED_TRACE(want[i].name);
    EXPECT_EQ(got[i].name, want[i].name);
    EXPECT_EQ(got[i].version, want[i].version);
    EXPECT_EQ(got[i].maintainer, want[i].packager);
    EXPECT_EQ(got[i].installed_files, want[i].files);
    files += want[i].files.size();
  }
  if (c.expected.at("count").get<size_t>() > 0) {
    EXPECT_GT(files, 0u);
  }
}

// Debian's rpm has no NDB backend, so the NDB case (SUSE) has only go-rpmdb's expectation.
INSTANTIATE_TEST_SUITE_P(Osdb, RpmToolTest,
                         ::testing::ValuesIn(RpmCaseNamesWhere([](const RpmCase& c) { return c.backend != "ndb"; })),
                         CaseTestName);
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(RpmToolTest);

}  // namespace
}  // namespace hullscan::analyze::rpm_test
