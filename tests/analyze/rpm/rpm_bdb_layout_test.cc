// Berkeley DB layouts the fixtures do not cover: big-endian files, other page sizes, values stored
// inline on the hash page, several buckets and bucket page chains. The real fixtures are all
// little-endian with 4096-byte pages and one overflow item per package, so these files are made
// here: once by byte-swapping a real fixture, once by writing hash files from the real header
// blobs with a small writer of the same page format.
#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cstring>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "analyze/rpm/internal/bdb_hash.h"
#include "rpm_test_support.h"

namespace hullscan::analyze::rpm_test {
namespace {

uint32_t GetLE32(const std::string& s, size_t off) {
  uint32_t v = 0;
  for (int i = 3; i >= 0; --i) v = v << 8 | static_cast<uint8_t>(s[off + i]);
  return v;
}
uint16_t GetLE16(const std::string& s, size_t off) {
  return static_cast<uint16_t>(static_cast<uint8_t>(s[off]) | static_cast<uint8_t>(s[off + 1]) << 8);
}
void Swap(std::string& s, size_t off, size_t width) {
  ASSERT_LE(off + width, s.size());
  std::reverse(s.begin() + off, s.begin() + off + width);
}

// Rewrites a little-endian rpm Packages hash file as the big-endian machine that wrote it would
// have: metadata words, page headers, item offsets, off-page references and the 4-byte keys.
std::string ToBigEndian(std::string file) {
  uint32_t page_size = GetLE32(file, 20);
  size_t pages = file.size() / page_size;
  for (size_t off = 8; off < 224; off += 4) {
    if (off != 24) Swap(file, off, 4);  // bytes 24..27 are single-byte fields
  }
  for (size_t p = 1; p < pages; ++p) {
    size_t base = p * page_size;
    uint8_t type = static_cast<uint8_t>(file[base + 25]);
    uint16_t entries = GetLE16(file, base + 20);
    if (type == 2 || type == 13) {
      std::vector<uint16_t> offsets;  // read them all before any is swapped
      for (size_t i = 0; i < entries; ++i) offsets.push_back(GetLE16(file, base + 26 + 2 * i));
      for (size_t i = 0; i < entries; ++i) {
        uint16_t item = offsets[i];
        size_t item_end = i == 0 ? page_size : offsets[i - 1];
        uint8_t kind = static_cast<uint8_t>(file[base + item]);
        if (kind == 3) {
          Swap(file, base + item + 4, 4);
          Swap(file, base + item + 8, 4);
        } else if (kind == 1 && i % 2 == 0 && item_end - item == 5) {
          Swap(file, base + item + 1, 4);  // the package key, in the writer's byte order
        }
        Swap(file, base + 26 + 2 * i, 2);
      }
    }
    for (size_t off : {8, 12, 16}) Swap(file, base + off, 4);
    for (size_t off : {20, 22}) Swap(file, base + off, 2);
  }
  return file;
}

// A minimal writer of the hash page format, enough to lay real header blobs out in other ways.
class BdbWriter {
 public:
  BdbWriter(uint32_t page_size, bool big_endian, uint32_t buckets)
      : page_size_(page_size), big_endian_(big_endian), buckets_(buckets) {
    pages_.emplace_back(page_size_, '\0');  // metadata, filled in by Finish()
    for (uint32_t b = 0; b < buckets_; ++b) {
      tails_.push_back(NewHashPage());  // bucket b lives on page b + 1, so every spare is 1
    }
  }

  // Adds key -> value to bucket key % buckets; `inline_value` keeps the value on the hash page.
  void Put(uint32_t key, const std::string& value, bool inline_value) {
    std::string key_item(5, '\0');
    key_item[0] = 1;
    Put32(key_item, 1, key);
    std::string value_item;
    if (inline_value) {
      value_item = std::string(1, '\1') + value;
    } else {
      value_item.assign(12, '\0');
      value_item[0] = 3;
      Put32(value_item, 4, WriteOverflow(value));
      Put32(value_item, 8, static_cast<uint32_t>(value.size()));
    }
    size_t bucket = key % buckets_;
    uint32_t pgno = tails_[bucket];
    if (!Fits(pgno, key_item.size() + value_item.size())) {
      uint32_t next = NewHashPage();
      Put32(pages_[pgno], 16, next);
      Put32(pages_[next], 12, pgno);
      tails_[bucket] = pgno = next;
    }
    AddItem(pgno, key_item);
    AddItem(pgno, value_item);
  }

