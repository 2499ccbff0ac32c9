// The seed file (../shared/docs/seed-format.md): parsing and strict
// validation. Every unknown key, wrong type or bad value is an error naming
// its JSON path, e.g. `accounts[1].vouchers[0].end_time: not an RFC 3339
// time`; nothing is applied unless the whole file is valid.
// Thread-safe: pure functions (the Random is used for absent ids).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "core/random.h"
#include "store/seed_data.h"

namespace mnad::admin {

// Public Tencent Cloud regions accepted when a seed names none.
const std::vector<std::string>& DefaultRegions();

// Parses seed text. Absent device_id / hardware_id are generated here
// (`mna-` / `cpe-` and ten characters). Errors are InvalidParameterValue.
Result<store::SeedData> ParseSeed(std::string_view text, Random& random);

// Reads and parses a seed file; the error names the file.
Result<store::SeedData> LoadSeedFile(const std::string& path, Random& random);

// "accounts: 2 created, 0 skipped; keys: …" for the start-up log.
std::string DescribeSeedReport(const store::SeedReport& report);

}  // namespace mnad::admin
