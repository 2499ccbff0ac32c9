// OrderPerLicense as a rule over one storage transaction: the checks in the
// precedence order of order-per-license.md, the payment, the license, and
// RollBack. Knows nothing of HTTP, JSON or SQL.
// Thread-safe: the function uses only its arguments.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "billing/payment.h"
#include "core/error.h"
#include "core/principal.h"
#include "core/random.h"
#include "store/transaction.h"

namespace mnad::mna {

enum class LicenseTarget { kDevice = 0, kHardware = 1 };  // OrderPerLicense Type 0 / 1

struct LicensePurchase {
  Principal principal;
  std::string target_id;  // DeviceId (Type 0) or HardwareId (Type 1)
  LicenseTarget target = LicenseTarget::kDevice;
  bool roll_back = false;
  billing::VoucherChoice voucher;
  int64_t now_unix_millis = 0;
};

struct LicensePurchased {
  std::string resource_id;
  store::OrderRecord order;
};

// Runs the purchase. On success the license, order, payments and journal are
// written. On a refusal nothing is written, except that with RollBack a
// refusal 8-10 (not verified, no payment permission, insufficient balance)
// also deletes the target, and asks the transaction to keep that.
Result<LicensePurchased> OrderPerLicense(store::Transaction& transaction,
                                         const LicensePurchase& purchase, Random& random);

}  // namespace mnad::mna
