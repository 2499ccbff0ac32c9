// Money invariants: a broken one is a bug, never input, so the process
// stops before the change reaches the disk.
// Thread-safe: yes.
#pragma once

#include <spdlog/spdlog.h>

#include <cstdlib>

namespace mnad::billing {

inline void Require(bool condition, const char* what) {
  if (condition) return;
  spdlog::critical("money invariant broken: {}", what);
  std::abort();
}

}  // namespace mnad::billing
