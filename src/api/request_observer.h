// What the gateway reports of every API request once it is answered, for
// metrics and the request log. No secrets: the SecretId and the key never
// appear here.
// Thread-safe: observers are called concurrently from I/O and writer threads.
#pragma once

#include <functional>
#include <string>

namespace mnad::api {

struct RequestRecord {
  std::string request_id;
  std::string service;  // empty when the request never reached an action
  std::string action;
  std::string caller_uin;  // empty when authentication failed
  std::string region;
  std::string code;  // the error code, empty on success
  double latency_seconds = 0;
};

using RequestObserver = std::function<void(const RequestRecord&)>;

}  // namespace mnad::api