  bool InlineFits(size_t value_size) const { return 26 + 4 + 5 + 1 + value_size <= page_size_; }

  std::string Finish() {
    std::string& meta = pages_[0];
    Put32(meta, 12, 0x00061561);
    Put32(meta, 16, 9);
    Put32(meta, 20, page_size_);
    meta[25] = 8;
    Put32(meta, 32, static_cast<uint32_t>(pages_.size() - 1));
    Put32(meta, 72, buckets_ - 1);
    uint32_t mask = std::bit_ceil(buckets_) - 1;
    Put32(meta, 76, mask);
    Put32(meta, 80, mask >> 1);
    for (size_t i = 0; i < 32; ++i) Put32(meta, 96 + 4 * i, 1);
    std::string file;
    for (const std::string& p : pages_) file += p;
    return file;
  }

 private:
  void Put32(std::string& s, size_t off, uint32_t v) const {
    for (int i = 0; i < 4; ++i) s[off + (big_endian_ ? 3 - i : i)] = static_cast<char>(v >> (8 * i));
  }
  void Put16(std::string& s, size_t off, uint16_t v) const {
    for (int i = 0; i < 2; ++i) s[off + (big_endian_ ? 1 - i : i)] = static_cast<char>(v >> (8 * i));
  }
  uint16_t Get16(const std::string& s, size_t off) const {
    uint8_t a = static_cast<uint8_t>(s[off]), b = static_cast<uint8_t>(s[off + 1]);
    return big_endian_ ? static_cast<uint16_t>(a << 8 | b) : static_cast<uint16_t>(b << 8 | a);
  }
  uint32_t NewPage(uint8_t type) {
    uint32_t pgno = static_cast<uint32_t>(pages_.size());
    pages_.emplace_back(page_size_, '\0');
    Put32(pages_.back(), 8, pgno);
    pages_.back()[25] = static_cast<char>(type);
    return pgno;
  }
  uint32_t NewHashPage() {
    uint32_t pgno = NewPage(13);
    Put16(pages_[pgno], 22, static_cast<uint16_t>(page_size_ == 65536 ? 65535 : page_size_));  // unused by readers
    low_[pgno] = page_size_;
    return pgno;
  }
  bool Fits(uint32_t pgno, size_t bytes) const {
    size_t entries = Get16(pages_[pgno], 20);
    return 26 + 2 * (entries + 2) + bytes <= low_.at(pgno);
  }
  void AddItem(uint32_t pgno, const std::string& item) {
    std::string& page = pages_[pgno];
    uint16_t entries = Get16(page, 20);
    size_t off = low_[pgno] - item.size();
    std::memcpy(page.data() + off, item.data(), item.size());
    Put16(page, 26 + 2 * entries, static_cast<uint16_t>(off));
    Put16(page, 20, static_cast<uint16_t>(entries + 1));
    low_[pgno] = off;
  }
  uint32_t WriteOverflow(const std::string& data) {
    uint32_t first = 0, prev = 0;
    for (size_t done = 0; done < data.size();) {
      size_t here = std::min<size_t>(data.size() - done, page_size_ - 26);
      uint32_t pgno = NewPage(7);
      Put16(pages_[pgno], 20, 1);
      Put16(pages_[pgno], 22, static_cast<uint16_t>(here));
      std::memcpy(pages_[pgno].data() + 26, data.data() + done, here);
      if (prev) {
        Put32(pages_[prev], 16, pgno);
        Put32(pages_[pgno], 12, prev);
      } else {
        first = pgno;
      }
      prev = pgno;
      done += here;
    }
    return first;
  }

