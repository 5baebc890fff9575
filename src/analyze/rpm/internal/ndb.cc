// The NDB package database, learned from rpm's lib/backend/ndb/rpmpkg.c and go-rpmdb's pkg/ndb
// (no code copied). All integers are little-endian regardless of the host.
//
//   Header, 32 bytes at 0:  0 magic "RpmP"  4 version (0)  8 generation  12 slot page count
//                           16 next package index
//   Slot pages: `slot page count` pages of 4096 bytes from offset 0; after the header every 16 bytes
//   are one slot:  0 magic "Slot"  4 package index  8 block offset  12 block count.
//   A slot with block offset 0 is free. Offsets and counts are in 16-byte blocks.
//   Blob at block offset * 16, taking block count * 16 bytes:
//     head (16): magic "BlbS", package index, timestamp, blob length
//     the header blob itself, zero padding,
//     tail (12, at the very end): adler32 of everything before the tail, blob length, magic "BlbE".
#include "analyze/rpm/internal/ndb.h"

#include <algorithm>
#include <string>
#include <unordered_set>

namespace hullscan::analyze::rpm_internal {
namespace {

constexpr uint32_t Magic(char a, char b, char c, char d) {
  return uint32_t(uint8_t(a)) | uint32_t(uint8_t(b)) << 8 | uint32_t(uint8_t(c)) << 16 | uint32_t(uint8_t(d)) << 24;
}
constexpr uint32_t kDbMagic = Magic('R', 'p', 'm', 'P');
constexpr uint32_t kSlotMagic = Magic('S', 'l', 'o', 't');
constexpr uint32_t kBlobHeadMagic = Magic('B', 'l', 'b', 'S');
constexpr uint32_t kBlobTailMagic = Magic('B', 'l', 'b', 'E');

constexpr size_t kHeaderSize = 32;
constexpr size_t kPageSize = 4096;
constexpr size_t kSlotSize = 16;
constexpr size_t kBlockSize = 16;
constexpr size_t kBlobHeadSize = 16;
constexpr size_t kBlobTailSize = 12;

// RFC 1950 Adler-32, as rpmpkg.c uses it.
uint32_t Adler32(Bytes data) {
  constexpr uint32_t kMod = 65521;
  constexpr size_t kChunk = 5552;  // largest n for which the sums cannot overflow 32 bits
  uint32_t a = 1, b = 0;
  while (!data.empty()) {
    size_t n = std::min(data.size(), kChunk);
    for (size_t i = 0; i < n; ++i) {
      a += data[i];
      b += a;
    }
    a %= kMod;
    b %= kMod;
    data = data.subspan(n);
  }
  return b << 16 | a;
}

class NdbReader {
 public:
  NdbReader(Bytes file, const RecordSink& sink) : file_(file), sink_(sink), blob_budget_(file.size()) {}
  Status Read();

 private:
  void ReadSlot(uint64_t slot_no, size_t offset);
  void ReadBlob(uint64_t slot_no, uint32_t pkg_index, uint64_t block_offset, uint64_t block_count);
  void Problem(uint64_t slot_no, const std::string& what) {
    sink_.on_problem("NDB: slot " + std::to_string(slot_no) + ": " + what);
  }

