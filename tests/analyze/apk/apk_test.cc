// The apk analyzer against the harvested installed databases in testdata/osdb/apk/ (README 1.2).
//
// apk-tools-alpine3.21.3 carries the reference implementation's own expected output (apk list
// --installed, apk info -W, apk query ...): that is the truth. Trivy, osv-scalibr and Syft
// expectations are compared field by field too; deliberate differences are listed in
// kKnownDifferences with the reason, and each test checks the differences listed for it still occur.
#include "analyze/apk/apk.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "analyze/apk/internal/installed.h"
#include "testing/testdata.h"

namespace hullscan::analyze {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;
using apk_internal::ParseInstalled;
using apk_internal::SplitLicenses;
using ::hullscan::testing::ReadFileOrFail;
using ::hullscan::testing::TestData;

struct KnownDifference {
  std::string_view peer;
  std::string_view case_name;
  std::string_view package;
  std::string_view field;
  std::string_view why;
};

// Trivy maps legacy licence names to SPDX ids (GPL2 -> GPL-2.0-only, BSD -> BSD-3-Clause, ...). We
// keep what the package says: "BSD" does not say which BSD licence, "GPL" not which version, and a
// guessed id in an SBOM reads as a fact. Normalising names is a job for the licence policy, which
// can also say it guessed. (trivy-alpine3.4 is an Alpine 3.4 database, from before Alpine used SPDX.)
constexpr KnownDifference kKnownDifferences[] = {
    {"trivy", "trivy-alpine3.4", "busybox", "licenses", "L:GPL2 kept as written (Trivy: GPL-2.0-only)"},
    {"trivy", "trivy-alpine3.4", "alpine-baselayout", "licenses", "L:GPL2 kept as written"},
    {"trivy", "trivy-alpine3.4", "alpine-keys", "licenses", "L:GPL kept (Trivy guesses GPL-2.0-or-later)"},
    {"trivy", "trivy-alpine3.4", "zlib", "licenses", "L:zlib kept (Trivy: Zlib)"},
    {"trivy", "trivy-alpine3.4", "libcrypto1.0", "licenses", "L:openssl kept (Trivy: OpenSSL)"},
    {"trivy", "trivy-alpine3.4", "libssl1.0", "licenses", "L:openssl kept"},
    {"trivy", "trivy-alpine3.4", "apk-tools", "licenses", "L:GPL2 kept"},
    {"trivy", "trivy-alpine3.4", "scanelf", "licenses", "L:GPL2 kept"},
    {"trivy", "trivy-alpine3.4", "musl-utils", "licenses",
     "L:MIT BSD GPL2+ kept as [MIT, BSD, GPL2+] (Trivy guesses BSD-3-Clause, GPL-2.0-or-later)"},
    {"trivy", "trivy-alpine3.4", "libc-utils", "licenses", "L:GPL kept (Trivy guesses GPL-2.0-or-later)"},
    // osv-scalibr keeps the L: expression as a single licence string; we list its licences (as Trivy
    // and Syft do), which the comparison below checks by splitting scalibr's string on its operators.
    {"scalibr", "no-origin", "pkgname", "origin",
     "a package without o: is its own origin: source_name falls back to the name, as dpkg's Source does; "
     "scalibr reports an empty origin. Alpine's secdb is keyed by origin, so an empty one would never match."},
};

class Comparison {
 public:
  Comparison(std::string_view peer, std::string_view case_name) : peer_(peer), case_(case_name) {}
  ~Comparison() {
    for (const auto& d : kKnownDifferences) {
      if (d.peer == peer_ && d.case_name == case_ &&
          !used_.count(std::string(d.package) + "\n" + std::string(d.field))) {
        ADD_FAILURE() << "listed difference no longer occurs: " << peer_ << " " << case_ << " " << d.package << " "
                      << d.field;
      }
    }
  }
  template <typename T>
  void Field(std::string_view package, std::string_view field, const T& ours, const T& theirs) {
    if (ours == theirs) return;
    for (const auto& d : kKnownDifferences) {
      if (d.peer == peer_ && d.case_name == case_ && d.package == package && d.field == field) {
        used_.insert(std::string(package) + "\n" + std::string(field));
        return;
      }
    }
    ADD_FAILURE() << peer_ << " " << case_ << ": package " << package << ": " << field
                  << " differs:\n  ours:   " << ::testing::PrintToString(ours)
                  << "\n  theirs: " << ::testing::PrintToString(theirs);
  }

