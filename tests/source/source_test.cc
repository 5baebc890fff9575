#include "source/source.h"

#include <gtest/gtest.h>

#include <fstream>

#include "testing/image_builder.h"
#include "testing/testdata.h"

namespace hullscan::source {
namespace {

using testing::File;
using testing::LayerSpec;

std::vector<LayerSpec> TwoLayers() {
  LayerSpec base = testing::Layer(testing::MakeTar({File("etc/os-release", "ID=debian\nVERSION_ID=\"12\"\n")}));
  LayerSpec top = testing::Layer(testing::MakeTar({File("app/main.py", "print('hi')\n")}), LayerSpec::Compression::kZstd);
  return {base, top};
}

Result<std::unique_ptr<Image>> Open(const std::string& target) {
  HS_ASSIGN_OR_RETURN(Target t, ParseTarget(target));
  return OpenImage(t, {});
}

// Reads a layer whole (stored bytes) to check the source hands out the right blob.
std::string ReadLayer(const Image& image, size_t i) {
  auto r = image.OpenLayer(i);
  EXPECT_TRUE(r.ok());
  return *io::ReadAll(**r, 1 << 30);
}

TEST(ParseTargetTest, PrefixesAndDetection) {
  testing::TempDir dir;
  testing::WriteOciLayout(dir.path() / "layout", TwoLayers(), "v1");
  testing::WriteDockerArchive(dir.path() / "image.tar", TwoLayers());
  testing::TarDirectory(dir.path() / "layout", dir.path() / "oci.tar");
  std::filesystem::create_directories(dir.path() / "rootfs/etc");

  auto t = ParseTarget("oci:" + (dir.path() / "layout").string() + ":v1");
  ASSERT_TRUE(t.ok()) << t.error().message();
  EXPECT_EQ(t->kind, TargetKind::kOciLayout);
  EXPECT_EQ(t->ref, "v1");
  EXPECT_EQ(t->path, (dir.path() / "layout").string());

  EXPECT_EQ(ParseTarget((dir.path() / "layout").string())->kind, TargetKind::kOciLayout);
  EXPECT_EQ(ParseTarget((dir.path() / "image.tar").string())->kind, TargetKind::kDockerArchive);
  EXPECT_EQ(ParseTarget((dir.path() / "oci.tar").string())->kind, TargetKind::kOciArchive);
  EXPECT_EQ(ParseTarget((dir.path() / "rootfs").string())->kind, TargetKind::kRootfs);
  EXPECT_EQ(ParseTarget("dir:" + (dir.path() / "rootfs").string())->kind, TargetKind::kRootfs);
  EXPECT_EQ(ParseTarget("docker-archive:" + (dir.path() / "image.tar").string() + ":example/test:latest")->ref,
            "example/test:latest");
  EXPECT_EQ(ParseTarget((dir.path() / "nope").string()).error().code(), ErrorCode::kNotFound);
  testing::WriteFile(dir.path() / "notatar", "just text, not an archive");
  EXPECT_EQ(ParseTarget((dir.path() / "notatar").string()).error().code(), ErrorCode::kInvalidArgument);
}

TEST(OciLayoutTest, OpensAllThreeFormsAlike) {
  testing::TempDir dir;
  auto specs = TwoLayers();
  std::string manifest_digest = testing::WriteOciLayout(dir.path() / "layout", specs, "v1");
  testing::TarDirectory(dir.path() / "layout", dir.path() / "oci.tar");
  testing::WriteDockerArchive(dir.path() / "docker.tar", specs);

  for (std::string target : {"oci:" + (dir.path() / "layout").string(), "oci-archive:" + (dir.path() / "oci.tar").string(),
                             "docker-archive:" + (dir.path() / "docker.tar").string()}) {
    SCOPED_TRACE(target);
    auto image = Open(target);
    ASSERT_TRUE(image.ok()) << image.error().message();
    ASSERT_EQ((*image)->layers().size(), 2u);
    EXPECT_EQ((*image)->layers()[0].diff_id.ToString(), testing::Sha256Of(specs[0].tar));
    EXPECT_EQ((*image)->layers()[1].diff_id.ToString(), testing::Sha256Of(specs[1].tar));
    EXPECT_EQ((*image)->artifact().os, "linux");
    EXPECT_EQ((*image)->artifact().architecture, "amd64");
    EXPECT_EQ((*image)->config().config.user, "0");
    EXPECT_FALSE((*image)->artifact().config_digest.empty());
    ASSERT_EQ((*image)->artifact().layers.size(), 2u);
    EXPECT_FALSE((*image)->layers()[0].created_by.empty());
    if (target.starts_with("docker-archive")) {
      // skopeo-style docker-archives store layers uncompressed.
      EXPECT_EQ(ReadLayer(**image, 0), specs[0].tar);
      EXPECT_EQ((*image)->artifact().repo_tags, std::vector<std::string>{"example/test:latest"});
    } else {
      EXPECT_EQ((*image)->artifact().manifest_digest, manifest_digest);
      EXPECT_EQ(ReadLayer(**image, 0), testing::Gzip(specs[0].tar));
      EXPECT_EQ((*image)->artifact().repo_tags, std::vector<std::string>{"v1"});
    }
  }
}

TEST(OciLayoutTest, RefSelection) {
  testing::TempDir dir;
  testing::WriteOciLayout(dir.path(), TwoLayers(), "v1");
  EXPECT_TRUE(Open("oci:" + dir.path().string() + ":v1").ok());
  auto missing = Open("oci:" + dir.path().string() + ":v2");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code(), ErrorCode::kNotFound);
  EXPECT_NE(missing.error().message().find("v1"), std::string::npos) << "should list the refs on offer";
}

// Rewrites the blob of `digest` in an OCI layout (for tampering tests).
void Tamper(const std::filesystem::path& layout, const std::string& digest, const std::string& content) {
  testing::WriteFile(layout / "blobs/sha256" / digest.substr(7), content);
}

std::string IndexManifestDigest(const std::filesystem::path& layout) {
  std::string index = testing::ReadFileOrFail(layout / "index.json");
  auto pos = index.find("sha256:");
  return index.substr(pos, 71);
}

TEST(OciLayoutTest, ManifestDigestMismatchNamesTheBlob) {
  testing::TempDir dir;
  testing::WriteOciLayout(dir.path(), TwoLayers());
  std::string digest = IndexManifestDigest(dir.path());
  std::string manifest = testing::ReadFileOrFail(dir.path() / "blobs/sha256" / digest.substr(7));
  manifest[manifest.size() - 2] = ' ';  // same size, other content
  Tamper(dir.path(), digest, manifest);
  auto image = Open("oci:" + dir.path().string());
  ASSERT_FALSE(image.ok());
  EXPECT_EQ(image.error().code(), ErrorCode::kDigestMismatch);
  EXPECT_NE(image.error().message().find(digest), std::string::npos) << image.error().message();
}

TEST(OciLayoutTest, ConfigDigestMismatch) {
  testing::TempDir dir;
  testing::WriteOciLayout(dir.path(), TwoLayers());
  std::string manifest = testing::ReadFileOrFail(dir.path() / "blobs/sha256" / IndexManifestDigest(dir.path()).substr(7));
  auto pos = manifest.find("sha256:");
  std::string config_digest = manifest.substr(pos, 71);
  std::string config = testing::ReadFileOrFail(dir.path() / "blobs/sha256" / config_digest.substr(7));
  config.replace(config.find("\"0\""), 3, "\"1\"");  // USER 0 → 1: a tampered config
  Tamper(dir.path(), config_digest, config);
  auto image = Open("oci:" + dir.path().string());
  ASSERT_FALSE(image.ok());
  EXPECT_EQ(image.error().code(), ErrorCode::kDigestMismatch);
  EXPECT_NE(image.error().message().find(config_digest), std::string::npos);
}

TEST(OciLayoutTest, MissingLayerBlob) {
  testing::TempDir dir;
  auto specs = TwoLayers();
  testing::WriteOciLayout(dir.path(), specs);
  std::string blob = testing::Sha256Of(testing::Zstd(specs[1].tar));
  std::filesystem::remove(dir.path() / "blobs/sha256" / blob.substr(7));
  auto image = Open("oci:" + dir.path().string());
  ASSERT_FALSE(image.ok());
  EXPECT_EQ(image.error().code(), ErrorCode::kNotFound);
  EXPECT_NE(image.error().message().find(blob), std::string::npos) << image.error().message();
}

TEST(OciLayoutTest, MalformedDocuments) {
  testing::TempDir dir;
  testing::WriteOciLayout(dir.path(), TwoLayers());
  testing::WriteFile(dir.path() / "index.json", "{not json");
  auto bad_index = Open("oci:" + dir.path().string());
  ASSERT_FALSE(bad_index.ok());
  EXPECT_EQ(bad_index.error().code(), ErrorCode::kCorrupt);
  EXPECT_NE(bad_index.error().message().find("index.json"), std::string::npos);

  // A manifest that is not JSON, with a matching digest (so only parsing can catch it).
  testing::TempDir dir2;
  testing::WriteOciLayout(dir2.path(), TwoLayers());
  std::string junk = "this is not a manifest";
  std::string junk_digest = testing::Sha256Of(junk);
  Tamper(dir2.path(), junk_digest, junk);
  testing::WriteFile(dir2.path() / "index.json",
                     R"({"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":")" +
                         junk_digest + R"(","size":)" + std::to_string(junk.size()) + "}]}");
  auto bad_manifest = Open("oci:" + dir2.path().string());
  ASSERT_FALSE(bad_manifest.ok());
  EXPECT_EQ(bad_manifest.error().code(), ErrorCode::kCorrupt);
  EXPECT_NE(bad_manifest.error().message().find(junk_digest), std::string::npos) << bad_manifest.error().message();
}

