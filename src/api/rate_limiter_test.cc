#include "api/rate_limiter.h"

#include <gtest/gtest.h>

namespace mnad::api {
namespace {

TEST(RateLimiterTest, AdmitsTheLimitWithinOneSecondAndRefusesTheNext) {
  FakeClock clock(0);
  RateLimiter limiter(&clock);
  for (int i = 0; i < 20; ++i)
    EXPECT_TRUE(limiter.Admit("OrderPerLicense|1|ap-guangzhou", 20)) << i;
  EXPECT_FALSE(limiter.Admit("OrderPerLicense|1|ap-guangzhou", 20));
}

TEST(RateLimiterTest, NoSlidingWindowAdmitsMoreThanTheLimit) {
  FakeClock clock(0);
  RateLimiter limiter(&clock);
  // 10 at t=0 ms, 10 at t=600 ms: the window [600, 1600) must not admit 10
  // more at t=1000 (only the t=0 ones have left it by then).
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(limiter.Admit("k", 20));
  clock.AdvanceMillis(600);
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(limiter.Admit("k", 20));
  clock.AdvanceMillis(399);  // t = 999: all 20 still inside
  EXPECT_FALSE(limiter.Admit("k", 20));
  clock.AdvanceMillis(1);  // t = 1000: the first 10 leave the window
  for (int i = 0; i < 10; ++i) EXPECT_TRUE(limiter.Admit("k", 20)) << i;
  EXPECT_FALSE(limiter.Admit("k", 20));
}

TEST(RateLimiterTest, RefusalsDoNotCount) {
  FakeClock clock(0);
  RateLimiter limiter(&clock);
  ASSERT_TRUE(limiter.Admit("k", 1));
  for (int i = 0; i < 5; ++i) EXPECT_FALSE(limiter.Admit("k", 1));
  clock.AdvanceMillis(1000);
  EXPECT_TRUE(limiter.Admit("k", 1));
}

TEST(RateLimiterTest, KeysAreIndependentAndZeroDisables) {
  FakeClock clock(0);
  RateLimiter limiter(&clock);
  ASSERT_TRUE(limiter.Admit("a", 1));
  EXPECT_FALSE(limiter.Admit("a", 1));
  EXPECT_TRUE(limiter.Admit("b", 1));
  for (int i = 0; i < 100; ++i) EXPECT_TRUE(limiter.Admit("c", 0));
}

}  // namespace
}  // namespace mnad::api