 private:
  std::string peer_;
  std::string case_;
  std::set<std::string> used_;
};

fs::path ApkData() { return TestData() / "osdb" / "apk"; }

json LoadJson(const fs::path& path) {
  json j = json::parse(ReadFileOrFail(path), nullptr, false);
  if (j.is_discarded()) ADD_FAILURE() << "cannot parse " << path;
  return j;
}

// Runs the analyzer on one database file placed at `path`.
inventory::LayerResult Analyze(const std::string& content, const std::string& path = "lib/apk/db/installed") {
  auto analyzer = NewApkAnalyzer();
  EXPECT_TRUE(analyzer->Wants(FileInfo{path, 0644, static_cast<int64_t>(content.size())}));
  std::vector<File> files{File{path, 0644, content}};
  inventory::LayerResult out;
  analyzer->Analyze(files, out);
  return out;
}

std::map<std::string, inventory::Package> ByName(const inventory::LayerResult& layer) {
  std::map<std::string, inventory::Package> out;
  for (const auto& db : layer.package_dbs) {
    for (const auto& p : db.packages) EXPECT_TRUE(out.emplace(p.name, p).second) << p.name;
  }
  return out;
}

std::string Diagnostics(const inventory::LayerResult& layer) {
  std::string out;
  for (const auto& d : layer.diagnostics) out += d.path + ": " + d.message + "\n";
  return out;
}

std::set<std::string> Keys(const std::map<std::string, inventory::Package>& m) {
  std::set<std::string> out;
  for (const auto& [k, v] : m) out.insert(k);
  return out;
}

// ---------------------------------------------------------------------------------------------
// apk-tools' own expectations (Alpine 3.21.3).

class ApkTools : public ::testing::Test {
 protected:
  void SetUp() override {
    const fs::path dir = ApkData() / "apk-tools-alpine3.21.3";
    expected_ = LoadJson(dir / "expected.json");
    layer_ = Analyze(ReadFileOrFail(dir / "lib/apk/db/installed"));
    ours_ = ByName(layer_);
  }
  // The expected stdout of the peer assertion whose command is `command`.
  std::string Output(std::string_view command) {
    for (const auto& a : expected_["peer_assertions"]) {
      if (a["command"] == command) return a["expected_output"].get<std::string>();
    }
    ADD_FAILURE() << "no assertion for " << command;
    return {};
  }

