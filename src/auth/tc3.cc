#include "auth/tc3.h"

#include <algorithm>

#include "auth/crypto.h"
#include "core/time_format.h"

namespace mnad::auth {
namespace {

std::string_view Trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

std::vector<std::string_view> Split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (true) {
    size_t end = text.find(separator, start);
    parts.push_back(text.substr(start, end == std::string_view::npos ? end : end - start));
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return parts;
}

tl::unexpected<Error> Malformed(std::string_view why) {
  return Fail(ErrorCode::kAuthFailureInvalidAuthorization,
              "The Authorization header is not a valid TC3-HMAC-SHA256 authorization: " +
                  std::string(why) + ".");
}

bool IsLowerHex(std::string_view text) {
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

}  // namespace

Result<Tc3Authorization> ParseTc3Authorization(std::string_view header) {
  header = Trim(header);
  if (!header.starts_with(kTc3Algorithm) || header.size() == kTc3Algorithm.size() ||
      (header[kTc3Algorithm.size()] != ' ' && header[kTc3Algorithm.size()] != '\t')) {
    return Malformed("it does not start with TC3-HMAC-SHA256");
  }
  Tc3Authorization result;
  bool has_credential = false, has_signed_headers = false, has_signature = false;
  for (std::string_view item : Split(header.substr(kTc3Algorithm.size()), ',')) {
    item = Trim(item);
    size_t equals = item.find('=');
    if (equals == std::string_view::npos) return Malformed("a component has no '='");
    std::string_view key = Trim(item.substr(0, equals));
    std::string_view value = Trim(item.substr(equals + 1));
    if (key == "Credential") {
      std::vector<std::string_view> scope = Split(value, '/');
      if (scope.size() != 4 || scope[0].empty() || scope[1].empty() || scope[2].empty() ||
          scope[3] != "tc3_request") {
        return Malformed("Credential must be SecretId/Date/Service/tc3_request");
      }
      result.secret_id = scope[0];
      result.date = scope[1];
      result.service = scope[2];
      has_credential = true;
    } else if (key == "SignedHeaders") {
      for (std::string_view name : Split(value, ';')) {
        name = Trim(name);
        if (name.empty()) return Malformed("SignedHeaders has an empty name");
        std::string lower(name);
        std::transform(lower.begin(), lower.end(), lower.begin(),
                       [](unsigned char c) { return std::tolower(c); });
        result.signed_headers.push_back(std::move(lower));
      }
      has_signed_headers = true;
    } else if (key == "Signature") {
      if (value.size() != 64 || !IsLowerHex(value)) {
        return Malformed("Signature must be 64 lower-case hex digits");
      }
      result.signature = value;
      has_signature = true;
    } else {
      return Malformed("unknown component " + std::string(key));
    }
  }
  if (!has_credential) return Malformed("Credential is missing");
  if (!has_signed_headers) return Malformed("SignedHeaders is missing");
  if (!has_signature) return Malformed("Signature is missing");
  return result;
}

std::string Tc3CanonicalRequest(const Tc3CanonicalParts& parts) {
  std::string out;
  out.reserve(parts.method.size() + parts.canonical_uri.size() + parts.canonical_query.size() +
              parts.canonical_headers.size() + parts.signed_headers.size() +
              parts.hashed_payload.size() + 5);
  out.append(parts.method).push_back('\n');
  out.append(parts.canonical_uri).push_back('\n');
  out.append(parts.canonical_query).push_back('\n');
  out.append(parts.canonical_headers).push_back('\n');
  out.append(parts.signed_headers).push_back('\n');
  out.append(parts.hashed_payload);
  return out;
}

std::string Tc3StringToSign(std::string_view timestamp, std::string_view date,
                            std::string_view service, std::string_view canonical_request) {
  std::string out(kTc3Algorithm);
  out.push_back('\n');
  out.append(timestamp).push_back('\n');
  out.append(date).append("/").append(service).append("/tc3_request\n");
  out.append(HexLower(Sha256(canonical_request)));
  return out;
}

std::string Tc3SigningKey(std::string_view secret_key, std::string_view date,
                          std::string_view service) {
  std::string key_date = HmacSha256("TC3" + std::string(secret_key), date);
  std::string key_service = HmacSha256(key_date, service);
  return HmacSha256(key_service, "tc3_request");
}

std::string Tc3Signature(std::string_view signing_key, std::string_view string_to_sign) {
  return HexLower(HmacSha256(signing_key, string_to_sign));
}

std::string Tc3AuthorizationForJsonPost(std::string_view secret_id, std::string_view secret_key,
                                        std::string_view service, std::string_view host,
                                        int64_t timestamp, std::string_view body) {
  std::string date = UtcDate(timestamp);
  Tc3CanonicalParts parts{"POST",
                          "/",
                          "",
                          "content-type:application/json\nhost:" + std::string(host) + "\n",
                          "content-type;host",
                          HexLower(Sha256(body))};
  std::string signature = Tc3Signature(
      Tc3SigningKey(secret_key, date, service),
      Tc3StringToSign(std::to_string(timestamp), date, service, Tc3CanonicalRequest(parts)));
  return std::string(kTc3Algorithm) + " Credential=" + std::string(secret_id) + "/" + date + "/" +
         std::string(service) +
         "/tc3_request, SignedHeaders=content-type;host, Signature=" + signature;
}

}  // namespace mnad::auth
