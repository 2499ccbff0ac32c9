// Who is calling: the root account or one of its sub-users, as resolved from
// an API key. Plain data; thread-safe to share once built.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace mnad {

struct Principal {
  std::string account_uin;  // the root account (OwnerUin)
  int64_t app_id = 0;
  std::string sub_user_uin;  // empty when a root key signed the request
  // CAM-style grants of a sub-user: "service:Action", "service:*" or "*".
  // A root principal is allowed everything and ignores this list.
  std::vector<std::string> allowed_actions;
  bool payment_allowed = true;     // sub-users only when granted
  bool account_suspended = false;  // the operator froze the account

  bool IsRoot() const { return sub_user_uin.empty(); }
  // The uin that made the call: the sub-user's, else the root's.
  const std::string& CallerUin() const { return IsRoot() ? account_uin : sub_user_uin; }
};

}  // namespace mnad
