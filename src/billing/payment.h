// The one payment engine: every action that charges (OrderPerLicense now,
// OrderFlowPackage later) prices its order, picks at most one voucher and
// pays through here, so the money rules live in one place.
// Thread-safe: the functions touch only their arguments and the transaction.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/error.h"
#include "store/records.h"
#include "store/transaction.h"

namespace mnad::billing {

// How the caller asked for a voucher.
struct VoucherChoice {
  bool auto_voucher = false;
  std::optional<std::string> voucher_id;  // ignored when auto_voucher
};

// The voucher that pays: the best eligible one for AutoVoucher; else the
// designated one when eligible; else none (an ineligible designated voucher
// is skipped silently and the balance pays).
std::optional<store::VoucherRecord> SelectVoucher(const std::vector<store::VoucherRecord>& vouchers,
                                                  const VoucherChoice& choice,
                                                  const std::string& account_uin, int64_t total_fen,
                                                  int64_t now_unix);

struct PaymentPlan {
  int64_t total_fen = 0;
  std::optional<store::VoucherRecord> voucher;
  int64_t voucher_fen = 0;  // what the voucher pays
  int64_t balance_fen = 0;  // what the account balance pays
};

// Splits the total: the voucher pays its deductible amount, the balance the
// rest. OperationDenied.InsufficientBalance when the balance cannot.
Result<PaymentPlan> PlanPayment(int64_t total_fen, std::optional<store::VoucherRecord> voucher,
                                int64_t account_balance_fen);

struct OrderDetails {
  std::string order_id;
  std::string account_uin;
  std::string caller_uin;
  store::JournalAction action = store::JournalAction::kOrderPerLicense;  // the paying API action
  std::string resource_id;
  int64_t now_unix_millis = 0;
};

// Writes the plan: the new balance and voucher balance with a journal entry
// each, and the order. Aborts on a broken money invariant (a bug, never
// input): nothing negative, the parts summing to the total.
Result<store::OrderRecord> ApplyPayment(store::Transaction& transaction,
                                        const store::AccountRecord& account,
                                        const PaymentPlan& plan, const OrderDetails& details);

}  // namespace mnad::billing
