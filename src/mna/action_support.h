// Shared plumbing of the MNA action handlers: what they depend on, how a
// read or a write runs and replies, paging, and the JSON shapes of the SDK
// models (DeviceBaseInfo, …) that several actions return.
// Thread-safe: the functions use only their arguments.
#pragma once

#include <boost/json/object.hpp>
#include <functional>
#include <string>

#include "api/router.h"
#include "billing/payment.h"
#include "core/clock.h"
#include "core/random.h"
#include "store/store.h"

namespace mnad::mna {

struct MnaDeps {
  store::Store& store;
  const Clock& clock;
  Random& random;
};

using ResponseBody = std::function<Result<boost::json::object>(store::Transaction&)>;

// An action's rule: request → response fields, inside one transaction.
using Rule = std::function<Result<boost::json::object>(store::Transaction&, MnaDeps&,
                                                       const Principal&, const api::ParamObject&)>;
enum class Access { kRead, kWrite };

// Registers an MNA action whose handler runs `rule` on a read snapshot
// (kRead) or as one durable write transaction (kWrite).
void AddRule(api::Router& router, MnaDeps& deps, std::string action,
             std::vector<api::ParamSpec> params, Access access, Rule rule,
             bool region_required = false);

// Runs `body` on a read snapshot and replies with what it returns.
void ReadAndReply(store::Store& store, const ResponseBody& body, api::ActionReply reply);
// Runs `body` as one write transaction; replies once it is durable.
// `shard`: the paying account, so that a backend with several writers runs
// one account's commands on one of them (see store::WriteCommand).
void WriteAndReply(store::Store& store, ResponseBody body, api::ActionReply reply,
                   std::string shard = {});

// Refusals of accounts that may not act on MNA at all: suspended (also
// checked at the gateway, re-read here) and service not authorized.
Result<store::AccountRecord> CallerAccount(store::Transaction& transaction,
                                           const Principal& principal);

// PageSize is at most kPageSizeMax (the API pages document none; this is
// the bound this server states). GetDevices' PageNumber = PageSize = -1
// ("every device") answers at most kListAllMax items, and
// ResponseSizeLimitExceeded for a longer list.
inline constexpr int64_t kPageSizeMax = 100;
inline constexpr int64_t kListAllMax = 1000;

// PageNumber/PageSize as the window the store reads, or
// InvalidParameterValue. With `allow_all`, -1/-1 selects everything.
struct PageRequest {
  store::PageWindow window;
  bool all = false;
};
Result<PageRequest> PageOf(int64_t page_number, int64_t page_size, bool allow_all);
// TotalPage for a list of `total` items; ResponseSizeLimitExceeded when
// "every item" was asked of a list longer than kListAllMax.
Result<int64_t> TotalPages(const PageRequest& request, int64_t total);

// Groups are not supported: a GroupId names a group that does not exist.
// Deletes the device; the hardware it was activated from, if any, becomes
// unactivated, so that it can be activated again.
Result<void> RemoveDevice(store::Transaction& transaction, std::string_view device_id);

Result<void> RequireNoGroup(const std::optional<std::string>& group_id);
// Device names are unique within an account.
Result<void> RequireUniqueDeviceName(store::Transaction& transaction,
                                     const std::string& account_uin, const std::string& name);

// The purchase actions' voucher parameters: `AutoVoucher`, and `VoucherIds`
// with at most one id (more is InvalidParameter, whatever AutoVoucher says).
api::ParamSpec VoucherIdsParam();
Result<billing::VoucherChoice> VoucherChoiceOf(const api::ParamObject& params);

// A device DataKey: base64 characters only.
bool IsBase64(std::string_view text);

// "mna-" or "cpe-" and ten characters of [0-9a-z].
std::string NewId(Random& random, std::string_view prefix);

// The SDK model DeviceBaseInfo.
boost::json::object DeviceBaseInfoJson(const store::DeviceRecord& device);

// Payer as HardwareInfo/VendorHardware/GetHardwareInfo define it: 0 the
// customer, 1 the vendor.
int64_t HardwarePayer(const store::HardwareRecord& hardware);
// LicensePayMode of hardware: 0 monthly, 1 permanent, -1 not decided yet
// (the tenant pays and has not activated it).
int64_t HardwareLicensePayMode(const store::HardwareRecord& hardware,
                               const std::optional<store::DeviceRecord>& device);

}  // namespace mnad::mna
