// Header blobs are decoded by librpm itself (headerImport + headerGet), the reader rpm -qa uses:
// region and "dribble" semantics, legacy headers without a region and the exact validation rules
// then match rpm by construction instead of by re-implementation.
//
// Why that is acceptable on hostile input (blobs come from untrusted images):
//  - headerImport validates before use (hdrblobInit/hdrblobVerifyInfo/regionSwab, rpm 4.18): tag
//    count <= 65535, data <= 256 MiB, each entry's type, alignment and offset range, that its data
//    (strings included) ends inside the data area, and that entries do not overlap. rpm applies the
//    same code to every downloaded package, and it has been hardened after fuzzing (e.g.
//    CVE-2021-20266, fixed well before 4.18).
//  - The one gap found by reading the code: hdrblobInit reads the two leading 32-bit counts before
//    it compares the blob size, so a blob shorter than 8 bytes is an out-of-bounds read. We check
//    the intro ourselves first (length >= 8, counts in range, 8 + 16*il + dl == size exactly, the
//    size rpm requires anyway), so librpm only ever sees a blob whose outer geometry is sound.
//  - HEADERIMPORT_COPY: librpm swaps integers in place, so it works on its own copy, never on the
//    caller's (possibly shared, read-only) bytes. No HEADERIMPORT_FAST: that flag skips checks.
//  - Everything is read with HEADERGET_RAW | HEADERGET_MINMEM: no extension (computed) tags and no
//    locale lookups (i18n strings would otherwise depend on $LANG); we take the C-locale string.
//  - Header objects are per call, and librpm's tag tables initialise under pthread_once, so decoding
//    is safe from several threads at once.
//  - librpm's allocator aborts on out-of-memory; the size checks above bound an import to a copy of
//    at most 256 MiB, within the analyzer's own file-size limit.
// The fuzz target fuzz/rpm_header_fuzzer.cc drives this function.
#include "analyze/rpm/internal/header.h"

#include <rpm/header.h>
#include <rpm/rpmtag.h>
#include <rpm/rpmtd.h>

#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "base/digest.h"

namespace hullscan::analyze::rpm_internal {
namespace {

constexpr uint32_t kMaxIndexEntries = 0xffff;    // rpm's HEADER_TAGS_MAX
constexpr uint32_t kMaxDataLength = 0x0fffffff;  // rpm's HEADER_DATA_MAX
constexpr size_t kIndexEntrySize = 16;

struct FreeHeader {
  void operator()(headerToken_s* h) const { headerFree(h); }
};
using HeaderPtr = std::unique_ptr<headerToken_s, FreeHeader>;

// One headerGet result; frees what librpm allocated for it.
class TagData {
 public:
  TagData(Header h, rpmTagVal tag) {
    rpmtdReset(&td_);
    found_ = headerGet(h, tag, &td_, static_cast<headerGetFlags>(HEADERGET_RAW | HEADERGET_MINMEM)) != 0;
  }
  ~TagData() { rpmtdFreeData(&td_); }
  TagData(const TagData&) = delete;
  TagData& operator=(const TagData&) = delete;

  bool found() const { return found_; }
  rpm_tagtype_t type() const { return found_ ? td_.type : rpm_tagtype_t{RPM_NULL_TYPE}; }
  uint32_t count() const { return found_ ? td_.count : 0; }
  const void* data() const { return td_.data; }

