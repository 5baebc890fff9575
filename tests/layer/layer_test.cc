#include "layer/layer.h"

#include <gtest/gtest.h>

#include <map>

#include "testing/image_builder.h"
#include "testing/testdata.h"

namespace hullscan::layer {
namespace {

using testing::Dir;
using testing::File;
using testing::Symlink;

// Records everything a walk reports; wants files whose path ends in "release" or "status".
class Recorder : public Consumer {
 public:
  int64_t limit = 1 << 20;
  std::vector<std::string> entries;
  std::map<std::string, std::string> contents;
  std::vector<std::string> whiteouts, opaque;
  std::vector<std::string> diagnostics;

  void OnEntry(const EntryInfo& e) override { entries.emplace_back(e.path); }
  int64_t WantedContentLimit(const EntryInfo& f) override {
    return f.path.ends_with("release") || f.path.ends_with("status") ? limit : -1;
  }
  void OnFileContent(const EntryInfo& f, std::string content) override { contents[std::string(f.path)] = content; }
  void OnWhiteout(std::string_view path, bool is_opaque) override {
    (is_opaque ? opaque : whiteouts).emplace_back(path);
  }
  void OnDiagnostic(std::string_view path, std::string message) override {
    diagnostics.push_back(std::string(path) + ": " + message);
  }
};

Status Walk(const std::string& stored, const std::optional<Digest>& digest, const Digest& diff_id, Recorder& rec,
            Limits limits = {}) {
  HS_ASSIGN_OR_RETURN(auto stream, OpenLayerStream(io::NewStringReader(stored), digest,
                                                   static_cast<int64_t>(stored.size()), diff_id, limits));
  Status walked = WalkTar(*stream, rec, limits);
  if (!walked.ok()) return stream->Explain(std::move(walked).error());
  return walked;
}

Digest D(const std::string& data) { return Sha256::Of(data); }

TEST(LayerTest, EntriesWhiteoutsAndWantedContent) {
  std::string tar = testing::MakeTar({Dir("etc"), File("etc/os-release", "ID=alpine\n"),
                                      File("var/lib/dpkg/.wh.status", ""), File("usr/share/doc/.wh..wh..opq", ""),
                                      File("etc/.wh..wh.plnk", ""),  // aufs metadata: ignored
                                      Symlink("usr/lib/os-release", "../../etc/os-release"),
                                      File("etc/hostname", "box\n")});
  std::string gz = testing::Gzip(tar);
  Recorder rec;
  Status s = Walk(gz, D(gz), D(tar), rec);
  ASSERT_TRUE(s.ok()) << s.error().message();
  EXPECT_EQ(rec.contents, (std::map<std::string, std::string>{{"etc/os-release", "ID=alpine\n"}}));
  EXPECT_EQ(rec.whiteouts, std::vector<std::string>{"var/lib/dpkg/status"});
  EXPECT_EQ(rec.opaque, std::vector<std::string>{"usr/share/doc"});
  EXPECT_EQ(rec.entries, (std::vector<std::string>{"etc", "etc/os-release", "usr/lib/os-release", "etc/hostname"}));
  EXPECT_TRUE(rec.diagnostics.empty());
}

TEST(LayerTest, PathTraversalEntriesAreIgnoredWithADiagnostic) {
  std::string tar = testing::MakeTar({File("../../etc/os-release", "evil"), File("/etc/os-release", "ID=ok\n"),
                                      File("a/../../../var/lib/dpkg/status", "evil")});
  Recorder rec;
  ASSERT_TRUE(Walk(tar, std::nullopt, D(tar), rec).ok());
  // The absolute path is fine (it means the root); the climbing ones never reach a consumer.
  EXPECT_EQ(rec.contents, (std::map<std::string, std::string>{{"etc/os-release", "ID=ok\n"}}));
  ASSERT_EQ(rec.diagnostics.size(), 2u);
  EXPECT_NE(rec.diagnostics[0].find("path traversal"), std::string::npos);
}

TEST(LayerTest, OversizedWantedFileIsADiagnostic) {
  std::string tar = testing::MakeTar({File("var/lib/dpkg/status", std::string(5000, 's'))});
  Recorder rec;
  rec.limit = 4096;
  ASSERT_TRUE(Walk(tar, std::nullopt, D(tar), rec).ok());
  EXPECT_TRUE(rec.contents.empty());
  ASSERT_EQ(rec.diagnostics.size(), 1u);
  EXPECT_NE(rec.diagnostics[0].find("exceeds"), std::string::npos);
}

TEST(LayerTest, ZstdLayer) {
  std::string tar = testing::MakeTar({File("etc/alpine-release", "3.19.1\n")});
  std::string z = testing::Zstd(tar);
  Recorder rec;
  ASSERT_TRUE(Walk(z, D(z), D(tar), rec).ok());
  EXPECT_EQ(rec.contents["etc/alpine-release"], "3.19.1\n");
}

TEST(LayerTest, BlobDigestMismatchNamesTheBlob) {
  std::string tar = testing::MakeTar({File("etc/os-release", "ID=debian\n")});
  std::string gz = testing::Gzip(tar);
  Digest claimed = D("another blob");
  Recorder rec;
  Status s = Walk(gz, claimed, D(tar), rec);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code(), ErrorCode::kDigestMismatch);
  EXPECT_NE(s.error().message().find("layer blob " + claimed.ToString()), std::string::npos) << s.error().message();
}

TEST(LayerTest, DiffIdMismatchNamesTheLayer) {
  std::string tar = testing::MakeTar({File("etc/os-release", "ID=debian\n")});
  std::string gz = testing::Gzip(tar);
  Digest claimed = D("another tar");
  Recorder rec;
  Status s = Walk(gz, D(gz), claimed, rec);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code(), ErrorCode::kDigestMismatch);
  EXPECT_NE(s.error().message().find(claimed.ToString()), std::string::npos) << s.error().message();
}

