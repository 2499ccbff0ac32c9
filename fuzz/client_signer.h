// The one API key the fuzz targets accept, and a client's signatures made
// with it. Random bytes never carry a valid HMAC, so corpus requests write
// the placeholder `Signature=AUTO` (TC3 Authorization header or legacy form
// parameter) and the harness signs them here, as an SDK would, after each
// mutation: the fuzzer then reaches routing, parameters and handlers instead
// of stopping at AuthFailure.SignatureFailure.
// The signing follows Tencent's documentation independently of
// auth/authenticator.cc, reusing only the primitives of auth/tc3.h, auth/v1.h.
// Thread-safe: pure functions.
#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/form.h"
#include "auth/authenticator.h"
#include "auth/crypto.h"
#include "auth/tc3.h"
#include "auth/v1.h"
#include "core/clock.h"
#include "core/principal.h"
#include "http/types.h"

namespace mnad::fuzz {

// The server time of every fuzz run (2026-05-28T20:26:40Z); corpus requests
// carry it as their timestamp.
inline constexpr int64_t kNowUnixSeconds = 1'780'000'000;
inline constexpr std::string_view kSecretId = "AKIDfuzz0000000000000000000000000001";
inline constexpr std::string_view kSecretKey = "fuzz-secret-key-0000000000000001";
inline constexpr std::string_view kAccountUin = "100000000001";
inline constexpr std::string_view kSignaturePlaceholder = "Signature=AUTO";

// The credential lookup of the targets: kSecretId and nothing else.
inline Result<std::optional<auth::Credential>> LookupFixedKey(std::string_view secret_id) {
  if (secret_id != kSecretId) return std::optional<auth::Credential>();
  auth::Credential credential;
  credential.secret_key = std::string(kSecretKey);
  credential.principal.account_uin = std::string(kAccountUin);
  credential.principal.app_id = 1300000001;
  return std::optional<auth::Credential>(std::move(credential));
}

inline std::optional<std::string_view> HeaderOf(const http::HeaderList& headers,
                                                std::string_view name) {
  for (const auto& [key, value] : headers) {
    if (key == name) return value;
  }
  return std::nullopt;
}

// TC3 canonical header value: surrounding blanks removed, lower case.
inline std::string CanonicalHeaderValue(std::string_view value) {
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
  std::string out(value);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : static_cast<char>(c);
  });
  return out;
}

// The host a client signs: the Host header without its port (the Node SDK
// signs the hostname and sends host:port).
inline std::string SignedHost(std::string_view host) {
  size_t colon = host.rfind(':');
  if (colon == std::string_view::npos || colon + 1 == host.size()) return std::string(host);
  std::string_view port = host.substr(colon + 1);
  bool digits = std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; });
  return std::string(digits ? host.substr(0, colon) : host);
}

