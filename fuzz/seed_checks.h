// What a parsed seed (../shared/docs/seed-format.md) must satisfy whatever
// text it came from, and the export/import round trip: a state written in
// the seed format (admin::SeedJson) reads back as the same state.
// Thread-safe: pure functions.
#pragma once

#include <algorithm>
#include <boost/json.hpp>
#include <set>
#include <string>
#include <string_view>

#include "admin/fields.h"
#include "admin/seed.h"
#include "admin/views.h"
#include "auth/permissions.h"
#include "core/money.h"
#include "core/random.h"
#include "core/text.h"
#include "fuzz_check.h"
#include "store/seed_data.h"

namespace mnad::fuzz {

// Text the seed keeps: valid UTF-8, printable, at most `bytes_max` bytes.
inline void CheckSeedText(std::string_view text, size_t bytes_max, std::string_view what) {
  Check(IsValidUtf8(text), std::string(what) + " is not valid UTF-8", text);
  Check(admin::IsPrintable(text), std::string(what) + " holds control characters", text);
  Check(text.size() <= bytes_max, std::string(what) + " is longer than allowed", text);
}

// Ids that must be unique across one seed, per kind.
struct SeedIds {
  std::set<std::string> uins, secret_ids, voucher_ids, device_ids, hardware_ids, vendor_names;

