// Injected time. Production code reads time only through a Clock so that
// tests can freeze and move it (signature windows, rate limits, expiry).
// Thread-safe: SystemClock is stateless; FakeClock uses atomics.
#pragma once

#include <atomic>
#include <cstdint>
#include <optional>

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

// The emulator's test clock: another clock's time, unless an operator froze
// it or moved it (the admin API, with --test-clock). Business rules read it
// (voucher validity, package periods, record times); signatures and rate
// limits keep reading the real clock. Its state is two numbers, kept in the
// store so that every node (and a restart) reads the same time; a change
// is computed here, written, then Set.
class AdjustableClock final : public Clock {
 public:
  struct State {
    std::optional<int64_t> frozen_at_millis;  // stopped at this reading
    int64_t offset_millis = 0;                // else: ahead of the base by this much
    bool operator==(const State&) const = default;
  };

  explicit AdjustableClock(const Clock* base) : base_(base) {}
  int64_t NowUnixMillis() const override;
  int64_t MonotonicNanos() const override { return base_->MonotonicNanos(); }

  State state() const;
  void Set(const State& state);

  // The state after a change, from the current one (nothing changes yet):
  // stopped at `unix_millis` (at the current reading when absent);
  State Frozen(std::optional<int64_t> unix_millis) const;
  // moved by `millis`, frozen or not;
  State Advanced(int64_t millis) const;
  // running again from the current reading.
  State Resumed() const;

  bool frozen() const { return frozen_at_.load() != kRunning; }
  // How far the clock is ahead of its base (behind when negative).
  int64_t offset_millis() const { return NowUnixMillis() - base_->NowUnixMillis(); }

 private:
  static constexpr int64_t kRunning = INT64_MIN;
  const Clock* base_;
  std::atomic<int64_t> offset_millis_{0};
  std::atomic<int64_t> frozen_at_{kRunning};
};

}  // namespace mnad
