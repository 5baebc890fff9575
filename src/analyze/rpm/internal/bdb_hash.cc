// The Berkeley DB hash page format, as far as rpm's Packages database needs it. Layout learned from
// rpm's own read-only reader (lib/backend/bdb_ro.c) and go-rpmdb (pkg/bdb); no code was copied.
//
//   Page 0, the metadata page (all integers in the byte order of the machine that wrote the file,
//   told apart by the magic number):
//     12 magic (0x00061561)  16 version (8..10)  20 page size  24 encryption algorithm (u8)
//     25 page type (u8, 8)  26 meta flags (u8)  32 last page number  72 max bucket
//     76 high mask  80 low mask  96 spares[32] (the first page of each bucket doubling)
//   Every other page starts with a 26-byte header:
//     8 page number  12 prev page  16 next page  20 entry count (u16)  22 hf_offset (u16;
//     on overflow pages: the bytes of data on this page)  25 page type (u8)
//   Hash pages (type 13, or 2 for the old unsorted kind) hold, after the header, an array of u16
//   item offsets; items are key/value pairs, placed from the end of the page downwards, so item i
//   ends where item i-1 begins. An item's first byte is its kind: 1 = bytes inline, 3 = "off page":
//   u32 first overflow page at +4, u32 total length at +8. Overflow pages (type 7) chain the data
//   through their next-page field.
//
// Bucket b lives on page b + spares[bit_width(b)]; further pages of the bucket follow the chain.
#include "analyze/rpm/internal/bdb_hash.h"

#include <algorithm>
#include <bit>
#include <optional>
#include <string>
#include <vector>

namespace hullscan::analyze::rpm_internal {
namespace {

constexpr uint32_t kHashMagic = 0x00061561;
constexpr uint32_t kBtreeMagic = 0x00053162;
constexpr size_t kMetaSize = 512;  // the part of page 0 that holds the hash metadata
constexpr size_t kPageHeaderSize = 26;
constexpr size_t kOffPageItemSize = 12;

constexpr uint8_t kPageInvalid = 0;
constexpr uint8_t kPageHashUnsorted = 2;
constexpr uint8_t kPageOverflow = 7;
constexpr uint8_t kPageHashMeta = 8;
constexpr uint8_t kPageHash = 13;

constexpr uint8_t kItemKeyData = 1;
constexpr uint8_t kItemOffPage = 3;

constexpr uint8_t kMetaFlagChecksum = 0x01;

std::optional<bool> MagicIsBigEndian(Bytes file, uint32_t magic) {
  if (LoadLE32(file, 12) == magic) return false;
  if (LoadBE32(file, 12) == magic) return true;
  return std::nullopt;
}

class BdbHash {
 public:
  static Result<BdbHash> Open(Bytes file);
  void ReadAll(const RecordSink& sink);

 private:
  explicit BdbHash(Bytes file) : file_(file) {}

  uint16_t U16(Bytes b, size_t off) const { return LoadU16(b, off, big_endian_); }
  uint32_t U32(Bytes b, size_t off) const { return LoadU32(b, off, big_endian_); }

  // The bytes of page `pgno`, or nullopt when it lies past the last page or the end of the file.
  std::optional<Bytes> Page(uint64_t pgno) const {
    if (pgno >= page_count_) return std::nullopt;
    return file_.subspan(pgno * page_size_, page_size_);
  }

  void ReadBucket(uint32_t bucket, std::vector<bool>& visited, const RecordSink& sink);
  void ReadHashPage(uint64_t pgno, Bytes page, const RecordSink& sink);
  // The data of one item (inline or through its overflow chain); nullopt after reporting a problem.
  std::optional<std::vector<uint8_t>> ItemData(Bytes item, const std::string& where, const RecordSink& sink);
  std::optional<std::vector<uint8_t>> OverflowData(uint32_t first_pgno, uint32_t length, const std::string& where,
                                                   const RecordSink& sink);

