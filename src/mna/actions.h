// The MNA (2021-01-19) actions mnad serves, registered on the router: the
// implemented ones and, for every other action of Tencent's API, an
// UnsupportedOperation answer that names it.
// Thread-safe: handlers only call the thread-safe Store.
#pragma once

#include "api/router.h"
#include "mna/action_support.h"

namespace mnad::mna {

inline constexpr char kService[] = "mna";
inline constexpr char kVersion[] = "2021-01-19";

// `deps` must outlive the router.
void RegisterMnaActions(api::Router& router, MnaDeps& deps);

// The parts, one file each.
void RegisterDeviceActions(api::Router& router, MnaDeps& deps);
void RegisterHardwareActions(api::Router& router, MnaDeps& deps);
void RegisterFlowPackageActions(api::Router& router, MnaDeps& deps);

// Every action name of MNA 2021-01-19 (63), as the official SDKs list them.
const std::vector<std::string>& AllMnaActionNames();

}  // namespace mnad::mna
