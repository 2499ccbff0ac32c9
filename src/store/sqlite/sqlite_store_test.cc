#include "store/sqlite/sqlite_store.h"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <future>
#include <limits>
#include <thread>

#include "admin/seed.h"
#include "admin/seed_apply.h"
#include "core/test_directory.h"
#include "mna/action_support.h"

namespace mnad::store::sqlite {
namespace {

constexpr char kSeed[] = R"({"version":1,"regions":["ap-guangzhou"],"accounts":[
  {"uin":"100","app_id":1300,"name":"acme","identity_verified":true,"service_authorized":true,
   "balance_fen":500,"keys":[{"secret_id":"AKIDroot","secret_key":"root-secret"}],
   "sub_users":[{"uin":"101","name":"ops","allowed_actions":["mna:*"],"payment_allowed":true,
                 "keys":[{"secret_id":"AKIDsub","secret_key":"sub-secret"}]}],
   "devices":[{"device_id":"mna-a","name":"car","license_pay_mode":1},{"name":"named-only"}]},
  {"uin":"200","app_id":1301,"name":"frozen","suspended":true,"keys":[{"secret_id":"AKIDfrozen","secret_key":"x"}]}]})";

class SqliteStoreTest : public ::testing::Test {
 protected:
  void SetUp() override { Reopen(); }
  void TearDown() override { store_.reset(); }
  void Reopen() {
    store_.reset();
    Result<std::unique_ptr<SqliteStore>> opened =
        SqliteStore::Open({(directory_ / "mnad.db").string()}, &clock_);
    ASSERT_TRUE(opened.has_value()) << opened.error().message;
    store_ = std::move(*opened);
  }
  Result<SeedReport> Seed(const SeedData& seed) {
    return admin::ApplySeed(*store_, seed, clock_.NowUnixMillis());
  }
  SeedData Parse(std::string_view text) {
    Result<SeedData> seed = admin::ParseSeed(text, random_);
    EXPECT_TRUE(seed.has_value()) << seed.error().message;
    return *seed;
  }

  FakeClock clock_{1'780'000'000'000};
  SequenceRandom random_{3};
  TestDirectory directory_{"mnad-store-test"};
  std::unique_ptr<SqliteStore> store_;
};

TEST_F(SqliteStoreTest, SeedIsIdempotentAcrossRestarts) {
  Result<SeedReport> first = Seed(Parse(kSeed));
  ASSERT_TRUE(first.has_value()) << first.error().message;
  EXPECT_EQ(first->accounts.created, 2);
  EXPECT_EQ(first->keys.created, 3);
  EXPECT_EQ(first->devices.created, 2);
  Reopen();
  Result<SeedReport> second = Seed(Parse(kSeed));  // fresh random ids for named-only
  ASSERT_TRUE(second.has_value()) << second.error().message;
  EXPECT_EQ(second->accounts.created, 0);
  EXPECT_EQ(second->accounts.skipped, 2);
  EXPECT_EQ(second->keys.skipped, 3);
  EXPECT_EQ(second->sub_users.skipped, 1);
  EXPECT_EQ(second->devices.created, 0);
  EXPECT_EQ(second->devices.skipped, 2);
}

TEST_F(SqliteStoreTest, CredentialsResolveToRootAndSubUserPrincipals) {
  ASSERT_TRUE(Seed(Parse(kSeed)).has_value());
  Result<std::optional<CredentialRecord>> root = store_->FindCredential("AKIDroot");
  ASSERT_TRUE(root.has_value() && root->has_value());
  EXPECT_EQ((*root)->secret_key, "root-secret");
  EXPECT_TRUE((*root)->principal.IsRoot());
  EXPECT_EQ((*root)->principal.account_uin, "100");
  EXPECT_EQ((*root)->principal.app_id, 1300);

  Result<std::optional<CredentialRecord>> sub = store_->FindCredential("AKIDsub");
  ASSERT_TRUE(sub.has_value() && sub->has_value());
  EXPECT_EQ((*sub)->principal.sub_user_uin, "101");
  EXPECT_EQ((*sub)->principal.allowed_actions, std::vector<std::string>{"mna:*"});
  EXPECT_TRUE((*sub)->principal.payment_allowed);

  Result<std::optional<CredentialRecord>> frozen = store_->FindCredential("AKIDfrozen");
  ASSERT_TRUE(frozen.has_value() && frozen->has_value());
  EXPECT_TRUE((*frozen)->principal.account_suspended);

  Result<std::optional<CredentialRecord>> missing = store_->FindCredential("AKIDnobody");
  ASSERT_TRUE(missing.has_value());
  EXPECT_FALSE(missing->has_value());
}

