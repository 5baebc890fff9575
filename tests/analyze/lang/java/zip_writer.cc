#include "zip_writer.h"

#include <zlib.h>

#include <cstdint>
#include <stdexcept>

namespace hullscan::analyze::testing_zip {
namespace {

void Put16(std::string& out, uint32_t v) {
  out += static_cast<char>(v & 0xff);
  out += static_cast<char>((v >> 8) & 0xff);
}
void Put32(std::string& out, uint32_t v) {
  Put16(out, v & 0xffff);
  Put16(out, v >> 16);
}

std::string RawDeflate(const std::string& data) {
  z_stream zs{};
  if (deflateInit2(&zs, 9, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK) throw std::runtime_error("deflateInit2");
  std::string out(deflateBound(&zs, data.size()), '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  if (deflate(&zs, Z_FINISH) != Z_STREAM_END) throw std::runtime_error("deflate");
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

}  // namespace

std::string MakeZip(const std::vector<Entry>& entries) {
  std::string out, central;
  for (const Entry& e : entries) {
    const uint32_t crc =
        static_cast<uint32_t>(crc32(0, reinterpret_cast<const Bytef*>(e.data.data()), static_cast<uInt>(e.data.size())));
    const std::string stored = e.deflate ? RawDeflate(e.data) : e.data;
    const uint32_t offset = static_cast<uint32_t>(out.size());
    auto header = [&](std::string& h, bool is_central) {
      Put32(h, is_central ? 0x02014b50 : 0x04034b50);
      if (is_central) Put16(h, 20);
      Put16(h, 20);                   // version needed
      Put16(h, 0);                    // flags
      Put16(h, e.deflate ? 8 : 0);    // method
      Put16(h, 0);                    // time
      Put16(h, 0x21);                 // date 1980-01-01
      Put32(h, crc);
      Put32(h, static_cast<uint32_t>(stored.size()));
      Put32(h, static_cast<uint32_t>(e.data.size()));
      Put16(h, static_cast<uint32_t>(e.name.size()));
      Put16(h, 0);  // extra
      if (is_central) {
        Put16(h, 0);  // comment
        Put16(h, 0);  // disk
        Put16(h, 0);  // internal attributes
        Put32(h, 0);  // external attributes
        Put32(h, offset);
      }
      h += e.name;
    };
    header(out, false);
    out += stored;
    header(central, true);
  }
  const uint32_t central_offset = static_cast<uint32_t>(out.size());
  out += central;
  Put32(out, 0x06054b50);
  Put16(out, 0);
  Put16(out, 0);
  Put16(out, static_cast<uint32_t>(entries.size()));
  Put16(out, static_cast<uint32_t>(entries.size()));
  Put32(out, static_cast<uint32_t>(central.size()));
  Put32(out, central_offset);
  Put16(out, 0);
  return out;
}

}  // namespace hullscan::analyze::testing_zip