  Bytes file_;
  bool big_endian_ = false;
  uint32_t page_size_ = 0;
  uint32_t last_pgno_ = 0;
  // Pages that exist: the metadata's count, cut short when the file is truncated. Everything sized
  // or looped by page count uses this, never the (untrusted) metadata value alone.
  uint64_t page_count_ = 0;
  uint32_t max_bucket_ = 0;
  uint32_t spares_[32] = {};
  // Overflow bytes still allowed. A sound file stores each header once, so the data gathered from
  // overflow chains never exceeds the file size; hostile items sharing one long chain would.
  uint64_t overflow_budget_ = 0;
};

Result<BdbHash> BdbHash::Open(Bytes file) {
  if (file.size() < kMetaSize) {
    return Corrupt("Berkeley DB: file of " + std::to_string(file.size()) + " bytes is too short for a metadata page");
  }
  std::optional<bool> big_endian = MagicIsBigEndian(file, kHashMagic);
  if (!big_endian) {
    if (MagicIsBigEndian(file, kBtreeMagic)) return Unsupported("Berkeley DB: btree database, rpm Packages is a hash");
    return Corrupt("Berkeley DB: no hash magic number");
  }
  BdbHash db(file);
  db.big_endian_ = *big_endian;
  uint32_t version = db.U32(file, 16);
  if (version < 8 || version > 10) {
    return Unsupported("Berkeley DB: hash version " + std::to_string(version) + " (rpm reads 8 to 10)");
  }
  db.page_size_ = db.U32(file, 20);
  if (db.page_size_ < kMetaSize || db.page_size_ > 65536 || !std::has_single_bit(db.page_size_)) {
    return Corrupt("Berkeley DB: bad page size " + std::to_string(db.page_size_));
  }
  if (file[24] != 0) return Unsupported("Berkeley DB: encrypted database");
  if (file[25] != kPageHashMeta) return Corrupt("Berkeley DB: page 0 is not a hash metadata page");
  // Checksummed pages move the item index; rpm never creates them and its own reader ignores them.
  if (file[26] & kMetaFlagChecksum) return Unsupported("Berkeley DB: checksummed pages");
  db.last_pgno_ = db.U32(file, 32);
  db.max_bucket_ = db.U32(file, 72);
  for (size_t i = 0; i < 32; ++i) db.spares_[i] = db.U32(file, 96 + 4 * i);
  // Each bucket owns at least one page, so more buckets than pages means a corrupt header (and
  // would make the walk below run for billions of iterations).
  if (db.max_bucket_ > db.last_pgno_) {
    return Corrupt("Berkeley DB: max bucket " + std::to_string(db.max_bucket_) + " exceeds last page " +
                   std::to_string(db.last_pgno_));
  }
  db.page_count_ = std::min<uint64_t>(uint64_t{db.last_pgno_} + 1, file.size() / db.page_size_);
  db.overflow_budget_ = file.size();
  return db;
}

void BdbHash::ReadAll(const RecordSink& sink) {
  if (page_count_ < uint64_t{last_pgno_} + 1) {
    sink.on_problem("Berkeley DB: truncated: metadata names " + std::to_string(uint64_t{last_pgno_} + 1) +
                    " pages, the file holds " + std::to_string(page_count_));
  }
  std::vector<bool> visited(page_count_, false);
  // Bucket b starts on page b + spares[...] >= b, so buckets from page_count_ on cannot be read.
  uint64_t buckets = std::min<uint64_t>(uint64_t{max_bucket_} + 1, page_count_);
  for (uint64_t bucket = 0; bucket < buckets; ++bucket) {
    ReadBucket(static_cast<uint32_t>(bucket), visited, sink);
  }
}

void BdbHash::ReadBucket(uint32_t bucket, std::vector<bool>& visited, const RecordSink& sink) {
  int bits = std::bit_width(bucket);
  if (bits >= 32) {  // spares[] has 32 entries; only a bucket >= 2^31 (a file over 1 TiB) gets here
    sink.on_problem("Berkeley DB: bucket " + std::to_string(bucket) + " beyond the spares table");
    return;
  }
  uint64_t pgno = uint64_t{bucket} + spares_[bits];
  bool first = true;
  while (pgno != 0) {
    std::string where = "bucket " + std::to_string(bucket) + ": page " + std::to_string(pgno);
    std::optional<Bytes> page = Page(pgno);
    if (!page) {
      sink.on_problem("Berkeley DB: " + where + " lies outside the file");
      return;
    }
    if (visited[pgno]) {
      sink.on_problem("Berkeley DB: " + where + " is reached twice (page chain loop)");
      return;
    }
    visited[pgno] = true;
    uint8_t type = (*page)[25];
    // A bucket page that was allocated but never written is all zeros: an empty bucket.
    if (first && type == kPageInvalid && U32(*page, 8) == 0) return;
    if (U32(*page, 8) != pgno) {
      sink.on_problem("Berkeley DB: " + where + " carries page number " + std::to_string(U32(*page, 8)));
      return;
    }
    if (type != kPageHash && type != kPageHashUnsorted) {
      sink.on_problem("Berkeley DB: " + where + " has type " + std::to_string(type) + ", not a hash page");
      return;
    }
    ReadHashPage(pgno, *page, sink);
    pgno = U32(*page, 16);
    first = false;
  }
}

void BdbHash::ReadHashPage(uint64_t pgno, Bytes page, const RecordSink& sink) {
  size_t entries = U16(page, 20);
  size_t max_entries = (page_size_ - kPageHeaderSize) / 2;
  if (entries > max_entries) {
    sink.on_problem("Berkeley DB: page " + std::to_string(pgno) + ": " + std::to_string(entries) +
                    " entries do not fit the page");
    return;
  }
  size_t index_end = kPageHeaderSize + 2 * entries;
  // Entries come in key/value pairs; an odd last entry has no value and is ignored, as rpm does.
  for (size_t i = 0; i + 1 < entries; i += 2) {
    std::string where = "page " + std::to_string(pgno) + " entry " + std::to_string(i / 2);
    size_t key_off = U16(page, kPageHeaderSize + 2 * i);
    size_t value_off = U16(page, kPageHeaderSize + 2 * (i + 1));
    size_t key_end = i == 0 ? page_size_ : U16(page, kPageHeaderSize + 2 * (i - 1));
    if (!(index_end <= value_off && value_off < key_off && key_off < key_end && key_end <= page_size_)) {
      sink.on_problem("Berkeley DB: " + where + ": item offsets out of order or outside the page");
      continue;
    }
    std::optional<std::vector<uint8_t>> key = ItemData(page.subspan(key_off, key_end - key_off), where, sink);
    if (!key) continue;
    if (key->size() != 4) {
      sink.on_problem("Berkeley DB: " + where + ": key of " + std::to_string(key->size()) + " bytes, expected 4");
      continue;
    }
    uint32_t id = U32(*key, 0);
    if (id == 0) continue;  // rpm's next-instance counter, not a package
    std::optional<std::vector<uint8_t>> value = ItemData(page.subspan(value_off, key_off - value_off), where, sink);
    if (!value) continue;
    sink.on_header(id, *value);
  }
}

std::optional<std::vector<uint8_t>> BdbHash::ItemData(Bytes item, const std::string& where, const RecordSink& sink) {
  // Callers pass non-empty items (offsets strictly ordered).
  switch (item[0]) {
    case kItemKeyData:
      return std::vector<uint8_t>(item.begin() + 1, item.end());
    case kItemOffPage:
      if (item.size() != kOffPageItemSize) {
        sink.on_problem("Berkeley DB: " + where + ": off-page item of " + std::to_string(item.size()) + " bytes");
        return std::nullopt;
      }
      return OverflowData(U32(item, 4), U32(item, 8), where, sink);
    default:
      sink.on_problem("Berkeley DB: " + where + ": unsupported item kind " + std::to_string(item[0]));
      return std::nullopt;
  }
}

std::optional<std::vector<uint8_t>> BdbHash::OverflowData(uint32_t first_pgno, uint32_t length,
                                                          const std::string& where, const RecordSink& sink) {
  if (length == 0 || length > kMaxHeaderBlobSize) {
    sink.on_problem("Berkeley DB: " + where + ": overflow item of " + std::to_string(length) + " bytes");
    return std::nullopt;
  }
  if (length > overflow_budget_) {
    sink.on_problem("Berkeley DB: " + where + ": overflow data exceeds the file size (items share pages)");
    return std::nullopt;
  }
  overflow_budget_ -= length;
  std::vector<uint8_t> data;
  data.reserve(length);
  uint64_t pgno = first_pgno;
  // Each overflow page contributes at least one byte and the chain cannot be longer than the file.
  for (uint64_t hops = 0; data.size() < length; ++hops) {
    std::string at = "Berkeley DB: " + where + ": overflow page " + std::to_string(pgno);
    std::optional<Bytes> page = pgno == 0 || hops >= page_count_ ? std::nullopt : Page(pgno);
    if (!page) {
      sink.on_problem(at + " lies outside the file or the chain loops");
      return std::nullopt;
    }
    if (U32(*page, 8) != pgno || (*page)[25] != kPageOverflow) {
      sink.on_problem(at + " is not an overflow page");
      return std::nullopt;
    }
    size_t here = U16(*page, 22);
    if (here == 0 || here > page_size_ - kPageHeaderSize || here > length - data.size()) {
      sink.on_problem(at + " claims " + std::to_string(here) + " bytes");
      return std::nullopt;
    }
    data.insert(data.end(), page->begin() + kPageHeaderSize, page->begin() + kPageHeaderSize + here);
    pgno = U32(*page, 16);
  }
  return data;
}

}  // namespace

bool LooksLikeBdbHash(Bytes file) { return file.size() >= 16 && MagicIsBigEndian(file, kHashMagic).has_value(); }

Status ReadBdbHashPackages(Bytes file, const RecordSink& sink) {
  HS_ASSIGN_OR_RETURN(BdbHash db, BdbHash::Open(file));
  db.ReadAll(sink);
  return OkStatus();
}

}  // namespace hullscan::analyze::rpm_internal