TEST_F(SqliteStoreTest, DevicesAreVisibleOnlyToTheirAccount) {
  ASSERT_TRUE(Seed(Parse(kSeed)).has_value());
  Result<std::optional<DeviceRecord>> own = store_->FindDevice("100", "mna-a");
  ASSERT_TRUE(own.has_value() && own->has_value());
  EXPECT_EQ((*own)->name, "car");
  EXPECT_EQ((*own)->license_pay_mode, 1);
  Result<std::optional<DeviceRecord>> other = store_->FindDevice("200", "mna-a");
  ASSERT_TRUE(other.has_value());
  EXPECT_FALSE(other->has_value());
}

TEST_F(SqliteStoreTest, ADevicePageReadsItsWindowOfTheMatchingDevicesInOrder) {
  std::string devices;
  for (int i = 0; i < 25; ++i) {
    devices += fmt::format(R"({}{{"device_id":"mna-p{:02}","name":"{}-{}"}})", i == 0 ? "" : ",", i,
                           i % 2 == 0 ? "even" : "odd", i);
  }
  std::string seed = fmt::format(R"({{"version":1,"accounts":[
    {{"uin":"300","app_id":1,"name":"pager","devices":[{}]}},
    {{"uin":"301","app_id":2,"name":"other","devices":[{{"device_id":"mna-zz","name":"even-99"}}]}}]}})",
                                 devices);
  ASSERT_TRUE(Seed(Parse(seed)).has_value());
  auto page = [&](const DeviceQuery& query, PageWindow window) {
    Page<DeviceRecord> out;
    Result<void> read = store_->ReadSnapshot([&](Transaction& transaction) -> Result<void> {
      Result<Page<DeviceRecord>> listed = transaction.ListDevicesPage("300", query, window);
      if (!listed) return tl::unexpected(listed.error());
      out = std::move(*listed);
      return {};
    });
    EXPECT_TRUE(read.has_value()) << read.error().message;
    std::vector<std::string> ids;
    for (const DeviceRecord& device : out.items) ids.push_back(device.device_id);
    return std::make_pair(out.total, ids);
  };
  EXPECT_EQ(page({}, {.offset = 20, .limit = 10}),
            std::make_pair(int64_t{25}, std::vector<std::string>{"mna-p20", "mna-p21", "mna-p22",
                                                                 "mna-p23", "mna-p24"}));
  EXPECT_EQ(page({.keyword = "even"}, {.offset = 1, .limit = 2}),
            std::make_pair(int64_t{13}, std::vector<std::string>{"mna-p02", "mna-p04"}));
  EXPECT_EQ(page({.keyword = "p1"}, {.offset = 0, .limit = 3}),
            std::make_pair(int64_t{10}, std::vector<std::string>{"mna-p10", "mna-p11", "mna-p12"}));
  EXPECT_EQ(page({.from_hardware = true}, {.offset = 0, .limit = 10}),
            std::make_pair(int64_t{0}, std::vector<std::string>{}));
  EXPECT_EQ(page({.from_hardware = false}, {.offset = 24, .limit = 10}).second,
            std::vector<std::string>{"mna-p24"});
  EXPECT_EQ(page({}, {.offset = std::numeric_limits<int64_t>::max(), .limit = 10}),
            std::make_pair(int64_t{25}, std::vector<std::string>{}));
}

TEST_F(SqliteStoreTest, AccountsRegionsAndBalancePersist) {
  ASSERT_TRUE(Seed(Parse(kSeed)).has_value());
  Reopen();
  Result<std::optional<AccountRecord>> account = store_->FindAccount("100");
  ASSERT_TRUE(account.has_value() && account->has_value());
  EXPECT_EQ((*account)->balance_fen, 500);
  EXPECT_TRUE((*account)->identity_verified);
  Result<std::vector<std::string>> regions = store_->Regions();
  ASSERT_TRUE(regions.has_value());
  EXPECT_EQ(*regions, std::vector<std::string>{"ap-guangzhou"});
}

