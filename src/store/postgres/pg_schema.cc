#include "store/postgres/pg_schema.h"

#include <string>
#include <vector>

namespace mnad::store::postgres {
namespace {

// Any number: the advisory lock that serialises the migrations of nodes
// starting together ('mnad' in ASCII).
constexpr char kMigrationLock[] = "SELECT pg_advisory_lock(1835950692)";
constexpr char kMigrationUnlock[] = "SELECT pg_advisory_unlock(1835950692)";

// Append new steps; never edit a released one. Integers are BIGINT, flags
// 0/1, lists one item per line: the same encoding as the SQLite backend.
const std::vector<std::string>& Steps() {
  static const std::vector<std::string> steps = {
      // 1: everything mnad keeps.
      R"sql(
CREATE TABLE accounts (
  uin TEXT PRIMARY KEY,
  app_id BIGINT NOT NULL,
  name TEXT NOT NULL,
  identity_verified BIGINT NOT NULL,
  service_authorized BIGINT NOT NULL,
  suspended BIGINT NOT NULL,
  vendor_name TEXT,
  balance_fen BIGINT NOT NULL CHECK (balance_fen >= 0),
  created_ms BIGINT NOT NULL
);
CREATE INDEX accounts_by_vendor_name ON accounts(vendor_name);
CREATE TABLE sub_users (
  uin TEXT PRIMARY KEY,
  account_uin TEXT NOT NULL REFERENCES accounts(uin),
  name TEXT NOT NULL,
  allowed_actions TEXT NOT NULL,
  payment_allowed BIGINT NOT NULL
);
CREATE INDEX sub_users_by_account ON sub_users(account_uin);
CREATE TABLE api_keys (
  secret_id TEXT PRIMARY KEY,
  secret_key TEXT NOT NULL,
  account_uin TEXT NOT NULL REFERENCES accounts(uin),
  sub_user_uin TEXT REFERENCES sub_users(uin),
  enabled BIGINT NOT NULL DEFAULT 1,
  created_ms BIGINT NOT NULL
);
CREATE INDEX api_keys_by_account ON api_keys(account_uin);
CREATE TABLE regions (region TEXT PRIMARY KEY);
CREATE TABLE prices (
  id BIGINT PRIMARY KEY CHECK (id = 1),
  license_fen BIGINT NOT NULL CHECK (license_fen >= 0),
  flow_20g_fen BIGINT NOT NULL CHECK (flow_20g_fen >= 0),
  flow_50g_fen BIGINT NOT NULL CHECK (flow_50g_fen >= 0),
  flow_100g_fen BIGINT NOT NULL CHECK (flow_100g_fen >= 0),
  flow_500g_fen BIGINT NOT NULL CHECK (flow_500g_fen >= 0)
);
CREATE TABLE vouchers (
  voucher_id TEXT PRIMARY KEY,
  account_uin TEXT NOT NULL REFERENCES accounts(uin),
  cash BIGINT NOT NULL,
  nominal_fen BIGINT NOT NULL CHECK (nominal_fen >= 0),
  balance_fen BIGINT NOT NULL CHECK (balance_fen >= 0),
  threshold_fen BIGINT NOT NULL CHECK (threshold_fen >= 0),
  begin_unix BIGINT NOT NULL,
  end_unix BIGINT NOT NULL,
  products TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('unUsed', 'used', 'cancel', 'overdue')),
  created_ms BIGINT NOT NULL
);
CREATE INDEX vouchers_by_account ON vouchers(account_uin);
CREATE TABLE devices (
  device_id TEXT PRIMARY KEY,
  account_uin TEXT NOT NULL REFERENCES accounts(uin),
  name TEXT NOT NULL,
  license_pay_mode BIGINT NOT NULL CHECK (license_pay_mode IN (0, 1)),
  remark TEXT NOT NULL,
  created_ms BIGINT NOT NULL,
  hardware_id TEXT,
  license_payer BIGINT NOT NULL CHECK (license_payer IN (0, 1)),
  data_key TEXT,
  access_scope BIGINT NOT NULL CHECK (access_scope IN (0, 1, 2)),
  flow_trunc BIGINT NOT NULL CHECK (flow_trunc IN (0, 1)),
  group_id TEXT NOT NULL,
  vendor_name TEXT NOT NULL,
  sn TEXT NOT NULL,
  UNIQUE (account_uin, name)
);
CREATE UNIQUE INDEX devices_by_data_key ON devices(data_key) WHERE data_key IS NOT NULL;
CREATE INDEX devices_by_account ON devices(account_uin, created_ms, device_id);
CREATE TABLE hardware (
  hardware_id TEXT PRIMARY KEY,
  vendor_uin TEXT NOT NULL REFERENCES accounts(uin),
  sn TEXT NOT NULL,
  license_charging_mode BIGINT NOT NULL CHECK (license_charging_mode IN (1, 2, 3)),
  description TEXT NOT NULL,
  created_ms BIGINT NOT NULL,
  activated_device_id TEXT,
  activated_by_uin TEXT,
  activated_ms BIGINT,
  tenant_description TEXT NOT NULL DEFAULT '',
  UNIQUE (vendor_uin, sn)
);
CREATE INDEX hardware_by_vendor ON hardware(vendor_uin, created_ms, hardware_id);
CREATE TABLE licenses (
  resource_id TEXT PRIMARY KEY,
  account_uin TEXT NOT NULL REFERENCES accounts(uin),
  device_id TEXT UNIQUE,
  hardware_id TEXT UNIQUE,
  order_id TEXT NOT NULL,
  created_ms BIGINT NOT NULL,
  CHECK (device_id IS NOT NULL OR hardware_id IS NOT NULL)
);
CREATE INDEX licenses_by_account ON licenses(account_uin);
CREATE TABLE orders (
  order_id TEXT PRIMARY KEY,
  account_uin TEXT NOT NULL REFERENCES accounts(uin),
  caller_uin TEXT NOT NULL,
  action TEXT NOT NULL,
  resource_id TEXT NOT NULL,
  total_fen BIGINT NOT NULL CHECK (total_fen >= 0),
  voucher_id TEXT,
  voucher_fen BIGINT NOT NULL CHECK (voucher_fen >= 0),
  balance_fen BIGINT NOT NULL CHECK (balance_fen >= 0),
  created_ms BIGINT NOT NULL,
  CHECK (voucher_fen + balance_fen = total_fen)
);
CREATE INDEX orders_by_account ON orders(account_uin);
CREATE TABLE flow_packages (
  resource_id TEXT PRIMARY KEY,
  account_uin TEXT NOT NULL REFERENCES accounts(uin),
  package_type TEXT NOT NULL,
  package_region BIGINT NOT NULL,
  auto_renew BIGINT NOT NULL,
  trunc BIGINT NOT NULL,
  order_id TEXT,
  active_unix BIGINT NOT NULL,
  expire_unix BIGINT NOT NULL,
  created_ms BIGINT NOT NULL
);
CREATE INDEX flow_packages_by_account ON flow_packages(account_uin, created_ms, resource_id);
CREATE TABLE flow_package_devices (
  position BIGINT GENERATED ALWAYS AS IDENTITY,
  resource_id TEXT NOT NULL REFERENCES flow_packages(resource_id),
  device_id TEXT NOT NULL,
  PRIMARY KEY (resource_id, device_id)
);
CREATE INDEX flow_package_devices_by_device ON flow_package_devices(device_id);
CREATE TABLE journal (
  entry_id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at_ms BIGINT NOT NULL,
  account_uin TEXT NOT NULL REFERENCES accounts(uin),
  voucher_id TEXT,
  delta_fen BIGINT NOT NULL,
  balance_after_fen BIGINT NOT NULL CHECK (balance_after_fen >= 0),
  reason TEXT NOT NULL,
  order_id TEXT,
  action TEXT NOT NULL
);
CREATE INDEX journal_by_account ON journal(account_uin, entry_id);
CREATE INDEX journal_by_voucher ON journal(voucher_id) WHERE voucher_id IS NOT NULL;
-- One row per committed batch: after a connection breaks during COMMIT, the
-- writer reads it back to learn whether the batch committed.
CREATE TABLE commit_markers (
  batch_id TEXT PRIMARY KEY,
  at_ms BIGINT NOT NULL
);
)sql",
      // 2: the test clock's state, read by every node.
      R"sql(
CREATE TABLE test_clock (
  id BIGINT PRIMARY KEY CHECK (id = 1),
  frozen_at_ms BIGINT,
  offset_ms BIGINT NOT NULL
);
)sql",
  };
  return steps;
}

