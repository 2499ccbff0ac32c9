#include "api/envelope.h"

#include <algorithm>
#include <boost/json/serialize.hpp>

#include "core/text.h"

namespace mnad::api {
namespace {
constexpr size_t kErrorMessageBytesMax = 1024;
}

std::string_view WireCode(ErrorCode code) {
  if (code == ErrorCode::kStorageOutcomeUnknown) return ErrorCodeName(ErrorCode::kInternalError);
  if (IsStorageError(code)) return ErrorCodeName(ErrorCode::kFailedOperationTransactionException);
  return ErrorCodeName(code);
}

std::string SuccessBody(boost::json::object fields, std::string_view request_id) {
  fields["RequestId"] = request_id;
  boost::json::object envelope;
  envelope["Response"] = std::move(fields);
  return boost::json::serialize(envelope);
}

std::string ErrorBody(const Error& error, std::string_view request_id) {
  boost::json::object inner;
  // Messages quote client text (an action, a region, a parameter): the reply
  // must stay valid JSON text of a bounded size whatever was sent.
  inner["Error"] = {{"Code", WireCode(error.code)},
                    {"Message", BoundedText(error.message, kErrorMessageBytesMax)}};
  inner["RequestId"] = request_id;
  boost::json::object envelope;
  envelope["Response"] = std::move(inner);
  return boost::json::serialize(envelope);
}

bool IsEchoableTraceId(std::string_view trace_id) {
  if (trace_id.empty() || trace_id.size() > kTraceIdBytesMax) return false;
  return std::all_of(trace_id.begin(), trace_id.end(), [](char c) { return c > 0x20 && c < 0x7F; });
}

http::HttpResponse MakeReply(std::string body, std::string_view request_id,
                             std::string_view trace_id) {
  http::HttpResponse response;
  response.status = 200;
  response.content_type = "application/json";
  response.body = std::move(body);
  response.headers.emplace_back("X-TC-RequestId", std::string(request_id));
  if (IsEchoableTraceId(trace_id)) response.headers.emplace_back("X-TC-TraceId", std::string(trace_id));
  return response;
}

}  // namespace mnad::api
