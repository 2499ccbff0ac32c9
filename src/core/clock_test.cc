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
  clock.Set(clock.Advanced(86'400'000));
  EXPECT_EQ(clock.NowUnixMillis(), 87'400'000);
  base.AdvanceMillis(10);
  EXPECT_EQ(clock.NowUnixMillis(), 87'400'010);
  EXPECT_EQ(clock.offset_millis(), 86'400'000);
}

TEST(AdjustableClockTest, AFrozenClockStaysPutUntilAdvancedOrResumed) {
  FakeClock base(1'000'000);
  AdjustableClock clock(&base);
  clock.Set(clock.Frozen(5'000'000));
  base.AdvanceMillis(700);
  EXPECT_TRUE(clock.frozen());
  EXPECT_EQ(clock.NowUnixMillis(), 5'000'000);
  clock.Set(clock.Advanced(1'000));
  EXPECT_EQ(clock.NowUnixMillis(), 5'001'000);
  clock.Set(clock.Resumed());
  EXPECT_FALSE(clock.frozen());
  EXPECT_EQ(clock.NowUnixMillis(), 5'001'000);  // runs on from where it stood
  base.AdvanceMillis(20);
  EXPECT_EQ(clock.NowUnixMillis(), 5'001'020);
}

TEST(AdjustableClockTest, FreezeWithoutATimeStopsAtTheCurrentReading) {
  FakeClock base(2'000'000);
  AdjustableClock clock(&base);
  clock.Set(clock.Advanced(500));
  clock.Set(clock.Frozen(std::nullopt));
  base.AdvanceMillis(1'000);
  EXPECT_EQ(clock.NowUnixMillis(), 2'000'500);
  EXPECT_EQ(base.MonotonicNanos(), clock.MonotonicNanos());
}

TEST(AdjustableClockTest, AChangeIsComputedWithoutApplyingIt) {
  FakeClock base(1'000'000);
  AdjustableClock clock(&base);
  AdjustableClock::State frozen = clock.Frozen(7'000);
  EXPECT_EQ(frozen, (AdjustableClock::State{.frozen_at_millis = 7'000, .offset_millis = 0}));
  EXPECT_FALSE(clock.frozen());
  EXPECT_EQ(clock.NowUnixMillis(), 1'000'000);
  // Another clock on the same base, given the state, reads the same time.
  AdjustableClock other(&base);
  other.Set(clock.Advanced(250));
  EXPECT_EQ(other.NowUnixMillis(), 1'000'250);
  EXPECT_EQ(other.state(), (AdjustableClock::State{.frozen_at_millis = {}, .offset_millis = 250}));
}

}  // namespace
}  // namespace mnad
