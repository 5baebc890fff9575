// RustSec importer against the full advisory-db snapshot in /work/shared/vulndata/rustsec, and
// malformed advisories.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "testing/testdata.h"
#include "version/osv_range.h"
#include "version/scheme.h"
#include "vulndb/collecting_sink.h"
#include "vulndb/import.h"

namespace hullscan::vulndb {
namespace {

namespace fs = std::filesystem;
using testing::CollectingSink;

fs::path RustsecDir() { return hullscan::testing::SharedDir() / "vulndata/rustsec"; }

std::vector<fs::path> Advisories() {
  std::vector<fs::path> out;
  for (const auto& e : fs::recursive_directory_iterator(RustsecDir())) {
    if (e.is_regular_file() && e.path().extension() == ".md") out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

// The TOML front matter's lines, read without a TOML parser: `key = value` lines between the fences.
std::map<std::string, std::string> FrontMatterKeys(const std::string& content) {
  std::map<std::string, std::string> out;
  static const std::regex kKey(R"(^([a-z_]+)\s*=\s*(.*?)\s*$)");
  std::string section;
  size_t end = content.find("\n```", 3);
  std::string toml = content.substr(0, end);
  size_t pos = 0;
  while (pos < toml.size()) {
    size_t eol = toml.find('\n', pos);
    if (eol == std::string::npos) eol = toml.size();
    std::string line = toml.substr(pos, eol - pos);
    pos = eol + 1;
    std::smatch m;
    if (line.starts_with("[")) {
      section = line;
    } else if (std::regex_match(line, m, kKey)) {
      out[section + m[1].str()] = m[2].str();
    }
  }
  return out;
}

// The requirement strings of `patched = [...]` / `unaffected = [...]` (possibly multi-line).
std::vector<std::string> Requirements(const std::string& content, const std::string& key) {
  std::vector<std::string> out;
  size_t start = content.find("\n" + key + " = [");
  if (start == std::string::npos) return out;
  size_t open = content.find('[', start);
  size_t close = content.find(']', open);
  std::string body = content.substr(open + 1, close - open - 1);
  static const std::regex kQuoted("\"([^\"]*)\"");
  for (auto it = std::sregex_iterator(body.begin(), body.end(), kQuoted); it != std::sregex_iterator(); ++it) {
    out.push_back((*it)[1].str());
  }
  return out;
}

TEST(RustsecImportTest, EveryAdvisoryImportsWithoutDiagnostics) {
  std::vector<fs::path> files = Advisories();
  int64_t expected_withdrawn = 0;
  int64_t records = 0;
  int64_t withdrawn = 0;
  std::map<std::string, int> expected_informational;
  int expected_crate_vulnerabilities = 0;
  CollectingSink sink;
  for (const fs::path& f : files) {
    std::string content = hullscan::testing::ReadFileOrFail(f);
    auto keys = FrontMatterKeys(content);
    if (keys.count("[advisory]withdrawn")) ++expected_withdrawn;
    bool crate = f.parent_path().parent_path().filename() == "crates";
    if (auto it = keys.find("[advisory]informational"); it != keys.end()) {
      ++expected_informational[it->second];
    } else if (crate) {
      ++expected_crate_vulnerabilities;
    }
    auto file = ImportRustsec(f.string(), content, sink);
    ASSERT_TRUE(file.ok()) << file.error().message();
    EXPECT_EQ(file->format, kFormatRustsec);
    records += file->records;
    withdrawn += file->withdrawn;
  }
  EXPECT_TRUE(sink.diagnostics.empty()) << sink.diagnostics.front();
  EXPECT_EQ(records, static_cast<int64_t>(files.size()));
  EXPECT_EQ(withdrawn, expected_withdrawn);
  // vulndata/README.md: 1,225 advisories (729 vulnerabilities among the crates, 267 unmaintained,
  // 203 unsound, 6 notices), 13 withdrawn.
  EXPECT_EQ(records, 1225);
  EXPECT_EQ(withdrawn, 13);
  EXPECT_EQ(expected_crate_vulnerabilities, 729);
  std::map<std::string, int> notes;
  for (const Advisory& a : sink.advisories) {
    EXPECT_EQ(a.source, "rustsec");
    EXPECT_FALSE(a.summary.empty()) << a.id;
    for (const AffectedPackage& p : a.affected) {
      EXPECT_EQ(p.ecosystem, "crates.io");
      EXPECT_EQ(p.scheme, "cargo");
      if (p.note.starts_with("informational: ")) ++notes[p.note.substr(15)];
    }
  }
  // The informational kinds, counted from the files (their values carry quotes and stray spaces there).
  std::map<std::string, int> expected_notes;
  for (const auto& [value, n] : expected_informational) {
    std::string kind = value.substr(1, value.find('"', 1) - 1);
    expected_notes[std::string(kind.substr(0, kind.find_last_not_of(' ') + 1))] += n;
  }
  EXPECT_EQ(expected_notes, (std::map<std::string, int>{{"notice", 6}, {"unmaintained", 267}, {"unsound", 203}}));
  // Advisories whose every version is patched or unaffected carry no affected package; none here.
  EXPECT_EQ(notes, expected_notes);
}

// The SEMVER ranges say exactly what the Cargo requirements say: for every crate advisory and
// every probe version around the versions the requirements name, the version is affected by our
// ranges iff it satisfies none of patched ∪ unaffected under the Cargo scheme (the semver crate's
// matching). Probes are releases: for pre-releases Cargo's opt-in rule and OSV's precedence differ
// on purpose (see rustsec.cc).
TEST(RustsecImportTest, RangesAgreeWithCargoRequirements) {
  const version::Scheme* cargo = version::FindScheme("cargo");
  ASSERT_NE(cargo, nullptr);
  static const std::regex kVersion(R"((\d+)(?:\.(\d+))?(?:\.(\d+))?)");
  int64_t checks = 0;
  for (const fs::path& f : Advisories()) {
    if (f.parent_path().parent_path().filename() != "crates") continue;
    std::string content = hullscan::testing::ReadFileOrFail(f);
    CollectingSink sink;
    ASSERT_TRUE(ImportRustsec(f.string(), content, sink).ok());
    ASSERT_EQ(sink.advisories.size(), 1u) << f;
    const Advisory& adv = sink.advisories[0];
    std::vector<std::string> requirements = Requirements(content, "patched");
    std::vector<std::string> unaffected = Requirements(content, "unaffected");
    requirements.insert(requirements.end(), unaffected.begin(), unaffected.end());
    std::set<std::string> probes = {"0.0.0", "0.0.1", "999.0.0"};
    for (const std::string& r : requirements) {
      for (auto it = std::sregex_iterator(r.begin(), r.end(), kVersion); it != std::sregex_iterator(); ++it) {
        uint64_t major = std::stoull((*it)[1].str());
        uint64_t minor = (*it)[2].matched ? std::stoull((*it)[2].str()) : 0;
        uint64_t patch = (*it)[3].matched ? std::stoull((*it)[3].str()) : 0;
        auto add = [&](uint64_t a, uint64_t b, uint64_t c) {
          probes.insert(std::to_string(a) + "." + std::to_string(b) + "." + std::to_string(c));
        };
        add(major, minor, patch);
        add(major, minor, patch + 1);
        add(major, minor + 1, 0);
        add(major + 1, 0, 0);
        if (patch > 0) add(major, minor, patch - 1);
        if (minor > 0) add(major, minor - 1, 999);
        if (major > 0) add(major - 1, 999, 999);
      }
    }
    for (const std::string& v : probes) {
      bool unaffected_by_requirements = false;
      for (const std::string& r : requirements) {
        auto sat = cargo->Satisfies(v, r);
        ASSERT_TRUE(sat.ok()) << adv.id << " " << r << ": " << sat.error().message();
        unaffected_by_requirements = unaffected_by_requirements || *sat;
      }
      bool affected = false;
      for (const AffectedPackage& p : adv.affected) {
        auto a = version::osv::IsAffected(*cargo, v, p.affected);
        ASSERT_TRUE(a.ok()) << adv.id << " " << v << ": " << a.error().message();
        affected = affected || *a;
      }
      EXPECT_EQ(affected, !unaffected_by_requirements) << adv.id << " version " << v;
      ++checks;
    }
  }
  EXPECT_GT(checks, 10000);
}

TEST(RustsecImportTest, AdvisoryWithPatchedAndUnaffectedMatchesItsFile) {
  // Find one in the data rather than naming it: patched and unaffected, a CVSS vector, aliases.
  for (const fs::path& f : Advisories()) {
    std::string content = hullscan::testing::ReadFileOrFail(f);
    auto keys = FrontMatterKeys(content);
    std::vector<std::string> patched = Requirements(content, "patched");
    std::vector<std::string> unaffected = Requirements(content, "unaffected");
    if (patched.size() != 1 || unaffected.size() != 1 || !keys.count("[advisory]cvss") ||
        !keys.count("[advisory]aliases") || !patched[0].starts_with(">= ") || !unaffected[0].starts_with("< ") ||
        f.parent_path().parent_path().filename() != "crates") {
      continue;
    }
    SCOPED_TRACE(f.string());
    CollectingSink sink;
    ASSERT_TRUE(ImportRustsec(f.string(), content, sink).ok());
    ASSERT_EQ(sink.advisories.size(), 1u);
    const Advisory& adv = sink.advisories[0];
    EXPECT_EQ("\"" + adv.id + "\"", keys["[advisory]id"]);
    EXPECT_EQ("\"" + adv.published + "\"", keys["[advisory]date"]);
    EXPECT_EQ("\"" + adv.severities.at(0).cvss_vector + "\"", keys["[advisory]cvss"]);
    EXPECT_EQ(adv.severities[0].source, "rustsec");
    if (keys.count("[advisory]url")) {
      EXPECT_EQ("\"" + adv.references.at(0) + "\"", keys["[advisory]url"]);
    }
    ASSERT_EQ(adv.affected.size(), 1u);
    const AffectedPackage& p = adv.affected[0];
    EXPECT_EQ("\"" + p.package + "\"", keys["[advisory]package"]);
    EXPECT_EQ(p.state, FixState::kFixed);
    std::string low = unaffected[0].substr(2);
    std::string fix = patched[0].substr(3);
    EXPECT_EQ(p.fixed_versions, std::vector<std::string>{fix});
    // Affected: [unaffected's bound, patched's bound).
    ASSERT_EQ(p.affected.ranges.size(), 1u);
    const auto& events = p.affected.ranges[0].events;
    ASSERT_EQ(events.size(), 2u);
    EXPECT_EQ(events[0].kind, version::osv::Event::Kind::kIntroduced);
    EXPECT_EQ(events[1].kind, version::osv::Event::Kind::kFixed);
    EXPECT_EQ(events[1].version.substr(0, fix.size()), fix);
    EXPECT_EQ(events[0].version.substr(0, low.size()), low);
    std::string markdown = content.substr(content.find("\n```\n") + 5);
    std::string title = markdown.substr(markdown.find("# ") + 2);
    EXPECT_EQ(adv.summary, title.substr(0, title.find('\n')));
    return;
  }
  FAIL() << "no advisory with one patched and one unaffected requirement in the data";
}

TEST(RustsecImportTest, InformationalAndToolchainAdvisories) {
  CollectingSink sink;
  for (const char* rel : {"crates/badge/RUSTSEC-2022-0057.md", "rust/std/CVE-2021-28875.md",
                          "crates/abi_stable/RUSTSEC-2020-0105.md"}) {
    fs::path f = RustsecDir() / rel;
    ASSERT_TRUE(ImportRustsec(f.string(), hullscan::testing::ReadFileOrFail(f), sink).ok()) << rel;
  }
  ASSERT_TRUE(sink.diagnostics.empty()) << sink.diagnostics.front();
  auto by_id = sink.ById();
  // Unmaintained, nothing patched: every version, marked informational.
  const Advisory& badge = *by_id.at("RUSTSEC-2022-0057");
  ASSERT_EQ(badge.affected.size(), 1u);
  EXPECT_EQ(badge.affected[0].note, "informational: unmaintained");
  EXPECT_EQ(badge.affected[0].state, FixState::kAffected);
  EXPECT_EQ(badge.summary, "badge is Unmaintained");
  const version::Scheme* cargo = version::FindScheme("cargo");
  EXPECT_TRUE(*version::osv::IsAffected(*cargo, "0.3.0", badge.affected[0].affected));
  // Toolchain (rust/std): kept for its text and id, never matched.
  const Advisory& std_adv = *by_id.at("CVE-2021-28875");
  EXPECT_TRUE(std_adv.affected.empty());
  EXPECT_EQ(std_adv.summary, "Logic bug in Read can cause buffer overflow in read_to_end()");
  EXPECT_TRUE(std_adv.details.starts_with("In the standard library in Rust before 1.50.0"));
  const Advisory& abi = *by_id.at("RUSTSEC-2020-0105");
  EXPECT_EQ(abi.aliases, (std::vector<std::string>{"CVE-2020-36212", "CVE-2020-36213", "GHSA-vq23-5h4f-vwpv",
                                                   "GHSA-wqxc-qrq4-w5v4"}));
  EXPECT_EQ(abi.affected.at(0).package, "abi_stable");
  EXPECT_FALSE(*version::osv::IsAffected(*cargo, "0.9.1", abi.affected[0].affected));
  EXPECT_TRUE(*version::osv::IsAffected(*cargo, "0.9.0", abi.affected[0].affected));
}

TEST(RustsecImportTest, RequirementShapes) {
  auto affected_range = [](const std::string& versions) {
    CollectingSink sink;
    std::string content = "```toml\n[advisory]\nid = \"RUSTSEC-0000-0001\"\npackage = \"Demo\"\ndate = 2020-01-02\n"
                          "[versions]\n" + versions + "\n```\n\n# Title\n\nBody.\n";
    auto file = ImportRustsec("crates/demo/RUSTSEC-0000-0001.md", content, sink);
    EXPECT_TRUE(file.ok());
    EXPECT_TRUE(sink.diagnostics.empty()) << sink.diagnostics.front();
    std::vector<std::string> out;
    if (sink.advisories.size() != 1) return out;
    EXPECT_EQ(sink.advisories[0].published, "2020-01-02");  // a TOML date, not a string
    for (const AffectedPackage& p : sink.advisories[0].affected) {
      EXPECT_EQ(p.package, "demo");
      for (const auto& r : p.affected.ranges) {
        for (const auto& e : r.events) {
          out.push_back((e.kind == version::osv::Event::Kind::kIntroduced ? "i:" : "f:") + e.version);
        }
      }
    }
    return out;
  };
  using V = std::vector<std::string>;
  EXPECT_EQ(affected_range("patched = [\">= 1.2.3\"]"), (V{"i:0", "f:1.2.3"}));
  EXPECT_EQ(affected_range("patched = [\"^0.9.5\", \">= 1.0.1\"]"), (V{"i:0", "f:0.9.5", "i:0.10.0-0", "f:1.0.1"}));
  EXPECT_EQ(affected_range("patched = [\"> 1.2.3\"]\nunaffected = [\"<= 0.1.0\"]"),
            (V{"i:0.1.1-0", "f:1.2.4-0"}));
  EXPECT_EQ(affected_range("patched = [\">= 0.3, < 0.4\", \">= 0.4.2\"]\nunaffected = [\"< 0.2\"]"),
            (V{"i:0.2.0", "f:0.3.0", "i:0.4.0", "f:0.4.2"}));
  // Overlapping requirements merge (the rustsec export would reject them).
  EXPECT_EQ(affected_range("patched = [\">= 2.0.0\", \">= 2.1.0\"]\nunaffected = [\"< 1.0.0\", \"=0.5.0\"]"),
            (V{"i:1.0.0", "f:2.0.0"}));
  EXPECT_EQ(affected_range("patched = [\"~1.2.3\"]"), (V{"i:0", "f:1.2.3", "i:1.3.0-0"}));
  EXPECT_EQ(affected_range("patched = []"), (V{"i:0"}));
  EXPECT_EQ(affected_range("patched = [\"*\"]"), V{});  // nothing affected: no package at all
  EXPECT_EQ(affected_range("patched = [\"> 0\"]"), (V{"i:0", "f:1.0.0"}));  // Cargo: "> 0" is ">= 1.0.0"
}

TEST(RustsecImportTest, MalformedAdvisoriesBecomeDiagnostics) {
  struct Case {
    const char* name;
    std::string content;
  };
  for (const Case& c : std::vector<Case>{
           {"no front matter", "# Just markdown\n"},
           {"unclosed fence", "```toml\n[advisory]\nid = \"RUSTSEC-1\"\n"},
           {"text before the fence", "hello\n```toml\n[advisory]\nid = \"X\"\npackage = \"p\"\n```\n"},
           {"no [advisory]", "```toml\n[versions]\npatched = []\n```\n# T\n"},
           {"invalid TOML", "```toml\n[advisory\nid = \"X\"\n```\n"},
           {"no id", "```toml\n[advisory]\npackage = \"p\"\n```\n"},
           {"id not a string", "```toml\n[advisory]\nid = 5\npackage = \"p\"\n```\n"},
           {"no package", "```toml\n[advisory]\nid = \"RUSTSEC-1\"\n```\n"},
           {"aliases not an array", "```toml\n[advisory]\nid = \"R\"\npackage = \"p\"\naliases = \"CVE-1\"\n```\n"},
           {"versions not a table", "```toml\nversions = 3\n[advisory]\nid = \"R\"\npackage = \"p\"\n```\n"},
           {"bad requirement", "```toml\n[advisory]\nid = \"R\"\npackage = \"p\"\n[versions]\npatched = [\"soon\"]\n```\n"},
           {"requirement not a string", "```toml\n[advisory]\nid = \"R\"\npackage = \"p\"\n[versions]\npatched = [1]\n```\n"},
           {"huge number", "```toml\n[advisory]\nid = \"R\"\npackage = \"p\"\n[versions]\npatched = [\">= 99999999999999999999.0.0\"]\n```\n"},
           {"empty", ""},
       }) {
    SCOPED_TRACE(c.name);
    CollectingSink sink;
    auto file = ImportRustsec("crates/p/R.md", c.content, sink);
    ASSERT_TRUE(file.ok()) << file.error().message();
    EXPECT_EQ(file->records, 0);
    EXPECT_EQ(file->diagnostics, 1);
    ASSERT_EQ(sink.diagnostics.size(), 1u);
    EXPECT_TRUE(sink.diagnostics[0].starts_with("crates/p/R.md: ")) << sink.diagnostics[0];
  }
}

}  // namespace
}  // namespace hullscan::vulndb
