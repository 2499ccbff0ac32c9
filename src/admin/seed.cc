#include "admin/seed.h"

#include <fmt/format.h>

#include <algorithm>
#include <boost/json.hpp>
#include <fstream>
#include <set>
#include <sstream>

#include "admin/fields.h"
#include "auth/crypto.h"
#include "auth/permissions.h"
#include "core/money.h"
#include "core/time_format.h"

namespace mnad::admin {
namespace json = boost::json;
namespace {

// Ids must be unique across the whole seed, per kind.
struct SeenIds {
  std::set<std::string> uins, secret_ids, voucher_ids, device_ids, hardware_ids, vendor_names;
  void Claim(std::set<std::string>& ids, const std::string& id, const std::string& path) {
    if (!ids.insert(id).second) Reject(path, "duplicates " + id + " elsewhere in the seed");
  }
};

std::vector<store::ApiKeyRecord> ParseKeys(Fields& fields, SeenIds& seen) {
  std::vector<store::ApiKeyRecord> keys;
  const json::array* array = fields.Array("keys", false);
  for (size_t i = 0; i < array->size(); ++i) {
    Fields key((*array)[i], fmt::format("{}[{}]", fields.Path("keys"), i));
    store::ApiKeyRecord record;
    record.secret_id = key.String("secret_id", true, "", 128);
    if (!IsPlainId(record.secret_id))
      Reject(key.Path("secret_id"), "must be 1 to 128 letters, digits, - or _");
    seen.Claim(seen.secret_ids, record.secret_id, key.Path("secret_id"));
    record.secret_key = key.String("secret_key", true, "", 128);
    if (record.secret_key.empty()) Reject(key.Path("secret_key"), "must not be empty");
    record.enabled = key.Bool("enabled", false, true);
    key.Finish();
    keys.push_back(std::move(record));
  }
  return keys;
}

std::string Uin(Fields& fields, SeenIds& seen) {
  std::string uin = fields.String("uin", true, "", 20);
  if (!IsDigits(uin)) Reject(fields.Path("uin"), "must be a string of digits");
  seen.Claim(seen.uins, uin, fields.Path("uin"));
  return uin;
}

store::SubUserRecord ParseSubUser(const json::value& value, const std::string& path,
                                  SeenIds& seen) {
  Fields fields(value, path);
  store::SubUserRecord sub_user;
  sub_user.uin = Uin(fields, seen);
  sub_user.name = fields.String("name", true);
  sub_user.allowed_actions = fields.StringList("allowed_actions", true);
  for (size_t i = 0; i < sub_user.allowed_actions.size(); ++i) {
    bool valid = auth::IsValidActionGrant(sub_user.allowed_actions[i]);
    if (!valid)
      Reject(fmt::format("{}[{}]", fields.Path("allowed_actions"), i),
             "must be service:Action, service:* or *");
  }
  sub_user.payment_allowed = fields.Bool("payment_allowed", false, false);
  sub_user.keys = ParseKeys(fields, seen);
  fields.Finish();
  return sub_user;
}

store::VoucherRecord ParseVoucher(const json::value& value, const std::string& path,
                                  SeenIds& seen) {
  Fields fields(value, path);
  store::VoucherRecord voucher;
  voucher.voucher_id = fields.String("voucher_id", true, "", 64);
  if (voucher.voucher_id.empty()) Reject(fields.Path("voucher_id"), "must not be empty");
  seen.Claim(seen.voucher_ids, voucher.voucher_id, fields.Path("voucher_id"));
  voucher.cash = fields.Bool("cash", false, false);
  voucher.nominal_fen = fields.Integer("nominal_fen", true, 0, 0, kFenMax);
  voucher.balance_fen = fields.Integer("balance_fen", false, voucher.nominal_fen, 0, kFenMax);
  if (voucher.balance_fen > voucher.nominal_fen)
    Reject(fields.Path("balance_fen"), "must not exceed nominal_fen");
  voucher.threshold_fen = fields.Integer("threshold_fen", false, 0, 0, kFenMax);
  voucher.begin_unix = fields.Time("begin_time");
  voucher.end_unix = fields.Time("end_time");
  if (voucher.end_unix < voucher.begin_unix)
    Reject(fields.Path("end_time"), "must not be before begin_time");
  voucher.products = fields.StringList("products", false);
  if (voucher.products.empty()) voucher.products = {"mna"};
  voucher.status = fields.String("status", false, "unUsed");
  static const std::set<std::string> kStatuses = {"unUsed", "used", "cancel", "overdue"};
  if (!kStatuses.contains(voucher.status))
    Reject(fields.Path("status"), "must be one of unUsed, used, cancel, overdue");
  fields.Finish();
  return voucher;
}

std::string IdOrGenerated(Fields& fields, std::string_view key, std::string_view prefix,
                          Random& random, std::set<std::string>& seen_ids, SeenIds& seen) {
  std::string id = fields.String(key, false, "", 64);
  if (id.empty()) {
    if (fields.Get(key, false) != nullptr) Reject(fields.Path(key), "must not be empty");
    return std::string(prefix) + random.LowerAlnum(10);
  }
  if (!id.starts_with(prefix) || id.size() == prefix.size()) {
    Reject(fields.Path(key), "must start with " + std::string(prefix));
  }
  seen.Claim(seen_ids, id, fields.Path(key));
  return id;
}

store::SeedAccount ParseAccount(const json::value& value, const std::string& path, Random& random,
                                SeenIds& seen) {
  Fields fields(value, path);
  store::SeedAccount seed;
  store::AccountRecord& account = seed.account;
  account.uin = Uin(fields, seen);
  account.app_id = fields.Integer("app_id", true, 0, 1, INT64_MAX);
  account.name = fields.String("name", true);
  account.identity_verified = fields.Bool("identity_verified", false, false);
  account.service_authorized = fields.Bool("service_authorized", false, false);
  account.suspended = fields.Bool("suspended", false, false);
  if (const json::value* vendor = fields.Get("vendor", false);
      vendor != nullptr && !vendor->is_null()) {
    Fields vendor_fields(*vendor, fields.Path("vendor"));
    account.vendor_name = vendor_fields.String("name", true);
    if (account.vendor_name->empty()) Reject(vendor_fields.Path("name"), "must not be empty");
    seen.Claim(seen.vendor_names, *account.vendor_name, vendor_fields.Path("name"));
    vendor_fields.Finish();
  }
  account.balance_fen = fields.Integer("balance_fen", false, 0, 0, kFenMax);
  seed.keys = ParseKeys(fields, seen);

  const json::array* sub_users = fields.Array("sub_users", false);
  for (size_t i = 0; i < sub_users->size(); ++i) {
    seed.sub_users.push_back(
        ParseSubUser((*sub_users)[i], fmt::format("{}[{}]", fields.Path("sub_users"), i), seen));
  }
  const json::array* vouchers = fields.Array("vouchers", false);
  for (size_t i = 0; i < vouchers->size(); ++i) {
    seed.vouchers.push_back(
        ParseVoucher((*vouchers)[i], fmt::format("{}[{}]", fields.Path("vouchers"), i), seen));
  }
  std::set<std::string> device_names;
  const json::array* devices = fields.Array("devices", false);
  for (size_t i = 0; i < devices->size(); ++i) {
    Fields device_fields((*devices)[i], fmt::format("{}[{}]", fields.Path("devices"), i));
    store::DeviceRecord device;
    device.device_id =
        IdOrGenerated(device_fields, "device_id", "mna-", random, seen.device_ids, seen);
    device.name = device_fields.String("name", true, "", 128);
    if (device.name.empty()) Reject(device_fields.Path("name"), "must not be empty");
    if (!device_names.insert(device.name).second)
      Reject(device_fields.Path("name"), "duplicates another device's name in this account");
    device.license_pay_mode = device_fields.Integer("license_pay_mode", false, 0, 0, 1);
    device.remark = device_fields.String("remark", false);
    // Every device has a key, as AddDevice gives one.
    device.data_key = auth::Base64Encode(auth::SecureRandomBytes(16));
    device_fields.Finish();
    seed.devices.push_back(std::move(device));
  }
  std::set<std::string> serial_numbers;
  const json::array* hardware = fields.Array("hardware", false);
  for (size_t i = 0; i < hardware->size(); ++i) {
    Fields hardware_fields((*hardware)[i], fmt::format("{}[{}]", fields.Path("hardware"), i));
    if (!account.vendor_name)
      Reject(hardware_fields.Path("sn"), "hardware needs a vendor account (vendor is null)");
    store::HardwareRecord record;
    record.hardware_id =
        IdOrGenerated(hardware_fields, "hardware_id", "cpe-", random, seen.hardware_ids, seen);
    record.sn = hardware_fields.String("sn", true, "", 128);
    if (record.sn.empty()) Reject(hardware_fields.Path("sn"), "must not be empty");
    if (!serial_numbers.insert(record.sn).second)
      Reject(hardware_fields.Path("sn"), "duplicates another SN of this vendor");
    record.license_charging_mode = hardware_fields.Integer("license_charging_mode", true, 1, 1, 3);
    record.description = hardware_fields.String("description", false);
    hardware_fields.Finish();
    seed.hardware.push_back(std::move(record));
  }
  fields.Finish();
  return seed;
}

store::Prices ParsePrices(const json::value& value, const std::string& path,
                          const store::Prices& base) {
  Fields fields(value, path);
  store::Prices prices = base;
  constexpr int64_t kPriceMax = 100'000'000'000;
  prices.license_fen = fields.Integer("license_fen", false, prices.license_fen, 0, kPriceMax);
  if (const json::value* flow = fields.Get("flow_packages_fen", false); flow != nullptr) {
    Fields flow_fields(*flow, fields.Path("flow_packages_fen"));
    prices.flow_package_20g_fen =
        flow_fields.Integer("DEVICE_1_FLOW_20G", false, prices.flow_package_20g_fen, 0, kPriceMax);
    prices.flow_package_50g_fen =
        flow_fields.Integer("DEVICE_2_FLOW_50G", false, prices.flow_package_50g_fen, 0, kPriceMax);
    prices.flow_package_100g_fen = flow_fields.Integer("DEVICE_3_FLOW_100G", false,
                                                       prices.flow_package_100g_fen, 0, kPriceMax);
    prices.flow_package_500g_fen = flow_fields.Integer("DEVICE_5_FLOW_500G", false,
                                                       prices.flow_package_500g_fen, 0, kPriceMax);
    flow_fields.Finish();
  }
  fields.Finish();
  return prices;
}

}  // namespace

const std::vector<std::string>& DefaultRegions() {
  static const std::vector<std::string> regions = {
      "ap-bangkok",   "ap-beijing",      "ap-chengdu",       "ap-chongqing", "ap-guangzhou",
      "ap-hongkong",  "ap-jakarta",      "ap-mumbai",        "ap-nanjing",   "ap-seoul",
      "ap-shanghai",  "ap-shanghai-fsi", "ap-shenzhen-fsi",  "ap-singapore", "ap-tokyo",
      "eu-frankfurt", "na-ashburn",      "na-siliconvalley", "na-toronto",   "sa-saopaulo"};
  return regions;
}

Parsed<store::SeedData> ParseSeedValue(const json::value& root, Random& random) {
  return Catching([&] {
    Fields fields(root, "");
    store::SeedData seed;
    int64_t version = fields.Integer("version", true, 1, 1, 1);
    (void)version;
    if (fields.Get("regions", false) != nullptr) {
      std::vector<std::string> regions = fields.StringList("regions", false);
      for (size_t i = 0; i < regions.size(); ++i) {
        const std::string& region = regions[i];
        bool valid = std::all_of(region.begin(), region.end(), [](char c) {
          return std::islower(static_cast<unsigned char>(c)) ||
                 std::isdigit(static_cast<unsigned char>(c)) || c == '-';
        });
        if (!valid)
          Reject(fmt::format("regions[{}]", i), "must be a region name such as ap-guangzhou");
      }
      if (regions.empty()) Reject("regions", "must name at least one region");
      seed.regions = std::move(regions);
    }
    if (const json::value* prices = fields.Get("prices", false); prices != nullptr)
      seed.prices = ParsePrices(*prices, "prices", store::Prices());
    SeenIds seen;
    const json::array* accounts = fields.Array("accounts", false);
    for (size_t i = 0; i < accounts->size(); ++i) {
      seed.accounts.push_back(
          ParseAccount((*accounts)[i], fmt::format("accounts[{}]", i), random, seen));
    }
    fields.Finish();
    return seed;
  });
}

Result<store::SeedData> ParseSeed(std::string_view text, Random& random) {
  json::error_code error;
  json::value root = json::parse(text, error);
  if (error)
    return Fail(ErrorCode::kInvalidParameterValue, "seed: not valid JSON: " + error.message());
  Parsed<store::SeedData> seed = ParseSeedValue(root, random);
  if (!seed) {
    const FieldError& rejected = seed.error();
    return Fail(
        ErrorCode::kInvalidParameterValue,
        (rejected.field.empty() ? std::string("seed") : rejected.field) + ": " + rejected.message);
  }
  return std::move(*seed);
}

Parsed<store::SeedAccount> ParseSeedAccount(const json::value& value, Random& random) {
  SeenIds seen;
  return Catching([&] { return ParseAccount(value, "", random, seen); });
}

Parsed<store::SubUserRecord> ParseSeedSubUser(const json::value& value) {
  SeenIds seen;
  return Catching([&] { return ParseSubUser(value, "", seen); });
}

Parsed<store::VoucherRecord> ParseSeedVoucher(const json::value& value) {
  SeenIds seen;
  return Catching([&] { return ParseVoucher(value, "", seen); });
}

Parsed<store::Prices> ParseSeedPrices(const json::value& value, const store::Prices& base) {
  return Catching([&] { return ParsePrices(value, "", base); });
}

Result<store::SeedData> LoadSeedFile(const std::string& path, Random& random) {
  std::ifstream file(path, std::ios::binary);
  if (!file) return Fail(ErrorCode::kInvalidParameterValue, "cannot read seed file " + path);
  std::ostringstream contents;
  contents << file.rdbuf();
  Result<store::SeedData> seed = ParseSeed(contents.str(), random);
  if (!seed) return Fail(seed.error().code, path + ": " + seed.error().message);
  return seed;
}

std::string DescribeSeedReport(const store::SeedReport& report) {
  auto part = [](std::string_view name, const store::SeedReport::Count& count) {
    return fmt::format("{}: {} created, {} skipped", name, count.created, count.skipped);
  };
  return fmt::format("{}; {}; {}; {}; {}; {}", part("accounts", report.accounts),
                     part("keys", report.keys), part("sub_users", report.sub_users),
                     part("vouchers", report.vouchers), part("devices", report.devices),
                     part("hardware", report.hardware));
}

}  // namespace mnad::admin
