// Rust: every unit of the shared peer data in testdata/lang/rust (cargo-auditable binaries of all
// three formats, Cargo.lock files of Trivy, OSV-SCALIBR and Syft), zlib bombs, hostile binaries.
#include <zlib.h>

#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "analyze/lang/rust/internal/auditable.h"
#include "analyze/lang/rust/internal/cargo_lock.h"
#include "analyze/lang/rust/rust.h"
#include "testing/testdata.h"

namespace hullscan::analyze {
namespace {

namespace fs = std::filesystem;
using hullscan::testing::ReadFileOrFail;
using hullscan::testing::TestData;
using nlohmann::json;

using NameVersions = std::multiset<std::pair<std::string, std::string>>;

fs::path RustData() { return TestData() / "lang" / "rust"; }

json LoadExpected(const std::string& unit) { return json::parse(ReadFileOrFail(RustData() / unit / "expected.json")); }

// The analyzer sees files by their path in the image; fixtures that are lockfiles under another
// name (cargo_v3.lock, Cargo.lock-with-git-deps) are given to it as ".../Cargo.lock".
inventory::LayerResult AnalyzeFile(const std::string& path, std::string content) {
  auto analyzer = NewRustAnalyzer();
  File file{path, 0755, std::move(content)};
  inventory::LayerResult out;
  analyzer->Analyze(std::span<const File>(&file, 1), out);
  return out;
}

NameVersions Ours(const inventory::LayerResult& r) {
  NameVersions out;
  for (const auto& db : r.package_dbs) {
    for (const auto& p : db.packages) out.emplace(p.name, p.version);
  }
  return out;
}

NameVersions Want(const json& c) {
  NameVersions want;
  if (c["packages"].is_array()) {
    for (const json& p : c["packages"]) want.emplace(p["name"], p["version"]);
  }
  return want;
}

std::string Describe(const NameVersions& s) {
  std::string out;
  for (const auto& [n, v] : s) out += "  " + n + " " + v + "\n";
  return out;
}

struct Unit {
  const char* name;
  bool lockfile;
  int cases;  // how many cases the unit has; all are compared
};

// All five Rust units. Packages compare as multisets of (name, version); every case passes as the
// peer states it, with no exceptions: both lockfile semantics (every [[package]], local and git
// ones included) and binary semantics agree across the peers on these fixtures.
const Unit kUnits[] = {
    {"trivy-parser-binary", false, 4},
    {"scalibr-cargoauditable", false, 3},
    {"trivy-parser-cargo", true, 4},
    {"scalibr-cargolock", true, 9},
    {"syft-rust", true, 3},
};

TEST(RustPeers, EveryUnitAndCase) {
  int total = 0;
  for (const Unit& unit : kUnits) {
    const json expected = LoadExpected(unit.name);
    int compared = 0;
    for (const json& c : expected["cases"]) {
      const std::string fixture = c["fixture"];
      SCOPED_TRACE(std::string(unit.name) + " " + c.value("case", "") + ": " + fixture);
      const std::string path = unit.lockfile ? "project/" + fixture + "/Cargo.lock" : fixture;
      const inventory::LayerResult r = AnalyzeFile(path, ReadFileOrFail(RustData() / unit.name / fixture));
      if (c.contains("error")) {
        if (unit.lockfile) {
          // A broken lockfile is a diagnostic and an empty database (it still replaces what a
          // lower layer had at that path).
          ASSERT_EQ(r.package_dbs.size(), 1u);
          EXPECT_TRUE(r.package_dbs[0].packages.empty());
          ASSERT_EQ(r.diagnostics.size(), 1u);
          EXPECT_EQ(r.diagnostics[0].path, path);
        } else {
          // Not an executable: the error the peer names, and silence from the analyzer.
          auto section = rust_internal::FindDepSection(ReadFileOrFail(RustData() / unit.name / fixture));
          ASSERT_FALSE(section.ok());
          EXPECT_NE(section.error().message().find(c["error"]["contains"].get<std::string>()), std::string::npos);
          EXPECT_TRUE(r.package_dbs.empty());
          EXPECT_TRUE(r.diagnostics.empty());
        }
        ++compared;
        continue;
      }
      if (c["packages"].is_null() && !unit.lockfile) {  // scalibr not_binary: a shell script
        EXPECT_TRUE(r.package_dbs.empty());
        EXPECT_TRUE(r.diagnostics.empty());
        ++compared;
        continue;
      }
      ASSERT_EQ(r.package_dbs.size(), 1u);
      const inventory::PackageDb& db = r.package_dbs[0];
      EXPECT_EQ(db.path, path);
      EXPECT_EQ(db.analyzer, unit.lockfile ? "cargo-lock" : "cargo-auditable");
      for (const auto& p : db.packages) {
        EXPECT_EQ(p.type, inventory::PackageType::kCargo);
        EXPECT_EQ(p.location.path, path);
      }
      EXPECT_TRUE(r.diagnostics.empty());
      const NameVersions want = Want(c);
      EXPECT_EQ(Ours(r), want) << "ours:\n" << Describe(Ours(r)) << "peer:\n" << Describe(want);
      ++compared;
    }
    EXPECT_EQ(compared, unit.cases) << unit.name;
    total += compared;
  }
  EXPECT_EQ(total, 23);
}

// Syft keeps a crates.io crate and a git fork of the same name and version apart by source; we
// keep them apart by the registry checksum (the git one has none).
TEST(CargoLock, SameNameAndVersionFromTwoSources) {
  const inventory::LayerResult r =
      AnalyzeFile("Cargo.lock", ReadFileOrFail(RustData() / "syft-rust/testdata/Cargo.lock-with-git-deps"));
  ASSERT_EQ(r.package_dbs.size(), 1u);
  std::vector<std::string> regex_digests;
  for (const auto& p : r.package_dbs[0].packages) {
    if (p.name == "regex") regex_digests.push_back(p.digest);
  }
  ASSERT_EQ(regex_digests.size(), 2u);
  EXPECT_NE(regex_digests[0], regex_digests[1]);
}

// Lockfile v1 keeps checksums in [metadata]; they are attached to their packages.
TEST(CargoLock, Version1MetadataChecksums) {
  int skipped = 0;
  auto parsed = rust_internal::ParseCargoLock(
      "[[package]]\nname = \"libc\"\nversion = \"0.2.54\"\n"
      "source = \"registry+https://github.com/rust-lang/crates.io-index\"\n\n"
      "[[package]]\nname = \"app\"\n\n"
      "[metadata]\n\"checksum libc 0.2.54 (registry+https://github.com/rust-lang/crates.io-index)\" = \"c678\"\n",
      &skipped);
  ASSERT_TRUE(parsed.ok()) << parsed.error().message();
  ASSERT_EQ(parsed->size(), 1u);
  EXPECT_EQ((*parsed)[0].checksum, "c678");
  EXPECT_EQ(skipped, 1);  // "app" without a version
  auto not_array = rust_internal::ParseCargoLock("package = 3\n", &skipped);
  ASSERT_TRUE(not_array.ok());
  EXPECT_TRUE(not_array->empty());
  EXPECT_EQ(skipped, 1);
}

TEST(RustAnalyzer, Wants) {
  auto a = NewRustAnalyzer();
  EXPECT_TRUE(a->Wants({"src/app/Cargo.lock", 0644, 100}));
  EXPECT_TRUE(a->Wants({"Cargo.lock", 0644, 100}));
  EXPECT_FALSE(a->Wants({"src/app/NotCargo.lock", 0644, 100}));
  EXPECT_TRUE(a->Wants({"usr/local/bin/tool", 0755, 1 << 20}));
  EXPECT_TRUE(a->Wants({"app/tool.exe", 0644, 1 << 20}));
  EXPECT_FALSE(a->Wants({"usr/share/doc/readme", 0644, 1 << 20}));
  EXPECT_TRUE(a->AnalyzesEachFile());
}

// SCALIBR's FileRequired table for cargo-auditable. Named difference, as for Go: executables
// under 4 KiB are skipped (no Rust binary is that small; keeps executable scripts unread), and the
// peer's maxFileSizeBytes option corresponds to our MaxFileSize(), applied by the layer reader.
TEST(RustAnalyzer, ScalibrFileRequired) {
  const json expected = LoadExpected("scalibr-cargoauditable");
  auto a = NewRustAnalyzer();
  for (const json& f : expected["file_required"]) {
    const int64_t size = f.value("fileSizeBytes", int64_t{1} << 20);
    const bool ours = a->Wants({f["path"].get<std::string>(), 0755, size});
    if (size < 4096) EXPECT_FALSE(ours);
    else EXPECT_EQ(ours, f["required"].get<bool>());
  }
}

std::string Deflate(const std::string& data) {
  uLongf size = compressBound(data.size());
  std::string out(size, '\0');
  EXPECT_EQ(compress2(reinterpret_cast<Bytef*>(out.data()), &size, reinterpret_cast<const Bytef*>(data.data()),
                      data.size(), 9),
            Z_OK);
  out.resize(size);
  return out;
}

TEST(Auditable, InflateIsBounded) {
  const std::string bomb = Deflate(std::string(64 << 20, ' '));  // 64 MiB of spaces in ~64 KiB
  auto r = rust_internal::Inflate(bomb, rust_internal::kMaxAuditableJson);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), ErrorCode::kLimitExceeded);
  auto ok = rust_internal::Inflate(Deflate("{\"packages\":[]}"), 1024);
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(*ok, "{\"packages\":[]}");
  // Truncated streams keep what they held; garbage is an error.
  const std::string full = Deflate(std::string(1000, 'a'));
  EXPECT_TRUE(rust_internal::Inflate(full.substr(0, full.size() - 4), 4096).ok());
  EXPECT_FALSE(rust_internal::Inflate("not zlib at all", 4096).ok());
}

