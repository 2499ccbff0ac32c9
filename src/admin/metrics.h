// Request metrics and the Prometheus text exposition of everything mnad
// measures: requests by service, action and code; request latency;
// rate-limit refusals; group-commit batch sizes and commit durations.
// Thread-safe: Record() and Render() may run concurrently.
#pragma once

#include <map>
#include <mutex>
#include <string>
#include <tuple>
#include <vector>

#include "api/request_observer.h"
#include "core/histogram.h"
#include "http/server.h"

namespace mnad::admin {

class Metrics {
 public:
  void Record(const api::RequestRecord& record);

  struct StoreHistograms {
    const Histogram* batch_sizes = nullptr;
    const Histogram* commit_seconds = nullptr;
    const Histogram* sync_seconds = nullptr;
  };
  std::string Render(const StoreHistograms& store) const;

  uint64_t requests_total() const;

 private:
  mutable std::mutex mutex_;
  // (service, action, code) -> count; code "Success" for answered requests.
  std::map<std::tuple<std::string, std::string, std::string>, uint64_t> requests_;
  uint64_t rate_limit_refusals_ = 0;
  Histogram latency_seconds_{
      {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5}};
};

// The listeners' bounds, for /metrics: connections open and refused, accept
// errors, malformed and budget-refused requests, body bytes in flight, and
// the rate limiter's keys.
struct ListenerGauges {
  std::string listener;  // "api" or "admin"
  const http::ServerStats* stats = nullptr;
};
std::string RenderListenerMetrics(const std::vector<ListenerGauges>& listeners,
                                  const http::ByteBudget& budget, size_t rate_limiter_keys,
                                  uint64_t rate_limiter_untracked);

// One JSON line for the request log: time, RequestId, service, action,
// caller uin, region, code, latency in microseconds. Never a secret.
std::string RequestLogLine(const api::RequestRecord& record, int64_t unix_millis);

}  // namespace mnad::admin
