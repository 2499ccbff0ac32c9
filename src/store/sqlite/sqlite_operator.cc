// The operator (admin API) operations of the SQLite transaction: seeding,
// accounts, keys, sub-users, prices, read-only views and reset.
#include <string>

#include "store/sqlite/query.h"
#include "store/sqlite/sqlite_transaction.h"

namespace mnad::store::sqlite {
Result<std::optional<CredentialRecord>> SqliteTransaction::FindCredential(
    std::string_view secret_id) {
  return QueryOne<CredentialRecord>(
      connection_,
      "SELECT k.secret_key, a.uin, a.app_id, a.suspended, s.uin, s.allowed_actions, "
      "s.payment_allowed FROM api_keys k JOIN accounts a ON a.uin = k.account_uin "
      "LEFT JOIN sub_users s ON s.uin = k.sub_user_uin WHERE k.secret_id = ?1 AND k.enabled = 1",
      {secret_id}, [](const Statement& row) {
        CredentialRecord record;
        record.secret_key = row.Text(0);
        record.principal.account_uin = row.Text(1);
        record.principal.app_id = row.Int(2);
        record.principal.account_suspended = row.Int(3) != 0;
        if (!row.IsNull(4)) {
          record.principal.sub_user_uin = row.Text(4);
          record.principal.allowed_actions = SplitLines(row.Text(5));
          record.principal.payment_allowed = row.Int(6) != 0;
        }
        return record;
      });
}

Result<void> SqliteTransaction::InsertAccount(const AccountRecord& account) {
  Result<Statement> insert = PrepareWrite(
      "INSERT INTO accounts(uin, app_id, name, identity_verified, service_authorized, suspended, "
      "vendor_name, balance_fen, created_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
  if (!insert) return tl::unexpected(insert.error());
  return AsTransactionError(insert->Bind(1, account.uin)
                                .Bind(2, account.app_id)
                                .Bind(3, account.name)
                                .Bind(4, int64_t{account.identity_verified})
                                .Bind(5, int64_t{account.service_authorized})
                                .Bind(6, int64_t{account.suspended})
                                .BindOptional(7, account.vendor_name)
                                .Bind(8, account.balance_fen)
                                .Bind(9, account.created_unix_millis)
                                .Run());
}

Result<void> SqliteTransaction::InsertApiKey(const ApiKeyRecord& key) {
  Result<Statement> insert = PrepareWrite(
      "INSERT INTO api_keys(secret_id, secret_key, account_uin, sub_user_uin, enabled, "
      "created_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
  if (!insert) return tl::unexpected(insert.error());
  return AsTransactionError(insert->Bind(1, key.secret_id)
                                .Bind(2, key.secret_key)
                                .Bind(3, key.account_uin)
                                .BindOptional(4, key.sub_user_uin)
                                .Bind(5, int64_t{key.enabled})
                                .Bind(6, key.created_unix_millis)
                                .Run());
}

Result<std::optional<SubUserRecord>> SqliteTransaction::FindSubUser(std::string_view uin) {
  return QueryOne<SubUserRecord>(
      connection_, "SELECT uin, name, allowed_actions, payment_allowed FROM sub_users WHERE uin=?1",
      {uin}, [](const Statement& row) {
        SubUserRecord sub_user;
        sub_user.uin = row.Text(0);
        sub_user.name = row.Text(1);
        sub_user.allowed_actions = SplitLines(row.Text(2));
        sub_user.payment_allowed = row.Int(3) != 0;
        return sub_user;
      });
}

Result<void> SqliteTransaction::InsertSubUser(std::string_view account_uin,
                                              const SubUserRecord& sub_user) {
  Result<Statement> insert = PrepareWrite(
      "INSERT INTO sub_users(uin, account_uin, name, allowed_actions, payment_allowed) "
      "VALUES (?1, ?2, ?3, ?4, ?5)");
  if (!insert) return tl::unexpected(insert.error());
  return AsTransactionError(insert->Bind(1, sub_user.uin)
                                .Bind(2, account_uin)
                                .Bind(3, sub_user.name)
                                .Bind(4, JoinLines(sub_user.allowed_actions))
                                .Bind(5, int64_t{sub_user.payment_allowed})
                                .Run());
}

Result<std::optional<VoucherRecord>> SqliteTransaction::FindVoucherById(
    std::string_view voucher_id) {
  return QueryOne<VoucherRecord>(
      connection_, std::string("SELECT ") + kVoucherColumns + " FROM vouchers WHERE voucher_id=?1",
      {voucher_id}, ReadVoucher);
}

Result<void> SqliteTransaction::InsertVoucher(const VoucherRecord& voucher) {
  Result<Statement> insert = PrepareWrite(
      "INSERT INTO vouchers(voucher_id, account_uin, cash, nominal_fen, balance_fen, "
      "threshold_fen, begin_unix, end_unix, products, status, created_ms) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)");
  if (!insert) return tl::unexpected(insert.error());
  return AsTransactionError(insert->Bind(1, voucher.voucher_id)
                                .Bind(2, voucher.account_uin)
                                .Bind(3, int64_t{voucher.cash})
                                .Bind(4, voucher.nominal_fen)
                                .Bind(5, voucher.balance_fen)
                                .Bind(6, voucher.threshold_fen)
                                .Bind(7, voucher.begin_unix)
                                .Bind(8, voucher.end_unix)
                                .Bind(9, JoinLines(voucher.products))
                                .Bind(10, voucher.status)
                                .Bind(11, voucher.created_unix_millis)
                                .Run());
}

Result<void> SqliteTransaction::SetRegions(const std::vector<std::string>& regions) {
  Result<Statement> clear = PrepareWrite("DELETE FROM regions");
  if (!clear) return tl::unexpected(clear.error());
  MNAD_TRY(AsTransactionError(clear->Run()));
  for (const std::string& region : regions) {
    Result<Statement> insert = PrepareWrite("INSERT OR IGNORE INTO regions(region) VALUES (?1)");
    if (!insert) return tl::unexpected(insert.error());
    MNAD_TRY(AsTransactionError(insert->Bind(1, region).Run()));
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

Result<std::optional<AdjustableClock::State>> SqliteTransaction::GetTestClock() {
  Result<Statement> query = AsTransactionError(
      connection_.Prepare("SELECT frozen_at_ms, offset_ms FROM test_clock WHERE id=1"));
  if (!query) return tl::unexpected(query.error());
  Result<bool> row = AsTransactionError(query->Step());
  if (!row) return tl::unexpected(row.error());
  if (!*row) return std::nullopt;
  AdjustableClock::State state{.offset_millis = query->Int(1)};
  if (!query->IsNull(0)) state.frozen_at_millis = query->Int(0);
  return state;
}

Result<void> SqliteTransaction::SetTestClock(const AdjustableClock::State& state) {
  Result<Statement> upsert =
      PrepareWrite("INSERT INTO test_clock(id, frozen_at_ms, offset_ms) VALUES (1, ?1, ?2) "
                   "ON CONFLICT(id) DO UPDATE SET frozen_at_ms=?1, offset_ms=?2");
  if (!upsert) return tl::unexpected(upsert.error());
  if (state.frozen_at_millis) {
    upsert->Bind(1, *state.frozen_at_millis);
  } else {
    upsert->BindNull(1);
  }
  return AsTransactionError(upsert->Bind(2, state.offset_millis).Run());
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

Result<std::vector<JournalEntry>> SqliteTransaction::ListJournal(const JournalQuery& query) {
  // Only the filters that are set appear in the SQL, so that a voucher's
  // entries are read through journal_by_voucher.
  std::string sql = std::string("SELECT ") + kJournalColumns + " FROM journal WHERE 1";
  if (query.account_uin) sql += " AND account_uin=?1";
  if (query.voucher_id) sql += " AND voucher_id=?2";
  Result<Statement> statement = AsTransactionError(connection_.Prepare(sql + " ORDER BY entry_id"));
  if (!statement) return tl::unexpected(statement.error());
  if (query.account_uin) statement->Bind(1, *query.account_uin);
  if (query.voucher_id) statement->Bind(2, *query.voucher_id);
  std::vector<JournalEntry> entries;
  while (true) {
    Result<bool> row = AsTransactionError(statement->Step());
    if (!row) return tl::unexpected(row.error());
    if (!*row) return entries;
    entries.push_back(ReadJournalEntry(*statement));
  }
}

Result<std::vector<std::pair<std::string, int64_t>>> SqliteTransaction::CountEntities() {
  std::vector<std::pair<std::string, int64_t>> counts;
  for (const char* table : kEntityTables) {
    Result<std::optional<int64_t>> count =
        QueryOne<int64_t>(connection_, std::string("SELECT count(*) FROM ") + table, {},
                          [](const Statement& row) { return row.Int(0); });
    if (!count) return tl::unexpected(count.error());
    counts.emplace_back(table, count->value_or(0));
  }
  return counts;
}

Result<void> SqliteTransaction::DeleteEverything() {
  for (const char* table : kTablesChildrenFirst) {
    Result<Statement> remove = PrepareWrite(std::string("DELETE FROM ") + table);
    if (!remove) return tl::unexpected(remove.error());
    MNAD_TRY(AsTransactionError(remove->Run()));
  }
  return {};
}

}  // namespace mnad::store::sqlite
