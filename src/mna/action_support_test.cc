#include "mna/action_support.h"

#include <gtest/gtest.h>

#include <limits>

namespace mnad::mna {
namespace {

TEST(PageOfTest, AWindowPerPage) {
  Result<PageRequest> third = PageOf(3, 10, false);
  ASSERT_TRUE(third.has_value());
  EXPECT_EQ(third->window.offset, 20);
  EXPECT_EQ(third->window.limit, 10);
  EXPECT_FALSE(third->all);
  EXPECT_EQ(*TotalPages(*third, 25), 3);
  EXPECT_EQ(*TotalPages(*third, 0), 0);
}

TEST(PageOfTest, PageSizeIsBetweenOneAndItsMaximum) {
  EXPECT_TRUE(PageOf(1, kPageSizeMax, false).has_value());
  for (auto [number, size] : {std::pair<int64_t, int64_t>{1, kPageSizeMax + 1}, {0, 10}, {1, 0}, {-1, -1}}) {
    Result<PageRequest> refused = PageOf(number, size, false);
    ASSERT_FALSE(refused.has_value()) << number << "/" << size;
    EXPECT_EQ(refused.error().code, ErrorCode::kInvalidParameterValue);
  }
}

TEST(PageOfTest, AHugePageNumberSaturatesInsteadOfWrapping) {
  Result<PageRequest> far = PageOf(std::numeric_limits<int64_t>::max(), kPageSizeMax, false);
  ASSERT_TRUE(far.has_value());
  EXPECT_EQ(far->window.offset, std::numeric_limits<int64_t>::max());
  Result<PageRequest> near_wrap = PageOf(int64_t{1} << 62, 100, false);
  ASSERT_TRUE(near_wrap.has_value());
  EXPECT_GT(near_wrap->window.offset, 0);
}

TEST(PageOfTest, EveryItemIsBoundedByTheListAllMaximum) {
  Result<PageRequest> all = PageOf(-1, -1, true);
  ASSERT_TRUE(all.has_value());
  EXPECT_TRUE(all->all);
  EXPECT_EQ(*TotalPages(*all, kListAllMax), 1);
  EXPECT_EQ(*TotalPages(*all, 0), 0);
  Result<int64_t> too_many = TotalPages(*all, kListAllMax + 1);
  ASSERT_FALSE(too_many.has_value());
  EXPECT_EQ(too_many.error().code, ErrorCode::kResponseSizeLimitExceeded);
}

}  // namespace
}  // namespace mnad::mna
