// Injected randomness for identifiers (RequestId, DeviceId, ResourceId).
// These ids need uniqueness, not secrecy; secrets (admin tokens, DataKeys)
// come from the auth layer's OpenSSL CSPRNG instead.
// Thread-safe: each thread draws from its own generator.
#pragma once

#include <cstdint>
#include <string>

namespace mnad {

class Random {
 public:
  virtual ~Random() = default;
  virtual uint64_t Next64() = 0;

  // A version-4 UUID in lowercase canonical form.
  std::string Uuid();
  // A UUID whose first 48 bits are `unix_millis` (the UUIDv7 layout), so
  // ids made later sort later: a B-tree keyed on them grows at its end
  // instead of touching a random page per insert.
  std::string TimeOrderedUuid(int64_t unix_millis);
  // `length` characters drawn from [0-9a-z], e.g. the tail of `mna-…`.
  std::string LowerAlnum(int length);
};

// Seeded from std::random_device once per thread.
class SystemRandom final : public Random {
 public:
  uint64_t Next64() override;
};

// Deterministic sequence for tests.
class SequenceRandom final : public Random {
 public:
  explicit SequenceRandom(uint64_t seed) : state_(seed) {}
  uint64_t Next64() override;

 private:
  uint64_t state_;
};

}  // namespace mnad
