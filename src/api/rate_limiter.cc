#include "api/rate_limiter.h"

#include <functional>

namespace mnad::api {
namespace {
constexpr int64_t kWindowNanos = 1'000'000'000;
}

bool RateLimiter::Admit(const std::string& key, int limit_per_second) {
  if (limit_per_second <= 0) return true;
  int64_t now = clock_->MonotonicNanos();
  Shard& shard = shards_[std::hash<std::string>{}(key) % kShardCount];
  std::lock_guard lock(shard.mutex);
  if (shard.arrivals_nanos.size() >= kShardKeysSweepThreshold) {
    std::erase_if(shard.arrivals_nanos, [now](const auto& entry) {
      return entry.second.empty() || entry.second.back() <= now - kWindowNanos;
    });
  }
  std::deque<int64_t>& arrivals = shard.arrivals_nanos[key];
  while (!arrivals.empty() && arrivals.front() <= now - kWindowNanos) arrivals.pop_front();
  if (arrivals.size() >= static_cast<size_t>(limit_per_second)) return false;
  arrivals.push_back(now);
  return true;
}

}  // namespace mnad::api
