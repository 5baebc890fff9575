// End to end on the unpacked reference image app-java (bookworm; ../shared/tools/make-images.sh:
// Debian library jars from apt, plus /opt/app/app.jar, a Spring-Boot-like fat jar with its own
// pom.properties and two library jars under BOOT-INF/lib/). The real layer walk (WalkDirectory)
// through LayerAnalysis runs the Java analyzer. The expected set is derived independently with
// the unzip tool: every pom.properties in every regular jar on disk (nested jars extracted to a
// temporary file and listed the same way); a jar without pom.properties must yield exactly one
// package whose version is its manifest's or file name's.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "analyze/lang/java/internal/archive.h"
#include "analyze/lang/java/java.h"
#include "analyze/layer_analysis.h"
#include "inventory/layer_result.h"
#include "layer/layer.h"
#include "testing/testdata.h"

namespace hullscan::analyze {
namespace {

namespace fs = std::filesystem;

std::string Shell(const std::string& command) {
  std::string out;
  FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) return out;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof(buf), pipe)) > 0) out.append(buf, n);
  pclose(pipe);
  return out;
}

std::string Quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    std::string line = text.substr(pos, nl == std::string::npos ? std::string::npos : nl - pos);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    out.push_back(line);
    if (nl == std::string::npos) break;
    pos = nl + 1;
  }
  return out;
}

std::string Property(const std::string& text, const std::string& key) {
  for (const std::string& line : Lines(text)) {
    if (line.rfind(key, 0) == 0 && line.size() > key.size() && (line[key.size()] == '=' || line[key.size()] == ':')) {
      std::string v = line.substr(key.size() + 1);
      while (!v.empty() && v.front() == ' ') v.erase(0, 1);
      return v;
    }
  }
  return "";
}

struct ExpectedJar {
  std::set<std::string> from_pom_properties;  // "g:a@v"
  std::set<std::string> acceptable_versions;   // when there is no pom.properties
};

// `jar` on disk, reported under `shown_as`; nested jars are extracted to `tmp` and recursed into.
void ListJar(const fs::path& jar, const std::string& shown_as, const fs::path& tmp,
             std::map<std::string, ExpectedJar>& out) {
  ExpectedJar& expected = out[shown_as];
  for (const std::string& entry : Lines(Shell("unzip -Z1 " + Quote(jar.string()) + " 2>/dev/null"))) {
    std::string base = entry.substr(entry.rfind('/') + 1);
    if (base == "pom.properties") {
      std::string text = Shell("unzip -p " + Quote(jar.string()) + " " + Quote(entry));
      std::string g = Property(text, "groupId"), a = Property(text, "artifactId"), v = Property(text, "version");
      if (!g.empty() && !a.empty() && !v.empty()) expected.from_pom_properties.insert(g + ":" + a + "@" + v);
    } else if (base.size() > 4 && base.substr(base.size() - 4) == ".jar") {
      fs::path inner = tmp / (std::to_string(out.size()) + ".jar");
      Shell("unzip -p " + Quote(jar.string()) + " " + Quote(entry) + " > " + Quote(inner.string()));
      ListJar(inner, shown_as + "/" + entry, tmp, out);
    }
  }
  if (expected.from_pom_properties.empty()) {
    std::string manifest = Shell("unzip -p " + Quote(jar.string()) + " META-INF/MANIFEST.MF 2>/dev/null");
    for (const char* key : {"Implementation-Version", "Bundle-Version", "Specification-Version"}) {
      if (std::string v = Property(manifest, key); !v.empty()) expected.acceptable_versions.insert(v);
    }
    if (auto c = java_internal::ParseFileName(shown_as); !c.version.empty()) {
      expected.acceptable_versions.insert(c.version);
    }
  }
}

TEST(JavaImageTest, AppJavaReportsEveryJarOnDisk) {
  const fs::path rootfs = "/work/images/rootfs/app-java_bookworm/rootfs";
  if (!fs::exists(rootfs)) GTEST_SKIP() << "reference rootfs not unpacked: " << rootfs;
  if (Shell("command -v unzip").empty()) GTEST_SKIP() << "unzip not installed";
  AnalyzerList analyzers;
  analyzers.push_back(NewJavaAnalyzer());
  LayerAnalysis analysis(analyzers, "");
  Status status = layer::WalkDirectory(rootfs, analysis, {});
  ASSERT_TRUE(status.ok()) << status.error().message();
  inventory::LayerResult result = std::move(analysis).Finish();

  std::map<std::string, std::set<std::string>> ours;  // location.path → g:a@v
  for (const auto& db : result.package_dbs) {
    EXPECT_EQ(db.analyzer, "java-archive") << db.path;
    for (const auto& p : db.packages) {
      EXPECT_EQ(p.type, inventory::PackageType::kMaven);
      EXPECT_TRUE(p.location.path == db.path || p.location.path.starts_with(db.path + "/")) << p.location.path;
      ours[p.location.path].insert(p.name + "@" + p.version);
    }
  }
  for (const auto& d : result.diagnostics) ADD_FAILURE() << d.path << ": " << d.message;

  testing::TempDir tmp;
  std::map<std::string, ExpectedJar> expected;
  for (const auto& entry : fs::recursive_directory_iterator(rootfs)) {
    if (entry.is_symlink() || !entry.is_regular_file() || entry.path().extension() != ".jar") continue;
    ListJar(entry.path(), fs::relative(entry.path(), rootfs).generic_string(), tmp.path(), expected);
  }
  ASSERT_GE(expected.size(), 40u);
  EXPECT_TRUE(expected.count("opt/app/app.jar/BOOT-INF/lib/snakeyaml.jar"));
  size_t packages = 0;
  for (const auto& [path, want] : expected) {
    const std::set<std::string>& got = ours[path];
    packages += got.size();
    if (!want.from_pom_properties.empty()) {
      EXPECT_EQ(got, want.from_pom_properties) << path;
      continue;
    }
    ASSERT_EQ(got.size(), 1u) << path;
    std::string version = got.begin()->substr(got.begin()->rfind('@') + 1);
    EXPECT_TRUE(want.acceptable_versions.count(version)) << path << ": " << *got.begin();
  }
  EXPECT_EQ(ours.size(), expected.size());
  EXPECT_TRUE(ours["opt/app/app.jar"].count("com.example:scanner-test-app@1.0.0"));
  std::cout << expected.size() << " jars (nested included), " << packages << " packages\n";
}

}  // namespace
}  // namespace hullscan::analyze
