#include "api/router.h"

#include <spdlog/spdlog.h>

#include <cstdlib>

namespace mnad::api {

void Router::Add(ActionDef action) {
  auto key = std::make_pair(action.version, action.action);
  if (!by_version_action_.emplace(std::move(key), std::move(action)).second) {
    spdlog::critical("action registered twice");
    std::abort();
  }
}

Result<const ActionDef*> Router::Find(std::string_view version, std::string_view action) const {
  auto found = by_version_action_.find(std::make_pair(std::string(version), std::string(action)));
  if (found != by_version_action_.end()) return &found->second;
  for (const auto& [key, definition] : by_version_action_) {
    if (key.second == action) {
      return Fail(ErrorCode::kNoSuchVersion,
                  "The API version `" + std::string(version) + "` does not exist for action `" +
                      std::string(action) + "`; this server has version " + definition.version +
                      ".");
    }
  }
  return Fail(ErrorCode::kInvalidAction,
              "The action `" + std::string(action) + "` does not exist.");
}

std::vector<const ActionDef*> Router::All() const {
  std::vector<const ActionDef*> all;
  for (const auto& [key, definition] : by_version_action_) all.push_back(&definition);
  return all;
}

}  // namespace mnad::api