  void Claim(std::set<std::string>& ids, const std::string& id, std::string_view what) {
    Check(ids.insert(id).second, std::string(what) + " is not unique in the seed", id);
  }
};

inline void CheckKeys(const std::vector<store::ApiKeyRecord>& keys, SeedIds& ids) {
  for (const store::ApiKeyRecord& key : keys) {
    CheckSeedText(key.secret_id, 128, "secret_id");
    Check(admin::IsPlainId(key.secret_id), "a secret_id is not a plain id", key.secret_id);
    ids.Claim(ids.secret_ids, key.secret_id, "a secret_id");
    CheckSeedText(key.secret_key, 128, "secret_key");
    Check(!key.secret_key.empty(), "an empty secret_key");
  }
}

inline void CheckUin(const std::string& uin, SeedIds& ids) {
  Check(admin::IsDigits(uin) && uin.size() <= 20, "a uin is not 1 to 20 digits", uin);
  ids.Claim(ids.uins, uin, "a uin");
}

inline void CheckSubUser(const store::SubUserRecord& sub_user, SeedIds& ids) {
  CheckUin(sub_user.uin, ids);
  CheckSeedText(sub_user.name, 256, "a sub-user name");
  for (const std::string& grant : sub_user.allowed_actions) {
    Check(auth::IsValidActionGrant(grant), "an invalid action grant", grant);
  }
  CheckKeys(sub_user.keys, ids);
}

inline void CheckVoucher(const store::VoucherRecord& voucher, SeedIds& ids) {
  CheckSeedText(voucher.voucher_id, 64, "a voucher_id");
  Check(!voucher.voucher_id.empty(), "an empty voucher_id");
  ids.Claim(ids.voucher_ids, voucher.voucher_id, "a voucher_id");
  Check(voucher.nominal_fen >= 0 && voucher.nominal_fen <= kFenMax, "nominal_fen out of range");
  Check(voucher.balance_fen >= 0 && voucher.balance_fen <= voucher.nominal_fen,
        "balance_fen not within 0..nominal_fen");
  Check(voucher.threshold_fen >= 0 && voucher.threshold_fen <= kFenMax,
        "threshold_fen out of range");
  Check(voucher.end_unix >= voucher.begin_unix, "a voucher ends before it begins");
  Check(!voucher.products.empty(), "a voucher for no product");
  for (const std::string& product : voucher.products) CheckSeedText(product, 256, "a product");
  static const std::set<std::string> kStatuses = {"unUsed", "used", "cancel", "overdue"};
  Check(kStatuses.contains(voucher.status), "an unknown voucher status", voucher.status);
}

inline void CheckPrices(const store::Prices& prices) {
  constexpr int64_t kPriceMax = 100'000'000'000;
  for (int64_t price :
       {prices.license_fen, prices.flow_package_20g_fen, prices.flow_package_50g_fen,
        prices.flow_package_100g_fen, prices.flow_package_500g_fen}) {
    Check(price >= 0 && price <= kPriceMax, "a price out of range", std::to_string(price));
  }
}

inline void CheckSeedAccount(const store::SeedAccount& seed, SeedIds& ids) {
  const store::AccountRecord& account = seed.account;
  CheckUin(account.uin, ids);
  Check(account.app_id >= 1, "an app_id below 1");
  CheckSeedText(account.name, 256, "an account name");
  Check(account.balance_fen >= 0 && account.balance_fen <= kFenMax, "balance_fen out of range");
  if (account.vendor_name) {
    CheckSeedText(*account.vendor_name, 256, "a vendor name");
    Check(!account.vendor_name->empty(), "an empty vendor name");
    ids.Claim(ids.vendor_names, *account.vendor_name, "a vendor name");
  }
  CheckKeys(seed.keys, ids);
  for (const store::SubUserRecord& sub_user : seed.sub_users) CheckSubUser(sub_user, ids);
  for (const store::VoucherRecord& voucher : seed.vouchers) CheckVoucher(voucher, ids);
  std::set<std::string> device_names;
  for (const store::DeviceRecord& device : seed.devices) {
    CheckSeedText(device.device_id, 64, "a device_id");
    Check(device.device_id.starts_with("mna-") && device.device_id.size() > 4,
          "a device_id without its mna- prefix", device.device_id);
    ids.Claim(ids.device_ids, device.device_id, "a device_id");
    CheckSeedText(device.name, 128, "a device name");
    Check(!device.name.empty(), "an empty device name");
    Check(device_names.insert(device.name).second, "two devices of an account share a name",
          device.name);
    Check(device.license_pay_mode == 0 || device.license_pay_mode == 1,
          "license_pay_mode out of range");
    CheckSeedText(device.remark, 256, "a device remark");
    Check(!device.data_key.empty(), "a device without a DataKey");
  }
  std::set<std::string> serial_numbers;
  for (const store::HardwareRecord& hardware : seed.hardware) {
    Check(account.vendor_name.has_value(), "hardware in an account that is not a vendor");
    CheckSeedText(hardware.hardware_id, 64, "a hardware_id");
    Check(hardware.hardware_id.starts_with("cpe-") && hardware.hardware_id.size() > 4,
          "a hardware_id without its cpe- prefix", hardware.hardware_id);
    ids.Claim(ids.hardware_ids, hardware.hardware_id, "a hardware_id");
    CheckSeedText(hardware.sn, 128, "an SN");
    Check(!hardware.sn.empty(), "an empty SN");
    Check(serial_numbers.insert(hardware.sn).second, "two hardware of a vendor share an SN",
          hardware.sn);
    Check(hardware.license_charging_mode >= 1 && hardware.license_charging_mode <= 3,
          "license_charging_mode out of range");
    CheckSeedText(hardware.description, 256, "a hardware description");
  }
}

inline void CheckSeedData(const store::SeedData& seed) {
  if (seed.regions) {
    Check(!seed.regions->empty(), "an empty region list");
    for (const std::string& region : *seed.regions) {
      bool valid = !region.empty() && std::all_of(region.begin(), region.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
      });
      Check(valid, "an invalid region name", region);
    }
  }
  if (seed.prices) CheckPrices(*seed.prices);
  SeedIds ids;
  for (const store::SeedAccount& account : seed.accounts) CheckSeedAccount(account, ids);
}

// Export, import, export: the state written as a seed reads back, and
// writes the same document again.
inline void CheckSeedRoundTrip(const store::SeedData& seed) {
  boost::json::object exported = admin::SeedJson(seed);
  std::string text = boost::json::serialize(exported);
  CheckJsonText(text, "an exported seed");
  SequenceRandom random(2);
  Result<store::SeedData> imported = admin::ParseSeed(text, random);
  Check(imported.has_value(), "an exported seed is refused on import",
        (imported ? std::string() : imported.error().message) + " in " + text);
  boost::json::object again = admin::SeedJson(*imported);
  Check(again == exported, "export, import, export changes the seed",
        text + " became " + boost::json::serialize(again));
  std::string pretty = admin::PrettyJson(exported);
  Check(CheckJsonText(pretty, "a pretty-printed seed") == exported,
        "the pretty-printed seed is another document", pretty);
}

}  // namespace mnad::fuzz
