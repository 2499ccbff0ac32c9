// RFC 3339 / UTC date helpers shared by signing (TC3 scope date), the seed
// file and the billing read actions. Thread-safe: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace mnad {

// "YYYY-MM-DD" of a Unix time in UTC.
std::string UtcDate(int64_t unix_seconds);
// "YYYY-MM-DDTHH:MM:SSZ".
std::string FormatRfc3339(int64_t unix_seconds);
// "YYYY-MM-DD HH:MM:SS" in UTC, the billing API's time format.
std::string FormatBillingTime(int64_t unix_seconds);
// The same day and time one calendar month later (UTC); a day the next
// month does not have becomes its last day (Jan 31 -> Feb 28/29).
int64_t AddOneCalendarMonth(int64_t unix_seconds);
// Parses RFC 3339 with a 'Z' or ±HH:MM offset and optional fractional
// seconds (dropped). nullopt when the text is not such a time.
std::optional<int64_t> ParseRfc3339(std::string_view text);

}  // namespace mnad
