// fuzz_http_request: bytes off a connection, through Beast's request parser
// (the server's limits) into the TC API gateway: transport decoding,
// signature, routing, rate limit, Region, parameters and a handler.
// Requests marked `Signature=AUTO` are signed first (client_signer.h).
// Several pipelined requests may share one input, as on a kept-alive
// connection; a request the server refuses (too large, malformed) reaches
// the gateway as a refusal, as in http/server.cc.
//
// Invariants, per request:
// - the responder is called exactly once, before Handle returns (every
//   handler here answers at once);
// - the reply is HTTP 200, application/json, a valid UTF-8 JSON envelope
//   {"Response": {..., "RequestId": id}} whose id is the X-TC-RequestId
//   header; an error has a known Code and a bounded Message;
// - no reply header carries CR, LF or NUL (they are written out raw);
// - the observer sees the request once, with the reply's error code;
// - a handler runs only for a request signed with the fuzz key, gets
//   parameters that obey its schema, and a success reply comes from it.
#include <boost/asio/buffer.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "api/envelope.h"
#include "api/gateway.h"
#include "api/router.h"
#include "auth/authenticator.h"
#include "client_signer.h"
#include "core/clock.h"
#include "core/error.h"
#include "core/random.h"
#include "fuzz_check.h"
#include "http/types.h"
#include "param_checks.h"
#include "schemas.h"

namespace mnad::fuzz {
namespace {

namespace bhttp = boost::beast::http;

// The server's defaults (http/server.h ServerOptions).
constexpr uint32_t kHeaderBytesMax = 64 * 1024;
constexpr uint64_t kBodyBytesMax = 10 * 1024 * 1024;
// Requests read from one input; more adds time, not coverage.
constexpr int kRequestsPerInputMax = 8;
constexpr std::string_view kVersion = "2021-01-19";

// Built once: the router, the authenticator and their clock.
struct Environment {
  FakeClock clock{kNowUnixSeconds * 1000};
  auth::Authenticator authenticator{{}, &clock, LookupFixedKey};
  api::Router router;
  int handler_calls = 0;  // for the request in flight

