#include "api/envelope.h"

#include <boost/json/serialize.hpp>

namespace mnad::api {

std::string SuccessBody(boost::json::object fields, std::string_view request_id) {
  fields["RequestId"] = request_id;
  boost::json::object envelope;
  envelope["Response"] = std::move(fields);
  return boost::json::serialize(envelope);
}

std::string ErrorBody(const Error& error, std::string_view request_id) {
  boost::json::object inner;
  inner["Error"] = {{"Code", ErrorCodeName(error.code)}, {"Message", error.message}};
  inner["RequestId"] = request_id;
  boost::json::object envelope;
  envelope["Response"] = std::move(inner);
  return boost::json::serialize(envelope);
}

http::HttpResponse MakeReply(std::string body, std::string_view request_id,
                             std::string_view trace_id) {
  http::HttpResponse response;
  response.status = 200;
  response.content_type = "application/json";
  response.body = std::move(body);
  response.headers.emplace_back("X-TC-RequestId", std::string(request_id));
  if (!trace_id.empty()) response.headers.emplace_back("X-TC-TraceId", std::string(trace_id));
  return response;
}

}  // namespace mnad::api
