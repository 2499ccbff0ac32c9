#include "store/sqlite/migrations.h"

#include <string>
#include <vector>

namespace mnad::store::sqlite {
namespace {

// Append new steps; never edit a released one.
const std::vector<std::string>& Steps() {
  static const std::vector<std::string> steps = {
      // 1: accounts, keys, sub-users, regions, prices, vouchers, devices,
      // hardware, and the money journal.
      R"sql(
CREATE TABLE accounts (
  uin TEXT PRIMARY KEY,
  app_id INTEGER NOT NULL,
  name TEXT NOT NULL,
  identity_verified INTEGER NOT NULL,
  service_authorized INTEGER NOT NULL,
  suspended INTEGER NOT NULL,
  vendor_name TEXT,
  balance_fen INTEGER NOT NULL CHECK (balance_fen >= 0),
  created_ms INTEGER NOT NULL
) STRICT;
CREATE TABLE sub_users (
  uin TEXT PRIMARY KEY,
  account_uin TEXT NOT NULL REFERENCES accounts(uin),
  name TEXT NOT NULL,
  allowed_actions TEXT NOT NULL,
  payment_allowed INTEGER NOT NULL
) STRICT;
CREATE TABLE api_keys (
  secret_id TEXT PRIMARY KEY,
  secret_key TEXT NOT NULL,
  account_uin TEXT NOT NULL REFERENCES accounts(uin),
  sub_user_uin TEXT REFERENCES sub_users(uin),
  enabled INTEGER NOT NULL DEFAULT 1,
  created_ms INTEGER NOT NULL
) STRICT;
CREATE TABLE regions (region TEXT PRIMARY KEY) STRICT;
CREATE TABLE prices (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  license_fen INTEGER NOT NULL CHECK (license_fen >= 0),
  flow_20g_fen INTEGER NOT NULL CHECK (flow_20g_fen >= 0),
  flow_50g_fen INTEGER NOT NULL CHECK (flow_50g_fen >= 0),
  flow_100g_fen INTEGER NOT NULL CHECK (flow_100g_fen >= 0),
  flow_500g_fen INTEGER NOT NULL CHECK (flow_500g_fen >= 0)
) STRICT;
CREATE TABLE vouchers (
  voucher_id TEXT PRIMARY KEY,
  account_uin TEXT NOT NULL REFERENCES accounts(uin),
  cash INTEGER NOT NULL,
  nominal_fen INTEGER NOT NULL CHECK (nominal_fen >= 0),
  balance_fen INTEGER NOT NULL CHECK (balance_fen >= 0),
  threshold_fen INTEGER NOT NULL CHECK (threshold_fen >= 0),
  begin_unix INTEGER NOT NULL,
  end_unix INTEGER NOT NULL,
  products TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('unUsed', 'used', 'cancel', 'overdue'))
) STRICT;
CREATE INDEX vouchers_by_account ON vouchers(account_uin);
CREATE TABLE devices (
  device_id TEXT PRIMARY KEY,
  account_uin TEXT NOT NULL REFERENCES accounts(uin),
  name TEXT NOT NULL,
  license_pay_mode INTEGER NOT NULL CHECK (license_pay_mode IN (0, 1)),
  remark TEXT NOT NULL,
  created_ms INTEGER NOT NULL,
  UNIQUE (account_uin, name)
) STRICT;
CREATE TABLE hardware (
  hardware_id TEXT PRIMARY KEY,
  vendor_uin TEXT NOT NULL REFERENCES accounts(uin),
  sn TEXT NOT NULL,
  license_charging_mode INTEGER NOT NULL CHECK (license_charging_mode IN (1, 2, 3)),
  description TEXT NOT NULL,
  created_ms INTEGER NOT NULL,
  UNIQUE (vendor_uin, sn)
) STRICT;
CREATE TABLE journal (
  entry_id INTEGER PRIMARY KEY AUTOINCREMENT,
  at_ms INTEGER NOT NULL,
  account_uin TEXT NOT NULL REFERENCES accounts(uin),
  voucher_id TEXT,
  delta_fen INTEGER NOT NULL,
  balance_after_fen INTEGER NOT NULL CHECK (balance_after_fen >= 0),
  reason TEXT NOT NULL,
  order_id TEXT
) STRICT;
CREATE INDEX journal_by_account ON journal(account_uin);
)sql",
      // 2: licenses, orders, flow packages; where devices and hardware come
      // from and who pays their license.
      R"sql(
ALTER TABLE devices ADD COLUMN hardware_id TEXT;
ALTER TABLE devices ADD COLUMN license_payer INTEGER NOT NULL DEFAULT 0 CHECK (license_payer IN (0, 1));
ALTER TABLE hardware ADD COLUMN activated_device_id TEXT;
ALTER TABLE hardware ADD COLUMN activated_ms INTEGER;
ALTER TABLE vouchers ADD COLUMN created_ms INTEGER NOT NULL DEFAULT 0;
CREATE TABLE licenses (
  resource_id TEXT PRIMARY KEY,
  account_uin TEXT NOT NULL REFERENCES accounts(uin),
  device_id TEXT UNIQUE,
  hardware_id TEXT UNIQUE,
  order_id TEXT NOT NULL,
  created_ms INTEGER NOT NULL,
  CHECK (device_id IS NOT NULL OR hardware_id IS NOT NULL)
) STRICT;
CREATE TABLE orders (
  order_id TEXT PRIMARY KEY,
  account_uin TEXT NOT NULL REFERENCES accounts(uin),
  caller_uin TEXT NOT NULL,
  action TEXT NOT NULL,
  resource_id TEXT NOT NULL,
  total_fen INTEGER NOT NULL CHECK (total_fen >= 0),
  voucher_id TEXT,
  voucher_fen INTEGER NOT NULL CHECK (voucher_fen >= 0),
  balance_fen INTEGER NOT NULL CHECK (balance_fen >= 0),
  created_ms INTEGER NOT NULL,
  CHECK (voucher_fen + balance_fen = total_fen)
) STRICT;
CREATE INDEX orders_by_account ON orders(account_uin);
CREATE TABLE flow_packages (
  resource_id TEXT PRIMARY KEY,
  account_uin TEXT NOT NULL REFERENCES accounts(uin),
  package_type TEXT NOT NULL DEFAULT '',
  package_region INTEGER NOT NULL DEFAULT 0,
  auto_renew INTEGER NOT NULL DEFAULT 0,
  trunc INTEGER NOT NULL DEFAULT 0,
  order_id TEXT,
  active_unix INTEGER NOT NULL,
  expire_unix INTEGER NOT NULL,
  created_ms INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE TABLE flow_package_devices (
  resource_id TEXT NOT NULL REFERENCES flow_packages(resource_id),
  device_id TEXT NOT NULL,
  PRIMARY KEY (resource_id, device_id)
) STRICT;
CREATE INDEX flow_package_devices_by_device ON flow_package_devices(device_id);
CREATE INDEX journal_by_voucher ON journal(voucher_id);
)sql",
      // 3: the device and hardware fields of the MNA device actions.
      R"sql(
ALTER TABLE devices ADD COLUMN data_key TEXT;
ALTER TABLE devices ADD COLUMN access_scope INTEGER NOT NULL DEFAULT 0 CHECK (access_scope IN (0, 1, 2));
ALTER TABLE devices ADD COLUMN flow_trunc INTEGER NOT NULL DEFAULT 0 CHECK (flow_trunc IN (0, 1));
ALTER TABLE devices ADD COLUMN group_id TEXT NOT NULL DEFAULT '';
ALTER TABLE devices ADD COLUMN vendor_name TEXT NOT NULL DEFAULT '';
ALTER TABLE devices ADD COLUMN sn TEXT NOT NULL DEFAULT '';
CREATE UNIQUE INDEX devices_by_data_key ON devices(data_key) WHERE data_key IS NOT NULL;
ALTER TABLE hardware ADD COLUMN activated_by_uin TEXT;
ALTER TABLE hardware ADD COLUMN tenant_description TEXT NOT NULL DEFAULT '';
CREATE INDEX accounts_by_vendor_name ON accounts(vendor_name);
CREATE INDEX flow_packages_by_account ON flow_packages(account_uin);
)sql",
      // 4: indexes no query uses: each cost a random page write per purchase.
      R"sql(
DROP INDEX journal_by_account;
DROP INDEX orders_by_account;
)sql",
      // 5: fewer B-trees written per purchase. Licenses and orders are
      // stored in their primary key's B-tree (WITHOUT ROWID); a license's
      // device and hardware ids are unique through partial indexes that
      // hold only the ids that are set; journal ids no longer go through
      // sqlite_sequence (rows are never deleted but by a reset).
      R"sql(
