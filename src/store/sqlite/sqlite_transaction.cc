#include "store/sqlite/sqlite_transaction.h"

#include <string>

namespace mnad::store::sqlite {
namespace {

// Storage failures inside a purchase are transaction failures for the
// caller (precedence 11 of order-per-license.md).
template <typename T>
Result<T> AsTransactionError(Result<T> result) {
  if (!result && result.error().code == ErrorCode::kInternalError) {
    return Fail(ErrorCode::kFailedOperationTransactionException,
                "The storage transaction failed: " + result.error().message);
  }
  return result;
}

template <typename Record, typename Reader>
Result<std::optional<Record>> QueryOne(Connection& db, const std::string& sql,
                                       std::initializer_list<std::string_view> keys,
                                       Reader reader) {
  Result<Statement> query = db.Prepare(sql);
  if (!query) return AsTransactionError<std::optional<Record>>(tl::unexpected(query.error()));
  int index = 1;
  for (std::string_view key : keys) query->Bind(index++, key);
  Result<bool> row = query->Step();
  if (!row) return AsTransactionError<std::optional<Record>>(tl::unexpected(row.error()));
  if (!*row) return std::optional<Record>();
  return std::optional<Record>(reader(*query));
}

std::optional<std::string> OptionalText(const Statement& row, int column) {
  if (row.IsNull(column)) return std::nullopt;
  return row.Text(column);
}

}  // namespace

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

DeviceRecord ReadDevice(const Statement& row) {
  DeviceRecord device;
  device.device_id = row.Text(0);
  device.account_uin = row.Text(1);
  device.name = row.Text(2);
  device.license_pay_mode = row.Int(3);
  device.remark = row.Text(4);
  device.created_unix_millis = row.Int(5);
  device.hardware_id = OptionalText(row, 6);
  device.license_payer = row.Int(7) == 1 ? LicensePayer::kVendor : LicensePayer::kCustomer;
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
  return hardware;
}

Result<Statement> SqliteTransaction::PrepareWrite(std::string_view sql) {
  if (faults_ != nullptr && faults_->fail_write_countdown.load() > 0 &&
      faults_->fail_write_countdown.fetch_sub(1) == 1) {
    return Fail(ErrorCode::kFailedOperationTransactionException,
                "The storage transaction failed: injected write fault.");
  }
  return AsTransactionError(connection_.Prepare(sql));
}

Result<std::optional<AccountRecord>> SqliteTransaction::FindAccount(std::string_view uin) {
  return QueryOne<AccountRecord>(connection_,
                                 std::string("SELECT ") + kAccountColumns + " FROM accounts WHERE uin=?1",
                                 {uin}, ReadAccount);
}

Result<std::optional<DeviceRecord>> SqliteTransaction::FindDevice(std::string_view account_uin,
                                                                  std::string_view device_id) {
  return QueryOne<DeviceRecord>(
      connection_,
      std::string("SELECT ") + kDeviceColumns + " FROM devices WHERE device_id=?1 AND account_uin=?2",
      {device_id, account_uin}, ReadDevice);
}

Result<std::optional<HardwareRecord>> SqliteTransaction::FindHardware(std::string_view vendor_uin,
                                                                      std::string_view hardware_id) {
  return QueryOne<HardwareRecord>(
      connection_,
      std::string("SELECT ") + kHardwareColumns + " FROM hardware WHERE hardware_id=?1 AND vendor_uin=?2",
      {hardware_id, vendor_uin}, ReadHardware);
}

Result<std::optional<LicenseRecord>> SqliteTransaction::FindLicenseByDevice(std::string_view device_id) {
  return QueryOne<LicenseRecord>(
      connection_, std::string("SELECT ") + kLicenseColumns + " FROM licenses WHERE device_id=?1",
      {device_id}, ReadLicense);
}

Result<std::optional<LicenseRecord>> SqliteTransaction::FindLicenseByHardware(
    std::string_view hardware_id) {
  return QueryOne<LicenseRecord>(
      connection_, std::string("SELECT ") + kLicenseColumns + " FROM licenses WHERE hardware_id=?1",
      {hardware_id}, ReadLicense);
}

Result<std::vector<VoucherRecord>> SqliteTransaction::ListVouchers(std::string_view account_uin) {
  Result<Statement> query = AsTransactionError(connection_.Prepare(
      std::string("SELECT ") + kVoucherColumns + " FROM vouchers WHERE account_uin=?1 ORDER BY voucher_id"));
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
      "INSERT INTO licenses(resource_id, account_uin, device_id, hardware_id, order_id, created_ms) "
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
      "order_id) VALUES (?1,?2,?3,?4,?5,?6,?7)");
  if (!insert) return tl::unexpected(insert.error());
  return AsTransactionError(insert->Bind(1, entry.at_unix_millis)
                                .Bind(2, entry.account_uin)
                                .BindOptional(3, entry.voucher_id)
                                .Bind(4, entry.delta_fen)
                                .Bind(5, entry.balance_after_fen)
                                .Bind(6, entry.reason)
                                .BindOptional(7, entry.order_id)
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

Result<void> SqliteTransaction::InsertFlowPackageBinding(std::string_view resource_id,
                                                         std::string_view account_uin,
                                                         std::string_view device_id,
                                                         int64_t active_unix, int64_t expire_unix) {
  Result<Statement> package = PrepareWrite(
      "INSERT OR IGNORE INTO flow_packages(resource_id, account_uin, active_unix, expire_unix) "
      "VALUES (?1,?2,?3,?4)");
  if (!package) return tl::unexpected(package.error());
  Result<void> inserted = AsTransactionError(
      package->Bind(1, resource_id).Bind(2, account_uin).Bind(3, active_unix).Bind(4, expire_unix).Run());
  if (!inserted) return inserted;
  Result<Statement> binding =
      PrepareWrite("INSERT INTO flow_package_devices(resource_id, device_id) VALUES (?1,?2)");
  if (!binding) return tl::unexpected(binding.error());
  return AsTransactionError(binding->Bind(1, resource_id).Bind(2, device_id).Run());
}

}  // namespace mnad::store::sqlite
