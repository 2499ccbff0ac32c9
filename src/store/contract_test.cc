// The store's contract: the same cases against every backend (SQLite on
// disk, SQLite in memory, PostgreSQL), so that a rule written once over the
// Transaction interface behaves the same on each. The PostgreSQL cases need
// a server: MNAD_TEST_PG_URL (scripts/pg-test-server.sh); each case gets a
// database of its own.
#include <gtest/gtest.h>
#include <libpq-fe.h>

#include <atomic>
#include <cstdlib>
#include <future>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "admin/seed.h"
#include "admin/seed_apply.h"
#include "billing/ledger.h"
#include "core/clock.h"
#include "core/random.h"
#include "core/test_directory.h"
#include "mna/action_support.h"
#include "mna/license_purchase.h"
#include "store/fault_store.h"
#include "store/postgres/pg_store.h"
#include "store/sqlite/sqlite_store.h"

namespace mnad::store {
namespace {

constexpr int64_t kNowMillis = 1'780'000'000'000;  // 2026-05-28
constexpr int64_t kPrice = 100000;

constexpr char kSeed[] = R"({"version":1,"prices":{"license_fen":100000},
 "regions":["ap-guangzhou","ap-beijing"],
 "accounts":[
  {"uin":"100","app_id":1,"name":"acme","identity_verified":true,"service_authorized":true,
   "balance_fen":1000000,
   "keys":[{"secret_id":"AKIDroot","secret_key":"root-secret"}],
   "sub_users":[{"uin":"101","name":"ops","allowed_actions":["mna:*"],"payment_allowed":true,
                 "keys":[{"secret_id":"AKIDsub","secret_key":"sub-secret"}]}],
   "vouchers":[{"voucher_id":"v-1","nominal_fen":5000,"begin_time":"2026-01-01T00:00:00Z",
                "end_time":"2027-01-01T00:00:00Z"}],
   "devices":[{"device_id":"mna-a","name":"a","license_pay_mode":1},
              {"device_id":"mna-b","name":"b","license_pay_mode":1},
              {"device_id":"mna-c","name":"c","license_pay_mode":1},
              {"device_id":"mna-d","name":"d","license_pay_mode":1}]},
  {"uin":"200","app_id":2,"name":"poor","identity_verified":true,"service_authorized":true,
   "balance_fen":10,"devices":[{"device_id":"mna-poor","name":"p","license_pay_mode":1}]},
  {"uin":"300","app_id":3,"name":"vendor","identity_verified":true,"service_authorized":true,
   "vendor":{"name":"rc"},"balance_fen":500000,
   "hardware":[{"hardware_id":"cpe-1","sn":"S1","license_charging_mode":3}]}]})";

// A database of its own on the test server, dropped at the end.
class PgDatabase {
 public:
  static std::unique_ptr<PgDatabase> Create(const std::string& server_url) {
    static std::atomic<int> count{0};
    std::string name = "mnad_contract_" + std::to_string(getpid()) + "_" + std::to_string(++count);
    if (!Admin(server_url, "DROP DATABASE IF EXISTS " + name) ||
        !Admin(server_url, "CREATE DATABASE " + name)) {
      return nullptr;
    }
    std::string url = server_url.substr(0, server_url.rfind('/') + 1) + name;
    return std::unique_ptr<PgDatabase>(new PgDatabase(server_url, name, url));
  }
  ~PgDatabase() { Admin(server_url_, "DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)"); }
  const std::string& url() const { return url_; }

 private:
  PgDatabase(std::string server_url, std::string name, std::string url)
      : server_url_(std::move(server_url)), name_(std::move(name)), url_(std::move(url)) {}
  static bool Admin(const std::string& server_url, const std::string& sql) {
    PGconn* connection = PQconnectdb(server_url.c_str());
    bool ok = PQstatus(connection) == CONNECTION_OK;
    if (ok) {
      PGresult* result = PQexec(connection, sql.c_str());
      ok = PQresultStatus(result) == PGRES_COMMAND_OK;
      if (!ok) ADD_FAILURE() << sql << ": " << PQresultErrorMessage(result);
      PQclear(result);
    } else {
      ADD_FAILURE() << "cannot reach the test PostgreSQL: " << PQerrorMessage(connection);
    }
    PQfinish(connection);
    return ok;
  }
  std::string server_url_;
  std::string name_;
  std::string url_;
};

// kPostgresSharded: two writers, commands sharded by paying account.
enum class Backend { kSqliteDisk, kSqliteMemory, kPostgres, kPostgresSharded };

std::string BackendName(const ::testing::TestParamInfo<Backend>& info) {
  switch (info.param) {
    case Backend::kSqliteDisk:
      return "SqliteOnDisk";
    case Backend::kSqliteMemory:
      return "SqliteInMemory";
    case Backend::kPostgres:
      return "PostgreSQL";
    case Backend::kPostgresSharded:
      return "PostgreSQLTwoWriters";
  }
  return "?";
}

