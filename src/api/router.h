// The action table: each action declares its service, version, parameters,
// whether Region is required, its rate limit, and its handler — once.
// Routing is by (Version, Action): the service in a TC3 credential scope is
// whatever the client derived from its endpoint ("127" for 127.0.0.1 in the
// Node SDK), so it cannot select the product.
// Thread-safe: built at start-up, read-only afterwards.
#pragma once

#include <boost/json/object.hpp>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "api/params.h"
#include "core/error.h"
#include "core/principal.h"

namespace mnad::api {

// What a handler knows of the call besides its parameters.
struct CallContext {
  Principal principal;
  std::string service;
  std::string action;
  std::string region;  // empty when the request sent none
  std::string request_id;
};

// The handler's result: the response fields (RequestId is added later).
using ActionReply = std::function<void(Result<boost::json::object>)>;
// Called on an I/O thread; calls the reply exactly once, from any thread.
using ActionHandler = std::function<void(const CallContext&, const ParamObject&, ActionReply)>;

struct ActionDef {
  std::string service;  // "mna", "billing"
  std::string version;  // "2021-01-19"
  std::string action;   // "OrderPerLicense"
  std::vector<ParamSpec> params;
  bool region_required = false;
  // Requests per second per (Action, caller, Region); 0 = the server default.
  int rate_limit_per_second = 0;
  // Accept any parameters without decoding them (actions answered as
  // unsupported must not complain about parameters they never read).
  bool params_unchecked = false;
  ActionHandler handler;
};

class Router {
 public:
  // Registering the same (Version, Action) twice is a programming error.
  void Add(ActionDef action);

  // The action, or InvalidAction / NoSuchVersion.
  Result<const ActionDef*> Find(std::string_view version, std::string_view action) const;

  std::vector<const ActionDef*> All() const;

 private:
  std::map<std::pair<std::string, std::string>, ActionDef, std::less<>> by_version_action_;
};

}  // namespace mnad::api
