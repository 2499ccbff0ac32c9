// The operator's HTTP API, on its own listener (never the TC API port).
// GET /healthz is open (ready once the store is open, for probes); every
// other request needs `Authorization: Bearer <admin token>`, compared in
// constant time. Under /v1: accounts and their flags, API keys, sub-users,
// balance top-ups and adjustments, vouchers, prices, read-only views,
// the journal, reset, export/import in the seed format and the test clock
// (README, "Operator guide", lists every endpoint).
// Bodies are JSON; a bad one gets a 4xx whose error names the field, and
// every mutation is one store transaction: applied whole or not at all.
// Thread-safe: Handle() runs concurrently on the I/O threads.
#pragma once

#include <boost/json/object.hpp>
#include <functional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/random.h"
#include "http/types.h"
#include "store/store.h"

namespace mnad::admin {

struct AdminApiOptions {
  std::string token;  // never logged
  std::function<boost::json::object()> info;
  std::function<std::string()> metrics;
  std::function<bool()> ready;
  store::Store* store = nullptr;
  Random* random = nullptr;
  const Clock* clock = nullptr;  // real time, for the audit log
  // The business clock (record and journal times); the test clock
  // endpoints move it only when `test_clock_enabled` (--test-clock).
  AdjustableClock* business_clock = nullptr;
  bool test_clock_enabled = false;
  std::function<void()> keys_changed;  // drops cached API keys and principals
  // The accepted regions after an import or reset.
  std::function<void(const std::vector<std::string>&)> regions_changed;
  std::function<void(std::string)> audit;  // one JSON line per mutation
};

class AdminApi {
 public:
  explicit AdminApi(AdminApiOptions options);
  void Handle(http::HttpRequest request, http::Responder respond) const;

 private:
  AdminApiOptions options_;
  std::string token_fingerprint_;  // names the caller in the audit log
};

// Reads the token in `path`, or creates one (32 random bytes, hex) with
// mode 0600. `created` tells whether it was made now.
std::string LoadOrCreateAdminToken(const std::string& path, bool* created, std::string* error);

}  // namespace mnad::admin
