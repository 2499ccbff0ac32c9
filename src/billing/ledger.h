// Money that moves without a purchase: an account's opening balance,
// operator top-ups and adjustments, vouchers issued and cancelled. Like a
// payment (payment.h), each change writes the new balance and one journal
// entry, and checks the money invariants; the admin API and seeds come
// through here, so no other code writes a balance.
// Thread-safe: the functions touch only their arguments and the transaction.
#pragma once

#include <cstdint>
#include <string>

#include "core/error.h"
#include "store/records.h"
#include "store/transaction.h"

namespace mnad::billing {

// Creates the account with its balance, journaled as its opening balance
// when not zero. InvalidParameterValue when the balance is outside
// [0, kFenMax].
Result<void> OpenAccount(store::Transaction& transaction, const store::AccountRecord& account,
                         const std::string& note);

// Adds `delta_fen` (either sign, not 0) to the balance: `action` is kTopUp
// or kAdjustment. OperationDenied.InsufficientBalance when the balance would
// go negative, LimitExceeded when it would pass kFenMax; nothing changes
// then. Returns the journal entry (entry_id not filled).
Result<store::JournalEntry> ChangeBalance(store::Transaction& transaction,
                                          const store::AccountRecord& account,
                                          store::JournalAction action, int64_t delta_fen,
                                          const std::string& note, int64_t now_ms);

// Creates the voucher (account_uin taken from the record) and journals its
// balance as issued. InvalidParameterValue when an amount is outside
// [0, kFenMax] or the balance exceeds the nominal value.
Result<void> IssueVoucher(store::Transaction& transaction, const store::VoucherRecord& voucher,
                          const std::string& note, int64_t now_ms);

// Marks the voucher cancelled: it keeps its balance for the record and pays
// nothing more. Journaled with a delta of 0. FailedOperation when it is
// already cancelled.
Result<store::JournalEntry> CancelVoucher(store::Transaction& transaction,
                                          const store::VoucherRecord& voucher,
                                          const std::string& note, int64_t now_ms);

}  // namespace mnad::billing
