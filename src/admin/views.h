// JSON views of the store's records for the admin API, and the whole state
// in the seed format (export). Money stays integer fen; times are RFC 3339.
// Secrets (API secret keys, device DataKeys) appear only where the caller
// asks for them: a key just created, and exports.
// Thread-safe: pure functions over the records they are given.
#pragma once

#include <boost/json.hpp>
#include <string>

#include "core/error.h"
#include "store/records.h"
#include "store/seed_data.h"
#include "store/transaction.h"

namespace mnad::admin {

boost::json::object AccountJson(const store::AccountRecord& account);
boost::json::object KeyJson(const store::ApiKeyRecord& key, bool with_secret);
boost::json::object SubUserJson(const store::SubUserRecord& sub_user);
boost::json::object VoucherJson(const store::VoucherRecord& voucher);
boost::json::object DeviceJson(const store::DeviceRecord& device);
boost::json::object HardwareJson(const store::HardwareRecord& hardware);
boost::json::object LicenseJson(const store::LicenseRecord& license);
boost::json::object OrderJson(const store::OrderRecord& order);
boost::json::object FlowPackageJson(const store::FlowPackageRecord& package);
boost::json::object JournalJson(const store::JournalEntry& entry);
boost::json::object PricesJson(const store::Prices& prices);
boost::json::object SeedReportJson(const store::SeedReport& report);

// Reads everything the seed format can hold.
Result<store::SeedData> ReadState(store::Transaction& transaction);
// The state in the seed format; ParseSeed reads it back.
boost::json::object SeedJson(const store::SeedData& state);

// JSON text indented by two spaces, for files people read.
std::string PrettyJson(const boost::json::value& value);

}  // namespace mnad::admin
