// A short-lived cache in front of the credential lookup: every request
// resolves its SecretId, and a store read per request costs more than the
// rest of authentication. Entries (unknown keys too) live for `ttl_ms`, so a
// key or account change reaches requests within that time; Clear() makes it
// immediate for changes made in this process.
// Thread-safe: sharded by SecretId, one mutex per shard.
#pragma once

#include <array>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "auth/authenticator.h"
#include "core/clock.h"

namespace mnad::auth {

class CredentialCache {
 public:
  CredentialCache(const Clock* clock, int64_t ttl_ms, CredentialLookup inner);

  Result<std::optional<Credential>> Find(std::string_view secret_id);
  void Clear();

 private:
  static constexpr size_t kShardCount = 16;
  // A shard that reaches this many entries starts over, bounding memory
  // against floods of made-up SecretIds.
  static constexpr size_t kShardEntriesMax = 8192;
  struct Entry {
    std::optional<Credential> credential;
    int64_t expires_nanos;
  };
  struct Shard {
    std::mutex mutex;
    std::unordered_map<std::string, Entry> entries;
  };

  const Clock* clock_;
  int64_t ttl_nanos_;
  CredentialLookup inner_;
  std::array<Shard, kShardCount> shards_;
};

}  // namespace mnad::auth
