// CAM-style action permissions of sub-users. Thread-safe: pure functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/principal.h"

namespace mnad::auth {

// True when a grant is one of the accepted forms: "*", "service:*" or
// "service:Action" (service lower-case letters, Action letters/digits).
bool IsValidActionGrant(std::string_view grant);

// A root principal may call anything; a sub-user only what a grant covers.
bool ActionAllowed(const Principal& principal, std::string_view service, std::string_view action);

}  // namespace mnad::auth