TEST_F(SqliteStoreTest, RemovingADeviceReleasesTheHardwareItCameFrom) {
  ASSERT_TRUE(Seed(Parse(R"({"version":1,"accounts":[{"uin":"300","app_id":3,"name":"v",
      "vendor":{"name":"rc"},"hardware":[{"hardware_id":"cpe-1","sn":"S1","license_charging_mode":1}]},
      {"uin":"100","app_id":1,"name":"t"}]})"))
                  .has_value());
  auto run = [this](std::function<Result<void>(Transaction&)> body) {
    std::promise<Result<void>> done;
    RunInTransaction<void>(*store_, std::move(body),
                           [&](Result<void> result) { done.set_value(result); });
    return done.get_future().get();
  };
  ASSERT_TRUE(run([](Transaction& transaction) -> Result<void> {
                DeviceRecord device;
                device.device_id = "mna-x";
                device.account_uin = "100";
                device.name = "x";
                device.data_key = "a2V5";
                device.hardware_id = "cpe-1";
                if (auto inserted = transaction.InsertDevice(device); !inserted) return inserted;
                HardwareRecord hardware = **transaction.FindHardwareById("cpe-1");
                hardware.activated_device_id = "mna-x";
                hardware.activated_by_uin = "100";
                return transaction.UpdateHardware(hardware);
              }).has_value());
  ASSERT_TRUE(run([](Transaction& transaction) {
                return mna::RemoveDevice(transaction, "mna-x");
              }).has_value());
  std::optional<HardwareRecord> released;
  ASSERT_TRUE(store_
                  ->ReadSnapshot([&](Transaction& transaction) -> Result<void> {
                    released = **transaction.FindHardwareById("cpe-1");
                    return {};
                  })
                  .has_value());
  EXPECT_FALSE(released->activated_device_id.has_value());
  EXPECT_FALSE(released->activated_by_uin.has_value());
}

TEST_F(SqliteStoreTest, ReadSnapshotsRefuseWrites) {
  ASSERT_TRUE(Seed(Parse(kSeed)).has_value());
  Result<void> write = store_->ReadSnapshot(
      [](Transaction& transaction) { return transaction.SetAccountBalance("100", 1); });
  ASSERT_FALSE(write.has_value());
  EXPECT_EQ((*store_->FindAccount("100"))->balance_fen, 500);
}

TEST_F(SqliteStoreTest, AFailingSeedChangesNothing) {
  SeedData seed = Parse(kSeed);
  // The parser would refuse this status; the schema refuses it too, late in
  // the transaction, after the first account was written.
  VoucherRecord voucher;
  voucher.voucher_id = "v-bad";
  voucher.status = "bogus";
  seed.accounts[1].vouchers.push_back(voucher);
  Result<SeedReport> report = Seed(seed);
  ASSERT_FALSE(report.has_value());
  Result<std::optional<AccountRecord>> account = store_->FindAccount("100");
  ASSERT_TRUE(account.has_value());
  EXPECT_FALSE(account->has_value()) << "the first account must not survive a failed seed";
  Result<std::vector<std::string>> regions = store_->Regions();
  ASSERT_TRUE(regions.has_value());
  EXPECT_TRUE(regions->empty());
}

// Runs `bodies` as one batch: a first command holds the writer until all
// of them are queued behind it. Answers how often each body ran and whether
// each batch member was answered durable.
struct BatchRun {
  std::vector<int> runs;
  std::vector<bool> durable;
};
BatchRun RunOneBatch(SqliteStore& store, std::vector<std::function<bool(Transaction&)>> bodies) {
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::promise<void> holding;
  store.Submit(WriteCommand{.run =
                                [&](Transaction&) {
                                  holding.set_value();
                                  released.wait();
                                  return true;
                                },
                            .done = [](Result<void>) {}});
  holding.get_future().wait();
  BatchRun result{std::vector<int>(bodies.size(), 0), std::vector<bool>(bodies.size(), false)};
  std::vector<std::promise<void>> done(bodies.size());
  for (size_t i = 0; i < bodies.size(); ++i) {
    store.Submit(WriteCommand{.run =
                                  [&, i](Transaction& transaction) {
                                    ++result.runs[i];
                                    return bodies[i](transaction);
                                  },
                              .done =
                                  [&, i](Result<void> durable) {
                                    result.durable[i] = durable.has_value();
                                    done[i].set_value();
                                  }});
  }
  release.set_value();
  for (auto& promise : done) promise.get_future().wait();
  return result;
}

