#include "mna/license_purchase.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <future>
#include <map>

#include "admin/seed.h"
#include "admin/seed_apply.h"
#include "core/test_directory.h"
#include "store/sqlite/sqlite_store.h"

namespace mnad::mna {
namespace {

constexpr int64_t kNowMillis = 1'780'000'000'000;  // 2026-05-28
constexpr int64_t kPrice = 100000;

constexpr char kSeed[] = R"({"version":1,"prices":{"license_fen":100000},"accounts":[
  {"uin":"100","app_id":1,"name":"acme","identity_verified":true,"service_authorized":true,
   "balance_fen":250000,
   "sub_users":[{"uin":"101","name":"ops","allowed_actions":["mna:*"],"payment_allowed":false}],
   "vouchers":[{"voucher_id":"v-1","nominal_fen":5000,"begin_time":"2026-01-01T00:00:00Z",
                "end_time":"2027-01-01T00:00:00Z"}],
   "devices":[{"device_id":"mna-perm","name":"perm","license_pay_mode":1},
              {"device_id":"mna-perm2","name":"perm2","license_pay_mode":1},
              {"device_id":"mna-monthly","name":"monthly","license_pay_mode":0}]},
  {"uin":"200","app_id":2,"name":"poor","identity_verified":true,"service_authorized":true,
   "balance_fen":10,"devices":[{"device_id":"mna-poor","name":"p","license_pay_mode":1},
                               {"device_id":"mna-bound","name":"b","license_pay_mode":1}]},
  {"uin":"300","app_id":3,"name":"vendor","identity_verified":true,"service_authorized":true,
   "vendor":{"name":"rc"},"balance_fen":1000000,
   "hardware":[{"hardware_id":"cpe-perm","sn":"S1","license_charging_mode":3},
               {"hardware_id":"cpe-tenant","sn":"S2","license_charging_mode":1}]},
  {"uin":"400","app_id":4,"name":"unverified","identity_verified":false,"service_authorized":true,
   "balance_fen":0,"devices":[{"device_id":"mna-unv","name":"u","license_pay_mode":1}]},
  {"uin":"500","app_id":5,"name":"unauthorized","identity_verified":true,"service_authorized":false,
   "balance_fen":1000000,"devices":[{"device_id":"mna-noauth","name":"n","license_pay_mode":1}]}]})";

class LicensePurchaseTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<std::unique_ptr<store::sqlite::SqliteStore>> opened = store::sqlite::SqliteStore::Open(
        {.path = (directory_ / "mnad.db").string(), .faults = &faults_}, &clock_);
    ASSERT_TRUE(opened.has_value()) << opened.error().message;
    store_ = std::move(*opened);
    Result<store::SeedData> seed = admin::ParseSeed(kSeed, random_);
    ASSERT_TRUE(seed.has_value()) << seed.error().message;
    ASSERT_TRUE(admin::ApplySeed(*store_, *seed, clock_.NowUnixMillis()).has_value());
  }
  void TearDown() override { store_.reset(); }

  static Principal Root(std::string uin) {
    Principal principal;
    principal.account_uin = std::move(uin);
    return principal;
  }

  // Runs a purchase through the store's writer, as the handler does.
  Result<LicensePurchased> Buy(Principal principal, std::string target_id,
                               LicenseTarget target = LicenseTarget::kDevice,
                               bool roll_back = false, billing::VoucherChoice voucher = {}) {
    LicensePurchase purchase{
        std::move(principal), std::move(target_id), target, roll_back, voucher, kNowMillis};
    std::promise<Result<LicensePurchased>> done;
    store::RunInTransaction<LicensePurchased>(
        *store_,
        [&](store::Transaction& transaction) {
          return OrderPerLicense(transaction, purchase, random_);
        },
        [&](Result<LicensePurchased> result) { done.set_value(std::move(result)); });
    return done.get_future().get();
  }

  ErrorCode Refusal(Result<LicensePurchased> result) {
    EXPECT_FALSE(result.has_value());
    return result ? ErrorCode::kInternalError : result.error().code;
  }

  int64_t Balance(std::string uin) { return (*store_->FindAccount(uin))->balance_fen; }
  bool DeviceExists(std::string uin, std::string id) {
    return store_->FindDevice(uin, id)->has_value();
  }
  size_t JournalSize() { return store_->Journal()->size(); }

  FakeClock clock_{kNowMillis};
  SequenceRandom random_{11};
  store::sqlite::FaultInjection faults_;
  TestDirectory directory_{"mnad-purchase-test"};
  std::unique_ptr<store::sqlite::SqliteStore> store_;
};

