// Injected time. Production code reads time only through a Clock so that
// tests can freeze and move it (signature windows, rate limits, expiry).
// Thread-safe: SystemClock is stateless; FakeClock uses atomics.
#pragma once

#include <atomic>
#include <cstdint>

namespace mnad {

class Clock {
 public:
  virtual ~Clock() = default;
  // Wall-clock time, Unix epoch, milliseconds.
  virtual int64_t NowUnixMillis() const = 0;
  // Monotonic time for intervals, nanoseconds from an arbitrary origin.
  virtual int64_t MonotonicNanos() const = 0;

  int64_t NowUnixSeconds() const { return NowUnixMillis() / 1000; }
};

class SystemClock final : public Clock {
 public:
  int64_t NowUnixMillis() const override;
  int64_t MonotonicNanos() const override;
};

// A clock that moves only when told to. Both readings advance together.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(int64_t unix_millis) : unix_millis_(unix_millis) {}
  int64_t NowUnixMillis() const override { return unix_millis_.load(); }
  int64_t MonotonicNanos() const override { return unix_millis_.load() * 1'000'000; }
  void AdvanceMillis(int64_t millis) { unix_millis_ += millis; }
  void SetUnixMillis(int64_t millis) { unix_millis_ = millis; }

 private:
  std::atomic<int64_t> unix_millis_;
};

}  // namespace mnad
