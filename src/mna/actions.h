// The MNA (2021-01-19) actions mnad serves, registered on the router.
// Thread-safe: handlers only call the thread-safe Store.
#pragma once

#include "api/router.h"
#include "core/clock.h"
#include "core/random.h"
#include "store/store.h"

namespace mnad::mna {

inline constexpr char kService[] = "mna";
inline constexpr char kVersion[] = "2021-01-19";

void RegisterMnaActions(api::Router& router, store::Store& store, const Clock& clock,
                        Random& random);

}  // namespace mnad::mna
