// The Store interface: everything mnad persists, behind one backend-neutral
// API (SQLite now, PostgreSQL later). Business rules call these methods and
// never see SQL. Every method is a complete unit: it commits or changes
// nothing.
// Thread-safe: implementations must allow concurrent calls.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "core/principal.h"
#include "store/records.h"
#include "store/seed_data.h"

namespace mnad::store {

// An enabled API key and the principal it acts as.
struct CredentialRecord {
  std::string secret_key;
  Principal principal;
};

class Store {
 public:
  virtual ~Store() = default;

  // Applies a seed in one transaction: existing ids are skipped, new ones
  // created; on any failure nothing changes.
  virtual Result<SeedReport> ApplySeed(const SeedData& seed) = 0;

  // The configured regions (empty: none configured, use the built-in list).
  virtual Result<std::vector<std::string>> Regions() = 0;

  virtual Result<std::optional<CredentialRecord>> FindCredential(std::string_view secret_id) = 0;
  virtual Result<std::optional<AccountRecord>> FindAccount(std::string_view uin) = 0;
  // The device when it exists in that account; another account's device is
  // reported as absent.
  virtual Result<std::optional<DeviceRecord>> FindDevice(std::string_view account_uin,
                                                         std::string_view device_id) = 0;
};

}  // namespace mnad::store
