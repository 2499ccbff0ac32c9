// fuzz_authorization: auth::Authenticator on requests whose every part comes
// from the input, without an HTTP parser in front (so header values may hold
// any byte). The input is split at '\n' (a trailing '\r' is dropped):
//
//   METHOD TARGET
//   name: value        (headers, names lower-cased as the server does)
//   ...
//   <empty line>
//   body               (the rest, any bytes)
//
// The form parameters of the legacy signature are the query of a GET, or
// the body of a form POST, as the gateway reads them. `Signature=AUTO` in
// the Authorization header or in the form is replaced by a client's
// signature (client_signer.h) first.
//
// Invariants:
// - the answer is the same when asked twice;
// - a success names the fuzz key and its account, and the scheme that was
//   used (TC3 exactly when an Authorization header is present);
// - a refusal carries one of the codes authentication may give;
// - a request signed as a client signs it is not refused for its signature;
// - once accepted, any change to what the signature covers (the signature,
//   method, path, query, body, timestamp, a signed header, a legacy
//   parameter, the host) makes it refused.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/form.h"
#include "auth/authenticator.h"
#include "auth/tc3.h"
#include "client_signer.h"
#include "core/clock.h"
#include "core/error.h"
#include "fuzz_check.h"
#include "http/types.h"

namespace mnad::fuzz {
namespace {

// One request, owning the text the SignedRequest views.
struct Request {
  std::string method;
  std::string path;
  std::string query;
  std::string body;
  auth::HeaderList headers;
  std::optional<api::FormParams> form;  // absent: the form did not parse

  auth::SignedRequest View() const {
    return {method, path, query, body, &headers, form ? &*form : nullptr};
  }
};

struct Environment {
  FakeClock clock{kNowUnixSeconds * 1000};
  auth::Authenticator authenticator{{}, &clock, LookupFixedKey};
};

const Environment& Env() {
  static const Environment* environment = new Environment();
  return *environment;
}

std::string_view Trimmed(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

http::HttpRequest ParseInput(std::string_view input) {
  http::HttpRequest request;
  bool first = true;
  while (true) {
    size_t end = input.find('\n');
    if (end == std::string_view::npos) {
      // No empty line: everything left is headers, no body.
      end = input.size();
    }
    std::string_view line = input.substr(0, end);
    input.remove_prefix(std::min(end + 1, input.size()));
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (first) {
      first = false;
      size_t space = line.find(' ');
      request.method = std::string(line.substr(0, space));
      request.target = space == std::string_view::npos ? "/" : std::string(line.substr(space + 1));
    } else if (line.empty()) {
      request.body = std::string(input);
      break;
    } else {
      size_t colon = line.find(':');
      std::string name(Trimmed(line.substr(0, colon)));
      for (char& c : name) {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
      }
      std::string_view value = colon == std::string_view::npos ? "" : line.substr(colon + 1);
      request.headers.emplace_back(std::move(name), std::string(Trimmed(value)));
    }
    if (input.empty()) break;
  }
  return request;
}

// The request as the gateway hands it to the authenticator.
Request FromHttp(const http::HttpRequest& http_request) {
  Request request;
  request.method = http_request.method;
  size_t question = http_request.target.find('?');
  request.path = http_request.target.substr(0, question);
  if (question != std::string::npos) request.query = http_request.target.substr(question + 1);
  request.body = http_request.body;
  request.headers = http_request.headers;
  std::string content_type(HeaderOf(request.headers, "content-type").value_or(""));
  if (request.method == "GET") {
    Result<api::FormParams> form = api::ParseUrlEncoded(request.query);
    if (form) request.form = std::move(*form);
  } else if (content_type.find("x-www-form-urlencoded") != std::string::npos) {
    Result<api::FormParams> form = api::ParseUrlEncoded(request.body);
    if (form) request.form = std::move(*form);
  } else {
    request.form = api::FormParams();
  }
  return request;
}

bool ExpectedRefusal(ErrorCode code) {
  return code == ErrorCode::kAuthFailureInvalidAuthorization ||
         code == ErrorCode::kAuthFailureSecretIdNotFound ||
         code == ErrorCode::kAuthFailureSignatureExpire ||
         code == ErrorCode::kAuthFailureSignatureFailure || code == ErrorCode::kMissingParameter ||
         code == ErrorCode::kInvalidParameterValue;
}

void CheckRefusedAfter(const Request& tampered, std::string_view change) {
  Result<auth::Authenticated> result = Env().authenticator.Authenticate(tampered.View());
  Check(!result.has_value(), "a signed request still verifies after a change the signature covers",
        std::string(change));
}

std::string* FirstHeader(auth::HeaderList& headers, std::string_view name) {
  for (auto& [key, value] : headers) {
    if (key == name) return &value;
  }
  return nullptr;
}

void AppendToHeader(Request& request, const std::string& name) {
  if (std::string* value = FirstHeader(request.headers, name)) {
    value->push_back('x');
  } else {
    request.headers.emplace_back(name, "x");
  }
}

void CheckTc3Tampering(const Request& accepted, std::string_view authorization) {
  Result<auth::Tc3Authorization> parsed = auth::ParseTc3Authorization(authorization);
  Check(parsed.has_value(), "an accepted TC3 request has an unparsable Authorization",
        authorization);
  {
    Request changed = accepted;
    std::string* value = FirstHeader(changed.headers, "authorization");
    char& last = value->at(value->rfind(parsed->signature) + parsed->signature.size() - 1);
    last = last == '0' ? '1' : '0';
    CheckRefusedAfter(changed, "TC3 signature");
  }
  if (HeaderOf(accepted.headers, "x-tc-content-sha256").value_or("") != auth::kUnsignedPayload) {
    Request changed = accepted;
    changed.body.push_back('x');
    CheckRefusedAfter(changed, "body");
  }
  {
    Request changed = accepted;
    changed.method = changed.method == "GET" ? "POST" : "GET";
    CheckRefusedAfter(changed, "method");
  }
  {
    Request changed = accepted;
    changed.path.push_back('x');
    CheckRefusedAfter(changed, "path");
  }
  {
    Request changed = accepted;
    changed.query.append("&x=1");
    CheckRefusedAfter(changed, "query");
  }
  {
    Request changed = accepted;
    // The same time written otherwise, or a second earlier: the signature
    // covers the text.
    std::string* timestamp = FirstHeader(changed.headers, "x-tc-timestamp");
    int64_t seconds = std::stoll(*timestamp);
    std::string canonical = std::to_string(seconds);
    *timestamp = canonical != *timestamp ? canonical : std::to_string(seconds - 1);
    CheckRefusedAfter(changed, "X-TC-Timestamp");
  }
  for (const std::string& name : parsed->signed_headers) {
    Request changed = accepted;
    AppendToHeader(changed, name);
    CheckRefusedAfter(changed, "signed header " + name);
  }
}

void CheckV1Tampering(const Request& accepted) {
  const api::FormParams& form = *accepted.form;
  bool signature_seen = false;
  for (size_t i = 0; i < form.size(); ++i) {
    Request changed = accepted;
    std::string& value = (*changed.form)[i].second;
    if (form[i].first == "Signature") {
      // Only the first Signature is the signature; the others are ignored.
      if (signature_seen || value.empty()) continue;
      signature_seen = true;
      value[0] = value[0] == 'A' ? 'B' : 'A';
    } else {
      value.push_back('x');
    }
    CheckRefusedAfter(changed, "legacy parameter " + form[i].first);
  }
  {
    Request changed = accepted;
    changed.method = changed.method == "GET" ? "POST" : "GET";
    CheckRefusedAfter(changed, "method");
  }
  {
    Request changed = accepted;
    changed.path.push_back('x');
    CheckRefusedAfter(changed, "path");
  }
  {
    Request changed = accepted;
    AppendToHeader(changed, "host");
    CheckRefusedAfter(changed, "host");
  }
}

}  // namespace
}  // namespace mnad::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace mnad;
  using namespace mnad::fuzz;
  http::HttpRequest http_request =
      ParseInput(std::string_view(reinterpret_cast<const char*>(data), size));
  bool client_signed = SignWhereAsked(http_request);
  Request request = FromHttp(http_request);

