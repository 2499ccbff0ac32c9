#include "billing/payment.h"

#include <spdlog/spdlog.h>

#include <cstdlib>

#include "billing/invariant.h"
#include "billing/voucher_ranking.h"

namespace mnad::billing {
std::optional<store::VoucherRecord> SelectVoucher(const std::vector<store::VoucherRecord>& vouchers,
                                                  const VoucherChoice& choice,
                                                  const std::string& account_uin, int64_t total_fen,
                                                  int64_t now_unix) {
  if (choice.auto_voucher) {
    return ChooseVoucher(vouchers, account_uin, kProductMna, total_fen, now_unix);
  }
  if (!choice.voucher_id) return std::nullopt;
  for (const store::VoucherRecord& voucher : vouchers) {
    if (voucher.voucher_id == *choice.voucher_id &&
        VoucherEligible(voucher, account_uin, kProductMna, total_fen, now_unix)) {
      return voucher;
    }
  }
  return std::nullopt;
}

Result<PaymentPlan> PlanPayment(int64_t total_fen, std::optional<store::VoucherRecord> voucher,
                                int64_t account_balance_fen) {
  Require(total_fen >= 0, "order total is negative");
  PaymentPlan plan;
  plan.total_fen = total_fen;
  plan.voucher_fen = voucher ? DeductibleFen(*voucher, total_fen) : 0;
  plan.balance_fen = total_fen - plan.voucher_fen;
  plan.voucher = std::move(voucher);
  if (plan.balance_fen > account_balance_fen) {
    return Fail(ErrorCode::kOperationDeniedInsufficientBalance,
                "Insufficient balance: the order costs " + std::to_string(total_fen) + " fen" +
                    (plan.voucher_fen > 0
                         ? ", the voucher pays " + std::to_string(plan.voucher_fen) + " fen"
                         : std::string()) +
                    ", and the account balance is " + std::to_string(account_balance_fen) +
                    " fen.");
  }
  return plan;
}

Result<store::OrderRecord> ApplyPayment(store::Transaction& transaction,
                                        const store::AccountRecord& account,
                                        const PaymentPlan& plan, const OrderDetails& details) {
  Require(plan.voucher_fen >= 0 && plan.balance_fen >= 0, "a payment part is negative");
  Require(plan.voucher_fen + plan.balance_fen == plan.total_fen,
          "payment parts do not sum to the total");
  Require(plan.balance_fen <= account.balance_fen, "the balance would go negative");

  if (plan.balance_fen > 0) {
    int64_t balance_after = account.balance_fen - plan.balance_fen;
    Result<void> updated = transaction.SetAccountBalance(account.uin, balance_after);
    if (!updated) return tl::unexpected(updated.error());
    Result<void> journaled =
        transaction.AppendJournal({.at_unix_millis = details.now_unix_millis,
                                   .account_uin = account.uin,
                                   .delta_fen = -plan.balance_fen,
                                   .balance_after_fen = balance_after,
                                   .action = details.action,
                                   .reason = std::string(store::JournalActionName(details.action)) +
                                             " " + details.resource_id,
                                   .order_id = details.order_id});
    if (!journaled) return tl::unexpected(journaled.error());
  }
  if (plan.voucher && plan.voucher_fen > 0) {
    const store::VoucherRecord& voucher = *plan.voucher;
    Require(plan.voucher_fen <= voucher.balance_fen, "the voucher would go negative");
    int64_t voucher_after = voucher.balance_fen - plan.voucher_fen;
    Result<void> updated = transaction.SetVoucherBalance(voucher.voucher_id, voucher_after,
                                                         voucher_after == 0 ? "used" : "unUsed");
    if (!updated) return tl::unexpected(updated.error());
    Result<void> journaled =
        transaction.AppendJournal({.at_unix_millis = details.now_unix_millis,
                                   .account_uin = account.uin,
                                   .voucher_id = voucher.voucher_id,
                                   .delta_fen = -plan.voucher_fen,
                                   .balance_after_fen = voucher_after,
                                   .action = details.action,
                                   .reason = std::string(store::JournalActionName(details.action)) +
                                             " " + details.resource_id,
                                   .order_id = details.order_id});
    if (!journaled) return tl::unexpected(journaled.error());
  }
  store::OrderRecord order{.order_id = details.order_id,
                           .account_uin = account.uin,
                           .caller_uin = details.caller_uin,
                           .action = std::string(store::JournalActionName(details.action)),
                           .resource_id = details.resource_id,
                           .total_fen = plan.total_fen,
                           .voucher_fen = plan.voucher_fen,
                           .balance_fen = plan.balance_fen,
                           .created_unix_millis = details.now_unix_millis};
  if (plan.voucher && plan.voucher_fen > 0) order.voucher_id = plan.voucher->voucher_id;
  Result<void> inserted = transaction.InsertOrder(order);
  if (!inserted) return tl::unexpected(inserted.error());
  return order;
}

}  // namespace mnad::billing
