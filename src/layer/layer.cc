#include "layer/layer.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <vector>

#include "io/compression.h"
#include "io/prefetch.h"

namespace hullscan::layer {

namespace {

constexpr std::string_view kWhiteoutPrefix = ".wh.";
constexpr std::string_view kOpaqueMarker = ".wh..wh..opq";

std::string_view BaseName(std::string_view path) {
  auto slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}
std::string_view DirName(std::string_view path) {
  auto slash = path.rfind('/');
  return slash == std::string_view::npos ? std::string_view() : path.substr(0, slash);
}

// Reads exactly `size` bytes of the current entry.
Result<std::string> ReadContent(io::TarReader& tar, int64_t size) {
  std::string content(static_cast<size_t>(size), '\0');
  size_t have = 0;
  while (have < content.size()) {
    HS_ASSIGN_OR_RETURN(size_t got, tar.ReadData(content.data() + have, content.size() - have));
    if (got == 0) return Corrupt("file data ends early (truncated layer)");
    have += got;
  }
  return content;
}

}  // namespace

Result<std::unique_ptr<LayerStream>> OpenLayerStream(std::unique_ptr<io::Reader> blob, const std::optional<Digest>& digest,
                                                     int64_t size, const Digest& diff_id, const Limits& limits) {
  auto stream = std::unique_ptr<LayerStream>(new LayerStream());
  std::unique_ptr<io::Reader> chain = std::move(blob);
  if (digest) {
    chain = io::NewVerifyingReader(std::move(chain), *digest,
                                   size >= 0 ? std::optional<uint64_t>(static_cast<uint64_t>(size)) : std::nullopt,
                                   "layer blob " + digest->ToString());
    stream->stored_verifier_ = chain.get();
  }
  io::Compression compression = io::Compression::kNone;
  HS_ASSIGN_OR_RETURN(chain, io::NewDecompressingReader(std::move(chain), &compression));
  // Up to three stages run at once: reading + blob digest + inflating on one thread, the diff_id
  // digest on a second, tar parsing and the analyzers on the caller's. SHA-256 of the tar costs
  // about as much as inflating it, so this is what lets a single-layer image use both cores.
  // An uncompressed blob needs no stage of its own: reading it is cheap next to hashing it.
  if (compression != io::Compression::kNone) {
    auto inflated = io::NewPrefetchReader(std::move(chain));
    stream->stages_.push_back(inflated.get());
    chain = std::move(inflated);
  }
  // An uncompressed blob whose digest is its diff_id has been verified already.
  bool verified_as_tar = digest && *digest == diff_id;
  if (!verified_as_tar) {
    chain = io::NewVerifyingReader(std::move(chain), diff_id, std::nullopt,
                                   "layer " + diff_id.ToString() + " (uncompressed content)");
    if (!digest) stream->tar_verifier_ = chain.get();
    auto hashed = io::NewPrefetchReader(std::move(chain));
    stream->stages_.insert(stream->stages_.begin(), hashed.get());
    chain = std::move(hashed);
  }
  stream->top_ = io::NewLimitReader(std::move(chain), limits.max_layer_bytes, "layer " + diff_id.ToString());
  stream->max_explain_bytes_ = limits.max_layer_bytes;
  return stream;
}

Error LayerStream::Explain(Error error) {
  // Limits are never worked around (that is what a bomb wants), and digest/OS errors need no
  // explanation.
  if (error.code() == ErrorCode::kDigestMismatch || error.code() == ErrorCode::kIo ||
      error.code() == ErrorCode::kLimitExceeded)
    return error;
  io::Reader* verifier = stored_verifier_ ? stored_verifier_ : tar_verifier_;
  if (!verifier) return error;
  for (io::PrefetchReader* stage : stages_) stage->Cancel();  // outermost first: nothing reads below now
  static thread_local char buf[65536];
  uint64_t drained = 0;
  while (drained <= max_explain_bytes_) {
    auto got = verifier->Read(buf, sizeof buf);
    if (!got.ok()) {
      if (got.error().code() != ErrorCode::kDigestMismatch) return error;
      return DigestMismatch(got.error().message() + " (tampered with or damaged; reading it failed with: " +
                            error.message() + ")");
    }
    if (*got == 0) return error;  // the bytes match their digest: the error stands as it is
    drained += *got;
  }
  return error;
}

Status WalkTar(io::Reader& stream, Consumer& consumer, const Limits& limits) {
  HS_ASSIGN_OR_RETURN(auto tar, io::TarReader::Open(stream));
  io::TarEntry entry;
  uint64_t count = 0;
  while (true) {
    HS_ASSIGN_OR_RETURN(bool more, tar->Next(entry));
    if (!more) break;
    if (++count > limits.max_entries)
      return LimitExceeded("more than " + std::to_string(limits.max_entries) + " entries in one layer");
    auto clean = io::CleanArchivePath(entry.path);
    if (!clean) {
      consumer.OnDiagnostic(entry.path, "tar entry path escapes the root (path traversal); entry ignored");
      continue;
    }
    if (clean->empty()) continue;  // the root itself
    std::string_view base = BaseName(*clean);
    if (base.starts_with(kWhiteoutPrefix)) {
      if (base == kOpaqueMarker) {
        consumer.OnWhiteout(DirName(*clean), /*opaque=*/true);
      } else if (!base.starts_with(".wh..wh.")) {  // other ".wh..wh." names are aufs metadata
        std::string target(DirName(*clean));
        if (!target.empty()) target += '/';
        target += base.substr(kWhiteoutPrefix.size());
        consumer.OnWhiteout(target, /*opaque=*/false);
      }
      continue;
    }
    EntryInfo info{*clean, entry.type, entry.mode, entry.size, entry.link_target, entry.uid, entry.gid};
    consumer.OnEntry(info);
    if (entry.type != io::EntryType::kFile) continue;
    int64_t limit = consumer.WantedContentLimit(info);
    if (limit < 0) continue;
    if (entry.size > limit) {
      consumer.OnDiagnostic(*clean, "file of " + std::to_string(entry.size) + " bytes exceeds the analyzer limit of " +
                                        std::to_string(limit) + " bytes; not analysed");
      continue;
    }
    auto content = ReadContent(*tar, entry.size);
    if (!content.ok()) return std::move(content).error().AddContext(*clean);
    consumer.OnFileContent(info, std::move(content).value());
  }
  // Read the rest of the stream so the digest verdicts arrive, but refuse a long tail of data
  // after the end-of-archive marker.
  static thread_local char buf[65536];
  uint64_t trailing = 0;
  while (true) {
    HS_ASSIGN_OR_RETURN(size_t got, stream.Read(buf, sizeof buf));
    if (got == 0) break;
    trailing += got;
    if (trailing > limits.max_trailing_bytes)
      return LimitExceeded("more than " + std::to_string(limits.max_trailing_bytes) +
                           " bytes after the end of the tar archive (a decompression bomb?)");
  }
  return OkStatus();
}

namespace {

struct DirWalker {
  Consumer& consumer;
  const Limits& limits;
  dev_t root_dev = 0;
  uint64_t count = 0;