CREATE TABLE licenses_v5 (
  resource_id TEXT PRIMARY KEY,
  account_uin TEXT NOT NULL REFERENCES accounts(uin),
  device_id TEXT,
  hardware_id TEXT,
  order_id TEXT NOT NULL,
  created_ms INTEGER NOT NULL,
  CHECK (device_id IS NOT NULL OR hardware_id IS NOT NULL)
) STRICT, WITHOUT ROWID;
INSERT INTO licenses_v5 SELECT resource_id, account_uin, device_id, hardware_id, order_id, created_ms
  FROM licenses;
DROP TABLE licenses;
ALTER TABLE licenses_v5 RENAME TO licenses;
CREATE UNIQUE INDEX licenses_by_device ON licenses(device_id) WHERE device_id IS NOT NULL;
CREATE UNIQUE INDEX licenses_by_hardware ON licenses(hardware_id) WHERE hardware_id IS NOT NULL;
CREATE TABLE orders_v5 (
  order_id TEXT PRIMARY KEY,
  account_uin TEXT NOT NULL REFERENCES accounts(uin),
  caller_uin TEXT NOT NULL,
  action TEXT NOT NULL,
  resource_id TEXT NOT NULL,
  total_fen INTEGER NOT NULL CHECK (total_fen >= 0),
  voucher_id TEXT,
  voucher_fen INTEGER NOT NULL CHECK (voucher_fen >= 0),
  balance_fen INTEGER NOT NULL CHECK (balance_fen >= 0),
  created_ms INTEGER NOT NULL,
  CHECK (voucher_fen + balance_fen = total_fen)
) STRICT, WITHOUT ROWID;
INSERT INTO orders_v5 SELECT order_id, account_uin, caller_uin, action, resource_id, total_fen,
  voucher_id, voucher_fen, balance_fen, created_ms FROM orders;