  uint32_t page_size_;
  bool big_endian_;
  uint32_t buckets_;
  std::vector<std::string> pages_;
  std::vector<uint32_t> tails_;
  std::map<uint32_t, size_t> low_;  // lowest used offset of each hash page
};

// The header blobs of all Berkeley DB fixtures, and the packages the analyzer finds in them.
struct BdbBlobs {
  std::vector<std::string> blobs;
  std::vector<inventory::Package> packages;
};

BdbBlobs CollectBdbFixtures() {
  BdbBlobs out;
  for (const std::string& name : RpmCaseNames()) {
    RpmCase c = LoadRpmCase(name);
    if (c.backend != "bdb") continue;
    for (auto& [id, blob] : ReadRecords("bdb", c.bytes).headers) out.blobs.push_back(blob);
    inventory::LayerResult result = AnalyzeOne("var/lib/rpm/Packages", c.bytes);
    for (auto& p : result.package_dbs.at(0).packages) out.packages.push_back(p);
  }
  return out;
}

TEST(RpmBdbLayout, BigEndianFixturesReadTheSame) {
  for (const std::string& name : RpmCaseNames()) {
    RpmCase c = LoadRpmCase(name);
    if (c.backend != "bdb") continue;
    SCOPED_TRACE(name);
    std::string swapped = ToBigEndian(c.bytes);
    ASSERT_NE(swapped, c.bytes);
    RawRecords little = ReadRecords("bdb", c.bytes);
    RawRecords big = ReadRecords("bdb", swapped);
    EXPECT_TRUE(big.ok);
    EXPECT_TRUE(big.problems.empty()) << ::testing::PrintToString(big.problems);
    EXPECT_EQ(big.headers, little.headers);
    inventory::LayerResult a = AnalyzeOne(c.input, c.bytes), b = AnalyzeOne(c.input, swapped);
    EXPECT_EQ(a, b);
  }
}

class RpmBdbWriterTest : public ::testing::TestWithParam<std::tuple<uint32_t, bool, uint32_t>> {};

TEST_P(RpmBdbWriterTest, ReadsBackWhatWasWritten) {
  auto [page_size, big_endian, buckets] = GetParam();
  BdbBlobs fixtures = CollectBdbFixtures();
  ASSERT_EQ(fixtures.blobs.size(), 3u);  // libuuid, hello (epoch), dive
  BdbWriter writer(page_size, big_endian, buckets);
  std::string counter(4, '\0');
  counter[big_endian ? 3 : 0] = 42;
  writer.Put(0, counter, true);  // rpm's next-instance record, must be skipped
  // Several copies, so pages fill up and chain; inline where the value fits the page.
  std::vector<std::pair<uint32_t, std::string>> written;
  for (uint32_t key = 1; key <= 12; ++key) {
    const std::string& blob = fixtures.blobs[(key - 1) % fixtures.blobs.size()];
    writer.Put(key, blob, writer.InlineFits(blob.size()) && key % 2 == 0);
    written.emplace_back(key, blob);
  }
  std::string file = writer.Finish();
  RawRecords records = ReadRecords("bdb", file);
  EXPECT_TRUE(records.ok);
  EXPECT_TRUE(records.problems.empty()) << ::testing::PrintToString(records.problems);
  // rpm's iteration order: bucket by bucket, each bucket's items in page order.
  std::stable_sort(written.begin(), written.end(),
                   [&](const auto& a, const auto& b) { return a.first % buckets < b.first % buckets; });
  EXPECT_EQ(records.headers, written);

  inventory::LayerResult out = AnalyzeOne("var/lib/rpm/Packages", file);
  EXPECT_TRUE(out.diagnostics.empty());
  ASSERT_EQ(out.package_dbs.size(), 1u);
  ASSERT_EQ(out.package_dbs[0].packages.size(), written.size());
  for (size_t i = 0; i < written.size(); ++i) {
    EXPECT_EQ(out.package_dbs[0].packages[i], fixtures.packages[(written[i].first - 1) % fixtures.packages.size()]);
  }
}

INSTANTIATE_TEST_SUITE_P(PageSizesByteOrdersBuckets, RpmBdbWriterTest,
                         ::testing::Combine(::testing::Values(512u, 1024u, 4096u, 8192u, 65536u), ::testing::Bool(),
                                            ::testing::Values(1u, 3u)));

}  // namespace
}  // namespace hullscan::analyze::rpm_test
