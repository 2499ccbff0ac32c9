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

void AdjustableClock::Freeze(std::optional<int64_t> unix_millis) {
  std::lock_guard lock(mutex_);
  frozen_at_ = unix_millis.value_or(NowUnixMillis());
}

void AdjustableClock::Advance(int64_t millis) {
  std::lock_guard lock(mutex_);
  if (frozen()) {
    frozen_at_ += millis;
  } else {
    offset_millis_ += millis;
  }
}

void AdjustableClock::Resume() {
  std::lock_guard lock(mutex_);
  if (!frozen()) return;
  offset_millis_ = frozen_at_.load() - base_->NowUnixMillis();
  frozen_at_ = kRunning;
}

}  // namespace mnad