TEST(Auditable, ParseJson) {
  int skipped = 0;
  auto r = rust_internal::ParseAuditableJson(
      R"({"packages":[{"name":"a","version":"1.0.0","source":"crates.io","kind":"build"},
                      {"name":"b","version":"2.0.0","root":true},{"name":"c"},7]})",
      &skipped);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->size(), 2u);
  EXPECT_TRUE((*r)[0].build);
  EXPECT_TRUE((*r)[1].root);
  EXPECT_EQ(skipped, 2);
  EXPECT_FALSE(rust_internal::ParseAuditableJson("[1]", &skipped).ok());
  EXPECT_FALSE(rust_internal::ParseAuditableJson("{\"packages\":{}}", &skipped).ok());
  EXPECT_FALSE(rust_internal::ParseAuditableJson("{", &skipped).ok());
}

// Build-time crates are not in the binary and not reported (Trivy's rule; SCALIBR's fixtures
// have no build-kind entries, so the peers do not disagree on the shared data).
TEST(Auditable, BuildKindIsSkipped) {
  // The real ELF with its section's bytes overwritten by a list holding a build dependency (the
  // zlib stream ends before the section does; what follows its end is ignored).
  const std::string elf = ReadFileOrFail(RustData() / "trivy-parser-binary/testdata/test.elf");
  auto section = rust_internal::FindDepSection(elf);
  ASSERT_TRUE(section.ok());
  const std::string json_text =
      R"({"packages":[{"name":"app","version":"0.1.0","root":true},{"name":"cc","version":"1.0.0","kind":"build"}]})";
  const std::string packed = Deflate(json_text);
  ASSERT_LE(packed.size(), section->size());
  std::string patched = elf;
  const size_t at = static_cast<size_t>(section->data() - elf.data());
  patched.replace(at, packed.size(), packed);
  const inventory::LayerResult r = AnalyzeFile("bin/app", patched);
  EXPECT_EQ(Ours(r), (NameVersions{{"app", "0.1.0"}}));
}

