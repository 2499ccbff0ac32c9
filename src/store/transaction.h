// The operations a business rule may perform inside one storage
// transaction. Rules (a purchase, a rollback) are written once against this
// interface; each backend runs them atomically: SQLite in a savepoint of a
// group-committed batch, PostgreSQL in its own transaction with row locks.
// Storage failures come back as FailedOperation.TransactionException.
// Thread-safe: no; a Transaction is used by one command on one thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/clock.h"
#include "core/error.h"
#include "store/records.h"

namespace mnad::store {

class Transaction {
 public:
  virtual ~Transaction() = default;

  virtual Result<std::optional<AccountRecord>> FindAccount(std::string_view uin) = 0;
  virtual Result<std::optional<DeviceRecord>> FindDevice(std::string_view account_uin,
                                                         std::string_view device_id) = 0;
  // The caller's device as a purchase target; nullopt when the account has
  // no such device.
  virtual Result<std::optional<DevicePurchaseTarget>> FindDevicePurchaseTarget(
      std::string_view account_uin, std::string_view device_id) = 0;
  virtual Result<std::optional<HardwareRecord>> FindHardware(std::string_view vendor_uin,
                                                             std::string_view hardware_id) = 0;
  virtual Result<std::optional<LicenseRecord>> FindLicenseByHardware(
      std::string_view hardware_id) = 0;
  virtual Result<std::vector<VoucherRecord>> ListVouchers(std::string_view account_uin) = 0;
  virtual Result<Prices> GetPrices() = 0;
  // True when the device is bound to a flow package whose validity covers
  // `now_unix`.
  virtual Result<bool> DeviceHasFlowPackageInEffect(std::string_view device_id,
                                                    int64_t now_unix) = 0;

  virtual Result<void> SetAccountBalance(std::string_view uin, int64_t balance_fen) = 0;
  virtual Result<void> SetVoucherBalance(std::string_view voucher_id, int64_t balance_fen,
                                         std::string_view status) = 0;
  virtual Result<void> InsertOrder(const OrderRecord& order) = 0;
  virtual Result<void> InsertLicense(const LicenseRecord& license) = 0;
  virtual Result<void> AppendJournal(const JournalEntry& entry) = 0;
  // Deletes the device row only (mna/ releases the hardware it came from).
  virtual Result<void> DeleteDevice(std::string_view device_id) = 0;
  virtual Result<void> DeleteHardware(std::string_view hardware_id) = 0;

  // Devices.
  virtual Result<std::vector<DeviceRecord>> ListDevices(std::string_view account_uin) = 0;
  // One window of the account's devices that match, oldest first; reads the
  // window's rows only.
  virtual Result<Page<DeviceRecord>> ListDevicesPage(std::string_view account_uin,
                                                     const DeviceQuery& query,
                                                     PageWindow window) = 0;
  virtual Result<std::optional<DeviceRecord>> FindDeviceByName(std::string_view account_uin,
                                                               std::string_view name) = 0;
  // Any account's device with that id.
  virtual Result<std::optional<DeviceRecord>> FindDeviceById(std::string_view device_id) = 0;
  virtual Result<bool> DataKeyExists(std::string_view data_key) = 0;
  virtual Result<void> InsertDevice(const DeviceRecord& device) = 0;
  // Writes name, remark and flow_trunc.
  virtual Result<void> UpdateDevice(const DeviceRecord& device) = 0;

  // Vendor hardware.
  virtual Result<std::vector<HardwareRecord>> ListHardware(std::string_view vendor_uin) = 0;
  virtual Result<Page<HardwareRecord>> ListHardwarePage(std::string_view vendor_uin,
                                                        const HardwareQuery& query,
                                                        PageWindow window) = 0;
  virtual Result<std::optional<HardwareRecord>> FindHardwareBySn(std::string_view vendor_uin,
                                                                 std::string_view sn) = 0;
  virtual Result<std::optional<HardwareRecord>> FindHardwareById(std::string_view hardware_id) = 0;
  virtual Result<std::optional<AccountRecord>> FindVendorByName(std::string_view vendor_name) = 0;
  virtual Result<void> InsertHardware(const HardwareRecord& hardware) = 0;
  // Writes sn, description and the activation fields.
  virtual Result<void> UpdateHardware(const HardwareRecord& hardware) = 0;
  // A license bought for hardware moves to the device it became.
  virtual Result<void> MoveLicenseToDevice(std::string_view hardware_id,
                                           std::string_view device_id) = 0;