class StoreContract : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    if (postgres()) {
      const char* url = std::getenv("MNAD_TEST_PG_URL");
      if (url == nullptr || *url == '\0') {
        GTEST_SKIP() << "MNAD_TEST_PG_URL is not set (scripts/pg-test-server.sh starts a server)";
      }
      database_ = PgDatabase::Create(url);
      ASSERT_NE(database_, nullptr);
    }
    store_ = Open();
    ASSERT_NE(store_, nullptr);
    Result<SeedData> seed = admin::ParseSeed(kSeed, sequence_);
    ASSERT_TRUE(seed.has_value()) << seed.error().message;
    ASSERT_TRUE(admin::ApplySeed(*store_, *seed, kNowMillis).has_value());
  }
  void TearDown() override {
    other_.reset();
    store_.reset();
    database_.reset();
  }

  bool postgres() const {
    return GetParam() == Backend::kPostgres || GetParam() == Backend::kPostgresSharded;
  }

  // Another store on the same state: a second node on PostgreSQL; on
  // SQLite, whose file has one writer, the same store.
  // Thread-safe: workers of the concurrent cases ask for it at once.
  Store& Other() {
    if (!postgres()) return *store_;
    std::lock_guard lock(other_mutex_);
    if (!other_) other_ = Open();
    return *other_;
  }

  std::unique_ptr<Store> Open() {
    switch (GetParam()) {
      case Backend::kSqliteDisk:
      case Backend::kSqliteMemory: {
        std::string path = GetParam() == Backend::kSqliteDisk ? (directory_ / "mnad.db").string()
                                                              : (memory_ / "mnad.db").string();
        auto opened = sqlite::SqliteStore::Open({.path = path, .faults = &sqlite_faults_}, &clock_);
        EXPECT_TRUE(opened.has_value()) << opened.error().message;
        return opened ? std::move(*opened) : nullptr;
      }
      case Backend::kPostgres:
      case Backend::kPostgresSharded: {
        postgres::PgStoreOptions options{
            .settings = {.url = database_->url()},
            .writers = GetParam() == Backend::kPostgresSharded ? 2 : 1};
        // A failing commit: a statement the server refuses, queued before
        // the COMMIT, so that the COMMIT is skipped.
        options.before_commit_for_test = [this](postgres::PgConnection& connection) {
          if (fail_commits_.load() > 0 && fail_commits_.fetch_sub(1) > 0) {
            connection.Defer("SELECT 1/0", {});
          }
          if (break_before_commit_.exchange(false)) connection.BreakForTest();
        };
        options.after_commit_sent_for_test = [this](postgres::PgConnection& connection) {
          if (break_after_commit_.exchange(false)) connection.BreakForTest();
        };
        auto opened = postgres::PgStore::Open(std::move(options), &clock_);
        EXPECT_TRUE(opened.has_value()) << opened.error().message;
        return opened ? std::move(*opened) : nullptr;
      }
    }
    return nullptr;
  }

  // Runs `body` as one write command and waits for its durable answer.
  // `shard`: the paying account, as the MNA handlers give it.
  template <typename T>
  Result<T> Write(Store& store, std::function<Result<T>(Transaction&)> body,
                  std::string shard = {}) {
    std::promise<Result<T>> done;
    RunInTransaction<T>(
        store, std::move(body), [&](Result<T> result) { done.set_value(std::move(result)); },
        std::move(shard));
    return done.get_future().get();
  }
  Result<void> Write(std::function<Result<void>(Transaction&)> body) {
    return Write<void>(*store_, std::move(body));
  }
  template <typename T>
  T Read(std::function<Result<T>(Transaction&)> body) {
    std::optional<T> value;
    Result<void> read = store_->ReadSnapshot([&](Transaction& transaction) -> Result<void> {
      Result<T> result = body(transaction);
      if (!result) return tl::unexpected(result.error());
      value = std::move(*result);
      return {};
    });
    EXPECT_TRUE(read.has_value()) << read.error().message;
    return value ? std::move(*value) : T{};
  }

  Result<mna::LicensePurchased> Buy(Store& store, std::string uin, std::string device_id,
                                    bool roll_back = false, bool auto_voucher = false) {
    Principal principal;
    principal.account_uin = std::move(uin);
    mna::LicensePurchase purchase{.principal = principal,
                                  .target_id = std::move(device_id),
                                  .roll_back = roll_back,
                                  .voucher = {.auto_voucher = auto_voucher},
                                  .now_unix_millis = kNowMillis};
    return Write<mna::LicensePurchased>(
        store,
        [&, purchase](Transaction& transaction) {
          return mna::OrderPerLicense(transaction, purchase, random_);
        },
        principal.account_uin);
  }

  int64_t Balance(const std::string& uin) {
    return Read<int64_t>([&](Transaction& t) -> Result<int64_t> {
      auto account = t.FindAccount(uin);
      if (!account) return tl::unexpected(account.error());
      return (*account)->balance_fen;
    });
  }

  // Every account's balance equals its journal's sum, and every voucher's too.
  void ExpectBalancesMatchTheJournal() {
    std::vector<AccountRecord> accounts =
        Read<std::vector<AccountRecord>>([](Transaction& t) { return t.ListAccounts(); });
    ASSERT_FALSE(accounts.empty());
    for (const AccountRecord& account : accounts) {
      std::vector<JournalEntry> journal = Read<std::vector<JournalEntry>>(
          [&](Transaction& t) { return t.ListJournal({.account_uin = account.uin}); });
      std::map<std::string, int64_t> sums;
      for (const JournalEntry& entry : journal)
        sums[entry.voucher_id.value_or("")] += entry.delta_fen;
      EXPECT_EQ(sums[""], account.balance_fen) << "account " << account.uin;
      for (const VoucherRecord& voucher : Read<std::vector<VoucherRecord>>(
               [&](Transaction& t) { return t.ListVouchers(account.uin); })) {
        EXPECT_EQ(sums[voucher.voucher_id], voucher.balance_fen)
            << "voucher " << voucher.voucher_id;
      }
    }
  }

  // What a failed command must leave as it was: every balance, voucher,
  // license, order, device and journal entry.
  std::string Summary() {
    std::string summary;
    for (const auto& [name, count] : Read<std::vector<std::pair<std::string, int64_t>>>(
             [](Transaction& t) { return t.CountEntities(); })) {
      summary += name + "=" + std::to_string(count) + " ";
    }
    for (const AccountRecord& account :
         Read<std::vector<AccountRecord>>([](Transaction& t) { return t.ListAccounts(); })) {
      summary += account.uin + ":" + std::to_string(account.balance_fen) + " ";
      std::vector<VoucherRecord> vouchers = *store_->ListVouchers(account.uin);
      for (const VoucherRecord& voucher : vouchers) {
        summary += voucher.voucher_id + ":" + std::to_string(voucher.balance_fen) + ":" +
                   voucher.status + " ";
      }
    }
    return summary;
  }

  // Every commit fails while this is positive (the whole batch is then
  // answered an error; SQLite first retries its commit, up to 3 times).
  void FailCommits(int count) {
    sqlite_faults_.fail_commits = count;
    fail_commits_ = count;
  }
  sqlite::FaultInjection sqlite_faults_;
  std::atomic<int> fail_commits_{0};
  // PostgreSQL: the writer's connection breaks just before its COMMIT is
  // sent, or just after.
  std::atomic<bool> break_before_commit_{false};
  std::atomic<bool> break_after_commit_{false};

  FakeClock clock_{kNowMillis};
  SequenceRandom sequence_{5};
  SystemRandom random_;
  TestDirectory directory_{"mnad-contract-test"};
  TestDirectory memory_{"mnad-contract-memory", "/dev/shm"};
  std::unique_ptr<PgDatabase> database_;
  std::unique_ptr<Store> store_;
  std::mutex other_mutex_;
  std::unique_ptr<Store> other_;
};

