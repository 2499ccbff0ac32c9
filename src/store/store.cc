#include "store/store.h"

#include <future>
#include <variant>

namespace mnad::store {
namespace {

// Runs one read on a snapshot and returns what it produced.
template <typename T>
Result<T> ReadOne(Store& store, const std::function<Result<T>(Transaction&)>& read) {
  std::optional<T> value;
  Result<void> done = store.ReadSnapshot([&](Transaction& transaction) -> Result<void> {
    Result<T> result = read(transaction);
    if (!result) return tl::unexpected(result.error());
    value = std::move(*result);
    return {};
  });
  if (!done) return tl::unexpected(done.error());
  return std::move(*value);
}

}  // namespace

Result<void> Store::WriteAndWait(const std::function<Result<void>(Transaction&)>& body) {
  std::promise<Result<void>> finished;
  RunInTransaction<std::monostate>(
      *this,
      [&body](Transaction& transaction) -> Result<std::monostate> {
        Result<void> result = body(transaction);
        if (!result) return tl::unexpected(result.error());
        return std::monostate{};
      },
      [&finished](Result<std::monostate> result) {
        if (!result) return finished.set_value(tl::unexpected(result.error()));
        finished.set_value({});
      });
  return finished.get_future().get();
}

Result<std::vector<std::string>> Store::Regions() {
  return ReadOne<std::vector<std::string>>(
      *this, [](Transaction& transaction) { return transaction.ListRegions(); });
}

Result<std::optional<AdjustableClock::State>> Store::TestClock() {
  return ReadOne<std::optional<AdjustableClock::State>>(
      *this, [](Transaction& transaction) { return transaction.GetTestClock(); });
}

Result<std::optional<CredentialRecord>> Store::FindCredential(std::string_view secret_id) {
  return ReadOne<std::optional<CredentialRecord>>(
      *this, [&](Transaction& transaction) { return transaction.FindCredential(secret_id); });
}

Result<std::optional<AccountRecord>> Store::FindAccount(std::string_view uin) {
  return ReadOne<std::optional<AccountRecord>>(
      *this, [&](Transaction& transaction) { return transaction.FindAccount(uin); });
}

Result<std::optional<DeviceRecord>> Store::FindDevice(std::string_view account_uin,
                                                      std::string_view device_id) {
  return ReadOne<std::optional<DeviceRecord>>(*this, [&](Transaction& transaction) {
    return transaction.FindDevice(account_uin, device_id);
  });
}

Result<std::vector<VoucherRecord>> Store::ListVouchers(std::string_view account_uin) {
  return ReadOne<std::vector<VoucherRecord>>(
      *this, [&](Transaction& transaction) { return transaction.ListVouchers(account_uin); });
}

Result<std::vector<JournalEntry>> Store::VoucherJournal(std::string_view account_uin,
                                                        std::string_view voucher_id) {
  return ReadOne<std::vector<JournalEntry>>(*this, [&](Transaction& transaction) {
    return transaction.ListJournal(
        {.account_uin = std::string(account_uin), .voucher_id = std::string(voucher_id)});
  });
}

Result<std::vector<JournalEntry>> Store::Journal() {
  return ReadOne<std::vector<JournalEntry>>(
      *this, [](Transaction& transaction) { return transaction.ListJournal({}); });
}

}  // namespace mnad::store
