// go.mod / go.sum: every unit of the shared peer data (testdata/lang/go/{trivy-parser-mod,
// trivy-parser-sum,scalibr-gomod}) compared as multisets of (name, version), with the peers'
// spelling differences normalised by named rules and the remaining deliberate differences in
// kExceptions (an exception that no longer differs, or matches no case, fails).
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "analyze/lang/go/go.h"
#include "analyze/lang/go/internal/gomod.h"
#include "testing/testdata.h"

namespace hullscan::analyze {
namespace {

namespace fs = std::filesystem;
using go_internal::GoMod;
using go_internal::GoModPackages;
using go_internal::ParseGoMod;
using go_internal::ParseGoSum;
using hullscan::testing::ReadFileOrFail;
using hullscan::testing::TestData;
using nlohmann::json;

using NameVersions = std::multiset<std::pair<std::string, std::string>>;

fs::path GoData() { return TestData() / "lang" / "go"; }
json LoadExpected(const std::string& unit) { return json::parse(ReadFileOrFail(GoData() / unit / "expected.json")); }

NameVersions Of(const std::vector<inventory::Package>& packages) {
  NameVersions out;
  for (const auto& p : packages) out.emplace(p.name, p.version);
  return out;
}

std::string Describe(const NameVersions& s) {
  std::string out;
  for (const auto& [n, v] : s) out += "  " + n + " " + v + "\n";
  return out;
}

// Key "<unit>|<case>|<fixture>" → why we deliberately differ.
const std::map<std::string, std::string> kExceptions = {
    // Trivy's parser option replace=false reports requirements as written; we always apply replace
    // directives: the replacement's code is what gets built (the binary analyzer does the same).
    {"trivy-parser-mod|no replace|testdata/replaced/go.mod", "replace directives always applied"},
    // Before go 1.17 Trivy's parser skips "// indirect" requirements and relies on go.sum for them;
    // we keep them: go.mod states their selected version, go.sum only lists candidates.
    {"trivy-parser-mod|go 1.16|testdata/go116/go.mod", "pre-1.17 // indirect requirement kept"},
    // Trivy keeps one version per module from every go.sum line, including "/go.mod"-only lines;
    // those modules' go.mod files were read during version selection, but their code is not in the
    // build (the go command writes a code hash, "h1:" without "/go.mod", for every module it
    // builds). We report only modules whose code is hashed, as OSV-SCALIBR does (its go<=1.16
    // case agrees with us).
    {"trivy-parser-sum||testdata/gomod_many.sum", "go.mod-only go.sum lines are not built modules"},
    {"trivy-parser-sum||testdata/gomod_trivy.sum", "go.mod-only go.sum lines are not built modules"},
    // A directory replacement ("=> ./fork/net"): SCALIBR reports the directory as a package name
    // with no version; we drop the module as Trivy does: a local copy has no module path or version
    // to match (the gobinary analyzer, which sees what was built, keeps the path without version).
    {"scalibr-gomod|replacements_ local|testdata/replace-local.mod", "directory replacement dropped"},
    // SCALIBR's excludeIndirect option has no counterpart: we report indirect dependencies always
    // (they are in the build).
    {"scalibr-gomod|exclude indirect|testdata/indirect-packages.mod", "no excludeIndirect option"},
    {"scalibr-gomod|exclude indirect with go.sum|testdata/indirect-1.16.mod", "no excludeIndirect option"},
};

struct Checker {
  std::set<std::string> used;
  int compared = 0;
  void Check(const std::string& key, const NameVersions& ours, const NameVersions& want) {
    ++compared;
    if (kExceptions.count(key) != 0) {
      used.insert(key);
      EXPECT_NE(ours, want) << "stale exception (we now agree): " << key;
      return;
    }
    EXPECT_EQ(ours, want) << key << "\nours:\n" << Describe(ours) << "peer:\n" << Describe(want);
  }
  ~Checker() {
    for (const auto& [key, why] : kExceptions) {
      const std::string unit = key.substr(0, key.find('|'));
      if (unit == current_unit) {
        EXPECT_EQ(used.count(key), 1u) << "unused exception " << key;
      }
    }
  }
  std::string current_unit;
};

// trivy-parser-mod: Trivy spells versions as we do ("v…", toolchain "stdlib" "v1.x.y"). Named
// normalisations of the peer's expectation:
//  1. The root package (the go.mod's own module, relationship "root", no version) is dropped: it is
//     the project being scanned, not a dependency (as for npm lockfiles).
//  2. "stdlib": Trivy reports it only with its useMinVersion option (comprehensive mode); we always
//     do (toolchain line, else go line), as OSV-SCALIBR does. Without that option, ours is dropped.
TEST(GoModPeers, TrivyParserMod) {
  Checker checker;
  checker.current_unit = "trivy-parser-mod";
  const json expected = LoadExpected("trivy-parser-mod");
  for (const json& c : expected["cases"]) {
    const std::string fixture = c["fixture"];
    const std::string key = "trivy-parser-mod|" + c.value("case", "") + "|" + fixture;
    Problems problems;
    const GoMod mod = ParseGoMod(ReadFileOrFail(GoData() / "trivy-parser-mod" / fixture), problems);
    EXPECT_EQ(problems.count(), 0u) << key;
    const bool min_version = c["options"].value("useMinVersion", false);
    NameVersions ours;
    for (const auto& p : GoModPackages(mod, nullptr)) {
      if (p.name == "stdlib" && !min_version) continue;  // normalisation 2
      ours.emplace(p.name, p.version);
    }
    NameVersions want;
    for (const json& p : c["packages"]) {
      if (p.value("relationship", "") == "root") continue;  // normalisation 1
      want.emplace(p["name"], p["version"]);
    }
    checker.Check(key, ours, want);
  }
  EXPECT_EQ(checker.compared, 11);
}

// trivy-parser-sum: go.sum alone, seen the way the analyzer uses it (the go.sum of a pre-1.17
// module with no requirements of its own).
TEST(GoModPeers, TrivyParserSum) {
  Checker checker;
  checker.current_unit = "trivy-parser-sum";
  const json expected = LoadExpected("trivy-parser-sum");
  for (const json& c : expected["cases"]) {
    const std::string fixture = c["fixture"];
    const std::string key = "trivy-parser-sum|" + c.value("case", "") + "|" + fixture;
    Problems problems;
    const auto sum = ParseGoSum(ReadFileOrFail(GoData() / "trivy-parser-sum" / fixture), problems);
    EXPECT_EQ(problems.count(), 0u) << key;
    NameVersions want;
    for (const json& p : c["packages"]) want.emplace(p["name"], p["version"]);
    checker.Check(key, Of(GoModPackages(GoMod{}, &sum)), want);
  }
  EXPECT_EQ(checker.compared, 4);
}

// The analyzer on one go.mod (and the go.sum beside it), as a layer would give them.
inventory::LayerResult AnalyzeProject(const std::string& gomod, const std::string* gosum) {
  auto analyzer = NewGoModAnalyzer();
  std::vector<File> files;
  files.push_back(File{"src/app/go.mod", 0644, gomod});
  if (gosum != nullptr) files.push_back(File{"src/app/go.sum", 0644, *gosum});
  for (const File& f : files) EXPECT_TRUE(analyzer->Wants({f.path, 0644, 100}));
  inventory::LayerResult out;
  analyzer->Analyze(files, out);
  return out;
}

// scalibr-gomod: SCALIBR pairs x.mod with x.sum; we feed them to the analyzer as go.mod and go.sum
// of one directory. Named normalisations of the peer's expectation (the same as for gobinary):
//  1. Versions: SCALIBR strips the "v"; we keep Go's spelling ("v1.0.0"), as Trivy does.
//  2. stdlib: SCALIBR writes the go line as is ("1.17"); we write the toolchain version the way
//     the binary analyzer does ("v1.17.0"), the Go vulnerability database's module version form.
TEST(GoModPeers, ScalibrGomod) {
  Checker checker;
  checker.current_unit = "scalibr-gomod";
  const json expected = LoadExpected("scalibr-gomod");
  for (const json& c : expected["cases"]) {
    const std::string fixture = c["fixture"];
    const std::string key = "scalibr-gomod|" + c.value("case", "") + "|" + fixture;
    SCOPED_TRACE(key);
    const fs::path mod_path = GoData() / "scalibr-gomod" / fixture;
    fs::path sum_path = mod_path;
    sum_path.replace_extension(".sum");
    std::string sum;
    if (fs::exists(sum_path)) sum = ReadFileOrFail(sum_path);
    const inventory::LayerResult r = AnalyzeProject(ReadFileOrFail(mod_path), fs::exists(sum_path) ? &sum : nullptr);
    ASSERT_EQ(r.package_dbs.size(), 1u);
    EXPECT_EQ(r.package_dbs[0].analyzer, "gomod");
    EXPECT_EQ(r.package_dbs[0].path, "src/app/go.mod");
    NameVersions ours;
    for (const auto& p : r.package_dbs[0].packages) {
      EXPECT_EQ(p.type, inventory::PackageType::kGolang);
      EXPECT_EQ(p.location.path, "src/app/go.mod");
      ours.emplace(p.name, p.version);
    }
    if (c.contains("error")) {
      EXPECT_FALSE(r.diagnostics.empty()) << "peer expects an error";
      EXPECT_TRUE(ours.empty());
      ++checker.compared;
      continue;
    }
    EXPECT_TRUE(r.diagnostics.empty());
    NameVersions want;
    for (const json& p : c["packages"]) {
      const std::string name = p["name"], version = p["version"];
      if (name == "stdlib") {
        want.emplace(name, go_internal::StdlibVersionOfGoMod(version));  // normalisation 2
      } else {
        want.emplace(name, version.empty() ? version : "v" + version);  // normalisation 1
      }
    }
    checker.Check(key, ours, want);
  }
  EXPECT_EQ(checker.compared, 17);
}

TEST(GoModPeers, ScalibrFileRequired) {
  auto analyzer = NewGoModAnalyzer();
  const json expected = LoadExpected("scalibr-gomod");
  for (const json& f : expected["file_required"]) {
    const std::string path = f["path"];
    EXPECT_EQ(analyzer->Wants({path, 0644, 1000}), f["required"].get<bool>()) << path;
  }
  EXPECT_TRUE(analyzer->Wants({"go.sum", 0644, 1000}));
  EXPECT_TRUE(analyzer->Wants({"a/b/go.sum", 0644, 1000}));
  EXPECT_FALSE(analyzer->Wants({"a/b/go.sum.bak", 0644, 1000}));
  EXPECT_FALSE(analyzer->AnalyzesEachFile());  // go.mod is paired with go.sum
  EXPECT_EQ(analyzer->Name(), "gomod");
}

// Trivy's go116 project through the analyzer: the go.sum beside a pre-1.17 go.mod adds every
// module whose code it hashes; a 1.17+ go.mod beside its go.sum (replaced/) adds nothing.
TEST(GoModAnalyzer, GoSumOnlyForPre117Modules) {
  for (const char* dir : {"go116", "replaced"}) {
    SCOPED_TRACE(dir);
    const fs::path base = GoData() / "trivy-parser-mod/testdata" / dir;
    const std::string mod_text = ReadFileOrFail(base / "go.mod"), sum_text = ReadFileOrFail(base / "go.sum");
    Problems problems;
    const GoMod mod = ParseGoMod(mod_text, problems);
    const auto sum = ParseGoSum(sum_text, problems);
    EXPECT_EQ(problems.count(), 0u);
    const NameVersions direct = Of(GoModPackages(mod, nullptr));
    const inventory::LayerResult r = AnalyzeProject(mod_text, &sum_text);
    ASSERT_EQ(r.package_dbs.size(), 1u);
    const NameVersions ours = Of(r.package_dbs[0].packages);
    NameVersions want = direct;
    if (go_internal::ListsOnlyDirectRequirements(mod)) {
      std::map<std::string, std::string> hashed;
      for (const auto& e : sum) {
        if (!e.go_mod_only) hashed[e.path] = e.version;
      }
      std::set<std::string> names;
      for (const auto& [n, v] : direct) names.insert(n);
      for (const auto& [n, v] : hashed) {
        if (names.count(n) == 0) want.emplace(n, v);
      }
      EXPECT_GT(want.size(), direct.size() + 3);
    }
    EXPECT_EQ(ours, want) << "ours:\n" << Describe(ours) << "want:\n" << Describe(want);
  }
}

TEST(GoModParser, DirectivesReplacementsAndProblems) {
  Problems problems;
  const GoMod mod = ParseGoMod(
      "module \"example.com/app\" // the app\n"
      "go 1.21\n"
      "toolchain go1.22.1+auto\n"
      "require (\n"
      "  a.example/x v1.0.0 // indirect; used by tests\n"
      "  a.example/y v1.0.0\n"
      "  a.example/z v2.0.0+incompatible\n"
      ")\n"
      "require b.example/w v0.1.0\n"
      "exclude a.example/x v0.9.0\n"
      "retract [v0.0.1, v0.0.5]\n"
      "replace (\n"
      "  a.example/y => c.example/y v1.5.0\n"
      "  a.example/y v1.0.0 => d.example/y v1.6.0\n"
      "  a.example/z=>../z\n"
      ")\n"
      "godebug default=go1.21\n"
      "tool example.com/gen\n"
      "require ()\n"
      "bogus line\n"
      "require only-a-path\n"
      "replace a.example/x => e.example/x\n",
      problems);
  EXPECT_EQ(problems.count(), 3u);  // bogus, require without version, module replace without version
  EXPECT_EQ(mod.module, "example.com/app");
  EXPECT_EQ(mod.go_version, "1.21");
  ASSERT_EQ(mod.requirements.size(), 4u);
  EXPECT_TRUE(mod.requirements[0].indirect);
  EXPECT_FALSE(mod.requirements[1].indirect);
  EXPECT_EQ(mod.requirements[3].line, 9u);
  EXPECT_EQ(Of(GoModPackages(mod, nullptr)), (NameVersions{{"a.example/x", "v1.0.0"},
                                                           {"b.example/w", "v0.1.0"},
                                                           {"d.example/y", "v1.6.0"},  // exact version wins
                                                           {"stdlib", "v1.22.1"}}));
  EXPECT_FALSE(go_internal::ListsOnlyDirectRequirements(mod));
  EXPECT_TRUE(go_internal::ListsOnlyDirectRequirements(GoMod{}));
  GoMod old;
  old.go_version = "1.9";
  EXPECT_TRUE(go_internal::ListsOnlyDirectRequirements(old));
  old.go_version = "1.16";
  EXPECT_TRUE(go_internal::ListsOnlyDirectRequirements(old));
  old.go_version = "1.17";
  EXPECT_FALSE(go_internal::ListsOnlyDirectRequirements(old));
  EXPECT_EQ(go_internal::StdlibVersionOfGoMod("1.17"), "v1.17.0");
  EXPECT_EQ(go_internal::StdlibVersionOfGoMod("go1.23.6-xyz"), "v1.23.6");
  EXPECT_EQ(go_internal::StdlibVersionOfGoMod("1.21rc1"), "v1.21.0-rc.1");
}

// Untrusted input: every prefix of the real files and some garbage parse without crashing.
TEST(GoModParser, TruncatedAndGarbageInputNeverCrashes) {
  std::vector<std::string> texts;
  for (const auto& entry : fs::recursive_directory_iterator(GoData())) {
    const std::string name = entry.path().filename().string();
    if (entry.is_regular_file() && (entry.path().extension() == ".mod" || entry.path().extension() == ".sum" ||
                                    name == "go.mod" || name == "go.sum" || name == "gomod")) {
      texts.push_back(ReadFileOrFail(entry.path()));
    }
  }
  EXPECT_GT(texts.size(), 30u);
  texts.push_back("require (\n\"unterminated\n replace => => =>\n)\n)\n(\n`x");
  texts.push_back(std::string(1000, '('));
  texts.push_back("replace a v1 =>\nreplace => b v1\nreplace a b c => d\n");
  auto analyzer = NewGoModAnalyzer();
  for (const std::string& text : texts) {
    const size_t step = std::max<size_t>(1, text.size() / 40);
    for (size_t n = 0; n <= text.size(); n += step) {
      File files[2] = {{"go.mod", 0644, text.substr(0, n)}, {"go.sum", 0644, text.substr(0, n)}};
      inventory::LayerResult out;
      analyzer->Analyze(files, out);
      EXPECT_EQ(out.package_dbs.size(), 1u);
    }
  }
}

}  // namespace
}  // namespace hullscan::analyze