  json expected_;
  inventory::LayerResult layer_;
  std::map<std::string, inventory::Package> ours_;
};

TEST_F(ApkTools, ListInstalled) {
  EXPECT_TRUE(layer_.diagnostics.empty()) << Diagnostics(layer_);
  ASSERT_EQ(layer_.package_dbs.size(), 1u);
  EXPECT_EQ(layer_.package_dbs[0].analyzer, "apk");
  std::set<std::string> theirs;
  for (const auto& e : expected_["packages"]) theirs.insert(e["name"].get<std::string>());
  EXPECT_EQ(Keys(ours_), theirs);
  EXPECT_EQ(ours_.size(), expected_["count"].get<size_t>());
  Comparison cmp("apk", "apk-tools-alpine3.21.3");
  for (const auto& e : expected_["packages"]) {
    const std::string name = e["name"].get<std::string>();
    if (!ours_.count(name)) continue;
    const auto& p = ours_.at(name);
    cmp.Field(name, "version", p.version, e["version"].get<std::string>());
    cmp.Field(name, "arch", p.arch, e["arch"].get<std::string>());
    cmp.Field(name, "origin", p.source_name, e["origin"].get<std::string>());
    cmp.Field(name, "source_version", p.source_version, p.version);
    cmp.Field(name, "license", p.licenses, SplitLicenses(e["license"].get<std::string>()));
    EXPECT_EQ(p.location.path, "lib/apk/db/installed");
    EXPECT_EQ(p.type, inventory::PackageType::kApk);
    EXPECT_TRUE(p.digest.rfind("sha1:", 0) == 0 && p.digest.size() == 45) << p.digest;
  }
}

TEST_F(ApkTools, ListInstalledOutputLineByLine) {
  // "name-version arch {origin} (license) [installed]", exactly as apk prints it.
  std::string want = Output("apk --no-network list --installed");
  std::string got;
  for (const auto& [name, p] : ours_) {
    std::string license;
    for (const auto& l : p.licenses) license += (license.empty() ? "" : " AND ") + l;
    got += name + "-" + p.version + " " + p.arch + " {" + p.source_name + "} (" + license + ") [installed]\n";
  }
  // Our licence list loses only the operators; the two OR expressions are rebuilt with AND above,
  // so compare with those lines put the same way.
  std::string normalised;
  std::istringstream lines(want);
  for (std::string line; std::getline(lines, line);) {
    size_t open = line.find(" (");
    size_t close = line.rfind(") [");
    std::string license;
    for (const auto& l : SplitLicenses(line.substr(open + 2, close - open - 2))) {
      license += (license.empty() ? "" : " AND ") + l;
    }
    normalised += line.substr(0, open + 2) + license + line.substr(close) + "\n";
  }
  EXPECT_EQ(got, normalised);
}

TEST_F(ApkTools, OriginFilter) {
  std::string got;
  for (const auto& [name, p] : ours_) {
    if (p.source_name == "apk-tools") got += name + "-" + p.version + "\n";
  }
  std::string want;
  std::istringstream lines(Output("apk --no-network list --installed --origin apk-tools"));
  for (std::string line; std::getline(lines, line);) want += line.substr(0, line.find(' ')) + "\n";
  EXPECT_EQ(got, want);
}

TEST_F(ApkTools, FileOwnershipAsApkInfoW) {
  // "apk info -W <paths>": "<path> is owned by <pkg>-<ver>" or "ERROR: <path>: Could not find owner".
  std::map<std::string, std::string> owner;  // file -> name-version
  for (const auto& [name, p] : ours_) {
    for (const auto& f : p.installed_files) owner[f] = name + "-" + p.version;
  }
  std::istringstream lines(Output("apk --no-network info -W sbin/apk usr/lib/libapk.so.2.14.0 bin/not-found usr"));
  size_t checked = 0;
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("ERROR: ", 0) == 0) {
      std::string path = line.substr(7, line.find(':', 7) - 7);
      EXPECT_EQ(owner.count(path), 0u) << path;
      ++checked;
      continue;
    }
    const std::string sep = " is owned by ";
    std::string path = line.substr(0, line.find(sep));
    std::string pkg = line.substr(line.find(sep) + sep.size());
    if (path == "usr") continue;  // a directory: installed_files lists files (R:), not directories (F:)
    EXPECT_EQ(owner[path], pkg) << path;
    ++checked;
  }
  EXPECT_EQ(checked, 3u);
}

TEST_F(ApkTools, QueryFieldsAll) {
  // The yaml of "apk query --fields all apk-tools": maintainer and contents (the installed files).
  std::istringstream lines(Output("apk --no-network query --format yaml --installed --fields all \"apk-tools\""));
  std::string maintainer;
  std::vector<std::string> contents;
  bool in_contents = false;
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("  maintainer: ", 0) == 0) maintainer = line.substr(14);
    if (line.rfind("  ", 0) == 0 && line.size() > 2 && line[2] != ' ') in_contents = line == "  contents:";
    if (in_contents && line.rfind("    - ", 0) == 0) contents.push_back(line.substr(6));
  }
  ASSERT_TRUE(ours_.count("apk-tools"));
  EXPECT_EQ(ours_.at("apk-tools").maintainer, maintainer);
  std::sort(contents.begin(), contents.end());
  EXPECT_EQ(ours_.at("apk-tools").installed_files, contents);

  // "apk info --all scanelf" lists its contents and license.
  std::string info = Output("apk --no-network info --all scanelf");
  EXPECT_NE(info.find("contains:\nusr/bin/scanelf\n\n"), std::string::npos);
  EXPECT_EQ(ours_.at("scanelf").installed_files, std::vector<std::string>{"usr/bin/scanelf"});
  EXPECT_EQ(ours_.at("scanelf").source_name, "pax-utils");
}

