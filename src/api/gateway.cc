#include "api/gateway.h"

#include <algorithm>

#include "api/envelope.h"
#include "api/form.h"
#include "auth/permissions.h"

namespace mnad::api {
namespace {

// Parameters of the legacy signature that are not the action's own.
constexpr std::string_view kV1CommonParams[] = {
    "Action",    "Version",         "Region", "Timestamp", "Nonce",        "SecretId",
    "Signature", "SignatureMethod", "Token",  "Language",  "RequestClient"};

bool IsV1CommonParam(std::string_view name) {
  return std::find(std::begin(kV1CommonParams), std::end(kV1CommonParams), name) !=
         std::end(kV1CommonParams);
}

std::string_view MediaType(std::string_view content_type) {
  std::string_view media = content_type.substr(0, content_type.find(';'));
  while (!media.empty() && media.back() == ' ') media.remove_suffix(1);
  return media;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

std::string FindValue(const FormParams& form, std::string_view name) {
  for (const auto& [key, value] : form) {
    if (key == name) return value;
  }
  return {};
}

tl::unexpected<Error> TooLarge(std::string_view what, size_t limit) {
  return Fail(ErrorCode::kRequestSizeLimitExceeded,
              "The request is too large: " + std::string(what) + " allows at most " +
                  std::to_string(limit) + " bytes.");
}

}  // namespace

Gateway::Gateway(GatewayOptions options, const Router* router,
                 const auth::Authenticator* authenticator, Random* random, const Clock* clock,
                 std::vector<std::string> regions, RequestObserver observer)
    : options_(options),
      router_(router),
      authenticator_(authenticator),
      random_(random),
      clock_(clock),
      regions_(std::make_shared<const std::set<std::string>>(regions.begin(), regions.end())),
      observer_(std::move(observer)),
      rate_limiter_(clock) {}

void Gateway::SetRegions(const std::vector<std::string>& regions) {
  regions_.store(std::make_shared<const std::set<std::string>>(regions.begin(), regions.end()));
}

void Gateway::Handle(http::HttpRequest request, http::Responder respond) {
  std::string request_id = random_->Uuid();
  std::string trace_id(auth::FindHeader(request.headers, "x-tc-traceid").value_or(""));
  if (observer_) {
    // Report the request when its reply leaves, with what Dispatch learnt.
    auto record = std::make_shared<RequestRecord>();
    record->request_id = request_id;
    int64_t started = clock_->MonotonicNanos();
    http::Responder inner = std::move(respond);
    respond = [inner = std::move(inner), record, started, this](http::HttpResponse response) {
      record->latency_seconds = static_cast<double>(clock_->MonotonicNanos() - started) / 1e9;
      size_t code_at = response.body.find("\"Code\":\"");
      if (code_at != std::string::npos) {
        size_t begin = code_at + 8;
        record->code = response.body.substr(begin, response.body.find('"', begin) - begin);
      }
      observer_(*record);
      inner(std::move(response));
    };
    Result<void> dispatched = Dispatch(request, request_id, trace_id, respond, record.get());
    if (!dispatched)
      respond(MakeReply(ErrorBody(dispatched.error(), request_id), request_id, trace_id));
    return;
  }
  Result<void> dispatched = Dispatch(request, request_id, trace_id, respond, nullptr);
  if (!dispatched)
    respond(MakeReply(ErrorBody(dispatched.error(), request_id), request_id, trace_id));
}

Result<void> Gateway::Dispatch(const http::HttpRequest& request, const std::string& request_id,
                               const std::string& trace_id, http::Responder& respond,
                               RequestRecord* record) {
  switch (request.refusal) {
    case http::Refusal::kNone:
      break;
    case http::Refusal::kTooLarge:
      return TooLarge("a TC3 POST body", options_.tc3_post_body_bytes_max);
    case http::Refusal::kBusy:
      return Fail(ErrorCode::kRequestSizeLimitExceeded,
                  "The server is holding as many request bytes as it allows; send a smaller "
                  "request or retry later.");
    case http::Refusal::kMalformed:
      return Fail(ErrorCode::kInvalidRequest,
                  "The request is not valid HTTP/1.1, or its body length is ambiguous "
                  "(Transfer-Encoding other than chunked, or with Content-Length).");
  }
  bool is_get = request.method == "GET";
  if (!is_get && request.method != "POST") {
    return Fail(ErrorCode::kUnsupportedProtocol,
                "The HTTP method " + request.method + " is not supported; use GET or POST.");
  }

  // Transport: where the parameters travel and how they are encoded.
  size_t question = request.target.find('?');
  std::string_view target(request.target);
  std::string_view path = target.substr(0, question);
  std::string_view raw_query =
      question == std::string_view::npos ? "" : target.substr(question + 1);
  std::string_view content_type =
      MediaType(auth::FindHeader(request.headers, "content-type").value_or(""));
  bool has_authorization = !auth::FindHeader(request.headers, "authorization").value_or("").empty();

  FormParams form;
  bool params_in_form = true;
  if (is_get) {
    if (request.target.size() > options_.get_request_bytes_max) {
      return TooLarge("a GET request", options_.get_request_bytes_max);
    }
    Result<FormParams> parsed = ParseUrlEncoded(raw_query);
    if (!parsed) return tl::unexpected(parsed.error());
    form = std::move(*parsed);
  } else if (EqualsIgnoreCase(content_type, "application/x-www-form-urlencoded")) {
    if (!has_authorization && request.body.size() > options_.v1_post_body_bytes_max) {
      return TooLarge("a form POST body", options_.v1_post_body_bytes_max);
    }
    Result<FormParams> parsed = ParseUrlEncoded(request.body);
    if (!parsed) return tl::unexpected(parsed.error());
    form = std::move(*parsed);
  } else if (EqualsIgnoreCase(content_type, "application/json")) {
    params_in_form = false;
  } else if (EqualsIgnoreCase(content_type, "multipart/form-data")) {
    return Fail(ErrorCode::kInvalidRequest,
                "multipart/form-data bodies are not accepted by any action of this server.");
  } else {
    return Fail(
        ErrorCode::kInvalidParameter,
        "The Content-Type `" + std::string(content_type) +
            "` is not supported; use application/json or application/x-www-form-urlencoded.");
  }

  // Common parameters: headers with TC3, form fields with the legacy signature.
  std::string action, version, region;
  if (has_authorization) {
    action = auth::FindHeader(request.headers, "x-tc-action").value_or("");
    version = auth::FindHeader(request.headers, "x-tc-version").value_or("");
    region = auth::FindHeader(request.headers, "x-tc-region").value_or("");
  } else {
    action = FindValue(form, "Action");
    version = FindValue(form, "Version");
    region = FindValue(form, "Region");
  }

  auth::SignedRequest signed_request{request.method,   path, raw_query, request.body,
                                     &request.headers, &form};
  if (record != nullptr) record->region = region;
  Result<auth::Authenticated> authenticated = authenticator_->Authenticate(signed_request);
  if (!authenticated) return tl::unexpected(authenticated.error());
  if (record != nullptr) record->caller_uin = authenticated->principal.CallerUin();
  if (!has_authorization) {
    std::erase_if(form, [](const auto& param) { return IsV1CommonParam(param.first); });
  }

  if (action.empty()) {
    return Fail(ErrorCode::kMissingParameter,
                "The request is missing a required parameter `Action`.");
  }
  if (version.empty()) {
    return Fail(ErrorCode::kMissingParameter,
                "The request is missing a required parameter `Version`.");
  }
  Result<const ActionDef*> found = router_->Find(version, action);
  if (!found) return tl::unexpected(found.error());
  const ActionDef& definition = **found;
  if (record != nullptr) {
    record->service = definition.service;
    record->action = definition.action;
  }

  const Principal& principal = authenticated->principal;
  int limit = definition.rate_limit_per_second > 0 ? definition.rate_limit_per_second
                                                   : options_.rate_limit_per_second;
  // The Region is checked after the limit (Tencent's order), so an unknown
  // one is counted under one shared name: a client cannot grow the
  // limiter's keys by varying it.
  std::shared_ptr<const std::set<std::string>> known_regions = regions_.load();
  static const std::string kUnknownRegion = "?";
  const std::string& limited_region =
      known_regions->contains(region) ? region : kUnknownRegion;  // no copy: both are lvalues
  if (!rate_limiter_.Admit(definition.action + "|" + principal.CallerUin() + "|" + limited_region,
                           limit)) {
    return Fail(ErrorCode::kRequestLimitExceeded,
                "Your request frequency for " + definition.action + " exceeds " +
                    std::to_string(limit) + " requests per second; retry later.");
  }

  if (region.empty() && definition.region_required) {
    return Fail(ErrorCode::kMissingParameter,
                "The request is missing a required parameter `Region`.");
  }
  if (!region.empty() && !known_regions->contains(region)) {
    return Fail(ErrorCode::kUnsupportedRegion,
                "The region `" + region + "` is not supported by " + definition.service + ".");
  }

  Result<ParamObject> params = definition.params_unchecked ? Result<ParamObject>(ParamObject())
                               : params_in_form ? DecodeFormParams(form, definition.params)
                                                : DecodeJsonParams(request.body, definition.params);
  if (!params) return tl::unexpected(params.error());

  if (principal.account_suspended) {
    return Fail(ErrorCode::kUnauthorizedOperation,
                "The account " + principal.account_uin + " is suspended by the operator.");
  }
  if (!auth::ActionAllowed(principal, definition.service, definition.action)) {
    return Fail(ErrorCode::kAuthFailureUnauthorizedOperation,
                "The sub-user " + principal.sub_user_uin + " is not authorized to perform " +
                    definition.service + ":" + definition.action + ".");
  }

  CallContext context{principal, definition.service, definition.action, region, request_id};
  definition.handler(
      context, *params,
      [respond = std::move(respond), request_id, trace_id](Result<boost::json::object> result) {
        std::string body = result ? SuccessBody(std::move(*result), request_id)
                                  : ErrorBody(result.error(), request_id);
        respond(MakeReply(std::move(body), request_id, trace_id));
      });
  return {};
}

}  // namespace mnad::api
