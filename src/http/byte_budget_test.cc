#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "http/server.h"

namespace mnad::http {
namespace {

TEST(ByteBudgetTest, ReservesUpToItsLimitAndNoMore) {
  ByteBudget budget(100);
  EXPECT_TRUE(budget.TryReserve(60));
  EXPECT_FALSE(budget.TryReserve(41));
  EXPECT_TRUE(budget.TryReserve(40));
  EXPECT_EQ(budget.used(), 100u);
  EXPECT_FALSE(budget.TryReserve(1));
  budget.Release(60);
  EXPECT_TRUE(budget.TryReserve(60));
  EXPECT_FALSE(budget.TryReserve(UINT64_MAX)) << "a huge request must not wrap around";
}

TEST(ByteBudgetTest, HighWaterIsTheMostHeldSinceTheLastTake) {
  ByteBudget budget(1000);
  ASSERT_TRUE(budget.TryReserve(700));
  budget.Release(700);
  ASSERT_TRUE(budget.TryReserve(100));
  EXPECT_EQ(budget.TakeHighWater(), 700u);
  EXPECT_EQ(budget.TakeHighWater(), 100u) << "a new period starts from what is held now";
}

TEST(ByteBudgetTest, ConcurrentReservationsNeverExceedTheLimit) {
  ByteBudget budget(1000);
  std::vector<std::thread> threads;
  std::atomic<uint64_t> granted{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 1000; ++i) {
        if (budget.TryReserve(7)) granted += 7;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_LE(granted.load(), 1000u);
  EXPECT_EQ(budget.used(), granted.load());
}

}  // namespace
}  // namespace mnad::http
