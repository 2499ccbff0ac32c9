// The entities the store keeps, as plain values. Money is integer fen.
// Thread-safe: plain data.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace mnad::store {

struct ApiKeyRecord {
  std::string secret_id;
  std::string secret_key;  // never logged
  bool enabled = true;
};

struct SubUserRecord {
  std::string uin;
  std::string name;
  std::vector<std::string> allowed_actions;
  bool payment_allowed = false;
  std::vector<ApiKeyRecord> keys;
};

struct VoucherRecord {
  std::string voucher_id;
  bool cash = false;
  int64_t nominal_fen = 0;
  int64_t balance_fen = 0;
  int64_t threshold_fen = 0;
  int64_t begin_unix = 0;
  int64_t end_unix = 0;
  std::vector<std::string> products;
  std::string status = "unUsed";  // unUsed, used, cancel, overdue
};

struct DeviceRecord {
  std::string device_id;
  std::string account_uin;
  std::string name;
  int64_t license_pay_mode = 0;  // 0 monthly, 1 permanent
  std::string remark;
  int64_t created_unix_millis = 0;
};

struct HardwareRecord {
  std::string hardware_id;
  std::string vendor_uin;
  std::string sn;
  int64_t license_charging_mode = 1;  // 1 tenant, 2 vendor monthly, 3 vendor permanent
  std::string description;
  int64_t created_unix_millis = 0;
};

struct AccountRecord {
  std::string uin;
  int64_t app_id = 0;
  std::string name;
  bool identity_verified = false;
  bool service_authorized = false;
  bool suspended = false;
  std::optional<std::string> vendor_name;  // set: a registered hardware vendor
  int64_t balance_fen = 0;
  int64_t created_unix_millis = 0;
};

struct Prices {
  int64_t license_fen = 100000;
  int64_t flow_package_20g_fen = 3000;
  int64_t flow_package_50g_fen = 6000;
  int64_t flow_package_100g_fen = 10000;
  int64_t flow_package_500g_fen = 40000;
};

}  // namespace mnad::store
