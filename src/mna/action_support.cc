#include "mna/action_support.h"

#include <algorithm>
#include <boost/json.hpp>
#include <limits>

#include "mna/actions.h"

namespace mnad::mna {

void ReadAndReply(store::Store& store, const ResponseBody& body, api::ActionReply reply) {
  boost::json::object response;
  Result<void> read = store.ReadSnapshot([&](store::Transaction& transaction) -> Result<void> {
    Result<boost::json::object> built = body(transaction);
    if (!built) return tl::unexpected(built.error());
    response = std::move(*built);
    return {};
  });
  if (!read) return reply(tl::unexpected(read.error()));
  reply(std::move(response));
}

void WriteAndReply(store::Store& store, ResponseBody body, api::ActionReply reply,
                   std::string shard) {
  store::RunInTransaction<boost::json::object>(store, std::move(body), std::move(reply),
                                               std::move(shard));
}

void AddRule(api::Router& router, MnaDeps& deps, std::string action,
             std::vector<api::ParamSpec> params, Access access, Rule rule, bool region_required) {
  router.Add({.service = kService,
              .version = kVersion,
              .action = std::move(action),
              .params = std::move(params),
              .region_required = region_required,
              .handler = [&deps, access, rule = std::move(rule)](const api::CallContext& context,
                                                                 const api::ParamObject& params,
                                                                 api::ActionReply reply) {
                ResponseBody body = [&deps, rule, principal = context.principal,
                                     params](store::Transaction& transaction) {
                  return rule(transaction, deps, principal, params);
                };
                if (access == Access::kWrite) {
                  return WriteAndReply(deps.store, std::move(body), std::move(reply),
                                       context.principal.account_uin);
                }
                ReadAndReply(deps.store, body, std::move(reply));
              }});
}

Result<store::AccountRecord> CallerAccount(store::Transaction& transaction,
                                           const Principal& principal) {
  Result<std::optional<store::AccountRecord>> account =
      transaction.FindAccount(principal.account_uin);
  if (!account) return tl::unexpected(account.error());
  if (!account->has_value())
    return Fail(ErrorCode::kInternalError, "the calling account no longer exists");
  if ((*account)->suspended) {
    return Fail(ErrorCode::kUnauthorizedOperation,
                "The account " + principal.account_uin + " is suspended by the operator.");
  }
  return std::move(**account);
}

Result<PageRequest> PageOf(int64_t page_number, int64_t page_size, bool allow_all) {
  if (allow_all && page_number == -1 && page_size == -1) {
    return PageRequest{.window = {.offset = 0, .limit = kListAllMax}, .all = true};
  }
  if (page_number < 1 || page_size < 1) {
    return Fail(ErrorCode::kInvalidParameterValue,
                std::string("PageNumber and PageSize must be at least 1") +
                    (allow_all ? " (or both -1 for every item)." : "."));
  }
  if (page_size > kPageSizeMax) {
    return Fail(ErrorCode::kInvalidParameterValue,
                "PageSize must be at most " + std::to_string(kPageSizeMax) + ".");
  }
  // A page past the end is empty; the offset saturates rather than wraps,
  // so a huge PageNumber never comes back to the first page.
  int64_t pages_before = page_number - 1;
  int64_t offset = pages_before > std::numeric_limits<int64_t>::max() / page_size
                       ? std::numeric_limits<int64_t>::max()
                       : pages_before * page_size;
  return PageRequest{.window = {.offset = offset, .limit = page_size}};
}

Result<int64_t> TotalPages(const PageRequest& request, int64_t total) {
  if (request.all) {
    if (total > kListAllMax) {
      return Fail(ErrorCode::kResponseSizeLimitExceeded, "The list has " + std::to_string(total) +
                                                             " items; PageNumber = PageSize = -1 "
                                                             "answers at most " +
                                                             std::to_string(kListAllMax) +
                                                             ". Ask for pages of at most " +
                                                             std::to_string(kPageSizeMax) + ".");
    }
    return total > 0 ? 1 : 0;
  }
  return (total + request.window.limit - 1) / request.window.limit;
}

Result<void> RemoveDevice(store::Transaction& transaction, std::string_view device_id) {
  Result<std::optional<store::DeviceRecord>> device = transaction.FindDeviceById(device_id);
  if (!device) return tl::unexpected(device.error());
  if (device->has_value() && (*device)->hardware_id) {
    Result<std::optional<store::HardwareRecord>> hardware =
        transaction.FindHardwareById(*(*device)->hardware_id);
    if (!hardware) return tl::unexpected(hardware.error());
    if (hardware->has_value() && (*hardware)->activated_device_id == device_id) {
      store::HardwareRecord released = **hardware;
      released.activated_device_id.reset();
      released.activated_by_uin.reset();
      released.activated_unix_millis = 0;
      released.tenant_description.clear();
      MNAD_TRY(transaction.UpdateHardware(released));
    }
  }
  return transaction.DeleteDevice(device_id);
}

Result<void> RequireNoGroup(const std::optional<std::string>& group_id) {
  if (group_id.value_or("").empty()) return {};
  return Fail(ErrorCode::kInvalidParameterValue,
              "The group " + *group_id + " does not exist (groups are not supported here).");
}

Result<void> RequireUniqueDeviceName(store::Transaction& transaction,
                                     const std::string& account_uin, const std::string& name) {
  Result<std::optional<store::DeviceRecord>> same_name =
      transaction.FindDeviceByName(account_uin, name);
  if (!same_name) return tl::unexpected(same_name.error());
  if (!same_name->has_value()) return {};
  return Fail(ErrorCode::kInternalErrorDuplicateDeviceName,
              "A device named " + name + " already exists: " + (*same_name)->device_id + ".");
}

api::ParamSpec VoucherIdsParam() {
  return api::ParamSpec::ArrayOf("VoucherIds", api::ParamSpec::String("").Length(1, 64));
}

Result<billing::VoucherChoice> VoucherChoiceOf(const api::ParamObject& params) {
  std::vector<std::string> voucher_ids = params.GetStringList("VoucherIds");
  if (voucher_ids.size() > 1) {
    return Fail(ErrorCode::kInvalidParameter,
                "The parameter `VoucherIds` takes at most one voucher id.");
  }
  billing::VoucherChoice choice{.auto_voucher = params.GetBoolean("AutoVoucher").value_or(false)};
  if (!voucher_ids.empty()) choice.voucher_id = voucher_ids.front();
  return choice;
}

bool IsBase64(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '/' || c == '=';
  });
}

