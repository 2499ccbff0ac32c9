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

std::string JoinLines(const std::vector<std::string>& items) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out.push_back('\n');
    out.append(items[i]);
  }
  return out;
}

std::vector<std::string> SplitLines(const std::string& text) {
  std::vector<std::string> items;
  if (text.empty()) return items;
  size_t start = 0;
  while (true) {
    size_t end = text.find('\n', start);
    items.push_back(text.substr(start, end == std::string::npos ? end : end - start));
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return items;
}

std::optional<JournalAction> ParseJournalAction(std::string_view name) {
  for (const auto& [value, known] : kJournalActionNames) {
    if (known == name) return value;
  }
  return std::nullopt;
}

}  // namespace mnad::store
