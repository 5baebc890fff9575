// Tar archives, read with libarchive's tar parser (ustar, pax, GNU long names, sparse files)
// from any Reader. Two uses: streaming a layer's entries once (TarReader), and random access to
// the members of an image archive on disk (TarFile: docker-archive, oci-archive).
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "io/reader.h"

namespace hullscan::io {

enum class EntryType { kFile, kDirectory, kSymlink, kHardlink, kOther };

struct TarEntry {
  std::string path;         // as stored in the archive (not yet cleaned)
  EntryType type = EntryType::kOther;
  uint32_t mode = 0;        // permission bits incl. setuid/setgid/sticky (no file-type bits)
  int64_t size = 0;         // data size; 0 for non-files
  std::string link_target;  // symlink or hardlink target
  int64_t uid = 0;
  int64_t gid = 0;
  bool sparse = false;      // a GNU/pax sparse file: its data is not stored contiguously
};

// Streams the entries of a tar archive. The Reader must outlive the TarReader.
class TarReader {
 public:
  static Result<std::unique_ptr<TarReader>> Open(Reader& in);
  ~TarReader();
  TarReader(const TarReader&) = delete;
  TarReader& operator=(const TarReader&) = delete;

  // Advances to the next entry; false at the end of the archive.
  Result<bool> Next(TarEntry& entry);
  // Reads the current entry's data; 0 at its end. Unread data is skipped by Next().
  Result<size_t> ReadData(char* buf, size_t n);
  // Byte offset of the current entry's first header block in the stream.
  int64_t header_offset() const;

 private:
  TarReader();
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The current entry's data as a Reader (valid until TarReader::Next()).
std::unique_ptr<Reader> EntryDataReader(TarReader& tar);

// Random access to the regular-file members of an uncompressed tar file on disk. Indexes the
// headers once (seeking over the data), then opens members by name without reading the rest.
class TarFile {
 public:
  struct Member {
    std::string name;  // cleaned: no leading "./" or "/"
    int64_t size = 0;
    int64_t header_offset = 0;
    // Where the member's bytes start in the file, when they are stored contiguously (a plain,
    // non-sparse regular file); -1 otherwise. Lets members be read with pread, no tar parsing.
    int64_t data_offset = -1;
    EntryType type = EntryType::kFile;
    std::string link_target;  // for symlinks and hardlinks, cleaned relative to the archive root
  };

  static Result<TarFile> Open(const std::filesystem::path& path);

  const std::filesystem::path& path() const { return path_; }
  const Member* Find(std::string_view name) const;  // follows symlinks/hardlinks between members
  Result<std::unique_ptr<Reader>> OpenMember(std::string_view name) const;
  // Reads a small member whole (manifests, configs).
  Result<std::string> ReadMember(std::string_view name, uint64_t max_bytes) const;
  std::vector<std::string> Names() const;

 private:
  std::filesystem::path path_;
  std::map<std::string, Member, std::less<>> members_;
};

// Lexically cleans a path from an archive: strips leading "/" and "./", resolves "." and "..".
// Returns nullopt when ".." would climb above the root (path traversal).
std::optional<std::string> CleanArchivePath(std::string_view raw);

}  // namespace hullscan::io
