// Which voucher pays for an order: eligibility and the AutoVoucher ranking
// of order-per-license.md. Pure functions of their arguments.
// Thread-safe: yes.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "store/records.h"

namespace mnad::billing {

inline constexpr char kProductMna[] = "mna";

// A voucher may pay for an order when it belongs to the account, is unused,
// now lies within [begin, end], it applies to the product, it has balance
// left and the order total reaches its threshold.
bool VoucherEligible(const store::VoucherRecord& voucher, std::string_view account_uin,
                     std::string_view product, int64_t total_fen, int64_t now_unix);

// min(voucher balance, order total).
int64_t DeductibleFen(const store::VoucherRecord& voucher, int64_t total_fen);

// True when `a` ranks before `b` for an order of `total_fen`: covers the
// whole order; then earlier EndTime; larger deductible amount; smaller
// remaining balance; cash voucher; smaller VoucherId.
bool RanksBefore(const store::VoucherRecord& a, const store::VoucherRecord& b, int64_t total_fen);

// The best eligible voucher for AutoVoucher, or nullopt when none is.
std::optional<store::VoucherRecord> ChooseVoucher(const std::vector<store::VoucherRecord>& vouchers,
                                                  std::string_view account_uin,
                                                  std::string_view product, int64_t total_fen,
                                                  int64_t now_unix);

}  // namespace mnad::billing