TEST_F(LicensePurchaseTest, BuysALicenseForAPermanentDevice) {
  Result<LicensePurchased> bought = Buy(Root("100"), "mna-perm");
  ASSERT_TRUE(bought.has_value()) << bought.error().message;
  EXPECT_TRUE(bought->resource_id.ends_with("-0"));
  EXPECT_EQ(bought->resource_id.size(), 38u);
  EXPECT_EQ(bought->order.total_fen, kPrice);
  EXPECT_EQ(bought->order.balance_fen, kPrice);
  EXPECT_EQ(Balance("100"), 250000 - kPrice);
}

TEST_F(LicensePurchaseTest, SecondPurchaseIsRepeatPurchaseNamingTheLicense) {
  Result<LicensePurchased> first = Buy(Root("100"), "mna-perm");
  ASSERT_TRUE(first.has_value());
  Result<LicensePurchased> second = Buy(Root("100"), "mna-perm", LicenseTarget::kDevice, true);
  ASSERT_FALSE(second.has_value());
  EXPECT_EQ(second.error().code, ErrorCode::kOperationDeniedRepeatPurchase);
  EXPECT_NE(second.error().message.find(first->resource_id), std::string::npos);
  EXPECT_TRUE(DeviceExists("100", "mna-perm")) << "a licensed device is never rolled back";
  EXPECT_EQ(Balance("100"), 250000 - kPrice);
}

TEST_F(LicensePurchaseTest, ChecksFollowThePrecedenceOrder) {
  EXPECT_EQ(Refusal(Buy(Root("500"), "mna-nothing")),
            ErrorCode::kUnauthorizedOperationNoPermission);
  EXPECT_EQ(Refusal(Buy(Root("100"), "mna-poor")), ErrorCode::kOperationDeniedDeviceNotFound);
  EXPECT_EQ(Refusal(Buy(Root("100"), "cpe-perm")), ErrorCode::kOperationDeniedDeviceNotFound);
  EXPECT_EQ(Refusal(Buy(Root("100"), "mna-monthly")), ErrorCode::kOperationDenied);
  // Unverified and penniless: verification (8) comes before the balance (10).
  EXPECT_EQ(Refusal(Buy(Root("400"), "mna-unv")), ErrorCode::kOperationDeniedUnauthorizedUser);
  Principal sub_user = Root("100");
  sub_user.sub_user_uin = "101";
  sub_user.payment_allowed = false;
  EXPECT_EQ(Refusal(Buy(sub_user, "mna-perm")), ErrorCode::kOperationDeniedNotAllowedToPay);
  EXPECT_EQ(Refusal(Buy(Root("200"), "mna-poor")), ErrorCode::kOperationDeniedInsufficientBalance);
}

TEST_F(LicensePurchaseTest, SuspendedAccountIsUnauthorizedOperation) {
  // Suspension is re-read inside the transaction.
  Result<store::SeedData> seed = admin::ParseSeed(
      R"({"version":1,"accounts":[{"uin":"600","app_id":6,"name":"f","suspended":true,"identity_verified":true,
         "service_authorized":true,"balance_fen":1000000,"devices":[{"device_id":"mna-f","name":"f","license_pay_mode":1}]}]})",
      random_);
  ASSERT_TRUE(admin::ApplySeed(*store_, *seed, clock_.NowUnixMillis()).has_value());
  EXPECT_EQ(Refusal(Buy(Root("600"), "mna-f")), ErrorCode::kUnauthorizedOperation);
}

TEST_F(LicensePurchaseTest, RefusalsChangeNothing) {
  size_t journal_before = JournalSize();
  Refusal(Buy(Root("200"), "mna-poor"));
  Refusal(Buy(Root("100"), "mna-monthly", LicenseTarget::kDevice, true));
  EXPECT_EQ(Balance("200"), 10);
  EXPECT_EQ(JournalSize(), journal_before);
  EXPECT_TRUE(DeviceExists("200", "mna-poor"));
  EXPECT_TRUE(DeviceExists("100", "mna-monthly")) << "RollBack applies to refusals 8-10 only";
}

TEST_F(LicensePurchaseTest, RollBackDeletesTheDeviceOnAPaymentRefusal) {
  size_t journal_before = JournalSize();
  Result<LicensePurchased> refused = Buy(Root("200"), "mna-poor", LicenseTarget::kDevice, true);
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code, ErrorCode::kOperationDeniedInsufficientBalance);
  EXPECT_NE(refused.error().message.find("Rolled back"), std::string::npos);
  EXPECT_FALSE(DeviceExists("200", "mna-poor"));
  EXPECT_EQ(Balance("200"), 10);
  EXPECT_EQ(JournalSize(), journal_before);
  EXPECT_EQ(Refusal(Buy(Root("200"), "mna-poor")), ErrorCode::kOperationDeniedDeviceNotFound);
}