  Environment() {
    for (const NamedSchema& schema : Schemas()) {
      const std::vector<api::ParamSpec>* specs = &schema.params;
      router.Add(
          {.service = schema.action == "DescribeVoucherInfo" ? "billing" : "mna",
           .version = schema.action == "DescribeVoucherInfo" ? "2018-07-09" : std::string(kVersion),
           .action = schema.action,
           .params = schema.params,
           .region_required =
               schema.action == "GetDevicePayMode" || schema.action == "OrderPerLicense",
           .rate_limit_per_second = schema.action == "OrderPerLicense" ? 2 : 0,
           .handler = [this, specs](const api::CallContext& context, const api::ParamObject& params,
                                    api::ActionReply reply) {
             ++handler_calls;
             Check(context.principal.account_uin == kAccountUin,
                   "a handler ran for a caller other than the fuzz key",
                   context.principal.account_uin);
             CheckObjectConforms(params, *specs, "");
             reply(boost::json::object{{"Echo", ObjectToJson(params, *specs)},
                                       {"Region", context.region}});
           }});
    }
    // An action that answers every call with an error naming itself, like
    // the MNA actions this server does not implement.
    router.Add({.service = "mna",
                .version = std::string(kVersion),
                .action = "GetFlowStatistic",
                .params_unchecked = true,
                .handler = [this](const api::CallContext& context, const api::ParamObject& params,
                                  api::ActionReply reply) {
                  ++handler_calls;
                  Check(params.size() == 0, "an unchecked action received decoded parameters");
                  reply(Fail(ErrorCode::kUnsupportedOperation,
                             "The action " + context.action + " is not implemented."));
                }});
  }
};

Environment& Env() {
  static Environment* environment = new Environment();
  return *environment;
}

bool KnownCode(std::string_view code) {
  for (ErrorCode known : kAllErrorCodes) {
    if (ErrorCodeName(known) == code) return true;
  }
  return false;
}

bool HasRawControl(std::string_view text) {
  return text.find_first_of(std::string_view("\r\n\0", 3)) != std::string_view::npos;
}

void CheckReply(const http::HttpResponse& response, bool handler_ran,
                const std::vector<api::RequestRecord>& observed) {
  Check(response.status == 200, "a TC API reply is not HTTP 200", std::to_string(response.status));
  Check(response.content_type == "application/json", "a TC API reply is not application/json",
        response.content_type);
  std::string request_id_header;
  for (const auto& [name, value] : response.headers) {
    Check(!HasRawControl(name) && !HasRawControl(value), "a reply header carries CR, LF or NUL",
          name + ": " + value);
    if (name == "X-TC-RequestId") request_id_header = value;
  }
  boost::json::value body = CheckJsonText(response.body, "the reply body");
  Check(body.is_object() && body.get_object().size() == 1 &&
            body.get_object().contains("Response") && body.at("Response").is_object(),
        "the reply is not a {\"Response\": {...}} envelope", response.body);
  const boost::json::object& inner = body.at("Response").get_object();
  const boost::json::value* request_id = inner.if_contains("RequestId");
  Check(request_id != nullptr && request_id->is_string() && !request_id->get_string().empty(),
        "the reply has no RequestId", response.body);
  Check(request_id->get_string() == request_id_header,
        "the RequestId of the body is not the X-TC-RequestId header", response.body);

  std::string code;
  if (const boost::json::value* error = inner.if_contains("Error")) {
    Check(error->is_object() && error->get_object().size() == 2 &&
              error->get_object().contains("Code") && error->at("Code").is_string() &&
              error->get_object().contains("Message") && error->at("Message").is_string(),
          "the Error is not {Code, Message}", response.body);
    code = std::string(error->at("Code").get_string());
    Check(KnownCode(code), "the error code is not one of core/error.h", code);
    Check(error->at("Message").get_string().size() <= 1024 + 32, "the error message is not bounded",
          response.body);
  } else {
    Check(handler_ran, "a success reply without a handler call", response.body);
  }
  Check(observed.size() == 1, "the observer did not see the request exactly once",
        std::to_string(observed.size()));
  Check(observed.front().code == code, "the observer recorded another error code",
        observed.front().code + " vs " + code);
  Check(observed.front().request_id == request_id->get_string(),
        "the observer recorded another RequestId", observed.front().request_id);
}

// One request through a fresh gateway (fresh rate limits and RequestIds, so
// an input always behaves the same).
void Serve(api::Gateway& gateway, std::vector<api::RequestRecord>& observed,
           http::HttpRequest request) {
  Environment& env = Env();
  SignWhereAsked(request);
  bool refused = request.refusal != http::Refusal::kNone;
  bool method_supported = request.method == "GET" || request.method == "POST";
  env.handler_calls = 0;
  observed.clear();
  int replies = 0;
  http::HttpResponse response;
  gateway.Handle(std::move(request), [&replies, &response](http::HttpResponse reply) {
    ++replies;
    response = std::move(reply);
  });
  Check(replies == 1, "the gateway did not answer exactly once before returning",
        std::to_string(replies));
  Check(env.handler_calls <= 1, "a handler ran more than once");
  Check(!(env.handler_calls > 0 && (refused || !method_supported)),
        "a handler ran for a refused request or an unsupported method");
  CheckReply(response, env.handler_calls > 0, observed);
  if (Verbose()) std::fprintf(stderr, "reply: %s\n", Printable(response.body).c_str());
}

void FillHeaders(const bhttp::request<bhttp::string_body>& message, http::HttpRequest* request) {
  request->method = std::string(message.method_string());
  request->target = std::string(message.target());
  for (const auto& field : message) {
    std::string name(field.name_string());
    for (char& c : name) {
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    request->headers.emplace_back(std::move(name), std::string(field.value()));
  }
}

}  // namespace
}  // namespace mnad::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace mnad;
  using namespace mnad::fuzz;
  namespace bhttp = boost::beast::http;
  Environment& env = Env();
  SequenceRandom random(1);
  std::vector<api::RequestRecord> observed;
  api::Gateway gateway(
      {}, &env.router, &env.authenticator, &random, &env.clock, {"ap-guangzhou", "ap-shanghai"},
      [&observed](const api::RequestRecord& record) { observed.push_back(record); });

  std::string_view rest(reinterpret_cast<const char*>(data), size);
  for (int served = 0; served < kRequestsPerInputMax && !rest.empty(); ++served) {
    bhttp::request_parser<bhttp::string_body> parser;
    parser.header_limit(kHeaderBytesMax);
    parser.body_limit(kBodyBytesMax);
    parser.eager(true);
    boost::beast::error_code error;
    while (!parser.is_done() && !rest.empty()) {
      size_t used = parser.put(boost::asio::buffer(rest.data(), rest.size()), error);
      rest.remove_prefix(used);
      if (error == bhttp::error::need_more) {
        error = {};
        if (used == 0) break;  // the input ends inside the message
        continue;
      }
      if (error || used == 0) break;
    }
    http::HttpRequest request;
    if (error) {
      // As the server: a limit is "too large", anything else "malformed";
      // either way the connection closes after the reply.
      request.refusal = error == bhttp::error::header_limit || error == bhttp::error::body_limit
                            ? http::Refusal::kTooLarge
                            : http::Refusal::kMalformed;
      if (parser.is_header_done()) FillHeaders(parser.get(), &request);
      Serve(gateway, observed, std::move(request));
      break;
    }
    if (!parser.is_done()) break;  // the peer went away mid-request: no reply
    bhttp::request<bhttp::string_body> message = parser.release();
    bool keep_alive = message.keep_alive();
    FillHeaders(message, &request);
    request.body = std::move(message.body());
    Serve(gateway, observed, std::move(request));
    if (!keep_alive) break;
  }
  return 0;
}