DROP TABLE orders;
ALTER TABLE orders_v5 RENAME TO orders;
CREATE TABLE journal_v5 (
  entry_id INTEGER PRIMARY KEY,
  at_ms INTEGER NOT NULL,
  account_uin TEXT NOT NULL REFERENCES accounts(uin),
  voucher_id TEXT,
  delta_fen INTEGER NOT NULL,
  balance_after_fen INTEGER NOT NULL CHECK (balance_after_fen >= 0),
  reason TEXT NOT NULL,
  order_id TEXT
) STRICT;
INSERT INTO journal_v5 SELECT entry_id, at_ms, account_uin, voucher_id, delta_fen,
  balance_after_fen, reason, order_id FROM journal;
DROP TABLE journal;
ALTER TABLE journal_v5 RENAME TO journal;
CREATE INDEX journal_by_voucher ON journal(voucher_id) WHERE voucher_id IS NOT NULL;
)sql",
      // 6: the lists read one page: each in its order, from an index that
      // starts with the owner, so a page costs its window, not the account.
      R"sql(
CREATE INDEX devices_by_account ON devices(account_uin, created_ms, device_id);
CREATE INDEX hardware_by_vendor ON hardware(vendor_uin, created_ms, hardware_id);
DROP INDEX flow_packages_by_account;
CREATE INDEX flow_packages_by_account ON flow_packages(account_uin, created_ms, resource_id);
)sql",
      // 7: a journal entry's action is typed; the reason is a note for
      // people. Entries written before it are classified by their reason
      // once, here.
      R"sql(
ALTER TABLE journal ADD COLUMN action TEXT NOT NULL DEFAULT 'Adjustment';
UPDATE journal SET action = CASE
  WHEN reason LIKE '%: opening balance' THEN 'OpeningBalance'
  WHEN reason LIKE '%: voucher issued' THEN 'VoucherIssued'
  WHEN reason LIKE 'OrderPerLicense %' THEN 'OrderPerLicense'
  WHEN reason LIKE 'OrderFlowPackage %' THEN 'OrderFlowPackage'
  WHEN reason LIKE 'admin top-up: %' THEN 'TopUp'
  WHEN reason LIKE 'admin: voucher cancelled: %' THEN 'VoucherCancelled'
  ELSE 'Adjustment' END;
)sql",
      // 8: the test clock's state, so that a restart (and, on PostgreSQL,
      // every node) reads the same business time.
      R"sql(
CREATE TABLE test_clock (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  frozen_at_ms INTEGER,
  offset_ms INTEGER NOT NULL
) STRICT;
)sql",
  };
  return steps;
}

}  // namespace

int LatestSchemaVersion() {
  return static_cast<int>(Steps().size());
}

Result<void> Migrate(Connection& connection) {
  int version = 0;
  {
    Result<Statement> query = connection.Prepare("PRAGMA user_version");
    if (!query) return tl::unexpected(query.error());
    Result<bool> row = query->Step();
    if (!row) return tl::unexpected(row.error());
    version = static_cast<int>(query->Int(0));
  }
  if (version > LatestSchemaVersion()) {
    return Fail(ErrorCode::kStorageFailed,
                "the database has schema version " + std::to_string(version) +
                    ", newer than this mnad (" + std::to_string(LatestSchemaVersion()) +
                    "); upgrade mnad");
  }
  for (int step = version; step < LatestSchemaVersion(); ++step) {
    std::string script = "BEGIN IMMEDIATE;" + Steps()[step] +
                         "PRAGMA user_version=" + std::to_string(step + 1) + "; COMMIT;";
    Result<void> applied = connection.Exec(script);
    if (!applied) {
      (void)connection.Exec("ROLLBACK");
      return Fail(ErrorCode::kStorageFailed, "schema migration " + std::to_string(step + 1) +
                                                 " failed: " + applied.error().message);
    }
  }
  return {};
}

}  // namespace mnad::store::sqlite
