#include "store/records.h"

#include <array>
#include <utility>

namespace mnad::store {
namespace {

constexpr std::array<std::pair<JournalAction, std::string_view>, 7> kJournalActionNames = {{
    {JournalAction::kOpeningBalance, "OpeningBalance"},
    {JournalAction::kVoucherIssued, "VoucherIssued"},
    {JournalAction::kOrderPerLicense, "OrderPerLicense"},
    {JournalAction::kOrderFlowPackage, "OrderFlowPackage"},
    {JournalAction::kTopUp, "TopUp"},
    {JournalAction::kAdjustment, "Adjustment"},
    {JournalAction::kVoucherCancelled, "VoucherCancelled"},
}};

}  // namespace

std::string_view JournalActionName(JournalAction action) {
  for (const auto& [value, name] : kJournalActionNames) {
    if (value == action) return name;
  }
  return "Adjustment";
}

std::optional<JournalAction> ParseJournalAction(std::string_view name) {
  for (const auto& [value, known] : kJournalActionNames) {
    if (known == name) return value;
  }
  return std::nullopt;
}

}  // namespace mnad::store
