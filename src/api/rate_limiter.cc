#include "api/rate_limiter.h"

#include <functional>

namespace mnad::api {
namespace {
constexpr int64_t kWindowNanos = 1'000'000'000;
constexpr int64_t kSweepIntervalNanos = 100'000'000;
}

bool RateLimiter::Admit(const std::string& key, int limit_per_second) {
  if (limit_per_second <= 0) return true;
  int64_t now = clock_->MonotonicNanos();
  size_t hash = std::hash<std::string>{}(key);
  Shard& shard = shards_[hash % kShardCount];
  // The callers' keys are short; a long one is held by a prefix and its hash.
  std::string shortened;
  if (key.size() > kKeyBytesMax)
    shortened = key.substr(0, kKeyBytesMax - 21) + "#" + std::to_string(hash);
  const std::string& held = key.size() > kKeyBytesMax ? shortened : key;
  std::lock_guard lock(shard.mutex);
  auto found = shard.arrivals_nanos.find(held);
  if (found == shard.arrivals_nanos.end()) {
    if (shard.arrivals_nanos.size() >= kShardKeysMax && now >= shard.next_sweep_nanos) {
      // Keys whose window emptied are swept only when the shard is full.
      shard.next_sweep_nanos = now + kSweepIntervalNanos;
      std::erase_if(shard.arrivals_nanos, [now](const auto& entry) {
        return entry.second.empty() || entry.second.back() <= now - kWindowNanos;
      });
    }
    if (shard.arrivals_nanos.size() >= kShardKeysMax) {
      untracked_++;
      return true;
    }
    found = shard.arrivals_nanos.try_emplace(held).first;
  }
  std::deque<int64_t>& arrivals = found->second;
  while (!arrivals.empty() && arrivals.front() <= now - kWindowNanos) arrivals.pop_front();
  if (arrivals.size() >= static_cast<size_t>(limit_per_second)) return false;
  arrivals.push_back(now);
  return true;
}

size_t RateLimiter::keys() const {
  size_t total = 0;
  for (Shard& shard : shards_) {
    std::lock_guard lock(shard.mutex);
    total += shard.arrivals_nanos.size();
  }
  return total;
}

}  // namespace mnad::api
