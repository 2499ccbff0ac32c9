#include "mna/license_purchase.h"

#include "mna/action_support.h"

namespace mnad::mna {
namespace {

// The purchase itself was refused (checks 8-10): with RollBack, delete the
// target in the same transaction, unless it is bound to a flow package in
// effect. The refusal's code stays; its message says what happened.
Error RollBack(store::Transaction& transaction, const LicensePurchase& purchase, Error refusal) {
  if (!purchase.roll_back) return refusal;
  int64_t now_unix = purchase.now_unix_millis / 1000;
  if (purchase.target == LicenseTarget::kDevice) {
    Result<bool> bound = transaction.DeviceHasFlowPackageInEffect(purchase.target_id, now_unix);
    if (!bound) return bound.error();
    if (*bound) {
      refusal.message += " Rollback was not allowed: the device " + purchase.target_id +
                         " is bound to a flow package in effect, so it was kept.";
      return refusal;
    }
    Result<void> deleted = RemoveDevice(transaction, purchase.target_id);
    if (!deleted) return deleted.error();
    refusal.message += " Rolled back: the device " + purchase.target_id + " was deleted.";
  } else {
    Result<void> deleted = transaction.DeleteHardware(purchase.target_id);
    if (!deleted) return deleted.error();
    refusal.message += " Rolled back: the hardware " + purchase.target_id + " was deleted.";
  }
  transaction.KeepChangesOnError();
  return refusal;
}

// Checks 5-7 for a Type 0 target: the caller's own device, not yet licensed,
// licensed per purchase by the tenant.
Result<void> CheckDevice(store::Transaction& transaction, const LicensePurchase& purchase) {
  Result<std::optional<store::DevicePurchaseTarget>> device =
      transaction.FindDevicePurchaseTarget(purchase.principal.account_uin, purchase.target_id);
  if (!device) return tl::unexpected(device.error());
  if (!device->has_value()) {
    return Fail(ErrorCode::kOperationDeniedDeviceNotFound,
                "The device " + purchase.target_id + " does not exist in this account.");
  }
  if ((*device)->license_resource_id) {
    return Fail(ErrorCode::kOperationDeniedRepeatPurchase,
                "The device " + purchase.target_id + " already holds the permanent license " +
                    *(*device)->license_resource_id + ".");
  }
  if ((*device)->license_payer == store::LicensePayer::kVendor) {
    return Fail(ErrorCode::kOperationDenied,
                "The license of device " + purchase.target_id + " is paid by its vendor.");
  }
  if ((*device)->license_pay_mode != 1) {
    return Fail(ErrorCode::kOperationDenied,
                "The device " + purchase.target_id +
                    " is licensed monthly (LicensePayMode 0); only a permanent-license device "
                    "(LicensePayMode 1) is bought with OrderPerLicense.");
  }
  return {};
}

// Checks 5-7 for a Type 1 target: the caller is a vendor, the hardware is
// its own and unactivated, not yet licensed, vendor-permanent.
Result<void> CheckHardware(store::Transaction& transaction, const store::AccountRecord& account,
                           const LicensePurchase& purchase) {
  if (!account.vendor_name) {
    return Fail(ErrorCode::kOperationDenied,
                "The account " + account.uin +
                    " is not a registered hardware vendor; Type 1 purchases are for vendors.");
  }
  Result<std::optional<store::HardwareRecord>> hardware =
      transaction.FindHardware(account.uin, purchase.target_id);
  if (!hardware) return tl::unexpected(hardware.error());
  if (!hardware->has_value() || (*hardware)->activated_device_id) {
    return Fail(ErrorCode::kOperationDeniedDeviceNotFound,
                "No unactivated hardware " + purchase.target_id + " of this vendor exists.");
  }
  Result<std::optional<store::LicenseRecord>> license =
      transaction.FindLicenseByHardware(purchase.target_id);
  if (!license) return tl::unexpected(license.error());
  if (license->has_value()) {
    return Fail(ErrorCode::kOperationDeniedRepeatPurchase,
                "The hardware " + purchase.target_id + " already holds the permanent license " +
                    (*license)->resource_id + ".");
  }
  if ((*hardware)->license_charging_mode != 3) {
    return Fail(ErrorCode::kOperationDenied,
                "The hardware " + purchase.target_id + " has LicenseChargingMode " +
                    std::to_string((*hardware)->license_charging_mode) +
                    "; only vendor-permanent hardware (3) is bought with OrderPerLicense.");
  }
  return {};
}

}  // namespace

Result<LicensePurchased> OrderPerLicense(store::Transaction& transaction,
                                         const LicensePurchase& purchase, Random& random) {
  const Principal& principal = purchase.principal;
  Result<std::optional<store::AccountRecord>> found =
      transaction.FindAccount(principal.account_uin);
  if (!found) return tl::unexpected(found.error());
  if (!found->has_value()) {
    return Fail(ErrorCode::kInternalError, "the calling account no longer exists");
  }
  const store::AccountRecord& account = **found;

  // 2. Suspension is checked again here: the operator may have acted since
  // the request was authenticated.
  if (account.suspended) {
    return Fail(ErrorCode::kUnauthorizedOperation,
                "The account " + account.uin + " is suspended by the operator.");
  }
  // 4. The account must have authorized the MNA service.
  if (!account.service_authorized) {
    return Fail(ErrorCode::kUnauthorizedOperationNoPermission,
                "The account " + account.uin + " has not authorized the MNA service.");
  }
  // 5-7. The target.
  Result<void> target = purchase.target == LicenseTarget::kDevice
                            ? CheckDevice(transaction, purchase)
                            : CheckHardware(transaction, account, purchase);
  if (!target) return tl::unexpected(target.error());

  // 8. Real-name verification.
  if (!account.identity_verified) {
    return tl::unexpected(
        RollBack(transaction, purchase,
                 {ErrorCode::kOperationDeniedUnauthorizedUser,
                  "The account " + account.uin + " has not completed identity verification."}));
  }
  // 9. Payment permission: root always, a sub-user only when granted.
  if (!principal.IsRoot() && !principal.payment_allowed) {
    return tl::unexpected(
        RollBack(transaction, purchase,
                 {ErrorCode::kOperationDeniedNotAllowedToPay,
                  "The sub-user " + principal.sub_user_uin + " has no permission to pay orders."}));
  }
  // 10. Price, voucher, balance.
  Result<store::Prices> prices = transaction.GetPrices();
  if (!prices) return tl::unexpected(prices.error());
  // Vouchers are read only when the caller asked for one.
  Result<std::vector<store::VoucherRecord>> vouchers = std::vector<store::VoucherRecord>();
  if (purchase.voucher.auto_voucher || purchase.voucher.voucher_id)
    vouchers = transaction.ListVouchers(account.uin);
  if (!vouchers) return tl::unexpected(vouchers.error());
  int64_t now_unix = purchase.now_unix_millis / 1000;
  std::optional<store::VoucherRecord> voucher = billing::SelectVoucher(
      *vouchers, purchase.voucher, account.uin, prices->license_fen, now_unix);
  Result<billing::PaymentPlan> plan =
      billing::PlanPayment(prices->license_fen, std::move(voucher), account.balance_fen);
  if (!plan) return tl::unexpected(RollBack(transaction, purchase, plan.error()));

  std::string resource_id = random.TimeOrderedUuid(purchase.now_unix_millis) + "-0";
  billing::OrderDetails details{
      .order_id = "ord-" + random.TimeOrderedUuid(purchase.now_unix_millis),
      .account_uin = account.uin,
      .caller_uin = principal.CallerUin(),
      .action = store::JournalAction::kOrderPerLicense,
      .resource_id = resource_id,
      .now_unix_millis = purchase.now_unix_millis};
  Result<store::OrderRecord> order = billing::ApplyPayment(transaction, account, *plan, details);
  if (!order) return tl::unexpected(order.error());

  store::LicenseRecord license{.resource_id = resource_id,
                               .account_uin = account.uin,
                               .order_id = details.order_id,
                               .created_unix_millis = purchase.now_unix_millis};
  if (purchase.target == LicenseTarget::kDevice) {
    license.device_id = purchase.target_id;
  } else {
    license.hardware_id = purchase.target_id;
  }
  Result<void> inserted = transaction.InsertLicense(license);
  if (!inserted) return tl::unexpected(inserted.error());
  return LicensePurchased{resource_id, std::move(*order)};
}

}  // namespace mnad::mna
