#include "mna/actions.h"

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

}  // namespace

void RegisterMnaActions(api::Router& router, store::Store& store) {
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
