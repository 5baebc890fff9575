#include "source/storage.h"

#include <sys/stat.h>

namespace hullscan::source::internal {

std::string BlobPath(const Digest& digest) { return "blobs/" + digest.algorithm() + "/" + digest.hex(); }

Result<std::string> Storage::Read(std::string_view name, uint64_t max_bytes) const {
  HS_ASSIGN_OR_RETURN(auto in, Open(name));
  auto data = io::ReadAll(*in, max_bytes);
  if (!data.ok()) return std::move(data).error().AddContext(Describe(name));
  return data;
}

Result<std::string> Storage::ReadVerified(std::string_view name, const Digest& digest, std::optional<int64_t> size,
                                          uint64_t max_bytes) const {
  if (size && *size > static_cast<int64_t>(max_bytes))
    return LimitExceeded(Describe(name) + ": declared size " + std::to_string(*size) + " exceeds the limit of " +
                         std::to_string(max_bytes) + " bytes for metadata");
  HS_ASSIGN_OR_RETURN(auto in, Open(name));
  auto verified = io::NewVerifyingReader(std::move(in), digest,
                                         size ? std::optional<uint64_t>(static_cast<uint64_t>(*size)) : std::nullopt,
                                         "blob " + digest.ToString() + " (" + Describe(name) + ")");
  return io::ReadAll(*verified, max_bytes);
}

namespace {

class DirStorage final : public Storage {
 public:
  explicit DirStorage(std::filesystem::path root) : root_(std::move(root)) {}

  bool Exists(std::string_view name) const override {
    auto p = Resolve(name);
    std::error_code ec;
    return p && std::filesystem::is_regular_file(*p, ec);
  }
  Result<std::unique_ptr<io::Reader>> Open(std::string_view name) const override {
    auto p = Resolve(name);
    if (!p) return Corrupt("path '" + std::string(name) + "' escapes " + root_.string());
    return io::OpenFile(*p);
  }
  Result<int64_t> Size(std::string_view name) const override {
    auto p = Resolve(name);
    if (!p) return Corrupt("path '" + std::string(name) + "' escapes " + root_.string());
    struct stat st {};
    if (::stat(p->c_str(), &st) != 0) return IoErrorFromErrno("stat " + p->string(), errno);
    return static_cast<int64_t>(st.st_size);
  }
  std::string Describe(std::string_view name) const override { return (root_ / std::string(name)).string(); }

 private:
  std::optional<std::filesystem::path> Resolve(std::string_view name) const {
    auto clean = io::CleanArchivePath(name);
    if (!clean || clean->empty()) return std::nullopt;
    return root_ / *clean;
  }
  std::filesystem::path root_;
};

class TarStorage final : public Storage {
 public:
  explicit TarStorage(io::TarFile tar) : tar_(std::move(tar)) {}
  bool Exists(std::string_view name) const override { return tar_.Find(name) != nullptr; }
  Result<std::unique_ptr<io::Reader>> Open(std::string_view name) const override { return tar_.OpenMember(name); }
  Result<int64_t> Size(std::string_view name) const override {
    const auto* m = tar_.Find(name);
    if (!m) return NotFound(Describe(name) + ": no such member");
    return m->size;
  }
  std::string Describe(std::string_view name) const override { return tar_.path().string() + ": " + std::string(name); }

 private:
  io::TarFile tar_;
};

}  // namespace

std::unique_ptr<Storage> NewDirStorage(std::filesystem::path root) { return std::make_unique<DirStorage>(std::move(root)); }
std::unique_ptr<Storage> NewTarStorage(io::TarFile tar) { return std::make_unique<TarStorage>(std::move(tar)); }

}  // namespace hullscan::source::internal
