// Builds small, real OCI image layouts and docker-archives in tests, so that hostile variants
// (bad digests, traversal paths, truncated blobs) can be made by changing one thing.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace hullscan::testing {

struct TarMember {
  enum class Kind { kFile, kDir, kSymlink, kHardlink };
  std::string path;
  std::string content;  // files only
  Kind kind = Kind::kFile;
  std::string link;     // symlink/hardlink target
  unsigned mode = 0644;
};

inline TarMember File(std::string path, std::string content, unsigned mode = 0644) {
  return {std::move(path), std::move(content), TarMember::Kind::kFile, "", mode};
}
inline TarMember Dir(std::string path) { return {std::move(path), "", TarMember::Kind::kDir, "", 0755}; }
inline TarMember Symlink(std::string path, std::string target) {
  return {std::move(path), "", TarMember::Kind::kSymlink, std::move(target), 0777};
}

// A GNU tar header for a regular file claiming `size` bytes (base-256 size field, so any size),
// with no data after it: with ZeroBomb() the makings of a decompression bomb.
std::string HugeFileHeader(const std::string& name, uint64_t size);
// `members` gzip members of 64 MiB of zeros each, concatenated: ~64 KiB per 64 MiB of expansion.
std::string ZeroBomb(int members);

// A pax tar of the members, in order (written with libarchive).
std::string MakeTar(const std::vector<TarMember>& members);
// gzip (zlib) and zstd compression of a buffer.
std::string Gzip(const std::string& data);
std::string Zstd(const std::string& data);
// "sha256:<hex>" of a buffer.
std::string Sha256Of(const std::string& data);

struct LayerSpec {
  std::string tar;                      // the uncompressed layer tar
  enum class Compression { kNone, kGzip, kZstd } compression = Compression::kGzip;
  std::optional<std::string> diff_id;   // override (to make a mismatch)
  std::optional<std::string> blob;      // override the stored bytes (to corrupt them)
};

inline LayerSpec Layer(std::string tar, LayerSpec::Compression c = LayerSpec::Compression::kGzip) {
  LayerSpec l;
  l.tar = std::move(tar);
  l.compression = c;
  return l;
}

// Writes an OCI image layout with one image (ref name `ref`) made of `layers` to `dir`.
// Returns the manifest digest.
std::string WriteOciLayout(const std::filesystem::path& dir, const std::vector<LayerSpec>& layers,
                           const std::string& ref = "latest", const std::string& config_extra_json = "");

// Writes a docker-archive (as skopeo does: <diff_id>.tar layers, <config digest>.json).
void WriteDockerArchive(const std::filesystem::path& file, const std::vector<LayerSpec>& layers,
                        const std::string& repo_tag = "example/test:latest");

// Packs a directory into an (uncompressed) tar file, as an oci-archive.
void TarDirectory(const std::filesystem::path& dir, const std::filesystem::path& tar_file);

void WriteFile(const std::filesystem::path& path, const std::string& data);

}  // namespace hullscan::testing
