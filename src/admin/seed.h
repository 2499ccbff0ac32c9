// The seed file (../shared/docs/seed-format.md): parsing and strict
// validation. Every unknown key, wrong type or bad value is an error naming
// its JSON path, e.g. `accounts[1].vouchers[0].end_time: not an RFC 3339
// time`; nothing is applied unless the whole file is valid.
// Thread-safe: pure functions (the Random is used for absent ids).
#pragma once

#include <boost/json/value.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "admin/fields.h"
#include "core/error.h"
#include "core/random.h"
#include "store/seed_data.h"

namespace mnad::admin {

// Public Tencent Cloud regions accepted when a seed names none.
const std::vector<std::string>& DefaultRegions();

// Parses seed text. Absent device_id / hardware_id are generated here
// (`mna-` / `cpe-` and ten characters). Errors are InvalidParameterValue.
Result<store::SeedData> ParseSeed(std::string_view text, Random& random);

// The same, from parsed JSON, with the rejected field's path.
template <typename T>
using Parsed = tl::expected<T, FieldError>;
Parsed<store::SeedData> ParseSeedValue(const boost::json::value& root, Random& random);

// One entity in the seed's format (the admin API creates them from these).
// Field paths are relative to the entity.
Parsed<store::SeedAccount> ParseSeedAccount(const boost::json::value& value, Random& random);
Parsed<store::SubUserRecord> ParseSeedSubUser(const boost::json::value& value);
Parsed<store::VoucherRecord> ParseSeedVoucher(const boost::json::value& value);
// Prices: absent fields keep their value in `base`.
Parsed<store::Prices> ParseSeedPrices(const boost::json::value& value, const store::Prices& base);

// Reads and parses a seed file; the error names the file.
Result<store::SeedData> LoadSeedFile(const std::string& path, Random& random);

// "accounts: 2 created, 0 skipped; keys: …" for the start-up log.
std::string DescribeSeedReport(const store::SeedReport& report);

}  // namespace mnad::admin