  // Flow packages.
  virtual Result<void> InsertFlowPackage(const FlowPackageRecord& package) = 0;
  virtual Result<std::vector<FlowPackageRecord>> ListFlowPackages(std::string_view account_uin) = 0;
  virtual Result<Page<FlowPackageRecord>> ListFlowPackagesPage(std::string_view account_uin,
                                                               const FlowPackageQuery& query,
                                                               PageWindow window) = 0;
  virtual Result<void> SetFlowPackageRenewFlag(std::string_view resource_id, bool auto_renew) = 0;

  // Credentials: an enabled key, its account and sub-user, in one read.
  virtual Result<std::optional<CredentialRecord>> FindCredential(std::string_view secret_id) = 0;

  // Operator operations (the admin API, seeds).
  // Inserts write every field as given (created time and balance included);
  // the caller journals a balance it opens with.
  virtual Result<void> InsertAccount(const AccountRecord& account) = 0;
  virtual Result<std::vector<AccountRecord>> ListAccounts() = 0;
  // Writes name, app_id, the flags and the vendor name (not the balance).
  virtual Result<void> UpdateAccount(const AccountRecord& account) = 0;
  virtual Result<std::vector<ApiKeyRecord>> ListApiKeys(std::string_view account_uin) = 0;
  virtual Result<std::optional<ApiKeyRecord>> FindApiKey(std::string_view secret_id) = 0;
  // account_uin and sub_user_uin are taken from the record.
  virtual Result<void> InsertApiKey(const ApiKeyRecord& key) = 0;
  virtual Result<void> SetApiKeyEnabled(std::string_view secret_id, bool enabled) = 0;
  virtual Result<void> DeleteApiKey(std::string_view secret_id) = 0;
  // The account's sub-users, each with its keys.
  virtual Result<std::vector<SubUserRecord>> ListSubUsers(std::string_view account_uin) = 0;
  // Any account's sub-user with that uin (its keys not filled).
  virtual Result<std::optional<SubUserRecord>> FindSubUser(std::string_view uin) = 0;
  // The sub-user alone (not its keys).
  virtual Result<void> InsertSubUser(std::string_view account_uin,
                                     const SubUserRecord& sub_user) = 0;
  // Any account's voucher with that id.
  virtual Result<std::optional<VoucherRecord>> FindVoucherById(std::string_view voucher_id) = 0;
  // account_uin is taken from the record.
  virtual Result<void> InsertVoucher(const VoucherRecord& voucher) = 0;
  // Writes name, allowed_actions and payment_allowed.
  virtual Result<void> UpdateSubUser(const SubUserRecord& sub_user) = 0;
  virtual Result<void> SetPrices(const Prices& prices) = 0;
  // The configured regions (empty: the built-in list applies).
  virtual Result<std::vector<std::string>> ListRegions() = 0;
  // Replaces the configured regions (duplicates kept once).
  virtual Result<void> SetRegions(const std::vector<std::string>& regions) = 0;
  // The test clock's state, shared by every node (absent: never changed).
  virtual Result<std::optional<AdjustableClock::State>> GetTestClock() = 0;
  virtual Result<void> SetTestClock(const AdjustableClock::State& state) = 0;
  virtual Result<std::vector<LicenseRecord>> ListLicenses(std::string_view account_uin) = 0;
  virtual Result<std::vector<OrderRecord>> ListOrders(std::string_view account_uin) = 0;
  // The journal entries that match, oldest first.
  virtual Result<std::vector<JournalEntry>> ListJournal(const JournalQuery& query) = 0;
  // How many rows each kind of entity has ("accounts", "devices", ...).
  virtual Result<std::vector<std::pair<std::string, int64_t>>> CountEntities() = 0;
  // Deletes every entity; prices and regions return to their defaults.
  virtual Result<void> DeleteEverything() = 0;

  // A command that answers an error normally leaves no trace. RollBack is
  // the exception: the refusal and the deletion it causes are one unit.
  void KeepChangesOnError() { keep_changes_on_error_ = true; }
  bool keep_changes_on_error() const { return keep_changes_on_error_; }
  void ResetForCommand() { keep_changes_on_error_ = false; }

 private:
  bool keep_changes_on_error_ = false;
};

}  // namespace mnad::store
