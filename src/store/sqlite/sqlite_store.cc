#include "store/sqlite/sqlite_store.h"

#include "store/sqlite/migrations.h"

namespace mnad::store::sqlite {
namespace {

// Lists are stored one item per line: items never contain a newline (the
// seed parser and the API schemas refuse control characters in them).
std::string JoinLines(const std::vector<std::string>& items) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out.push_back('\n');
    out.append(items[i]);
  }
  return out;
}

std::vector<std::string> SplitLines(const std::string& text) {
  std::vector<std::string> items;
  if (text.empty()) return items;
  size_t start = 0;
  while (true) {
    size_t end = text.find('\n', start);
    items.push_back(text.substr(start, end == std::string::npos ? end : end - start));
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return items;
}

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
  Result<std::unique_ptr<Connection>> writer = Connection::Open(options.path, /*create=*/true);
  if (!writer) return tl::unexpected(writer.error());
  MNAD_TRY(Migrate(**writer));
  return std::unique_ptr<SqliteStore>(
      new SqliteStore(std::move(options), clock, std::move(*writer)));
}

SqliteStore::SqliteStore(SqliteStoreOptions options, const Clock* clock,
                         std::unique_ptr<Connection> writer)
    : options_(std::move(options)), clock_(clock), writer_(std::move(writer)) {}

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
  Result<std::unique_ptr<Connection>> opened = Connection::Open(options_.path, /*create=*/false);
  if (!opened) return tl::unexpected(opened.error());
  return ReadLease(this, std::move(*opened));
}

Result<SeedReport> SqliteStore::ApplySeed(const SeedData& seed) {
  std::lock_guard lock(writer_mutex_);
  Connection& db = *writer_;
  int64_t now_ms = clock_->NowUnixMillis();
  MNAD_TRY(db.Exec("BEGIN IMMEDIATE"));
  SeedReport report;
  auto apply = [&]() -> Result<void> {
    if (seed.regions) {
      MNAD_TRY(db.Exec("DELETE FROM regions"));
      for (const std::string& region : *seed.regions) {
        Result<Statement> insert = db.Prepare("INSERT OR IGNORE INTO regions(region) VALUES (?1)");
        if (!insert) return tl::unexpected(insert.error());
        MNAD_TRY(insert->Bind(1, region).Run());
      }
    }
    if (seed.prices) {
      Result<Statement> upsert = db.Prepare(
          "INSERT INTO prices(id, license_fen, flow_20g_fen, flow_50g_fen, flow_100g_fen, "
          "flow_500g_fen) VALUES (1, ?1, ?2, ?3, ?4, ?5) ON CONFLICT(id) DO UPDATE SET "
          "license_fen=?1, flow_20g_fen=?2, flow_50g_fen=?3, flow_100g_fen=?4, flow_500g_fen=?5");
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
      MNAD_TRY(ApplySeedAccount(account, now_ms, &report));
    }
    return {};
  };
  Result<void> applied = apply();
  if (!applied) {
    (void)db.Exec("ROLLBACK");
    return tl::unexpected(applied.error());
  }
  Result<void> committed = db.Exec("COMMIT");
  if (!committed) {
    (void)db.Exec("ROLLBACK");
    return tl::unexpected(committed.error());
  }
  return report;
}

