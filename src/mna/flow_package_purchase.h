// OrderFlowPackage as a rule over one storage transaction: a prepaid
// monthly traffic package bound to up to 1/2/3/5 devices, paid through the
// same payment engine and voucher rules as licenses.
// Thread-safe: the function uses only its arguments.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "billing/payment.h"
#include "core/principal.h"
#include "core/random.h"
#include "store/transaction.h"

namespace mnad::mna {

struct PackageTier {
  const char* type;
  int devices_max;
  int64_t capacity_mb;
};
// The four package types, or nullptr.
const PackageTier* FindPackageTier(std::string_view type);
int64_t PackagePriceFen(const store::Prices& prices, std::string_view type);

struct FlowPackagePurchase {
  Principal principal;
  std::string package_type;
  std::vector<std::string> device_ids;
  bool auto_renew = false;
  int64_t package_region = 0;
  bool trunc = false;
  billing::VoucherChoice voucher;
  int64_t now_unix_millis = 0;
};

// Checks (after the parameters): account may act on MNA, each device is the
// caller's and not bound to a package in effect (ResourceInUse), identity,
// payment permission, balance. The package is in effect from now for one
// calendar month.
Result<store::FlowPackageRecord> OrderFlowPackage(store::Transaction& transaction,
                                                  const FlowPackagePurchase& purchase,
                                                  Random& random);

// 0 not yet in effect, 1 in effect, 2 expired.
int64_t FlowPackageStatus(const store::FlowPackageRecord& package, int64_t now_unix);

}  // namespace mnad::mna
