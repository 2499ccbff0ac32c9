// Per-key request rate limit over a sliding one-second window: no window of
// one second, wherever it starts, admits more than the limit. Keys are
// (Action, calling identity, Region), as Tencent documents its limits.
// Thread-safe: sharded by key, one mutex per shard.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <deque>
#include <limits>
#include <mutex>
#include <string>
#include <unordered_map>

#include "core/clock.h"

namespace mnad::api {

class RateLimiter {
 public:
  explicit RateLimiter(const Clock* clock) : clock_(clock) {}

  // Records the request and returns true when admitted; refused requests are
  // not recorded (they do not extend the refusal). A limit <= 0 disables it.
  bool Admit(const std::string& key, int limit_per_second);

  // At most this many keys are held (16 shards of 4,096). When a shard is
  // full of keys seen within the last second, a new key's request is
  // admitted without being recorded, and counted in untracked().
  static constexpr size_t kShardCount = 16;
  static constexpr size_t kShardKeysMax = 4096;
  static constexpr size_t kKeysMax = kShardCount * kShardKeysMax;
  // Keys at most this long are held; longer ones are hashed to this size.
  static constexpr size_t kKeyBytesMax = 256;

  size_t keys() const;
  uint64_t untracked() const { return untracked_.load(); }

 private:
  struct Shard {
    std::mutex mutex;
    std::unordered_map<std::string, std::deque<int64_t>> arrivals_nanos;
    // A full shard is swept at most once per kSweepIntervalNanos, so that a
    // flood of new keys cannot make every request walk the shard.
    int64_t next_sweep_nanos = std::numeric_limits<int64_t>::min();
  };

  const Clock* clock_;
  mutable std::array<Shard, kShardCount> shards_;
  std::atomic<uint64_t> untracked_{0};
};

}  // namespace mnad::api