// A 20 GB package of account 200 bound to mna-bound, in effect over
// [active, expire).
store::FlowPackageRecord Package(std::string resource_id, int64_t active_unix,
                                 int64_t expire_unix) {
  return {.resource_id = std::move(resource_id),
          .account_uin = "200",
          .package_type = "DEVICE_1_FLOW_20G",
          .order_id = "order-test",
          .active_unix = active_unix,
          .expire_unix = expire_unix,
          .created_unix_millis = kNowMillis,
          .device_ids = {"mna-bound"}};
}

TEST_F(LicensePurchaseTest, RollBackKeepsADeviceBoundToAFlowPackageInEffect) {
  std::promise<Result<void>> bound;
  store::RunInTransaction<void>(
      *store_,
      [](store::Transaction& transaction) {
        return transaction.InsertFlowPackage(
            Package("pkg-0", kNowMillis / 1000 - 60, kNowMillis / 1000 + 86400));
      },
      [&](Result<void> result) { bound.set_value(result); });
  ASSERT_TRUE(bound.get_future().get().has_value());
  Result<LicensePurchased> refused = Buy(Root("200"), "mna-bound", LicenseTarget::kDevice, true);
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code, ErrorCode::kOperationDeniedInsufficientBalance);
  EXPECT_NE(refused.error().message.find("Rollback was not allowed"), std::string::npos);
  EXPECT_TRUE(DeviceExists("200", "mna-bound"));
}

TEST_F(LicensePurchaseTest, RollBackDeletesADeviceWhosePackageHasExpired) {
  std::promise<Result<void>> bound;
  store::RunInTransaction<void>(
      *store_,
      [](store::Transaction& transaction) {
        return transaction.InsertFlowPackage(
            Package("pkg-old", kNowMillis / 1000 - 86400 * 40, kNowMillis / 1000 - 86400 * 9));
      },
      [&](Result<void> result) { bound.set_value(result); });
  ASSERT_TRUE(bound.get_future().get().has_value());
  Result<LicensePurchased> refused = Buy(Root("200"), "mna-bound", LicenseTarget::kDevice, true);
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code, ErrorCode::kOperationDeniedInsufficientBalance);
  EXPECT_FALSE(DeviceExists("200", "mna-bound"));
}

TEST_F(LicensePurchaseTest, VendorBuysForItsVendorPermanentHardware) {
  Result<LicensePurchased> bought = Buy(Root("300"), "cpe-perm", LicenseTarget::kHardware);
  ASSERT_TRUE(bought.has_value()) << bought.error().message;
  EXPECT_EQ(Refusal(Buy(Root("300"), "cpe-perm", LicenseTarget::kHardware)),
            ErrorCode::kOperationDeniedRepeatPurchase);
  EXPECT_EQ(Refusal(Buy(Root("300"), "cpe-tenant", LicenseTarget::kHardware)),
            ErrorCode::kOperationDenied);
  EXPECT_EQ(Refusal(Buy(Root("300"), "cpe-none", LicenseTarget::kHardware)),
            ErrorCode::kOperationDeniedDeviceNotFound);
  EXPECT_EQ(Refusal(Buy(Root("100"), "cpe-perm", LicenseTarget::kHardware)),
            ErrorCode::kOperationDenied);
  EXPECT_EQ(Balance("300"), 1000000 - kPrice);
}

TEST_F(LicensePurchaseTest, VoucherPaysFirstAndTheBalanceTheRest) {
  Result<LicensePurchased> bought =
      Buy(Root("100"), "mna-perm", LicenseTarget::kDevice, false, {.auto_voucher = true});
  ASSERT_TRUE(bought.has_value());
  EXPECT_EQ(bought->order.voucher_id, "v-1");
  EXPECT_EQ(bought->order.voucher_fen, 5000);
  EXPECT_EQ(bought->order.balance_fen, kPrice - 5000);
  EXPECT_EQ(Balance("100"), 250000 - (kPrice - 5000));
  std::vector<store::VoucherRecord> vouchers = *store_->ListVouchers("100");
  EXPECT_EQ(vouchers[0].balance_fen, 0);
  EXPECT_EQ(vouchers[0].status, "used");
  // The spent voucher is no longer eligible: the next order is paid in full.
  Result<LicensePurchased> next = Buy(Root("100"), "mna-perm2", LicenseTarget::kDevice, false,
                                      {.voucher_id = std::string("v-1")});
  ASSERT_TRUE(next.has_value());
  EXPECT_FALSE(next->order.voucher_id.has_value());
  EXPECT_EQ(next->order.balance_fen, kPrice);
}

