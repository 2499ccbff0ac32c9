// OrderFlowPackage, GetFlowPackages, ModifyPackageRenewFlag, GetDevicePayMode.
#include <boost/json.hpp>
#include <set>

#include "mna/action_support.h"
#include "mna/actions.h"
#include "mna/flow_package_purchase.h"

namespace mnad::mna {
namespace {

using api::ParamSpec;

Result<boost::json::object> OrderFlowPackageRule(store::Transaction& transaction, MnaDeps& deps,
                                                 const Principal& principal,
                                                 const api::ParamObject& params) {
  Result<billing::VoucherChoice> voucher = VoucherChoiceOf(params);
  if (!voucher) return tl::unexpected(voucher.error());
  FlowPackagePurchase purchase{.principal = principal,
                               .package_type = *params.GetString("PackageType"),
                               .device_ids = params.GetStringList("DeviceList"),
                               .auto_renew = *params.GetBoolean("AutoRenewFlag"),
                               .package_region = *params.GetInteger("PackageRegion"),
                               .trunc = params.GetBoolean("FlowTruncFlag").value_or(false),
                               .voucher = *voucher,
                               .now_unix_millis = deps.clock.NowUnixMillis()};
  if (purchase.auto_renew && purchase.trunc) {
    return Fail(
        ErrorCode::kInvalidParameter,
        "AutoRenewFlag and FlowTruncFlag cannot both be true: a truncated package does not renew.");
  }
  if (std::set<std::string>(purchase.device_ids.begin(), purchase.device_ids.end()).size() !=
      purchase.device_ids.size()) {
    return Fail(ErrorCode::kInvalidParameter,
                "The parameter `DeviceList` names a device more than once.");
  }
  const PackageTier* tier = FindPackageTier(purchase.package_type);
  if (static_cast<int>(purchase.device_ids.size()) > tier->devices_max) {
    return Fail(ErrorCode::kLimitExceeded, std::string("A ") + tier->type +
                                               " package binds at most " +
                                               std::to_string(tier->devices_max) + " device(s).");
  }
  Result<store::FlowPackageRecord> package = OrderFlowPackage(transaction, purchase, deps.random);
  if (!package) return tl::unexpected(package.error());
  return boost::json::object{{"ResourceId", package->resource_id}};
}

boost::json::object FlowPackageInfoJson(const store::FlowPackageRecord& package, int64_t app_id,
                                        int64_t now_unix) {
  const PackageTier* tier = FindPackageTier(package.package_type);
  int64_t capacity = tier != nullptr ? tier->capacity_mb : 0;
  boost::json::array devices;
  for (const std::string& id : package.device_ids) devices.push_back(boost::json::string(id));
  return boost::json::object{{"ResourceId", package.resource_id},
                             {"AppId", app_id},
                             {"PackageType", package.package_type},
                             {"Status", FlowPackageStatus(package, now_unix)},
                             {"CreateTime", package.created_unix_millis / 1000},
                             {"ActiveTime", package.active_unix},
                             {"ExpireTime", package.expire_unix},
                             {"DeviceList", std::move(devices)},
                             {"CapacitySize", capacity},
                             {"CapacityRemain", capacity},
                             {"RenewFlag", package.auto_renew},
                             {"ModifyStatus", 0},
                             {"TruncFlag", package.trunc},
                             {"CapacityRemainPrecise", capacity}};
}

Result<boost::json::object> GetFlowPackages(store::Transaction& transaction, MnaDeps& deps,
                                            const Principal& principal,
                                            const api::ParamObject& params) {
  Result<PageRequest> request =
      PageOf(*params.GetInteger("PageNumber"), *params.GetInteger("PageSize"), false);
  if (!request) return Fail(ErrorCode::kInvalidParameter, request.error().message);
  int64_t now_unix = deps.clock.NowUnixSeconds();
  store::FlowPackageQuery query{.resource_id = params.GetString("ResourceId"),
                                .device_id = params.GetString("DeviceId"),
                                .status = params.GetInteger("Status"),
                                .now_unix = now_unix};
  Result<store::Page<store::FlowPackageRecord>> page =
      transaction.ListFlowPackagesPage(principal.account_uin, query, request->window);
  if (!page) return tl::unexpected(page.error());
  boost::json::array list;
  for (const store::FlowPackageRecord& package : page->items) {
    list.push_back(FlowPackageInfoJson(package, principal.app_id, now_unix));
  }
  return boost::json::object{{"PackageList", std::move(list)}, {"Total", page->total}};
}

Result<boost::json::object> ModifyPackageRenewFlag(store::Transaction& transaction, MnaDeps& deps,
                                                   const Principal& principal,
                                                   const api::ParamObject& params) {
  Result<store::AccountRecord> account = CallerAccount(transaction, principal);
  if (!account) return tl::unexpected(account.error());
  Result<std::vector<store::FlowPackageRecord>> packages =
      transaction.ListFlowPackages(principal.account_uin);
  if (!packages) return tl::unexpected(packages.error());
  std::string resource_id = *params.GetString("ResourceId");
  bool renew = *params.GetBoolean("RenewFlag");
  for (const store::FlowPackageRecord& package : *packages) {
    if (package.resource_id != resource_id) continue;
    if (FlowPackageStatus(package, deps.clock.NowUnixSeconds()) == 2) {
      return Fail(ErrorCode::kResourceUnavailable,
                  "The flow package " + resource_id + " has expired.");
    }
    if (renew && package.trunc) {
      return Fail(ErrorCode::kOperationDeniedTruncFlagOn,
                  "The flow package " + resource_id +
                      " truncates traffic, so it cannot renew automatically.");
    }
    Result<void> updated = transaction.SetFlowPackageRenewFlag(resource_id, renew);
    if (!updated) return tl::unexpected(updated.error());
    return boost::json::object{};
  }
  return Fail(ErrorCode::kResourceNotFound,
              "The flow package " + resource_id + " does not exist in this account.");
}

// How each device's traffic is paid: by the flow package in effect that it
// is bound to (PayMode 1), else postpaid (0).
Result<boost::json::object> GetDevicePayMode(store::Transaction& transaction, MnaDeps& deps,
                                             const Principal& principal,
                                             const api::ParamObject& params) {
  Result<std::vector<store::FlowPackageRecord>> packages =
      transaction.ListFlowPackages(principal.account_uin);
  if (!packages) return tl::unexpected(packages.error());
  int64_t now_unix = deps.clock.NowUnixSeconds();
  boost::json::array result;
  for (const std::string& device_id : params.GetStringList("DeviceIdList")) {
    Result<std::optional<store::DeviceRecord>> device =
        transaction.FindDevice(principal.account_uin, device_id);
    if (!device) return tl::unexpected(device.error());
    if (!device->has_value()) {
      return Fail(ErrorCode::kOperationDeniedDeviceNotFound,
                  "The device " + device_id + " does not exist in this account.");
    }
    boost::json::object info{{"DeviceId", device_id},
                             {"PayMode", 0},
                             {"PayModeDesc", "postpaid by traffic"},
                             {"ResourceId", ""}};
    for (const store::FlowPackageRecord& package : *packages) {
      if (FlowPackageStatus(package, now_unix) == 1 &&
          std::find(package.device_ids.begin(), package.device_ids.end(), device_id) !=
              package.device_ids.end()) {
        info["PayMode"] = 1;
        info["PayModeDesc"] = package.package_type + " flow package";
        info["ResourceId"] = package.resource_id;
      }
    }
    result.push_back(std::move(info));
  }
  return boost::json::object{{"Result", std::move(result)}};
}

}  // namespace

void RegisterFlowPackageActions(api::Router& router, MnaDeps& deps) {
  ParamSpec voucher_ids = VoucherIdsParam();
  AddRule(router, deps, "OrderFlowPackage",
          {ParamSpec::String("PackageType")
               .Required()
               .OneOf({"DEVICE_1_FLOW_20G", "DEVICE_2_FLOW_50G", "DEVICE_3_FLOW_100G",
                       "DEVICE_5_FLOW_500G"}),
           ParamSpec::ArrayOf("DeviceList", ParamSpec::String("").Length(1, 64))
               .Required()
               .Items(1, 100),
           ParamSpec::Boolean("AutoRenewFlag").Required(),
           ParamSpec::Integer("PackageRegion").Required().Range(0, 1),
           ParamSpec::Boolean("FlowTruncFlag"), ParamSpec::Boolean("AutoVoucher"), voucher_ids},
          Access::kWrite, OrderFlowPackageRule, /*region_required=*/true);
  AddRule(router, deps, "GetFlowPackages",
          {ParamSpec::Integer("PageNumber").Required(), ParamSpec::Integer("PageSize").Required(),
           ParamSpec::String("ResourceId"), ParamSpec::String("DeviceId"),
           ParamSpec::Integer("Status").Range(0, 2), ParamSpec::String("ActiveTimeStart"),
           ParamSpec::String("ActiveTimeEnd")},
          Access::kRead, GetFlowPackages, /*region_required=*/true);
  AddRule(router, deps, "ModifyPackageRenewFlag",
          {ParamSpec::String("ResourceId").Required().Length(1, 64),
           ParamSpec::Boolean("RenewFlag").Required()},
          Access::kWrite, ModifyPackageRenewFlag, /*region_required=*/true);
  AddRule(router, deps, "GetDevicePayMode",
          {ParamSpec::ArrayOf("DeviceIdList", ParamSpec::String("").Length(1, 64))
               .Required()
               .Items(1, 100)},
          Access::kRead, GetDevicePayMode, /*region_required=*/true);
}

}  // namespace mnad::mna
