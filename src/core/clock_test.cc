#include "core/clock.h"

#include <gtest/gtest.h>

namespace mnad {
namespace {

TEST(AdjustableClockTest, FollowsItsBaseUntilMoved) {
  FakeClock base(1'000'000);
  AdjustableClock clock(&base);
  EXPECT_EQ(clock.NowUnixMillis(), 1'000'000);
  base.AdvanceMillis(5);
  EXPECT_EQ(clock.NowUnixMillis(), 1'000'005);
  EXPECT_FALSE(clock.frozen());
  EXPECT_EQ(clock.offset_millis(), 0);
}

TEST(AdjustableClockTest, AdvanceMovesARunningClockAhead) {
  FakeClock base(1'000'000);
  AdjustableClock clock(&base);
  clock.Advance(86'400'000);
  EXPECT_EQ(clock.NowUnixMillis(), 87'400'000);
  base.AdvanceMillis(10);
  EXPECT_EQ(clock.NowUnixMillis(), 87'400'010);
  EXPECT_EQ(clock.offset_millis(), 86'400'000);
}

TEST(AdjustableClockTest, AFrozenClockStaysPutUntilAdvancedOrResumed) {
  FakeClock base(1'000'000);
  AdjustableClock clock(&base);
  clock.Freeze(5'000'000);
  base.AdvanceMillis(700);
  EXPECT_TRUE(clock.frozen());
  EXPECT_EQ(clock.NowUnixMillis(), 5'000'000);
  clock.Advance(1'000);
  EXPECT_EQ(clock.NowUnixMillis(), 5'001'000);
  clock.Resume();
  EXPECT_FALSE(clock.frozen());
  EXPECT_EQ(clock.NowUnixMillis(), 5'001'000);  // runs on from where it stood
  base.AdvanceMillis(20);
  EXPECT_EQ(clock.NowUnixMillis(), 5'001'020);
}

TEST(AdjustableClockTest, FreezeWithoutATimeStopsAtTheCurrentReading) {
  FakeClock base(2'000'000);
  AdjustableClock clock(&base);
  clock.Advance(500);
  clock.Freeze(std::nullopt);
  base.AdvanceMillis(1'000);
  EXPECT_EQ(clock.NowUnixMillis(), 2'000'500);
  EXPECT_EQ(base.MonotonicNanos(), clock.MonotonicNanos());
}

}  // namespace
}  // namespace mnad
