#include "io/reader.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

namespace hullscan::io {

Result<uint64_t> Reader::Skip(uint64_t n) {
  char buf[16384];
  uint64_t done = 0;
  while (done < n) {
    HS_ASSIGN_OR_RETURN(size_t got, Read(buf, static_cast<size_t>(std::min<uint64_t>(sizeof buf, n - done))));
    if (got == 0) break;
    done += got;
  }
  return done;
}

namespace {

class FileReader final : public Reader {
 public:
  FileReader(int fd, std::string name, uint64_t offset, std::optional<uint64_t> length)
      : fd_(fd), name_(std::move(name)), pos_(offset), end_(length ? std::optional(offset + *length) : std::nullopt) {}
  ~FileReader() override { ::close(fd_); }
  FileReader(const FileReader&) = delete;
  FileReader& operator=(const FileReader&) = delete;

  Result<size_t> Read(char* buf, size_t n) override {
    if (end_) n = static_cast<size_t>(std::min<uint64_t>(n, *end_ - pos_));
    if (n == 0) return size_t{0};
    while (true) {
      ssize_t got = ::pread(fd_, buf, n, static_cast<off_t>(pos_));
      if (got < 0) {
        if (errno == EINTR) continue;
        return IoErrorFromErrno("read " + name_, errno);
      }
      if (got == 0 && end_) return Corrupt(name_ + ": file ends before the expected " + std::to_string(*end_) + " bytes");
      pos_ += static_cast<uint64_t>(got);
      return static_cast<size_t>(got);
    }
  }

  Result<uint64_t> Skip(uint64_t n) override {
    uint64_t limit = end_ ? *end_ : file_size();
    uint64_t step = std::min<uint64_t>(n, limit > pos_ ? limit - pos_ : 0);
    pos_ += step;
    return step;
  }

 private:
  uint64_t file_size() const {
    struct stat st {};
    return ::fstat(fd_, &st) == 0 ? static_cast<uint64_t>(st.st_size) : pos_;
  }
  int fd_;
  std::string name_;
  uint64_t pos_;
  std::optional<uint64_t> end_;
};

Result<int> OpenFd(const std::filesystem::path& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return IoErrorFromErrno("open " + path.string(), errno);
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return InvalidArgument(path.string() + " is not a regular file");
  }
  return fd;
}

class MemoryReader final : public Reader {
 public:
  explicit MemoryReader(std::string_view data) : data_(data) {}
  Result<size_t> Read(char* buf, size_t n) override {
    size_t k = std::min(n, data_.size() - pos_);
    std::memcpy(buf, data_.data() + pos_, k);
    pos_ += k;
    return k;
  }
  Result<uint64_t> Skip(uint64_t n) override {
    uint64_t k = std::min<uint64_t>(n, data_.size() - pos_);
    pos_ += k;
    return k;
  }

 private:
  std::string_view data_;
  size_t pos_ = 0;
};

class StringReader final : public Reader {
 public:
  explicit StringReader(std::string data) : data_(std::move(data)), inner_(data_) {}
  Result<size_t> Read(char* buf, size_t n) override { return inner_.Read(buf, n); }
  Result<uint64_t> Skip(uint64_t n) override { return inner_.Skip(n); }

 private:
  std::string data_;
  MemoryReader inner_;
};

class VerifyingReader final : public Reader {
 public:
  VerifyingReader(std::unique_ptr<Reader> in, Hasher hasher, Digest expected, std::optional<uint64_t> size,
                  std::string what)
      : in_(std::move(in)), hasher_(std::move(hasher)), expected_(std::move(expected)), size_(size),
        what_(std::move(what)) {}

  Result<size_t> Read(char* buf, size_t n) override {
    if (verdict_) return *verdict_ ? Result<size_t>(size_t{0}) : Result<size_t>(error_);
    HS_ASSIGN_OR_RETURN(size_t got, in_->Read(buf, n));
    if (got > 0) {
      hasher_.Update(buf, got);
      seen_ += got;
      if (size_ && seen_ > *size_) return Fail(what_ + ": more than the " + std::to_string(*size_) + " bytes its descriptor declares");
      return got;
    }
    if (size_ && seen_ != *size_)
      return Fail(what_ + ": " + std::to_string(seen_) + " bytes, but its descriptor declares " + std::to_string(*size_));
    Digest actual = hasher_.Finish();
    if (actual != expected_)
      return Fail(what_ + ": content hashes to " + actual.ToString() + ", expected " + expected_.ToString());
    verdict_ = true;
    return size_t{0};
  }