int64_t BalanceIn(Transaction& transaction, std::string_view uin) {
  return (*transaction.FindAccount(uin))->balance_fen;
}

TEST_F(SqliteStoreTest, ACommandThatWroteThenFailedIsUndoneAloneAndItsNeighboursKept) {
  ASSERT_TRUE(Seed(Parse(kSeed)).has_value());
  int64_t seen_by_third = -1;
  BatchRun batch = RunOneBatch(
      *store_,
      {[](Transaction& transaction) {
         return transaction.SetAccountBalance("100", 111).has_value();
       },
       [](Transaction& transaction) {
         EXPECT_TRUE(transaction.SetAccountBalance("200", 999).has_value());
         return false;  // answers an error: its write must vanish
       },
       [&](Transaction& transaction) {
         seen_by_third = BalanceIn(transaction, "200");
         return transaction.SetAccountBalance("100", BalanceIn(transaction, "100") + 1).has_value();
       }});
  // The first ran again after the rollback; the failed one ran once, its
  // answer final; the third ran only once, after it.
  EXPECT_EQ(batch.runs, (std::vector<int>{2, 1, 1}));
  EXPECT_EQ(batch.durable, (std::vector<bool>{true, true, true}));
  EXPECT_EQ(seen_by_third, 0);
  EXPECT_EQ((*store_->FindAccount("100"))->balance_fen, 112);
  EXPECT_EQ((*store_->FindAccount("200"))->balance_fen, 0);
}

TEST_F(SqliteStoreTest, ARefusalThatWroteNothingCostsNoRerun) {
  ASSERT_TRUE(Seed(Parse(kSeed)).has_value());
  BatchRun batch = RunOneBatch(
      *store_,
      {[](Transaction& transaction) { return transaction.SetAccountBalance("100", 7).has_value(); },
       [](Transaction& transaction) { return BalanceIn(transaction, "100") != 7; },
       [](Transaction& transaction) {
         return transaction.SetAccountBalance("200", 8).has_value();
       }});
  EXPECT_EQ(batch.runs, (std::vector<int>{1, 1, 1}));
  EXPECT_EQ((*store_->FindAccount("100"))->balance_fen, 7);
  EXPECT_EQ((*store_->FindAccount("200"))->balance_fen, 8);
}

// Sets an account's balance in a write of its own; the future is its answer.
std::future<Result<void>> SetBalanceLater(Store& store, std::string uin, int64_t fen) {
  auto answered = std::make_shared<std::promise<Result<void>>>();
  std::future<Result<void>> answer = answered->get_future();
  RunInTransaction<void>(
      store,
      [uin = std::move(uin), fen](Transaction& transaction) {
        return transaction.SetAccountBalance(uin, fen);
      },
      [answered](Result<void> result) { answered->set_value(result); });
  return answer;
}

Result<void> SetBalance(Store& store, std::string uin, int64_t fen) {
  return SetBalanceLater(store, std::move(uin), fen).get();
}

// Opens the test's database again with `faults`.
void ReopenWithFaults(std::unique_ptr<SqliteStore>& store, const std::filesystem::path& directory,
                      const Clock* clock, FaultInjection* faults) {
  store.reset();
  Result<std::unique_ptr<SqliteStore>> opened =
      SqliteStore::Open({.path = (directory / "mnad.db").string(), .faults = faults}, clock);
  ASSERT_TRUE(opened.has_value()) << opened.error().message;
  store = std::move(*opened);
}

// Faults whose first fsync of the WAL hangs until Release(); later ones run.
// The store must go before this does.
class FirstSyncHeld {
 public:
  FirstSyncHeld() {
    faults.before_sync = [this] {
      if (syncs_.fetch_add(1) != 0) return;
      syncing_.set_value();
      released_.wait();
    };
  }
  // True once a batch is committed and its fsync is about to start.
  bool Syncing() {
    return syncing_future_.wait_for(std::chrono::seconds(10)) == std::future_status::ready;
  }
  void Release() { release_.set_value(); }

  FaultInjection faults;

 private:
  std::atomic<int> syncs_{0};
  std::promise<void> syncing_;
  std::future<void> syncing_future_ = syncing_.get_future();
  std::promise<void> release_;
  std::shared_future<void> released_ = release_.get_future().share();
};

