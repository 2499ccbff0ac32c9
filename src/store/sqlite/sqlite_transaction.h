// The Transaction of the SQLite store: statements on the writer's
// connection, inside the savepoint the writer opened for one command.
// Thread-safe: no; lives on the writer thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>

#include "store/sqlite/connection.h"
#include "store/transaction.h"

namespace mnad::store::sqlite {

// Faults a test can switch on to prove that a failing store changes nothing.
struct FaultInjection {
  // When > 0, counts down on every write statement; the one that reaches 0
  // fails.
  std::atomic<int64_t> fail_write_countdown{0};
  // The next N commits fail (and are rolled back).
  std::atomic<int> fail_commits{0};
  // Called on the sync thread just before each fsync of the WAL.
  std::function<void()> before_sync;
  // The next N fsyncs of the WAL fail (which stops the process).
  std::atomic<int> fail_syncs{0};
  // When set, the deferred fdatasync of the WAL calls this instead (a
  // power-loss test's file system records what it made durable).
  std::function<int(int fd)> sync_wal;
};

class SqliteTransaction final : public Transaction {
 public:
  SqliteTransaction(Connection& connection, FaultInjection* faults)
      : connection_(connection), faults_(faults) {}

  Result<std::optional<AccountRecord>> FindAccount(std::string_view uin) override;
  Result<std::optional<DeviceRecord>> FindDevice(std::string_view account_uin,
                                                 std::string_view device_id) override;
  Result<std::optional<DevicePurchaseTarget>> FindDevicePurchaseTarget(
      std::string_view account_uin, std::string_view device_id) override;
  Result<std::optional<HardwareRecord>> FindHardware(std::string_view vendor_uin,
                                                     std::string_view hardware_id) override;
  Result<std::optional<LicenseRecord>> FindLicenseByHardware(std::string_view hardware_id) override;
  Result<std::vector<VoucherRecord>> ListVouchers(std::string_view account_uin) override;
  Result<Prices> GetPrices() override;
  Result<bool> DeviceHasFlowPackageInEffect(std::string_view device_id, int64_t now_unix) override;

  Result<void> SetAccountBalance(std::string_view uin, int64_t balance_fen) override;
  Result<void> SetVoucherBalance(std::string_view voucher_id, int64_t balance_fen,
                                 std::string_view status) override;
  Result<void> InsertOrder(const OrderRecord& order) override;
  Result<void> InsertLicense(const LicenseRecord& license) override;
  Result<void> AppendJournal(const JournalEntry& entry) override;
  Result<void> DeleteDevice(std::string_view device_id) override;
  Result<void> DeleteHardware(std::string_view hardware_id) override;

  Result<std::vector<DeviceRecord>> ListDevices(std::string_view account_uin) override;
  Result<Page<DeviceRecord>> ListDevicesPage(std::string_view account_uin, const DeviceQuery& query,
                                             PageWindow window) override;
  Result<std::optional<DeviceRecord>> FindDeviceByName(std::string_view account_uin,
                                                       std::string_view name) override;
  Result<std::optional<DeviceRecord>> FindDeviceById(std::string_view device_id) override;
  Result<bool> DataKeyExists(std::string_view data_key) override;
  Result<void> InsertDevice(const DeviceRecord& device) override;
  Result<void> UpdateDevice(const DeviceRecord& device) override;
  Result<std::vector<HardwareRecord>> ListHardware(std::string_view vendor_uin) override;
  Result<Page<HardwareRecord>> ListHardwarePage(std::string_view vendor_uin,
                                                const HardwareQuery& query,
                                                PageWindow window) override;
  Result<std::optional<HardwareRecord>> FindHardwareBySn(std::string_view vendor_uin,
                                                         std::string_view sn) override;
  Result<std::optional<HardwareRecord>> FindHardwareById(std::string_view hardware_id) override;
  Result<std::optional<AccountRecord>> FindVendorByName(std::string_view vendor_name) override;
  Result<void> InsertHardware(const HardwareRecord& hardware) override;
  Result<void> UpdateHardware(const HardwareRecord& hardware) override;
  Result<void> MoveLicenseToDevice(std::string_view hardware_id,
                                   std::string_view device_id) override;
  Result<void> InsertFlowPackage(const FlowPackageRecord& package) override;
  Result<std::vector<FlowPackageRecord>> ListFlowPackages(std::string_view account_uin) override;
  Result<Page<FlowPackageRecord>> ListFlowPackagesPage(std::string_view account_uin,
                                                       const FlowPackageQuery& query,
                                                       PageWindow window) override;
  Result<void> SetFlowPackageRenewFlag(std::string_view resource_id, bool auto_renew) override;

