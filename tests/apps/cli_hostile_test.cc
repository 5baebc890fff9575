// The binary on hostile images: each gives a clear error (exit 2) or a diagnostic (exit 0),
// with bounded memory, and writes nothing (no report file, no extracted files).
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "testing/image_builder.h"
#include "testing/testdata.h"

namespace hullscan {
namespace {

namespace fs = std::filesystem;
using testing::File;
using testing::Layer;
using testing::LayerSpec;
using testing::Symlink;

struct Outcome {
  int exit_code = -1;
  std::string out;       // stdout + stderr
  long max_rss_kib = 0;  // of the hullscan process
};

// Runs hullscan with `args` in `cwd`, capturing output and the child's peak RSS.
Outcome Hullscan(const std::vector<std::string>& args, const fs::path& cwd) {
  Outcome o;
  int pipefd[2];
  if (::pipe(pipefd) != 0) return o;
  pid_t pid = ::fork();
  if (pid == 0) {
    ::dup2(pipefd[1], 1);
    ::dup2(pipefd[1], 2);
    ::close(pipefd[0]);
    if (::chdir(cwd.c_str()) != 0) _exit(127);
    std::vector<char*> argv{const_cast<char*>(HULLSCAN_BIN)};
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    ::execv(HULLSCAN_BIN, argv.data());
    _exit(127);
  }
  ::close(pipefd[1]);
  char buf[4096];
  ssize_t n;
  while ((n = ::read(pipefd[0], buf, sizeof buf)) > 0) o.out.append(buf, static_cast<size_t>(n));
  ::close(pipefd[0]);
  int status = 0;
  struct rusage ru {};
  ::wait4(pid, &status, 0, &ru);
  o.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  o.max_rss_kib = ru.ru_maxrss;
  return o;
}

// Every file under `dir`, to prove a scan created none.
std::set<std::string> Tree(const fs::path& dir) {
  std::set<std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(dir)) out.insert(e.path().string());
  return out;
}

class CliHostileTest : public ::testing::Test {
 protected:
  // Scans `target` with --output into the temp dir; checks that nothing else appears there.
  Outcome Scan(const std::string& target, std::vector<std::string> extra = {}) {
    auto before = Tree(tmp_.path());
    std::vector<std::string> args{"sbom", target, "--format", "json", "--output", (tmp_.path() / "report.json").string()};
    args.insert(args.end(), extra.begin(), extra.end());
    Outcome o = Hullscan(args, tmp_.path());
    auto after = Tree(tmp_.path());
    if (o.exit_code == 0) {
      EXPECT_TRUE(after.erase((tmp_.path() / "report.json").string())) << "a successful scan writes its report";
      fs::remove(tmp_.path() / "report.json");
    }
    EXPECT_EQ(before, after) << "the scan must write nothing else (no extraction, no partial report)";
    return o;
  }
  fs::path Dir(const std::string& name) { return tmp_.path() / name; }
  testing::TempDir tmp_;
};

std::string OsRelease() { return "ID=alpine\nVERSION_ID=3.20.3\n"; }

TEST_F(CliHostileTest, PathTraversalEntryIsIgnoredWithAWarning) {
  testing::WriteOciLayout(Dir("img"), {Layer(testing::MakeTar({File("etc/os-release", OsRelease()),
                                                               File("../../../../tmp/hullscan-pwned", "x")}))});
  Outcome o = Scan("oci:" + Dir("img").string());
  EXPECT_EQ(o.exit_code, 0) << o.out;
  EXPECT_NE(o.out.find("path traversal"), std::string::npos) << o.out;
  EXPECT_FALSE(fs::exists("/tmp/hullscan-pwned"));
}

TEST_F(CliHostileTest, SymlinkLoopsDoNotHang) {
  testing::WriteOciLayout(Dir("img"), {Layer(testing::MakeTar({Symlink("etc/os-release", "os-release2"),
                                                               Symlink("etc/os-release2", "os-release"),
                                                               Symlink("usr/lib/os-release", "../../usr/lib/os-release")}))});
  Outcome o = Scan("oci:" + Dir("img").string());
  EXPECT_EQ(o.exit_code, 0) << o.out;
}

TEST_F(CliHostileTest, TruncatedLayerIsAnError) {
  std::string tar = testing::MakeTar({File("etc/os-release", OsRelease()), File("big", std::string(300000, 'z'))});
  LayerSpec layer = Layer(tar);
  std::string gz = testing::Gzip(tar);
  layer.blob = gz.substr(0, gz.size() / 2);
  testing::WriteOciLayout(Dir("img"), {layer});
  Outcome o = Scan("oci:" + Dir("img").string());
  EXPECT_EQ(o.exit_code, 2) << o.out;
  // The blob is shorter than its descriptor says: that, not the inflate error, is the root cause.
  EXPECT_NE(o.out.find("hullscan: error (digest mismatch): layer 1/1"), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("but its descriptor declares"), std::string::npos) << o.out;
}

TEST_F(CliHostileTest, DiffIdMismatchIsAnErrorNamingTheLayer) {
  LayerSpec layer = Layer(testing::MakeTar({File("etc/os-release", OsRelease())}));
  layer.diff_id = testing::Sha256Of("some other layer");
  testing::WriteOciLayout(Dir("img"), {layer});
  Outcome o = Scan("oci:" + Dir("img").string());
  EXPECT_EQ(o.exit_code, 2) << o.out;
  EXPECT_NE(o.out.find("digest mismatch"), std::string::npos) << o.out;
  EXPECT_NE(o.out.find(*layer.diff_id), std::string::npos) << o.out;
}

TEST_F(CliHostileTest, ManifestThatIsNotJson) {
  testing::WriteOciLayout(Dir("img"), {Layer(testing::MakeTar({File("etc/os-release", OsRelease())}))});
  testing::WriteFile(Dir("img") / "index.json", "<html>not json</html>");
  Outcome o = Scan("oci:" + Dir("img").string());
  EXPECT_EQ(o.exit_code, 2) << o.out;
  EXPECT_NE(o.out.find("not valid JSON"), std::string::npos) << o.out;
}

TEST_F(CliHostileTest, MissingBlob) {
  std::string tar = testing::MakeTar({File("etc/os-release", OsRelease())});
  testing::WriteOciLayout(Dir("img"), {Layer(tar)});
  fs::remove(Dir("img") / "blobs/sha256" / testing::Sha256Of(testing::Gzip(tar)).substr(7));
  Outcome o = Scan("oci:" + Dir("img").string());
  EXPECT_EQ(o.exit_code, 2) << o.out;
  EXPECT_NE(o.out.find("missing"), std::string::npos) << o.out;
}

// 160 gzip members of 64 MiB of zeros: a 10 GiB expansion from ~10 MB, inside one tar entry that
// claims 10 GiB. The scan must stop at --max-layer-size with a clear error and stay small.
TEST_F(CliHostileTest, DecompressionBombIsStoppedWithBoundedMemory) {
  std::string bomb = testing::Gzip(testing::HugeFileHeader("var/log/lastlog", uint64_t{10} << 30)) +
                     testing::ZeroBomb(160);
  LayerSpec layer = Layer("");  // the stored blob is the bomb; its digest is the bomb's own
  layer.compression = LayerSpec::Compression::kNone;
  layer.tar = bomb;
  testing::WriteOciLayout(Dir("img"), {layer});
  Outcome o = Scan("oci:" + Dir("img").string(), {"--max-layer-size", "512MiB"});
  EXPECT_EQ(o.exit_code, 2) << o.out;
  EXPECT_NE(o.out.find("limit exceeded"), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("expands beyond"), std::string::npos) << o.out;
  // Streaming means memory does not grow with the expansion; 256 MiB leaves room for sanitizer builds.
  EXPECT_LT(o.max_rss_kib, 256 * 1024) << "peak RSS " << o.max_rss_kib << " KiB";
}

TEST_F(CliHostileTest, FailedScanLeavesAnExistingReportUntouched) {
  testing::WriteFile(Dir("img") / "index.json", "{");
  testing::WriteFile(Dir("img") / "oci-layout", R"({"imageLayoutVersion":"1.0.0"})");
  testing::WriteFile(Dir("old.json"), "previous report");
  Outcome o = Hullscan({"sbom", "oci:" + Dir("img").string(), "-f", "json", "-o", Dir("old.json").string()}, tmp_.path());
  EXPECT_EQ(o.exit_code, 2);
  EXPECT_EQ(testing::ReadFileOrFail(Dir("old.json")), "previous report");
}

// `-o` naming something that is not a regular file (a FIFO here; /dev/null in practice) is written
// in place: the atomic temp-file-and-rename would replace it with a regular file.
TEST(CliOutputTest, OutputToAFifoKeepsTheFifo) {
  testing::TempDir tmp;
  fs::path rootfs = tmp.path() / "rootfs";
  fs::create_directories(rootfs);
  fs::path fifo = tmp.path() / "report.fifo";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  // Hold the FIFO open read-write (never blocks on Linux), so hullscan's open for writing does not
  // wait for a reader; the small report fits the pipe buffer. Had the FIFO been renamed over,
  // nothing arrives here and the test fails instead of hanging.
  int fd = ::open(fifo.c_str(), O_RDWR | O_NONBLOCK);
  ASSERT_GE(fd, 0);
  Outcome o = Hullscan({"sbom", "dir:" + rootfs.string(), "-f", "json", "-o", fifo.string()}, tmp.path());
  std::string received;
  char buf[4096];
  for (ssize_t n; (n = ::read(fd, buf, sizeof buf)) > 0;) received.append(buf, static_cast<size_t>(n));
  ::close(fd);
  EXPECT_EQ(o.exit_code, 0) << o.out;
  EXPECT_TRUE(fs::is_fifo(fifo));
  EXPECT_NE(received.find("\"schema_version\""), std::string::npos) << received.substr(0, 200);
}

// `hullscan version compare|satisfies` through the real argument parser; the vectors behind the
// schemes are tested in tests/version.
TEST(CliVersionTest, CompareAndSatisfies) {
  testing::TempDir tmp;
  // apt-versions.lst: "1:0.4 10.3 1" (the epoch dominates); range-exclude.js: "^1.2.3 1.2.3-beta".
  Outcome lt = Hullscan({"version", "compare", "dpkg", "1:0.4", "10.3"}, tmp.path());
  EXPECT_EQ(lt.exit_code, 0);
  EXPECT_EQ(lt.out, ">\n");
  Outcome sat = Hullscan({"version", "satisfies", "npm", "1.2.3-beta", "^1.2.3"}, tmp.path());
  EXPECT_EQ(sat.exit_code, 0);
  EXPECT_EQ(sat.out, "false\n");
  Outcome bad = Hullscan({"version", "compare", "pep440", "not a version", "1.0"}, tmp.path());
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.out.find("invalid"), std::string::npos) << bad.out;
  Outcome unknown = Hullscan({"version", "compare", "nosuchscheme", "1", "2"}, tmp.path());
  EXPECT_EQ(unknown.exit_code, 2);
}

}  // namespace
}  // namespace hullscan
