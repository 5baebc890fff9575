#include "testing/image_builder.h"

#include <archive.h>
#include <archive_entry.h>
#include <gtest/gtest.h>
#include <zlib.h>
#include <zstd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>

#include "base/digest.h"

namespace hullscan::testing {

namespace {

la_ssize_t AppendCb(archive*, void* out, const void* buf, size_t n) {
  static_cast<std::string*>(out)->append(static_cast<const char*>(buf), n);
  return static_cast<la_ssize_t>(n);
}

}  // namespace

std::string MakeTar(const std::vector<TarMember>& members) {
  std::string out;
  archive* a = archive_write_new();
  archive_write_set_format_pax_restricted(a);
  archive_write_set_bytes_in_last_block(a, 1);
  archive_write_open(a, &out, nullptr, &AppendCb, nullptr);
  for (const auto& m : members) {
    archive_entry* e = archive_entry_new();
    archive_entry_set_pathname(e, m.path.c_str());
    archive_entry_set_perm(e, m.mode);
    archive_entry_set_mtime(e, 1704067200, 0);
    switch (m.kind) {
      case TarMember::Kind::kFile:
        archive_entry_set_filetype(e, AE_IFREG);
        archive_entry_set_size(e, static_cast<la_int64_t>(m.content.size()));
        break;
      case TarMember::Kind::kDir: archive_entry_set_filetype(e, AE_IFDIR); break;
      case TarMember::Kind::kSymlink:
        archive_entry_set_filetype(e, AE_IFLNK);
        archive_entry_set_symlink(e, m.link.c_str());
        break;
      case TarMember::Kind::kHardlink:
        archive_entry_set_filetype(e, AE_IFREG);
        archive_entry_set_hardlink(e, m.link.c_str());
        break;
    }
    EXPECT_EQ(archive_write_header(a, e), ARCHIVE_OK) << archive_error_string(a);
    if (m.kind == TarMember::Kind::kFile && !m.content.empty())
      archive_write_data(a, m.content.data(), m.content.size());
    archive_entry_free(e);
  }
  archive_write_close(a);
  archive_write_free(a);
  return out;
}

std::string HugeFileHeader(const std::string& name, uint64_t size) {
  std::string h(512, '\0');
  name.copy(h.data(), std::min<size_t>(name.size(), 100));
  std::string("0000644").copy(&h[100], 7);
  std::string("0000000").copy(&h[108], 7);
  std::string("0000000").copy(&h[116], 7);
  h[124] = static_cast<char>(0x80);  // GNU base-256 size
  for (int i = 0; i < 8; ++i) h[135 - i] = static_cast<char>((size >> (8 * i)) & 0xff);
  std::string("00000000000").copy(&h[136], 11);
  h[156] = '0';
  std::string("ustar  ").copy(&h[257], 7);  // GNU magic
  std::fill(h.begin() + 148, h.begin() + 156, ' ');
  unsigned sum = 0;
  for (unsigned char c : h) sum += c;
  char chk[8];
  std::snprintf(chk, sizeof chk, "%06o", sum);
  std::string(chk, 6).copy(&h[148], 6);
  h[154] = '\0';
  return h;
}

std::string ZeroBomb(int members) {
  std::string one = Gzip(std::string(size_t{64} << 20, '\0'));
  std::string out;
  for (int i = 0; i < members; ++i) out += one;
  return out;
}

std::string Gzip(const std::string& data) {
  z_stream z{};
  deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
  std::string out(deflateBound(&z, data.size()) + 64, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(deflate(&z, Z_FINISH), Z_STREAM_END);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

std::string Zstd(const std::string& data) {
  std::string out(ZSTD_compressBound(data.size()), '\0');
  size_t n = ZSTD_compress(out.data(), out.size(), data.data(), data.size(), 3);
  EXPECT_FALSE(ZSTD_isError(n));
  out.resize(n);
  return out;
}

std::string Sha256Of(const std::string& data) { return Sha256::Of(data).ToString(); }

void WriteFile(const std::filesystem::path& path, const std::string& data) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << data;
  ASSERT_TRUE(out.good()) << path;
}

namespace {

struct BuiltLayer {
  std::string blob, blob_digest, diff_id, media_type;
  size_t declared_size = 0;  // of the genuine blob, as the manifest declares it
};

BuiltLayer Build(const LayerSpec& l) {
  BuiltLayer b;
  switch (l.compression) {
    case LayerSpec::Compression::kNone:
      b.blob = l.tar;
      b.media_type = "application/vnd.oci.image.layer.v1.tar";
      break;
    case LayerSpec::Compression::kGzip:
      b.blob = Gzip(l.tar);
      b.media_type = "application/vnd.oci.image.layer.v1.tar+gzip";
      break;
    case LayerSpec::Compression::kZstd:
      b.blob = Zstd(l.tar);
      b.media_type = "application/vnd.oci.image.layer.v1.tar+zstd";
      break;
  }
  b.blob_digest = Sha256Of(b.blob);
  b.declared_size = b.blob.size();
  b.diff_id = l.diff_id.value_or(Sha256Of(l.tar));
  if (l.blob) b.blob = *l.blob;  // corrupt the stored bytes, keeping the descriptor
  return b;
}

std::string ConfigJson(const std::vector<BuiltLayer>& layers, const std::string& extra) {
  std::string ids, history;
  for (const auto& l : layers) {
    ids += (ids.empty() ? "" : ",") + std::string("\"") + l.diff_id + "\"";
    history += (history.empty() ? "" : ",") + std::string(R"({"created_by":"layer )") + l.diff_id.substr(7, 8) + "\"}";
  }
  return R"({"architecture":"amd64","os":"linux","created":"2024-01-01T00:00:00Z",)" + extra +
         R"("config":{"User":"0"},"rootfs":{"type":"layers","diff_ids":[)" + ids + R"(]},"history":[)" + history + "]}";
}

std::string Hex(const std::string& digest) { return digest.substr(7); }

}  // namespace

std::string WriteOciLayout(const std::filesystem::path& dir, const std::vector<LayerSpec>& specs,
                           const std::string& ref, const std::string& config_extra_json) {
  std::vector<BuiltLayer> layers;
  for (const auto& s : specs) layers.push_back(Build(s));
  std::string config = ConfigJson(layers, config_extra_json);
  std::string layer_descs;
  for (const auto& l : layers) {
    WriteFile(dir / "blobs/sha256" / Hex(l.blob_digest), l.blob);
    layer_descs += (layer_descs.empty() ? "" : ",") + std::string(R"({"mediaType":")") + l.media_type +
                   R"(","digest":")" + l.blob_digest + R"(","size":)" +
                   std::to_string(l.declared_size) +
                   "}";
  }
  std::string config_digest = Sha256Of(config);
  WriteFile(dir / "blobs/sha256" / Hex(config_digest), config);
  std::string manifest = R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":")" +
                         config_digest + R"(","size":)" + std::to_string(config.size()) + R"(},"layers":[)" +
                         layer_descs + "]}";
  std::string manifest_digest = Sha256Of(manifest);
  WriteFile(dir / "blobs/sha256" / Hex(manifest_digest), manifest);
  WriteFile(dir / "oci-layout", R"({"imageLayoutVersion":"1.0.0"})");
  WriteFile(dir / "index.json",
            R"({"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":")" +
                manifest_digest + R"(","size":)" + std::to_string(manifest.size()) +
                R"(,"annotations":{"org.opencontainers.image.ref.name":")" + ref + R"("}}]})");
  return manifest_digest;
}

