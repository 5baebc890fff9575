// Go build info: every binary unit of the shared peer data (testdata/lang/go/*binary*), the Go
// binary of the reference images, helper functions, and hostile variants of the real binaries.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "analyze/lang/go/go.h"
#include "analyze/lang/go/internal/buildinfo.h"
#include "testing/testdata.h"

namespace hullscan::analyze {
namespace {

namespace fs = std::filesystem;
using go_internal::ParseModInfo;
using go_internal::ReadRawBuildInfo;
using go_internal::StdlibVersion;
using go_internal::VersionFromLdflags;
using hullscan::testing::ReadFileOrFail;
using hullscan::testing::SharedDir;
using hullscan::testing::TestData;
using nlohmann::json;

using NameVersions = std::multiset<std::pair<std::string, std::string>>;

fs::path GoData() { return TestData() / "lang" / "go"; }

json LoadExpected(const std::string& unit) {
  return json::parse(ReadFileOrFail(GoData() / unit / "expected.json"));
}

inventory::LayerResult AnalyzeFile(const std::string& path, std::string content) {
  auto analyzer = NewGoBinaryAnalyzer();
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

std::string Describe(const NameVersions& s) {
  std::string out;
  for (const auto& [n, v] : s) out += "  " + n + " " + v + "\n";
  return out;
}

// trivy-parser-binary: Trivy's own spelling is ours (module versions with "v", the toolchain as
// "stdlib" "v1.x.y", a "(devel)" main module with an empty version), so packages compare as-is.
TEST(GoBinaryPeers, TrivyParserBinary) {
  const json expected = LoadExpected("trivy-parser-binary");
  int compared = 0;
  for (const json& c : expected["cases"]) {
    const std::string fixture = c["fixture"];
    const std::string name = c.value("case", "");
    SCOPED_TRACE(name + ": " + fixture);
    const std::string content = ReadFileOrFail(GoData() / "trivy-parser-binary" / fixture);
    const inventory::LayerResult r = AnalyzeFile(fixture, content);
    if (c["test"] == "TestParse" && c.contains("error")) {
      auto raw = ReadRawBuildInfo(content);
      ASSERT_FALSE(raw.ok());
      EXPECT_NE(raw.error().message().find(c["error"]["contains"].get<std::string>()), std::string::npos)
          << raw.error().message();
      // Not an executable at all: the analyzer stays silent (no database, no diagnostic).
      EXPECT_TRUE(r.package_dbs.empty());
      EXPECT_TRUE(r.diagnostics.empty());
      ++compared;
    } else if (c["test"] == "TestParse") {
      NameVersions want;
      for (const json& p : c["packages"]) want.emplace(p["name"], p["version"]);
      ASSERT_EQ(r.package_dbs.size(), 1u);
      EXPECT_EQ(r.package_dbs[0].path, fixture);
      EXPECT_EQ(r.package_dbs[0].analyzer, "gobinary");
      for (const auto& p : r.package_dbs[0].packages) {
        EXPECT_EQ(p.type, inventory::PackageType::kGolang);
        EXPECT_EQ(p.location.path, fixture);
      }
      EXPECT_EQ(Ours(r), want) << "ours:\n" << Describe(Ours(r)) << "peer:\n" << Describe(want);
      EXPECT_TRUE(r.diagnostics.empty());
      ++compared;
    } else if (c["test"] == "TestParser_ELFSymbolVersion") {
      // Deliberate difference in method, same result: Trivy reads the main.version symbol from
      // the ELF symbol table; we read the -ldflags "-X main.version=…" build setting that the go
      // command records in the build info itself, which also works for stripped (-s) binaries and
      // PE/Mach-O, where Trivy's symbol lookup cannot.
      const std::string module = c["options"]["moduleName"];
      std::string main_version;
      for (const auto& db : r.package_dbs) {
        for (const auto& p : db.packages) {
          if (p.name == module) main_version = p.version;
        }
      }
      EXPECT_EQ(main_version, c["want"].get<std::string>());
      ++compared;
    } else {
      ADD_FAILURE() << "unknown test kind " << c["test"];
    }
  }
  EXPECT_EQ(compared, 7);
}

// scalibr-gobinary: OSV-SCALIBR spells things the OSV way. Named differences, applied to the
// peer's expectation before comparing:
//  1. Versions: SCALIBR strips the "v" of module versions; we keep Go's own spelling ("v0.0.0-…"),
//     which is what `go version -m`, go.mod and the purl-spec golang examples use, and what
//     Trivy reports. The go version scheme reads both, so matching against OSV is unaffected.
//  2. Toolchain: SCALIBR names it "go" "1.22.0"; we name it "stdlib" "v1.22.0", the module name
//     the Go vulnerability database (and so OSV, Trivy, govulncheck) files standard-library
//     vulnerabilities under.
//  3. Main module: SCALIBR keeps the version "(devel)"; we report an empty version, as Trivy
//     does: "(devel)" is not a version, and no advisory can match it.
TEST(GoBinaryPeers, ScalibrGobinary) {
  const json expected = LoadExpected("scalibr-gobinary");
  int compared = 0;
  for (const json& c : expected["cases"]) {
    const std::string fixture = c["fixture"];
    SCOPED_TRACE(c.value("case", "") + ": " + fixture);
    const inventory::LayerResult r = AnalyzeFile(fixture, ReadFileOrFail(GoData() / "scalibr-gobinary" / fixture));
    if (c["packages"].is_null()) {
      EXPECT_TRUE(r.package_dbs.empty());
      ++compared;
      continue;
    }
    NameVersions want;
    for (const json& p : c["packages"]) {
      std::string name = p["name"], version = p["version"];
      EXPECT_EQ(p["location"]["path"], fixture);
      if (name == "go") {
        name = "stdlib";  // difference 2
        version = "v" + version;
      } else if (version == "(devel)") {
        version = "";  // difference 3
      } else {
        version = "v" + version;  // difference 1
      }
      want.emplace(name, version);
    }
    ASSERT_EQ(r.package_dbs.size(), 1u);
    EXPECT_EQ(Ours(r), want) << "ours:\n" << Describe(Ours(r)) << "peer:\n" << Describe(want);
    ++compared;
  }
  EXPECT_EQ(compared, 4);
}

// SCALIBR's FileRequired table: paths it reads, with the peer's size limit where given.
// Named difference: files under 4 KiB are skipped (required=false for us) — no Go binary is that
// small (the runtime alone is ~1 MiB), and skipping them keeps the many executable shell scripts
// of an image from being read. The peer's own maxFileSizeBytes option has no counterpart in
// Wants() (the layer reader applies MaxFileSize(), 256 MiB, before reading).
TEST(GoBinaryPeers, ScalibrFileRequired) {
  const json expected = LoadExpected("scalibr-gobinary");
  auto analyzer = NewGoBinaryAnalyzer();
  for (const json& f : expected["file_required"]) {
    const std::string path = f["path"];
    const int64_t size = f.value("fileSizeBytes", int64_t{1} << 20);
    const FileInfo info{path, 0755, size};
    SCOPED_TRACE(path + " size " + std::to_string(size));
    if (size < 4096) {
      EXPECT_FALSE(analyzer->Wants(info));  // named difference
    } else {
      EXPECT_EQ(analyzer->Wants(info), f["required"].get<bool>());
    }
  }
  // A binary without execute bits is only wanted when it looks like a Windows executable.
  EXPECT_FALSE(analyzer->Wants({"usr/share/doc/x", 0644, 1 << 20}));
  EXPECT_TRUE(analyzer->Wants({"app/tool.exe", 0644, 1 << 20}));
  EXPECT_TRUE(analyzer->AnalyzesEachFile());
}

// Pre-1.18 pointer format (Go 1.15 test.elf) and 1.18+ inline format both decode; the toolchain
// version comes through raw.
TEST(GoBuildInfo, BothHeaderFormats) {
  auto old_format = ReadRawBuildInfo(ReadFileOrFail(GoData() / "trivy-parser-binary/testdata/test.elf"));
  ASSERT_TRUE(old_format.ok()) << old_format.error().message();
  EXPECT_EQ(old_format->version, "go1.15.2");
  EXPECT_NE(old_format->modinfo.find("dep\tgolang.org/x/xerrors\t"), std::string::npos);
  auto inline_format = ReadRawBuildInfo(ReadFileOrFail(GoData() / "trivy-parser-binary/testdata/goexperiment"));
  ASSERT_TRUE(inline_format.ok()) << inline_format.error().message();
  EXPECT_EQ(inline_format->version, "go1.22.1 X:loopvar");
  // Mach-O and PE.
  for (const char* f : {"binary_with_module_replacement-darwin-arm64", "binary_with_module_replacement-windows-amd64"}) {
    auto r = ReadRawBuildInfo(ReadFileOrFail(GoData() / "scalibr-gobinary/testdata" / f));
    ASSERT_TRUE(r.ok()) << f << ": " << r.error().message();
    EXPECT_EQ(r->version, "go1.22.0");
  }
}

TEST(GoBuildInfo, StdlibVersion) {
  EXPECT_EQ(StdlibVersion("go1.20.1"), "v1.20.1");
  EXPECT_EQ(StdlibVersion("go1.22.1 X:boringcrypto"), "v1.22.1");
  EXPECT_EQ(StdlibVersion("go1.22.1 X:loopvar,rangefunc"), "v1.22.1");
  EXPECT_EQ(StdlibVersion("go1.22.1+auto"), "v1.22.1");
  EXPECT_EQ(StdlibVersion("go1.20"), "v1.20.0");
  EXPECT_EQ(StdlibVersion("go1.21rc2"), "v1.21.0-rc.2");
  EXPECT_EQ(StdlibVersion("go1.18beta1"), "v1.18.0-beta.1");
  EXPECT_EQ(StdlibVersion("devel go1.23-e8ee1dc4f9 Fri Jun 7 2024"), "");
  EXPECT_EQ(StdlibVersion("go"), "");
  EXPECT_EQ(StdlibVersion("go1"), "");
  EXPECT_EQ(StdlibVersion(""), "");
  EXPECT_EQ(StdlibVersion("go1.2x"), "");
}

TEST(GoBuildInfo, VersionFromLdflags) {
  EXPECT_EQ(VersionFromLdflags("-w -X main.version=v1.0.0"), "v1.0.0");
  EXPECT_EQ(VersionFromLdflags("-s -w -X main.Version=1.2.3"), "v1.2.3");
  EXPECT_EQ(VersionFromLdflags("-X=github.com/x/y/internal/version.Version=2.0.0-rc.1"), "v2.0.0-rc.1");
  EXPECT_EQ(VersionFromLdflags("-X 'main.version=v1.4.0' -s"), "v1.4.0");
  EXPECT_EQ(VersionFromLdflags("-X main.commit=abc -X main.ver=0.3.1"), "v0.3.1");
  EXPECT_EQ(VersionFromLdflags("-X main.version=dev"), "");
  EXPECT_EQ(VersionFromLdflags("-X main.date=2024-01-01"), "");
  EXPECT_EQ(VersionFromLdflags("-X"), "");
  EXPECT_EQ(VersionFromLdflags(""), "");
}

TEST(GoBuildInfo, ModInfoReplacementsAndMalformedLines) {
  int bad = 0;
  const auto info = ParseModInfo("go1.21.5",
                                 "path\texample.com/app\n"
                                 "mod\texample.com/app\tv1.2.3\th1:abc=\n"
                                 "dep\tgolang.org/x/xerrors\tv0.0.0-20220907171357-04be3eba64a2\n"
                                 "=>\tgithub.com/golang/xerrors\tv0.0.0-20220907171357-04be3eba64a2\th1:x=\n"
                                 "dep\texample.com/local\tv0.1.0\n"
                                 "=>\t../local\t\t\n"
                                 "dep\tbroken\n"
                                 "=>\torphan\tv1.0.0\n"
                                 "build\t-ldflags=\"-X main.version=v9.9.9\"\n"
                                 "build\t\"key with space\"=value\n"
                                 "garbage\n",
                                 &bad);
  EXPECT_EQ(bad, 3);  // "dep\tbroken", the "=>" with nothing to replace, "garbage"
  EXPECT_EQ(info.path, "example.com/app");
  EXPECT_EQ(info.main.version, "v1.2.3");
  ASSERT_EQ(info.deps.size(), 2u);
  EXPECT_EQ(info.deps[0].replace_path, "github.com/golang/xerrors");
  EXPECT_EQ(info.deps[1].replace_path, "../local");
  ASSERT_EQ(info.settings.size(), 2u);
  EXPECT_EQ(info.settings[0], (std::pair<std::string, std::string>{"-ldflags", "-X main.version=v9.9.9"}));
  EXPECT_EQ(info.settings[1].first, "key with space");
}

// The reference images (../shared/tools/make-images.sh): app-go's /hello and /usr/local/bin/hello
// are built from make-images.d/go-hello with golang.org/x/net and x/text vendored. The expected
// modules are read from that go.mod, not restated here.
TEST(GoBinaryImages, AppGoBinaryHasTheGoModRequirements) {
  const fs::path images = SharedDir().parent_path() / "images" / "rootfs";
  const std::vector<fs::path> binaries = {images / "app-go_scratch/rootfs/hello",
                                          images / "app-go_bookworm/rootfs/usr/local/bin/hello"};
  if (!fs::exists(binaries[0])) GTEST_SKIP() << "reference images not unpacked at " << images;
  std::istringstream gomod(ReadFileOrFail(SharedDir() / "tools/make-images.d/go-hello/go.mod"));
  std::string module_path;
  NameVersions required;
  bool in_require = false;
  for (std::string line; std::getline(gomod, line);) {
    std::istringstream words(line);
    std::string a, b;
    words >> a >> b;
    if (a == "module") module_path = b;
    if (a == "require" && b == "(") in_require = true;
    else if (a == ")") in_require = false;
    else if (in_require && !a.empty()) required.emplace(a, b);
  }
  ASSERT_EQ(required.size(), 2u);  // x/net and x/text, as the image description says
  for (const fs::path& bin : binaries) {
    if (!fs::exists(bin)) continue;
    SCOPED_TRACE(bin.string());
    const inventory::LayerResult r = AnalyzeFile("hello", ReadFileOrFail(bin));
    const NameVersions ours = Ours(r);
    for (const auto& req : required) EXPECT_EQ(ours.count(req), 1u) << req.first << " " << req.second;
    EXPECT_EQ(ours.count({module_path, ""}), 1u);  // main module, built from a working tree
    EXPECT_EQ(std::count_if(ours.begin(), ours.end(), [](const auto& p) { return p.first == "stdlib"; }), 1);
    EXPECT_EQ(ours.size(), required.size() + 2);
  }
}

// Hostile input: truncations and byte corruptions of the real binaries (headers, section and
// program header tables, the build info blob and its pointers) must never crash, hang or read out
// of bounds (run under ASan). Any result is acceptable; most are errors.
TEST(GoBinaryHostile, CorruptedBinariesNeverCrash) {
  const std::vector<fs::path> fixtures = {GoData() / "trivy-parser-binary/testdata/test.elf",
                                          GoData() / "trivy-parser-binary/testdata/goexperiment",
                                          GoData() / "scalibr-gobinary/testdata/binary_with_module_replacement-darwin-arm64",
                                          GoData() / "scalibr-gobinary/testdata/binary_with_module_replacement-windows-amd64"};
  auto analyzer = NewGoBinaryAnalyzer();
  for (const fs::path& f : fixtures) {
    const std::string original = ReadFileOrFail(f);
    const size_t magic = original.find("\xff Go buildinf:");
    ASSERT_NE(magic, std::string::npos);
    std::vector<size_t> spots;
    for (size_t i = 0; i < 512 && i < original.size(); i += 3) spots.push_back(i);  // headers
    for (size_t i = 0; i < 48; ++i) spots.push_back(magic + i);                     // build info header
    for (size_t i = 0; i < 64; ++i) spots.push_back(original.size() - 1 - i * 37);  // ELF section table
    File file{"x", 0755, original};
    for (size_t spot : spots) {
      for (char value : {'\x00', '\xff', '\x7f', '\x80'}) {
        file.content[spot] = value;
        inventory::LayerResult out;
        analyzer->Analyze(std::span<const File>(&file, 1), out);
        file.content[spot] = original[spot];
      }
    }
    for (size_t len : {size_t{0}, size_t{3}, size_t{16}, size_t{63}, size_t{64}, size_t{200}, size_t{4096}, magic + 20,
                       magic + 40, original.size() / 2, original.size() - 1}) {
      File cut{"x", 0755, original.substr(0, std::min(len, original.size()))};
      inventory::LayerResult out;
      analyzer->Analyze(std::span<const File>(&cut, 1), out);
    }
  }
}

}  // namespace
}  // namespace hullscan::analyze