TEST(OciLayoutTest, PlatformSelectionFromNestedIndex) {
  testing::TempDir dir;
  testing::WriteOciLayout(dir.path(), TwoLayers());
  std::string amd64 = IndexManifestDigest(dir.path());
  auto amd64_size = std::filesystem::file_size(dir.path() / "blobs/sha256" / amd64.substr(7));
  // A second "platform" pointing at the same manifest, and a nested index over both.
  std::string nested = R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[)"
                       R"({"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":")" + amd64 +
                       R"(","size":)" + std::to_string(amd64_size) +
                       R"(,"platform":{"os":"linux","architecture":"arm64","variant":"v8"}},)"
                       R"({"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":")" + amd64 +
                       R"(","size":)" + std::to_string(amd64_size) +
                       R"(,"platform":{"os":"linux","architecture":"amd64"}}]})";
  std::string nested_digest = testing::Sha256Of(nested);
  Tamper(dir.path(), nested_digest, nested);
  testing::WriteFile(dir.path() / "index.json",
                     R"({"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.index.v1+json","digest":")" +
                         nested_digest + R"(","size":)" + std::to_string(nested.size()) + "}]}");
  auto t = ParseTarget("oci:" + dir.path().string());
  ASSERT_TRUE(t.ok());
  OpenOptions arm;
  arm.platform = *oci::Platform::Parse("linux/arm64");
  EXPECT_TRUE(OpenImage(*t, arm).ok());
  OpenOptions s390;
  s390.platform = *oci::Platform::Parse("linux/s390x");
  auto none = OpenImage(*t, s390);
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error().code(), ErrorCode::kNotFound);
  EXPECT_NE(none.error().message().find("linux/arm64/v8"), std::string::npos) << none.error().message();
}

