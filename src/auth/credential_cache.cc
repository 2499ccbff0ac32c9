#include "auth/credential_cache.h"

#include <functional>

namespace mnad::auth {

CredentialCache::CredentialCache(const Clock* clock, int64_t ttl_ms, CredentialLookup inner)
    : clock_(clock), ttl_nanos_(ttl_ms * 1'000'000), inner_(std::move(inner)) {}

Result<std::optional<Credential>> CredentialCache::Find(std::string_view secret_id) {
  if (ttl_nanos_ <= 0) return inner_(secret_id);
  std::string key(secret_id);
  Shard& shard = shards_[std::hash<std::string>{}(key) % kShardCount];
  int64_t now = clock_->MonotonicNanos();
  {
    std::lock_guard lock(shard.mutex);
    auto found = shard.entries.find(key);
    if (found != shard.entries.end() && found->second.expires_nanos > now)
      return found->second.credential;
  }
  Result<std::optional<Credential>> fresh = inner_(secret_id);
  if (!fresh) return fresh;  // failures are not cached
  std::lock_guard lock(shard.mutex);
  if (shard.entries.size() >= kShardEntriesMax) shard.entries.clear();
  shard.entries[key] = Entry{*fresh, now + ttl_nanos_};
  return fresh;
}

void CredentialCache::Clear() {
  for (Shard& shard : shards_) {
    std::lock_guard lock(shard.mutex);
    shard.entries.clear();
  }
}

}  // namespace mnad::auth
