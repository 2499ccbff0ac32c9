// The operator (admin API) operations of the SQLite transaction: seeding,
// accounts, keys, sub-users, prices, read-only views and reset.
#include <string>

#include "store/sqlite/query.h"
#include "store/sqlite/sqlite_transaction.h"

namespace mnad::store::sqlite {
namespace {

// True when a row with that key exists (the statement takes one text key).
Result<bool> Exists(Connection& db, std::string_view sql, std::string_view key) {
  Result<Statement> statement = db.Prepare(sql);
  if (!statement) return tl::unexpected(statement.error());
  statement->Bind(1, key);
  return statement->Step();
}

Result<void> ApplySeedAccount(Connection& db, const SeedAccount& seed, int64_t now_ms,
                              std::string_view source, SeedReport* report) {
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
          "order_id) VALUES (?1, ?2, NULL, ?3, ?3, ?4, NULL)");
      if (!journal) return tl::unexpected(journal.error());
      MNAD_TRY(journal->Bind(1, now_ms)
                   .Bind(2, account.uin)
                   .Bind(3, account.balance_fen)
                   .Bind(4, std::string(source) + ": opening balance")
                   .Run());
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
        "order_id) VALUES (?1, ?2, ?3, ?4, ?4, ?5, NULL)");
    if (!journal) return tl::unexpected(journal.error());
    MNAD_TRY(journal->Bind(1, now_ms)
                 .Bind(2, account.uin)
                 .Bind(3, voucher.voucher_id)
                 .Bind(4, voucher.balance_fen)
                 .Bind(5, std::string(source) + ": voucher issued")
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

}  // namespace

Result<void> SqliteTransaction::ApplySeed(const SeedData& seed, int64_t now_ms,
                                          std::string_view source, SeedReport* report) {
  Connection& db = connection_;
  if (seed.regions) {
    MNAD_TRY(db.Exec("DELETE FROM regions"));
    for (const std::string& region : *seed.regions) {
      Result<Statement> insert = db.Prepare("INSERT OR IGNORE INTO regions(region) VALUES (?1)");
      if (!insert) return tl::unexpected(insert.error());
      MNAD_TRY(insert->Bind(1, region).Run());
    }
  }
  if (seed.prices) MNAD_TRY(SetPrices(*seed.prices));
  for (const SeedAccount& account : seed.accounts) {
    MNAD_TRY(ApplySeedAccount(db, account, now_ms, source, report));
  }
  return {};
}

Result<std::vector<AccountRecord>> SqliteTransaction::ListAccounts() {
  return QueryAll<AccountRecord>(
      connection_, std::string("SELECT ") + kAccountColumns + " FROM accounts ORDER BY uin", {},
      ReadAccount);
}

Result<void> SqliteTransaction::UpdateAccount(const AccountRecord& account) {
  Result<Statement> update = PrepareWrite(
      "UPDATE accounts SET name=?2, app_id=?3, identity_verified=?4, service_authorized=?5, "
      "suspended=?6, vendor_name=?7 WHERE uin=?1");
  if (!update) return tl::unexpected(update.error());
  return AsTransactionError(update->Bind(1, account.uin)
                                .Bind(2, account.name)
                                .Bind(3, account.app_id)
                                .Bind(4, int64_t{account.identity_verified})
                                .Bind(5, int64_t{account.service_authorized})
                                .Bind(6, int64_t{account.suspended})
                                .BindOptional(7, account.vendor_name)
                                .Run());
}

namespace {

constexpr char kApiKeyColumns[] =
    "secret_id, secret_key, enabled, account_uin, sub_user_uin, created_ms";

ApiKeyRecord ReadApiKey(const Statement& row) {
  ApiKeyRecord key;
  key.secret_id = row.Text(0);
  key.secret_key = row.Text(1);
  key.enabled = row.Int(2) != 0;
  key.account_uin = row.Text(3);
  key.sub_user_uin = OptionalText(row, 4);
  key.created_unix_millis = row.Int(5);
  return key;
}

}  // namespace

Result<std::vector<ApiKeyRecord>> SqliteTransaction::ListApiKeys(std::string_view account_uin) {
  return QueryAll<ApiKeyRecord>(connection_,
                                std::string("SELECT ") + kApiKeyColumns +
                                    " FROM api_keys WHERE account_uin=?1 ORDER BY created_ms, "
                                    "secret_id",
                                {account_uin}, ReadApiKey);
}

Result<std::optional<ApiKeyRecord>> SqliteTransaction::FindApiKey(std::string_view secret_id) {
  return QueryOne<ApiKeyRecord>(
      connection_, std::string("SELECT ") + kApiKeyColumns + " FROM api_keys WHERE secret_id=?1",
      {secret_id}, ReadApiKey);
}

Result<void> SqliteTransaction::SetApiKeyEnabled(std::string_view secret_id, bool enabled) {
  Result<Statement> update = PrepareWrite("UPDATE api_keys SET enabled=?2 WHERE secret_id=?1");
  if (!update) return tl::unexpected(update.error());
  return AsTransactionError(update->Bind(1, secret_id).Bind(2, int64_t{enabled}).Run());
}

Result<void> SqliteTransaction::DeleteApiKey(std::string_view secret_id) {
  Result<Statement> remove = PrepareWrite("DELETE FROM api_keys WHERE secret_id=?1");
  if (!remove) return tl::unexpected(remove.error());
  return AsTransactionError(remove->Bind(1, secret_id).Run());
}

Result<std::vector<SubUserRecord>> SqliteTransaction::ListSubUsers(std::string_view account_uin) {
  Result<std::vector<SubUserRecord>> sub_users = QueryAll<SubUserRecord>(
      connection_,
      "SELECT uin, name, allowed_actions, payment_allowed FROM sub_users WHERE account_uin=?1 "
      "ORDER BY uin",
      {account_uin}, [](const Statement& row) {
        SubUserRecord sub_user;
        sub_user.uin = row.Text(0);
        sub_user.name = row.Text(1);
        sub_user.allowed_actions = SplitLines(row.Text(2));
        sub_user.payment_allowed = row.Int(3) != 0;
        return sub_user;
      });
  if (!sub_users) return sub_users;
  Result<std::vector<ApiKeyRecord>> keys = ListApiKeys(account_uin);
  if (!keys) return tl::unexpected(keys.error());
  for (SubUserRecord& sub_user : *sub_users) {
    for (const ApiKeyRecord& key : *keys) {
      if (key.sub_user_uin == sub_user.uin) sub_user.keys.push_back(key);
    }
  }
  return sub_users;
}

Result<void> SqliteTransaction::UpdateSubUser(const SubUserRecord& sub_user) {
  Result<Statement> update = PrepareWrite(
      "UPDATE sub_users SET name=?2, allowed_actions=?3, payment_allowed=?4 WHERE uin=?1");
  if (!update) return tl::unexpected(update.error());
  return AsTransactionError(update->Bind(1, sub_user.uin)
                                .Bind(2, sub_user.name)
                                .Bind(3, JoinLines(sub_user.allowed_actions))
                                .Bind(4, int64_t{sub_user.payment_allowed})
                                .Run());
}

Result<void> SqliteTransaction::SetPrices(const Prices& prices) {
  Result<Statement> upsert = PrepareWrite(
      "INSERT INTO prices(id, license_fen, flow_20g_fen, flow_50g_fen, flow_100g_fen, "
      "flow_500g_fen) VALUES (1, ?1, ?2, ?3, ?4, ?5) ON CONFLICT(id) DO UPDATE SET "
      "license_fen=?1, flow_20g_fen=?2, flow_50g_fen=?3, flow_100g_fen=?4, flow_500g_fen=?5");
  if (!upsert) return tl::unexpected(upsert.error());
  return AsTransactionError(upsert->Bind(1, prices.license_fen)
                                .Bind(2, prices.flow_package_20g_fen)
                                .Bind(3, prices.flow_package_50g_fen)
                                .Bind(4, prices.flow_package_100g_fen)
                                .Bind(5, prices.flow_package_500g_fen)
                                .Run());
}

Result<std::vector<std::string>> SqliteTransaction::ListRegions() {
  return QueryAll<std::string>(connection_, "SELECT region FROM regions ORDER BY region", {},
                               [](const Statement& row) { return row.Text(0); });
}

Result<std::vector<LicenseRecord>> SqliteTransaction::ListLicenses(std::string_view account_uin) {
  return QueryAll<LicenseRecord>(connection_,
                                 std::string("SELECT ") + kLicenseColumns +
                                     " FROM licenses WHERE account_uin=?1 ORDER BY created_ms, "
                                     "resource_id",
                                 {account_uin}, ReadLicense);
}

Result<std::vector<OrderRecord>> SqliteTransaction::ListOrders(std::string_view account_uin) {
  return QueryAll<OrderRecord>(
      connection_,
      "SELECT order_id, account_uin, caller_uin, action, resource_id, total_fen, voucher_id, "
      "voucher_fen, balance_fen, created_ms FROM orders WHERE account_uin=?1 ORDER BY "
      "created_ms, order_id",
      {account_uin}, [](const Statement& row) {
        OrderRecord order;
        order.order_id = row.Text(0);
        order.account_uin = row.Text(1);
        order.caller_uin = row.Text(2);
        order.action = row.Text(3);
        order.resource_id = row.Text(4);
        order.total_fen = row.Int(5);
        order.voucher_id = OptionalText(row, 6);
        order.voucher_fen = row.Int(7);
        order.balance_fen = row.Int(8);
        order.created_unix_millis = row.Int(9);
        return order;
      });
}

Result<std::vector<JournalEntry>> SqliteTransaction::ListJournal(std::string_view account_uin) {
  return QueryAll<JournalEntry>(connection_,
                                std::string("SELECT ") + kJournalColumns +
                                    " FROM journal WHERE account_uin=?1 ORDER BY entry_id",
                                {account_uin}, ReadJournalEntry);
}

Result<std::vector<std::pair<std::string, int64_t>>> SqliteTransaction::CountEntities() {
  static constexpr const char* kTables[] = {"accounts",      "sub_users", "api_keys", "vouchers",
                                            "devices",       "hardware",  "licenses", "orders",
                                            "flow_packages", "journal"};
  std::vector<std::pair<std::string, int64_t>> counts;
  for (const char* table : kTables) {
    Result<std::optional<int64_t>> count =
        QueryOne<int64_t>(connection_, std::string("SELECT count(*) FROM ") + table, {},
                          [](const Statement& row) { return row.Int(0); });
    if (!count) return tl::unexpected(count.error());
    counts.emplace_back(table, count->value_or(0));
  }
  return counts;
}

Result<void> SqliteTransaction::DeleteEverything() {
  // Children before parents, so that no reference is left dangling.
  static constexpr const char* kTables[] = {"flow_package_devices",
                                            "flow_packages",
                                            "orders",
                                            "licenses",
                                            "journal",
                                            "devices",
                                            "hardware",
                                            "vouchers",
                                            "api_keys",
                                            "sub_users",
                                            "accounts",
                                            "prices",
                                            "regions"};
  for (const char* table : kTables) {
    Result<Statement> remove = PrepareWrite(std::string("DELETE FROM ") + table);
    if (!remove) return tl::unexpected(remove.error());
    MNAD_TRY(AsTransactionError(remove->Run()));
  }
  return {};
}

}  // namespace mnad::store::sqlite
