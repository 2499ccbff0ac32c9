#include "mna/actions.h"

#include "mna/license_purchase.h"

namespace mnad::mna {
namespace {

// GetDevicePayMode: how each device's traffic is paid. No flow package can
// exist yet in this server, so every device of the caller is postpaid
// (PayMode 0); an id that is not the caller's device is refused, naming it.
void GetDevicePayMode(store::Store& store, const api::CallContext& context,
                      const api::ParamObject& params, api::ActionReply reply) {
  boost::json::array result;
  for (const std::string& device_id : params.GetStringList("DeviceIdList")) {
    Result<std::optional<store::DeviceRecord>> device =
        store.FindDevice(context.principal.account_uin, device_id);
    if (!device) return reply(tl::unexpected(device.error()));
    if (!device->has_value()) {
      return reply(Fail(ErrorCode::kOperationDeniedDeviceNotFound,
                        "The device " + device_id + " does not exist in this account."));
    }
    result.push_back(boost::json::object{{"DeviceId", device_id},
                                         {"PayMode", 0},
                                         {"PayModeDesc", "postpaid by traffic"},
                                         {"ResourceId", ""}});
  }
  reply(boost::json::object{{"Result", std::move(result)}});
}

// OrderPerLicense: decode, then run the purchase in one transaction; the
// reply waits for the commit that makes it durable.
void OrderPerLicenseHandler(store::Store& store, const Clock& clock, Random& random,
                            const api::CallContext& context, const api::ParamObject& params,
                            api::ActionReply reply) {
  std::vector<std::string> voucher_ids = params.GetStringList("VoucherIds");
  if (voucher_ids.size() > 1) {
    return reply(Fail(ErrorCode::kInvalidParameter,
                      "The parameter `VoucherIds` takes at most one voucher id."));
  }
  LicensePurchase purchase{
      .principal = context.principal,
      .target_id = *params.GetString("DeviceId"),
      .target = *params.GetInteger("Type") == 1 ? LicenseTarget::kHardware : LicenseTarget::kDevice,
      .roll_back = params.GetBoolean("RollBack").value_or(false),
      .voucher = {.auto_voucher = params.GetBoolean("AutoVoucher").value_or(false)},
      .now_unix_millis = clock.NowUnixMillis()};
  if (!voucher_ids.empty()) purchase.voucher.voucher_id = voucher_ids.front();
  store::RunInTransaction<LicensePurchased>(
      store,
      [purchase = std::move(purchase), &random](store::Transaction& transaction) {
        return OrderPerLicense(transaction, purchase, random);
      },
      [reply = std::move(reply)](Result<LicensePurchased> purchased) {
        if (!purchased) return reply(tl::unexpected(purchased.error()));
        reply(boost::json::object{{"ResourceId", purchased->resource_id}});
      });
}

}  // namespace

void RegisterMnaActions(api::Router& router, store::Store& store, const Clock& clock,
                        Random& random) {
  router.Add({.service = kService,
              .version = kVersion,
              .action = "OrderPerLicense",
              .params = {api::ParamSpec::String("DeviceId").Required().Length(1, 64),
                         api::ParamSpec::Integer("Type").Required().Range(0, 1),
                         api::ParamSpec::Boolean("RollBack"),
                         api::ParamSpec::Boolean("AutoVoucher"),
                         api::ParamSpec::ArrayOf("VoucherIds", api::ParamSpec::String("").Length(1, 64))},
              .region_required = true,
              .handler = [&store, &clock, &random](const api::CallContext& context,
                                                   const api::ParamObject& params,
                                                   api::ActionReply reply) {
                OrderPerLicenseHandler(store, clock, random, context, params, std::move(reply));
              }});
  router.Add(
      {.service = kService,
       .version = kVersion,
       .action = "GetDevicePayMode",
       .params = {api::ParamSpec::ArrayOf("DeviceIdList", api::ParamSpec::String("").Length(1, 64))
                      .Required()
                      .Items(1, 100)},
       .region_required = true,
       .handler = [&store](const api::CallContext& context, const api::ParamObject& params,
                           api::ActionReply reply) {
         GetDevicePayMode(store, context, params, std::move(reply));
       }});
}

}  // namespace mnad::mna