TEST_F(ApkTools, QueryJson) {
  json want = json::parse(Output("apk --no-network query --format json --installed \"musl*\""), nullptr, false);
  ASSERT_TRUE(want.is_array());
  ASSERT_EQ(want.size(), 2u);
  for (const auto& w : want) {
    const std::string name = w["name"].get<std::string>();
    ASSERT_TRUE(ours_.count(name));
    const auto& p = ours_.at(name);
    EXPECT_EQ(p.version, w["version"].get<std::string>());
    EXPECT_EQ(p.arch, w["arch"].get<std::string>());
    EXPECT_EQ(p.source_name, w["origin"].get<std::string>());
    EXPECT_EQ(p.licenses, SplitLicenses(w["license"].get<std::string>()));
  }
  EXPECT_EQ(ours_.at("musl-utils").licenses, (std::vector<std::string>{"MIT", "BSD-2-Clause", "GPL-2.0-or-later"}));
}

// ---------------------------------------------------------------------------------------------
// Trivy (Alpine 3.4, with a stanza lacking V:).

TEST(ApkTrivy, Alpine34) {
  const fs::path dir = ApkData() / "trivy-alpine3.4";
  json expected = LoadJson(dir / "expected.trivy.json");
  inventory::LayerResult layer = Analyze(ReadFileOrFail(dir / "lib/apk/db/installed"));
  auto ours = ByName(layer);
  std::set<std::string> theirs;
  for (const auto& p : expected["packages"]) theirs.insert(p["name"].get<std::string>());
  EXPECT_EQ(Keys(ours), theirs);
  EXPECT_EQ(ours.size(), expected["count"].get<size_t>());
  Comparison cmp("trivy", "trivy-alpine3.4");
  std::set<std::string> all_files;
  for (const auto& t : expected["packages"]) {
    const std::string name = t["name"].get<std::string>();
    if (!ours.count(name)) continue;
    const auto& p = ours.at(name);
    cmp.Field(name, "id", p.name + "@" + p.version, t["id"].get<std::string>());
    cmp.Field(name, "version", p.version, t["version"].get<std::string>());
    cmp.Field(name, "arch", p.arch, t["arch"].get<std::string>());
    cmp.Field(name, "src_name", p.source_name, t["src_name"].get<std::string>());
    cmp.Field(name, "src_version", p.source_version, t["src_version"].get<std::string>());
    cmp.Field(name, "maintainer", p.maintainer, t["maintainer"].get<std::string>());
    cmp.Field(name, "digest", p.digest, t["digest"].get<std::string>());
    cmp.Field(name, "licenses", p.licenses, t["licenses"].get<std::vector<std::string>>());
    std::vector<std::string> files = t.value("installed_files", std::vector<std::string>{});
    std::sort(files.begin(), files.end());  // Trivy keeps file order; ours are sorted
    cmp.Field(name, "installed_files", p.installed_files, files);
    all_files.insert(p.installed_files.begin(), p.installed_files.end());
  }
  auto want_files = expected["want_files"].get<std::vector<std::string>>();
  EXPECT_EQ(all_files, std::set<std::string>(want_files.begin(), want_files.end()));
  // The stanza without V: is skipped, and said so.
  ASSERT_EQ(layer.diagnostics.size(), 1u) << Diagnostics(layer);
  EXPECT_NE(layer.diagnostics[0].message.find("'invalidPackageWithoutAVersion'"), std::string::npos);
  EXPECT_EQ(layer.diagnostics[0].path, "lib/apk/db/installed");
}

// ---------------------------------------------------------------------------------------------
// osv-scalibr (Alpine 3.18 and small cases).

// scalibr's single licence string, split on the SPDX operators only (independently of ours).
std::vector<std::string> ScalibrLicences(const json& licenses) {
  std::vector<std::string> out;
  for (const auto& l : licenses) {
    std::istringstream words(l.get<std::string>());
    for (std::string w; words >> w;) {
      if (w != "AND" && w != "OR") out.push_back(w);
    }
  }
  return out;
}

