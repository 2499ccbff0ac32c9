// Per-key request rate limit over a sliding one-second window: no window of
// one second, wherever it starts, admits more than the limit. Keys are
// (Action, calling identity, Region), as Tencent documents its limits.
// Thread-safe: sharded by key, one mutex per shard.
#pragma once

#include <array>
#include <cstdint>
#include <deque>
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

 private:
  static constexpr size_t kShardCount = 16;
  // Keys whose window emptied are swept once a shard holds this many.
  static constexpr size_t kShardKeysSweepThreshold = 4096;
  struct Shard {
    std::mutex mutex;
    std::unordered_map<std::string, std::deque<int64_t>> arrivals_nanos;
  };

  const Clock* clock_;
  std::array<Shard, kShardCount> shards_;
};

}  // namespace mnad::api
