// Power cuts, simulated: the real store (writer, sync threads, checkpointer,
// WAL restarts) runs purchases, vouchers, RollBacks, flow packages and
// top-ups from several threads over FaultFs, which cuts the power at a
// random operation: a commit's WAL write, the deferred fsync between COMMIT
// and the reply, a checkpoint's database write or sync, a WAL restart. The
// files are then rewritten as the disk might hold them (unsynced writes
// dropped; or, adversarially, a random subset of them kept and the last one
// torn) and the store is opened again. After every cut:
// - PRAGMA integrity_check is ok;
// - every command whose completion was reported is there, with its effects;
// - money is conserved: each balance is its opening amount plus top-ups
//   minus what orders took from it, and equals its journal; each voucher is
//   its nominal minus what orders took, and equals its journal;
// - nothing is half-applied: every order has its license or package and its
//   journal entries, every license its order.
// MNAD_POWER_CUTS sets the number of cuts (default 200), MNAD_POWER_SEED the
// first seed; a failure names the seed that reproduces it.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <future>
#include <iostream>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <thread>

#include "admin/seed.h"
#include "admin/seed_apply.h"
#include "core/clock.h"
#include "core/random.h"
#include "mna/flow_package_purchase.h"
#include "mna/license_purchase.h"
#include "store/sqlite/fault_fs.h"
#include "store/sqlite/sqlite_store.h"