  const auth::Authenticator& authenticator = Env().authenticator;
  Result<auth::Authenticated> result = authenticator.Authenticate(request.View());
  Result<auth::Authenticated> again = authenticator.Authenticate(request.View());
  Check(result.has_value() == again.has_value() &&
            (result.has_value() || result.error().code == again.error().code),
        "the same request authenticates differently twice");

  std::string_view authorization = HeaderOf(request.headers, "authorization").value_or("");
  if (!result) {
    Check(ExpectedRefusal(result.error().code), "authentication refused with an unexpected code",
          std::string(ErrorCodeName(result.error().code)) + ": " + result.error().message);
    bool signature_mismatch =
        result.error().code == ErrorCode::kAuthFailureSignatureFailure &&
        result.error().message.starts_with("The provided credentials could not be validated");
    Check(!(client_signed && signature_mismatch),
          "a request signed as a client signs it is refused for its signature",
          std::string(reinterpret_cast<const char*>(data), size));
    return 0;
  }
  Check(result->secret_id == kSecretId, "accepted under another SecretId", result->secret_id);
  Check(result->principal.account_uin == kAccountUin, "accepted as another account",
        result->principal.account_uin);
  if (!authorization.empty()) {
    Check(result->kind == auth::SignatureKind::kTc3, "an Authorization header but not TC3");
    CheckTc3Tampering(request, authorization);
  } else {
    Check(result->kind == auth::SignatureKind::kV1, "no Authorization header but not v1");
    Check(request.form.has_value(), "a legacy signature accepted without a form");
    CheckV1Tampering(request);
  }
  return 0;
}
