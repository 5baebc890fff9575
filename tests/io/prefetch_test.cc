#include "io/prefetch.h"

#include <gtest/gtest.h>

#include "testing/testdata.h"

namespace hullscan::io {
namespace {

// Yields `data` in small, irregular pieces, then optionally fails.
class Trickle final : public Reader {
 public:
  Trickle(std::string data, bool fail_at_end) : data_(std::move(data)), fail_(fail_at_end) {}
  Result<size_t> Read(char* buf, size_t n) override {
    if (pos_ == data_.size()) {
      if (fail_) return Corrupt("inner reader broke");
      return size_t{0};
    }
    size_t k = std::min({n, data_.size() - pos_, size_t{1} + (pos_ % 977)});
    std::copy_n(data_.data() + pos_, k, buf);
    pos_ += k;
    return k;
  }

 private:
  std::string data_;
  bool fail_;
  size_t pos_ = 0;
};

std::string RealData() {
  return testing::ReadFileOrFail(testing::TestData() / "osdb/dpkg/claircore-ubuntu1804-texlive/var/lib/dpkg/status");
}

TEST(PrefetchReaderTest, DeliversEveryByteInOrder) {
  std::string data = RealData();
  for (size_t chunk : {size_t{1}, size_t{4096}, size_t{1} << 20}) {
    auto r = NewPrefetchReader(std::make_unique<Trickle>(data, false), chunk, 2);
    auto got = ReadAll(*r, 1 << 30);
    ASSERT_TRUE(got.ok()) << got.error().message();
    EXPECT_EQ(*got, data) << "chunk " << chunk;
  }
}

TEST(PrefetchReaderTest, ErrorArrivesAfterTheDataBeforeIt) {
  std::string data = RealData();
  auto r = NewPrefetchReader(std::make_unique<Trickle>(data, true), 65536, 3);
  std::string got;
  char buf[10000];
  while (true) {
    auto n = r->Read(buf, sizeof buf);
    if (!n.ok()) {
      EXPECT_EQ(n.error().message(), "inner reader broke");
      break;
    }
    ASSERT_GT(*n, 0u) << "must not report end of stream when the inner reader failed";
    got.append(buf, *n);
  }
  EXPECT_EQ(got, data);
}

TEST(PrefetchReaderTest, CancelStopsTheThreadAndLaterReadsFail) {
  std::string data(size_t{8} << 20, 'c');
  auto r = NewPrefetchReader(NewStringReader(data), 4096, 2);
  char buf[100];
  ASSERT_TRUE(r->Read(buf, sizeof buf).ok());
  r->Cancel();
  EXPECT_FALSE(r->Read(buf, sizeof buf).ok());
  r->Cancel();  // idempotent
}

TEST(PrefetchReaderTest, DestroyWithoutReadingOrMidway) {
  { auto unused = NewPrefetchReader(NewStringReader("x"), 16, 1); }
  auto r = NewPrefetchReader(NewStringReader(std::string(1 << 20, 'd')), 1024, 4);
  char buf[10];
  ASSERT_TRUE(r->Read(buf, sizeof buf).ok());
  r.reset();  // joins the producer blocked on a full queue
}

}  // namespace
}  // namespace hullscan::io
