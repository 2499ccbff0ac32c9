#include "admin/views.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <future>

#include "admin/seed.h"
#include "admin/seed_apply.h"
#include "core/test_directory.h"
#include "store/sqlite/sqlite_store.h"

namespace mnad::admin {
namespace {

constexpr char kSeed[] = R"({"version":1,"regions":["ap-guangzhou","ap-tokyo"],
  "prices":{"license_fen":90000,"flow_packages_fen":{"DEVICE_1_FLOW_20G":2500}},
  "accounts":[
  {"uin":"100","app_id":1300,"name":"acme","identity_verified":true,"service_authorized":true,
   "balance_fen":500,"keys":[{"secret_id":"AKIDroot","secret_key":"root-secret"},
                             {"secret_id":"AKIDoff","secret_key":"off-secret","enabled":false}],
   "sub_users":[{"uin":"101","name":"ops","allowed_actions":["mna:*"],"payment_allowed":true,
                 "keys":[{"secret_id":"AKIDsub","secret_key":"sub-secret"}]}],
   "vouchers":[{"voucher_id":"v-1","cash":true,"nominal_fen":300,"balance_fen":120,
                "threshold_fen":10,"begin_time":"2026-01-01T00:00:00Z",
                "end_time":"2027-01-01T00:00:00Z","status":"unUsed"}],
   "devices":[{"device_id":"mna-a","name":"car","license_pay_mode":1,"remark":"r"}]},
  {"uin":"200","app_id":1301,"name":"vendor","suspended":true,"vendor":{"name":"rc"},
   "hardware":[{"hardware_id":"cpe-1","sn":"SN-1","license_charging_mode":3,"description":"d"}]}]})";

class StateTest : public ::testing::Test {
 protected:
  std::unique_ptr<store::sqlite::SqliteStore> Open(const std::string& name) {
    auto opened = store::sqlite::SqliteStore::Open({(directory_ / name).string()}, &clock_);
    EXPECT_TRUE(opened.has_value());
    return std::move(*opened);
  }
  void Apply(store::Store& store, std::string_view text) {
    Result<store::SeedData> seed = ParseSeed(text, random_);
    ASSERT_TRUE(seed.has_value()) << seed.error().message;
    ASSERT_TRUE(ApplySeed(store, *seed, clock_.NowUnixMillis()).has_value());
  }
  std::string Export(store::Store& store) {
    std::string text;
    Result<void> read = store.ReadSnapshot([&](store::Transaction& transaction) -> Result<void> {
      Result<store::SeedData> state = ReadState(transaction);
      if (!state) return tl::unexpected(state.error());
      text = PrettyJson(SeedJson(*state));
      return {};
    });
    EXPECT_TRUE(read.has_value());
    return text;
  }
  // Runs one write command and waits for it.
  void Write(store::Store& store, std::function<bool(store::Transaction&)> run) {
    std::promise<Result<void>> done;
    store.Submit(
        {.run = std::move(run), .done = [&done](Result<void> result) { done.set_value(result); }});
    ASSERT_TRUE(done.get_future().get().has_value());
  }

  FakeClock clock_{1'780'000'000'000};
  SequenceRandom random_{5};
  TestDirectory directory_{"mnad-views-test"};
};

TEST_F(StateTest, ExportReadsBackAsTheSameState) {
  auto first = Open("a.db");
  Apply(*first, kSeed);
  std::string exported = Export(*first);
  EXPECT_NE(exported.find("\"enabled\": false"), std::string::npos);
  EXPECT_NE(exported.find("\"secret_key\": \"sub-secret\""), std::string::npos);
  EXPECT_NE(exported.find("\"license_fen\": 90000"), std::string::npos);

  auto second = Open("b.db");
  Apply(*second, exported);
  EXPECT_EQ(Export(*second), exported);
}

TEST_F(StateTest, ExportCarriesCurrentBalancesAndFlags) {
  auto store = Open("a.db");
  Apply(*store, kSeed);
  Write(*store, [](store::Transaction& transaction) {
    return transaction.SetAccountBalance("100", 42).has_value() &&
           transaction.SetApiKeyEnabled("AKIDroot", false).has_value();
  });
  std::string exported = Export(*store);
  EXPECT_NE(exported.find("\"balance_fen\": 42"), std::string::npos) << exported;
  auto copy = Open("b.db");
  Apply(*copy, exported);
  Result<std::optional<store::CredentialRecord>> root = copy->FindCredential("AKIDroot");
  ASSERT_TRUE(root.has_value());
  EXPECT_FALSE(root->has_value());  // disabled keys stay disabled
  Result<std::optional<store::AccountRecord>> account = copy->FindAccount("100");
  ASSERT_TRUE(account.has_value() && account->has_value());
  EXPECT_EQ((*account)->balance_fen, 42);
}

TEST_F(StateTest, DeleteEverythingEmptiesEveryKindAndRestoresDefaultPrices) {
  auto store = Open("a.db");
  Apply(*store, kSeed);
  Write(*store,
        [](store::Transaction& transaction) { return transaction.DeleteEverything().has_value(); });
  Result<void> read = store->ReadSnapshot([](store::Transaction& transaction) -> Result<void> {
    auto counts = transaction.CountEntities();
    EXPECT_TRUE(counts.has_value());
    EXPECT_EQ(counts->size(), 10u);
    for (const auto& [name, count] : *counts) EXPECT_EQ(count, 0) << name;
    auto prices = transaction.GetPrices();
    EXPECT_EQ(prices->license_fen, store::Prices().license_fen);
    auto regions = transaction.ListRegions();
    EXPECT_TRUE(regions->empty());
    return {};
  });
  EXPECT_TRUE(read.has_value());
}

TEST_F(StateTest, SeedJsonOmitsCreationTimesAndDeviceKeys) {
  auto store = Open("a.db");
  Apply(*store, kSeed);
  std::string exported = Export(*store);
  EXPECT_EQ(exported.find("created_at"), std::string::npos);
  EXPECT_EQ(exported.find("data_key"), std::string::npos);
}

}  // namespace
}  // namespace mnad::admin
