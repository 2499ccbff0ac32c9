// The TC API 3.0 response envelope: {"Response": {..., "RequestId": id}}.
// Every reply is HTTP 200 with Content-Type exactly application/json: the
// Python SDK reads errors only with that exact type, and no SDK reads an
// error code from a non-200 reply. Thread-safe: pure functions.
#pragma once

#include <boost/json/object.hpp>
#include <string>
#include <string_view>

#include "core/error.h"
#include "http/types.h"

namespace mnad::api {

// The wire code of an error. A storage failure becomes
// FailedOperation.TransactionException (nothing changed; retrying is safe),
// or InternalError when whether it committed is unknown.
std::string_view WireCode(ErrorCode code);

std::string SuccessBody(boost::json::object fields, std::string_view request_id);
std::string ErrorBody(const Error& error, std::string_view request_id);

// X-TC-TraceId is echoed only when it is 1 to 128 visible ASCII characters.
inline constexpr size_t kTraceIdBytesMax = 128;
bool IsEchoableTraceId(std::string_view trace_id);

// Wraps a body into the HTTP reply, echoing X-TC-TraceId when one was sent.
http::HttpResponse MakeReply(std::string body, std::string_view request_id,
                             std::string_view trace_id);

}  // namespace mnad::api
