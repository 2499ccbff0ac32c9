// Test-only fault injection around any store (in the manner of LevelDB's
// ErrorEnv): FaultyStore wraps a Store so that the Nth Transaction call of
// a write command fails with FailedOperation.TransactionException, whatever
// the backend. Tests then prove that a command failing at any call leaves
// nothing behind.
// Thread-safe: FaultyStore as its base; a FaultyTransaction is used by one
// command on one thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>

#include "store/store.h"

namespace mnad::store {

// Forwards every call to `base`, failing call number `fail_at` (1-based;
// 0 never). `calls()` counts the calls made.
class FaultyTransaction final : public Transaction {
 public:
  FaultyTransaction(Transaction& base, int64_t fail_at) : base_(base), fail_at_(fail_at) {}
  int64_t calls() const { return calls_; }

#define MNAD_FAULT_POINT()                                                    \
  do {                                                                        \
    if (++calls_ == fail_at_) {                                               \
      return Fail(ErrorCode::kStorageFailed,            \
                  "The storage transaction failed: injected fault at call " + \
                      std::to_string(calls_) + ".");                          \
    }                                                                         \
  } while (false)

  Result<std::optional<AccountRecord>> FindAccount(std::string_view uin) override {
    MNAD_FAULT_POINT();
    return base_.FindAccount(uin);
  }
  Result<std::optional<DeviceRecord>> FindDevice(std::string_view account_uin,
                                                 std::string_view device_id) override {
    MNAD_FAULT_POINT();
    return base_.FindDevice(account_uin, device_id);
  }
  Result<std::optional<DevicePurchaseTarget>> FindDevicePurchaseTarget(
      std::string_view account_uin, std::string_view device_id) override {
    MNAD_FAULT_POINT();
    return base_.FindDevicePurchaseTarget(account_uin, device_id);
  }
  Result<std::optional<HardwareRecord>> FindHardware(std::string_view vendor_uin,
                                                     std::string_view hardware_id) override {
    MNAD_FAULT_POINT();
    return base_.FindHardware(vendor_uin, hardware_id);
  }
  Result<std::optional<LicenseRecord>> FindLicenseByHardware(
      std::string_view hardware_id) override {
    MNAD_FAULT_POINT();
    return base_.FindLicenseByHardware(hardware_id);
  }
  Result<std::vector<VoucherRecord>> ListVouchers(std::string_view account_uin) override {
    MNAD_FAULT_POINT();
    return base_.ListVouchers(account_uin);
  }
  Result<Prices> GetPrices() override {
    MNAD_FAULT_POINT();
    return base_.GetPrices();
  }
  Result<bool> DeviceHasFlowPackageInEffect(std::string_view device_id, int64_t now_unix) override {
    MNAD_FAULT_POINT();
    return base_.DeviceHasFlowPackageInEffect(device_id, now_unix);
  }
  Result<void> SetAccountBalance(std::string_view uin, int64_t balance_fen) override {
    MNAD_FAULT_POINT();
    return base_.SetAccountBalance(uin, balance_fen);
  }
  Result<void> SetVoucherBalance(std::string_view voucher_id, int64_t balance_fen,
                                 std::string_view status) override {
    MNAD_FAULT_POINT();
    return base_.SetVoucherBalance(voucher_id, balance_fen, status);
  }
  Result<void> InsertOrder(const OrderRecord& order) override {
    MNAD_FAULT_POINT();
    return base_.InsertOrder(order);
  }
  Result<void> InsertLicense(const LicenseRecord& license) override {
    MNAD_FAULT_POINT();
    return base_.InsertLicense(license);
  }
  Result<void> AppendJournal(const JournalEntry& entry) override {
    MNAD_FAULT_POINT();
    return base_.AppendJournal(entry);
  }
  Result<void> DeleteDevice(std::string_view device_id) override {
    MNAD_FAULT_POINT();
    return base_.DeleteDevice(device_id);
  }
  Result<void> DeleteHardware(std::string_view hardware_id) override {
    MNAD_FAULT_POINT();
    return base_.DeleteHardware(hardware_id);
  }
  Result<std::vector<DeviceRecord>> ListDevices(std::string_view account_uin) override {
    MNAD_FAULT_POINT();
    return base_.ListDevices(account_uin);
  }
  Result<Page<DeviceRecord>> ListDevicesPage(std::string_view account_uin, const DeviceQuery& query,
                                             PageWindow window) override {
    MNAD_FAULT_POINT();
    return base_.ListDevicesPage(account_uin, query, window);
  }
  Result<std::optional<DeviceRecord>> FindDeviceByName(std::string_view account_uin,
                                                       std::string_view name) override {
    MNAD_FAULT_POINT();
    return base_.FindDeviceByName(account_uin, name);
  }
  Result<std::optional<DeviceRecord>> FindDeviceById(std::string_view device_id) override {
    MNAD_FAULT_POINT();
    return base_.FindDeviceById(device_id);
  }
  Result<bool> DataKeyExists(std::string_view data_key) override {
    MNAD_FAULT_POINT();
    return base_.DataKeyExists(data_key);
  }
  Result<void> InsertDevice(const DeviceRecord& device) override {
    MNAD_FAULT_POINT();
    return base_.InsertDevice(device);
  }
  Result<void> UpdateDevice(const DeviceRecord& device) override {
    MNAD_FAULT_POINT();
    return base_.UpdateDevice(device);
  }
  Result<std::vector<HardwareRecord>> ListHardware(std::string_view vendor_uin) override {
    MNAD_FAULT_POINT();
    return base_.ListHardware(vendor_uin);
  }
  Result<Page<HardwareRecord>> ListHardwarePage(std::string_view vendor_uin,
                                                const HardwareQuery& query,
                                                PageWindow window) override {
    MNAD_FAULT_POINT();
    return base_.ListHardwarePage(vendor_uin, query, window);
  }
  Result<std::optional<HardwareRecord>> FindHardwareBySn(std::string_view vendor_uin,
                                                         std::string_view sn) override {
    MNAD_FAULT_POINT();
    return base_.FindHardwareBySn(vendor_uin, sn);
  }
  Result<std::optional<HardwareRecord>> FindHardwareById(std::string_view hardware_id) override {
    MNAD_FAULT_POINT();
    return base_.FindHardwareById(hardware_id);
  }
  Result<std::optional<AccountRecord>> FindVendorByName(std::string_view vendor_name) override {
    MNAD_FAULT_POINT();
    return base_.FindVendorByName(vendor_name);
  }
  Result<void> InsertHardware(const HardwareRecord& hardware) override {
    MNAD_FAULT_POINT();
    return base_.InsertHardware(hardware);
  }
  Result<void> UpdateHardware(const HardwareRecord& hardware) override {
    MNAD_FAULT_POINT();
    return base_.UpdateHardware(hardware);
  }
  Result<void> MoveLicenseToDevice(std::string_view hardware_id,
                                   std::string_view device_id) override {
    MNAD_FAULT_POINT();
    return base_.MoveLicenseToDevice(hardware_id, device_id);
  }
  Result<void> InsertFlowPackage(const FlowPackageRecord& package) override {
    MNAD_FAULT_POINT();
    return base_.InsertFlowPackage(package);
  }
  Result<std::vector<FlowPackageRecord>> ListFlowPackages(std::string_view account_uin) override {
    MNAD_FAULT_POINT();
    return base_.ListFlowPackages(account_uin);
  }
  Result<Page<FlowPackageRecord>> ListFlowPackagesPage(std::string_view account_uin,
                                                       const FlowPackageQuery& query,
                                                       PageWindow window) override {
    MNAD_FAULT_POINT();
    return base_.ListFlowPackagesPage(account_uin, query, window);
  }
  Result<void> SetFlowPackageRenewFlag(std::string_view resource_id, bool auto_renew) override {
    MNAD_FAULT_POINT();
    return base_.SetFlowPackageRenewFlag(resource_id, auto_renew);
  }
  Result<std::optional<CredentialRecord>> FindCredential(std::string_view secret_id) override {
    MNAD_FAULT_POINT();
    return base_.FindCredential(secret_id);
  }
  Result<void> InsertAccount(const AccountRecord& account) override {
    MNAD_FAULT_POINT();
    return base_.InsertAccount(account);
  }
  Result<std::vector<AccountRecord>> ListAccounts() override {
    MNAD_FAULT_POINT();
    return base_.ListAccounts();
  }
  Result<void> UpdateAccount(const AccountRecord& account) override {
    MNAD_FAULT_POINT();
    return base_.UpdateAccount(account);
  }
  Result<std::vector<ApiKeyRecord>> ListApiKeys(std::string_view account_uin) override {
    MNAD_FAULT_POINT();
    return base_.ListApiKeys(account_uin);
  }
  Result<std::optional<ApiKeyRecord>> FindApiKey(std::string_view secret_id) override {
    MNAD_FAULT_POINT();
    return base_.FindApiKey(secret_id);
  }
  Result<void> InsertApiKey(const ApiKeyRecord& key) override {
    MNAD_FAULT_POINT();
    return base_.InsertApiKey(key);
  }
  Result<void> SetApiKeyEnabled(std::string_view secret_id, bool enabled) override {
    MNAD_FAULT_POINT();
    return base_.SetApiKeyEnabled(secret_id, enabled);
  }
  Result<void> DeleteApiKey(std::string_view secret_id) override {
    MNAD_FAULT_POINT();
    return base_.DeleteApiKey(secret_id);
  }
  Result<std::vector<SubUserRecord>> ListSubUsers(std::string_view account_uin) override {
    MNAD_FAULT_POINT();
    return base_.ListSubUsers(account_uin);
  }
  Result<std::optional<SubUserRecord>> FindSubUser(std::string_view uin) override {
    MNAD_FAULT_POINT();
    return base_.FindSubUser(uin);
  }
  Result<void> InsertSubUser(std::string_view account_uin, const SubUserRecord& sub_user) override {
    MNAD_FAULT_POINT();
    return base_.InsertSubUser(account_uin, sub_user);
  }
  Result<std::optional<VoucherRecord>> FindVoucherById(std::string_view voucher_id) override {
    MNAD_FAULT_POINT();
    return base_.FindVoucherById(voucher_id);
  }
  Result<void> InsertVoucher(const VoucherRecord& voucher) override {
    MNAD_FAULT_POINT();
    return base_.InsertVoucher(voucher);
  }
  Result<void> UpdateSubUser(const SubUserRecord& sub_user) override {
    MNAD_FAULT_POINT();
    return base_.UpdateSubUser(sub_user);
  }
  Result<void> SetPrices(const Prices& prices) override {
    MNAD_FAULT_POINT();
    return base_.SetPrices(prices);
  }
  Result<std::vector<std::string>> ListRegions() override {
    MNAD_FAULT_POINT();
    return base_.ListRegions();
  }
  Result<std::optional<AdjustableClock::State>> GetTestClock() override {
    MNAD_FAULT_POINT();
    return base_.GetTestClock();
  }
  Result<void> SetTestClock(const AdjustableClock::State& state) override {
    MNAD_FAULT_POINT();
    return base_.SetTestClock(state);
  }
  Result<void> SetRegions(const std::vector<std::string>& regions) override {
    MNAD_FAULT_POINT();
    return base_.SetRegions(regions);
  }
  Result<std::vector<LicenseRecord>> ListLicenses(std::string_view account_uin) override {
    MNAD_FAULT_POINT();
    return base_.ListLicenses(account_uin);
  }
  Result<std::vector<OrderRecord>> ListOrders(std::string_view account_uin) override {
    MNAD_FAULT_POINT();
    return base_.ListOrders(account_uin);
  }
  Result<std::vector<JournalEntry>> ListJournal(const JournalQuery& query) override {
    MNAD_FAULT_POINT();
    return base_.ListJournal(query);
  }
  Result<std::vector<std::pair<std::string, int64_t>>> CountEntities() override {
    MNAD_FAULT_POINT();
    return base_.CountEntities();
  }
  Result<void> DeleteEverything() override {
    MNAD_FAULT_POINT();
    return base_.DeleteEverything();
  }

#undef MNAD_FAULT_POINT

 private:
  Transaction& base_;
  int64_t fail_at_;
  int64_t calls_ = 0;
};

// A store whose write commands see a FaultyTransaction failing at call
// `fail_at` (set it before submitting; 0 turns faults off). Reads pass
// through. `last_calls()` is how many calls the last command made.
class FaultyStore final : public Store {
 public:
  explicit FaultyStore(Store& base) : base_(base) {}
  void set_fail_at(int64_t call) { fail_at_ = call; }
  int64_t last_calls() const { return last_calls_; }

  Result<void> ReadSnapshot(const std::function<Result<void>(Transaction&)>& body) override {
    return base_.ReadSnapshot(body);
  }
  void Submit(WriteCommand command) override {
    base_.Submit(WriteCommand{.run =
                                  [this, run = std::move(command.run)](Transaction& transaction) {
                                    FaultyTransaction faulty(transaction, fail_at_.load());
                                    bool keep = run(faulty);
                                    last_calls_ = faulty.calls();
                                    return keep;
                                  },
                              .done = std::move(command.done)});
  }

 private:
  Store& base_;
  std::atomic<int64_t> fail_at_{0};
  std::atomic<int64_t> last_calls_{0};
};

}  // namespace mnad::store