TEST(ApkScalibr, AllCases) {
  const fs::path dir = ApkData() / "scalibr-alpine3.18";
  json expected = LoadJson(dir / "expected.scalibr.json");
  size_t cases = 0;
  for (const auto& c : expected["cases"]) {
    const std::string input = c["input"].get<std::string>();
    SCOPED_TRACE(input);
    ++cases;
    inventory::LayerResult layer = Analyze(ReadFileOrFail(dir / input));
    auto ours = ByName(layer);
    if (c["want_error"].is_string()) {
      EXPECT_TRUE(ours.empty());
      EXPECT_FALSE(layer.diagnostics.empty()) << "an error in the peer is a diagnostic here";
      continue;
    }
    EXPECT_TRUE(layer.diagnostics.empty()) << Diagnostics(layer);
    Comparison cmp("scalibr", input);
    std::set<std::string> theirs;
    for (const auto& w : c["want_packages"]) theirs.insert(w["name"].get<std::string>());
    EXPECT_EQ(Keys(ours), theirs);
    for (const auto& w : c["want_packages"]) {
      const std::string name = w["name"].get<std::string>();
      if (!ours.count(name)) continue;
      const auto& p = ours.at(name);
      cmp.Field(name, "version", p.version, w["version"].get<std::string>());
      cmp.Field(name, "arch", p.arch, w["arch"].get<std::string>());
      cmp.Field(name, "origin", p.source_name, w["origin"].get<std::string>());
      cmp.Field(name, "maintainer", p.maintainer, w["maintainer"].get<std::string>());
      cmp.Field(name, "licenses", p.licenses, ScalibrLicences(w["licenses"]));
      // Not compared: os_id/os_version_id (distro detection is the os analyzer's) and the aports
      // commit (c:), which our Package has no field for.
    }
  }
  EXPECT_EQ(cases, 8u);
}

// ---------------------------------------------------------------------------------------------
// Syft

TEST(ApkSyft, SinglePackageDetails) {
  const fs::path dir = ApkData() / "syft";
  json expected = LoadJson(dir / "expected.syft.json");
  size_t cases = 0;
  for (const auto& c : expected["cases"]) {
    const std::string input = c["input"].get<std::string>();
    SCOPED_TRACE(input);
    ++cases;
    const std::string text = ReadFileOrFail(dir / input);
    inventory::LayerResult layer = Analyze(text);
    EXPECT_TRUE(layer.diagnostics.empty()) << Diagnostics(layer);
    auto ours = ByName(layer);
    ASSERT_EQ(ours.size(), 1u);
    const auto& p = ours.begin()->second;
    const json& e = c["expected"];
    // Syft's files are the F: directories and the R: files; ours are the files. The directories
    // are read from the input itself to tell them apart.
    std::set<std::string> dirs;
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);) {
      if (line.rfind("F:", 0) == 0) dirs.insert(line.substr(2));
    }
    std::vector<std::string> files;
    const json& syft_files = e.contains("metadata") ? e["metadata"]["files"] : e["files"];
    for (const auto& f : syft_files) {
      std::string path = f["path"].get<std::string>().substr(1);
      if (!dirs.count(path)) files.push_back(path);
    }
    std::sort(files.begin(), files.end());
    EXPECT_EQ(p.installed_files, files);
    if (!e.contains("name")) continue;  // TestExtraFileAttributes asserts files only
    const json& m = e["metadata"];
    EXPECT_EQ(p.name, e["name"].get<std::string>());
    EXPECT_EQ(p.version, e["version"].get<std::string>());
    EXPECT_EQ(p.arch, m["architecture"].get<std::string>());
    EXPECT_EQ(p.source_name, m["origin_package"].get<std::string>());
    EXPECT_EQ(p.maintainer, m["maintainer"].get<std::string>());
    EXPECT_EQ(p.digest, apk_internal::DecodeChecksum(m["checksum"].get<std::string>()));
    EXPECT_FALSE(p.digest.empty());
    // Syft splits the L: field on blanks ("MIT BSD GPL2+" -> MIT, BSD, GPL2+), as we do.
    std::vector<std::string> licenses;
    for (const auto& l : e["licenses"]["args"]) licenses.push_back(l["args"][1].get<std::string>());
    EXPECT_EQ(p.licenses, licenses);
  }
  EXPECT_EQ(cases, 4u);
}

