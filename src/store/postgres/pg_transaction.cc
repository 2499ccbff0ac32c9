#include "store/postgres/pg_transaction.h"

#include <string>

namespace mnad::store::postgres {
namespace {

constexpr char kAccountColumns[] =
    "uin, app_id, name, identity_verified, service_authorized, suspended, vendor_name, "
    "balance_fen, created_ms";
constexpr char kDeviceColumns[] =
    "device_id, account_uin, name, license_pay_mode, remark, created_ms, hardware_id, "
    "license_payer, COALESCE(data_key, ''), access_scope, flow_trunc, group_id, vendor_name, sn";
constexpr char kVoucherColumns[] =
    "voucher_id, cash, nominal_fen, balance_fen, threshold_fen, begin_unix, end_unix, products, "
    "status, account_uin, created_ms";
constexpr char kJournalColumns[] =
    "entry_id, at_ms, account_uin, voucher_id, delta_fen, balance_after_fen, reason, order_id, "
    "action";
constexpr char kLicenseColumns[] =
    "resource_id, account_uin, device_id, hardware_id, order_id, created_ms";
constexpr char kHardwareColumns[] =
    "hardware_id, vendor_uin, sn, license_charging_mode, description, created_ms, "
    "activated_device_id, activated_by_uin, activated_ms, tenant_description";
constexpr char kApiKeyColumns[] =
    "secret_id, secret_key, enabled, account_uin, sub_user_uin, created_ms";
constexpr char kFlowPackageColumns[] =
    "resource_id, account_uin, package_type, package_region, auto_renew, trunc, "
    "COALESCE(order_id, ''), active_unix, expire_unix, created_ms";

std::string Sql(std::initializer_list<std::string_view> parts) {
  std::string sql;
  for (std::string_view part : parts) sql += part;
  return sql;
}

AccountRecord ReadAccount(const PgRows& rows, int i) {
  return AccountRecord{.uin = rows.Text(i, 0),
                       .app_id = rows.Int(i, 1),
                       .name = rows.Text(i, 2),
                       .identity_verified = rows.Flag(i, 3),
                       .service_authorized = rows.Flag(i, 4),
                       .suspended = rows.Flag(i, 5),
                       .vendor_name = rows.OptionalText(i, 6),
                       .balance_fen = rows.Int(i, 7),
                       .created_unix_millis = rows.Int(i, 8)};
}

LicensePayer ReadPayer(const PgRows& rows, int i, int column) {
  return rows.Int(i, column) == 1 ? LicensePayer::kVendor : LicensePayer::kCustomer;
}

DeviceRecord ReadDevice(const PgRows& rows, int i) {
  return DeviceRecord{.device_id = rows.Text(i, 0),
                      .account_uin = rows.Text(i, 1),
                      .name = rows.Text(i, 2),
                      .license_pay_mode = rows.Int(i, 3),
                      .remark = rows.Text(i, 4),
                      .created_unix_millis = rows.Int(i, 5),
                      .hardware_id = rows.OptionalText(i, 6),
                      .license_payer = ReadPayer(rows, i, 7),
                      .data_key = rows.Text(i, 8),
                      .access_scope = rows.Int(i, 9),
                      .flow_trunc = rows.Int(i, 10),
                      .group_id = rows.Text(i, 11),
                      .vendor_name = rows.Text(i, 12),
                      .sn = rows.Text(i, 13)};
}

VoucherRecord ReadVoucher(const PgRows& rows, int i) {
  return VoucherRecord{.voucher_id = rows.Text(i, 0),
                       .cash = rows.Flag(i, 1),
                       .nominal_fen = rows.Int(i, 2),
                       .balance_fen = rows.Int(i, 3),
                       .threshold_fen = rows.Int(i, 4),
                       .begin_unix = rows.Int(i, 5),
                       .end_unix = rows.Int(i, 6),
                       .products = SplitLines(rows.Text(i, 7)),
                       .status = rows.Text(i, 8),
                       .account_uin = rows.Text(i, 9),
                       .created_unix_millis = rows.Int(i, 10)};
}

JournalEntry ReadJournalEntry(const PgRows& rows, int i) {
  return JournalEntry{
      .entry_id = rows.Int(i, 0),
      .at_unix_millis = rows.Int(i, 1),
      .account_uin = rows.Text(i, 2),
      .voucher_id = rows.OptionalText(i, 3),
      .delta_fen = rows.Int(i, 4),
      .balance_after_fen = rows.Int(i, 5),
      .action = ParseJournalAction(rows.Text(i, 8)).value_or(JournalAction::kAdjustment),
      .reason = rows.Text(i, 6),
      .order_id = rows.OptionalText(i, 7)};
}

LicenseRecord ReadLicense(const PgRows& rows, int i) {
  return LicenseRecord{.resource_id = rows.Text(i, 0),
                       .account_uin = rows.Text(i, 1),
                       .device_id = rows.OptionalText(i, 2),
                       .hardware_id = rows.OptionalText(i, 3),
                       .order_id = rows.Text(i, 4),
                       .created_unix_millis = rows.Int(i, 5)};
}

HardwareRecord ReadHardware(const PgRows& rows, int i) {
  return HardwareRecord{.hardware_id = rows.Text(i, 0),
                        .vendor_uin = rows.Text(i, 1),
                        .sn = rows.Text(i, 2),
                        .license_charging_mode = rows.Int(i, 3),
                        .description = rows.Text(i, 4),
                        .created_unix_millis = rows.Int(i, 5),
                        .activated_device_id = rows.OptionalText(i, 6),
                        .activated_by_uin = rows.OptionalText(i, 7),
                        .activated_unix_millis = rows.IsNull(i, 8) ? 0 : rows.Int(i, 8),
                        .tenant_description = rows.Text(i, 9)};
}

ApiKeyRecord ReadApiKey(const PgRows& rows, int i) {
  return ApiKeyRecord{.secret_id = rows.Text(i, 0),
                      .secret_key = rows.Text(i, 1),
                      .enabled = rows.Flag(i, 2),
                      .account_uin = rows.Text(i, 3),
                      .sub_user_uin = rows.OptionalText(i, 4),
                      .created_unix_millis = rows.Int(i, 5)};
}

SubUserRecord ReadSubUser(const PgRows& rows, int i) {
  return SubUserRecord{.uin = rows.Text(i, 0),
                       .name = rows.Text(i, 1),
                       .allowed_actions = SplitLines(rows.Text(i, 2)),
                       .payment_allowed = rows.Flag(i, 3)};
}

FlowPackageRecord ReadFlowPackage(const PgRows& rows, int i) {
  return FlowPackageRecord{.resource_id = rows.Text(i, 0),
                           .account_uin = rows.Text(i, 1),
                           .package_type = rows.Text(i, 2),
                           .package_region = rows.Int(i, 3),
                           .auto_renew = rows.Flag(i, 4),
                           .trunc = rows.Flag(i, 5),
                           .order_id = rows.Text(i, 6),
                           .active_unix = rows.Int(i, 7),
                           .expire_unix = rows.Int(i, 8),
                           .created_unix_millis = rows.Int(i, 9)};
}

template <typename Record, typename Reader>
std::optional<Record> First(const PgRows& rows, Reader reader) {
  if (rows.empty()) return std::nullopt;
  return reader(rows, 0);
}

template <typename Record, typename Reader>
std::vector<Record> All(const PgRows& rows, Reader reader) {
  std::vector<Record> records;
  records.reserve(static_cast<size_t>(rows.size()));
  for (int i = 0; i < rows.size(); ++i) records.push_back(reader(rows, i));
  return records;
}

#define MNAD_ROWS(name, expression)   \
  Result<PgRows> name = (expression); \
  if (!name) return tl::unexpected(name.error())

}  // namespace

Result<PgRows> PgTransaction::Run(std::string_view sql, std::initializer_list<PgParam> params) {
  return Run(sql, std::vector<PgParam>(params));
}

Error PgTransaction::StatementFailed(const Error& error) {
  if (!statement_failed_) first_failure_ = connection_.last_failure();
  statement_failed_ = true;
  return Error{ErrorCode::kStorageFailed,
               "The storage transaction failed: " + error.message};
}

Result<PgRows> PgTransaction::Run(std::string_view sql, const std::vector<PgParam>& params) {
  Result<PgRows> rows = connection_.Query(sql, params);
  if (!rows) return tl::unexpected(StatementFailed(rows.error()));
  return rows;
}

Result<void> PgTransaction::Write(std::string_view sql, std::initializer_list<PgParam> params) {
  return Write(sql, std::vector<PgParam>(params));
}

Result<void> PgTransaction::Write(std::string_view sql, const std::vector<PgParam>& params) {
  wrote_ = true;
  if (writing_ && connection_.pipelined()) {
    connection_.Defer(sql, params);
    return {};
  }
  MNAD_ROWS(rows, Run(sql, params));
  return {};
}

Result<std::optional<AccountRecord>> PgTransaction::FindAccount(std::string_view uin) {
  MNAD_ROWS(rows,
            Run(Sql({"SELECT ", kAccountColumns, " FROM accounts WHERE uin=$1", Lock()}), {uin}));
  return First<AccountRecord>(*rows, ReadAccount);
}

Result<std::optional<DeviceRecord>> PgTransaction::FindDevice(std::string_view account_uin,
                                                              std::string_view device_id) {
  MNAD_ROWS(rows, Run(Sql({"SELECT ", kDeviceColumns,
                           " FROM devices WHERE device_id=$1 AND account_uin=$2", Lock()}),
                      {device_id, account_uin}));
  return First<DeviceRecord>(*rows, ReadDevice);
}

Result<std::optional<DevicePurchaseTarget>> PgTransaction::FindDevicePurchaseTarget(
    std::string_view account_uin, std::string_view device_id) {
  // The device row is locked first and its license read by a second
  // statement: under READ COMMITTED that statement's snapshot is taken after
  // the lock was granted, so it sees a license that a concurrent purchase
  // of the same device committed while this one waited. (One statement with
  // a join would re-check the locked row only, and miss it.)
  // Pipelined, the two statements still run one after the other, in one
  // round trip.
  std::string device_sql = Sql({"SELECT license_payer, license_pay_mode FROM devices WHERE "
                                "device_id=$1 AND account_uin=$2",
                                Lock()});
  Result<std::vector<PgRows>> rows = connection_.QueryEach(
      {{device_sql, {device_id, account_uin}},
       {"SELECT resource_id FROM licenses WHERE device_id=$1", {device_id}}});
  if (!rows) return tl::unexpected(StatementFailed(rows.error()));
  const PgRows& device = (*rows)[0];
  const PgRows& license = (*rows)[1];
  if (device.empty()) return std::nullopt;
  return DevicePurchaseTarget{
      .license_payer = ReadPayer(device, 0, 0),
      .license_pay_mode = device.Int(0, 1),
      .license_resource_id = license.empty() ? std::nullopt : license.OptionalText(0, 0)};
}

Result<std::optional<HardwareRecord>> PgTransaction::FindHardware(std::string_view vendor_uin,
                                                                  std::string_view hardware_id) {
  MNAD_ROWS(rows, Run(Sql({"SELECT ", kHardwareColumns,
                           " FROM hardware WHERE hardware_id=$1 AND vendor_uin=$2", Lock()}),
                      {hardware_id, vendor_uin}));
  return First<HardwareRecord>(*rows, ReadHardware);
}

Result<std::optional<LicenseRecord>> PgTransaction::FindLicenseByHardware(
    std::string_view hardware_id) {
  MNAD_ROWS(rows, Run(Sql({"SELECT ", kLicenseColumns, " FROM licenses WHERE hardware_id=$1"}),
                      {hardware_id}));
  return First<LicenseRecord>(*rows, ReadLicense);
}

Result<std::vector<VoucherRecord>> PgTransaction::ListVouchers(std::string_view account_uin) {
  MNAD_ROWS(rows, Run(Sql({"SELECT ", kVoucherColumns,
                           " FROM vouchers WHERE account_uin=$1 ORDER BY voucher_id", Lock()}),
                      {account_uin}));
  return All<VoucherRecord>(*rows, ReadVoucher);
}

Result<Prices> PgTransaction::GetPrices() {
  // Read once per transaction: a price change that commits meanwhile is
  // ordered after this batch, whose commands were all submitted before.
  if (prices_) return *prices_;
  MNAD_ROWS(rows, Run("SELECT license_fen, flow_20g_fen, flow_50g_fen, flow_100g_fen, "
                      "flow_500g_fen FROM prices WHERE id=1",
                      {}));
  Prices prices;
  if (!rows->empty()) {
    prices.license_fen = rows->Int(0, 0);
    prices.flow_package_20g_fen = rows->Int(0, 1);
    prices.flow_package_50g_fen = rows->Int(0, 2);
    prices.flow_package_100g_fen = rows->Int(0, 3);
    prices.flow_package_500g_fen = rows->Int(0, 4);
  }
  prices_ = prices;
  return prices;
}

Result<bool> PgTransaction::DeviceHasFlowPackageInEffect(std::string_view device_id,
                                                         int64_t now_unix) {
  MNAD_ROWS(rows, Run("SELECT 1 FROM flow_package_devices b JOIN flow_packages p ON "
                      "p.resource_id=b.resource_id WHERE b.device_id=$1 AND p.active_unix<=$2 "
                      "AND $2<p.expire_unix LIMIT 1",
                      {device_id, now_unix}));
  return !rows->empty();
}

Result<void> PgTransaction::SetAccountBalance(std::string_view uin, int64_t balance_fen) {
  MNAD_TRY(Write("UPDATE accounts SET balance_fen=$2 WHERE uin=$1", {uin, balance_fen}));
  return {};
}

Result<void> PgTransaction::SetVoucherBalance(std::string_view voucher_id, int64_t balance_fen,
                                              std::string_view status) {
  MNAD_TRY(Write("UPDATE vouchers SET balance_fen=$2, status=$3 WHERE voucher_id=$1",
                      {voucher_id, balance_fen, status}));
  return {};
}

Result<void> PgTransaction::InsertOrder(const OrderRecord& order) {
  MNAD_TRY(Write("INSERT INTO orders(order_id, account_uin, caller_uin, action, resource_id, "
                      "total_fen, voucher_id, voucher_fen, balance_fen, created_ms) VALUES "
                      "($1,$2,$3,$4,$5,$6,$7,$8,$9,$10)",
                      {order.order_id, order.account_uin, order.caller_uin, order.action,
                       order.resource_id, order.total_fen, order.voucher_id, order.voucher_fen,
                       order.balance_fen, order.created_unix_millis}));
  return {};
}

Result<void> PgTransaction::InsertLicense(const LicenseRecord& license) {
  MNAD_TRY(Write("INSERT INTO licenses(resource_id, account_uin, device_id, hardware_id, "
                      "order_id, created_ms) VALUES ($1,$2,$3,$4,$5,$6)",
                      {license.resource_id, license.account_uin, license.device_id,
                       license.hardware_id, license.order_id, license.created_unix_millis}));
  return {};
}

Result<void> PgTransaction::AppendJournal(const JournalEntry& entry) {
  MNAD_TRY(Write("INSERT INTO journal(at_ms, account_uin, voucher_id, delta_fen, "
                      "balance_after_fen, reason, order_id, action) VALUES "
                      "($1,$2,$3,$4,$5,$6,$7,$8)",
                      {entry.at_unix_millis, entry.account_uin, entry.voucher_id, entry.delta_fen,
                       entry.balance_after_fen, entry.reason, entry.order_id,
                       JournalActionName(entry.action)}));
  return {};
}

Result<void> PgTransaction::DeleteDevice(std::string_view device_id) {
  MNAD_TRY(Write("DELETE FROM devices WHERE device_id=$1", {device_id}));
  return {};
}

Result<void> PgTransaction::DeleteHardware(std::string_view hardware_id) {
  MNAD_TRY(Write("DELETE FROM hardware WHERE hardware_id=$1", {hardware_id}));
  return {};
}

Result<std::vector<DeviceRecord>> PgTransaction::ListDevices(std::string_view account_uin) {
  MNAD_ROWS(rows, Run(Sql({"SELECT ", kDeviceColumns,
                           " FROM devices WHERE account_uin=$1 ORDER BY created_ms, device_id"}),
                      {account_uin}));
  return All<DeviceRecord>(*rows, ReadDevice);
}

namespace {

// One window of `SELECT <columns> FROM <from_where> ORDER BY <order>` and
// the count of every row it selects; the window's parameters follow the
// filter's.
template <typename Record, typename Reader>
Result<Page<Record>> QueryPage(
    const std::function<Result<PgRows>(std::string_view, const std::vector<PgParam>&)>& run,
    std::string_view columns, std::string_view from_where, std::string_view order,
    std::vector<PgParam> params, PageWindow window, Reader reader) {
  Page<Record> page;
  MNAD_ROWS(count, run(Sql({"SELECT count(*) FROM ", from_where}), params));
  page.total = count->Int(0, 0);
  if (window.limit <= 0 || window.offset >= page.total) return page;
  size_t next = params.size() + 1;
  std::string sql = Sql({"SELECT ", columns, " FROM ", from_where, " ORDER BY ", order, " LIMIT $",
                         std::to_string(next), " OFFSET $", std::to_string(next + 1)});
  params.emplace_back(window.limit);
  params.emplace_back(window.offset);
  MNAD_ROWS(rows, run(sql, params));
  page.items = All<Record>(*rows, reader);
  return page;
}

}  // namespace

Result<Page<DeviceRecord>> PgTransaction::ListDevicesPage(std::string_view account_uin,
                                                          const DeviceQuery& query,
                                                          PageWindow window) {
  // $3: 0 every device, 1 only from hardware, 2 only the account's own.
  int64_t origin = !query.from_hardware ? 0 : *query.from_hardware ? 1 : 2;
  return QueryPage<DeviceRecord>(
      [this](std::string_view sql, const std::vector<PgParam>& params) { return Run(sql, params); },
      kDeviceColumns,
      "devices WHERE account_uin=$1 AND ($2='' OR strpos(device_id, $2)>0 OR strpos(name, $2)>0 "
      "OR ($4::bigint=1 AND strpos(sn, $2)>0)) AND ($3::bigint=0 OR ($3::bigint=1)=(hardware_id "
      "IS NOT NULL))",
      "created_ms, device_id", {account_uin, query.keyword, origin, query.keyword_in_sn}, window,
      ReadDevice);
}

Result<std::optional<DeviceRecord>> PgTransaction::FindDeviceByName(std::string_view account_uin,
                                                                    std::string_view name) {
  MNAD_ROWS(rows,
            Run(Sql({"SELECT ", kDeviceColumns, " FROM devices WHERE account_uin=$1 AND name=$2"}),
                {account_uin, name}));
  return First<DeviceRecord>(*rows, ReadDevice);
}

Result<std::optional<DeviceRecord>> PgTransaction::FindDeviceById(std::string_view device_id) {
  MNAD_ROWS(rows, Run(Sql({"SELECT ", kDeviceColumns, " FROM devices WHERE device_id=$1", Lock()}),
                      {device_id}));
  return First<DeviceRecord>(*rows, ReadDevice);
}

Result<bool> PgTransaction::DataKeyExists(std::string_view data_key) {
  MNAD_ROWS(rows, Run("SELECT 1 FROM devices WHERE data_key=$1", {data_key}));
  return !rows->empty();
}

Result<void> PgTransaction::InsertDevice(const DeviceRecord& device) {
  std::optional<std::string> data_key;
  if (!device.data_key.empty()) data_key = device.data_key;
  MNAD_TRY(Write("INSERT INTO devices(device_id, account_uin, name, license_pay_mode, remark, "
                      "created_ms, hardware_id, license_payer, data_key, access_scope, flow_trunc, "
                      "group_id, vendor_name, sn) VALUES "
                      "($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14)",
                      {device.device_id, device.account_uin, device.name, device.license_pay_mode,
                       device.remark, device.created_unix_millis, device.hardware_id,
                       static_cast<int64_t>(device.license_payer), data_key, device.access_scope,
                       device.flow_trunc, device.group_id, device.vendor_name, device.sn}));
  return {};
}

Result<void> PgTransaction::UpdateDevice(const DeviceRecord& device) {
  MNAD_TRY(Write("UPDATE devices SET name=$2, remark=$3, flow_trunc=$4 WHERE device_id=$1",
                      {device.device_id, device.name, device.remark, device.flow_trunc}));
  return {};
}

Result<std::vector<HardwareRecord>> PgTransaction::ListHardware(std::string_view vendor_uin) {
  MNAD_ROWS(rows, Run(Sql({"SELECT ", kHardwareColumns,
                           " FROM hardware WHERE vendor_uin=$1 ORDER BY created_ms, hardware_id"}),
                      {vendor_uin}));
  return All<HardwareRecord>(*rows, ReadHardware);
}

Result<Page<HardwareRecord>> PgTransaction::ListHardwarePage(std::string_view vendor_uin,
                                                             const HardwareQuery& query,
                                                             PageWindow window) {
  // $3: 0 all, 1 only activated, 2 only not activated.
  int64_t activation = !query.activated ? 0 : *query.activated ? 1 : 2;
  return QueryPage<HardwareRecord>(
      [this](std::string_view sql, const std::vector<PgParam>& params) { return Run(sql, params); },
      kHardwareColumns,
      "hardware WHERE vendor_uin=$1 AND ($2='' OR strpos(hardware_id, $2)>0 OR strpos(sn, $2)>0 "
      "OR strpos(description, $2)>0 OR strpos(COALESCE(activated_device_id, ''), $2)>0) AND "
      "($3::bigint=0 OR ($3::bigint=1)=(activated_device_id IS NOT NULL))",
      "created_ms, hardware_id", {vendor_uin, query.keyword, activation}, window, ReadHardware);
}

Result<std::optional<HardwareRecord>> PgTransaction::FindHardwareBySn(std::string_view vendor_uin,
                                                                      std::string_view sn) {
  MNAD_ROWS(rows,
            Run(Sql({"SELECT ", kHardwareColumns, " FROM hardware WHERE vendor_uin=$1 AND sn=$2"}),
                {vendor_uin, sn}));
  return First<HardwareRecord>(*rows, ReadHardware);
}

Result<std::optional<HardwareRecord>> PgTransaction::FindHardwareById(
    std::string_view hardware_id) {
  MNAD_ROWS(rows,
            Run(Sql({"SELECT ", kHardwareColumns, " FROM hardware WHERE hardware_id=$1", Lock()}),
                {hardware_id}));
  return First<HardwareRecord>(*rows, ReadHardware);
}

Result<std::optional<AccountRecord>> PgTransaction::FindVendorByName(std::string_view vendor_name) {
  MNAD_ROWS(rows, Run(Sql({"SELECT ", kAccountColumns,
                           " FROM accounts WHERE vendor_name=$1 ORDER BY uin LIMIT 1"}),
                      {vendor_name}));
  return First<AccountRecord>(*rows, ReadAccount);
}

Result<void> PgTransaction::InsertHardware(const HardwareRecord& hardware) {
  MNAD_TRY(Write("INSERT INTO hardware(hardware_id, vendor_uin, sn, license_charging_mode, "
                      "description, created_ms) VALUES ($1,$2,$3,$4,$5,$6)",
                      {hardware.hardware_id, hardware.vendor_uin, hardware.sn,
                       hardware.license_charging_mode, hardware.description,
                       hardware.created_unix_millis}));
  return {};
}

Result<void> PgTransaction::UpdateHardware(const HardwareRecord& hardware) {
  std::optional<std::string> activated_ms;
  if (hardware.activated_device_id) activated_ms = std::to_string(hardware.activated_unix_millis);
  MNAD_TRY(Write("UPDATE hardware SET sn=$2, description=$3, activated_device_id=$4, "
                      "activated_by_uin=$5, activated_ms=$6, tenant_description=$7 WHERE "
                      "hardware_id=$1",
                      {hardware.hardware_id, hardware.sn, hardware.description,
                       hardware.activated_device_id, hardware.activated_by_uin, activated_ms,
                       hardware.tenant_description}));
  return {};
}

Result<void> PgTransaction::MoveLicenseToDevice(std::string_view hardware_id,
                                                std::string_view device_id) {
  MNAD_TRY(Write("UPDATE licenses SET device_id=$2 WHERE hardware_id=$1", {hardware_id, device_id}));
  return {};
}

Result<void> PgTransaction::InsertFlowPackage(const FlowPackageRecord& package) {
  MNAD_TRY(Write("INSERT INTO flow_packages(resource_id, account_uin, package_type, "
                      "package_region, auto_renew, trunc, order_id, active_unix, expire_unix, "
                      "created_ms) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10)",
                      {package.resource_id, package.account_uin, package.package_type,
                       package.package_region, package.auto_renew, package.trunc, package.order_id,
                       package.active_unix, package.expire_unix, package.created_unix_millis}));
  for (const std::string& device_id : package.device_ids) {
    MNAD_TRY(Write("INSERT INTO flow_package_devices(resource_id, device_id) VALUES ($1,$2)",
                         {package.resource_id, device_id}));
  }
  return {};
}

Result<void> PgTransaction::ReadPackageDevices(std::vector<FlowPackageRecord>& packages) {
  for (FlowPackageRecord& package : packages) {
    MNAD_ROWS(rows, Run("SELECT device_id FROM flow_package_devices WHERE resource_id=$1 ORDER BY "
                        "position",
                        {package.resource_id}));
    package.device_ids =
        All<std::string>(*rows, [](const PgRows& r, int i) { return r.Text(i, 0); });
  }
  return {};
}

Result<std::vector<FlowPackageRecord>> PgTransaction::ListFlowPackages(
    std::string_view account_uin) {
  MNAD_ROWS(rows,
            Run(Sql({"SELECT ", kFlowPackageColumns,
                     " FROM flow_packages WHERE account_uin=$1 ORDER BY created_ms, resource_id"}),
                {account_uin}));
  std::vector<FlowPackageRecord> packages = All<FlowPackageRecord>(*rows, ReadFlowPackage);
  MNAD_TRY(ReadPackageDevices(packages));
  return packages;
}

Result<Page<FlowPackageRecord>> PgTransaction::ListFlowPackagesPage(std::string_view account_uin,
                                                                    const FlowPackageQuery& query,
                                                                    PageWindow window) {
  // The status at $5 as FlowPackageStatus defines it: 0 before active_unix,
  // 1 until expire_unix, 2 after.
  std::optional<std::string> status;
  if (query.status) status = std::to_string(*query.status);
  Result<Page<FlowPackageRecord>> page = QueryPage<FlowPackageRecord>(
      [this](std::string_view sql, const std::vector<PgParam>& params) { return Run(sql, params); },
      kFlowPackageColumns,
      "flow_packages WHERE account_uin=$1 AND ($2::text IS NULL OR resource_id=$2) AND "
      "($3::text IS NULL OR EXISTS (SELECT 1 FROM flow_package_devices d WHERE "
      "d.resource_id=flow_packages.resource_id AND d.device_id=$3)) AND "
      "($4::bigint IS NULL OR $4::bigint = CASE WHEN $5::bigint < active_unix THEN 0 WHEN "
      "$5::bigint < expire_unix THEN 1 ELSE 2 END)",
      "created_ms, resource_id",
      {account_uin, query.resource_id, query.device_id, status, query.now_unix}, window,
      ReadFlowPackage);
  if (!page) return page;
  MNAD_TRY(ReadPackageDevices(page->items));
  return page;
}

Result<void> PgTransaction::SetFlowPackageRenewFlag(std::string_view resource_id, bool auto_renew) {
  MNAD_TRY(Write("UPDATE flow_packages SET auto_renew=$2 WHERE resource_id=$1",
                      {resource_id, auto_renew}));
  return {};
}

Result<std::optional<CredentialRecord>> PgTransaction::FindCredential(std::string_view secret_id) {
  MNAD_ROWS(rows, Run("SELECT k.secret_key, a.uin, a.app_id, a.suspended, s.uin, "
                      "s.allowed_actions, s.payment_allowed FROM api_keys k JOIN accounts a ON "
                      "a.uin = k.account_uin LEFT JOIN sub_users s ON s.uin = k.sub_user_uin "
                      "WHERE k.secret_id = $1 AND k.enabled = 1",
                      {secret_id}));
  return First<CredentialRecord>(*rows, [](const PgRows& r, int i) {
    CredentialRecord record;
    record.secret_key = r.Text(i, 0);
    record.principal.account_uin = r.Text(i, 1);
    record.principal.app_id = r.Int(i, 2);
    record.principal.account_suspended = r.Flag(i, 3);
    if (!r.IsNull(i, 4)) {
      record.principal.sub_user_uin = r.Text(i, 4);
      record.principal.allowed_actions = SplitLines(r.Text(i, 5));
      record.principal.payment_allowed = r.Flag(i, 6);
    }
    return record;
  });
}

Result<void> PgTransaction::InsertAccount(const AccountRecord& account) {
  MNAD_TRY(Write("INSERT INTO accounts(uin, app_id, name, identity_verified, "
                      "service_authorized, suspended, vendor_name, balance_fen, created_ms) "
                      "VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)",
                      {account.uin, account.app_id, account.name, account.identity_verified,
                       account.service_authorized, account.suspended, account.vendor_name,
                       account.balance_fen, account.created_unix_millis}));
  return {};
}

Result<std::vector<AccountRecord>> PgTransaction::ListAccounts() {
  MNAD_ROWS(rows, Run(Sql({"SELECT ", kAccountColumns, " FROM accounts ORDER BY uin"}), {}));
  return All<AccountRecord>(*rows, ReadAccount);
}

Result<void> PgTransaction::UpdateAccount(const AccountRecord& account) {
  MNAD_TRY(Write("UPDATE accounts SET name=$2, app_id=$3, identity_verified=$4, "
                      "service_authorized=$5, suspended=$6, vendor_name=$7 WHERE uin=$1",
                      {account.uin, account.name, account.app_id, account.identity_verified,
                       account.service_authorized, account.suspended, account.vendor_name}));
  return {};
}

Result<std::vector<ApiKeyRecord>> PgTransaction::ListApiKeys(std::string_view account_uin) {
  MNAD_ROWS(rows, Run(Sql({"SELECT ", kApiKeyColumns,
                           " FROM api_keys WHERE account_uin=$1 ORDER BY created_ms, secret_id"}),
                      {account_uin}));
  return All<ApiKeyRecord>(*rows, ReadApiKey);
}

Result<std::optional<ApiKeyRecord>> PgTransaction::FindApiKey(std::string_view secret_id) {
  MNAD_ROWS(rows, Run(Sql({"SELECT ", kApiKeyColumns, " FROM api_keys WHERE secret_id=$1"}),
                      {secret_id}));
  return First<ApiKeyRecord>(*rows, ReadApiKey);
}

Result<void> PgTransaction::InsertApiKey(const ApiKeyRecord& key) {
  MNAD_TRY(Write("INSERT INTO api_keys(secret_id, secret_key, account_uin, sub_user_uin, "
                      "enabled, created_ms) VALUES ($1,$2,$3,$4,$5,$6)",
                      {key.secret_id, key.secret_key, key.account_uin, key.sub_user_uin,
                       key.enabled, key.created_unix_millis}));
  return {};
}

Result<void> PgTransaction::SetApiKeyEnabled(std::string_view secret_id, bool enabled) {
  MNAD_TRY(Write("UPDATE api_keys SET enabled=$2 WHERE secret_id=$1", {secret_id, enabled}));
  return {};
}

Result<void> PgTransaction::DeleteApiKey(std::string_view secret_id) {
  MNAD_TRY(Write("DELETE FROM api_keys WHERE secret_id=$1", {secret_id}));
  return {};
}

Result<std::vector<SubUserRecord>> PgTransaction::ListSubUsers(std::string_view account_uin) {
  MNAD_ROWS(rows, Run("SELECT uin, name, allowed_actions, payment_allowed FROM sub_users WHERE "
                      "account_uin=$1 ORDER BY uin",
                      {account_uin}));
  std::vector<SubUserRecord> sub_users = All<SubUserRecord>(*rows, ReadSubUser);
  Result<std::vector<ApiKeyRecord>> keys = ListApiKeys(account_uin);
  if (!keys) return tl::unexpected(keys.error());
  for (SubUserRecord& sub_user : sub_users) {
    for (const ApiKeyRecord& key : *keys) {
      if (key.sub_user_uin == sub_user.uin) sub_user.keys.push_back(key);
    }
  }
  return sub_users;
}

Result<std::optional<SubUserRecord>> PgTransaction::FindSubUser(std::string_view uin) {
  MNAD_ROWS(rows, Run("SELECT uin, name, allowed_actions, payment_allowed FROM sub_users WHERE "
                      "uin=$1",
                      {uin}));
  return First<SubUserRecord>(*rows, ReadSubUser);
}

Result<void> PgTransaction::InsertSubUser(std::string_view account_uin,
                                          const SubUserRecord& sub_user) {
  MNAD_TRY(Write("INSERT INTO sub_users(uin, account_uin, name, allowed_actions, "
                      "payment_allowed) VALUES ($1,$2,$3,$4,$5)",
                      {sub_user.uin, account_uin, sub_user.name,
                       JoinLines(sub_user.allowed_actions), sub_user.payment_allowed}));
  return {};
}

Result<std::optional<VoucherRecord>> PgTransaction::FindVoucherById(std::string_view voucher_id) {
  MNAD_ROWS(rows,
            Run(Sql({"SELECT ", kVoucherColumns, " FROM vouchers WHERE voucher_id=$1", Lock()}),
                {voucher_id}));
  return First<VoucherRecord>(*rows, ReadVoucher);
}

Result<void> PgTransaction::InsertVoucher(const VoucherRecord& voucher) {
  MNAD_TRY(Write("INSERT INTO vouchers(voucher_id, account_uin, cash, nominal_fen, "
                "balance_fen, threshold_fen, begin_unix, end_unix, products, status, "
                "created_ms) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11)",
                {voucher.voucher_id, voucher.account_uin, voucher.cash, voucher.nominal_fen,
                 voucher.balance_fen, voucher.threshold_fen, voucher.begin_unix, voucher.end_unix,
                 JoinLines(voucher.products), voucher.status, voucher.created_unix_millis}));
  return {};
}

Result<void> PgTransaction::UpdateSubUser(const SubUserRecord& sub_user) {
  MNAD_TRY(Write("UPDATE sub_users SET name=$2, allowed_actions=$3, payment_allowed=$4 "
                      "WHERE uin=$1",
                      {sub_user.uin, sub_user.name, JoinLines(sub_user.allowed_actions),
                       sub_user.payment_allowed}));
  return {};
}

Result<void> PgTransaction::SetPrices(const Prices& prices) {
  MNAD_TRY(Write("INSERT INTO prices(id, license_fen, flow_20g_fen, flow_50g_fen, "
                      "flow_100g_fen, flow_500g_fen) VALUES (1,$1,$2,$3,$4,$5) ON CONFLICT (id) "
                      "DO UPDATE SET license_fen=$1, flow_20g_fen=$2, flow_50g_fen=$3, "
                      "flow_100g_fen=$4, flow_500g_fen=$5",
                      {prices.license_fen, prices.flow_package_20g_fen, prices.flow_package_50g_fen,
                       prices.flow_package_100g_fen, prices.flow_package_500g_fen}));
  prices_.reset();
  return {};
}

Result<std::optional<AdjustableClock::State>> PgTransaction::GetTestClock() {
  MNAD_ROWS(rows, Run("SELECT frozen_at_ms, offset_ms FROM test_clock WHERE id=1", {}));
  if (rows->empty()) return std::nullopt;
  AdjustableClock::State state{.offset_millis = rows->Int(0, 1)};
  if (!rows->IsNull(0, 0)) state.frozen_at_millis = rows->Int(0, 0);
  return state;
}

Result<void> PgTransaction::SetTestClock(const AdjustableClock::State& state) {
  std::optional<std::string> frozen_at;
  if (state.frozen_at_millis) frozen_at = std::to_string(*state.frozen_at_millis);
  return Write(
      "INSERT INTO test_clock(id, frozen_at_ms, offset_ms) VALUES (1, $1, $2) "
      "ON CONFLICT (id) DO UPDATE SET frozen_at_ms=$1, offset_ms=$2",
      {frozen_at, state.offset_millis});
}

Result<std::vector<std::string>> PgTransaction::ListRegions() {
  MNAD_ROWS(rows, Run("SELECT region FROM regions ORDER BY region", {}));
  return All<std::string>(*rows, [](const PgRows& r, int i) { return r.Text(i, 0); });
}

Result<void> PgTransaction::SetRegions(const std::vector<std::string>& regions) {
  MNAD_TRY(Write("DELETE FROM regions", {}));
  for (const std::string& region : regions) {
    MNAD_TRY(Write("INSERT INTO regions(region) VALUES ($1) ON CONFLICT DO NOTHING", {region}));
  }
  return {};
}

Result<std::vector<LicenseRecord>> PgTransaction::ListLicenses(std::string_view account_uin) {
  MNAD_ROWS(rows, Run(Sql({"SELECT ", kLicenseColumns,
                           " FROM licenses WHERE account_uin=$1 ORDER BY created_ms, resource_id"}),
                      {account_uin}));
  return All<LicenseRecord>(*rows, ReadLicense);
}

Result<std::vector<OrderRecord>> PgTransaction::ListOrders(std::string_view account_uin) {
  MNAD_ROWS(rows, Run("SELECT order_id, account_uin, caller_uin, action, resource_id, total_fen, "
                      "voucher_id, voucher_fen, balance_fen, created_ms FROM orders WHERE "
                      "account_uin=$1 ORDER BY created_ms, order_id",
                      {account_uin}));
  return All<OrderRecord>(*rows, [](const PgRows& r, int i) {
    return OrderRecord{.order_id = r.Text(i, 0),
                       .account_uin = r.Text(i, 1),
                       .caller_uin = r.Text(i, 2),
                       .action = r.Text(i, 3),
                       .resource_id = r.Text(i, 4),
                       .total_fen = r.Int(i, 5),
                       .voucher_id = r.OptionalText(i, 6),
                       .voucher_fen = r.Int(i, 7),
                       .balance_fen = r.Int(i, 8),
                       .created_unix_millis = r.Int(i, 9)};
  });
}

Result<std::vector<JournalEntry>> PgTransaction::ListJournal(const JournalQuery& query) {
  std::string sql = Sql({"SELECT ", kJournalColumns, " FROM journal WHERE true"});
  std::vector<PgParam> params;
  if (query.account_uin) {
    params.emplace_back(*query.account_uin);
    sql += " AND account_uin=$" + std::to_string(params.size());
  }
  if (query.voucher_id) {
    params.emplace_back(*query.voucher_id);
    sql += " AND voucher_id=$" + std::to_string(params.size());
  }
  MNAD_ROWS(rows, Run(sql + " ORDER BY entry_id", params));
  return All<JournalEntry>(*rows, ReadJournalEntry);
}

Result<std::vector<std::pair<std::string, int64_t>>> PgTransaction::CountEntities() {
  std::vector<std::pair<std::string, int64_t>> counts;
  for (const char* table : kEntityTables) {
    MNAD_ROWS(rows, Run(Sql({"SELECT count(*) FROM ", table}), {}));
    counts.emplace_back(table, rows->Int(0, 0));
  }
  return counts;
}

Result<void> PgTransaction::DeleteEverything() {
  for (const char* table : kTablesChildrenFirst) {
    MNAD_TRY(Write(Sql({"DELETE FROM ", table}), {}));
  }
  return {};
}

}  // namespace mnad::store::postgres
