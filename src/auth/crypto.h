// Thin, allocation-light wrappers over OpenSSL for the signature schemes.
// Thread-safe: OpenSSL 3 one-shot functions keep no shared state.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace mnad::auth {

// Raw digest/MAC bytes as std::string (binary, not text).
std::string Sha256(std::string_view data);
std::string HmacSha256(std::string_view key, std::string_view data);
std::string HmacSha1(std::string_view key, std::string_view data);

std::string HexLower(std::string_view bytes);
std::string Base64Encode(std::string_view bytes);

// Compares two strings in time that depends only on their lengths, so a MAC
// mismatch leaks nothing about where the bytes differ.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

// `count` bytes from the OpenSSL CSPRNG, for secrets (keys, tokens).
std::string SecureRandomBytes(size_t count);

}  // namespace mnad::auth
