#include "io/tar.h"

#include <archive.h>
#include <archive_entry.h>
#include <sys/stat.h>

#include <vector>

namespace hullscan::io {

std::optional<std::string> CleanArchivePath(std::string_view raw) {
  std::vector<std::string_view> parts;
  size_t i = 0;
  while (i <= raw.size()) {
    size_t j = raw.find('/', i);
    if (j == std::string_view::npos) j = raw.size();
    std::string_view part = raw.substr(i, j - i);
    if (part.empty() || part == ".") {
      // skip
    } else if (part == "..") {
      if (parts.empty()) return std::nullopt;
      parts.pop_back();
    } else {
      parts.push_back(part);
    }
    i = j + 1;
  }
  std::string out;
  for (auto p : parts) {
    if (!out.empty()) out += '/';
    out.append(p);
  }
  return out;
}

struct TarReader::Impl {
  Reader* in = nullptr;
  archive* a = nullptr;
  std::vector<char> buffer = std::vector<char>(size_t{1} << 17);
  // libarchive's callbacks cannot return our Error; keep it here and report it after.
  std::optional<Error> stream_error;

  ~Impl() {
    if (a) archive_read_free(a);
  }

  static la_ssize_t ReadCb(archive*, void* self, const void** out) {
    auto* impl = static_cast<Impl*>(self);
    if (impl->stream_error) return -1;
    auto got = impl->in->Read(impl->buffer.data(), impl->buffer.size());
    if (!got.ok()) {
      impl->stream_error = std::move(got).error();
      return -1;
    }
    *out = impl->buffer.data();
    return static_cast<la_ssize_t>(*got);
  }

  static la_int64_t SkipCb(archive*, void* self, la_int64_t n) {
    auto* impl = static_cast<Impl*>(self);
    auto skipped = impl->in->Skip(static_cast<uint64_t>(n));
    if (!skipped.ok()) {
      // libarchive's skip loop does not handle negative returns (it would spin forever); say
      // "skipped nothing" so it falls back to reading, where ReadCb reports the error.
      impl->stream_error = std::move(skipped).error();
      return 0;
    }
    return static_cast<la_int64_t>(*skipped);
  }

  Error ArchiveError(std::string_view what) {
    if (stream_error) return *stream_error;
    const char* msg = archive_error_string(a);
    return Corrupt(std::string("tar: ") + std::string(what) + ": " + (msg ? msg : "malformed archive"));
  }
};

TarReader::TarReader() : impl_(std::make_unique<Impl>()) {}
TarReader::~TarReader() = default;

Result<std::unique_ptr<TarReader>> TarReader::Open(Reader& in) {
  std::unique_ptr<TarReader> t(new TarReader());
  Impl& impl = *t->impl_;
  impl.in = &in;
  impl.a = archive_read_new();
  if (!impl.a) return Internal("libarchive: out of memory");
  archive_read_support_format_tar(impl.a);
  archive_read_support_format_empty(impl.a);  // a layer may be an empty file
  archive_read_support_filter_none(impl.a);
  archive_read_set_read_callback(impl.a, &Impl::ReadCb);
  archive_read_set_skip_callback(impl.a, &Impl::SkipCb);
  archive_read_set_callback_data(impl.a, &impl);
  if (archive_read_open1(impl.a) != ARCHIVE_OK) return impl.ArchiveError("cannot open");
  return t;
}

Result<bool> TarReader::Next(TarEntry& entry) {
  archive_entry* e = nullptr;
  int rc = archive_read_next_header(impl_->a, &e);
  if (rc == ARCHIVE_EOF) {
    if (impl_->stream_error) return *impl_->stream_error;
    return false;
  }
  if (rc < ARCHIVE_WARN) return impl_->ArchiveError("reading entry header");
  const char* path = archive_entry_pathname(e);
  entry.path = path ? path : "";
  entry.size = archive_entry_size_is_set(e) ? archive_entry_size(e) : 0;
  entry.mode = static_cast<uint32_t>(archive_entry_perm(e)) & 07777u;
  entry.uid = archive_entry_uid(e);
  entry.gid = archive_entry_gid(e);
  entry.sparse = archive_entry_sparse_count(e) > 0;
  entry.link_target.clear();
  if (const char* hl = archive_entry_hardlink(e)) {
    entry.type = EntryType::kHardlink;
    entry.link_target = hl;
    return true;
  }
  switch (archive_entry_filetype(e)) {
    case AE_IFREG: entry.type = EntryType::kFile; break;
    case AE_IFDIR: entry.type = EntryType::kDirectory; entry.size = 0; break;
    case AE_IFLNK: {
      entry.type = EntryType::kSymlink;
      const char* t = archive_entry_symlink(e);
      entry.link_target = t ? t : "";
      entry.size = 0;
      break;
    }
    default: entry.type = EntryType::kOther; entry.size = 0; break;
  }
  if (entry.size < 0) return Corrupt("tar: entry '" + entry.path + "' has a negative size");
  return true;
}

Result<size_t> TarReader::ReadData(char* buf, size_t n) {
  la_ssize_t got = archive_read_data(impl_->a, buf, n);
  if (got < 0) return impl_->ArchiveError("reading entry data");
  return static_cast<size_t>(got);
}

int64_t TarReader::header_offset() const { return archive_read_header_position(impl_->a); }

namespace {

class EntryReader final : public Reader {
 public:
  explicit EntryReader(TarReader& tar) : tar_(tar) {}
  Result<size_t> Read(char* buf, size_t n) override { return tar_.ReadData(buf, n); }

