#include "core/clock.h"

#include <chrono>

namespace mnad {

int64_t SystemClock::NowUnixMillis() const {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

int64_t SystemClock::MonotonicNanos() const {
  using namespace std::chrono;
  return duration_cast<nanoseconds>(steady_clock::now().time_since_epoch()).count();
}

int64_t AdjustableClock::NowUnixMillis() const {
  int64_t frozen_at = frozen_at_.load();
  if (frozen_at != kRunning) return frozen_at;
  return base_->NowUnixMillis() + offset_millis_.load();
}

AdjustableClock::State AdjustableClock::state() const {
  int64_t frozen_at = frozen_at_.load();
  if (frozen_at != kRunning) return {.frozen_at_millis = frozen_at, .offset_millis = 0};
  return {.frozen_at_millis = std::nullopt, .offset_millis = offset_millis_.load()};
}

void AdjustableClock::Set(const State& state) {
  // The offset first: a reader between the two stores sees either state's
  // time or the frozen one, never an offset applied to a stopped clock.
  offset_millis_ = state.offset_millis;
  frozen_at_ = state.frozen_at_millis.value_or(kRunning);
}

AdjustableClock::State AdjustableClock::Frozen(std::optional<int64_t> unix_millis) const {
  return {.frozen_at_millis = unix_millis.value_or(NowUnixMillis()), .offset_millis = 0};
}

AdjustableClock::State AdjustableClock::Advanced(int64_t millis) const {
  State next = state();
  if (next.frozen_at_millis) {
    *next.frozen_at_millis += millis;
  } else {
    next.offset_millis += millis;
  }
  return next;
}

AdjustableClock::State AdjustableClock::Resumed() const {
  State next = state();
  if (!next.frozen_at_millis) return next;
  return {.frozen_at_millis = std::nullopt,
          .offset_millis = *next.frozen_at_millis - base_->NowUnixMillis()};
}

}  // namespace mnad
