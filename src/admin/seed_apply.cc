#include "admin/seed_apply.h"

#include <string>

#include "billing/ledger.h"

namespace mnad::admin {
namespace {

Result<void> ApplySeedAccount(store::Transaction& transaction, const store::SeedAccount& seed,
                              int64_t now_ms, const std::string& source,
                              store::SeedReport* report) {
  const std::string& uin = seed.account.uin;
  Result<std::optional<store::AccountRecord>> existing = transaction.FindAccount(uin);
  if (!existing) return tl::unexpected(existing.error());
  if (existing->has_value()) {
    ++report->accounts.skipped;
  } else {
    ++report->accounts.created;
    store::AccountRecord account = seed.account;
    account.created_unix_millis = now_ms;
    MNAD_TRY(billing::OpenAccount(transaction, account, source + ": opening balance"));
  }

  auto apply_key = [&](store::ApiKeyRecord key,
                       const std::optional<std::string>& sub_user_uin) -> Result<void> {
    Result<std::optional<store::ApiKeyRecord>> found = transaction.FindApiKey(key.secret_id);
    if (!found) return tl::unexpected(found.error());
    if (found->has_value()) {
      ++report->keys.skipped;
      return {};
    }
    ++report->keys.created;
    key.account_uin = uin;
    key.sub_user_uin = sub_user_uin;
    key.created_unix_millis = now_ms;
    return transaction.InsertApiKey(key);
  };
  for (const store::ApiKeyRecord& key : seed.keys) MNAD_TRY(apply_key(key, std::nullopt));

  for (const store::SubUserRecord& sub_user : seed.sub_users) {
    Result<std::optional<store::SubUserRecord>> found = transaction.FindSubUser(sub_user.uin);
    if (!found) return tl::unexpected(found.error());
    if (found->has_value()) {
      ++report->sub_users.skipped;
    } else {
      ++report->sub_users.created;
      MNAD_TRY(transaction.InsertSubUser(uin, sub_user));
    }
    for (const store::ApiKeyRecord& key : sub_user.keys) MNAD_TRY(apply_key(key, sub_user.uin));
  }

  for (store::VoucherRecord voucher : seed.vouchers) {
    Result<std::optional<store::VoucherRecord>> found =
        transaction.FindVoucherById(voucher.voucher_id);
    if (!found) return tl::unexpected(found.error());
    if (found->has_value()) {
      ++report->vouchers.skipped;
      continue;
    }
    ++report->vouchers.created;
    voucher.account_uin = uin;
    voucher.created_unix_millis = now_ms;
    MNAD_TRY(billing::IssueVoucher(transaction, voucher, source + ": voucher issued", now_ms));
  }

  for (store::DeviceRecord device : seed.devices) {
    Result<std::optional<store::DeviceRecord>> found = transaction.FindDeviceById(device.device_id);
    if (!found) return tl::unexpected(found.error());
    if (!found->has_value()) {
      // A device seeded without an id is identified by its name, so that
      // re-applying the seed does not create it again.
      found = transaction.FindDeviceByName(uin, device.name);
      if (!found) return tl::unexpected(found.error());
    }
    if (found->has_value()) {
      ++report->devices.skipped;
      continue;
    }
    ++report->devices.created;
    device.account_uin = uin;
    device.created_unix_millis = now_ms;
    MNAD_TRY(transaction.InsertDevice(device));
  }

  for (store::HardwareRecord hardware : seed.hardware) {
    Result<std::optional<store::HardwareRecord>> found =
        transaction.FindHardwareById(hardware.hardware_id);
    if (!found) return tl::unexpected(found.error());
    if (!found->has_value()) {
      found = transaction.FindHardwareBySn(uin, hardware.sn);
      if (!found) return tl::unexpected(found.error());
    }
    if (found->has_value()) {
      ++report->hardware.skipped;
      continue;
    }
    ++report->hardware.created;
    hardware.vendor_uin = uin;
    hardware.created_unix_millis = now_ms;
    MNAD_TRY(transaction.InsertHardware(hardware));
  }
  return {};
}

}  // namespace

Result<void> ApplySeed(store::Transaction& transaction, const store::SeedData& seed, int64_t now_ms,
                       std::string_view source, store::SeedReport* report) {
  if (seed.regions) MNAD_TRY(transaction.SetRegions(*seed.regions));
  if (seed.prices) MNAD_TRY(transaction.SetPrices(*seed.prices));
  std::string source_name(source);
  for (const store::SeedAccount& account : seed.accounts) {
    MNAD_TRY(ApplySeedAccount(transaction, account, now_ms, source_name, report));
  }
  return {};
}

Result<store::SeedReport> ApplySeed(store::Store& store, const store::SeedData& seed,
                                    int64_t now_ms) {
  store::SeedReport report;
  Result<void> applied = store.WriteAndWait([&](store::Transaction& transaction) {
    report = store::SeedReport();  // a retried batch runs the body again
    return ApplySeed(transaction, seed, now_ms, "seed", &report);
  });
  if (!applied) return tl::unexpected(applied.error());
  return report;
}

}  // namespace mnad::admin
