// Plain request/response values that cross from the HTTP layer to the API
// layer, so that the protocol code never sees Beast types and can be tested
// without sockets. Thread-safe: plain data.
#pragma once

#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace mnad::http {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

// Why the HTTP layer refused a request before it reached a handler's logic.
enum class Refusal {
  kNone,
  // The headers or the body broke a size limit; the rest was not read.
  kTooLarge,
  // The server's budget of request bytes in flight is spent; a large body was
  // not read.
  kBusy,
  // The message cannot be framed (RFC 9112 §6.3: an unsupported
  // Transfer-Encoding, conflicting lengths, a malformed line): answered with
  // HTTP 400.
  kMalformed,
};

struct HttpRequest {
  std::string method;  // as sent, e.g. "POST"
  std::string target;  // request target, e.g. "/?a=b"
  HeaderList headers;  // names lower-case, in arrival order
  std::string body;
  // Set when the HTTP layer refused the request before reading it whole;
  // the connection closes after the reply.
  Refusal refusal = Refusal::kNone;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  HeaderList headers;  // extra headers
  std::string body;
};

using Responder = std::function<void(HttpResponse)>;
// Called on an I/O thread; must call the responder exactly once, from any
// thread, now or later.
using HttpHandler = std::function<void(HttpRequest, Responder)>;

}  // namespace mnad::http