  Bytes file_;
  const RecordSink& sink_;
  uint64_t min_block_offset_ = 0;
  // Blob bytes still allowed: sound slots never overlap, so blobs add up to less than the file;
  // hostile slots all pointing at one big blob would make the work quadratic.
  uint64_t blob_budget_;
  std::unordered_set<uint32_t> seen_;
};

Status NdbReader::Read() {
  if (file_.size() < kHeaderSize || LoadLE32(file_, 0) != kDbMagic) return Corrupt("NDB: no RpmP magic");
  uint32_t version = LoadLE32(file_, 4);
  if (version != 0) return Unsupported("NDB: version " + std::to_string(version) + " (rpm reads 0)");
  uint64_t slot_pages = LoadLE32(file_, 12);
  if (slot_pages == 0) return Corrupt("NDB: no slot pages");
  min_block_offset_ = slot_pages * (kPageSize / kBlockSize);
  uint64_t slot_area_end = slot_pages * kPageSize;
  if (slot_area_end > file_.size()) {
    sink_.on_problem("NDB: truncated: " + std::to_string(slot_pages) + " slot pages do not fit the file of " +
                     std::to_string(file_.size()) + " bytes");
    slot_area_end = file_.size();
  }
  // The first two slots' worth of bytes hold the file header.
  for (uint64_t offset = kHeaderSize; offset + kSlotSize <= slot_area_end; offset += kSlotSize) {
    ReadSlot(offset / kSlotSize, offset);
  }
  return OkStatus();
}

void NdbReader::ReadSlot(uint64_t slot_no, size_t offset) {
  if (LoadLE32(file_, offset) != kSlotMagic) {
    Problem(slot_no, "bad slot magic");
    return;
  }
  uint32_t pkg_index = LoadLE32(file_, offset + 4);
  uint64_t block_offset = LoadLE32(file_, offset + 8);
  uint64_t block_count = LoadLE32(file_, offset + 12);
  if (block_offset == 0) return;  // a free slot
  if (pkg_index == 0 || block_count == 0 || block_offset < min_block_offset_) {
    Problem(slot_no, "invalid entry (package " + std::to_string(pkg_index) + ", block " + std::to_string(block_offset) +
                         ", " + std::to_string(block_count) + " blocks)");
    return;
  }
  if (!InRange(file_.size(), block_offset * kBlockSize, block_count * kBlockSize)) {
    Problem(slot_no, "blob of package " + std::to_string(pkg_index) + " lies beyond the end of the file");
    return;
  }
  if (!seen_.insert(pkg_index).second) {
    Problem(slot_no, "package index " + std::to_string(pkg_index) + " appears twice");
    return;
  }
  ReadBlob(slot_no, pkg_index, block_offset, block_count);
}

void NdbReader::ReadBlob(uint64_t slot_no, uint32_t pkg_index, uint64_t block_offset, uint64_t block_count) {
  Bytes area = file_.subspan(block_offset * kBlockSize, block_count * kBlockSize);
  if (area.size() < kBlobHeadSize + kBlobTailSize) {
    Problem(slot_no, "blob area too small");
    return;
  }
  if (LoadLE32(area, 0) != kBlobHeadMagic || LoadLE32(area, 4) != pkg_index) {
    Problem(slot_no, "no blob of package " + std::to_string(pkg_index) + " at block " + std::to_string(block_offset));
    return;
  }
  uint64_t blob_length = LoadLE32(area, 12);
  if (block_count != (kBlobHeadSize + blob_length + kBlobTailSize + kBlockSize - 1) / kBlockSize) {
    Problem(slot_no, "blob length " + std::to_string(blob_length) + " does not match " + std::to_string(block_count) +
                         " blocks");
    return;
  }
  size_t tail = area.size() - kBlobTailSize;
  if (LoadLE32(area, tail + 4) != blob_length || LoadLE32(area, tail + 8) != kBlobTailMagic) {
    Problem(slot_no, "damaged blob tail");
    return;
  }
  if (area.size() > blob_budget_) {
    Problem(slot_no, "blobs overlap (more blob data than the file holds)");
    return;
  }
  blob_budget_ -= area.size();
  // rpm itself only checks the sum when verifying, not when reading a package; a mismatch is worth
  // a diagnostic but the header (validated on import) is still used.
  if (Adler32(area.first(tail)) != LoadLE32(area, tail)) Problem(slot_no, "blob checksum mismatch");
  sink_.on_header(pkg_index, area.subspan(kBlobHeadSize, blob_length));
}

}  // namespace

bool LooksLikeNdb(Bytes file) { return file.size() >= 4 && LoadLE32(file, 0) == kDbMagic; }

Status ReadNdbPackages(Bytes file, const RecordSink& sink) { return NdbReader(file, sink).Read(); }

}  // namespace hullscan::analyze::rpm_internal