TEST_P(StoreContract, TheSeedIsReadBackExactly) {
  std::optional<CredentialRecord> root = *store_->FindCredential("AKIDroot");
  ASSERT_TRUE(root.has_value());
  EXPECT_EQ(root->secret_key, "root-secret");
  EXPECT_EQ(root->principal.account_uin, "100");
  EXPECT_TRUE(root->principal.sub_user_uin.empty());
  std::optional<CredentialRecord> sub = *store_->FindCredential("AKIDsub");
  ASSERT_TRUE(sub.has_value());
  EXPECT_EQ(sub->principal.sub_user_uin, "101");
  EXPECT_EQ(sub->principal.allowed_actions, std::vector<std::string>{"mna:*"});
  EXPECT_TRUE(sub->principal.payment_allowed);
  EXPECT_FALSE(store_->FindCredential("AKIDnobody")->has_value());

  EXPECT_EQ(*store_->Regions(), (std::vector<std::string>{"ap-beijing", "ap-guangzhou"}));
  std::optional<AccountRecord> vendor = *store_->FindAccount("300");
  ASSERT_TRUE(vendor.has_value());
  EXPECT_EQ(vendor->vendor_name, "rc");
  EXPECT_EQ(vendor->balance_fen, 500000);
  EXPECT_EQ(vendor->created_unix_millis, kNowMillis);

  std::vector<VoucherRecord> vouchers = *store_->ListVouchers("100");
  ASSERT_EQ(vouchers.size(), 1u);
  EXPECT_EQ(vouchers[0].voucher_id, "v-1");
  EXPECT_EQ(vouchers[0].balance_fen, 5000);
  EXPECT_EQ(vouchers[0].status, "unUsed");

  std::optional<DeviceRecord> device = *store_->FindDevice("100", "mna-a");
  ASSERT_TRUE(device.has_value());
  EXPECT_EQ(device->name, "a");
  EXPECT_EQ(device->license_pay_mode, 1);
  EXPECT_FALSE(store_->FindDevice("200", "mna-a")->has_value());  // another account's

  std::vector<JournalEntry> journal = *store_->Journal();
  ASSERT_EQ(journal.size(), 4u);  // three opening balances, one voucher
  EXPECT_EQ(journal[0].action, JournalAction::kOpeningBalance);
  EXPECT_EQ(journal[0].reason, "seed: opening balance");
  EXPECT_EQ(journal[1].action, JournalAction::kVoucherIssued);
  EXPECT_EQ(journal[1].voucher_id, "v-1");
  auto counts = Read<std::vector<std::pair<std::string, int64_t>>>(
      [](Transaction& t) { return t.CountEntities(); });
  std::map<std::string, int64_t> by_name(counts.begin(), counts.end());
  EXPECT_EQ(by_name["accounts"], 3);
  EXPECT_EQ(by_name["sub_users"], 1);
  EXPECT_EQ(by_name["api_keys"], 2);
  EXPECT_EQ(by_name["devices"], 5);
  EXPECT_EQ(by_name["hardware"], 1);

  // Applying it again creates nothing.
  Result<SeedData> seed = admin::ParseSeed(kSeed, sequence_);
  Result<SeedReport> again = admin::ApplySeed(*store_, *seed, kNowMillis);
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->accounts.created, 0);
  EXPECT_EQ(again->accounts.skipped, 3);
  EXPECT_EQ(again->devices.skipped, 5);
}

