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

struct HttpRequest {
  std::string method;  // as sent, e.g. "POST"
  std::string target;  // request target, e.g. "/?a=b"
  HeaderList headers;  // names lower-case, in arrival order
  std::string body;
  // Set when the request broke a size limit of the HTTP layer; the body (or
  // the headers) were not read, and the connection closes after the reply.
  bool too_large = false;
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