 private:
  rpmtd_s td_{};
  bool found_ = false;
};

bool IsStringType(rpm_tagtype_t type) {
  return type == RPM_STRING_TYPE || type == RPM_STRING_ARRAY_TYPE || type == RPM_I18NSTRING_TYPE;
}

// The tag's (first) string. For STRING the data is the string; for arrays (and RAW i18n strings)
// it is an array of pointers into the header, the first being the C locale's.
std::optional<std::string> GetString(Header h, rpmTagVal tag) {
  TagData td(h, tag);
  if (!IsStringType(td.type()) || td.count() < 1 || td.data() == nullptr) return std::nullopt;
  const char* s = td.type() == RPM_STRING_TYPE ? static_cast<const char*>(td.data())
                                               : static_cast<const char* const*>(td.data())[0];
  if (s == nullptr) return std::nullopt;
  return std::string(s);
}

std::vector<std::string> GetStrings(Header h, rpmTagVal tag) {
  TagData td(h, tag);
  std::vector<std::string> out;
  if (td.type() != RPM_STRING_ARRAY_TYPE || td.data() == nullptr) return out;
  auto* strings = static_cast<const char* const*>(td.data());
  out.reserve(td.count());
  for (uint32_t i = 0; i < td.count(); ++i) out.emplace_back(strings[i] ? strings[i] : "");
  return out;
}

std::optional<uint64_t> GetNumber(Header h, rpmTagVal tag) {
  TagData td(h, tag);
  if (td.count() < 1 || td.data() == nullptr) return std::nullopt;
  switch (td.type()) {
    case RPM_INT32_TYPE: {
      uint32_t v;
      std::memcpy(&v, td.data(), sizeof v);
      return v;
    }
    case RPM_INT64_TYPE: {
      uint64_t v;
      std::memcpy(&v, td.data(), sizeof v);
      return v;
    }
    default:
      return std::nullopt;
  }
}

std::vector<uint32_t> GetUint32s(Header h, rpmTagVal tag) {
  TagData td(h, tag);
  if (td.type() != RPM_INT32_TYPE || td.data() == nullptr) return {};
  std::vector<uint32_t> out(td.count());
  std::memcpy(out.data(), td.data(), out.size() * sizeof(uint32_t));
  return out;
}

std::vector<uint16_t> GetUint16s(Header h, rpmTagVal tag) {
  TagData td(h, tag);
  if (td.type() != RPM_INT16_TYPE || td.data() == nullptr) return {};
  std::vector<uint16_t> out(td.count());
  std::memcpy(out.data(), td.data(), out.size() * sizeof(uint16_t));
  return out;
}

std::string GetBinaryHex(Header h, rpmTagVal tag, uint32_t expected_size) {
  TagData td(h, tag);
  if (td.type() != RPM_BIN_TYPE || td.count() != expected_size || td.data() == nullptr) return "";
  return HexEncode(std::span(static_cast<const uint8_t*>(td.data()), td.count()));
}

// Files from the compressed file list (BASENAMES + DIRNAMES via DIRINDEXES, rpm >= 4) or, for
// ancient headers, OLDFILENAMES. An index pointing outside DIRNAMES makes the list unusable.
Result<std::vector<HeaderFile>> GetFiles(Header h) {
  std::vector<std::string> paths;
  std::vector<std::string> basenames = GetStrings(h, RPMTAG_BASENAMES);
  if (!basenames.empty()) {
    std::vector<std::string> dirnames = GetStrings(h, RPMTAG_DIRNAMES);
    std::vector<uint32_t> dirindexes = GetUint32s(h, RPMTAG_DIRINDEXES);
    if (dirindexes.size() != basenames.size()) {
      return Corrupt("file list: " + std::to_string(basenames.size()) + " base names but " +
                     std::to_string(dirindexes.size()) + " directory indexes");
    }
    paths.reserve(basenames.size());
    for (size_t i = 0; i < basenames.size(); ++i) {
      if (dirindexes[i] >= dirnames.size()) {
        return Corrupt("file list: directory index " + std::to_string(dirindexes[i]) + " out of range");
      }
      paths.push_back(dirnames[dirindexes[i]] + basenames[i]);
    }
  } else {
    paths = GetStrings(h, RPMTAG_OLDFILENAMES);
  }
  std::vector<uint16_t> modes = GetUint16s(h, RPMTAG_FILEMODES);
  bool have_modes = modes.size() == paths.size();
  std::vector<HeaderFile> files;
  files.reserve(paths.size());
  for (size_t i = 0; i < paths.size(); ++i) {
    files.push_back({std::move(paths[i]), have_modes ? std::optional<uint16_t>(modes[i]) : std::nullopt});
  }
  return files;
}

}  // namespace

Result<HeaderFields> DecodeHeader(Bytes blob) {
  if (blob.size() < 8) return Corrupt("header of " + std::to_string(blob.size()) + " bytes is too short");
  uint64_t index_entries = LoadBE32(blob, 0);
  uint64_t data_length = LoadBE32(blob, 4);
  if (index_entries == 0 || index_entries > kMaxIndexEntries || data_length > kMaxDataLength) {
    return Corrupt("header counts out of range (" + std::to_string(index_entries) + " tags, " +
                   std::to_string(data_length) + " data bytes)");
  }
  if (8 + index_entries * kIndexEntrySize + data_length != blob.size()) {
    return Corrupt("header size mismatch: " + std::to_string(index_entries) + " tags and " +
                   std::to_string(data_length) + " data bytes do not make " + std::to_string(blob.size()) + " bytes");
  }
  // headerImport's blob parameter is not const, but with HEADERIMPORT_COPY it only reads it.
  HeaderPtr header(
      headerImport(const_cast<uint8_t*>(blob.data()), static_cast<unsigned>(blob.size()), HEADERIMPORT_COPY));
  if (!header) return Corrupt("librpm rejected the header (bad tag index or data)");
  Header h = header.get();

  HeaderFields f;
  std::optional<std::string> name = GetString(h, RPMTAG_NAME);
  std::optional<std::string> version = GetString(h, RPMTAG_VERSION);
  if (!name || name->empty()) return Corrupt("header has no NAME");
  if (!version || version->empty()) return Corrupt("package " + *name + ": header has no VERSION");
  f.name = std::move(*name);
  f.version = std::move(*version);
  f.release = GetString(h, RPMTAG_RELEASE).value_or("");
  if (std::optional<uint64_t> epoch = GetNumber(h, RPMTAG_EPOCH)) f.epoch = static_cast<uint32_t>(*epoch);
  f.arch = GetString(h, RPMTAG_ARCH);
  f.source_rpm = GetString(h, RPMTAG_SOURCERPM);
  f.license = GetString(h, RPMTAG_LICENSE);
  f.vendor = GetString(h, RPMTAG_VENDOR);
  f.packager = GetString(h, RPMTAG_PACKAGER);
  f.modularity_label = GetString(h, RPMTAG_MODULARITYLABEL);
  f.summary = GetString(h, RPMTAG_SUMMARY);
  f.size = GetNumber(h, RPMTAG_LONGSIZE);
  if (!f.size) f.size = GetNumber(h, RPMTAG_SIZE);
  f.sigmd5_hex = GetBinaryHex(h, RPMTAG_SIGMD5, 16);
  Result<std::vector<HeaderFile>> files = GetFiles(h);
  if (files.ok()) {
    f.files = std::move(*files);
  } else {
    f.file_list_problem = files.error().message();
  }
  return f;
}

}  // namespace hullscan::analyze::rpm_internal
