#include "store/sqlite/sqlite_store.h"

#include <sqlite3.h>

#include <chrono>
#include <future>

#include "store/sqlite/migrations.h"

namespace mnad::store::sqlite {
namespace {

#define MNAD_TRY(expression)                                              \
  do {                                                                    \
    auto mnad_try_result = (expression);                                  \
    if (!mnad_try_result) return tl::unexpected(mnad_try_result.error()); \
  } while (false)

// True when a row with that key exists (the statement takes one text key).
Result<bool> Exists(Connection& db, std::string_view sql, std::string_view key) {
  Result<Statement> statement = db.Prepare(sql);
  if (!statement) return tl::unexpected(statement.error());
  statement->Bind(1, key);
  return statement->Step();
}

}  // namespace

Result<std::unique_ptr<SqliteStore>> SqliteStore::Open(SqliteStoreOptions options,
                                                       const Clock* clock) {
  Result<std::unique_ptr<Connection>> writer =
      Connection::Open(options.path, /*create=*/true, options.writer_cache_kib);
  if (!writer) return tl::unexpected(writer.error());
  MNAD_TRY(Migrate(**writer));
  MNAD_TRY((*writer)->Exec("PRAGMA wal_autocheckpoint=0; PRAGMA journal_size_limit=" +
                           std::to_string(int64_t{options.wal_frames_max} * 4096)));
  return std::unique_ptr<SqliteStore>(
      new SqliteStore(std::move(options), clock, std::move(*writer)));
}

SqliteStore::SqliteStore(SqliteStoreOptions options, const Clock* clock,
                         std::unique_ptr<Connection> writer)
    : options_(std::move(options)), clock_(clock), writer_(std::move(writer)) {
  writer_thread_ = std::thread([this] { WriterLoop(); });
  checkpoint_thread_ = std::thread([this] { CheckpointLoop(); });
}

SqliteStore::~SqliteStore() {
  {
    std::lock_guard lock(queue_mutex_);
    stopping_ = true;
  }
  queue_ready_.notify_all();
  checkpoint_wakeup_.notify_all();
  writer_thread_.join();
  checkpoint_thread_.join();
  // Leave a compact database behind: everything copied out of the WAL.
  (void)writer_->Exec("PRAGMA wal_checkpoint(TRUNCATE)");
}

void SqliteStore::CheckpointLoop() {
  Result<std::unique_ptr<Connection>> connection =
      Connection::Open(options_.path, /*create=*/false, 256);
  if (!connection) return;
  std::unique_lock lock(queue_mutex_);
  while (!stopping_) {
    checkpoint_wakeup_.wait_for(lock, std::chrono::milliseconds(options_.checkpoint_interval_ms));
    if (stopping_) break;
    lock.unlock();
    // PASSIVE: copies what it can without waiting for readers or the writer.
    int log_frames = 0;
    sqlite3_wal_checkpoint_v2((*connection)->handle(), nullptr, SQLITE_CHECKPOINT_PASSIVE,
                              &log_frames, nullptr);
    if (log_frames > options_.wal_frames_max) {
      sqlite3_wal_checkpoint_v2((*connection)->handle(), nullptr, SQLITE_CHECKPOINT_RESTART,
                                nullptr, nullptr);
    }
    lock.lock();
  }
}

void SqliteStore::Submit(WriteCommand command) {
  {
    std::lock_guard lock(queue_mutex_);
    if (!stopping_ && queue_.size() < options_.queue_commands_max) {
      queue_.push_back(std::move(command));
      queue_ready_.notify_one();
      return;
    }
  }
  command.done(
      Fail(ErrorCode::kFailedOperationTransactionException,
           "The store is not accepting writes (stopping or overloaded); nothing changed."));
}

WriterStats SqliteStore::stats() const {
  std::lock_guard lock(queue_mutex_);
  return stats_;
}

void SqliteStore::WriterLoop() {
  std::vector<WriteCommand> batch;
  while (true) {
    {
      std::unique_lock lock(queue_mutex_);
      queue_ready_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and everything is answered
      while (!queue_.empty() && batch.size() < options_.batch_commands_max) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    ExecuteBatch(batch);
    batch.clear();
  }
}

void SqliteStore::ExecuteBatch(std::vector<WriteCommand>& batch) {
  Connection& db = *writer_;
  SqliteTransaction transaction(db, options_.faults);
  Error failure{ErrorCode::kFailedOperationTransactionException, ""};
  for (int attempt = 0; attempt < options_.commit_attempts_max; ++attempt) {
    Result<void> begun = db.Run("BEGIN IMMEDIATE");
    if (!begun) {
      failure.message = begun.error().message;
      continue;
    }
    for (WriteCommand& command : batch) {
      transaction.ResetForCommand();
      // A savepoint per command: one command's failure undoes only its own
      // writes, never its neighbours' in the batch.
      Result<void> savepoint = db.Run("SAVEPOINT command");
      bool keep = savepoint.has_value() && command.run(transaction);
      if (savepoint && !keep) (void)db.Run("ROLLBACK TO command");
      if (savepoint) (void)db.Run("RELEASE command");
    }
    bool inject_failure = options_.faults != nullptr && options_.faults->fail_commits.load() > 0 &&
                          options_.faults->fail_commits.fetch_sub(1) > 0;
    int64_t commit_started = clock_->MonotonicNanos();
    Result<void> committed = inject_failure
                                 ? Fail(ErrorCode::kInternalError, "injected commit fault")
                                 : db.Run("COMMIT");
    if (committed) {
      commit_seconds_.Observe(static_cast<double>(clock_->MonotonicNanos() - commit_started) / 1e9);
      batch_sizes_.Observe(static_cast<double>(batch.size()));
      {
        std::lock_guard lock(queue_mutex_);
        ++stats_.batches;
        stats_.commands += batch.size();
        stats_.largest_batch = std::max<uint64_t>(stats_.largest_batch, batch.size());
      }
      for (WriteCommand& command : batch) command.done({});
      return;
    }
    failure.message = committed.error().message;
    (void)db.Run("ROLLBACK");
    std::lock_guard lock(queue_mutex_);
    ++stats_.failed_commits;
  }
  failure.message = "The storage transaction failed after " +
                    std::to_string(options_.commit_attempts_max) +
                    " attempts; nothing changed: " + failure.message;
  for (WriteCommand& command : batch) command.done(tl::unexpected(failure));
}

SqliteStore::ReadLease::~ReadLease() {
  if (connection_ == nullptr) return;
  std::lock_guard lock(store_->readers_mutex_);
  store_->idle_readers_.push_back(std::move(connection_));
}

Result<SqliteStore::ReadLease> SqliteStore::Read() {
  {
    std::lock_guard lock(readers_mutex_);
    if (!idle_readers_.empty()) {
      std::unique_ptr<Connection> connection = std::move(idle_readers_.back());
      idle_readers_.pop_back();
      return ReadLease(this, std::move(connection));
    }
  }
  Result<std::unique_ptr<Connection>> opened =
      Connection::Open(options_.path, /*create=*/false, options_.reader_cache_kib);
  if (!opened) return tl::unexpected(opened.error());
  MNAD_TRY((*opened)->Exec("PRAGMA query_only=1"));
  return ReadLease(this, std::move(*opened));
}

Result<SeedReport> SqliteStore::ApplySeed(const SeedData& seed) {
  SeedReport report;
  std::optional<Error> error;
  std::promise<Result<void>> durable;
  int64_t now_ms = clock_->NowUnixMillis();
  Submit(WriteCommand{
      .run =
          [&](Transaction& transaction) {
            report = SeedReport();
            error.reset();
            Connection& db = static_cast<SqliteTransaction&>(transaction).connection();
            auto apply = [&]() -> Result<void> {
              if (seed.regions) {
                MNAD_TRY(db.Exec("DELETE FROM regions"));
                for (const std::string& region : *seed.regions) {
                  Result<Statement> insert =
                      db.Prepare("INSERT OR IGNORE INTO regions(region) VALUES (?1)");
                  if (!insert) return tl::unexpected(insert.error());
                  MNAD_TRY(insert->Bind(1, region).Run());
                }
              }
              if (seed.prices) {
                Result<Statement> upsert = db.Prepare(
                    "INSERT INTO prices(id, license_fen, flow_20g_fen, flow_50g_fen, "
                    "flow_100g_fen, "
                    "flow_500g_fen) VALUES (1, ?1, ?2, ?3, ?4, ?5) ON CONFLICT(id) DO UPDATE SET "
                    "license_fen=?1, flow_20g_fen=?2, flow_50g_fen=?3, flow_100g_fen=?4, "
                    "flow_500g_fen=?5");
                if (!upsert) return tl::unexpected(upsert.error());
                const Prices& p = *seed.prices;
                MNAD_TRY(upsert->Bind(1, p.license_fen)
                             .Bind(2, p.flow_package_20g_fen)
                             .Bind(3, p.flow_package_50g_fen)
                             .Bind(4, p.flow_package_100g_fen)
                             .Bind(5, p.flow_package_500g_fen)
                             .Run());
              }
              for (const SeedAccount& account : seed.accounts) {
                MNAD_TRY(ApplySeedAccount(db, account, now_ms, &report));
              }
              return {};
            };
            Result<void> applied = apply();
            if (!applied) error = applied.error();
            return applied.has_value();
          },
      .done = [&durable](Result<void> result) { durable.set_value(std::move(result)); }});
  Result<void> result = durable.get_future().get();
  if (!result) return tl::unexpected(result.error());
  if (error) return tl::unexpected(*error);
  return report;
}

Result<void> SqliteStore::ApplySeedAccount(Connection& db, const SeedAccount& seed, int64_t now_ms,
                                           SeedReport* report) {
  const AccountRecord& account = seed.account;
  Result<bool> account_exists = Exists(db, "SELECT 1 FROM accounts WHERE uin=?1", account.uin);
  if (!account_exists) return tl::unexpected(account_exists.error());
  if (*account_exists) {
    ++report->accounts.skipped;
  } else {
    ++report->accounts.created;
    Result<Statement> insert = db.Prepare(
        "INSERT INTO accounts(uin, app_id, name, identity_verified, service_authorized, suspended, "
        "vendor_name, balance_fen, created_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
    if (!insert) return tl::unexpected(insert.error());
    MNAD_TRY(insert->Bind(1, account.uin)
                 .Bind(2, account.app_id)
                 .Bind(3, account.name)
                 .Bind(4, int64_t{account.identity_verified})
                 .Bind(5, int64_t{account.service_authorized})
                 .Bind(6, int64_t{account.suspended})
                 .BindOptional(7, account.vendor_name)
                 .Bind(8, account.balance_fen)
                 .Bind(9, now_ms)
                 .Run());
    // The opening balance is a change of balance like any other: journaled.
    if (account.balance_fen != 0) {
      Result<Statement> journal = db.Prepare(
          "INSERT INTO journal(at_ms, account_uin, voucher_id, delta_fen, balance_after_fen, "
          "reason, "
          "order_id) VALUES (?1, ?2, NULL, ?3, ?3, 'seed: opening balance', NULL)");
      if (!journal) return tl::unexpected(journal.error());
      MNAD_TRY(journal->Bind(1, now_ms).Bind(2, account.uin).Bind(3, account.balance_fen).Run());
    }
  }

  auto insert_key = [&](const ApiKeyRecord& key,
                        const std::optional<std::string>& sub_user_uin) -> Result<void> {
    Result<bool> exists = Exists(db, "SELECT 1 FROM api_keys WHERE secret_id=?1", key.secret_id);
    if (!exists) return tl::unexpected(exists.error());
    if (*exists) {
      ++report->keys.skipped;
      return {};
    }
    ++report->keys.created;
    Result<Statement> insert = db.Prepare(
        "INSERT INTO api_keys(secret_id, secret_key, account_uin, sub_user_uin, enabled, "
        "created_ms) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
    if (!insert) return tl::unexpected(insert.error());
    return insert->Bind(1, key.secret_id)
        .Bind(2, key.secret_key)
        .Bind(3, account.uin)
        .BindOptional(4, sub_user_uin)
        .Bind(5, int64_t{key.enabled})
        .Bind(6, now_ms)
        .Run();
  };

  for (const ApiKeyRecord& key : seed.keys) MNAD_TRY(insert_key(key, std::nullopt));

  for (const SubUserRecord& sub_user : seed.sub_users) {
    Result<bool> exists = Exists(db, "SELECT 1 FROM sub_users WHERE uin=?1", sub_user.uin);
    if (!exists) return tl::unexpected(exists.error());
    if (*exists) {
      ++report->sub_users.skipped;
    } else {
      ++report->sub_users.created;
      Result<Statement> insert = db.Prepare(
          "INSERT INTO sub_users(uin, account_uin, name, allowed_actions, payment_allowed) "
          "VALUES (?1, ?2, ?3, ?4, ?5)");
      if (!insert) return tl::unexpected(insert.error());
      MNAD_TRY(insert->Bind(1, sub_user.uin)
                   .Bind(2, account.uin)
                   .Bind(3, sub_user.name)
                   .Bind(4, JoinLines(sub_user.allowed_actions))
                   .Bind(5, int64_t{sub_user.payment_allowed})
                   .Run());
    }
    for (const ApiKeyRecord& key : sub_user.keys) MNAD_TRY(insert_key(key, sub_user.uin));
  }

  for (const VoucherRecord& voucher : seed.vouchers) {
    Result<bool> exists =
        Exists(db, "SELECT 1 FROM vouchers WHERE voucher_id=?1", voucher.voucher_id);
    if (!exists) return tl::unexpected(exists.error());
    if (*exists) {
      ++report->vouchers.skipped;
      continue;
    }
    ++report->vouchers.created;
    Result<Statement> insert = db.Prepare(
        "INSERT INTO vouchers(voucher_id, account_uin, cash, nominal_fen, balance_fen, "
        "threshold_fen, "
        "begin_unix, end_unix, products, status, created_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, "
        "?8, ?9, "
        "?10, ?11)");
    if (!insert) return tl::unexpected(insert.error());
    MNAD_TRY(insert->Bind(1, voucher.voucher_id)
                 .Bind(2, account.uin)
                 .Bind(3, int64_t{voucher.cash})
                 .Bind(4, voucher.nominal_fen)
                 .Bind(5, voucher.balance_fen)
                 .Bind(6, voucher.threshold_fen)
                 .Bind(7, voucher.begin_unix)
                 .Bind(8, voucher.end_unix)
                 .Bind(9, JoinLines(voucher.products))
                 .Bind(10, voucher.status)
                 .Bind(11, now_ms)
                 .Run());
    Result<Statement> journal = db.Prepare(
        "INSERT INTO journal(at_ms, account_uin, voucher_id, delta_fen, balance_after_fen, reason, "
        "order_id) VALUES (?1, ?2, ?3, ?4, ?4, 'seed: voucher issued', NULL)");
    if (!journal) return tl::unexpected(journal.error());
    MNAD_TRY(journal->Bind(1, now_ms)
                 .Bind(2, account.uin)
                 .Bind(3, voucher.voucher_id)
                 .Bind(4, voucher.balance_fen)
                 .Run());
  }

  // Devices and hardware go through the same statements as the actions'.
  SqliteTransaction transaction(db, nullptr);
  for (DeviceRecord device : seed.devices) {
    Result<bool> exists = Exists(db, "SELECT 1 FROM devices WHERE device_id=?1", device.device_id);
    if (!exists) return tl::unexpected(exists.error());
    if (!*exists) {
      // A device seeded without an id is identified by its name, so that
      // re-applying the seed does not create it again.
      Result<std::optional<DeviceRecord>> named =
          transaction.FindDeviceByName(account.uin, device.name);
      if (!named) return tl::unexpected(named.error());
      exists = named->has_value();
    }
    if (*exists) {
      ++report->devices.skipped;
      continue;
    }
    ++report->devices.created;
    device.account_uin = account.uin;
    device.created_unix_millis = now_ms;
    MNAD_TRY(transaction.InsertDevice(device));
  }

  for (HardwareRecord hardware : seed.hardware) {
    Result<bool> exists =
        Exists(db, "SELECT 1 FROM hardware WHERE hardware_id=?1", hardware.hardware_id);
    if (!exists) return tl::unexpected(exists.error());
    if (!*exists) {
      Result<std::optional<HardwareRecord>> found =
          transaction.FindHardwareBySn(account.uin, hardware.sn);
      if (!found) return tl::unexpected(found.error());
      exists = found->has_value();
    }
    if (*exists) {
      ++report->hardware.skipped;
      continue;
    }
    ++report->hardware.created;
    hardware.vendor_uin = account.uin;
    hardware.created_unix_millis = now_ms;
    MNAD_TRY(transaction.InsertHardware(hardware));
  }
  return {};
}

Result<std::vector<std::string>> SqliteStore::Regions() {
  Result<ReadLease> db = Read();
  if (!db) return tl::unexpected(db.error());
  Result<Statement> query = (*db)->Prepare("SELECT region FROM regions ORDER BY region");
  if (!query) return tl::unexpected(query.error());
  std::vector<std::string> regions;
  while (true) {
    Result<bool> row = query->Step();
    if (!row) return tl::unexpected(row.error());
    if (!*row) return regions;
    regions.push_back(query->Text(0));
  }
}

Result<std::optional<CredentialRecord>> SqliteStore::FindCredential(std::string_view secret_id) {
  Result<ReadLease> db = Read();
  if (!db) return tl::unexpected(db.error());
  Result<Statement> query = (*db)->Prepare(
      "SELECT k.secret_key, a.uin, a.app_id, a.suspended, s.uin, s.allowed_actions, "
      "s.payment_allowed FROM api_keys k JOIN accounts a ON a.uin = k.account_uin "
      "LEFT JOIN sub_users s ON s.uin = k.sub_user_uin WHERE k.secret_id = ?1 AND k.enabled = 1");
  if (!query) return tl::unexpected(query.error());
  query->Bind(1, secret_id);
  Result<bool> row = query->Step();
  if (!row) return tl::unexpected(row.error());
  if (!*row) return std::nullopt;
  CredentialRecord record;
  record.secret_key = query->Text(0);
  record.principal.account_uin = query->Text(1);
  record.principal.app_id = query->Int(2);
  record.principal.account_suspended = query->Int(3) != 0;
  if (!query->IsNull(4)) {
    record.principal.sub_user_uin = query->Text(4);
    record.principal.allowed_actions = SplitLines(query->Text(5));
    record.principal.payment_allowed = query->Int(6) != 0;
  }
  return record;
}

Result<std::optional<AccountRecord>> SqliteStore::FindAccount(std::string_view uin) {
  Result<ReadLease> db = Read();
  if (!db) return tl::unexpected(db.error());
  return SqliteTransaction(**db, nullptr).FindAccount(uin);
}

Result<std::optional<DeviceRecord>> SqliteStore::FindDevice(std::string_view account_uin,
                                                            std::string_view device_id) {
  Result<ReadLease> db = Read();
  if (!db) return tl::unexpected(db.error());
  return SqliteTransaction(**db, nullptr).FindDevice(account_uin, device_id);
}

Result<std::vector<VoucherRecord>> SqliteStore::ListVouchers(std::string_view account_uin) {
  Result<ReadLease> db = Read();
  if (!db) return tl::unexpected(db.error());
  return SqliteTransaction(**db, nullptr).ListVouchers(account_uin);
}

namespace {

Result<std::vector<JournalEntry>> QueryJournal(Connection& db, const std::string& where,
                                               std::initializer_list<std::string_view> keys) {
  Result<Statement> query = db.Prepare(std::string("SELECT ") + kJournalColumns + " FROM journal " +
                                       where + " ORDER BY entry_id");
  if (!query) return tl::unexpected(query.error());
  int index = 1;
  for (std::string_view key : keys) query->Bind(index++, key);
  std::vector<JournalEntry> entries;
  while (true) {
    Result<bool> row = query->Step();
    if (!row) return tl::unexpected(row.error());
    if (!*row) return entries;
    entries.push_back(ReadJournalEntry(*query));
  }
}

}  // namespace

Result<std::vector<JournalEntry>> SqliteStore::VoucherJournal(std::string_view account_uin,
                                                              std::string_view voucher_id) {
  Result<ReadLease> db = Read();
  if (!db) return tl::unexpected(db.error());
  return QueryJournal(**db, "WHERE account_uin=?1 AND voucher_id=?2", {account_uin, voucher_id});
}

Result<void> SqliteStore::ReadSnapshot(const std::function<Result<void>(Transaction&)>& body) {
  Result<ReadLease> db = Read();
  if (!db) return tl::unexpected(db.error());
  // One read transaction: every query of the body sees the same commit.
  MNAD_TRY((*db)->Run("BEGIN"));
  SqliteTransaction snapshot(**db, nullptr);
  Result<void> result = body(snapshot);
  (void)(*db)->Run("COMMIT");
  return result;
}

Result<std::vector<JournalEntry>> SqliteStore::Journal() {
  Result<ReadLease> db = Read();
  if (!db) return tl::unexpected(db.error());
  return QueryJournal(**db, "", {});
}

}  // namespace mnad::store::sqlite