void WriteDockerArchive(const std::filesystem::path& file, const std::vector<LayerSpec>& specs,
                        const std::string& repo_tag) {
  std::vector<BuiltLayer> layers;
  std::vector<TarMember> members;
  std::string names;
  for (const auto& s : specs) {
    LayerSpec plain = s;  // skopeo and docker store docker-archive layers uncompressed
    plain.compression = LayerSpec::Compression::kNone;
    BuiltLayer b = Build(plain);
    std::string name = Hex(b.diff_id) + ".tar";
    members.push_back(File(name, b.blob));
    names += (names.empty() ? "" : ",") + std::string("\"") + name + "\"";
    layers.push_back(std::move(b));
  }
  std::string config = ConfigJson(layers, "");
  std::string config_name = Hex(Sha256Of(config)) + ".json";
  members.push_back(File(config_name, config));
  members.push_back(File("manifest.json", R"([{"Config":")" + config_name + R"(","RepoTags":[")" + repo_tag +
                                              R"("],"Layers":[)" + names + "]}]"));
  WriteFile(file, MakeTar(members));
}

void TarDirectory(const std::filesystem::path& dir, const std::filesystem::path& tar_file) {
  std::vector<TarMember> members;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) {
    if (!e.is_regular_file()) continue;
    std::ifstream in(e.path(), std::ios::binary);
    std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    members.push_back(File(std::filesystem::relative(e.path(), dir).string(), content));
  }
  WriteFile(tar_file, MakeTar(members));
}

}  // namespace hullscan::testing
