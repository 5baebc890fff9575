// Fixed-width integer loads from untrusted byte buffers, in an explicit byte order.
//
// Every load is bounds-checked: out-of-range reads yield 0 instead of touching memory. Callers
// still check ranges themselves before interpreting a structure (so a 0 never silently stands for
// real data); the check here is the second line of defence.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace hullscan::analyze::rpm_internal {

using Bytes = std::span<const uint8_t>;

// True when [offset, offset + length) lies inside a buffer of `size` bytes (overflow-safe).
constexpr bool InRange(uint64_t size, uint64_t offset, uint64_t length) {
  return offset <= size && length <= size - offset;
}

inline uint16_t LoadU16(Bytes b, size_t off, bool big_endian) {
  if (!InRange(b.size(), off, 2)) return 0;
  const uint8_t* p = b.data() + off;
  return big_endian ? static_cast<uint16_t>(p[0] << 8 | p[1]) : static_cast<uint16_t>(p[1] << 8 | p[0]);
}

inline uint32_t LoadU32(Bytes b, size_t off, bool big_endian) {
  if (!InRange(b.size(), off, 4)) return 0;
  const uint8_t* p = b.data() + off;
  if (big_endian) {
    return uint32_t{p[0]} << 24 | uint32_t{p[1]} << 16 | uint32_t{p[2]} << 8 | uint32_t{p[3]};
  }
  return uint32_t{p[3]} << 24 | uint32_t{p[2]} << 16 | uint32_t{p[1]} << 8 | uint32_t{p[0]};
}

inline uint32_t LoadLE32(Bytes b, size_t off) { return LoadU32(b, off, false); }
inline uint32_t LoadBE32(Bytes b, size_t off) { return LoadU32(b, off, true); }

}  // namespace hullscan::analyze::rpm_internal
