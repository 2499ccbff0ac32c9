// A fixed-bucket histogram for metrics: lock-free observations, read as a
// consistent-enough snapshot for Prometheus. Bucket bounds are upper bounds,
// inclusive, ascending; an implicit +Inf bucket follows.
// Thread-safe: Observe() and Snapshot() may run concurrently.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <vector>

namespace mnad {

class Histogram {
 public:
  explicit Histogram(std::vector<double> bounds)
      : bounds_(std::move(bounds)), counts_(new std::atomic<uint64_t>[bounds_.size() + 1]) {
    for (size_t i = 0; i <= bounds_.size(); ++i) counts_[i] = 0;
  }

  void Observe(double value) {
    size_t bucket = 0;
    while (bucket < bounds_.size() && value > bounds_[bucket]) ++bucket;
    counts_[bucket].fetch_add(1, std::memory_order_relaxed);
    // The sum is kept in micro-units so that it can be an integer atomic.
    sum_micros_.fetch_add(static_cast<int64_t>(value * 1e6), std::memory_order_relaxed);
  }

  struct Snapshot {
    std::vector<double> bounds;
    std::vector<uint64_t> cumulative;  // per bound, then +Inf
    double sum = 0;
  };
  Snapshot Read() const {
    Snapshot snapshot{bounds_, {}, static_cast<double>(sum_micros_.load()) / 1e6};
    uint64_t running = 0;
    for (size_t i = 0; i <= bounds_.size(); ++i) {
      running += counts_[i].load(std::memory_order_relaxed);
      snapshot.cumulative.push_back(running);
    }
    return snapshot;
  }

 private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<uint64_t>[]> counts_;
  std::atomic<int64_t> sum_micros_{0};
};

}  // namespace mnad