std::string NewId(Random& random, std::string_view prefix) {
  return std::string(prefix) + random.LowerAlnum(10);
}

boost::json::object DeviceBaseInfoJson(const store::DeviceRecord& device) {
  return boost::json::object{
      {"DeviceId", device.device_id},
      {"DeviceName", device.name},
      {"CreateTime", std::to_string(device.created_unix_millis)},
      {"LastTime", "0"},
      {"Remark", device.remark},
      {"AccessScope", device.access_scope},
      {"LicensePayMode", device.license_pay_mode},
      {"Payer", static_cast<int64_t>(device.license_payer)},
      {"GroupId", device.group_id},
      {"GroupName", ""},
      {"FlowTrunc", device.flow_trunc},
      {"Sn", device.sn},
      {"Vendor", device.vendor_name},
      {"AllowedRegions", boost::json::array()},
  };
}

int64_t HardwarePayer(const store::HardwareRecord& hardware) {
  return hardware.license_charging_mode == 1 ? 0 : 1;
}

int64_t HardwareLicensePayMode(const store::HardwareRecord& hardware,
                               const std::optional<store::DeviceRecord>& device) {
  switch (hardware.license_charging_mode) {
    case 2:
      return 0;
    case 3:
      return 1;
    default:
      return device ? device->license_pay_mode : -1;
  }
}

}  // namespace mnad::mna
