// The bounds on amounts of money, in integer fen. One constant for every
// path that can make a balance, so that whatever the admin API produces,
// export writes and import, reset and --seed accept.
// Thread-safe: constants.
#pragma once

#include <cstdint>

namespace mnad {

// The largest balance an account or a voucher may hold, and the largest
// single change: ten billion CNY. Two of them add up far below 2^63, so no
// sum of a balance and a change can overflow.
inline constexpr int64_t kFenMax = 1'000'000'000'000;

}  // namespace mnad