// Replaces `Signature=AUTO` in the first Authorization header by the TC3
// signature over what the header names. False when there is nothing to sign
// (no placeholder, or a header the parser rejects anyway).
inline bool SignTc3(http::HttpRequest& request) {
  std::string* authorization = nullptr;
  for (auto& [name, value] : request.headers) {
    if (name == "authorization") {
      authorization = &value;
      break;
    }
  }
  if (authorization == nullptr) return false;
  size_t at = authorization->find(kSignaturePlaceholder);
  if (at == std::string::npos) return false;
  size_t signature_at = at + kSignaturePlaceholder.size() - 4;
  std::string probe = *authorization;
  probe.replace(signature_at, 4, std::string(64, '0'));
  Result<auth::Tc3Authorization> parsed = auth::ParseTc3Authorization(probe);
  if (!parsed) return false;
  std::optional<std::string_view> timestamp = HeaderOf(request.headers, "x-tc-timestamp");
  if (!timestamp) return false;
  // A signature cannot cover the header that carries it. A name signed
  // twice has no agreed canonical form (the server writes the host line
  // once, other lines as often as named); no client signs one.
  std::vector<std::string> names = parsed->signed_headers;
  std::sort(names.begin(), names.end());
  if (std::binary_search(names.begin(), names.end(), "authorization") ||
      std::adjacent_find(names.begin(), names.end()) != names.end()) {
    return false;
  }

  std::string_view target(request.target);
  size_t question = target.find('?');
  auth::Tc3CanonicalParts parts;
  parts.method = request.method;
  parts.canonical_uri = target.substr(0, question);
  parts.canonical_query = question == std::string_view::npos ? "" : target.substr(question + 1);
  for (size_t i = 0; i < parsed->signed_headers.size(); ++i) {
    const std::string& name = parsed->signed_headers[i];
    std::string value = CanonicalHeaderValue(HeaderOf(request.headers, name).value_or(""));
    if (name == "host") value = SignedHost(value);
    parts.canonical_headers += name + ":" + value + "\n";
    parts.signed_headers += (i > 0 ? ";" : "") + name;
  }
  bool unsigned_payload =
      HeaderOf(request.headers, "x-tc-content-sha256").value_or("") == auth::kUnsignedPayload;
  parts.hashed_payload =
      auth::HexLower(auth::Sha256(unsigned_payload ? auth::kUnsignedPayload : request.body));
  std::string signature =
      auth::Tc3Signature(auth::Tc3SigningKey(kSecretKey, parsed->date, parsed->service),
                         auth::Tc3StringToSign(*timestamp, parsed->date, parsed->service,
                                               auth::Tc3CanonicalRequest(parts)));
  authorization->replace(signature_at, 4, signature);
  return true;
}

inline std::string PercentEncode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char c : text) {
    unsigned char byte = static_cast<unsigned char>(c);
    if ((byte >= 'A' && byte <= 'Z') || (byte >= 'a' && byte <= 'z') ||
        (byte >= '0' && byte <= '9') || byte == '-' || byte == '_' || byte == '.' || byte == '~') {
      out.push_back(c);
    } else {
      out.push_back('%');
      out.push_back(kHex[byte >> 4]);
      out.push_back(kHex[byte & 15]);
    }
  }
  return out;
}

// The legacy signature: replaces the parameter `Signature=AUTO` of the form
// text (the query of a GET, the body of a form POST) by the signature over
// the decoded parameters. False when there is nothing to sign.
inline bool SignV1(http::HttpRequest& request, std::string& form_text) {
  size_t at = form_text.find(kSignaturePlaceholder);
  if (at == std::string::npos || (at > 0 && form_text[at - 1] != '&')) return false;
  size_t end = at + kSignaturePlaceholder.size();
  if (end < form_text.size() && form_text[end] != '&') return false;
  Result<api::FormParams> form = api::ParseUrlEncoded(form_text);
  if (!form) return false;
  size_t signatures = std::count_if(form->begin(), form->end(),
                                    [](const auto& param) { return param.first == "Signature"; });
  if (signatures != 1) return false;
  std::string method = "HmacSHA1";
  for (const auto& [name, value] : *form) {
    if (name == "SignatureMethod") {
      method = value;
      break;
    }
  }
  std::string_view target(request.target);
  std::string host = SignedHost(HeaderOf(request.headers, "host").value_or(""));
  std::string string_to_sign =
      auth::V1StringToSign(request.method, host, target.substr(0, target.find('?')), *form);
  std::string signature = auth::V1Signature(kSecretKey, method, string_to_sign);
  form_text.replace(at, kSignaturePlaceholder.size(), "Signature=" + PercentEncode(signature));
  return true;
}

// Signs `request` wherever it carries the placeholder: its TC3 header, else
// its legacy form (the query of a GET, the body of anything else, as the
// gateway reads them). True when it signed something.
inline bool SignWhereAsked(http::HttpRequest& request) {
  if (SignTc3(request)) return true;
  if (request.method != "GET") return SignV1(request, request.body);
  size_t question = request.target.find('?');
  if (question == std::string::npos) return false;
  std::string query = request.target.substr(question + 1);
  if (!SignV1(request, query)) return false;
  request.target = request.target.substr(0, question + 1) + query;
  return true;
}

}  // namespace mnad::fuzz