TEST(ApkSyft, MultipleAndCorrupt) {
  const fs::path dir = ApkData() / "syft";
  // No extracted expectation for these: every P: stanza of the file must come out, cleanly.
  for (std::string name : {"multiple-1", "multiple-2"}) {
    SCOPED_TRACE(name);
    const std::string text = ReadFileOrFail(dir / name / "lib/apk/db/installed");
    size_t stanzas = 0;
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);) stanzas += line.rfind("P:", 0) == 0 ? 1 : 0;
    inventory::LayerResult layer = Analyze(text);
    EXPECT_EQ(ByName(layer).size(), stanzas);
    EXPECT_TRUE(layer.diagnostics.empty()) << Diagnostics(layer);
  }
  // corrupt: a junk first line, then a valid stanza.
  const std::string corrupt = ReadFileOrFail(dir / "corrupt/lib/apk/db/installed");
  inventory::LayerResult layer = Analyze(corrupt);
  auto ours = ByName(layer);
  ASSERT_EQ(ours.size(), 1u);
  EXPECT_EQ(ours.begin()->first, "alpine-baselayout-data");
  ASSERT_FALSE(layer.diagnostics.empty());
  EXPECT_EQ(layer.diagnostics[0].message,
            "line 1: not a 'K:value' line: '" + corrupt.substr(0, corrupt.find('\n')) + "'")
      << Diagnostics(layer);
}

// ---------------------------------------------------------------------------------------------
// Pieces

TEST(ApkWants, TakesTheDatabaseOnly) {
  auto a = NewApkAnalyzer();
  for (std::string_view p : {"lib/apk/db/installed", "usr/lib/apk/db/installed"}) {
    EXPECT_TRUE(a->Wants(FileInfo{p, 0644, 1})) << p;
  }
  for (std::string_view p : {"lib/apk/db/installed.new", "lib/apk/db/scripts.tar", "lib/apk/db/triggers",
                             "x/lib/apk/db/installed", "etc/apk/world", "lib/apk/db"}) {
    EXPECT_FALSE(a->Wants(FileInfo{p, 0644, 1})) << p;
  }
}

TEST(ApkLicenses, Splitting) {
  // Shapes found in the data: single ids, AND lists, OR choices, parentheses, legacy blank lists.
  EXPECT_EQ(SplitLicenses("GPL-2.0-only"), std::vector<std::string>{"GPL-2.0-only"});
  EXPECT_EQ(SplitLicenses("MPL-2.0 AND MIT"), (std::vector<std::string>{"MPL-2.0", "MIT"}));
  EXPECT_EQ(SplitLicenses("BSD-3-Clause OR GPL-2.0-only"), (std::vector<std::string>{"BSD-3-Clause", "GPL-2.0-only"}));
  EXPECT_EQ(SplitLicenses("( Apache-2.0 OR MIT ) AND MPL-2.0"),
            (std::vector<std::string>{"Apache-2.0", "MIT", "MPL-2.0"}));
  EXPECT_EQ(SplitLicenses("(Apache-2.0 OR MIT) AND MPL-2.0"),
            (std::vector<std::string>{"Apache-2.0", "MIT", "MPL-2.0"}));
  EXPECT_EQ(SplitLicenses("MIT BSD GPL2+"), (std::vector<std::string>{"MIT", "BSD", "GPL2+"}));
  EXPECT_EQ(SplitLicenses("GPL-2.0-or-later WITH Classpath-exception-2.0 AND MIT"),
            (std::vector<std::string>{"GPL-2.0-or-later WITH Classpath-exception-2.0", "MIT"}));
  EXPECT_EQ(SplitLicenses("MIT AND MIT"), std::vector<std::string>{"MIT"});
  EXPECT_TRUE(SplitLicenses("").empty());
  EXPECT_TRUE(SplitLicenses(" ( ) AND ").empty());
}

TEST(ApkChecksum, Decoding) {
  // From trivy-alpine3.4: C:Q11otALzX1d1D0kVawy06IairTXS0= is musl's.
  json trivy = LoadJson(ApkData() / "trivy-alpine3.4/expected.trivy.json");
  EXPECT_EQ(apk_internal::DecodeChecksum("Q11otALzX1d1D0kVawy06IairTXS0="), trivy["packages"][0]["digest"]);
  EXPECT_EQ(apk_internal::DecodeChecksum("Q1"), "");
  EXPECT_EQ(apk_internal::DecodeChecksum("Q1!!!!"), "");
  EXPECT_EQ(apk_internal::DecodeChecksum("Q1AAAA"), "");  // decodes, but not to 20 bytes
  EXPECT_EQ(apk_internal::DecodeChecksum("0123456789ABCDEF0123456789abcdef"), "md5:0123456789abcdef0123456789abcdef");
}

