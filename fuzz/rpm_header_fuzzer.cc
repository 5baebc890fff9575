// libFuzzer target: one rpm header blob (analyze/rpm/internal/header: our intro checks in front of
// librpm's headerImport/headerGet). librpm is a system library, so coverage feedback stops at its
// boundary, but ASan's interceptors still check the memcpy/memchr/str* calls it makes.
// Seeds: the header blobs of the rpmdb fixtures (e.g. extracted with the bdb reader).
#include <cstddef>
#include <cstdint>

#include "analyze/rpm/internal/header.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace rpm = hullscan::analyze::rpm_internal;
  auto fields = rpm::DecodeHeader(rpm::Bytes(data, size));
  if (fields.ok() && fields->name.empty()) __builtin_trap();  // DecodeHeader promises a NAME
  return 0;
}