TEST_P(StoreContract, EveryWriteIsReadBackAsWritten) {
  ASSERT_TRUE(Write([](Transaction& t) -> Result<void> {
                DeviceRecord device{.device_id = "mna-new",
                                    .account_uin = "100",
                                    .name = "new",
                                    .license_pay_mode = 1,
                                    .remark = "r",
                                    .created_unix_millis = kNowMillis + 1,
                                    .data_key = "a2V5",
                                    .access_scope = 2,
                                    .group_id = "g"};
                MNAD_TRY(t.InsertDevice(device));
                device.name = "renamed";
                device.flow_trunc = 1;
                MNAD_TRY(t.UpdateDevice(device));
                HardwareRecord hardware = **t.FindHardwareById("cpe-1");
                hardware.activated_device_id = "mna-new";
                hardware.activated_by_uin = "100";
                hardware.activated_unix_millis = kNowMillis + 2;
                hardware.tenant_description = "t";
                MNAD_TRY(t.UpdateHardware(hardware));
                MNAD_TRY(t.InsertLicense({.resource_id = "r-0",
                                          .account_uin = "300",
                                          .hardware_id = "cpe-1",
                                          .order_id = "o-1",
                                          .created_unix_millis = kNowMillis}));
                MNAD_TRY(t.MoveLicenseToDevice("cpe-1", "mna-new"));
                MNAD_TRY(t.InsertFlowPackage({.resource_id = "pkg-1",
                                              .account_uin = "100",
                                              .package_type = "DEVICE_1_FLOW_20G",
                                              .order_id = "o-2",
                                              .active_unix = 10,
                                              .expire_unix = 20,
                                              .created_unix_millis = kNowMillis,
                                              .device_ids = {"mna-b", "mna-a"}}));
                MNAD_TRY(t.SetFlowPackageRenewFlag("pkg-1", true));
                MNAD_TRY(t.SetPrices({.license_fen = 7}));
                MNAD_TRY(t.SetApiKeyEnabled("AKIDsub", false));
                return t.SetRegions({"ap-shanghai", "ap-shanghai"});
              }).has_value());
  DeviceRecord device = *Read<std::optional<DeviceRecord>>(
      [](Transaction& t) { return t.FindDeviceById("mna-new"); });
  EXPECT_EQ(device.name, "renamed");
  EXPECT_EQ(device.remark, "r");
  EXPECT_EQ(device.flow_trunc, 1);
  EXPECT_EQ(device.access_scope, 2);
  EXPECT_EQ(device.data_key, "a2V5");
  EXPECT_EQ(device.group_id, "g");
  EXPECT_EQ(device.created_unix_millis, kNowMillis + 1);
  HardwareRecord hardware = *Read<std::optional<HardwareRecord>>(
      [](Transaction& t) { return t.FindHardware("300", "cpe-1"); });
  EXPECT_EQ(hardware.activated_device_id, "mna-new");
  EXPECT_EQ(hardware.activated_by_uin, "100");
  EXPECT_EQ(hardware.activated_unix_millis, kNowMillis + 2);
  EXPECT_EQ(hardware.tenant_description, "t");
  LicenseRecord license = *Read<std::optional<LicenseRecord>>(
      [](Transaction& t) { return t.FindLicenseByHardware("cpe-1"); });
  EXPECT_EQ(license.device_id, "mna-new");
  std::vector<FlowPackageRecord> packages = Read<std::vector<FlowPackageRecord>>(
      [](Transaction& t) { return t.ListFlowPackages("100"); });
  ASSERT_EQ(packages.size(), 1u);
  EXPECT_TRUE(packages[0].auto_renew);
  EXPECT_EQ(packages[0].device_ids, (std::vector<std::string>{"mna-b", "mna-a"}));
  EXPECT_TRUE(
      Read<bool>([](Transaction& t) { return t.DeviceHasFlowPackageInEffect("mna-a", 15); }));
  EXPECT_FALSE(
      Read<bool>([](Transaction& t) { return t.DeviceHasFlowPackageInEffect("mna-a", 20); }));
  Page<FlowPackageRecord> in_effect = Read<Page<FlowPackageRecord>>([](Transaction& t) {
    return t.ListFlowPackagesPage("100", {.device_id = "mna-b", .status = 1, .now_unix = 12},
                                  {.offset = 0, .limit = 10});
  });
  EXPECT_EQ(in_effect.total, 1);
  EXPECT_EQ(Read<Prices>([](Transaction& t) { return t.GetPrices(); }).license_fen, 7);
  EXPECT_FALSE(store_->FindCredential("AKIDsub")->has_value());  // disabled
  EXPECT_EQ(*store_->Regions(), std::vector<std::string>{"ap-shanghai"});

  Page<DeviceRecord> page = Read<Page<DeviceRecord>>([](Transaction& t) {
    return t.ListDevicesPage("100", {.keyword = "mna-"}, {.offset = 1, .limit = 2});
  });
  EXPECT_EQ(page.total, 5);
  ASSERT_EQ(page.items.size(), 2u);
  EXPECT_EQ(page.items[0].device_id, "mna-b");  // oldest first, by id among equals
  EXPECT_EQ(page.items[1].device_id, "mna-c");
  Page<HardwareRecord> activated = Read<Page<HardwareRecord>>([](Transaction& t) {
    return t.ListHardwarePage("300", {.activated = true}, {.offset = 0, .limit = 10});
  });
  EXPECT_EQ(activated.total, 1);
}