namespace mnad::store::sqlite {
namespace {

constexpr int64_t kNowMillis = 1'780'000'000'000;
constexpr int kThreads = 3;
constexpr int kCommandsPerThread = 40;
constexpr int kDevices = 100;
constexpr int kPoorDevices = 40;

std::string SeedText() {
  std::string devices, poor_devices;
  for (int i = 0; i < kDevices; ++i) {
    devices += (i ? "," : "") + std::string(R"({"device_id":"mna-d)") + std::to_string(i) +
               R"(","name":"d)" + std::to_string(i) + R"(","license_pay_mode":1})";
  }
  for (int i = 0; i < kPoorDevices; ++i) {
    poor_devices += (i ? "," : "") + std::string(R"({"device_id":"mna-r)") + std::to_string(i) +
                    R"(","name":"r)" + std::to_string(i) + R"(","license_pay_mode":1})";
  }
  return std::string(R"({"version":1,"prices":{"license_fen":1000},"accounts":[
    {"uin":"100","app_id":1,"name":"rich","identity_verified":true,"service_authorized":true,
     "balance_fen":60000,
     "vouchers":[{"voucher_id":"v-1","nominal_fen":3000,"begin_time":"2026-01-01T00:00:00Z",
                  "end_time":"2027-01-01T00:00:00Z"},
                 {"voucher_id":"v-2","nominal_fen":5000,"cash":true,
                  "begin_time":"2026-01-01T00:00:00Z","end_time":"2027-01-01T00:00:00Z"}],
     "devices":[)") +
         devices + R"(]},
    {"uin":"200","app_id":2,"name":"poor","identity_verified":true,"service_authorized":true,
     "balance_fen":2500,"devices":[)" +
         poor_devices + "]}]}";
}

const std::map<std::string, int64_t> kOpeningBalance = {{"100", 60000}, {"200", 2500}};
const std::map<std::string, int64_t> kVoucherNominal = {{"v-1", 3000}, {"v-2", 5000}};

enum class Kind { kPurchase, kRollBackPurchase, kPackage, kTopUp };

// A command whose completion the store reported before the cut.
struct Confirmed {
  Kind kind;
  std::string account;
  std::string target;  // device, or the top-up's reason
  bool ok = false;
  ErrorCode code = ErrorCode::kInternalError;
  std::string resource_id;
  std::string order_id;
  int64_t amount = 0;
};

Principal Root(const std::string& uin) {
  Principal principal;
  principal.account_uin = uin;
  return principal;
}

// The value of a read that must succeed (a failed one throws, failing the test).
template <typename T>
T Must(Result<T> result) {
  return std::move(result).value();
}

template <typename T>
Result<T> Run(Store& store, std::function<Result<T>(Transaction&)> body) {
  std::promise<Result<T>> done;
  RunInTransaction<T>(store, std::move(body),
                      [&](Result<T> result) { done.set_value(std::move(result)); });
  return done.get_future().get();
}

// One cut: the workload over FaultFs, the cut, the restore and every check.
class PowerCut {
 public:
  PowerCut(std::filesystem::path directory, uint64_t seed, FaultFs::Mode mode)
      : directory_(std::move(directory)), seed_(seed), mode_(mode), fs_(seed) {}

  // Runs the workload and cuts at workload operation `cut_at` (0: at the
  // end). Returns the tracked operations the workload made.
  uint64_t RunWorkload(uint64_t cut_at) {
    std::filesystem::remove_all(directory_);
    std::filesystem::create_directories(directory_);
    faults_.sync_wal = [this](int fd) { return fs_.SyncFd(fd); };
    Result<std::unique_ptr<SqliteStore>> opened = SqliteStore::Open({.path = path(),
                                                                     .checkpoint_interval_ms = 2,
                                                                     .wal_frames_max = 24,
                                                                     .faults = &faults_,
                                                                     .base_vfs = fs_.vfs_name()},
                                                                    &clock_);
    EXPECT_TRUE(opened.has_value()) << opened.error().message;
    if (!opened) return 0;
    std::unique_ptr<SqliteStore> store = std::move(*opened);
    SequenceRandom seed_random(seed_);
    Result<SeedData> seed = admin::ParseSeed(SeedText(), seed_random);
    EXPECT_TRUE(seed.has_value());
    EXPECT_TRUE(admin::ApplySeed(*store, *seed, clock_.NowUnixMillis()).has_value());
    uint64_t before = fs_.operations();
    if (cut_at > 0) fs_.CutAtOperation(before + cut_at, mode_);

    std::vector<std::thread> workers;
    for (int t = 0; t < kThreads; ++t) {
      workers.emplace_back([this, t, &store] { Work(*store, t); });
    }
    for (std::thread& worker : workers) worker.join();
    uint64_t made = fs_.operations() - before;
    fs_.CutNow(mode_);
    store.reset();
    return made;
  }

  // Rewrites the files as the cut left them, opens the store again and
  // checks it; returns the failures (empty: all good).
  std::vector<std::string> RestoreAndCheck() {
    std::vector<std::string> failures;
    std::string error;
    if (!fs_.RestoreCut(&error)) return {"restore: " + error};
    failures_ = &failures;
    CheckIntegrity();
    Result<std::unique_ptr<SqliteStore>> opened = SqliteStore::Open({.path = path()}, &clock_);
    if (!opened) return {"reopen: " + opened.error().message};
    Result<void> read = (*opened)->ReadSnapshot([&](Transaction& transaction) -> Result<void> {
      CheckState(transaction);
      return {};
    });
    if (!read) failures.push_back("read: " + read.error().message);
    return failures;
  }

  std::string cut_during() const { return fs_.cut_during(); }
  size_t confirmed() const { return confirmed_.size(); }

 private:
  std::string path() const { return (directory_ / "mnad.db").string(); }

  void Confirm(Confirmed outcome) {
    // Counted only when reported before the cut; anything later may be
    // lost, and is not asserted.
    std::lock_guard lock(confirmed_mutex_);
    if (!fs_.cut()) confirmed_.push_back(std::move(outcome));
  }

  void Work(SqliteStore& store, int thread) {
    std::mt19937_64 random(seed_ * 31 + static_cast<uint64_t>(thread));
    for (int i = 0; i < kCommandsPerThread; ++i) {
      uint64_t dice = random() % 100;
      if (dice < 65) {
        // A rich account's purchase, or a poor account's with RollBack (a
        // refusal for the balance deletes the device).
        bool poor = dice >= 50;
        std::string account = poor ? "200" : "100";
        std::string device = poor ? "mna-r" + std::to_string(random() % kPoorDevices)
                                  : "mna-d" + std::to_string(random() % kDevices);
        mna::LicensePurchase purchase{
            Root(account),
            device,
            mna::LicenseTarget::kDevice,
            /*roll_back=*/poor,
            billing::VoucherChoice{.auto_voucher = !poor && random() % 2 == 0},
            kNowMillis};
        Result<mna::LicensePurchased> result =
            Run<mna::LicensePurchased>(store, [&](Transaction& transaction) {
              return mna::OrderPerLicense(transaction, purchase, random_);
            });
        Confirm({.kind = poor ? Kind::kRollBackPurchase : Kind::kPurchase,
                 .account = account,
                 .target = device,
                 .ok = result.has_value(),
                 .code = result ? ErrorCode::kInternalError : result.error().code,
                 .resource_id = result ? result->resource_id : "",
                 .order_id = result ? result->order.order_id : ""});
      } else if (dice < 80) {
        std::string device = "mna-d" + std::to_string(random() % kDevices);
        mna::FlowPackagePurchase purchase{.principal = Root("100"),
                                          .package_type = "DEVICE_1_FLOW_20G",
                                          .device_ids = {device},
                                          .voucher = {.auto_voucher = random() % 2 == 0},
                                          .now_unix_millis = kNowMillis};
        Result<FlowPackageRecord> result =
            Run<FlowPackageRecord>(store, [&](Transaction& transaction) {
              return mna::OrderFlowPackage(transaction, purchase, random_);
            });
        Confirm({.kind = Kind::kPackage,
                 .account = "100",
                 .target = device,
                 .ok = result.has_value(),
                 .code = result ? ErrorCode::kInternalError : result.error().code,
                 .resource_id = result ? result->resource_id : "",
                 .order_id = result ? result->order_id : ""});
      } else {
        std::string account = random() % 2 == 0 ? "100" : "200";
        int64_t amount = 1 + static_cast<int64_t>(random() % 1000);
        std::string reason = "admin top-up: cut " + std::to_string(seed_) + " thread " +
                             std::to_string(thread) + " #" + std::to_string(i);
        Result<int64_t> result =
            Run<int64_t>(store, [&](Transaction& transaction) -> Result<int64_t> {
              Result<std::optional<AccountRecord>> found = transaction.FindAccount(account);
              if (!found) return tl::unexpected(found.error());
              int64_t after = (*found)->balance_fen + amount;
              if (Result<void> set = transaction.SetAccountBalance(account, after); !set)
                return tl::unexpected(set.error());
              JournalEntry entry{.at_unix_millis = kNowMillis,
                                 .account_uin = account,
                                 .delta_fen = amount,
                                 .balance_after_fen = after,
                                 .reason = reason};
              if (Result<void> appended = transaction.AppendJournal(entry); !appended)
                return tl::unexpected(appended.error());
              return after;
            });
        Confirm({.kind = Kind::kTopUp,
                 .account = account,
                 .target = reason,
                 .ok = result.has_value(),
                 .amount = amount});
      }
    }
  }

  void Fail(std::string message) { failures_->push_back(std::move(message)); }

  void CheckIntegrity() {
    sqlite3* db = nullptr;
    if (sqlite3_open_v2(path().c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
      Fail("integrity: cannot open the database");
      sqlite3_close(db);
      return;
    }
    sqlite3_stmt* statement = nullptr;
    sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &statement, nullptr);
    std::string verdict;
    while (statement != nullptr && sqlite3_step(statement) == SQLITE_ROW) {
      verdict += reinterpret_cast<const char*>(sqlite3_column_text(statement, 0));
    }
    sqlite3_finalize(statement);
    sqlite3_close(db);
    if (verdict != "ok") Fail("integrity_check: " + verdict);
  }

  void CheckState(Transaction& transaction) {
    std::map<std::string, OrderRecord> orders;
    std::map<std::string, LicenseRecord> licenses;
    std::map<std::string, FlowPackageRecord> packages;
    std::vector<JournalEntry> journal;
    std::map<std::string, VoucherRecord> vouchers;
    std::map<std::string, int64_t> balances;
    for (const std::string uin : {"100", "200"}) {
      auto account = transaction.FindAccount(uin);
      if (!account || !account->has_value()) return Fail("account " + uin + " is missing");
      balances[uin] = (*account)->balance_fen;
      for (OrderRecord& order : Must(transaction.ListOrders(uin))) orders[order.order_id] = order;
      for (LicenseRecord& license : Must(transaction.ListLicenses(uin)))
        licenses[license.resource_id] = license;
      for (FlowPackageRecord& package : Must(transaction.ListFlowPackages(uin)))
        packages[package.resource_id] = package;
      for (JournalEntry& entry : Must(transaction.ListJournal({.account_uin = uin})))
        journal.push_back(entry);
      for (VoucherRecord& voucher : Must(transaction.ListVouchers(uin)))
        vouchers[voucher.voucher_id] = voucher;
    }

    // Every confirmed command, with its effects.
    for (const Confirmed& done : confirmed_) {
      if (done.kind == Kind::kTopUp) {
        if (!done.ok) continue;
        bool found = std::any_of(journal.begin(), journal.end(), [&](const JournalEntry& entry) {
          return entry.reason == done.target && entry.delta_fen == done.amount;
        });
        if (!found) Fail("confirmed top-up lost: " + done.target);
        continue;
      }
      if (done.ok) {
        if (!orders.contains(done.order_id)) Fail("confirmed order lost: " + done.order_id);
        bool held = done.kind == Kind::kPackage ? packages.contains(done.resource_id)
                                                : licenses.contains(done.resource_id);
        if (!held) Fail("confirmed resource lost: " + done.resource_id + " of " + done.target);
      } else if (done.kind == Kind::kRollBackPurchase &&
                 done.code == ErrorCode::kOperationDeniedInsufficientBalance) {
        auto device = transaction.FindDevice(done.account, done.target);
        if (device && device->has_value()) Fail("confirmed RollBack undone: " + done.target);
      }
    }

    // Money: balances and vouchers from their openings, and from the journal.
    std::map<std::string, int64_t> from_orders = kOpeningBalance;
    std::map<std::string, int64_t> from_journal;
    std::map<std::string, int64_t> voucher_from_orders = kVoucherNominal;
    std::map<std::string, int64_t> voucher_from_journal;
    for (const JournalEntry& entry : journal) {
      if (entry.voucher_id) {
        voucher_from_journal[*entry.voucher_id] += entry.delta_fen;
      } else {
        from_journal[entry.account_uin] += entry.delta_fen;
        if (entry.reason.starts_with("admin top-up: "))
          from_orders[entry.account_uin] += entry.delta_fen;
      }
    }
    for (const auto& [id, order] : orders) {
      from_orders[order.account_uin] -= order.balance_fen;
      if (order.voucher_id) voucher_from_orders[*order.voucher_id] -= order.voucher_fen;
      // Nothing half-applied: the order's resource and its journal entries.
      if (!licenses.contains(order.resource_id) && !packages.contains(order.resource_id))
        Fail("order " + id + " without its resource " + order.resource_id);
      auto has_entry = [&](bool voucher, int64_t delta) {
        return std::any_of(journal.begin(), journal.end(), [&](const JournalEntry& entry) {
          return entry.order_id == id && entry.voucher_id.has_value() == voucher &&
                 entry.delta_fen == delta;
        });
      };
      if (order.balance_fen > 0 && !has_entry(false, -order.balance_fen))
        Fail("order " + id + " without its balance journal entry");
      if (order.voucher_fen > 0 && !has_entry(true, -order.voucher_fen))
        Fail("order " + id + " without its voucher journal entry");
    }
    for (const auto& [id, license] : licenses) {
      if (!orders.contains(license.order_id)) Fail("license " + id + " without its order");
    }
    for (const auto& [uin, balance] : balances) {
      if (balance != from_orders[uin])
        Fail("account " + uin + ": balance " + std::to_string(balance) +
             ", opening + top-ups - orders " + std::to_string(from_orders[uin]));
      if (balance != from_journal[uin])
        Fail("account " + uin + ": balance " + std::to_string(balance) + ", journal " +
             std::to_string(from_journal[uin]));
      if (balance < 0) Fail("account " + uin + ": negative balance");
    }
    for (const auto& [id, voucher] : vouchers) {
      if (voucher.balance_fen != voucher_from_orders[id])
        Fail("voucher " + id + ": balance " + std::to_string(voucher.balance_fen) +
             ", nominal - orders " + std::to_string(voucher_from_orders[id]));
      if (voucher.balance_fen != voucher_from_journal[id])
        Fail("voucher " + id + ": balance " + std::to_string(voucher.balance_fen) + ", journal " +
             std::to_string(voucher_from_journal[id]));
    }
  }

  std::filesystem::path directory_;
  uint64_t seed_;
  FaultFs::Mode mode_;
  FaultFs fs_;
  FaultInjection faults_;
  FakeClock clock_{kNowMillis};
  SequenceRandom random_{7};  // used by the rules, on the writer thread only
  std::mutex confirmed_mutex_;
  std::vector<Confirmed> confirmed_;
  std::vector<std::string>* failures_ = nullptr;
};

uint64_t EnvOr(const char* name, uint64_t fallback) {
  const char* value = std::getenv(name);
  return value != nullptr && *value != '\0' ? std::strtoull(value, nullptr, 10) : fallback;
}

std::filesystem::path ScratchDirectory() {
  // tmpfs when there is one: the fault file system models the disk, so the
  // real fsyncs need not wait for one.
  std::filesystem::path root = std::filesystem::exists("/dev/shm")
                                   ? std::filesystem::path("/dev/shm")
                                   : std::filesystem::temp_directory_path();
  return root / ("mnad-power-" + std::to_string(::getpid()));
}

TEST(PowerLoss, EveryConfirmedCommandSurvivesACutAtAnyOperation) {
  uint64_t cuts = EnvOr("MNAD_POWER_CUTS", 200);
  uint64_t first_seed = EnvOr("MNAD_POWER_SEED", 20'261'207);
  std::filesystem::path directory = ScratchDirectory();
  // How many tracked operations a workload makes, to pick cut points over.
  uint64_t span = PowerCut(directory, first_seed, FaultFs::Mode::kDropUnsynced).RunWorkload(0);
  ASSERT_GT(span, 0u);
  std::map<std::string, int> during;
  size_t confirmed = 0;
  int failed = 0;
  for (uint64_t i = 0; i < cuts && failed < 5; ++i) {
    uint64_t seed = first_seed + i;
    FaultFs::Mode mode = i % 2 == 0 ? FaultFs::Mode::kDropUnsynced : FaultFs::Mode::kAdversarial;
    uint64_t cut_at = 1 + std::mt19937_64(seed)() % (span + span / 10);
    PowerCut cut(directory, seed, mode);
    cut.RunWorkload(cut_at);
    std::vector<std::string> failures = cut.RestoreAndCheck();
    during[cut.cut_during()]++;
    confirmed += cut.confirmed();
    if (!failures.empty()) {
      ++failed;
      std::string all;
      for (const std::string& failure : failures) all += "\n  " + failure;
      ADD_FAILURE() << "cut with MNAD_POWER_SEED=" << seed << " MNAD_POWER_CUTS=1 ("
                    << (mode == FaultFs::Mode::kAdversarial ? "adversarial" : "drop unsynced")
                    << ", at operation " << cut_at << ": " << cut.cut_during() << "):" << all;
    }
  }
  std::error_code ignored;
  std::filesystem::remove_all(directory, ignored);
  std::string summary;
  for (const auto& [what, count] : during) summary += "\n  " + what + ": " + std::to_string(count);
  std::cout << "[ power    ] " << cuts << " cuts, " << confirmed
            << " confirmed commands checked; cut during:" << summary << std::endl;
}

}  // namespace
}  // namespace mnad::store::sqlite