  Status Walk(int dir_fd, const std::string& rel, int depth) {
    if (depth > 256) {
      consumer.OnDiagnostic(rel, "directory nesting deeper than 256 levels; not descended");
      return OkStatus();
    }
    DIR* dir = ::fdopendir(dir_fd);
    if (!dir) {
      ::close(dir_fd);
      return IoErrorFromErrno("opendir " + rel, errno);
    }
    std::vector<std::string> names;
    while (dirent* de = ::readdir(dir)) {
      std::string_view n = de->d_name;
      if (n == "." || n == "..") continue;
      names.emplace_back(n);
    }
    std::sort(names.begin(), names.end());  // deterministic order
    Status status = OkStatus();
    for (const auto& name : names) {
      status = Visit(::dirfd(dir), rel.empty() ? name : rel + "/" + name, name, depth);
      if (!status.ok()) break;
    }
    ::closedir(dir);
    return status;
  }

  Status Visit(int parent_fd, const std::string& rel, const std::string& name, int depth) {
    if (++count > limits.max_entries)
      return LimitExceeded("more than " + std::to_string(limits.max_entries) + " entries in the directory tree");
    struct stat st {};
    if (::fstatat(parent_fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
      consumer.OnDiagnostic(rel, "cannot stat: " + IoErrorFromErrno("stat", errno).message());
      return OkStatus();
    }
    EntryInfo info;
    info.path = rel;
    info.mode = st.st_mode & 07777u;
    info.uid = st.st_uid;
    info.gid = st.st_gid;
    std::string link;
    if (S_ISREG(st.st_mode)) {
      info.type = io::EntryType::kFile;
      info.size = st.st_size;
    } else if (S_ISDIR(st.st_mode)) {
      info.type = io::EntryType::kDirectory;
    } else if (S_ISLNK(st.st_mode)) {
      info.type = io::EntryType::kSymlink;
      link.resize(4096);
      ssize_t n = ::readlinkat(parent_fd, name.c_str(), link.data(), link.size());
      link.resize(n > 0 ? static_cast<size_t>(n) : 0);
      info.link_target = link;
    }
    consumer.OnEntry(info);
    if (info.type == io::EntryType::kDirectory) {
      if (st.st_dev != root_dev) return OkStatus();  // /proc, /sys, bind mounts: not ours
      int fd = ::openat(parent_fd, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      if (fd < 0) {
        consumer.OnDiagnostic(rel, "cannot open directory: " + IoErrorFromErrno("open", errno).message());
        return OkStatus();
      }
      return Walk(fd, rel, depth + 1);
    }
    if (info.type != io::EntryType::kFile) return OkStatus();
    int64_t limit = consumer.WantedContentLimit(info);
    if (limit < 0) return OkStatus();
    if (info.size > limit) {
      consumer.OnDiagnostic(rel, "file of " + std::to_string(info.size) + " bytes exceeds the analyzer limit of " +
                                     std::to_string(limit) + " bytes; not analysed");
      return OkStatus();
    }
    int fd = ::openat(parent_fd, name.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) {
      consumer.OnDiagnostic(rel, "cannot open: " + IoErrorFromErrno("open", errno).message());
      return OkStatus();
    }
    std::string content(static_cast<size_t>(info.size), '\0');
    size_t have = 0;
    while (have < content.size()) {
      ssize_t got = ::read(fd, content.data() + have, content.size() - have);
      if (got < 0 && errno == EINTR) continue;
      if (got <= 0) break;
      have += static_cast<size_t>(got);
    }
    ::close(fd);
    content.resize(have);  // a file that shrank while we read it
    info.size = static_cast<int64_t>(have);
    consumer.OnFileContent(info, std::move(content));
    return OkStatus();
  }
};

}  // namespace

Status WalkDirectory(const std::filesystem::path& root, Consumer& consumer, const Limits& limits) {
  int fd = ::open(root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return IoErrorFromErrno("open " + root.string(), errno);
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    ::close(fd);
    return IoErrorFromErrno("stat " + root.string(), errno);
  }
  DirWalker w{consumer, limits, st.st_dev, 0};
  return w.Walk(fd, "", 0).AddContext(root.string());
}

}  // namespace hullscan::layer
