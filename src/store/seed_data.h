// A parsed, validated seed: the declarative starting state of seed-format.md.
// The admin layer parses the file; the store applies it in one transaction.
// Thread-safe: plain data.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "store/records.h"

namespace mnad::store {

struct SeedAccount {
  AccountRecord account;
  std::vector<ApiKeyRecord> keys;
  std::vector<SubUserRecord> sub_users;
  std::vector<VoucherRecord> vouchers;
  std::vector<DeviceRecord> devices;
  std::vector<HardwareRecord> hardware;
};

struct SeedData {
  std::optional<std::vector<std::string>> regions;
  std::optional<Prices> prices;
  std::vector<SeedAccount> accounts;
};

// What applying a seed did: per kind of entity, how many were new and how
// many already existed (left as they were).
struct SeedReport {
  struct Count {
    int created = 0;
    int skipped = 0;
  };
  Count accounts, keys, sub_users, vouchers, devices, hardware;
};

}  // namespace mnad::store
