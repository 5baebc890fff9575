// Internal: the files of an image archive or layout, whether a directory or a tar on disk.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "base/digest.h"
#include "base/status.h"
#include "io/reader.h"
#include "io/tar.h"
#include "oci/image.h"

namespace hullscan::source::internal {

class Storage {
 public:
  virtual ~Storage() = default;
  // Names are relative to the archive/layout root; names that climb out of it are refused.
  virtual bool Exists(std::string_view name) const = 0;
  virtual Result<std::unique_ptr<io::Reader>> Open(std::string_view name) const = 0;
  virtual Result<int64_t> Size(std::string_view name) const = 0;
  // For error messages: "/path/to/image.tar: blobs/sha256/ab…".
  virtual std::string Describe(std::string_view name) const = 0;

  Result<std::string> Read(std::string_view name, uint64_t max_bytes) const;
  // Reads a metadata blob named by a descriptor and checks its size and digest.
  Result<std::string> ReadVerified(std::string_view name, const Digest& digest, std::optional<int64_t> size,
                                   uint64_t max_bytes) const;
};

std::unique_ptr<Storage> NewDirStorage(std::filesystem::path root);
std::unique_ptr<Storage> NewTarStorage(io::TarFile tar);

// "blobs/sha256/<hex>" for a digest.
std::string BlobPath(const Digest& digest);

}  // namespace hullscan::source::internal
