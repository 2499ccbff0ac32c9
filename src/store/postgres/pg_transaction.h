// The Transaction of the PostgreSQL store: statements on one connection,
// inside the transaction (and the savepoint) the store opened for one
// command. In a write transaction the rows a rule reads before it changes
// them (the paying account, the target, the vouchers) are locked with
// SELECT ... FOR UPDATE, so that concurrent commands of every node are
// ordered by the database.
// Thread-safe: no; used by one command on one thread.
#pragma once

#include "store/postgres/pg_connection.h"
#include "store/transaction.h"

namespace mnad::store::postgres {

class PgTransaction final : public Transaction {
 public:
  // `writing`: reads of rows a rule may change take row locks.
  PgTransaction(PgConnection& connection, bool writing)
      : connection_(connection), writing_(writing) {}

  // Set when a statement of the current command failed (the transaction is
  // then aborted until its savepoint is rolled back), whatever the rule did
  // with the error.
  bool statement_failed() const { return statement_failed_; }
  // What the first failed statement of the command met (kNone: none).
  PgFailure first_failure() const { return first_failure_; }
  void ResetStatementFailure() {
    statement_failed_ = false;
    first_failure_ = PgFailure::kNone;
  }
  // Whether the current command wrote anything (sent or deferred).
  bool wrote() const { return wrote_; }
  void ResetWrote() { wrote_ = false; }
  // Forgets what was read once per transaction (after a rollback to a
  // savepoint, which may have undone a change of it).
  void DropCachedReads() { prices_.reset(); }

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

 private:
  // Every statement goes through here: storage failures become
  // FailedOperation.TransactionException for the rule.
  Result<PgRows> Run(std::string_view sql, std::initializer_list<PgParam> params);
  Result<PgRows> Run(std::string_view sql, const std::vector<PgParam>& params);
  // Every INSERT, UPDATE and DELETE: in a pipelined writer it is deferred
  // (sent with the next read or the COMMIT), and a failure is found there.
  Result<void> Write(std::string_view sql, std::initializer_list<PgParam> params);
  Result<void> Write(std::string_view sql, const std::vector<PgParam>& params);
  // Records a failed statement; the error the rule gets.
  Error StatementFailed(const Error& error);
  // " FOR UPDATE" in a write transaction.
  const char* Lock() const { return writing_ ? " FOR UPDATE" : ""; }
  Result<void> ReadPackageDevices(std::vector<FlowPackageRecord>& packages);

  PgConnection& connection_;
  bool writing_;
  bool statement_failed_ = false;
  PgFailure first_failure_ = PgFailure::kNone;
  bool wrote_ = false;
  std::optional<Prices> prices_;
};

}  // namespace mnad::store::postgres
