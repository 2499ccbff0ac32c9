#include "mna/flow_package_purchase.h"

#include "core/time_format.h"
#include "mna/action_support.h"

namespace mnad::mna {
namespace {

constexpr PackageTier kTiers[] = {
    {"DEVICE_1_FLOW_20G", 1, 20'000},
    {"DEVICE_2_FLOW_50G", 2, 50'000},
    {"DEVICE_3_FLOW_100G", 3, 100'000},
    {"DEVICE_5_FLOW_500G", 5, 500'000},
};

}  // namespace

const PackageTier* FindPackageTier(std::string_view type) {
  for (const PackageTier& tier : kTiers) {
    if (type == tier.type) return &tier;
  }
  return nullptr;
}

int64_t PackagePriceFen(const store::Prices& prices, std::string_view type) {
  if (type == "DEVICE_1_FLOW_20G") return prices.flow_package_20g_fen;
  if (type == "DEVICE_2_FLOW_50G") return prices.flow_package_50g_fen;
  if (type == "DEVICE_3_FLOW_100G") return prices.flow_package_100g_fen;
  return prices.flow_package_500g_fen;
}

int64_t FlowPackageStatus(const store::FlowPackageRecord& package, int64_t now_unix) {
  if (now_unix < package.active_unix) return 0;
  return now_unix < package.expire_unix ? 1 : 2;
}

Result<store::FlowPackageRecord> OrderFlowPackage(store::Transaction& transaction,
                                                  const FlowPackagePurchase& purchase,
                                                  Random& random) {
  const Principal& principal = purchase.principal;
  Result<store::AccountRecord> account = CallerAccount(transaction, principal);
  if (!account) return tl::unexpected(account.error());
  if (!account->service_authorized) {
    return Fail(ErrorCode::kUnauthorizedOperationNoPermission,
                "The account " + account->uin + " has not authorized the MNA service.");
  }
  int64_t now_unix = purchase.now_unix_millis / 1000;
  for (const std::string& device_id : purchase.device_ids) {
    Result<std::optional<store::DeviceRecord>> device =
        transaction.FindDevice(account->uin, device_id);
    if (!device) return tl::unexpected(device.error());
    if (!device->has_value()) {
      return Fail(ErrorCode::kOperationDenied,
                  "The device " + device_id + " does not exist in this account.");
    }
    Result<bool> bound = transaction.DeviceHasFlowPackageInEffect(device_id, now_unix);
    if (!bound) return tl::unexpected(bound.error());
    if (*bound) {
      return Fail(ErrorCode::kResourceInUse,
                  "The device " + device_id +
                      " is already bound to a flow package in effect; packages do not stack.");
    }
  }
  if (!account->identity_verified) {
    return Fail(ErrorCode::kOperationDeniedUnauthorizedUser,
                "The account " + account->uin + " has not completed identity verification.");
  }
  if (!principal.IsRoot() && !principal.payment_allowed) {
    return Fail(ErrorCode::kOperationDeniedNotAllowedToPay,
                "The sub-user " + principal.sub_user_uin + " has no permission to pay orders.");
  }
  Result<store::Prices> prices = transaction.GetPrices();
  if (!prices) return tl::unexpected(prices.error());
  // Vouchers are read only when the caller asked for one.
  Result<std::vector<store::VoucherRecord>> vouchers = std::vector<store::VoucherRecord>();
  if (purchase.voucher.auto_voucher || purchase.voucher.voucher_id)
    vouchers = transaction.ListVouchers(account->uin);
  if (!vouchers) return tl::unexpected(vouchers.error());
  int64_t total = PackagePriceFen(*prices, purchase.package_type);
  Result<billing::PaymentPlan> plan = billing::PlanPayment(
      total, billing::SelectVoucher(*vouchers, purchase.voucher, account->uin, total, now_unix),
      account->balance_fen);
  if (!plan) return tl::unexpected(plan.error());

  store::FlowPackageRecord package{
      .resource_id = random.TimeOrderedUuid(purchase.now_unix_millis) + "-0",
      .account_uin = account->uin,
      .package_type = purchase.package_type,
      .package_region = purchase.package_region,
      .auto_renew = purchase.auto_renew,
      .trunc = purchase.trunc,
      .order_id = "ord-" + random.TimeOrderedUuid(purchase.now_unix_millis),
      .active_unix = now_unix,
      .expire_unix = AddOneCalendarMonth(now_unix),
      .created_unix_millis = purchase.now_unix_millis,
      .device_ids = purchase.device_ids};
  Result<store::OrderRecord> order =
      billing::ApplyPayment(transaction, *account, *plan,
                            {.order_id = package.order_id,
                             .account_uin = account->uin,
                             .caller_uin = principal.CallerUin(),
                             .action = store::JournalAction::kOrderFlowPackage,
                             .resource_id = package.resource_id,
                             .now_unix_millis = purchase.now_unix_millis});
  if (!order) return tl::unexpected(order.error());
  Result<void> inserted = transaction.InsertFlowPackage(package);
  if (!inserted) return tl::unexpected(inserted.error());
  return package;
}

}  // namespace mnad::mna