 private:
  Error Fail(std::string message) {
    verdict_ = false;
    error_ = DigestMismatch(std::move(message));
    return error_;
  }
  std::unique_ptr<Reader> in_;
  Hasher hasher_;
  Digest expected_;
  std::optional<uint64_t> size_;
  std::string what_;
  uint64_t seen_ = 0;
  std::optional<bool> verdict_;
  Error error_{ErrorCode::kInternal, ""};
};

class LimitReader final : public Reader {
 public:
  LimitReader(std::unique_ptr<Reader> in, uint64_t max, std::string what)
      : in_(std::move(in)), max_(max), what_(std::move(what)) {}
  Result<size_t> Read(char* buf, size_t n) override {
    HS_ASSIGN_OR_RETURN(size_t got, in_->Read(buf, n));
    seen_ += got;
    if (seen_ > max_)
      return LimitExceeded(what_ + ": expands beyond the limit of " + std::to_string(max_) + " bytes");
    return got;
  }

 private:
  std::unique_ptr<Reader> in_;
  uint64_t max_;
  std::string what_;
  uint64_t seen_ = 0;
};

}  // namespace

Result<std::unique_ptr<Reader>> OpenFile(const std::filesystem::path& path) {
  HS_ASSIGN_OR_RETURN(int fd, OpenFd(path));
  return std::unique_ptr<Reader>(std::make_unique<FileReader>(fd, path.string(), 0, std::nullopt));
}

Result<std::unique_ptr<Reader>> OpenFileRange(const std::filesystem::path& path, uint64_t offset, uint64_t length) {
  HS_ASSIGN_OR_RETURN(int fd, OpenFd(path));
  return std::unique_ptr<Reader>(std::make_unique<FileReader>(fd, path.string(), offset, length));
}

std::unique_ptr<Reader> NewMemoryReader(std::string_view data) { return std::make_unique<MemoryReader>(data); }
std::unique_ptr<Reader> NewStringReader(std::string data) { return std::make_unique<StringReader>(std::move(data)); }

Result<std::string> ReadAll(Reader& in, uint64_t max_bytes) {
  std::string out;
  size_t chunk = 65536;
  while (true) {
    size_t old = out.size();
    out.resize(old + chunk);
    auto got = in.Read(out.data() + old, chunk);
    if (!got.ok()) return std::move(got).error();
    out.resize(old + *got);
    if (*got == 0) return out;
    if (out.size() > max_bytes) return LimitExceeded("more than " + std::to_string(max_bytes) + " bytes");
    if (chunk < (size_t{1} << 22)) chunk *= 2;
  }
}

Result<std::string> ReadFile(const std::filesystem::path& path, uint64_t max_bytes) {
  HS_ASSIGN_OR_RETURN(auto in, OpenFile(path));
  return ReadAll(*in, max_bytes).AddContext(path.string());
}

Result<uint64_t> Drain(Reader& in) {
  static thread_local char buf[65536];
  uint64_t total = 0;
  while (true) {
    HS_ASSIGN_OR_RETURN(size_t got, in.Read(buf, sizeof buf));
    if (got == 0) return total;
    total += got;
  }
}

std::unique_ptr<Reader> NewVerifyingReader(std::unique_ptr<Reader> in, Digest expected,
                                           std::optional<uint64_t> expected_size, std::string what) {
  auto hasher = Hasher::For(expected.algorithm());
  // Digest::Parse admits only algorithms Hasher supports, so this cannot fail for a parsed Digest.
  return std::make_unique<VerifyingReader>(std::move(in), std::move(hasher).value(), std::move(expected),
                                           expected_size, std::move(what));
}

std::unique_ptr<Reader> NewLimitReader(std::unique_ptr<Reader> in, uint64_t max_bytes, std::string what) {
  return std::make_unique<LimitReader>(std::move(in), max_bytes, std::move(what));
}

}  // namespace hullscan::io