// ---------------------------------------------------------------------------------------------
// Hostile input (the suite runs under ASan/UBSan).

std::string BigDb() { return ReadFileOrFail(ApkData() / "apk-tools-alpine3.21.3/lib/apk/db/installed"); }

TEST(ApkHostile, TruncatedAnywhere) {
  const std::string text = BigDb();
  for (size_t cut = 0; cut < text.size(); cut += 1999) {
    auto parsed = ParseInstalled(std::string_view(text).substr(0, cut));
    EXPECT_LE(parsed.packages.size(), 39u);
  }
  size_t cut = 0;
  for (int i = 0; i < 10; ++i) cut = text.find("\n\n", cut) + 2;
  auto parsed = ParseInstalled(std::string_view(text).substr(0, cut));
  EXPECT_EQ(parsed.packages.size(), 10u);
  EXPECT_TRUE(parsed.problems.empty());
}

TEST(ApkHostile, BinaryGarbage) {
  std::mt19937 rng(7);
  for (int round = 0; round < 20; ++round) {
    std::string garbage(1 << 16, '\0');
    for (char& c : garbage) c = static_cast<char>(rng());
    auto parsed = ParseInstalled(garbage);
    EXPECT_LE(parsed.problems.size(), apk_internal::kMaxProblems + 1);
  }
  const std::string text = BigDb();
  std::string mixed = std::string("\xff\xfe\0P\x01:\n\n", 8) + text;
  auto parsed = ParseInstalled(mixed);
  EXPECT_EQ(parsed.packages.size(), 39u);
  EXPECT_FALSE(parsed.problems.empty());
}

TEST(ApkHostile, TenMegabyteField) {
  std::string text = "P:big\nV:1.0-r0\nT:" + std::string(10u << 20, 'x') + "\nL:" + std::string(10u << 20, 'y') +
                     "\nF:usr\nR:file\n\nP:after\nV:2-r0\n";
  auto parsed = ParseInstalled(text);
  ASSERT_EQ(parsed.packages.size(), 2u);
  EXPECT_EQ(parsed.packages[1].name, "big");
  EXPECT_EQ(parsed.packages[1].licenses.size(), 1u);
  EXPECT_EQ(parsed.packages[1].installed_files, std::vector<std::string>{"usr/file"});
  EXPECT_TRUE(parsed.problems.empty());
}

TEST(ApkHostile, LinesWithoutColon) {
  auto parsed = ParseInstalled("P:a\nno colon here\nV:1-r0\nXY:z\nR:rootfile\n\njunk\n\nP:b\nV:2-r0\n");
  ASSERT_EQ(parsed.packages.size(), 2u);
  EXPECT_EQ(parsed.packages[0].installed_files, std::vector<std::string>{"rootfile"});
  EXPECT_EQ(parsed.problems,
            (std::vector<std::string>{"line 2: not a 'K:value' line: 'no colon here'",
                                      "line 4: not a 'K:value' line: 'XY:z'", "line 7: not a 'K:value' line: 'junk'",
                                      "line 7: package stanza without a P: (name); skipped"}));
}

TEST(ApkHostile, CrlfLineEndsGiveTheSameResult) {
  const std::string text = BigDb();
  std::string crlf;
  for (char c : text) {
    if (c == '\n') crlf += '\r';
    crlf += c;
  }
  auto lf = ParseInstalled(text);
  auto cr = ParseInstalled(crlf);
  EXPECT_EQ(lf.packages, cr.packages);
  EXPECT_TRUE(cr.problems.empty());
}

TEST(ApkHostile, ProblemCapAndQuoting) {
  std::string text;
  for (int i = 0; i < 1000; ++i) text += "\x1b[31m no colon\n";
  auto parsed = ParseInstalled(text);
  ASSERT_EQ(parsed.problems.size(), apk_internal::kMaxProblems + 1);
  EXPECT_EQ(parsed.problems.back(), "951 more problems not shown");
  for (const auto& m : parsed.problems) EXPECT_EQ(m.find('\x1b'), std::string::npos);
}

}  // namespace
}  // namespace hullscan::analyze
