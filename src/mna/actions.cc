#include "mna/actions.h"

#include <boost/json.hpp>

#include "mna/license_purchase.h"

namespace mnad::mna {
namespace {

using api::ParamSpec;

// OrderPerLicense: decode, then run the purchase in one transaction; the
// reply waits for the commit that makes it durable.
Result<boost::json::object> OrderPerLicenseRule(store::Transaction& transaction, MnaDeps& deps,
                                                const Principal& principal,
                                                const api::ParamObject& params) {
  Result<billing::VoucherChoice> voucher = VoucherChoiceOf(params);
  if (!voucher) return tl::unexpected(voucher.error());
  LicensePurchase purchase{
      .principal = principal,
      .target_id = *params.GetString("DeviceId"),
      .target = *params.GetInteger("Type") == 1 ? LicenseTarget::kHardware : LicenseTarget::kDevice,
      .roll_back = params.GetBoolean("RollBack").value_or(false),
      .voucher = *voucher,
      .now_unix_millis = deps.clock.NowUnixMillis()};
  Result<LicensePurchased> purchased = OrderPerLicense(transaction, purchase, deps.random);
  if (!purchased) return tl::unexpected(purchased.error());
  return boost::json::object{{"ResourceId", purchased->resource_id}};
}

}  // namespace

const std::vector<std::string>& AllMnaActionNames() {
  static const std::vector<std::string> names = {"ActivateHardware",
                                                 "AddApplication",
                                                 "AddCustomerGatewayCluster",
                                                 "AddDevice",
                                                 "AddGateway",
                                                 "AddGroup",
                                                 "AddHardware",
                                                 "AddL3Conn",
                                                 "CreateEncryptedKey",
                                                 "DeleteApplication",
                                                 "DeleteCustomerGatewayCluster",
                                                 "DeleteDevice",
                                                 "DeleteGateway",
                                                 "DeleteGroup",
                                                 "DeleteL3Conn",
                                                 "DescribeAccessPointList",
                                                 "DescribeAccessRegions",
                                                 "DownloadActiveDeviceCount",
                                                 "GetActiveDeviceCount",
                                                 "GetApplication",
                                                 "GetCustomerGatewayClusterList",
                                                 "GetDestIPByName",
                                                 "GetDevice",
                                                 "GetDevicePayMode",
                                                 "GetDevices",
                                                 "GetFlowAlarmInfo",
                                                 "GetFlowPackages",
                                                 "GetFlowStatistic",
                                                 "GetFlowStatisticByGroup",
                                                 "GetFlowStatisticByName",
                                                 "GetFlowStatisticByRegion",
                                                 "GetGatewayList",
                                                 "GetGroupDetail",
                                                 "GetGroupList",
                                                 "GetHardwareInfo",
                                                 "GetHardwareList",
                                                 "GetL3ConnList",
                                                 "GetMonitorDataByName",
                                                 "GetMultiFlowStatistic",
                                                 "GetNetMonitor",
                                                 "GetNetMonitorByName",
                                                 "GetPublicKey",
                                                 "GetStatisticData",
                                                 "GetStatisticDataByName",
                                                 "GetVendorHardware",
                                                 "GroupAddDevice",
                                                 "GroupDeleteDevice",
                                                 "ModifyDeviceAccessRegions",
                                                 "ModifyDeviceAccessScope",
                                                 "ModifyPackageRenewFlag",
                                                 "OrderFlowPackage",
                                                 "OrderPerLicense",
                                                 "ReportOrder",
                                                 "SetNotifyUrl",
                                                 "UpdateApplicationInfo",
                                                 "UpdateApplicationKey",
                                                 "UpdateCustomerGatewayCluster",
                                                 "UpdateDevice",
                                                 "UpdateGroup",
                                                 "UpdateHardware",
                                                 "UpdateL3Cidr",
                                                 "UpdateL3Conn",
                                                 "UpdateL3Switch"};
  return names;
}

void RegisterMnaActions(api::Router& router, MnaDeps& deps) {
  AddRule(router, deps, "OrderPerLicense",
          {ParamSpec::String("DeviceId").Required().Length(1, 64),
           ParamSpec::Integer("Type").Required().Range(0, 1), ParamSpec::Boolean("RollBack"),
           ParamSpec::Boolean("AutoVoucher"), VoucherIdsParam()},
          Access::kWrite, OrderPerLicenseRule, /*region_required=*/true);
  RegisterDeviceActions(router, deps);
  RegisterHardwareActions(router, deps);
  RegisterFlowPackageActions(router, deps);

  // The rest of Tencent's MNA API: a client developer must learn that the
  // action is real but not served here, never that it does not exist.
  for (const std::string& name : AllMnaActionNames()) {
    if (router.Find(kVersion, name)) continue;
    router.Add(
        {.service = kService,
         .version = kVersion,
         .action = name,
         .params_unchecked = true,
         .handler = [name](const api::CallContext&, const api::ParamObject&,
                           api::ActionReply reply) {
           reply(
               Fail(ErrorCode::kUnsupportedOperation,
                    "The action " + name +
                        " exists in Tencent Cloud's MNA API (2021-01-19) but this server does not "
                        "implement it."));
         }});
  }
}

}  // namespace mnad::mna
