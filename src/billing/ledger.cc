#include "billing/ledger.h"

#include <fmt/format.h>

#include "billing/invariant.h"
#include "core/money.h"

namespace mnad::billing {
namespace {

bool WithinLimit(int64_t fen) {
  return fen >= 0 && fen <= kFenMax;
}

}  // namespace

Result<void> OpenAccount(store::Transaction& transaction, const store::AccountRecord& account,
                         const std::string& note) {
  if (!WithinLimit(account.balance_fen)) {
    return Fail(ErrorCode::kInvalidParameterValue,
                fmt::format("An opening balance is between 0 and {} fen.", kFenMax));
  }
  MNAD_TRY(transaction.InsertAccount(account));
  if (account.balance_fen == 0) return {};
  return transaction.AppendJournal({.at_unix_millis = account.created_unix_millis,
                                    .account_uin = account.uin,
                                    .delta_fen = account.balance_fen,
                                    .balance_after_fen = account.balance_fen,
                                    .action = store::JournalAction::kOpeningBalance,
                                    .reason = note});
}

Result<store::JournalEntry> ChangeBalance(store::Transaction& transaction,
                                          const store::AccountRecord& account,
                                          store::JournalAction action, int64_t delta_fen,
                                          const std::string& note, int64_t now_ms) {
  Require(action == store::JournalAction::kTopUp || action == store::JournalAction::kAdjustment,
          "a balance change that is neither a top-up nor an adjustment");
  Require(delta_fen != 0 && delta_fen >= -kFenMax && delta_fen <= kFenMax,
          "a balance change out of bounds");
  Require(WithinLimit(account.balance_fen), "a stored balance out of bounds");
  int64_t after = account.balance_fen + delta_fen;  // |both| <= kFenMax: no overflow
  if (after < 0) {
    return Fail(ErrorCode::kOperationDeniedInsufficientBalance,
                fmt::format("The balance is {} fen; a change of {} fen would leave it negative.",
                            account.balance_fen, delta_fen));
  }
  if (after > kFenMax) {
    return Fail(ErrorCode::kLimitExceeded,
                fmt::format("The balance is {} fen; a change of {} fen would take it past the "
                            "largest balance, {} fen.",
                            account.balance_fen, delta_fen, kFenMax));
  }
  MNAD_TRY(transaction.SetAccountBalance(account.uin, after));
  store::JournalEntry entry{.at_unix_millis = now_ms,
                            .account_uin = account.uin,
                            .delta_fen = delta_fen,
                            .balance_after_fen = after,
                            .action = action,
                            .reason = note};
  MNAD_TRY(transaction.AppendJournal(entry));
  return entry;
}

Result<void> IssueVoucher(store::Transaction& transaction, const store::VoucherRecord& voucher,
                          const std::string& note, int64_t now_ms) {
  if (!WithinLimit(voucher.nominal_fen) || !WithinLimit(voucher.balance_fen) ||
      !WithinLimit(voucher.threshold_fen) || voucher.balance_fen > voucher.nominal_fen) {
    return Fail(ErrorCode::kInvalidParameterValue,
                fmt::format("A voucher's amounts are between 0 and {} fen, its balance at most "
                            "its nominal value.",
                            kFenMax));
  }
  MNAD_TRY(transaction.InsertVoucher(voucher));
  return transaction.AppendJournal({.at_unix_millis = now_ms,
                                    .account_uin = voucher.account_uin,
                                    .voucher_id = voucher.voucher_id,
                                    .delta_fen = voucher.balance_fen,
                                    .balance_after_fen = voucher.balance_fen,
                                    .action = store::JournalAction::kVoucherIssued,
                                    .reason = note});
}

Result<store::JournalEntry> CancelVoucher(store::Transaction& transaction,
                                          const store::VoucherRecord& voucher,
                                          const std::string& note, int64_t now_ms) {
  if (voucher.status == "cancel") {
    return Fail(ErrorCode::kFailedOperation, "The voucher is already cancelled.");
  }
  Require(WithinLimit(voucher.balance_fen), "a stored voucher balance out of bounds");
  MNAD_TRY(transaction.SetVoucherBalance(voucher.voucher_id, voucher.balance_fen, "cancel"));
  store::JournalEntry entry{.at_unix_millis = now_ms,
                            .account_uin = voucher.account_uin,
                            .voucher_id = voucher.voucher_id,
                            .delta_fen = 0,
                            .balance_after_fen = voucher.balance_fen,
                            .action = store::JournalAction::kVoucherCancelled,
                            .reason = note};
  MNAD_TRY(transaction.AppendJournal(entry));
  return entry;
}

}  // namespace mnad::billing