Result<int> CurrentVersion(PgConnection& connection) {
  MNAD_TRY(connection.Exec(
      "CREATE TABLE IF NOT EXISTS mnad_schema (id BIGINT PRIMARY KEY CHECK (id = 1), "
      "version BIGINT NOT NULL)"));
  Result<PgRows> rows = connection.Query("SELECT version FROM mnad_schema WHERE id = 1", {});
  if (!rows) return tl::unexpected(rows.error());
  return rows->empty() ? 0 : static_cast<int>(rows->Int(0, 0));
}

Result<void> MigrateLocked(PgConnection& connection) {
  Result<int> version = CurrentVersion(connection);
  if (!version) return tl::unexpected(version.error());
  if (*version > LatestSchemaVersion()) {
    return Fail(ErrorCode::kStorageFailed,
                "the database has schema version " + std::to_string(*version) +
                    ", newer than this mnad (" + std::to_string(LatestSchemaVersion()) +
                    "); upgrade mnad");
  }
  for (int step = *version; step < LatestSchemaVersion(); ++step) {
    std::string script = "BEGIN;" + Steps()[static_cast<size_t>(step)] +
                         "INSERT INTO mnad_schema(id, version) VALUES (1, " +
                         std::to_string(step + 1) +
                         ") ON CONFLICT (id) DO UPDATE SET version = EXCLUDED.version; COMMIT;";
    Result<void> applied = connection.Exec(script);
    if (!applied) {
      (void)connection.Exec("ROLLBACK");
      return Fail(ErrorCode::kStorageFailed, "schema migration " + std::to_string(step + 1) +
                                                 " failed: " + applied.error().message);
    }
  }
  return {};
}

}  // namespace

int LatestSchemaVersion() {
  return static_cast<int>(Steps().size());
}

Result<void> Migrate(PgConnection& connection) {
  MNAD_TRY(connection.Exec(kMigrationLock));
  Result<void> migrated = MigrateLocked(connection);
  (void)connection.Exec(kMigrationUnlock);
  return migrated;
}

}  // namespace mnad::store::postgres
