#include "auth/permissions.h"

#include <algorithm>

namespace mnad::auth {

bool IsValidActionGrant(std::string_view grant) {
  if (grant == "*") return true;
  size_t colon = grant.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == grant.size()) return false;
  std::string_view service = grant.substr(0, colon);
  std::string_view action = grant.substr(colon + 1);
  bool service_ok = std::all_of(service.begin(), service.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
  });
  bool action_ok =
      action == "*" || std::all_of(action.begin(), action.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
      });
  return service_ok && action_ok;
}

bool ActionAllowed(const Principal& principal, std::string_view service, std::string_view action) {
  if (principal.IsRoot()) return true;
  for (const std::string& grant : principal.allowed_actions) {
    if (grant == "*") return true;
    size_t colon = grant.find(':');
    if (colon == std::string::npos) continue;
    std::string_view granted_service = std::string_view(grant).substr(0, colon);
    std::string_view granted_action = std::string_view(grant).substr(colon + 1);
    if (granted_service == service && (granted_action == "*" || granted_action == action)) {
      return true;
    }
  }
  return false;
}

}  // namespace mnad::auth
