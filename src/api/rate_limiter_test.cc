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

TEST(RateLimiterTest, HoldsAtMostItsKeyLimitAndAdmitsNewKeysUntrackedWhenFull) {
  FakeClock clock(0);
  RateLimiter limiter(&clock);
  // Twice as many distinct keys as it may hold, all within one second.
  for (size_t i = 0; i < 2 * RateLimiter::kKeysMax; ++i) {
    ASSERT_TRUE(limiter.Admit("GetDevice|1|" + std::to_string(i), 20)) << i;
  }
  EXPECT_LE(limiter.keys(), RateLimiter::kKeysMax);
  EXPECT_GE(limiter.untracked(), RateLimiter::kKeysMax);
  // Once their windows have passed, the old keys are swept for new ones.
  clock.AdvanceMillis(1001);
  ASSERT_TRUE(limiter.Admit("fresh", 1));
  EXPECT_FALSE(limiter.Admit("fresh", 1));
}

TEST(RateLimiterTest, LongKeysAreHeldShortAndStillLimited) {
  FakeClock clock(0);
  RateLimiter limiter(&clock);
  std::string long_key(100'000, 'r');
  EXPECT_TRUE(limiter.Admit(long_key, 1));
  EXPECT_FALSE(limiter.Admit(long_key, 1));
  EXPECT_TRUE(limiter.Admit(long_key + "x", 1)) << "a different long key has its own window";
  EXPECT_EQ(limiter.keys(), 2u);
}

}  // namespace
}  // namespace mnad::api
