#include "admin/views.h"

#include <algorithm>

#include "core/time_format.h"

namespace mnad::admin {
namespace json = boost::json;
namespace {

std::string MillisTime(int64_t unix_millis) {
  return FormatRfc3339(unix_millis / 1000);
}

json::value OptionalString(const std::optional<std::string>& text) {
  return text ? json::value(*text) : json::value(nullptr);
}

json::array Strings(const std::vector<std::string>& items) {
  return json::array(items.begin(), items.end());
}

json::object SeedVoucherJson(const store::VoucherRecord& voucher) {
  return {{"voucher_id", voucher.voucher_id},
          {"cash", voucher.cash},
          {"nominal_fen", voucher.nominal_fen},
          {"balance_fen", voucher.balance_fen},
          {"threshold_fen", voucher.threshold_fen},
          {"begin_time", FormatRfc3339(voucher.begin_unix)},
          {"end_time", FormatRfc3339(voucher.end_unix)},
          {"products", Strings(voucher.products)},
          {"status", voucher.status}};
}

json::array SeedKeysJson(const std::vector<store::ApiKeyRecord>& keys) {
  json::array out;
  for (const store::ApiKeyRecord& key : keys) {
    json::object item{{"secret_id", key.secret_id}, {"secret_key", key.secret_key}};
    if (!key.enabled) item["enabled"] = false;
    out.push_back(std::move(item));
  }
  return out;
}

void Indent(std::string& out, int depth) {
  out.append(static_cast<size_t>(depth) * 2, ' ');
}

void Pretty(std::string& out, const json::value& value, int depth) {
  if (value.is_object() && !value.get_object().empty()) {
    out += "{\n";
    bool first = true;
    for (const auto& member : value.get_object()) {
      if (!first) out += ",\n";
      first = false;
      Indent(out, depth + 1);
      out += json::serialize(json::value(member.key())) + ": ";
      Pretty(out, member.value(), depth + 1);
    }
    out += "\n";
    Indent(out, depth);
    out += "}";
  } else if (value.is_array() && !value.get_array().empty()) {
    out += "[\n";
    bool first = true;
    for (const json::value& item : value.get_array()) {
      if (!first) out += ",\n";
      first = false;
      Indent(out, depth + 1);
      Pretty(out, item, depth + 1);
    }
    out += "\n";
    Indent(out, depth);
    out += "]";
  } else {
    out += json::serialize(value);
  }
}

}  // namespace

json::object AccountJson(const store::AccountRecord& account) {
  json::value vendor = nullptr;
  if (account.vendor_name) vendor = json::object{{"name", *account.vendor_name}};
  return {{"uin", account.uin},
          {"app_id", account.app_id},
          {"name", account.name},
          {"identity_verified", account.identity_verified},
          {"service_authorized", account.service_authorized},
          {"suspended", account.suspended},
          {"vendor", vendor},
          {"balance_fen", account.balance_fen},
          {"created_at", MillisTime(account.created_unix_millis)}};
}

json::object KeyJson(const store::ApiKeyRecord& key, bool with_secret) {
  json::object out{{"secret_id", key.secret_id},
                   {"account_uin", key.account_uin},
                   {"sub_user_uin", OptionalString(key.sub_user_uin)},
                   {"enabled", key.enabled},
                   {"created_at", MillisTime(key.created_unix_millis)}};
  if (with_secret) out["secret_key"] = key.secret_key;
  return out;
}

json::object SubUserJson(const store::SubUserRecord& sub_user) {
  json::array keys;
  for (const store::ApiKeyRecord& key : sub_user.keys) keys.push_back(json::value(key.secret_id));
  return {{"uin", sub_user.uin},
          {"name", sub_user.name},
          {"allowed_actions", Strings(sub_user.allowed_actions)},
          {"payment_allowed", sub_user.payment_allowed},
          {"keys", std::move(keys)}};
}

json::object VoucherJson(const store::VoucherRecord& voucher) {
  json::object out = SeedVoucherJson(voucher);
  out["account_uin"] = voucher.account_uin;
  out["created_at"] = MillisTime(voucher.created_unix_millis);
  return out;
}

json::object DeviceJson(const store::DeviceRecord& device) {
  return {{"device_id", device.device_id},
          {"account_uin", device.account_uin},
          {"name", device.name},
          {"license_pay_mode", device.license_pay_mode},
          {"remark", device.remark},
          {"hardware_id", OptionalString(device.hardware_id)},
          {"license_payer", static_cast<int64_t>(device.license_payer)},
          {"access_scope", device.access_scope},
          {"flow_trunc", device.flow_trunc},
          {"group_id", device.group_id},
          {"vendor_name", device.vendor_name},
          {"sn", device.sn},
          {"created_at", MillisTime(device.created_unix_millis)}};
}

json::object HardwareJson(const store::HardwareRecord& hardware) {
  return {{"hardware_id", hardware.hardware_id},
          {"vendor_uin", hardware.vendor_uin},
          {"sn", hardware.sn},
          {"license_charging_mode", hardware.license_charging_mode},
          {"description", hardware.description},
          {"activated_device_id", OptionalString(hardware.activated_device_id)},
          {"activated_by_uin", OptionalString(hardware.activated_by_uin)},
          {"activated_at", hardware.activated_device_id
                               ? json::value(MillisTime(hardware.activated_unix_millis))
                               : json::value(nullptr)},
          {"created_at", MillisTime(hardware.created_unix_millis)}};
}

json::object LicenseJson(const store::LicenseRecord& license) {
  return {{"resource_id", license.resource_id},
          {"account_uin", license.account_uin},
          {"device_id", OptionalString(license.device_id)},
          {"hardware_id", OptionalString(license.hardware_id)},
          {"order_id", license.order_id},
          {"created_at", MillisTime(license.created_unix_millis)}};
}

json::object OrderJson(const store::OrderRecord& order) {
  return {{"order_id", order.order_id},
          {"account_uin", order.account_uin},
          {"caller_uin", order.caller_uin},
          {"action", order.action},
          {"resource_id", order.resource_id},
          {"total_fen", order.total_fen},
          {"voucher_id", OptionalString(order.voucher_id)},
          {"voucher_fen", order.voucher_fen},
          {"balance_fen", order.balance_fen},
          {"created_at", MillisTime(order.created_unix_millis)}};
}

json::object FlowPackageJson(const store::FlowPackageRecord& package) {
  return {{"resource_id", package.resource_id},
          {"account_uin", package.account_uin},
          {"package_type", package.package_type},
          {"package_region", package.package_region},
          {"auto_renew", package.auto_renew},
          {"trunc", package.trunc},
          {"order_id", package.order_id},
          {"active_time", FormatRfc3339(package.active_unix)},
          {"expire_time", FormatRfc3339(package.expire_unix)},
          {"device_ids", Strings(package.device_ids)},
          {"created_at", MillisTime(package.created_unix_millis)}};
}

json::object JournalJson(const store::JournalEntry& entry) {
  return {{"entry_id", entry.entry_id},
          {"at", MillisTime(entry.at_unix_millis)},
          {"account_uin", entry.account_uin},
          {"voucher_id", OptionalString(entry.voucher_id)},
          {"delta_fen", entry.delta_fen},
          {"balance_after_fen", entry.balance_after_fen},
          {"action", store::JournalActionName(entry.action)},
          {"reason", entry.reason},
          {"order_id", OptionalString(entry.order_id)}};
}

json::object PricesJson(const store::Prices& prices) {
  return {{"license_fen", prices.license_fen},
          {"flow_packages_fen",
           {{"DEVICE_1_FLOW_20G", prices.flow_package_20g_fen},
            {"DEVICE_2_FLOW_50G", prices.flow_package_50g_fen},
            {"DEVICE_3_FLOW_100G", prices.flow_package_100g_fen},
            {"DEVICE_5_FLOW_500G", prices.flow_package_500g_fen}}}};
}

json::object SeedReportJson(const store::SeedReport& report) {
  auto count = [](const store::SeedReport::Count& c) {
    return json::object{{"created", c.created}, {"skipped", c.skipped}};
  };
  return {{"accounts", count(report.accounts)},   {"keys", count(report.keys)},
          {"sub_users", count(report.sub_users)}, {"vouchers", count(report.vouchers)},
          {"devices", count(report.devices)},     {"hardware", count(report.hardware)}};
}

Result<store::SeedData> ReadState(store::Transaction& transaction) {
  store::SeedData state;
  Result<std::vector<std::string>> regions = transaction.ListRegions();
  if (!regions) return tl::unexpected(regions.error());
  if (!regions->empty()) state.regions = std::move(*regions);
  Result<store::Prices> prices = transaction.GetPrices();
  if (!prices) return tl::unexpected(prices.error());
  state.prices = *prices;
  Result<std::vector<store::AccountRecord>> accounts = transaction.ListAccounts();
  if (!accounts) return tl::unexpected(accounts.error());
  for (store::AccountRecord& account : *accounts) {
    store::SeedAccount seed;
    Result<std::vector<store::ApiKeyRecord>> keys = transaction.ListApiKeys(account.uin);
    Result<std::vector<store::SubUserRecord>> sub_users = transaction.ListSubUsers(account.uin);
    Result<std::vector<store::VoucherRecord>> vouchers = transaction.ListVouchers(account.uin);
    Result<std::vector<store::DeviceRecord>> devices = transaction.ListDevices(account.uin);
    Result<std::vector<store::HardwareRecord>> hardware = transaction.ListHardware(account.uin);
    for (const Error* error :
         {keys ? nullptr : &keys.error(), sub_users ? nullptr : &sub_users.error(),
          vouchers ? nullptr : &vouchers.error(), devices ? nullptr : &devices.error(),
          hardware ? nullptr : &hardware.error()}) {
      if (error != nullptr) return tl::unexpected(*error);
    }
    for (store::ApiKeyRecord& key : *keys) {
      if (!key.sub_user_uin) seed.keys.push_back(std::move(key));
    }
    // By id, so that exporting an imported export gives the same document.
    auto by = [](auto member) {
      return [member](const auto& a, const auto& b) { return a.*member < b.*member; };
    };
    std::sort(seed.keys.begin(), seed.keys.end(), by(&store::ApiKeyRecord::secret_id));
    std::sort(sub_users->begin(), sub_users->end(), by(&store::SubUserRecord::uin));
    for (store::SubUserRecord& sub_user : *sub_users)
      std::sort(sub_user.keys.begin(), sub_user.keys.end(), by(&store::ApiKeyRecord::secret_id));
    std::sort(vouchers->begin(), vouchers->end(), by(&store::VoucherRecord::voucher_id));
    std::sort(devices->begin(), devices->end(), by(&store::DeviceRecord::device_id));
    std::sort(hardware->begin(), hardware->end(), by(&store::HardwareRecord::hardware_id));
    seed.account = std::move(account);
    seed.sub_users = std::move(*sub_users);
    seed.vouchers = std::move(*vouchers);
    seed.devices = std::move(*devices);
    seed.hardware = std::move(*hardware);
    state.accounts.push_back(std::move(seed));
  }
  return state;
}

json::object SeedJson(const store::SeedData& state) {
  json::object seed{{"version", 1}};
  if (state.regions) seed["regions"] = Strings(*state.regions);
  if (state.prices) seed["prices"] = PricesJson(*state.prices);
  json::array accounts;
  for (const store::SeedAccount& entry : state.accounts) {
    const store::AccountRecord& account = entry.account;
    json::object out = AccountJson(account);
    out.erase("created_at");
    out["keys"] = SeedKeysJson(entry.keys);
    json::array sub_users;
    for (const store::SubUserRecord& sub_user : entry.sub_users) {
      json::object item = SubUserJson(sub_user);
      item["keys"] = SeedKeysJson(sub_user.keys);
      sub_users.push_back(std::move(item));
    }
    out["sub_users"] = std::move(sub_users);
    json::array vouchers;
    for (const store::VoucherRecord& voucher : entry.vouchers)
      vouchers.push_back(SeedVoucherJson(voucher));
    out["vouchers"] = std::move(vouchers);
    json::array devices;
    for (const store::DeviceRecord& device : entry.devices) {
      devices.push_back(json::object{{"device_id", device.device_id},
                                     {"name", device.name},
                                     {"license_pay_mode", device.license_pay_mode},
                                     {"remark", device.remark}});
    }
    out["devices"] = std::move(devices);
    json::array hardware;
    for (const store::HardwareRecord& item : entry.hardware) {
      hardware.push_back(json::object{{"hardware_id", item.hardware_id},
                                      {"sn", item.sn},
                                      {"license_charging_mode", item.license_charging_mode},
                                      {"description", item.description}});
    }
    out["hardware"] = std::move(hardware);
    accounts.push_back(std::move(out));
  }
  seed["accounts"] = std::move(accounts);
  return seed;
}

std::string PrettyJson(const json::value& value) {
  std::string out;
  Pretty(out, value, 0);
  out += "\n";
  return out;
}

}  // namespace mnad::admin