TEST(LayerTest, TamperedCompressedBlobIsReportedAsDigestMismatch) {
  // The flipped byte breaks inflation long before the blob's digest could be checked; the error
  // must still name the real cause: the blob does not match its digest.
  std::string tar = testing::MakeTar({File("var/lib/dpkg/status", std::string(300000, 'p')), File("etc/os-release", "x")});
  std::string gz = testing::Gzip(tar);
  Digest digest = D(gz);
  gz[gz.size() / 2] ^= 0x20;
  Recorder rec;
  Status s = Walk(gz, digest, D(tar), rec);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code(), ErrorCode::kDigestMismatch) << s.error().message();
  EXPECT_NE(s.error().message().find(digest.ToString()), std::string::npos) << s.error().message();
}

TEST(LayerTest, TamperedUncompressedLayerWithoutBlobDigestNamesTheDiffId) {
  // docker-archive: layers stored as plain tar, checked only against the config's diff_id.
  std::string tar = testing::MakeTar({File("etc/os-release", "ID=debian\n"), File("var/lib/dpkg/status", "x")});
  Digest diff_id = D(tar);
  std::string tampered = tar;
  tampered[100] ^= 0x01;  // inside the first header: breaks its checksum
  Recorder rec;
  Status s = Walk(tampered, std::nullopt, diff_id, rec);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code(), ErrorCode::kDigestMismatch) << s.error().message();
  EXPECT_NE(s.error().message().find(diff_id.ToString()), std::string::npos) << s.error().message();
}

TEST(LayerTest, TruncatedGzipLayerIsCorrupt) {
  std::string tar = testing::MakeTar({File("etc/os-release", "ID=debian\n"), File("big", std::string(200000, 'x'))});
  std::string gz = testing::Gzip(tar);
  std::string cut = gz.substr(0, gz.size() / 2);
  Recorder rec;
  Status s = Walk(cut, std::nullopt, D(tar), rec);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code(), ErrorCode::kCorrupt) << s.error().message();
}

TEST(LayerTest, TruncatedTarIsAnError) {
  std::string tar = testing::MakeTar({File("var/lib/dpkg/status", std::string(300000, 'p'))});
  std::string cut = tar.substr(0, 100000);
  Recorder rec;
  Status s = Walk(cut, std::nullopt, D(cut), rec);
  ASSERT_FALSE(s.ok());
  EXPECT_TRUE(rec.contents.empty());
}

TEST(LayerTest, ZerosAfterEndOfArchiveAreRefusedEarly) {
  // 160 × 64 MiB = 10 GiB of zeros: the tar ends at the first two zero blocks, and the walk
  // stops once the tail passes 1 MiB instead of inflating all of it.
  std::string bomb = testing::ZeroBomb(160);
  Recorder rec;
  Status s = Walk(bomb, std::nullopt, D("whatever"), rec);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code(), ErrorCode::kLimitExceeded);
  EXPECT_NE(s.error().message().find("after the end of the tar archive"), std::string::npos) << s.error().message();
}

TEST(LayerTest, DecompressionBombInsideAnEntryHitsTheLayerLimit) {
  // One entry claiming 10 GiB, its data an endless stream of zeros: bounded by max_layer_bytes.
  std::string stored = testing::Gzip(testing::HugeFileHeader("var/log/lastlog", uint64_t{10} << 30)) + testing::ZeroBomb(16);
  Recorder rec;
  Limits limits;
  limits.max_layer_bytes = uint64_t{256} << 20;
  Status s = Walk(stored, std::nullopt, D("whatever"), rec, limits);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code(), ErrorCode::kLimitExceeded);
  EXPECT_NE(s.error().message().find("expands beyond"), std::string::npos) << s.error().message();
}

TEST(WalkDirectoryTest, WalksWithoutFollowingSymlinks) {
  testing::TempDir dir;
  testing::WriteFile(dir.path() / "etc/os-release", "ID=debian\n");
  testing::WriteFile(dir.path() / "var/lib/dpkg/status", "Package: x\n");
  std::filesystem::create_symlink("loop2", dir.path() / "loop1");
  std::filesystem::create_symlink("loop1", dir.path() / "loop2");
  std::filesystem::create_directory_symlink("/", dir.path() / "hostroot");  // must not be followed
  std::filesystem::create_symlink("/etc/os-release", dir.path() / "usr-os-release");
  Recorder rec;
  Status s = WalkDirectory(dir.path(), rec, {});
  ASSERT_TRUE(s.ok()) << s.error().message();
  EXPECT_EQ(rec.contents, (std::map<std::string, std::string>{{"etc/os-release", "ID=debian\n"},
                                                               {"var/lib/dpkg/status", "Package: x\n"}}));
  EXPECT_NE(std::find(rec.entries.begin(), rec.entries.end(), "hostroot"), rec.entries.end());
  for (const auto& e : rec.entries) EXPECT_FALSE(e.starts_with("hostroot/")) << e;
}

}  // namespace
}  // namespace hullscan::layer