TEST_F(SqliteStoreTest, ACommandIsAnsweredOnlyOnceItsFsyncHasReturned) {
  ASSERT_TRUE(Seed(Parse(kSeed)).has_value());
  FirstSyncHeld held;
  ReopenWithFaults(store_, directory_.path(), &clock_, &held.faults);

  std::future<Result<void>> answer = SetBalanceLater(*store_, "100", 777);
  ASSERT_TRUE(held.Syncing());
  EXPECT_EQ(answer.wait_for(std::chrono::milliseconds(100)), std::future_status::timeout)
      << "answered before its fsync";
  held.Release();
  ASSERT_TRUE(answer.get().has_value());
  EXPECT_EQ((*store_->FindAccount("100"))->balance_fen, 777);
  EXPECT_GE(store_->stats().wal_syncs, 1u);
  store_.reset();  // before `held` goes
}

TEST_F(SqliteStoreTest, AnFsyncBegunLaterAnswersTheBatchesBeforeItToo) {
  ASSERT_TRUE(Seed(Parse(kSeed)).has_value());
  FirstSyncHeld held;
  ReopenWithFaults(store_, directory_.path(), &clock_, &held.faults);  // two sync threads

  std::future<Result<void>> first = SetBalanceLater(*store_, "100", 1);
  ASSERT_TRUE(held.Syncing());
  // The second batch's fsync runs on the other sync thread and covers the
  // first batch too, whose own fsync is still hanging.
  std::future<Result<void>> second = SetBalanceLater(*store_, "100", 2);
  EXPECT_EQ(second.wait_for(std::chrono::seconds(10)), std::future_status::ready);
  EXPECT_EQ(first.wait_for(std::chrono::seconds(0)), std::future_status::ready);
  held.Release();
  EXPECT_TRUE(first.get().has_value());
  EXPECT_TRUE(second.get().has_value());
  EXPECT_EQ((*store_->FindAccount("100"))->balance_fen, 2);
  store_.reset();  // before `held` goes
}

// Found by the PowerLoss test: a batch that wrote nothing needs no fsync of
// its own, and the other sync thread answered it at once, and with it every
// earlier batch, whose fsync was still running. A power cut then lost
// purchases that had been answered.
TEST_F(SqliteStoreTest, ABatchThatWroteNothingWaitsForTheFsyncOfTheBatchesBeforeIt) {
  ASSERT_TRUE(Seed(Parse(kSeed)).has_value());
  FirstSyncHeld held;
  ReopenWithFaults(store_, directory_.path(), &clock_, &held.faults);  // two sync threads

  std::future<Result<void>> wrote = SetBalanceLater(*store_, "100", 31);
  ASSERT_TRUE(held.Syncing());
  // A refusal: reads, writes nothing, answers an error.
  auto refused = std::make_shared<std::promise<Result<void>>>();
  std::future<Result<void>> refusal = refused->get_future();
  RunInTransaction<void>(
      *store_,
      [](Transaction& transaction) -> Result<void> {
        if (Result<std::optional<AccountRecord>> found = transaction.FindAccount("100"); !found)
          return tl::unexpected(found.error());
        return Fail(ErrorCode::kOperationDenied, "refused");
      },
      [refused](Result<void> result) { refused->set_value(result); });
  // The refusal is answered with the first batch, once an fsync that began
  // after the first batch's commit has returned: the other thread's, since
  // the first batch's own hangs.
  ASSERT_EQ(refusal.wait_for(std::chrono::seconds(10)), std::future_status::ready);
  ASSERT_EQ(wrote.wait_for(std::chrono::seconds(0)), std::future_status::ready);
  EXPECT_GE(store_->stats().wal_syncs, 1u)
      << "the first batch was answered while no fsync covering it had returned";
  held.Release();
  EXPECT_TRUE(wrote.get().has_value());
  EXPECT_EQ(refusal.get().error().code, ErrorCode::kOperationDenied);
  store_.reset();  // before `held` goes
}

TEST_F(SqliteStoreTest, AFailedFsyncStopsTheProcessBeforeAnyAnswer) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  ASSERT_TRUE(Seed(Parse(kSeed)).has_value());
  EXPECT_DEATH(
      {
        spdlog::set_default_logger(spdlog::stderr_logger_st("death"));
        FaultInjection faults;
        faults.fail_syncs = 1;
        // This runs in a child process that never gets to its clean-up.
        faults.before_sync = [this] { std::filesystem::remove_all(directory_.path()); };
        ReopenWithFaults(store_, directory_.path(), &clock_, &faults);
        Result<void> set = SetBalance(*store_, "100", 1);
        // Not reached: the process stops first.
        std::fprintf(stderr, "answered: %s\n", set ? "ok" : set.error().message.c_str());
      },
      "fsync of the write-ahead log failed \\(injected fault\\)");
}

