// TC API 3.0 over HTTP: turns one HTTP request into one action call and its
// envelope. In order: size and method, transport decoding, signature, route,
// rate limit, Region, parameters, then the account checks every action
// shares (suspension, CAM action permission), then the handler.
// Thread-safe: Handle() runs concurrently on the I/O threads.
#pragma once

#include <atomic>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "api/rate_limiter.h"
#include "api/request_observer.h"
#include "api/router.h"
#include "auth/authenticator.h"
#include "core/clock.h"
#include "core/random.h"
#include "http/types.h"

namespace mnad::api {

struct GatewayOptions {
  // Requests per second per (Action, caller, Region) for actions that do not
  // set their own; Tencent's documented limit for every MNA action is 20.
  int rate_limit_per_second = 20;
  // Tencent's documented limits per request kind.
  size_t get_request_bytes_max = 32 * 1024;
  size_t v1_post_body_bytes_max = 1024 * 1024;
  size_t tc3_post_body_bytes_max = 10 * 1024 * 1024;
};

class Gateway {
 public:
  Gateway(GatewayOptions options, const Router* router, const auth::Authenticator* authenticator,
          Random* random, const Clock* clock, std::vector<std::string> regions,
          RequestObserver observer = nullptr);

  void Handle(http::HttpRequest request, http::Responder respond);

  const RateLimiter& rate_limiter() const { return rate_limiter_; }
  std::shared_ptr<const std::set<std::string>> regions() const { return regions_.load(); }
  // Replaces the accepted regions (the operator imported or reset a seed).
  void SetRegions(const std::vector<std::string>& regions);

 private:
  // Everything before the handler; on success the handler is started.
  Result<void> Dispatch(const http::HttpRequest& request, const std::string& request_id,
                        const std::string& trace_id, http::Responder& respond,
                        RequestRecord* record);

  GatewayOptions options_;
  const Router* router_;
  const auth::Authenticator* authenticator_;
  Random* random_;
  const Clock* clock_;
  std::atomic<std::shared_ptr<const std::set<std::string>>> regions_;
  RequestObserver observer_;
  RateLimiter rate_limiter_;
};

}  // namespace mnad::api