  Result<std::optional<CredentialRecord>> FindCredential(std::string_view secret_id) override;
  Result<void> InsertAccount(const AccountRecord& account) override;
  Result<std::vector<AccountRecord>> ListAccounts() override;
  Result<void> UpdateAccount(const AccountRecord& account) override;
  Result<std::vector<ApiKeyRecord>> ListApiKeys(std::string_view account_uin) override;
  Result<std::optional<ApiKeyRecord>> FindApiKey(std::string_view secret_id) override;
  Result<void> InsertApiKey(const ApiKeyRecord& key) override;
  Result<void> SetApiKeyEnabled(std::string_view secret_id, bool enabled) override;
  Result<void> DeleteApiKey(std::string_view secret_id) override;
  Result<std::vector<SubUserRecord>> ListSubUsers(std::string_view account_uin) override;
  Result<std::optional<SubUserRecord>> FindSubUser(std::string_view uin) override;
  Result<void> InsertSubUser(std::string_view account_uin, const SubUserRecord& sub_user) override;
  Result<std::optional<VoucherRecord>> FindVoucherById(std::string_view voucher_id) override;
  Result<void> InsertVoucher(const VoucherRecord& voucher) override;
  Result<void> UpdateSubUser(const SubUserRecord& sub_user) override;
  Result<void> SetPrices(const Prices& prices) override;
  Result<std::vector<std::string>> ListRegions() override;
  Result<void> SetRegions(const std::vector<std::string>& regions) override;
  Result<std::optional<AdjustableClock::State>> GetTestClock() override;
  Result<void> SetTestClock(const AdjustableClock::State& state) override;
  Result<std::vector<LicenseRecord>> ListLicenses(std::string_view account_uin) override;
  Result<std::vector<OrderRecord>> ListOrders(std::string_view account_uin) override;
  Result<std::vector<JournalEntry>> ListJournal(const JournalQuery& query) override;
  Result<std::vector<std::pair<std::string, int64_t>>> CountEntities() override;
  Result<void> DeleteEverything() override;

  Connection& connection() { return connection_; }

 private:
  // Prepares a write statement, failing it when a fault is injected.
  Result<Statement> PrepareWrite(std::string_view sql);

  Connection& connection_;
  FaultInjection* faults_;
};

// Row readers shared by the transaction and the store's read connections.
AccountRecord ReadAccount(const Statement& row);
DeviceRecord ReadDevice(const Statement& row);
VoucherRecord ReadVoucher(const Statement& row);
JournalEntry ReadJournalEntry(const Statement& row);
LicenseRecord ReadLicense(const Statement& row);
HardwareRecord ReadHardware(const Statement& row);

// Column lists matching the readers above.
inline constexpr char kAccountColumns[] =
    "uin, app_id, name, identity_verified, service_authorized, suspended, vendor_name, "
    "balance_fen, created_ms";
inline constexpr char kDeviceColumns[] =
    "device_id, account_uin, name, license_pay_mode, remark, created_ms, hardware_id, "
    "license_payer, data_key, access_scope, flow_trunc, group_id, vendor_name, sn";
inline constexpr char kVoucherColumns[] =
    "voucher_id, cash, nominal_fen, balance_fen, threshold_fen, begin_unix, end_unix, products, "
    "status, account_uin, created_ms";
inline constexpr char kJournalColumns[] =
    "entry_id, at_ms, account_uin, voucher_id, delta_fen, balance_after_fen, reason, order_id, "
    "action";
inline constexpr char kLicenseColumns[] =
    "resource_id, account_uin, device_id, hardware_id, order_id, created_ms";
inline constexpr char kHardwareColumns[] =
    "hardware_id, vendor_uin, sn, license_charging_mode, description, created_ms, "
    "activated_device_id, activated_by_uin, activated_ms, tenant_description";


}  // namespace mnad::store::sqlite