Result<void> SqliteStore::ApplySeedAccount(const SeedAccount& seed, int64_t now_ms,
                                           SeedReport* report) {
  Connection& db = *writer_;
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
        "begin_unix, end_unix, products, status) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)");
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

  for (const DeviceRecord& device : seed.devices) {
    Result<bool> exists = Exists(db, "SELECT 1 FROM devices WHERE device_id=?1", device.device_id);
    if (!exists) return tl::unexpected(exists.error());
    if (!*exists) {
      // A device seeded without an id is identified by its name, so that
      // re-applying the seed does not create it again.
      Result<Statement> by_name =
          db.Prepare("SELECT 1 FROM devices WHERE account_uin=?1 AND name=?2");
      if (!by_name) return tl::unexpected(by_name.error());
      Result<bool> named = by_name->Bind(1, account.uin).Bind(2, device.name).Step();
      if (!named) return tl::unexpected(named.error());
      exists = *named;
    }
    if (*exists) {
      ++report->devices.skipped;
      continue;
    }
    ++report->devices.created;
    Result<Statement> insert = db.Prepare(
        "INSERT INTO devices(device_id, account_uin, name, license_pay_mode, remark, created_ms) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
    if (!insert) return tl::unexpected(insert.error());
    MNAD_TRY(insert->Bind(1, device.device_id)
                 .Bind(2, account.uin)
                 .Bind(3, device.name)
                 .Bind(4, device.license_pay_mode)
                 .Bind(5, device.remark)
                 .Bind(6, now_ms)
                 .Run());
  }

  for (const HardwareRecord& hardware : seed.hardware) {
    Result<bool> exists =
        Exists(db, "SELECT 1 FROM hardware WHERE hardware_id=?1", hardware.hardware_id);
    if (!exists) return tl::unexpected(exists.error());
    if (!*exists) {
      Result<Statement> by_sn = db.Prepare("SELECT 1 FROM hardware WHERE vendor_uin=?1 AND sn=?2");
      if (!by_sn) return tl::unexpected(by_sn.error());
      Result<bool> found = by_sn->Bind(1, account.uin).Bind(2, hardware.sn).Step();
      if (!found) return tl::unexpected(found.error());
      exists = *found;
    }
    if (*exists) {
      ++report->hardware.skipped;
      continue;
    }
    ++report->hardware.created;
    Result<Statement> insert = db.Prepare(
        "INSERT INTO hardware(hardware_id, vendor_uin, sn, license_charging_mode, description, "
        "created_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
    if (!insert) return tl::unexpected(insert.error());
    MNAD_TRY(insert->Bind(1, hardware.hardware_id)
                 .Bind(2, account.uin)
                 .Bind(3, hardware.sn)
                 .Bind(4, hardware.license_charging_mode)
                 .Bind(5, hardware.description)
                 .Bind(6, now_ms)
                 .Run());
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
  Result<Statement> query = (*db)->Prepare(
      "SELECT uin, app_id, name, identity_verified, service_authorized, suspended, vendor_name, "
      "balance_fen, created_ms FROM accounts WHERE uin = ?1");
  if (!query) return tl::unexpected(query.error());
  query->Bind(1, uin);
  Result<bool> row = query->Step();
  if (!row) return tl::unexpected(row.error());
  if (!*row) return std::nullopt;
  AccountRecord account;
  account.uin = query->Text(0);
  account.app_id = query->Int(1);
  account.name = query->Text(2);
  account.identity_verified = query->Int(3) != 0;
  account.service_authorized = query->Int(4) != 0;
  account.suspended = query->Int(5) != 0;
  if (!query->IsNull(6)) account.vendor_name = query->Text(6);
  account.balance_fen = query->Int(7);
  account.created_unix_millis = query->Int(8);
  return account;
}

Result<std::optional<DeviceRecord>> SqliteStore::FindDevice(std::string_view account_uin,
                                                            std::string_view device_id) {
  Result<ReadLease> db = Read();
  if (!db) return tl::unexpected(db.error());
  Result<Statement> query = (*db)->Prepare(
      "SELECT device_id, account_uin, name, license_pay_mode, remark, created_ms FROM devices "
      "WHERE device_id = ?1 AND account_uin = ?2");
  if (!query) return tl::unexpected(query.error());
  query->Bind(1, device_id).Bind(2, account_uin);
  Result<bool> row = query->Step();
  if (!row) return tl::unexpected(row.error());
  if (!*row) return std::nullopt;
  DeviceRecord device;
  device.device_id = query->Text(0);
  device.account_uin = query->Text(1);
  device.name = query->Text(2);
  device.license_pay_mode = query->Int(3);
  device.remark = query->Text(4);
  device.created_unix_millis = query->Int(5);
  return device;
}

}  // namespace mnad::store::sqlite