TEST(Auditable, HostileBinariesNeverCrash) {
  auto analyzer = NewRustAnalyzer();
  for (const char* f : {"trivy-parser-binary/testdata/test.elf", "trivy-parser-binary/testdata/test.exe",
                        "trivy-parser-binary/testdata/test.macho"}) {
    const std::string original = ReadFileOrFail(RustData() / f);
    auto section = rust_internal::FindDepSection(original);
    ASSERT_TRUE(section.ok());
    const size_t at = static_cast<size_t>(section->data() - original.data());
    File file{"bin/x", 0755, original};
    std::vector<size_t> spots;
    for (size_t i = 0; i < 600 && i < original.size(); i += 2) spots.push_back(i);
    for (size_t i = 0; i < section->size(); ++i) spots.push_back(at + i);
    for (size_t i = 1; i <= 128; ++i) spots.push_back(original.size() - i);
    for (size_t spot : spots) {
      for (char value : {'\x00', '\xff', '\x41'}) {
        file.content[spot] = value;
        inventory::LayerResult out;
        analyzer->Analyze(std::span<const File>(&file, 1), out);
        file.content[spot] = original[spot];
      }
    }
    for (size_t len : {size_t{0}, size_t{8}, size_t{64}, size_t{4096}, at, at + 10, original.size() - 1}) {
      File cut{"bin/x", 0755, original.substr(0, std::min(len, original.size()))};
      inventory::LayerResult out;
      analyzer->Analyze(std::span<const File>(&cut, 1), out);
    }
  }
}

}  // namespace
}  // namespace hullscan::analyze