TEST_P(StoreContract, ACommandThatAnswersAnErrorLeavesNothing) {
  int64_t before = Balance("100");
  size_t journal_before = store_->Journal()->size();
  Result<void> refused = Write([](Transaction& t) -> Result<void> {
    MNAD_TRY(t.SetAccountBalance("100", 1));
    MNAD_TRY(t.InsertDevice(
        {.device_id = "mna-ghost", .account_uin = "100", .name = "ghost", .data_key = "Z2hvc3Q="}));
    return Fail(ErrorCode::kOperationDeniedInsufficientBalance, "refused after writing");
  });
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code, ErrorCode::kOperationDeniedInsufficientBalance);
  EXPECT_EQ(Balance("100"), before);
  EXPECT_FALSE(store_->FindDevice("100", "mna-ghost")->has_value());
  EXPECT_EQ(store_->Journal()->size(), journal_before);
}

TEST_P(StoreContract, AFailedStatementFailsTheCommandAloneAndItsNeighboursCommit) {
  // Two commands in flight together: one breaks a constraint, one does not.
  std::promise<Result<void>> bad, good;
  RunInTransaction<void>(
      *store_,
      [](Transaction& t) -> Result<void> {
        // A second device named "a" in account 100 breaks UNIQUE(account, name).
        return t.InsertDevice(
            {.device_id = "mna-dup", .account_uin = "100", .name = "a", .data_key = "ZHVw"});
      },
      [&](Result<void> r) { bad.set_value(r); });
  RunInTransaction<void>(
      *store_, [](Transaction& t) { return t.SetAccountBalance("200", 11); },
      [&](Result<void> r) { good.set_value(r); });
  Result<void> bad_result = bad.get_future().get();
  ASSERT_FALSE(bad_result.has_value());
  EXPECT_EQ(bad_result.error().code, ErrorCode::kStorageFailed);
  EXPECT_TRUE(good.get_future().get().has_value());
  EXPECT_FALSE(store_->FindDevice("100", "mna-dup")->has_value());
  EXPECT_EQ(Balance("200"), 11);
}

