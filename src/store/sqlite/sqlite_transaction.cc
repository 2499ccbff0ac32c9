#include "store/sqlite/sqlite_transaction.h"

#include <string>

#include "store/sqlite/query.h"

namespace mnad::store::sqlite {

AccountRecord ReadAccount(const Statement& row) {
  AccountRecord account;
  account.uin = row.Text(0);
  account.app_id = row.Int(1);
  account.name = row.Text(2);
  account.identity_verified = row.Int(3) != 0;
  account.service_authorized = row.Int(4) != 0;
  account.suspended = row.Int(5) != 0;
  account.vendor_name = OptionalText(row, 6);
  account.balance_fen = row.Int(7);
  account.created_unix_millis = row.Int(8);
  return account;
}

LicensePayer ReadLicensePayer(const Statement& row, int column) {
  return row.Int(column) == 1 ? LicensePayer::kVendor : LicensePayer::kCustomer;
}

DeviceRecord ReadDevice(const Statement& row) {
  DeviceRecord device;
  device.device_id = row.Text(0);
  device.account_uin = row.Text(1);
  device.name = row.Text(2);
  device.license_pay_mode = row.Int(3);
  device.remark = row.Text(4);
  device.created_unix_millis = row.Int(5);
  device.hardware_id = OptionalText(row, 6);
  device.license_payer = ReadLicensePayer(row, 7);
  device.data_key = row.Text(8);
  device.access_scope = row.Int(9);
  device.flow_trunc = row.Int(10);
  device.group_id = row.Text(11);
  device.vendor_name = row.Text(12);
  device.sn = row.Text(13);
  return device;
}

VoucherRecord ReadVoucher(const Statement& row) {
  VoucherRecord voucher;
  voucher.voucher_id = row.Text(0);
  voucher.cash = row.Int(1) != 0;
  voucher.nominal_fen = row.Int(2);
  voucher.balance_fen = row.Int(3);
  voucher.threshold_fen = row.Int(4);
  voucher.begin_unix = row.Int(5);
  voucher.end_unix = row.Int(6);
  voucher.products = SplitLines(row.Text(7));
  voucher.status = row.Text(8);
  voucher.account_uin = row.Text(9);
  voucher.created_unix_millis = row.Int(10);
  return voucher;
}

JournalEntry ReadJournalEntry(const Statement& row) {
  JournalEntry entry;
  entry.entry_id = row.Int(0);
  entry.at_unix_millis = row.Int(1);
  entry.account_uin = row.Text(2);
  entry.voucher_id = OptionalText(row, 3);
  entry.delta_fen = row.Int(4);
  entry.balance_after_fen = row.Int(5);
  entry.reason = row.Text(6);
  entry.order_id = OptionalText(row, 7);
  entry.action = ParseJournalAction(row.Text(8)).value_or(JournalAction::kAdjustment);
  return entry;
}

LicenseRecord ReadLicense(const Statement& row) {
  LicenseRecord license;
  license.resource_id = row.Text(0);
  license.account_uin = row.Text(1);
  license.device_id = OptionalText(row, 2);
  license.hardware_id = OptionalText(row, 3);
  license.order_id = row.Text(4);
  license.created_unix_millis = row.Int(5);
  return license;
}

HardwareRecord ReadHardware(const Statement& row) {
  HardwareRecord hardware;
  hardware.hardware_id = row.Text(0);
  hardware.vendor_uin = row.Text(1);
  hardware.sn = row.Text(2);
  hardware.license_charging_mode = row.Int(3);
  hardware.description = row.Text(4);
  hardware.created_unix_millis = row.Int(5);
  hardware.activated_device_id = OptionalText(row, 6);
  hardware.activated_by_uin = OptionalText(row, 7);
  hardware.activated_unix_millis = row.IsNull(8) ? 0 : row.Int(8);
  hardware.tenant_description = row.Text(9);
  return hardware;
}

Result<Statement> SqliteTransaction::PrepareWrite(std::string_view sql) {
  if (faults_ != nullptr && faults_->fail_write_countdown.load() > 0 &&
      faults_->fail_write_countdown.fetch_sub(1) == 1) {
    return Fail(ErrorCode::kStorageFailed,
                "The storage transaction failed: injected write fault.");
  }
  return AsTransactionError(connection_.Prepare(sql));
}

Result<std::optional<AccountRecord>> SqliteTransaction::FindAccount(std::string_view uin) {
  static const std::string sql =
      std::string("SELECT ") + kAccountColumns + " FROM accounts WHERE uin=?1";
  return QueryOne<AccountRecord>(connection_, sql, {uin}, ReadAccount);
}

Result<std::optional<DeviceRecord>> SqliteTransaction::FindDevice(std::string_view account_uin,
                                                                  std::string_view device_id) {
  static const std::string sql = std::string("SELECT ") + kDeviceColumns +
                                 " FROM devices WHERE device_id=?1 AND account_uin=?2";
  return QueryOne<DeviceRecord>(connection_, sql, {device_id, account_uin}, ReadDevice);
}

Result<std::optional<DevicePurchaseTarget>> SqliteTransaction::FindDevicePurchaseTarget(
    std::string_view account_uin, std::string_view device_id) {
  static constexpr std::string_view sql =
      "SELECT d.license_payer, d.license_pay_mode, l.resource_id FROM devices d "
      "LEFT JOIN licenses l ON l.device_id = d.device_id "
      "WHERE d.device_id=?1 AND d.account_uin=?2";
  return QueryOne<DevicePurchaseTarget>(
      connection_, sql, {device_id, account_uin}, [](const Statement& row) {
        return DevicePurchaseTarget{.license_payer = ReadLicensePayer(row, 0),
                                    .license_pay_mode = row.Int(1),
                                    .license_resource_id = OptionalText(row, 2)};
      });
}

Result<std::optional<HardwareRecord>> SqliteTransaction::FindHardware(
    std::string_view vendor_uin, std::string_view hardware_id) {
  static const std::string sql = std::string("SELECT ") + kHardwareColumns +
                                 " FROM hardware WHERE hardware_id=?1 AND vendor_uin=?2";
  return QueryOne<HardwareRecord>(connection_, sql, {hardware_id, vendor_uin}, ReadHardware);
}

Result<std::optional<LicenseRecord>> SqliteTransaction::FindLicenseByHardware(
    std::string_view hardware_id) {
  static const std::string sql =
      std::string("SELECT ") + kLicenseColumns + " FROM licenses WHERE hardware_id=?1";
  return QueryOne<LicenseRecord>(connection_, sql, {hardware_id}, ReadLicense);
}

Result<std::vector<VoucherRecord>> SqliteTransaction::ListVouchers(std::string_view account_uin) {
  static const std::string sql = std::string("SELECT ") + kVoucherColumns +
                                 " FROM vouchers WHERE account_uin=?1 ORDER BY voucher_id";
  Result<Statement> query = AsTransactionError(connection_.Prepare(sql));
  if (!query) return tl::unexpected(query.error());
  query->Bind(1, account_uin);
  std::vector<VoucherRecord> vouchers;
  while (true) {
    Result<bool> row = AsTransactionError(query->Step());
    if (!row) return tl::unexpected(row.error());
    if (!*row) return vouchers;
    vouchers.push_back(ReadVoucher(*query));
  }
}

Result<Prices> SqliteTransaction::GetPrices() {
  Result<Statement> query = AsTransactionError(connection_.Prepare(
      "SELECT license_fen, flow_20g_fen, flow_50g_fen, flow_100g_fen, flow_500g_fen FROM prices "
      "WHERE id=1"));
  if (!query) return tl::unexpected(query.error());
  Result<bool> row = AsTransactionError(query->Step());
  if (!row) return tl::unexpected(row.error());
  Prices prices;
  if (*row) {
    prices.license_fen = query->Int(0);
    prices.flow_package_20g_fen = query->Int(1);
    prices.flow_package_50g_fen = query->Int(2);
    prices.flow_package_100g_fen = query->Int(3);
    prices.flow_package_500g_fen = query->Int(4);
  }
  return prices;
}

Result<bool> SqliteTransaction::DeviceHasFlowPackageInEffect(std::string_view device_id,
                                                             int64_t now_unix) {
  Result<Statement> query = AsTransactionError(connection_.Prepare(
      "SELECT 1 FROM flow_package_devices b JOIN flow_packages p ON p.resource_id=b.resource_id "
      "WHERE b.device_id=?1 AND p.active_unix<=?2 AND ?2<p.expire_unix LIMIT 1"));
  if (!query) return tl::unexpected(query.error());
  query->Bind(1, device_id).Bind(2, now_unix);
  return AsTransactionError(query->Step());
}

Result<void> SqliteTransaction::SetAccountBalance(std::string_view uin, int64_t balance_fen) {
  Result<Statement> update = PrepareWrite("UPDATE accounts SET balance_fen=?2 WHERE uin=?1");
  if (!update) return tl::unexpected(update.error());
  return AsTransactionError(update->Bind(1, uin).Bind(2, balance_fen).Run());
}

Result<void> SqliteTransaction::SetVoucherBalance(std::string_view voucher_id, int64_t balance_fen,
                                                  std::string_view status) {
  Result<Statement> update =
      PrepareWrite("UPDATE vouchers SET balance_fen=?2, status=?3 WHERE voucher_id=?1");
  if (!update) return tl::unexpected(update.error());
  return AsTransactionError(update->Bind(1, voucher_id).Bind(2, balance_fen).Bind(3, status).Run());
}

Result<void> SqliteTransaction::InsertOrder(const OrderRecord& order) {
  Result<Statement> insert = PrepareWrite(
      "INSERT INTO orders(order_id, account_uin, caller_uin, action, resource_id, total_fen, "
      "voucher_id, voucher_fen, balance_fen, created_ms) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10)");
  if (!insert) return tl::unexpected(insert.error());
  return AsTransactionError(insert->Bind(1, order.order_id)
                                .Bind(2, order.account_uin)
                                .Bind(3, order.caller_uin)
                                .Bind(4, order.action)
                                .Bind(5, order.resource_id)
                                .Bind(6, order.total_fen)
                                .BindOptional(7, order.voucher_id)
                                .Bind(8, order.voucher_fen)
                                .Bind(9, order.balance_fen)
                                .Bind(10, order.created_unix_millis)
                                .Run());
}

Result<void> SqliteTransaction::InsertLicense(const LicenseRecord& license) {
  Result<Statement> insert = PrepareWrite(
      "INSERT INTO licenses(resource_id, account_uin, device_id, hardware_id, order_id, "
      "created_ms) "
      "VALUES (?1,?2,?3,?4,?5,?6)");
  if (!insert) return tl::unexpected(insert.error());
  return AsTransactionError(insert->Bind(1, license.resource_id)
                                .Bind(2, license.account_uin)
                                .BindOptional(3, license.device_id)
                                .BindOptional(4, license.hardware_id)
                                .Bind(5, license.order_id)
                                .Bind(6, license.created_unix_millis)
                                .Run());
}

Result<void> SqliteTransaction::AppendJournal(const JournalEntry& entry) {
  Result<Statement> insert = PrepareWrite(
      "INSERT INTO journal(at_ms, account_uin, voucher_id, delta_fen, balance_after_fen, reason, "
      "order_id, action) VALUES (?1,?2,?3,?4,?5,?6,?7,?8)");
  if (!insert) return tl::unexpected(insert.error());
  return AsTransactionError(insert->Bind(1, entry.at_unix_millis)
                                .Bind(2, entry.account_uin)
                                .BindOptional(3, entry.voucher_id)
                                .Bind(4, entry.delta_fen)
                                .Bind(5, entry.balance_after_fen)
                                .Bind(6, entry.reason)
                                .BindOptional(7, entry.order_id)
                                .Bind(8, JournalActionName(entry.action))
                                .Run());
}

Result<void> SqliteTransaction::DeleteDevice(std::string_view device_id) {
  Result<Statement> remove = PrepareWrite("DELETE FROM devices WHERE device_id=?1");
  if (!remove) return tl::unexpected(remove.error());
  return AsTransactionError(remove->Bind(1, device_id).Run());
}

Result<void> SqliteTransaction::DeleteHardware(std::string_view hardware_id) {
  Result<Statement> remove = PrepareWrite("DELETE FROM hardware WHERE hardware_id=?1");
  if (!remove) return tl::unexpected(remove.error());
  return AsTransactionError(remove->Bind(1, hardware_id).Run());
}

Result<std::vector<DeviceRecord>> SqliteTransaction::ListDevices(std::string_view account_uin) {
  return QueryAll<DeviceRecord>(
      connection_,
      std::string("SELECT ") + kDeviceColumns +
          " FROM devices WHERE account_uin=?1 ORDER BY created_ms, device_id",
      {account_uin}, ReadDevice);
}

Result<Page<DeviceRecord>> SqliteTransaction::ListDevicesPage(std::string_view account_uin,
                                                              const DeviceQuery& query,
                                                              PageWindow window) {
  // ?3: 0 every device, 1 only from hardware, 2 only the account's own.
  int64_t origin = !query.from_hardware ? 0 : *query.from_hardware ? 1 : 2;
  return QueryPage<DeviceRecord>(
      connection_, kDeviceColumns,
      "devices WHERE account_uin=?1 AND (?2='' OR instr(device_id, ?2) OR instr(name, ?2) OR "
      "(?4 AND instr(sn, ?2))) AND (?3=0 OR (?3=1)=(hardware_id IS NOT NULL))",
      "created_ms, device_id",
      [&](Statement& statement) {
        statement.Bind(1, account_uin)
            .Bind(2, query.keyword)
            .Bind(3, origin)
            .Bind(4, int64_t{query.keyword_in_sn});
      },
      4, window, ReadDevice);
}

Result<std::optional<DeviceRecord>> SqliteTransaction::FindDeviceByName(
    std::string_view account_uin, std::string_view name) {
  return QueryOne<DeviceRecord>(
      connection_,
      std::string("SELECT ") + kDeviceColumns + " FROM devices WHERE account_uin=?1 AND name=?2",
      {account_uin, name}, ReadDevice);
}

Result<std::optional<DeviceRecord>> SqliteTransaction::FindDeviceById(std::string_view device_id) {
  return QueryOne<DeviceRecord>(
      connection_, std::string("SELECT ") + kDeviceColumns + " FROM devices WHERE device_id=?1",
      {device_id}, ReadDevice);
}

Result<bool> SqliteTransaction::DataKeyExists(std::string_view data_key) {
  Result<Statement> query =
      AsTransactionError(connection_.Prepare("SELECT 1 FROM devices WHERE data_key=?1"));
  if (!query) return tl::unexpected(query.error());
  query->Bind(1, data_key);
  return AsTransactionError(query->Step());
}

Result<void> SqliteTransaction::InsertDevice(const DeviceRecord& device) {
  Result<Statement> insert = PrepareWrite(
      "INSERT INTO devices(device_id, account_uin, name, license_pay_mode, remark, created_ms, "
      "hardware_id, "
      "license_payer, data_key, access_scope, flow_trunc, group_id, vendor_name, sn) "
      "VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14)");
  if (!insert) return tl::unexpected(insert.error());
  return AsTransactionError(insert->Bind(1, device.device_id)
                                .Bind(2, device.account_uin)
                                .Bind(3, device.name)
                                .Bind(4, device.license_pay_mode)
                                .Bind(5, device.remark)
                                .Bind(6, device.created_unix_millis)
                                .BindOptional(7, device.hardware_id)
                                .Bind(8, static_cast<int64_t>(device.license_payer))
                                .Bind(9, device.data_key)
                                .Bind(10, device.access_scope)
                                .Bind(11, device.flow_trunc)
                                .Bind(12, device.group_id)
                                .Bind(13, device.vendor_name)
                                .Bind(14, device.sn)
                                .Run());
}

Result<void> SqliteTransaction::UpdateDevice(const DeviceRecord& device) {
  Result<Statement> update =
      PrepareWrite("UPDATE devices SET name=?2, remark=?3, flow_trunc=?4 WHERE device_id=?1");
  if (!update) return tl::unexpected(update.error());
  return AsTransactionError(update->Bind(1, device.device_id)
                                .Bind(2, device.name)
                                .Bind(3, device.remark)
                                .Bind(4, device.flow_trunc)
                                .Run());
}

Result<std::vector<HardwareRecord>> SqliteTransaction::ListHardware(std::string_view vendor_uin) {
  return QueryAll<HardwareRecord>(
      connection_,
      std::string("SELECT ") + kHardwareColumns +
          " FROM hardware WHERE vendor_uin=?1 ORDER BY created_ms, hardware_id",
      {vendor_uin}, ReadHardware);
}

Result<Page<HardwareRecord>> SqliteTransaction::ListHardwarePage(std::string_view vendor_uin,
                                                                 const HardwareQuery& query,
                                                                 PageWindow window) {
  // ?3: 0 all, 1 only activated, 2 only not activated.
  int64_t activation = !query.activated ? 0 : *query.activated ? 1 : 2;
  return QueryPage<HardwareRecord>(
      connection_, kHardwareColumns,
      "hardware WHERE vendor_uin=?1 AND (?2='' OR instr(hardware_id, ?2) OR instr(sn, ?2) OR "
      "instr(description, ?2) OR instr(COALESCE(activated_device_id, ''), ?2)) AND "
      "(?3=0 OR (?3=1)=(activated_device_id IS NOT NULL))",
      "created_ms, hardware_id",
      [&](Statement& statement) {
        statement.Bind(1, vendor_uin).Bind(2, query.keyword).Bind(3, activation);
      },
      3, window, ReadHardware);
}

Result<std::optional<HardwareRecord>> SqliteTransaction::FindHardwareBySn(
    std::string_view vendor_uin, std::string_view sn) {
  return QueryOne<HardwareRecord>(
      connection_,
      std::string("SELECT ") + kHardwareColumns + " FROM hardware WHERE vendor_uin=?1 AND sn=?2",
      {vendor_uin, sn}, ReadHardware);
}

Result<std::optional<HardwareRecord>> SqliteTransaction::FindHardwareById(
    std::string_view hardware_id) {
  return QueryOne<HardwareRecord>(
      connection_,
      std::string("SELECT ") + kHardwareColumns + " FROM hardware WHERE hardware_id=?1",
      {hardware_id}, ReadHardware);
}

Result<std::optional<AccountRecord>> SqliteTransaction::FindVendorByName(
    std::string_view vendor_name) {
  return QueryOne<AccountRecord>(connection_,
                                 std::string("SELECT ") + kAccountColumns +
                                     " FROM accounts WHERE vendor_name=?1 ORDER BY uin LIMIT 1",
                                 {vendor_name}, ReadAccount);
}

Result<void> SqliteTransaction::InsertHardware(const HardwareRecord& hardware) {
  Result<Statement> insert = PrepareWrite(
      "INSERT INTO hardware(hardware_id, vendor_uin, sn, license_charging_mode, description, "
      "created_ms) "
      "VALUES (?1,?2,?3,?4,?5,?6)");
  if (!insert) return tl::unexpected(insert.error());
  return AsTransactionError(insert->Bind(1, hardware.hardware_id)
                                .Bind(2, hardware.vendor_uin)
                                .Bind(3, hardware.sn)
                                .Bind(4, hardware.license_charging_mode)
                                .Bind(5, hardware.description)
                                .Bind(6, hardware.created_unix_millis)
                                .Run());
}

Result<void> SqliteTransaction::UpdateHardware(const HardwareRecord& hardware) {
  Result<Statement> update = PrepareWrite(
      "UPDATE hardware SET sn=?2, description=?3, activated_device_id=?4, activated_by_uin=?5, "
      "activated_ms=?6, tenant_description=?7 WHERE hardware_id=?1");
  if (!update) return tl::unexpected(update.error());
  return AsTransactionError(update->Bind(1, hardware.hardware_id)
                                .Bind(2, hardware.sn)
                                .Bind(3, hardware.description)
                                .BindOptional(4, hardware.activated_device_id)
                                .BindOptional(5, hardware.activated_by_uin)
                                .Bind(6, hardware.activated_unix_millis)
                                .Bind(7, hardware.tenant_description)
                                .Run());
}

Result<void> SqliteTransaction::MoveLicenseToDevice(std::string_view hardware_id,
                                                    std::string_view device_id) {
  Result<Statement> update = PrepareWrite("UPDATE licenses SET device_id=?2 WHERE hardware_id=?1");
  if (!update) return tl::unexpected(update.error());
  return AsTransactionError(update->Bind(1, hardware_id).Bind(2, device_id).Run());
}

Result<void> SqliteTransaction::InsertFlowPackage(const FlowPackageRecord& package) {
  Result<Statement> insert = PrepareWrite(
      "INSERT INTO flow_packages(resource_id, account_uin, package_type, package_region, "
      "auto_renew, trunc, "
      "order_id, active_unix, expire_unix, created_ms) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10)");
  if (!insert) return tl::unexpected(insert.error());
  Result<void> inserted = AsTransactionError(insert->Bind(1, package.resource_id)
                                                 .Bind(2, package.account_uin)
                                                 .Bind(3, package.package_type)
                                                 .Bind(4, package.package_region)
                                                 .Bind(5, int64_t{package.auto_renew})
                                                 .Bind(6, int64_t{package.trunc})
                                                 .Bind(7, package.order_id)
                                                 .Bind(8, package.active_unix)
                                                 .Bind(9, package.expire_unix)
                                                 .Bind(10, package.created_unix_millis)
                                                 .Run());
  if (!inserted) return inserted;
  for (const std::string& device_id : package.device_ids) {
    Result<Statement> binding =
        PrepareWrite("INSERT INTO flow_package_devices(resource_id, device_id) VALUES (?1,?2)");
    if (!binding) return tl::unexpected(binding.error());
    Result<void> bound =
        AsTransactionError(binding->Bind(1, package.resource_id).Bind(2, device_id).Run());
    if (!bound) return bound;
  }
  return {};
}

namespace {

constexpr char kFlowPackageColumns[] =
    "resource_id, account_uin, package_type, package_region, auto_renew, trunc, "
    "COALESCE(order_id, ''), active_unix, expire_unix, created_ms";

FlowPackageRecord ReadFlowPackage(const Statement& row) {
  FlowPackageRecord package;
  package.resource_id = row.Text(0);
  package.account_uin = row.Text(1);
  package.package_type = row.Text(2);
  package.package_region = row.Int(3);
  package.auto_renew = row.Int(4) != 0;
  package.trunc = row.Int(5) != 0;
  package.order_id = row.Text(6);
  package.active_unix = row.Int(7);
  package.expire_unix = row.Int(8);
  package.created_unix_millis = row.Int(9);
  return package;
}

// Fills each package's bound devices.
Result<void> ReadPackageDevices(Connection& connection, std::vector<FlowPackageRecord>& packages) {
  for (FlowPackageRecord& package : packages) {
    Result<std::vector<std::string>> devices = QueryAll<std::string>(
        connection,
        "SELECT device_id FROM flow_package_devices WHERE resource_id=?1 ORDER BY rowid",
        {package.resource_id}, [](const Statement& row) { return row.Text(0); });
    if (!devices) return tl::unexpected(devices.error());
    package.device_ids = std::move(*devices);
  }
  return {};
}

}  // namespace

Result<std::vector<FlowPackageRecord>> SqliteTransaction::ListFlowPackages(
    std::string_view account_uin) {
  Result<std::vector<FlowPackageRecord>> packages = QueryAll<FlowPackageRecord>(
      connection_,
      std::string("SELECT ") + kFlowPackageColumns +
          " FROM flow_packages WHERE account_uin=?1 ORDER BY created_ms, resource_id",
      {account_uin}, ReadFlowPackage);
  if (!packages) return packages;
  MNAD_TRY(ReadPackageDevices(connection_, *packages));
  return packages;
}

Result<Page<FlowPackageRecord>> SqliteTransaction::ListFlowPackagesPage(
    std::string_view account_uin, const FlowPackageQuery& query, PageWindow window) {
  // The status at ?6 as FlowPackageStatus defines it: 0 before active_unix,
  // 1 until expire_unix, 2 after.
  Result<Page<FlowPackageRecord>> page = QueryPage<FlowPackageRecord>(
      connection_, kFlowPackageColumns,
      "flow_packages WHERE account_uin=?1 AND (?2 IS NULL OR resource_id=?2) AND "
      "(?3 IS NULL OR EXISTS (SELECT 1 FROM flow_package_devices d WHERE "
      "d.resource_id=flow_packages.resource_id AND d.device_id=?3)) AND "
      "(?4 IS NULL OR ?4 = CASE WHEN ?5 < active_unix THEN 0 WHEN ?5 < expire_unix THEN 1 ELSE 2 "
      "END)",
      "created_ms, resource_id",
      [&](Statement& statement) {
        statement.Bind(1, account_uin)
            .BindOptional(2, query.resource_id)
            .BindOptional(3, query.device_id)
            .Bind(5, query.now_unix);
        if (query.status) {
          statement.Bind(4, *query.status);
        } else {
          statement.BindNull(4);
        }
      },
      5, window, ReadFlowPackage);
  if (!page) return page;
  MNAD_TRY(ReadPackageDevices(connection_, page->items));
  return page;
}

Result<void> SqliteTransaction::SetFlowPackageRenewFlag(std::string_view resource_id,
                                                        bool auto_renew) {
  Result<Statement> update =
      PrepareWrite("UPDATE flow_packages SET auto_renew=?2 WHERE resource_id=?1");
  if (!update) return tl::unexpected(update.error());
  return AsTransactionError(update->Bind(1, resource_id).Bind(2, int64_t{auto_renew}).Run());
}

}  // namespace mnad::store::sqlite