TEST_F(LicensePurchaseTest, JournalExplainsEveryBalance) {
  ASSERT_TRUE(Buy(Root("100"), "mna-perm", LicenseTarget::kDevice, false, {.auto_voucher = true})
                  .has_value());
  ASSERT_TRUE(Buy(Root("300"), "cpe-perm", LicenseTarget::kHardware).has_value());
  std::map<std::string, int64_t> balances;
  std::map<std::string, int64_t> voucher_balances;
  Result<std::vector<store::JournalEntry>> journal = store_->Journal();
  ASSERT_TRUE(journal.has_value());
  for (const store::JournalEntry& entry : *journal) {
    int64_t& running =
        entry.voucher_id ? voucher_balances[*entry.voucher_id] : balances[entry.account_uin];
    running += entry.delta_fen;
    EXPECT_EQ(running, entry.balance_after_fen) << entry.reason;
  }
  for (const std::string uin : {"100", "200", "300", "400", "500"})
    EXPECT_EQ(balances[uin], Balance(uin)) << uin;
  EXPECT_EQ(voucher_balances["v-1"], (*store_->ListVouchers("100"))[0].balance_fen);
}

TEST_F(LicensePurchaseTest, FailingCommitIsTransactionExceptionAndChangesNothing) {
  size_t journal_before = JournalSize();
  faults_.fail_commits = 3;  // every attempt of the batch
  Result<LicensePurchased> result =
      Buy(Root("100"), "mna-perm", LicenseTarget::kDevice, false, {.auto_voucher = true});
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().code, ErrorCode::kStorageFailed);
  EXPECT_EQ(Balance("100"), 250000);
  EXPECT_EQ((*store_->ListVouchers("100"))[0].balance_fen, 5000);
  EXPECT_EQ(JournalSize(), journal_before);
  // Nothing half-applied: the purchase succeeds afterwards, exactly once.
  ASSERT_TRUE(Buy(Root("100"), "mna-perm").has_value());
  EXPECT_EQ(Balance("100"), 250000 - kPrice);
}

TEST_F(LicensePurchaseTest, CommitRetriedWithinItsBound) {
  faults_.fail_commits = 2;  // the third attempt commits
  ASSERT_TRUE(Buy(Root("100"), "mna-perm").has_value());
  EXPECT_EQ(Balance("100"), 250000 - kPrice);
  EXPECT_EQ(store_->stats().failed_commits, 2u);
}

TEST_F(LicensePurchaseTest, FailingWriteIsTransactionExceptionAndChangesNothing) {
  for (int64_t failing_write = 1; failing_write <= 4; ++failing_write) {
    size_t journal_before = JournalSize();
    faults_.fail_write_countdown = failing_write;
    Result<LicensePurchased> result =
        Buy(Root("100"), "mna-perm", LicenseTarget::kDevice, false, {.auto_voucher = true});
    ASSERT_FALSE(result.has_value()) << failing_write;
    EXPECT_EQ(result.error().code, ErrorCode::kStorageFailed);
    EXPECT_EQ(Balance("100"), 250000) << failing_write;
    EXPECT_EQ((*store_->ListVouchers("100"))[0].balance_fen, 5000) << failing_write;
    EXPECT_EQ(JournalSize(), journal_before) << failing_write;
  }
}

TEST_F(LicensePurchaseTest, ConcurrentPurchasesShareCommitsAndSellEachTargetOnce) {
  constexpr int kBuyers = 64;
  std::vector<std::promise<Result<LicensePurchased>>> done(kBuyers);
  for (int i = 0; i < kBuyers; ++i) {
    LicensePurchase purchase{Root("100"), i % 2 ? "mna-perm" : "mna-perm2", LicenseTarget::kDevice,
                             false,       {.auto_voucher = true},           kNowMillis};
    store::RunInTransaction<LicensePurchased>(
        *store_,
        [purchase, this](store::Transaction& transaction) {
          return OrderPerLicense(transaction, purchase, random_);
        },
        [&done, i](Result<LicensePurchased> result) { done[i].set_value(std::move(result)); });
  }
  int sold = 0, repeated = 0;
  for (auto& promise : done) {
    Result<LicensePurchased> result = promise.get_future().get();
    if (result) {
      ++sold;
    } else {
      EXPECT_EQ(result.error().code, ErrorCode::kOperationDeniedRepeatPurchase);
      ++repeated;
    }
  }
  EXPECT_EQ(sold, 2);
  EXPECT_EQ(repeated, kBuyers - 2);
  EXPECT_EQ(Balance("100"), 250000 - 2 * kPrice + 5000);
  EXPECT_LT(store_->stats().batches, static_cast<uint64_t>(kBuyers))
      << "purchases should share commits";
}

}  // namespace
}  // namespace mnad::mna
