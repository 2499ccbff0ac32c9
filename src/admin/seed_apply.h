// Applying a parsed seed (seed-format.md) to the store: written once over
// the Transaction interface, for every backend. Ids that already exist are
// left as they are and counted as skipped; new entities are created, and
// opening balances and vouchers are journaled through billing/.
// Thread-safe: the functions touch only their arguments and the store.
#pragma once

#include <cstdint>
#include <string_view>

#include "core/error.h"
#include "store/seed_data.h"
#include "store/store.h"
#include "store/transaction.h"

namespace mnad::admin {

// Inside a transaction; `source` ("seed", "admin") begins the journal's
// notes: "<source>: opening balance", "<source>: voucher issued".
Result<void> ApplySeed(store::Transaction& transaction, const store::SeedData& seed, int64_t now_ms,
                       std::string_view source, store::SeedReport* report);

// In one durable transaction of its own; on any failure nothing changes.
Result<store::SeedReport> ApplySeed(store::Store& store, const store::SeedData& seed,
                                    int64_t now_ms);

}  // namespace mnad::admin
