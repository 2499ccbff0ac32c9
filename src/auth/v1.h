// The legacy signature (v1): HmacSHA1 / HmacSHA256 over the sorted, decoded
// parameters. Used by SDKs that opt in with signMethod. Thread-safe: pure.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mnad::auth {

using FormParams = std::vector<std::pair<std::string, std::string>>;

// METHOD + host + path + "?" + "k=v" joined by '&', sorted by key in byte
// order, every parameter except Signature, raw decoded values.
std::string V1StringToSign(std::string_view method, std::string_view host, std::string_view path,
                           const FormParams& params);

// Base64(HMAC(secret_key, string_to_sign)); SHA-256 when signature_method is
// "HmacSHA256", SHA-1 otherwise (as the Go SDK decides).
std::string V1Signature(std::string_view secret_key, std::string_view signature_method,
                        std::string_view string_to_sign);

}  // namespace mnad::auth
