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
#include "core/principal.h"
#include "store/records.h"
#include "store/seed_data.h"
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
};

// An enabled API key and the principal it acts as.
struct CredentialRecord {
  std::string secret_key;
  Principal principal;
};

class Store {
 public:
  virtual ~Store() = default;

  // Applies a seed in one transaction: existing ids are skipped, new ones
  // created; on any failure nothing changes.
  virtual Result<SeedReport> ApplySeed(const SeedData& seed) = 0;

  // The configured regions (empty: none configured, use the built-in list).
  virtual Result<std::vector<std::string>> Regions() = 0;

  virtual Result<std::optional<CredentialRecord>> FindCredential(std::string_view secret_id) = 0;
  virtual Result<std::optional<AccountRecord>> FindAccount(std::string_view uin) = 0;
  // The device when it exists in that account; another account's device is
  // reported as absent.
  virtual Result<std::optional<DeviceRecord>> FindDevice(std::string_view account_uin,
                                                         std::string_view device_id) = 0;
  virtual Result<std::vector<VoucherRecord>> ListVouchers(std::string_view account_uin) = 0;
  // The journal entries of one voucher of the account, oldest first.
  virtual Result<std::vector<JournalEntry>> VoucherJournal(std::string_view account_uin,
                                                           std::string_view voucher_id) = 0;
  // Every journal entry, oldest first (audits and tests).
  virtual Result<std::vector<JournalEntry>> Journal() = 0;

  // Runs `body` on a consistent read-only snapshot, off the writer: reads
  // never wait for writes. Writes attempted in it fail.
  virtual Result<void> ReadSnapshot(const std::function<Result<void>(Transaction&)>& body) = 0;

  // Queues a write; see WriteCommand. Never blocks on the disk.
  virtual void Submit(WriteCommand command) = 0;
};

// Runs `body` in a transaction and hands its result to `reply` once it is
// durable. When the body answers an error its writes are undone (unless it
// asked to keep them); when the storage fails, the reply is
// FailedOperation.TransactionException and nothing changed.
template <typename T>
void RunInTransaction(Store& store, std::function<Result<T>(Transaction&)> body,
                      std::function<void(Result<T>)> reply) {
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
                                }});
}

}  // namespace mnad::store
