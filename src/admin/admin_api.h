// The operator's HTTP API, on its own listener (never the TC API port):
// GET /healthz (ready once the store is open; no token, for probes),
// GET /info and GET /metrics (Prometheus text), each authenticated with
// `Authorization: Bearer <admin token>`, compared in constant time.
// Thread-safe: Handle() runs concurrently on the I/O threads.
#pragma once

#include <boost/json/object.hpp>
#include <functional>
#include <string>

#include "http/types.h"

namespace mnad::admin {

struct AdminApiOptions {
  std::string token;  // never logged
  std::function<boost::json::object()> info;
  std::function<std::string()> metrics;
  std::function<bool()> ready;
};

class AdminApi {
 public:
  explicit AdminApi(AdminApiOptions options) : options_(std::move(options)) {}
  void Handle(http::HttpRequest request, http::Responder respond) const;

 private:
  AdminApiOptions options_;
};

// Reads the token in `path`, or creates one (32 random bytes, hex) with
// mode 0600. `created` tells whether it was made now.
std::string LoadOrCreateAdminToken(const std::string& path, bool* created, std::string* error);

}  // namespace mnad::admin