TEST(DockerArchiveTest, LayerPathTraversalIsRefused) {
  testing::TempDir dir;
  std::string config = R"({"os":"linux","architecture":"amd64","rootfs":{"type":"layers","diff_ids":[")" +
                       testing::Sha256Of("x") + R"("]}})";
  testing::WriteFile(dir.path() / "evil.tar",
                     testing::MakeTar({File("c.json", config),
                                       File("manifest.json", R"([{"Config":"c.json","Layers":["../../etc/passwd"]}])")}));
  auto image = Open("docker-archive:" + (dir.path() / "evil.tar").string());
  ASSERT_FALSE(image.ok());
  EXPECT_EQ(image.error().code(), ErrorCode::kCorrupt);
  EXPECT_NE(image.error().message().find("escapes"), std::string::npos);
}

TEST(DockerArchiveTest, ConfigNamedByDigestIsVerified) {
  testing::TempDir dir;
  std::string config = R"({"os":"linux","architecture":"amd64","rootfs":{"type":"layers","diff_ids":[]}})";
  std::string wrong_name = testing::Sha256Of("something else").substr(7) + ".json";
  testing::WriteFile(dir.path() / "t.tar",
                     testing::MakeTar({File(wrong_name, config),
                                       File("manifest.json", R"([{"Config":")" + wrong_name + R"(","Layers":[]}])")}));
  auto image = Open("docker-archive:" + (dir.path() / "t.tar").string());
  ASSERT_FALSE(image.ok());
  EXPECT_EQ(image.error().code(), ErrorCode::kDigestMismatch);
}

TEST(DockerArchiveTest, TruncatedArchive) {
  testing::TempDir dir;
  testing::WriteDockerArchive(dir.path() / "full.tar", TwoLayers());
  std::string full = testing::ReadFileOrFail(dir.path() / "full.tar");
  testing::WriteFile(dir.path() / "cut.tar", full.substr(0, full.size() / 3));
  auto t = ParseTarget("docker-archive:" + (dir.path() / "cut.tar").string());
  ASSERT_TRUE(t.ok());
  auto image = OpenImage(*t, {});
  EXPECT_FALSE(image.ok());
}

}  // namespace
}  // namespace hullscan::source
