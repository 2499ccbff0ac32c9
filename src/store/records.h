// The entities the store keeps, as plain values. Money is integer fen.
// Thread-safe: plain data.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/principal.h"

namespace mnad::store {

// An enabled API key and the principal it acts as.
struct CredentialRecord {
  std::string secret_key;
  Principal principal;
};

// A window of a list: `limit` items from `offset` on, in the list's order.
struct PageWindow {
  int64_t offset = 0;
  int64_t limit = 0;
};

// One window of a list, and how many items the whole (filtered) list has.
template <typename T>
struct Page {
  std::vector<T> items;
  int64_t total = 0;
};

// Filters of the device lists. `keyword` is a substring of the device id or
// name (or SN, with keyword_in_sn); empty matches everything.
struct DeviceQuery {
  std::string keyword;
  bool keyword_in_sn = false;
  // Set: only devices that came from vendor hardware (true) or only the
  // account's own (false).
  std::optional<bool> from_hardware;
};

// Filters of a vendor's hardware list: `keyword` is a substring of the
// hardware id, SN, description or activated device id.
struct HardwareQuery {
  std::string keyword;
  std::optional<bool> activated;
};

// Filters of the flow-package list; `status` is 0 not yet active, 1 in
// effect, 2 expired, at `now_unix`.
struct FlowPackageQuery {
  std::optional<std::string> resource_id;
  std::optional<std::string> device_id;
  std::optional<int64_t> status;
  int64_t now_unix = 0;
};

struct ApiKeyRecord {
  std::string secret_id;
  std::string secret_key;  // never logged
  bool enabled = true;
  // Filled when read back from the store.
  std::string account_uin;
  std::optional<std::string> sub_user_uin;  // set: the key acts as that sub-user
  int64_t created_unix_millis = 0;
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
  std::string account_uin;
  int64_t created_unix_millis = 0;
};

// Who pays a device's license: the tenant, or the vendor of the hardware it
// was activated from.
enum class LicensePayer { kCustomer = 0, kVendor = 1 };

struct DeviceRecord {
  std::string device_id;
  std::string account_uin;
  std::string name;
  int64_t license_pay_mode = 0;  // 0 monthly, 1 permanent
  std::string remark;
  int64_t created_unix_millis = 0;
  std::optional<std::string> hardware_id;  // set when created by activation
  LicensePayer license_payer = LicensePayer::kCustomer;
  std::string data_key;      // the device's key, base64
  int64_t access_scope = 0;  // 0 public-cloud gateway, 1 private, 2 both
  int64_t flow_trunc = 0;    // 0 pay-as-you-go without a package, 1 truncate
  std::string group_id;
  std::string vendor_name;  // the vendor of the hardware it came from
  std::string sn;           // that hardware's SN
};

// What a Type 0 purchase checks of its target device, read at once: how the
// device is licensed, and the license it may already hold.
struct DevicePurchaseTarget {
  LicensePayer license_payer = LicensePayer::kCustomer;
  int64_t license_pay_mode = 0;
  std::optional<std::string> license_resource_id;  // set when already licensed
};

struct HardwareRecord {
  std::string hardware_id;
  std::string vendor_uin;
  std::string sn;
  int64_t license_charging_mode = 1;  // 1 tenant, 2 vendor monthly, 3 vendor permanent
  std::string description;
  int64_t created_unix_millis = 0;
  std::optional<std::string> activated_device_id;  // set once activated
  std::optional<std::string> activated_by_uin;     // the tenant that activated it
  int64_t activated_unix_millis = 0;
  std::string tenant_description;  // the activating tenant's remark
};

// A prepaid monthly flow package and the devices bound to it.
struct FlowPackageRecord {
  std::string resource_id;
  std::string account_uin;
  std::string package_type;    // DEVICE_1_FLOW_20G ...
  int64_t package_region = 0;  // 0 mainland China, 1 outside
  bool auto_renew = false;
  bool trunc = false;
  std::string order_id;
  int64_t active_unix = 0;  // in effect from (inclusive)
  int64_t expire_unix = 0;  // to (exclusive)
  int64_t created_unix_millis = 0;
  std::vector<std::string> device_ids;
};

// A permanent license, bought once with OrderPerLicense. It names the
// hardware it was bought for (Type 1) and/or the device that holds it.
struct LicenseRecord {
  std::string resource_id;  // "<uuid>-0"
  std::string account_uin;  // the payer
  std::optional<std::string> device_id;
  std::optional<std::string> hardware_id;
  std::string order_id;
  int64_t created_unix_millis = 0;
};

// A paid order: how its total was split between a voucher and the balance.
struct OrderRecord {
  std::string order_id;
  std::string account_uin;
  std::string caller_uin;  // the root or sub-user that placed it
  std::string action;      // "OrderPerLicense"
  std::string resource_id;
  int64_t total_fen = 0;
  std::optional<std::string> voucher_id;
  int64_t voucher_fen = 0;
  int64_t balance_fen = 0;
  int64_t created_unix_millis = 0;
};

// What changed a balance, typed so that no code reads the free-text reason
// back. Stored by name; payments are named by the API action that paid.
enum class JournalAction {
  kOpeningBalance,    // a seeded account's starting balance
  kVoucherIssued,     // a voucher's nominal balance, from a seed or the admin API
  kOrderPerLicense,   // a license purchase paid (balance or voucher)
  kOrderFlowPackage,  // a flow-package purchase paid
  kTopUp,             // the admin API: money in
  kAdjustment,        // the admin API: a correction, either sign
  kVoucherCancelled,  // the admin API: a voucher stops paying (delta 0)
};

// "OpeningBalance", "OrderPerLicense", ...
std::string_view JournalActionName(JournalAction action);
std::optional<JournalAction> ParseJournalAction(std::string_view name);

// One change of an account balance (voucher_id empty) or of a voucher's
// balance. The balance always equals the sum of its journal.
struct JournalEntry {
  int64_t entry_id = 0;  // assigned by the store
  int64_t at_unix_millis = 0;
  std::string account_uin;
  std::optional<std::string> voucher_id;
  int64_t delta_fen = 0;
  int64_t balance_after_fen = 0;
  JournalAction action = JournalAction::kAdjustment;
  std::string reason;  // for people: the resource paid for, the operator's note
  std::optional<std::string> order_id;
};

// Which journal entries a read returns (unset: any), oldest first.
struct JournalQuery {
  std::optional<std::string> account_uin;
  std::optional<std::string> voucher_id;
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

// The tables every backend keeps, by the name CountEntities reports:
// entities, and every table children first (the order a reset deletes in,
// so that no reference is left dangling).
inline constexpr const char* kEntityTables[] = {
    "accounts", "sub_users", "api_keys", "vouchers",      "devices",
    "hardware", "licenses",  "orders",   "flow_packages", "journal"};
inline constexpr const char* kTablesChildrenFirst[] = {
    "flow_package_devices", "flow_packages", "orders",   "licenses",  "journal",
    "devices",              "hardware",      "vouchers", "api_keys",  "sub_users",
    "accounts",             "prices",        "regions"};

// Lists are stored one item per line by every backend (items never contain
// a newline: the seed parser and the API schemas refuse control characters).
std::string JoinLines(const std::vector<std::string>& items);
std::vector<std::string> SplitLines(const std::string& text);

struct Prices {
  int64_t license_fen = 100000;
  int64_t flow_package_20g_fen = 3000;
  int64_t flow_package_50g_fen = 6000;
  int64_t flow_package_100g_fen = 10000;
  int64_t flow_package_500g_fen = 40000;
};

}  // namespace mnad::store
