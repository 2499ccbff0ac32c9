#include "core/random.h"

#include <random>

namespace mnad {

namespace {

// The 8-4-4-4-12 text of a UUID's 128 bits, lower-case hex.
std::string UuidText(uint64_t high, uint64_t low) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string text(36, '-');
  size_t at = 0;
  auto put = [&](uint64_t bits, int digits) {
    for (int shift = (digits - 1) * 4; shift >= 0; shift -= 4)
      text[at++] = kDigits[(bits >> shift) & 0xf];
  };
  put(high >> 32, 8);
  ++at;
  put(high >> 16, 4);
  ++at;
  put(high, 4);
  ++at;
  put(low >> 48, 4);
  ++at;
  put(low, 12);
  return text;
}

}  // namespace

std::string Random::Uuid() {
  uint64_t high = Next64();
  uint64_t low = Next64();
  high = (high & 0xffffffffffff0fffULL) | 0x0000000000004000ULL;  // version 4
  low = (low & 0x3fffffffffffffffULL) | 0x8000000000000000ULL;    // RFC 4122 variant
  return UuidText(high, low);
}

std::string Random::TimeOrderedUuid(int64_t unix_millis) {
  uint64_t millis = static_cast<uint64_t>(unix_millis) & 0xffffffffffffULL;
  uint64_t random_a = Next64();
  uint64_t random_b = Next64();
  uint64_t high = (millis << 16) | 0x7000 | (random_a & 0x0fff);              // version 7
  uint64_t low = (random_b & 0x3fffffffffffffffULL) | 0x8000000000000000ULL;  // RFC 4122 variant
  return UuidText(high, low);
}

std::string Random::LowerAlnum(int length) {
  static constexpr char kAlphabet[] = "0123456789abcdefghijklmnopqrstuvwxyz";
  std::string out;
  out.reserve(length);
  for (int i = 0; i < length; ++i) out.push_back(kAlphabet[Next64() % 36]);
  return out;
}

uint64_t SystemRandom::Next64() {
  thread_local std::mt19937_64 generator([] {
    std::random_device device;
    return (static_cast<uint64_t>(device()) << 32) ^ device();
  }());
  return generator();
}

uint64_t SequenceRandom::Next64() {
  // splitmix64: a full-period sequence, good enough for distinct test ids.
  uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

}  // namespace mnad
