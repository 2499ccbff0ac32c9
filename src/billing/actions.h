// The billing (2018-07-09) actions mnad serves, registered on the router.
// Thread-safe: handlers only call the thread-safe Store.
#pragma once

#include "api/router.h"
#include "core/clock.h"
#include "store/store.h"

namespace mnad::billing {

inline constexpr char kService[] = "billing";
inline constexpr char kVersion[] = "2018-07-09";

void RegisterBillingActions(api::Router& router, store::Store& store, const Clock& clock);

}  // namespace mnad::billing