TEST_P(StoreContract, ARollBackKeepsExactlyItsDeletion) {
  int64_t before = Balance("200");
  Result<mna::LicensePurchased> refused = Buy(*store_, "200", "mna-poor", /*roll_back=*/true);
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code, ErrorCode::kOperationDeniedInsufficientBalance);
  EXPECT_FALSE(store_->FindDevice("200", "mna-poor")->has_value());
  EXPECT_EQ(Balance("200"), before);
  EXPECT_TRUE(
      Read<std::vector<OrderRecord>>([](Transaction& t) { return t.ListOrders("200"); }).empty());
}

TEST_P(StoreContract, RemovingADeviceReleasesTheHardwareItCameFrom) {
  ASSERT_TRUE(Write([](Transaction& t) -> Result<void> {
                MNAD_TRY(t.InsertDevice({.device_id = "mna-x",
                                         .account_uin = "100",
                                         .name = "x",
                                         .hardware_id = "cpe-1",
                                         .data_key = "eA=="}));
                HardwareRecord hardware = **t.FindHardwareById("cpe-1");
                hardware.activated_device_id = "mna-x";
                hardware.activated_by_uin = "100";
                return t.UpdateHardware(hardware);
              }).has_value());
  ASSERT_TRUE(Write([](Transaction& t) { return mna::RemoveDevice(t, "mna-x"); }).has_value());
  HardwareRecord released = *Read<std::optional<HardwareRecord>>(
      [](Transaction& t) { return t.FindHardwareById("cpe-1"); });
  EXPECT_FALSE(released.activated_device_id.has_value());
  EXPECT_FALSE(released.activated_by_uin.has_value());
  EXPECT_FALSE(store_->FindDevice("100", "mna-x")->has_value());
}

TEST_P(StoreContract, ReadSnapshotsRefuseWrites) {
  Result<void> attempted = store_->ReadSnapshot(
      [](Transaction& t) -> Result<void> { return t.SetAccountBalance("100", 1); });
  ASSERT_FALSE(attempted.has_value());
  EXPECT_EQ(Balance("100"), 1000000);
}

TEST_P(StoreContract, LedgerChangesAreJournaledAndBounded) {
  Result<JournalEntry> refused = Write<JournalEntry>(*store_, [](Transaction& t) {
    return billing::ChangeBalance(t, **t.FindAccount("200"), JournalAction::kAdjustment, -11,
                                  "too much", kNowMillis);
  });
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code, ErrorCode::kOperationDeniedInsufficientBalance);
  Result<JournalEntry> over = Write<JournalEntry>(*store_, [](Transaction& t) {
    return billing::ChangeBalance(t, **t.FindAccount("100"), JournalAction::kTopUp,
                                  1'000'000'000'000, "past the limit", kNowMillis);
  });
  ASSERT_FALSE(over.has_value());
  EXPECT_EQ(over.error().code, ErrorCode::kLimitExceeded);
  Result<JournalEntry> topped = Write<JournalEntry>(*store_, [](Transaction& t) {
    return billing::ChangeBalance(t, **t.FindAccount("200"), JournalAction::kTopUp, 90, "wire",
                                  kNowMillis);
  });
  ASSERT_TRUE(topped.has_value());
  EXPECT_EQ(topped->balance_after_fen, 100);
  Result<JournalEntry> cancelled = Write<JournalEntry>(*store_, [](Transaction& t) {
    return billing::CancelVoucher(t, **t.FindVoucherById("v-1"), "mistake", kNowMillis);
  });
  ASSERT_TRUE(cancelled.has_value());
  std::vector<JournalEntry> journal = *store_->VoucherJournal("100", "v-1");
  ASSERT_EQ(journal.size(), 2u);
  EXPECT_EQ(journal[1].action, JournalAction::kVoucherCancelled);
  EXPECT_EQ(journal[1].delta_fen, 0);
  EXPECT_EQ((*store_->ListVouchers("100"))[0].status, "cancel");
  EXPECT_EQ(Balance("200"), 100);
  ExpectBalancesMatchTheJournal();
}

// Two purchases of one target at once (on PostgreSQL from two nodes): one
// license and one charge; the other is RepeatPurchase.
TEST_P(StoreContract, TwoConcurrentPurchasesOfOneTargetMakeOneLicenseAndOneCharge) {
  for (const char* device : {"mna-a", "mna-b", "mna-c"}) {
    int64_t before = Balance("100");
    auto first = std::async(std::launch::async, [&] { return Buy(*store_, "100", device); });
    auto second = std::async(std::launch::async, [&] { return Buy(Other(), "100", device); });
    Result<mna::LicensePurchased> a = first.get();
    Result<mna::LicensePurchased> b = second.get();
    ASSERT_NE(a.has_value(), b.has_value()) << device;
    const Result<mna::LicensePurchased>& refused = a ? b : a;
    EXPECT_EQ(refused.error().code, ErrorCode::kOperationDeniedRepeatPurchase)
        << device << ": " << refused.error().message;
    EXPECT_EQ(Balance("100"), before - kPrice) << device;
  }
  std::vector<LicenseRecord> licenses =
      Read<std::vector<LicenseRecord>>([](Transaction& t) { return t.ListLicenses("100"); });
  EXPECT_EQ(licenses.size(), 3u);
  ExpectBalancesMatchTheJournal();
}

