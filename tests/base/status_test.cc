#include "base/status.h"

#include <gtest/gtest.h>

namespace hullscan {
namespace {

Result<int> Half(int x) {
  if (x % 2) return InvalidArgument(std::to_string(x) + " is odd");
  return x / 2;
}

Result<int> Quarter(int x) {
  HS_ASSIGN_OR_RETURN(int h, Half(x));
  HS_ASSIGN_OR_RETURN(int q, Half(h).AddContext("second halving"));
  return q;
}

Status CheckEven(int x) {
  HS_TRY_CTX(Half(x), "checking " + std::to_string(x));
  return OkStatus();
}

TEST(ResultTest, ValueAndErrorPropagate) {
  auto q = Quarter(8);
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(*q, 2);

  auto bad = Quarter(6);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(bad.error().message(), "second halving: 3 is odd");
}

TEST(ResultTest, StatusCarriesContextChain) {
  EXPECT_TRUE(CheckEven(4).ok());
  auto s = CheckEven(5);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().message(), "checking 5: 5 is odd");
  auto outer = std::move(s).AddContext("layer sha256:ab");
  EXPECT_EQ(outer.error().message(), "layer sha256:ab: checking 5: 5 is odd");
}

TEST(ResultTest, ValueOr) {
  EXPECT_EQ(Half(3).value_or(-1), -1);
  EXPECT_EQ(Half(4).value_or(-1), 2);
}

TEST(ResultTest, MoveOnlyValues) {
  auto make = []() -> Result<std::unique_ptr<int>> { return std::make_unique<int>(7); };
  auto r = make();
  ASSERT_TRUE(r.ok());
  std::unique_ptr<int> p = std::move(r).value();
  EXPECT_EQ(*p, 7);
}

TEST(ErrorTest, ErrnoMapping) {
  EXPECT_EQ(IoErrorFromErrno("open /nope", ENOENT).code(), ErrorCode::kNotFound);
  EXPECT_EQ(IoErrorFromErrno("open /nope", EACCES).code(), ErrorCode::kPermissionDenied);
  EXPECT_EQ(IoErrorFromErrno("read", EIO).code(), ErrorCode::kIo);
  EXPECT_NE(IoErrorFromErrno("open /nope", ENOENT).message().find("No such file"), std::string::npos);
}

}  // namespace
}  // namespace hullscan
