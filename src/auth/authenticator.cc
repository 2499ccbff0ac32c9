#include "auth/authenticator.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdlib>
#include <memory>
#include <unordered_map>

#include "auth/crypto.h"
#include "auth/tc3.h"
#include "core/time_format.h"

namespace mnad::auth {
namespace {

std::string LowerTrimmed(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  return out;
}

std::optional<std::string_view> FindParam(const FormParams& params, std::string_view name) {
  for (const auto& [key, value] : params) {
    if (key == name) return value;
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string_view> FindHeader(const HeaderList& headers, std::string_view name) {
  for (const auto& [key, value] : headers) {
    if (key == name) return value;
  }
  return std::nullopt;
}

std::vector<std::string> HostCandidates(std::string_view host_header) {
  size_t colon = host_header.rfind(':');
  if (colon != std::string_view::npos && colon + 1 < host_header.size()) {
    std::string_view port = host_header.substr(colon + 1);
    if (std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      return {std::string(host_header.substr(0, colon)), std::string(host_header)};
    }
  }
  return {std::string(host_header)};
}

namespace {

// The TC3 signing key is a chain of four HMACs over the secret key, the
// date and the service: the same for every request of a key on a day. Each
// thread keeps a signer per key it derived (bounded; cleared when full).
HmacSha256Signer& CachedSigner(std::string_view secret_key, std::string_view date,
                               std::string_view service) {
  thread_local std::unordered_map<std::string, std::unique_ptr<HmacSha256Signer>> cache;
  std::string id;
  id.reserve(date.size() + service.size() + secret_key.size() + 2);
  id.append(date).append(1, '\n').append(service).append(1, '\n').append(secret_key);
  auto found = cache.find(id);
  if (found != cache.end()) return *found->second;
  if (cache.size() >= 4096) cache.clear();
  auto signer = std::make_unique<HmacSha256Signer>(Tc3SigningKey(secret_key, date, service));
  return *cache.emplace(std::move(id), std::move(signer)).first->second;
}

}  // namespace

Authenticator::Authenticator(AuthenticatorOptions options, const Clock* clock,
                             CredentialLookup lookup)
    : options_(options), clock_(clock), lookup_(std::move(lookup)) {}

Result<Authenticated> Authenticator::Authenticate(const SignedRequest& request) const {
  std::optional<std::string_view> authorization = FindHeader(*request.headers, "authorization");
  if (authorization && !authorization->empty()) return AuthenticateTc3(request, *authorization);
  if (request.form != nullptr && FindParam(*request.form, "Signature")) {
    return AuthenticateV1(request);
  }
  return Fail(ErrorCode::kAuthFailureInvalidAuthorization,
              "The request carries neither an Authorization header nor a Signature parameter.");
}

Result<Credential> Authenticator::FindCredential(std::string_view secret_id) const {
  // A SecretId is 1 to 128 letters, digits, - or _ (the seed and the admin
  // API make no other); anything else is not looked up, so that it never
  // reaches the store or becomes a key of the credential cache.
  bool plain = !secret_id.empty() && secret_id.size() <= kSecretIdBytesMax &&
               std::all_of(secret_id.begin(), secret_id.end(), [](char c) {
                 return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
               });
  Result<std::optional<Credential>> found =
      plain ? lookup_(secret_id) : Result<std::optional<Credential>>(std::nullopt);
  if (!found) return tl::unexpected(found.error());
  if (!found->has_value()) {
    return Fail(
        ErrorCode::kAuthFailureSecretIdNotFound,
        "The SecretId is not found or is disabled; check that the key exists and is enabled.");
  }
  return std::move(**found);
}

Result<int64_t> Authenticator::CheckTimestamp(std::string_view timestamp,
                                              std::string_view name) const {
  int64_t seconds = 0;
  auto [end, error] =
      std::from_chars(timestamp.data(), timestamp.data() + timestamp.size(), seconds);
  if (timestamp.empty() || error != std::errc() || end != timestamp.data() + timestamp.size() ||
      seconds < 0) {
    return Fail(ErrorCode::kInvalidParameterValue,
                std::string(name) + " must be a Unix time in seconds.");
  }
  int64_t now = clock_->NowUnixSeconds();
  if (std::llabs(now - seconds) > options_.signature_clock_skew_seconds_max) {
    return Fail(ErrorCode::kAuthFailureSignatureExpire,
                "Signature expired: " + std::string(name) + " " + std::to_string(seconds) +
                    " is more than " + std::to_string(options_.signature_clock_skew_seconds_max) +
                    " seconds from the server time " + std::to_string(now) + ".");
  }
  return seconds;
}

Result<Authenticated> Authenticator::AuthenticateTc3(const SignedRequest& request,
                                                     std::string_view authorization) const {
  Result<Tc3Authorization> parsed = ParseTc3Authorization(authorization);
  if (!parsed) return tl::unexpected(parsed.error());
  const HeaderList& headers = *request.headers;

  std::optional<std::string_view> timestamp = FindHeader(headers, "x-tc-timestamp");
  if (!timestamp) {
    return Fail(ErrorCode::kMissingParameter, "The request is missing the header X-TC-Timestamp.");
  }
  Result<int64_t> seconds = CheckTimestamp(*timestamp, "X-TC-Timestamp");
  if (!seconds) return tl::unexpected(seconds.error());

  Result<Credential> credential = FindCredential(parsed->secret_id);
  if (!credential) return tl::unexpected(credential.error());

  if (parsed->date != UtcDate(*seconds)) {
    return Fail(ErrorCode::kAuthFailureSignatureFailure,
                "The credential scope date " + parsed->date +
                    " is not the UTC date of X-TC-Timestamp (" + UtcDate(*seconds) + ").");
  }
  const std::vector<std::string>& signed_names = parsed->signed_headers;
  for (std::string_view required : {"content-type", "host"}) {
    if (std::find(signed_names.begin(), signed_names.end(), required) == signed_names.end()) {
      return Fail(ErrorCode::kAuthFailureInvalidAuthorization,
                  "SignedHeaders must include " + std::string(required) + ".");
    }
  }

  Tc3CanonicalParts parts;
  parts.method = request.method;
  parts.canonical_uri = request.path;
  parts.canonical_query = request.raw_query;
  std::optional<std::string_view> content_sha = FindHeader(headers, "x-tc-content-sha256");
  parts.hashed_payload = HexLower(
      Sha256(content_sha && *content_sha == kUnsignedPayload ? kUnsignedPayload : request.body));
  for (size_t i = 0; i < signed_names.size(); ++i) {
    if (i > 0) parts.signed_headers.push_back(';');
    parts.signed_headers.append(signed_names[i]);
  }

  // The canonical headers differ between host candidates only in the host
  // line, so build the text around it once.
  std::string before_host, after_host;
  bool host_seen = false;
  for (const std::string& name : signed_names) {
    if (name == "host") {
      host_seen = true;
      continue;
    }
    std::string line = name + ":" + LowerTrimmed(FindHeader(headers, name).value_or("")) + "\n";
    (host_seen ? after_host : before_host).append(line);
  }

  HmacSha256Signer& signer = CachedSigner(credential->secret_key, parsed->date, parsed->service);
  std::string host_header = LowerTrimmed(FindHeader(headers, "host").value_or(""));
  for (const std::string& host : HostCandidates(host_header)) {
    parts.canonical_headers = before_host + "host:" + host + "\n" + after_host;
    std::string string_to_sign =
        Tc3StringToSign(*timestamp, parsed->date, parsed->service, Tc3CanonicalRequest(parts));
    if (ConstantTimeEquals(HexLower(signer.Sign(string_to_sign)), parsed->signature)) {
      return Authenticated{std::move(credential->principal), SignatureKind::kTc3,
                           parsed->secret_id};
    }
  }
  return Fail(ErrorCode::kAuthFailureSignatureFailure,
              "The provided credentials could not be validated: the signature does not match. "
              "Check the SecretKey and how the request was signed.");
}

Result<Authenticated> Authenticator::AuthenticateV1(const SignedRequest& request) const {
  const FormParams& form = *request.form;
  for (std::string_view required : {"SecretId", "Timestamp", "Nonce"}) {
    if (!FindParam(form, required)) {
      return Fail(ErrorCode::kMissingParameter,
                  "The request is missing a required parameter `" + std::string(required) + "`.");
    }
  }
  Result<int64_t> seconds = CheckTimestamp(*FindParam(form, "Timestamp"), "Timestamp");
  if (!seconds) return tl::unexpected(seconds.error());
  std::string_view secret_id = *FindParam(form, "SecretId");
  Result<Credential> credential = FindCredential(secret_id);
  if (!credential) return tl::unexpected(credential.error());

  std::string_view method = FindParam(form, "SignatureMethod").value_or("HmacSHA1");
  std::string_view provided = *FindParam(form, "Signature");
  std::optional<std::string_view> host_header = FindHeader(*request.headers, "host");
  for (const std::string& host : HostCandidates(host_header.value_or(""))) {
    std::string string_to_sign = V1StringToSign(request.method, host, request.path, form);
    if (ConstantTimeEquals(V1Signature(credential->secret_key, method, string_to_sign), provided)) {
      return Authenticated{std::move(credential->principal), SignatureKind::kV1,
                           std::string(secret_id)};
    }
  }
  return Fail(ErrorCode::kAuthFailureSignatureFailure,
              "The provided credentials could not be validated: the signature does not match. "
              "Check the SecretKey and how the request was signed.");
}

}  // namespace mnad::auth
