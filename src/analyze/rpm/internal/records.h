// What the three rpmdb backend readers (Berkeley DB hash, NDB, SQLite) share: they all store one
// header blob per installed package under a numeric record id, and report each blob to a sink.
//
// The readers take untrusted bytes. A damaged record or page is reported to on_problem and reading
// continues; only a file that cannot be read at all (wrong format, unreadable metadata) makes the
// reader return an error.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <string>

namespace hullscan::analyze::rpm_internal {

// rpm's own ceiling for one header (lib/header.c headerMaxbytes); larger records are corrupt.
inline constexpr size_t kMaxHeaderBlobSize = size_t{256} << 20;

struct RecordSink {
  // One package header blob (rpm's headerExport format, without the 8-byte magic) and the id the
  // database stores it under: the BDB key, the NDB package index, the SQLite hnum.
  std::function<void(uint32_t id, std::span<const uint8_t> blob)> on_header;
  // A damaged page, slot or record; the reader goes on with the next one.
  std::function<void(std::string message)> on_problem;
};

}  // namespace hullscan::analyze::rpm_internal
