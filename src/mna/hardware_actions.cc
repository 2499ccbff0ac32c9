// AddHardware, UpdateHardware, GetVendorHardware, GetHardwareInfo,
// ActivateHardware, GetHardwareList.
#include <boost/json.hpp>
#include <set>

#include "auth/crypto.h"
#include "mna/action_support.h"
#include "mna/actions.h"

namespace mnad::mna {
namespace {

using api::ParamSpec;

std::string Seconds(int64_t unix_millis) {
  return unix_millis == 0 ? "0" : std::to_string(unix_millis / 1000);
}

// The caller must be a registered vendor.
Result<store::AccountRecord> VendorAccount(store::Transaction& transaction,
                                           const Principal& principal) {
  Result<store::AccountRecord> account = CallerAccount(transaction, principal);
  if (!account) return account;
  if (!account->vendor_name) {
    return Fail(
        ErrorCode::kOperationDeniedVendorNotRegister,
        "The account " + principal.account_uin + " is not registered as an MNA hardware vendor.");
  }
  return account;
}

tl::unexpected<Error> DuplicateSn(const std::string& sn) {
  return Fail(ErrorCode::kOperationDeniedDuplicateSn,
              "The SN " + sn + " is already registered by this vendor.");
}

Result<boost::json::object> AddHardware(store::Transaction& transaction, MnaDeps& deps,
                                        const Principal& principal,
                                        const api::ParamObject& params) {
  Result<store::AccountRecord> vendor = VendorAccount(transaction, principal);
  if (!vendor) return tl::unexpected(vendor.error());
  std::set<std::string> serials;
  boost::json::array added;
  int64_t now_ms = deps.clock.NowUnixMillis();
  for (const api::ParamObject& item : params.GetObjectList("Hardware")) {
    store::HardwareRecord hardware;
    hardware.vendor_uin = vendor->uin;
    hardware.sn = *item.GetString("SN");
    if (!serials.insert(hardware.sn).second) return DuplicateSn(hardware.sn);
    Result<std::optional<store::HardwareRecord>> existing =
        transaction.FindHardwareBySn(vendor->uin, hardware.sn);
    if (!existing) return tl::unexpected(existing.error());
    if (existing->has_value()) return DuplicateSn(hardware.sn);
    hardware.hardware_id = NewId(deps.random, "cpe-");
    hardware.license_charging_mode = *item.GetInteger("LicenseChargingMode");
    hardware.description = item.GetString("Description").value_or("");
    hardware.created_unix_millis = now_ms;
    Result<void> inserted = transaction.InsertHardware(hardware);
    if (!inserted) return tl::unexpected(inserted.error());
    added.push_back(boost::json::object{{"SN", hardware.sn},
                                        {"LicenseChargingMode", hardware.license_charging_mode},
                                        {"Description", hardware.description},
                                        {"HardwareId", hardware.hardware_id}});
  }
  return boost::json::object{{"Hardware", std::move(added)}};
}

Result<boost::json::object> UpdateHardware(store::Transaction& transaction, MnaDeps&,
                                           const Principal& principal,
                                           const api::ParamObject& params) {
  Result<store::AccountRecord> vendor = VendorAccount(transaction, principal);
  if (!vendor) return tl::unexpected(vendor.error());
  std::string hardware_id = *params.GetString("HardwareId");
  Result<std::optional<store::HardwareRecord>> hardware =
      transaction.FindHardware(vendor->uin, hardware_id);
  if (!hardware) return tl::unexpected(hardware.error());
  if (!hardware->has_value()) {
    return Fail(ErrorCode::kInvalidParameterValue,
                "The hardware " + hardware_id + " does not exist for this vendor.");
  }
  if (std::optional<std::string> sn = params.GetString("SN"); sn && *sn != (*hardware)->sn) {
    if ((*hardware)->activated_device_id) {
      return Fail(ErrorCode::kInvalidParameterValue,
                  "The hardware " + hardware_id + " is activated as " +
                      *(*hardware)->activated_device_id + "; its SN can no longer change.");
    }
    Result<std::optional<store::HardwareRecord>> existing =
        transaction.FindHardwareBySn(vendor->uin, *sn);
    if (!existing) return tl::unexpected(existing.error());
    if (existing->has_value()) return DuplicateSn(*sn);
    (*hardware)->sn = *sn;
  }
  (*hardware)->description = params.GetString("Description").value_or((*hardware)->description);
  Result<void> updated = transaction.UpdateHardware(**hardware);
  if (!updated) return tl::unexpected(updated.error());
  return boost::json::object{};
}

Result<boost::json::object> GetVendorHardware(store::Transaction& transaction, MnaDeps&,
                                              const Principal& principal,
                                              const api::ParamObject& params) {
  Result<store::AccountRecord> vendor = VendorAccount(transaction, principal);
  if (!vendor) return tl::unexpected(vendor.error());
  Result<PageRequest> request =
      PageOf(*params.GetInteger("PageNumber"), *params.GetInteger("PageSize"), false);
  if (!request) return tl::unexpected(request.error());
  store::HardwareQuery query{.keyword = params.GetString("Keyword").value_or("")};
  std::optional<int64_t> status = params.GetInteger("Status");
  if (status == 1 || status == 2) query.activated = status == 2;
  Result<store::Page<store::HardwareRecord>> page =
      transaction.ListHardwarePage(vendor->uin, query, request->window);
  if (!page) return tl::unexpected(page.error());
  Result<int64_t> total_pages = TotalPages(*request, page->total);
  if (!total_pages) return tl::unexpected(total_pages.error());
  boost::json::array items;
  for (const store::HardwareRecord& h : page->items) {
    std::optional<store::DeviceRecord> device;
    if (h.activated_device_id && h.activated_by_uin) {
      Result<std::optional<store::DeviceRecord>> found =
          transaction.FindDevice(*h.activated_by_uin, *h.activated_device_id);
      if (!found) return tl::unexpected(found.error());
      device = *found;
    }
    items.push_back(boost::json::object{{"HardwareId", h.hardware_id},
                                        {"SN", h.sn},
                                        {"CreateTime", Seconds(h.created_unix_millis)},
                                        {"Status", h.activated_device_id ? 2 : 1},
                                        {"ActiveTime", Seconds(h.activated_unix_millis)},
                                        {"Description", h.description},
                                        {"DeviceId", h.activated_device_id.value_or("")},
                                        {"LicenseChargingMode", h.license_charging_mode},
                                        {"LastOnlineTime", "0"},
                                        {"LicensePayMode", HardwareLicensePayMode(h, device)},
                                        {"Payer", HardwarePayer(h)}});
  }
  return boost::json::object{{"VendorHardware", std::move(items)},
                             {"Length", page->total},
                             {"TotalPage", *total_pages}};
}

// The hardware a (Vendor name, SN) pair names, or HardwareNotExist.
Result<store::HardwareRecord> HardwareByVendorAndSn(store::Transaction& transaction,
                                                    const std::string& vendor_name,
                                                    const std::string& sn, bool vendor_must_exist) {
  Result<std::optional<store::AccountRecord>> vendor = transaction.FindVendorByName(vendor_name);
  if (!vendor) return tl::unexpected(vendor.error());
  if (!vendor->has_value()) {
    if (vendor_must_exist) {
      return Fail(ErrorCode::kOperationDeniedVendorNotRegister,
                  "No vendor named " + vendor_name + " is registered.");
    }
    return Fail(ErrorCode::kOperationDeniedHardwareNotExist,
                "No hardware " + sn + " of vendor " + vendor_name + " exists.");
  }
  Result<std::optional<store::HardwareRecord>> hardware =
      transaction.FindHardwareBySn((*vendor)->uin, sn);
  if (!hardware) return tl::unexpected(hardware.error());
  if (!hardware->has_value()) {
    return Fail(ErrorCode::kOperationDeniedHardwareNotExist,
                "No hardware " + sn + " of vendor " + vendor_name + " exists.");
  }
  return std::move(**hardware);
}

Result<boost::json::object> GetHardwareInfo(store::Transaction& transaction, MnaDeps&,
                                            const Principal&, const api::ParamObject& params) {
  std::string vendor_name = *params.GetString("Vendor");
  std::string sn = *params.GetString("SN");
  Result<store::HardwareRecord> hardware =
      HardwareByVendorAndSn(transaction, vendor_name, sn, false);
  if (!hardware) return tl::unexpected(hardware.error());
  std::optional<store::DeviceRecord> device;
  if (hardware->activated_device_id && hardware->activated_by_uin) {
    Result<std::optional<store::DeviceRecord>> found =
        transaction.FindDevice(*hardware->activated_by_uin, *hardware->activated_device_id);
    if (!found) return tl::unexpected(found.error());
    device = *found;
  }
  return boost::json::object{{"LicensePayMode", HardwareLicensePayMode(*hardware, device)},
                             {"Payer", HardwarePayer(*hardware)},
                             {"SN", sn},
                             {"Vendor", vendor_name}};
}

// Activation turns each (Vendor, SN) into a device of the caller. All or
// nothing: one refusal undoes the batch.
Result<boost::json::object> ActivateHardware(store::Transaction& transaction, MnaDeps& deps,
                                             const Principal& principal,
                                             const api::ParamObject& params) {
  Result<store::AccountRecord> account = CallerAccount(transaction, principal);
  if (!account) return tl::unexpected(account.error());
  int64_t now_ms = deps.clock.NowUnixMillis();
  boost::json::array activated;
  for (const api::ParamObject& item : params.GetObjectList("Hardware")) {
    std::string vendor_name = *item.GetString("Vendor");
    Result<store::HardwareRecord> hardware =
        HardwareByVendorAndSn(transaction, vendor_name, *item.GetString("SN"), true);
    if (!hardware) return tl::unexpected(hardware.error());
    if (hardware->activated_device_id) {
      return Fail(ErrorCode::kOperationDeniedHardwareHasActivated,
                  "The hardware " + hardware->sn + " of vendor " + vendor_name +
                      " is already activated as " + *hardware->activated_device_id + ".");
    }
    if (Result<void> no_group = RequireNoGroup(item.GetString("GroupId")); !no_group) {
      return tl::unexpected(no_group.error());
    }
    store::DeviceRecord device;
    device.account_uin = principal.account_uin;
    device.name = *item.GetString("DeviceName");
    if (Result<void> unique = RequireUniqueDeviceName(transaction, device.account_uin, device.name);
        !unique) {
      return tl::unexpected(unique.error());
    }
    device.device_id = NewId(deps.random, "mna-");
    device.remark = item.GetString("Description").value_or("");
    device.data_key =
        item.GetString("DataKey").value_or(auth::Base64Encode(auth::SecureRandomBytes(16)));
    if (!IsBase64(device.data_key)) {
      return Fail(ErrorCode::kInvalidParameterValue,
                  "The parameter `Hardware.DataKey` must be a base64 string.");
    }
    Result<bool> key_taken = transaction.DataKeyExists(device.data_key);
    if (!key_taken) return tl::unexpected(key_taken.error());
    if (*key_taken)
      return Fail(ErrorCode::kInvalidParameterValue,
                  "The DataKey is already used by another device.");
    device.access_scope = item.GetInteger("AccessScope").value_or(0);
    device.flow_trunc = item.GetInteger("FlowTrunc").value_or(0);
    device.hardware_id = hardware->hardware_id;
    device.vendor_name = vendor_name;
    device.sn = hardware->sn;
    device.created_unix_millis = now_ms;
    // The payer follows LicenseChargingMode; the tenant's LicensePayMode
    // counts only when the tenant pays.
    if (hardware->license_charging_mode == 1) {
      device.license_payer = store::LicensePayer::kCustomer;
      device.license_pay_mode = item.GetInteger("LicensePayMode").value_or(0);
    } else {
      device.license_payer = store::LicensePayer::kVendor;
      device.license_pay_mode = hardware->license_charging_mode == 3 ? 1 : 0;
    }
    Result<void> inserted = transaction.InsertDevice(device);
    if (!inserted) return tl::unexpected(inserted.error());
    hardware->activated_device_id = device.device_id;
    hardware->activated_by_uin = principal.account_uin;
    hardware->activated_unix_millis = now_ms;
    hardware->tenant_description = device.remark;
    Result<void> updated = transaction.UpdateHardware(*hardware);
    if (!updated) return tl::unexpected(updated.error());
    Result<void> moved = transaction.MoveLicenseToDevice(hardware->hardware_id, device.device_id);
    if (!moved) return tl::unexpected(moved.error());
    activated.push_back(boost::json::object{{"Vendor", vendor_name},
                                            {"SN", hardware->sn},
                                            {"DeviceName", device.name},
                                            {"Description", device.remark},
                                            {"DataKey", device.data_key},
                                            {"AccessScope", device.access_scope},
                                            {"LicensePayMode", device.license_pay_mode},
                                            {"GroupId", ""},
                                            {"GroupName", ""},
                                            {"FlowTrunc", device.flow_trunc},
                                            {"DeviceId", device.device_id}});
  }
  return boost::json::object{{"HardwareInfo", std::move(activated)}};
}

// The caller's devices that came from vendor hardware.
Result<boost::json::object> GetHardwareList(store::Transaction& transaction, MnaDeps&,
                                            const Principal& principal,
                                            const api::ParamObject& params) {
  Result<PageRequest> request =
      PageOf(*params.GetInteger("PageNumber"), *params.GetInteger("PageSize"), false);
  if (!request) return tl::unexpected(request.error());
  store::DeviceQuery query{.keyword = params.GetString("Keyword").value_or(""),
                           .keyword_in_sn = true,
                           .from_hardware = true};
  Result<store::Page<store::DeviceRecord>> page =
      transaction.ListDevicesPage(principal.account_uin, query, request->window);
  if (!page) return tl::unexpected(page.error());
  Result<int64_t> total_pages = TotalPages(*request, page->total);
  if (!total_pages) return tl::unexpected(total_pages.error());
  boost::json::array items;
  for (const store::DeviceRecord& device : page->items) {
    Result<std::optional<store::HardwareRecord>> hardware =
        transaction.FindHardwareById(*device.hardware_id);
    if (!hardware) return tl::unexpected(hardware.error());
    store::HardwareRecord h = hardware->value_or(store::HardwareRecord{});
    items.push_back(boost::json::object{{"DeviceId", device.device_id},
                                        {"DeviceName", device.name},
                                        {"ActiveTime", Seconds(h.activated_unix_millis)},
                                        {"LastOnlineTime", "0"},
                                        {"Description", device.remark},
                                        {"VendorDescription", h.description},
                                        {"LicenseChargingMode", h.license_charging_mode},
                                        {"CreateTime", Seconds(h.created_unix_millis)},
                                        {"SN", device.sn},
                                        {"LicensePayMode", device.license_pay_mode},
                                        {"Payer", static_cast<int64_t>(device.license_payer)},
                                        {"GroupId", device.group_id},
                                        {"GroupName", ""},
                                        {"FlowTrunc", device.flow_trunc}});
  }
  return boost::json::object{{"HardwareInfos", std::move(items)},
                             {"Length", page->total},
                             {"TotalPage", *total_pages}};
}

}  // namespace

void RegisterHardwareActions(api::Router& router, MnaDeps& deps) {
  ParamSpec sn = ParamSpec::String("SN").Required().Length(1, 128);
  std::vector<ParamSpec> paging = {ParamSpec::Integer("PageNumber").Required(),
                                   ParamSpec::Integer("PageSize").Required(),
                                   ParamSpec::String("Keyword").Length(0, 128)};
  AddRule(router, deps, "AddHardware",
          {ParamSpec::ArrayOf(
               "Hardware",
               ParamSpec::Object(
                   "", {sn, ParamSpec::Integer("LicenseChargingMode").Required().Range(1, 3),
                        ParamSpec::String("Description").Length(0, 256),
                        ParamSpec::String("HardwareId")}))
               .Required()
               .Items(1, 100)},
          Access::kWrite, AddHardware);
  AddRule(router, deps, "UpdateHardware",
          {ParamSpec::String("HardwareId").Required().Length(1, 64),
           ParamSpec::String("SN").Length(1, 128), ParamSpec::String("Description").Length(0, 256)},
          Access::kWrite, UpdateHardware);
  std::vector<ParamSpec> vendor_hardware = paging;
  vendor_hardware.push_back(ParamSpec::Integer("Status").Range(0, 2));
  AddRule(router, deps, "GetVendorHardware", vendor_hardware, Access::kRead, GetVendorHardware);
  AddRule(router, deps, "GetHardwareInfo",
          {ParamSpec::String("Vendor").Required().Length(1, 128), sn}, Access::kRead,
          GetHardwareInfo);
  AddRule(router, deps, "ActivateHardware",
          {ParamSpec::ArrayOf(
               "Hardware",
               ParamSpec::Object("", {ParamSpec::String("Vendor").Required().Length(1, 128), sn,
                                      ParamSpec::String("DeviceName").Required().Length(1, 128),
                                      ParamSpec::String("Description").Length(0, 256),
                                      ParamSpec::String("DataKey").Length(1, 256),
                                      ParamSpec::Integer("AccessScope").Range(0, 2),
                                      ParamSpec::Integer("LicensePayMode").Range(0, 1),
                                      ParamSpec::String("GroupId"), ParamSpec::String("GroupName"),
                                      ParamSpec::Integer("FlowTrunc").Range(0, 1),
                                      ParamSpec::String("DeviceId")}))
               .Required()
               .Items(1, 100)},
          Access::kWrite, ActivateHardware);
  AddRule(router, deps, "GetHardwareList", paging, Access::kRead, GetHardwareList);
}

}  // namespace mnad::mna
