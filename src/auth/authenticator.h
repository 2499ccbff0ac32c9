// Verifies who signed an API request (TC3-HMAC-SHA256 or the legacy v1
// HmacSHA1/HmacSHA256) and resolves the key to a Principal.
//
// The canonical request is rebuilt from what was received: the SignedHeaders
// the client named, the raw query string and the raw body, so that every
// SDK's encoding verifies without being re-encoded here.
// Thread-safe: immutable after construction; the lookup must be thread-safe.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "auth/v1.h"
#include "core/clock.h"
#include "core/error.h"
#include "core/principal.h"

namespace mnad::auth {

struct Credential {
  std::string secret_key;  // never logged
  Principal principal;
};

// Finds an enabled key by SecretId; nullopt when there is none.
using CredentialLookup =
    std::function<Result<std::optional<Credential>>(std::string_view secret_id)>;

using HeaderList = std::vector<std::pair<std::string, std::string>>;  // names lower-case

// What the authenticator needs to see of one HTTP request.
struct SignedRequest {
  std::string_view method;     // "GET" or "POST"
  std::string_view path;       // "/"
  std::string_view raw_query;  // bytes after '?', undecoded
  std::string_view body;
  const HeaderList* headers = nullptr;
  // Decoded form parameters (query for GET, body for form POST): the v1
  // signature is computed over them.
  const FormParams* form = nullptr;
};

enum class SignatureKind { kTc3, kV1 };

struct Authenticated {
  Principal principal;
  SignatureKind kind;
  std::string secret_id;
};

struct AuthenticatorOptions {
  // Maximum distance between the request's timestamp and the server clock.
  int64_t signature_clock_skew_seconds_max = 300;
};

// The longest SecretId looked up; longer ones are not found.
inline constexpr size_t kSecretIdBytesMax = 128;

class Authenticator {
 public:
  Authenticator(AuthenticatorOptions options, const Clock* clock, CredentialLookup lookup);

  Result<Authenticated> Authenticate(const SignedRequest& request) const;

 private:
  Result<Authenticated> AuthenticateTc3(const SignedRequest& request,
                                        std::string_view authorization) const;
  Result<Authenticated> AuthenticateV1(const SignedRequest& request) const;
  Result<Credential> FindCredential(std::string_view secret_id) const;
  Result<int64_t> CheckTimestamp(std::string_view timestamp, std::string_view name) const;

  AuthenticatorOptions options_;
  const Clock* clock_;
  CredentialLookup lookup_;
};

// Finds a header by lower-case name; nullopt when absent.
std::optional<std::string_view> FindHeader(const HeaderList& headers, std::string_view name);
// The host values a client may have signed: without a trailing ":port"
// first (the Node SDK signs the hostname but sends host:port; a domain on
// the default port has no port either), then the Host header as sent.
std::vector<std::string> HostCandidates(std::string_view host_header);

}  // namespace mnad::auth
