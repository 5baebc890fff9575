// Hostile and edge-case archives (built in memory with zip_writer), the analyzer's file selection,
// and gradle/pom files through the analyzer. Untrusted input must end in diagnostics, never a crash,
// a hang or unbounded memory.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "analyze/lang/java/internal/archive.h"
#include "analyze/lang/java/java.h"
#include "base/problems.h"
#include "testing/testdata.h"
#include "zip_writer.h"

namespace hullscan::analyze {
namespace {

namespace fs = std::filesystem;
using testing_zip::Entry;
using testing_zip::MakeZip;

std::string PomProperties(const std::string& g, const std::string& a, const std::string& v) {
  return "groupId=" + g + "\nartifactId=" + a + "\nversion=" + v + "\n";
}

TEST(JavaArchiveTest, WantsArchivesPomAndGradleLockfilesOnly) {
  auto analyzer = NewJavaAnalyzer();
  EXPECT_TRUE(analyzer->AnalyzesEachFile());
  for (const char* yes : {"opt/app/app.jar", "x/y.WAR", "a.ear", "b.par", "p/pom.xml", "gradle.lockfile",
                          "p/gradle/dependency-locks/compileClasspath.lockfile"}) {
    EXPECT_TRUE(analyzer->Wants(FileInfo{yes, 0644, 10})) << yes;
  }
  for (const char* no : {"jar", "x.jarx", "pom.xml.bak", "a/b.lockfile", "x.zip", ".jar/x"}) {
    EXPECT_FALSE(analyzer->Wants(FileInfo{no, 0644, 10})) << no;
  }
}

TEST(JavaArchiveTest, NestedDepthIsBoundedAndReported) {
  // 20 levels: every level has its own pom.properties.
  std::string jar = MakeZip({{"META-INF/maven/g/a20/pom.properties", PomProperties("g", "a20", "1")}});
  for (int level = 19; level >= 0; --level) {
    std::string a = "a" + std::to_string(level);
    jar = MakeZip({{"META-INF/maven/g/" + a + "/pom.properties", PomProperties("g", a, "1")},
                   {"lib/inner.jar", jar, true}});
  }
  Problems problems;
  auto packages = java_internal::ParseArchive("deep.jar", jar, problems);
  ASSERT_EQ(packages.size(), 9u);  // the outer archive and 8 nested levels
  std::string deepest = "deep.jar";
  for (int i = 0; i < 8; ++i) deepest += "/lib/inner.jar";
  EXPECT_EQ(packages.back().location.path, deepest);
  EXPECT_EQ(problems.count(), 1u);
}

TEST(JavaArchiveTest, InflationBombStopsAtTheBudget) {
  // 64 MiB of zeros deflate to ~64 KiB; nested as a jar, inflating it crosses a 1 MiB budget.
  std::string zeros(64 << 20, '\0');
  std::string bomb = MakeZip({{"META-INF/maven/g/a/pom.properties", PomProperties("g", "a", "1")},
                              {"lib/bomb.jar", zeros, true}});
  java_internal::ArchiveLimits limits;
  limits.max_inflated_bytes = 1 << 20;
  Problems problems;
  auto packages = java_internal::ParseArchive("bomb.jar", bomb, problems, limits);
  ASSERT_EQ(packages.size(), 1u);  // what was found before the limit stays
  EXPECT_EQ(packages[0].name, "g:a");
  EXPECT_GT(problems.count(), 0u);

  // The per-entry bound applies with default limits too.
  limits = {};
  limits.max_entry_bytes = 1 << 20;
  Problems entry_problems;
  java_internal::ParseArchive("bomb.jar", bomb, entry_problems, limits);
  EXPECT_GT(entry_problems.count(), 0u);
}

TEST(JavaArchiveTest, EntryCountIsBounded) {
  std::vector<Entry> entries;
  for (int i = 0; i < 100; ++i) entries.push_back({"c/" + std::to_string(i) + ".class", "x"});
  java_internal::ArchiveLimits limits;
  limits.max_entries = 50;
  Problems problems;
  java_internal::ParseArchive("many.jar", MakeZip(entries), problems, limits);
  EXPECT_GT(problems.count(), 0u);
}

TEST(JavaArchiveTest, TraversalNamesStayInsideTheArchivePath) {
  std::string inner = MakeZip({{"META-INF/maven/g/evil/pom.properties", PomProperties("g", "evil", "6.6.6")}});
  std::string outer = MakeZip({{"../../../../etc/evil.jar", inner}, {"/abs//./x\x01y.jar", inner}});
  Problems problems;
  auto packages = java_internal::ParseArchive("app/outer.jar", outer, problems);
  ASSERT_EQ(packages.size(), 2u);
  EXPECT_EQ(packages[0].location.path, "app/outer.jar/etc/evil.jar");
  EXPECT_EQ(packages[1].location.path, "app/outer.jar/abs/x?y.jar");
}

TEST(JavaArchiveTest, TruncatedAndGarbageArchivesAreDiagnostics) {
  const std::string guava =
      testing::ReadFileOrFail(testing::TestData() / "lang/java/scalibr-archive/testdata/guava-31.1-jre.jar");
  const size_t step = std::max<size_t>(1, guava.size() / 40);
  for (size_t n = 0; n < guava.size(); n += step) {
    Problems problems;
    (void)java_internal::ParseArchive("guava-31.1-jre.jar", std::string_view(guava.data(), n), problems);
  }
  // Corrupt bytes in the middle (central directory intact).
  std::string corrupt = guava;
  for (size_t i = corrupt.size() / 3; i < corrupt.size() / 3 + 4096; ++i) corrupt[i] = static_cast<char>(i * 7);
  Problems corrupt_problems;
  (void)java_internal::ParseArchive("guava-31.1-jre.jar", corrupt, corrupt_problems);

  Problems problems;
  auto packages = java_internal::ParseArchive("x.jar", "PK\x03\x04 not really a zip", problems);
  EXPECT_TRUE(packages.empty());
  EXPECT_GT(problems.count(), 0u);
}

TEST(JavaArchiveTest, ManifestPrecedenceAndContinuationLines) {
  auto c = java_internal::ParseManifest(
      "Manifest-Version: 1.0\r\nBundle-SymbolicName: com.fasterxml.jackson.core.jackson-data\r\n bind;singleton:=true\r\n"
      "Bundle-Name: Jackson-databind\r\nBundle-Version: 2.14.0\r\n\r\nName: other\r\nImplementation-Version: 9\r\n");
  EXPECT_EQ(c, (java_internal::Coordinates{"com.fasterxml.jackson.core", "Jackson-databind", "2.14.0"}));
  auto f = java_internal::ParseFileName("usr/share/java/guava-31.1-jre.jar");
  EXPECT_EQ(f.artifact_id, "guava");
  EXPECT_EQ(f.version, "31.1-jre");
  EXPECT_TRUE(java_internal::ParseFileName("snakeyaml.jar").artifact_id.empty());
}

TEST(JavaArchiveTest, AnalyzerReadsLockfilesAndPoms) {
  auto analyzer = NewJavaAnalyzer();
  const fs::path java = testing::TestData() / "lang/java";
  std::vector<File> files = {
      File{"p/gradle.lockfile", 0644,
           testing::ReadFileOrFail(java / "trivy-parser-gradle-lockfile/testdata/happy.lockfile")},
      File{"p/pom.xml", 0644, testing::ReadFileOrFail(java / "scalibr-pomxml/testdata/with-scope.xml")},
      File{"p/broken/pom.xml", 0644, "<project><dependencies>"},
  };
  inventory::LayerResult result;
  for (const File& f : files) analyzer->Analyze(std::span<const File>(&f, 1), result);
  ASSERT_EQ(result.package_dbs.size(), 3u);
  EXPECT_EQ(result.package_dbs[0].analyzer, "java-gradle-lock");
  EXPECT_EQ(result.package_dbs[0].packages.size(), 4u);
  EXPECT_EQ(result.package_dbs[1].analyzer, "java-pom");
  ASSERT_EQ(result.package_dbs[1].packages.size(), 2u);
  EXPECT_EQ(result.package_dbs[1].packages[1].name, "junit:junit");
  EXPECT_TRUE(result.package_dbs[1].packages[1].dev);
  EXPECT_EQ(result.package_dbs[1].packages[1].location.path, "p/pom.xml");
  EXPECT_TRUE(result.package_dbs[2].packages.empty());
  ASSERT_EQ(result.diagnostics.size(), 1u);
  EXPECT_EQ(result.diagnostics[0].path, "p/broken/pom.xml");
}

}  // namespace
}  // namespace hullscan::analyze
