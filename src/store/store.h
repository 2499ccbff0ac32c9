// The Store interface: everything mnad persists, behind one backend-neutral
// API (SQLite now, PostgreSQL later). Business rules call these methods and
// never see SQL. Every method is a complete unit: it commits or changes
// nothing.
// Thread-safe: implementations must allow concurrent calls.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/error.h"
#include "store/records.h"
#include "store/transaction.h"

namespace mnad::store {

// One unit of work for the store's writer.
struct WriteCommand {
  // Runs inside the transaction; returns false when its writes must be
  // undone (the command answers an error). May run more than once when a
  // batch is retried, so it must depend only on the transaction's state.
  std::function<bool(Transaction&)> run;
  // Called once the batch holding the command is durable (ok) or has
  // failed for good (FailedOperation.TransactionException). Called on the
  // store's own thread: keep it short.
  std::function<void(Result<void>)> done;
  // Commands with the same shard (the paying account) run in submission
  // order on one writer of a backend that has several; empty: the first.
  std::string shard;
};

// A backend implements two methods: reads on a snapshot, and queued
// writes. Every other operation is written once, over these two (store.cc).
class Store {
 public:
  virtual ~Store() = default;

  // Runs `body` on a consistent read-only snapshot, off the writer: reads
  // never wait for writes. Writes attempted in it fail.
  virtual Result<void> ReadSnapshot(const std::function<Result<void>(Transaction&)>& body) = 0;

  // Queues a write; see WriteCommand. Never blocks on the disk.
  virtual void Submit(WriteCommand command) = 0;

  // Runs `body` as one write command and waits until it is durable (or
  // failed). For start-up, tools and tests: never call it from the store's
  // own thread. When the body answers an error its writes are undone.
  Result<void> WriteAndWait(const std::function<Result<void>(Transaction&)>& body);

  // Conveniences: one read each, on its own snapshot.
  // The configured regions (empty: none configured, use the built-in list).
  Result<std::vector<std::string>> Regions();
  // The test clock's stored state (absent: never changed).
  Result<std::optional<AdjustableClock::State>> TestClock();
  Result<std::optional<CredentialRecord>> FindCredential(std::string_view secret_id);
  Result<std::optional<AccountRecord>> FindAccount(std::string_view uin);
  // The device when it exists in that account; another account's device is
  // reported as absent.
  Result<std::optional<DeviceRecord>> FindDevice(std::string_view account_uin,
                                                 std::string_view device_id);
  Result<std::vector<VoucherRecord>> ListVouchers(std::string_view account_uin);
  // The journal entries of one voucher of the account, oldest first.
  Result<std::vector<JournalEntry>> VoucherJournal(std::string_view account_uin,
                                                   std::string_view voucher_id);
  // Every journal entry, oldest first (audits and tests).
  Result<std::vector<JournalEntry>> Journal();
};

// Runs `body` in a transaction and hands its result to `reply` once it is
// durable. When the body answers an error its writes are undone (unless it
// asked to keep them); when the storage fails, the reply is
// FailedOperation.TransactionException and nothing changed.
// `shard`: see WriteCommand.
template <typename T>
void RunInTransaction(Store& store, std::function<Result<T>(Transaction&)> body,
                      std::function<void(Result<T>)> reply, std::string shard = {}) {
  auto outcome = std::make_shared<std::optional<Result<T>>>();
  store.Submit(WriteCommand{.run =
                                [body = std::move(body), outcome](Transaction& transaction) {
                                  *outcome = body(transaction);
                                  return (*outcome)->has_value() ||
                                         transaction.keep_changes_on_error();
                                },
                            .done =
                                [outcome, reply = std::move(reply)](Result<void> durable) {
                                  if (!durable) return reply(tl::unexpected(durable.error()));
                                  reply(std::move(**outcome));
                                },
                            .shard = std::move(shard)});
}

}  // namespace mnad::store