 private:
  TarReader& tar_;
};

// A member of a TarFile: owns the file reader and the TarReader positioned on the member.
class MemberReader final : public Reader {
 public:
  MemberReader(std::unique_ptr<Reader> file, std::unique_ptr<TarReader> tar, std::string name, int64_t size)
      : file_(std::move(file)), tar_(std::move(tar)), name_(std::move(name)), left_(size) {}
  Result<size_t> Read(char* buf, size_t n) override {
    auto got = tar_->ReadData(buf, n);
    if (!got.ok()) return std::move(got).AddContext(name_);
    left_ -= static_cast<int64_t>(*got);
    if (*got == 0 && left_ > 0) return Corrupt(name_ + ": archive member is truncated");
    return got;
  }

 private:
  std::unique_ptr<Reader> file_;
  std::unique_ptr<TarReader> tar_;
  std::string name_;
  int64_t left_;
};

constexpr int kMaxLinkHops = 16;

}  // namespace

std::unique_ptr<Reader> EntryDataReader(TarReader& tar) { return std::make_unique<EntryReader>(tar); }

Result<TarFile> TarFile::Open(const std::filesystem::path& path) {
  TarFile tf;
  tf.path_ = path;
  HS_ASSIGN_OR_RETURN(auto file, OpenFile(path));
  HS_ASSIGN_OR_RETURN(auto tar, TarReader::Open(*file));
  TarEntry entry;
  size_t count = 0;
  // The member read before the current one: its data ends where the current header starts
  // (tar data is padded to 512-byte blocks).
  Member* previous_file = nullptr;
  auto place_previous = [&](int64_t next_header) {
    if (!previous_file) return;
    int64_t padded = (previous_file->size + 511) / 512 * 512;
    int64_t start = next_header - padded;
    if (start >= previous_file->header_offset + 512) previous_file->data_offset = start;
    previous_file = nullptr;
  };
  while (true) {
    auto more = tar->Next(entry);
    if (!more.ok()) return std::move(more).error().AddContext(path.string());
    place_previous(tar->header_offset());
    if (!*more) break;
    if (++count > 1'000'000) return LimitExceeded(path.string() + ": more than a million archive members");
    auto name = CleanArchivePath(entry.path);
    if (!name || name->empty()) continue;  // "..": never addressed by a manifest
    Member m;
    m.name = *name;
    m.size = entry.size;
    m.header_offset = tar->header_offset();
    m.type = entry.type;
    if (entry.type == EntryType::kSymlink) {
      // Symlink targets are relative to the link's directory.
      auto slash = m.name.rfind('/');
      std::string dir = slash == std::string::npos ? "" : m.name.substr(0, slash + 1);
      m.link_target = CleanArchivePath(entry.link_target.starts_with("/") ? entry.link_target : dir + entry.link_target)
                          .value_or("");
    } else if (entry.type == EntryType::kHardlink) {
      m.link_target = CleanArchivePath(entry.link_target).value_or("");
    }
    bool contiguous = entry.type == EntryType::kFile && !entry.sparse;
    Member& stored = tf.members_[m.name] = std::move(m);
    if (contiguous) previous_file = &stored;
  }
  return tf;
}

const TarFile::Member* TarFile::Find(std::string_view name) const {
  auto clean = CleanArchivePath(name);
  if (!clean) return nullptr;
  std::string current = *clean;
  for (int hop = 0; hop < kMaxLinkHops; ++hop) {
    auto it = members_.find(current);
    if (it == members_.end()) return nullptr;
    const Member& m = it->second;
    if (m.type == EntryType::kFile) return &m;
    if (m.type != EntryType::kSymlink && m.type != EntryType::kHardlink) return nullptr;
    if (m.link_target.empty()) return nullptr;
    current = m.link_target;
  }
  return nullptr;  // a link loop
}

Result<std::unique_ptr<Reader>> TarFile::OpenMember(std::string_view name) const {
  const Member* m = Find(name);
  if (!m) return NotFound(path_.string() + ": no member '" + std::string(name) + "'");
  if (m->data_offset >= 0)
    return OpenFileRange(path_, static_cast<uint64_t>(m->data_offset), static_cast<uint64_t>(m->size));
  HS_ASSIGN_OR_RETURN(auto file, OpenFile(path_));
  HS_ASSIGN_OR_RETURN(uint64_t skipped, file->Skip(static_cast<uint64_t>(m->header_offset)));
  if (skipped != static_cast<uint64_t>(m->header_offset)) return Corrupt(path_.string() + ": truncated archive");
  HS_ASSIGN_OR_RETURN(auto tar, TarReader::Open(*file));
  TarEntry entry;
  HS_ASSIGN_OR_RETURN(bool found, tar->Next(entry));
  if (!found || CleanArchivePath(entry.path) != m->name)
    return Corrupt(path_.string() + ": member '" + m->name + "' is not where the index says");
  return std::unique_ptr<Reader>(std::make_unique<MemberReader>(std::move(file), std::move(tar),
                                                                path_.string() + ": " + m->name, m->size));
}

Result<std::string> TarFile::ReadMember(std::string_view name, uint64_t max_bytes) const {
  HS_ASSIGN_OR_RETURN(auto in, OpenMember(name));
  auto data = ReadAll(*in, max_bytes);
  if (!data.ok()) return std::move(data).error().AddContext(path_.string() + ": " + std::string(name));
  return data;
}

std::vector<std::string> TarFile::Names() const {
  std::vector<std::string> out;
  for (const auto& [name, m] : members_) out.push_back(name);
  return out;
}

}  // namespace hullscan::io
