// Thin, allocation-light wrappers over OpenSSL for the signature schemes.
// Thread-safe: OpenSSL 3 one-shot functions keep no shared state.
#pragma once

#include <openssl/types.h>

#include <cstdint>
#include <string>
#include <string_view>

namespace mnad::auth {

// Raw digest/MAC bytes as std::string (binary, not text).
std::string Sha256(std::string_view data);
std::string HmacSha256(std::string_view key, std::string_view data);
std::string HmacSha1(std::string_view key, std::string_view data);

// HMAC-SHA256 under one key, many messages: the key's inner and outer
// pads are hashed once, when it is made, not per message.
// Thread-safe: no; one per thread.
class HmacSha256Signer {
 public:
  explicit HmacSha256Signer(std::string_view key);
  ~HmacSha256Signer();
  HmacSha256Signer(const HmacSha256Signer&) = delete;
  HmacSha256Signer& operator=(const HmacSha256Signer&) = delete;
  std::string Sign(std::string_view data);

 private:
  EVP_MAC_CTX* context_;
};

std::string HexLower(std::string_view bytes);
std::string Base64Encode(std::string_view bytes);

// Compares two strings in time that depends only on their lengths, so a MAC
// mismatch leaks nothing about where the bytes differ.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

// `count` bytes from the OpenSSL CSPRNG, for secrets (keys, tokens).
std::string SecureRandomBytes(size_t count);

}  // namespace mnad::auth
