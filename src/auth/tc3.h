// TC3-HMAC-SHA256 (signature v3): parsing the Authorization header and the
// pieces of the signature computation, exactly as Tencent's doc and SDKs
// define them. Thread-safe: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace mnad::auth {

inline constexpr std::string_view kTc3Algorithm = "TC3-HMAC-SHA256";
// SHA-256 of "UNSIGNED-PAYLOAD", used when X-TC-Content-SHA256 says so.
inline constexpr std::string_view kUnsignedPayload = "UNSIGNED-PAYLOAD";

struct Tc3Authorization {
  std::string secret_id;
  std::string date;                         // credential scope date, YYYY-MM-DD
  std::string service;                      // credential scope service, as the client chose it
  std::vector<std::string> signed_headers;  // lower-case names, in order
  std::string signature;                    // lower-case hex as sent
};

// Parses `TC3-HMAC-SHA256 Credential=id/date/service/tc3_request,
// SignedHeaders=a;b, Signature=hex`. Separators are commas with optional
// white space. AuthFailure.InvalidAuthorization when malformed.
Result<Tc3Authorization> ParseTc3Authorization(std::string_view header);

struct Tc3CanonicalParts {
  std::string_view method;           // "POST" / "GET"
  std::string_view canonical_uri;    // "/"
  std::string_view canonical_query;  // raw query string, "" for POST
  std::string canonical_headers;     // "name:value\n" per signed header
  std::string signed_headers;        // "content-type;host"
  std::string hashed_payload;        // lower-case hex SHA-256 of the body
};

std::string Tc3CanonicalRequest(const Tc3CanonicalParts& parts);
std::string Tc3StringToSign(std::string_view timestamp, std::string_view date,
                            std::string_view service, std::string_view canonical_request);
// kSigning = HMAC chain over "TC3"+secret_key, date, service, "tc3_request".
std::string Tc3SigningKey(std::string_view secret_key, std::string_view date,
                          std::string_view service);
// Lower-case hex HMAC-SHA256(signing_key, string_to_sign).
std::string Tc3Signature(std::string_view signing_key, std::string_view string_to_sign);

// The Authorization header of a client's JSON POST to "/", signed over
// content-type (application/json) and host, as the official SDKs sign.
std::string Tc3AuthorizationForJsonPost(std::string_view secret_id, std::string_view secret_key,
                                        std::string_view service, std::string_view host,
                                        int64_t timestamp, std::string_view body);

}  // namespace mnad::auth