// Purchases, refusals, RollBacks and top-ups from several threads (two
// nodes on PostgreSQL): money is neither made nor lost.
TEST_P(StoreContract, MoneyIsConservedUnderAMixedConcurrentLoad) {
  int64_t opening = Balance("100") + Balance("200") + Balance("300") + 5000;
  std::atomic<int64_t> topped_up{0};
  std::atomic<int> bought{0};
  std::vector<std::thread> threads;
  for (int worker = 0; worker < 4; ++worker) {
    threads.emplace_back([&, worker] {
      Store& store = worker % 2 == 0 ? *store_ : Other();
      for (int i = 0; i < 6; ++i) {
        std::string device = "mna-" + std::string(1, static_cast<char>('a' + (i + worker) % 4));
        if (Buy(store, "100", device)) ++bought;
        (void)Buy(store, "200", "mna-poor", /*roll_back=*/i == 5);
        Result<JournalEntry> topped = Write<JournalEntry>(store, [](Transaction& t) {
          return billing::ChangeBalance(t, **t.FindAccount("300"), JournalAction::kTopUp, 7, "load",
                                        kNowMillis);
        });
        if (topped) topped_up += 7;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(bought.load(), 4);  // four devices, one license each
  int64_t vouchers = (*store_->ListVouchers("100"))[0].balance_fen;
  EXPECT_EQ(Balance("100") + Balance("200") + Balance("300") + vouchers,
            opening - 4 * kPrice + topped_up.load());
  ExpectBalancesMatchTheJournal();
}

// A purchase (paid by a voucher and the balance) whose Nth storage call
// fails, for every N: it answers TransactionException and leaves nothing;
// past its last call it succeeds.
TEST_P(StoreContract, APurchaseFailingAtAnyStorageCallLeavesNothing) {
  FaultyStore faulty(*store_);
  std::string before = Summary();
  int64_t failures = 0;
  for (int64_t call = 1;; ++call) {
    ASSERT_LT(call, 200) << "the purchase never succeeded";
    faulty.set_fail_at(call);
    Result<mna::LicensePurchased> bought =
        Buy(faulty, "100", "mna-a", /*roll_back=*/false, /*auto_voucher=*/true);
    if (bought) {
      EXPECT_EQ(call, faulty.last_calls() + 1);  // the fault was past the last call
      break;
    }
    ++failures;
    EXPECT_EQ(bought.error().code, ErrorCode::kStorageFailed) << call;
    ASSERT_EQ(Summary(), before) << "after a fault at call " << call;
  }
  EXPECT_GE(failures, 8);
  EXPECT_NE(Summary(), before);
  EXPECT_EQ((*store_->ListVouchers("100"))[0].balance_fen, 0);  // the voucher paid its part
  ExpectBalancesMatchTheJournal();
}

// A RollBack purchase whose Nth storage call fails: the refusal and the
// deletion stay one unit (both, or neither).
TEST_P(StoreContract, ARollBackFailingAtAnyStorageCallKeepsTheDevice) {
  FaultyStore faulty(*store_);
  std::string before = Summary();
  for (int64_t call = 1;; ++call) {
    ASSERT_LT(call, 200) << "the RollBack never completed";
    faulty.set_fail_at(call);
    Result<mna::LicensePurchased> refused = Buy(faulty, "200", "mna-poor", /*roll_back=*/true);
    ASSERT_FALSE(refused.has_value());
    if (refused.error().code == ErrorCode::kOperationDeniedInsufficientBalance) {
      EXPECT_FALSE(store_->FindDevice("200", "mna-poor")->has_value());
      break;
    }
    EXPECT_EQ(refused.error().code, ErrorCode::kStorageFailed) << call;
    ASSERT_EQ(Summary(), before) << "after a fault at call " << call;
    EXPECT_TRUE(store_->FindDevice("200", "mna-poor")->has_value());
  }
}

// The test clock's state is stored, and another node reads it.
TEST_P(StoreContract, TheTestClockStateIsStoredForEveryNode) {
  EXPECT_EQ(*store_->TestClock(), std::nullopt);
  AdjustableClock::State frozen{.frozen_at_millis = 1'900'000'000'000, .offset_millis = 0};
  ASSERT_TRUE(Write([&](Transaction& t) { return t.SetTestClock(frozen); }));
  EXPECT_EQ(*Other().TestClock(), frozen);
  AdjustableClock::State running{.frozen_at_millis = std::nullopt, .offset_millis = -86'400'000};
  ASSERT_TRUE(Write([&](Transaction& t) { return t.SetTestClock(running); }));
  EXPECT_EQ(*Other().TestClock(), running);
  // A reset deletes the entities; the clock is a setting, and stays.
  ASSERT_TRUE(Write([](Transaction& t) { return t.DeleteEverything(); }));
  EXPECT_EQ(*store_->TestClock(), running);
}

// PostgreSQL with two writers: while one account's command runs on a
// writer, another account's goes to the other writer, whatever their names
// hash to (here they hash alike), and does not wait for it.
TEST_P(StoreContract, AnotherAccountsCommandRunsBesideABusyWriter) {
  if (GetParam() != Backend::kPostgresSharded) GTEST_SKIP() << "one writer";
  std::string other = "200";
  for (int i = 0; std::hash<std::string>{}(other) % 2 != std::hash<std::string>{}("100") % 2; ++i) {
    other = "200-" + std::to_string(i);
  }
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::promise<void> first_running;
  std::promise<Result<void>> first_done, second_done;
  RunInTransaction<void>(
      *store_,
      [&, released](Transaction& t) -> Result<void> {
        first_running.set_value();
        released.wait();
        return t.SetAccountBalance("100", 7);
      },
      [&](Result<void> r) { first_done.set_value(r); }, "100");
  first_running.get_future().wait();
  RunInTransaction<void>(
      *store_, [](Transaction& t) { return t.SetAccountBalance("200", 8); },
      [&](Result<void> r) { second_done.set_value(r); }, other);
  std::future<Result<void>> second = second_done.get_future();
  bool beside = second.wait_for(std::chrono::seconds(10)) == std::future_status::ready;
  release.set_value();
  EXPECT_TRUE(beside) << "the second command waited for the busy writer";
  EXPECT_TRUE(second.get().has_value());
  EXPECT_TRUE(first_done.get_future().get().has_value());
  EXPECT_EQ(Balance("100"), 7);
  EXPECT_EQ(Balance("200"), 8);
}

// A batch whose every COMMIT fails: its purchase answers
// TransactionException and leaves nothing; the next one goes through.
TEST_P(StoreContract, AFailedCommitLeavesNothing) {
  std::string before = Summary();
  FailCommits(100);
  Result<mna::LicensePurchased> failed =
      Buy(*store_, "100", "mna-a", /*roll_back=*/false, /*auto_voucher=*/true);
  ASSERT_FALSE(failed.has_value());
  EXPECT_EQ(failed.error().code, ErrorCode::kStorageFailed);
  EXPECT_EQ(Summary(), before);
  FailCommits(0);
  ASSERT_TRUE(Buy(*store_, "100", "mna-a", /*roll_back=*/false, /*auto_voucher=*/true));
  EXPECT_NE(Summary(), before);
  ExpectBalancesMatchTheJournal();
}

// PostgreSQL: the connection breaks during COMMIT, which did or did not
// reach the server. The writer reads the batch's marker back on a new
// connection and answers what happened: the purchase is there once, paid
// once, and its answer is a success either way.
TEST_P(StoreContract, ACommitWhoseOutcomeIsUnknownIsReadBackBeforeAnswering) {
  if (!postgres()) GTEST_SKIP() << "SQLite has no connection to lose";
  auto& pg = dynamic_cast<postgres::PgStore&>(*store_);
  int64_t opening = Balance("100");
  int64_t price = Read<Prices>([](Transaction& t) { return t.GetPrices(); }).license_fen;
  ASSERT_EQ(price, 100000);  // the seed's

  break_after_commit_ = true;  // the COMMIT reached the server: it committed
  ASSERT_TRUE(Buy(*store_, "100", "mna-a"));
  EXPECT_FALSE(break_after_commit_.load());
  EXPECT_EQ(pg.stats().commits_unknown, 1u);

  break_before_commit_ = true;  // it did not: the batch runs again
  ASSERT_TRUE(Buy(*store_, "100", "mna-b"));
  EXPECT_FALSE(break_before_commit_.load());
  EXPECT_EQ(pg.stats().commits_unknown, 2u);

  EXPECT_EQ(Read<std::vector<LicenseRecord>>([](Transaction& t) { return t.ListLicenses("100"); })
                .size(),
            2u);
  EXPECT_EQ(Read<std::vector<OrderRecord>>([](Transaction& t) { return t.ListOrders("100"); })
                .size(),
            2u);
  EXPECT_EQ(Balance("100"), opening - 2 * price);
  ExpectBalancesMatchTheJournal();
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreContract,
                         ::testing::Values(Backend::kSqliteDisk, Backend::kSqliteMemory,
                                           Backend::kPostgres, Backend::kPostgresSharded),
                         BackendName);

}  // namespace
}  // namespace mnad::store
