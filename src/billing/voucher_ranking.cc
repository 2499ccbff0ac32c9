#include "billing/voucher_ranking.h"

#include <algorithm>
#include <tuple>

namespace mnad::billing {

bool VoucherEligible(const store::VoucherRecord& voucher, std::string_view account_uin,
                     std::string_view product, int64_t total_fen, int64_t now_unix) {
  return voucher.account_uin == account_uin && voucher.status == "unUsed" &&
         voucher.begin_unix <= now_unix && now_unix <= voucher.end_unix &&
         std::find(voucher.products.begin(), voucher.products.end(), product) !=
             voucher.products.end() &&
         voucher.balance_fen > 0 && total_fen >= voucher.threshold_fen;
}

int64_t DeductibleFen(const store::VoucherRecord& voucher, int64_t total_fen) {
  return std::min(voucher.balance_fen, total_fen);
}

bool RanksBefore(const store::VoucherRecord& a, const store::VoucherRecord& b, int64_t total_fen) {
  // Each key orders "better first" ascending, so one tuple comparison
  // applies the rules in order: first difference wins.
  auto key = [total_fen](const store::VoucherRecord& v) {
    return std::make_tuple(v.balance_fen >= total_fen ? 0 : 1, v.end_unix,
                           -DeductibleFen(v, total_fen), v.balance_fen, v.cash ? 0 : 1,
                           std::string_view(v.voucher_id));
  };
  return key(a) < key(b);
}

std::optional<store::VoucherRecord> ChooseVoucher(const std::vector<store::VoucherRecord>& vouchers,
                                                  std::string_view account_uin,
                                                  std::string_view product, int64_t total_fen,
                                                  int64_t now_unix) {
  const store::VoucherRecord* best = nullptr;
  for (const store::VoucherRecord& voucher : vouchers) {
    if (!VoucherEligible(voucher, account_uin, product, total_fen, now_unix)) continue;
    if (best == nullptr || RanksBefore(voucher, *best, total_fen)) best = &voucher;
  }
  if (best == nullptr) return std::nullopt;
  return *best;
}

}  // namespace mnad::billing