TEST_F(SqliteStoreTest, AReadAfterACommitSeesIt) {
  ASSERT_TRUE(Seed(Parse(kSeed)).has_value());
  // Pooled readers keep their snapshot between reads while nothing commits.
  EXPECT_EQ((*store_->FindAccount("100"))->balance_fen, 500);
  EXPECT_EQ((*store_->FindAccount("100"))->balance_fen, 500);
  ASSERT_TRUE(SetBalance(*store_, "100", 501).has_value());
  EXPECT_EQ((*store_->FindAccount("100"))->balance_fen, 501);
  ASSERT_TRUE(store_
                  ->ReadSnapshot([](Transaction& transaction) -> Result<void> {
                    EXPECT_EQ((*transaction.FindAccount("100"))->balance_fen, 501);
                    return {};
                  })
                  .has_value());
  ASSERT_TRUE(SetBalance(*store_, "100", 502).has_value());
  EXPECT_EQ((*store_->FindAccount("100"))->balance_fen, 502);
}

TEST_F(SqliteStoreTest, ReadersKeptBusyDoNotStopTheWalFromStartingOver) {
  store_.reset();
  Result<std::unique_ptr<SqliteStore>> opened =
      SqliteStore::Open({.path = (directory_ / "mnad.db").string(),
                         .checkpoint_interval_ms = 2,
                         .wal_frames_max = 32},
                        &clock_);
  ASSERT_TRUE(opened.has_value());
  store_ = std::move(*opened);
  ASSERT_TRUE(Seed(Parse(kSeed)).has_value());
  std::atomic<bool> stop{false};
  std::thread reader([&] {
    while (!stop) EXPECT_TRUE(store_->FindAccount("100").has_value());
  });
  // Each commit appends at least one 4 KiB frame: 400 of them, kept, would
  // make a WAL of 1.6 MiB. Restarted past 32 frames, it stays near
  // journal_size_limit (32 frames).
  for (int i = 0; i < 400; ++i) ASSERT_TRUE(SetBalance(*store_, "100", i).has_value());
  stop = true;
  reader.join();
  EXPECT_EQ((*store_->FindAccount("100"))->balance_fen, 399);
  uintmax_t wal_bytes = std::filesystem::file_size(directory_ / "mnad.db-wal");
  EXPECT_LT(wal_bytes, 200u * 4096) << "the WAL never started over";
}

TEST_F(SqliteStoreTest, WalFileKeepsItsSizeWhenItStartsOver) {
  store_.reset();
  // Only the writer's restarts, past 32 frames, start the WAL over here.
  Result<std::unique_ptr<SqliteStore>> opened =
      SqliteStore::Open({.path = (directory_ / "mnad.db").string(),
                         .checkpoint_interval_ms = 3'600'000,
                         .wal_frames_max = 32},
                        &clock_);
  ASSERT_TRUE(opened.has_value());
  store_ = std::move(*opened);
  ASSERT_TRUE(Seed(Parse(kSeed)).has_value());
  std::filesystem::path wal = directory_ / "mnad.db-wal";
  // A commit can take the WAL a little past 32 frames before the restart.
  // Cutting the file back to 32 frames each time would make the next cycle
  // allocate its tail again: past its largest size, the file must not shrink.
  uintmax_t largest = 0;
  int shrank = 0;
  for (int i = 0; i < 200; ++i) {
    ASSERT_TRUE(SetBalance(*store_, "100", i).has_value());
    uintmax_t size = std::filesystem::file_size(wal);
    if (size < largest) ++shrank;
    largest = std::max(largest, size);
  }
  EXPECT_EQ(shrank, 0);
  EXPECT_GT(largest, 32u * 4096) << "the WAL never passed 32 frames";
  EXPECT_LE(largest, 40u * (4096 + 24)) << "the WAL never started over";
  EXPECT_EQ((*store_->FindAccount("100"))->balance_fen, 199);
}

}  // namespace
}  // namespace mnad::store::sqlite
