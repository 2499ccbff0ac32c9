// AddDevice, GetDevice, GetDevices, UpdateDevice, DeleteDevice.
#include <algorithm>
#include <boost/json.hpp>

#include "auth/crypto.h"
#include "mna/action_support.h"
#include "mna/actions.h"

namespace mnad::mna {
namespace {

using api::ParamSpec;

tl::unexpected<Error> NoSuchDevice(const std::string& device_id) {
  return Fail(ErrorCode::kInvalidParameterValue,
              "The device " + device_id + " does not exist in this account.");
}

Result<boost::json::object> AddDevice(store::Transaction& transaction, MnaDeps& deps,
                                      const Principal& principal, const api::ParamObject& params) {
  Result<store::AccountRecord> account = CallerAccount(transaction, principal);
  if (!account) return tl::unexpected(account.error());
  if (params.GetBoolean("Encrypted").value_or(false)) {
    return Fail(ErrorCode::kInternalErrorUndefinedEncryptedKey,
                "No preset key exists for this account (CreateEncryptedKey is not supported here); "
                "send Encrypted false or omit it.");
  }
  if (Result<void> no_group = RequireNoGroup(params.GetString("GroupId")); !no_group) {
    return tl::unexpected(no_group.error());
  }
  store::DeviceRecord device;
  device.account_uin = principal.account_uin;
  device.name = *params.GetString("DeviceName");
  if (Result<void> unique = RequireUniqueDeviceName(transaction, device.account_uin, device.name);
      !unique) {
    return tl::unexpected(unique.error());
  }
  device.data_key =
      params.GetString("DataKey").value_or(auth::Base64Encode(auth::SecureRandomBytes(16)));
  if (!IsBase64(device.data_key)) {
    return Fail(ErrorCode::kInvalidParameterValue,
                "The parameter `DataKey` must be a base64 string.");
  }
  Result<bool> key_taken = transaction.DataKeyExists(device.data_key);
  if (!key_taken) return tl::unexpected(key_taken.error());
  if (*key_taken)
    return Fail(ErrorCode::kInternalErrorDuplicateDataKey,
                "The DataKey is already used by another device.");
  device.device_id = NewId(deps.random, "mna-");
  device.remark = params.GetString("Remark").value_or("");
  device.access_scope = params.GetInteger("AccessScope").value_or(0);
  device.license_pay_mode = params.GetInteger("LicensePayMode").value_or(0);
  device.flow_trunc = params.GetInteger("FlowTrunc").value_or(0);
  device.created_unix_millis = deps.clock.NowUnixMillis();
  Result<void> inserted = transaction.InsertDevice(device);
  if (!inserted) return tl::unexpected(inserted.error());
  return boost::json::object{
      {"DataKey", device.data_key}, {"DeviceId", device.device_id}, {"Signature", ""}};
}

Result<store::DeviceRecord> OwnDevice(store::Transaction& transaction, const Principal& principal,
                                      const std::string& device_id) {
  Result<std::optional<store::DeviceRecord>> device =
      transaction.FindDevice(principal.account_uin, device_id);
  if (!device) return tl::unexpected(device.error());
  if (!device->has_value()) return NoSuchDevice(device_id);
  return std::move(**device);
}

Result<boost::json::object> GetDevice(store::Transaction& transaction, MnaDeps&,
                                      const Principal& principal, const api::ParamObject& params) {
  Result<store::DeviceRecord> device =
      OwnDevice(transaction, principal, *params.GetString("DeviceId"));
  if (!device) return tl::unexpected(device.error());
  return boost::json::object{
      {"DeviceDetails", boost::json::object{{"DeviceBaseInfo", DeviceBaseInfoJson(*device)},
                                            {"DeviceNetInfo", boost::json::array()},
                                            {"GatewaySite", ""},
                                            {"BusinessDownRate", 0.0},
                                            {"BusinessUpRate", 0.0}}}};
}

Result<boost::json::object> GetDevices(store::Transaction& transaction, MnaDeps&,
                                       const Principal& principal, const api::ParamObject& params) {
  Result<PageRequest> request =
      PageOf(*params.GetInteger("PageNumber"), *params.GetInteger("PageSize"), /*allow_all=*/true);
  if (!request) return tl::unexpected(request.error());
  store::DeviceQuery query{.keyword = params.GetString("Keyword").value_or("")};
  std::optional<int64_t> device_type = params.GetInteger("DeviceType");
  // DeviceType 1: the account's own devices; 2: third-party (from hardware).
  if (device_type == 1 || device_type == 2) query.from_hardware = device_type == 2;
  Result<store::Page<store::DeviceRecord>> page =
      transaction.ListDevicesPage(principal.account_uin, query, request->window);
  if (!page) return tl::unexpected(page.error());
  Result<int64_t> total_pages = TotalPages(*request, page->total);
  if (!total_pages) return tl::unexpected(total_pages.error());
  boost::json::array infos;
  for (const store::DeviceRecord& device : page->items) infos.push_back(DeviceBaseInfoJson(device));
  return boost::json::object{
      {"DeviceInfos", std::move(infos)}, {"Length", page->total}, {"TotalPage", *total_pages}};
}

Result<boost::json::object> UpdateDevice(store::Transaction& transaction, MnaDeps&,
                                         const Principal& principal,
                                         const api::ParamObject& params) {
  Result<store::AccountRecord> account = CallerAccount(transaction, principal);
  if (!account) return tl::unexpected(account.error());
  Result<store::DeviceRecord> device =
      OwnDevice(transaction, principal, *params.GetString("DeviceId"));
  if (!device) return tl::unexpected(device.error());
  if (std::optional<std::string> name = params.GetString("DeviceName");
      name && *name != device->name) {
    if (Result<void> unique = RequireUniqueDeviceName(transaction, principal.account_uin, *name);
        !unique) {
      return tl::unexpected(unique.error());
    }
    device->name = *name;
  }
  device->remark = params.GetString("Remark").value_or(device->remark);
  device->flow_trunc = params.GetInteger("FlowTrunc").value_or(device->flow_trunc);
  Result<void> updated = transaction.UpdateDevice(*device);
  if (!updated) return tl::unexpected(updated.error());
  return boost::json::object{};
}

Result<boost::json::object> DeleteDevice(store::Transaction& transaction, MnaDeps&,
                                         const Principal& principal,
                                         const api::ParamObject& params) {
  Result<store::AccountRecord> account = CallerAccount(transaction, principal);
  if (!account) return tl::unexpected(account.error());
  Result<store::DeviceRecord> device =
      OwnDevice(transaction, principal, *params.GetString("DeviceId"));
  if (!device) return tl::unexpected(device.error());
  Result<void> deleted = RemoveDevice(transaction, device->device_id);
  if (!deleted) return tl::unexpected(deleted.error());
  return boost::json::object{};
}

}  // namespace

void RegisterDeviceActions(api::Router& router, MnaDeps& deps) {
  ParamSpec device_id = ParamSpec::String("DeviceId").Required().Length(1, 64);
  AddRule(router, deps, "AddDevice",
          {ParamSpec::String("DeviceName").Required().Length(1, 128),
           ParamSpec::String("Remark").Length(0, 256), ParamSpec::String("DataKey").Length(1, 256),
           ParamSpec::Boolean("Encrypted"), ParamSpec::Integer("AccessScope").Range(0, 2),
           ParamSpec::Integer("LicensePayMode").Range(0, 1), ParamSpec::String("GroupName"),
           ParamSpec::String("GroupId"), ParamSpec::Integer("FlowTrunc").Range(0, 1)},
          Access::kWrite, AddDevice);
  AddRule(router, deps, "GetDevice", {device_id}, Access::kRead, GetDevice);
  AddRule(
      router, deps, "GetDevices",
      {ParamSpec::Integer("PageSize").Required(), ParamSpec::Integer("PageNumber").Required(),
       ParamSpec::String("Keyword").Length(0, 128), ParamSpec::Integer("DeviceType").Range(1, 2)},
      Access::kRead, GetDevices);
  AddRule(router, deps, "UpdateDevice",
          {device_id, ParamSpec::String("DeviceName").Length(1, 128),
           ParamSpec::String("Remark").Length(0, 256),
           ParamSpec::ArrayOf(
               "UpdateNetInfo",
               ParamSpec::Object(
                   "", {ParamSpec::Integer("Type").Range(0, 2), ParamSpec::Boolean("DataEnable"),
                        ParamSpec::Integer("UploadLimit").Range(0, INT64_MAX),
                        ParamSpec::Integer("DownloadLimit").Range(0, INT64_MAX),
                        ParamSpec::String("NetInfoName")})),
           ParamSpec::Integer("FlowTrunc").Range(0, 1)},
          Access::kWrite, UpdateDevice);
  AddRule(router, deps, "DeleteDevice", {device_id}, Access::kWrite, DeleteDevice);
}

}  // namespace mnad::mna
