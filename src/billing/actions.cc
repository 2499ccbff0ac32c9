#include "billing/actions.h"

#include <algorithm>
#include <charconv>

#include "core/time_format.h"

namespace mnad::billing {
namespace {

// DescribeAccountBalance: the account's balance in fen. mnad keeps one cash
// balance per account: no credit, no freezes, no arrears, so the derived
// fields equal the balance or zero, as the real formulas give for such an
// account (RealBalance = Cash + Income + Present - Freeze - Owe).
void DescribeAccountBalance(store::Store& store, const api::CallContext& context,
                            const api::ParamObject& params, api::ActionReply reply) {
  Result<std::optional<store::AccountRecord>> account =
      store.FindAccount(context.principal.account_uin);
  if (!account) return reply(tl::unexpected(account.error()));
  if (!account->has_value()) {
    return reply(Fail(ErrorCode::kInternalError, "the calling account no longer exists"));
  }
  int64_t balance = (*account)->balance_fen;
  uint64_t uin = 0;
  std::from_chars(context.principal.account_uin.data(),
                  context.principal.account_uin.data() + context.principal.account_uin.size(), uin);
  boost::json::object response{
      {"Balance", balance},
      {"Uin", uin},
      {"RealBalance", balance},
      {"CashAccountBalance", balance},
      {"IncomeIntoAccountBalance", 0},
      {"PresentAccountBalance", 0},
      {"FreezeAmount", 0},
      {"OweAmount", 0},
      {"IsAllowArrears", false},
      {"IsCreditLimited", false},
      {"CreditAmount", 0},
      {"CreditBalance", balance},
      {"RealCreditBalance", balance},
  };
  if (params.GetBoolean("TempCredit").value_or(false)) {
    response["TempCredit"] = 0;
    response["TempAmountInfoList"] = boost::json::array();
  }
  reply(std::move(response));
}

// The billing API reports voucher money in micro: 10^-8 CNY, 10^6 per fen.
constexpr int64_t kMicroPerFen = 1'000'000;

// The status a client sees: an unused voucher past its end is overdue.
std::string VisibleStatus(const store::VoucherRecord& voucher, int64_t now_unix) {
  if (voucher.status == "unUsed" && now_unix > voucher.end_unix) return "overdue";
  return voucher.status;
}

std::string Join(const std::vector<std::string>& items, std::string_view separator) {
  std::string out;
  for (const std::string& item : items) out += (out.empty() ? "" : std::string(separator)) + item;
  return out;
}

// Limit is a page size, Offset a 1-based page number (the billing model
// says "第多少页"): the items of that page.
template <typename T>
std::vector<T> Page(std::vector<T> items, int64_t limit, int64_t page) {
  size_t begin = static_cast<size_t>(std::min<int64_t>((page - 1) * limit, items.size()));
  size_t end = static_cast<size_t>(std::min<int64_t>(begin + limit, items.size()));
  return std::vector<T>(std::make_move_iterator(items.begin() + begin),
                        std::make_move_iterator(items.begin() + end));
}

void DescribeVoucherInfo(store::Store& store, const Clock& clock, const api::CallContext& context,
                         const api::ParamObject& params, api::ActionReply reply) {
  Result<std::vector<store::VoucherRecord>> vouchers =
      store.ListVouchers(context.principal.account_uin);
  if (!vouchers) return reply(tl::unexpected(vouchers.error()));
  int64_t now_unix = clock.NowUnixSeconds();
  std::optional<std::string> status = params.GetString("Status");
  std::optional<std::string> voucher_id = params.GetString("VoucherId");
  std::optional<std::string> main_type = params.GetString("VoucherMainType");
  std::optional<std::string> product = params.GetString("ProductCode");
  std::erase_if(*vouchers, [&](const store::VoucherRecord& voucher) {
    return (status && VisibleStatus(voucher, now_unix) != *status) ||
           (voucher_id && voucher.voucher_id != *voucher_id) ||
           (main_type && (voucher.cash ? "has_price" : "no_price") != *main_type) ||
           (product && std::find(voucher.products.begin(), voucher.products.end(), *product) ==
                           voucher.products.end());
  });
  std::string sort_field = params.GetString("SortField").value_or("");
  bool descending = params.GetString("SortOrder").value_or("asc") == "desc";
  std::stable_sort(vouchers->begin(), vouchers->end(), [&](const auto& a, const auto& b) {
    auto key = [&](const store::VoucherRecord& v) {
      if (sort_field == "BeginTime") return v.begin_unix;
      if (sort_field == "EndTime") return v.end_unix;
      return v.created_unix_millis;
    };
    return descending ? key(a) > key(b) : key(a) < key(b);
  });
  int64_t total_balance_micro = 0;
  for (const store::VoucherRecord& voucher : *vouchers)
    total_balance_micro += voucher.balance_fen * kMicroPerFen;
  size_t total_count = vouchers->size();
  boost::json::array infos;
  for (const store::VoucherRecord& voucher :
       Page(std::move(*vouchers), *params.GetInteger("Limit"), *params.GetInteger("Offset"))) {
    infos.push_back(boost::json::object{
        {"OwnerUin", voucher.account_uin},
        {"Status", VisibleStatus(voucher, now_unix)},
        {"NominalValue", voucher.nominal_fen * kMicroPerFen},
        {"Balance", voucher.balance_fen * kMicroPerFen},
        {"VoucherId", voucher.voucher_id},
        {"PayMode", "*"},
        {"PayScene", "*"},
        {"BeginTime", FormatBillingTime(voucher.begin_unix)},
        {"EndTime", FormatBillingTime(voucher.end_unix)},
        {"ApplicableProducts",
         boost::json::object{{"GoodsName", Join(voucher.products, ",")}, {"PayMode", "*"}}},
        {"ExcludedProducts", boost::json::array()},
        {"PolicyRemark", voucher.cash ? "cash voucher" : "voucher"},
        {"CreateTime", FormatBillingTime(voucher.created_unix_millis / 1000)},
    });
  }
  reply(boost::json::object{{"TotalCount", total_count},
                            {"TotalBalance", total_balance_micro},
                            {"VoucherInfos", std::move(infos)},
                            {"Unit", "micro"}});
}

// One usage record per deduction the voucher paid, oldest first.
void DescribeVoucherUsageDetails(store::Store& store, const api::CallContext& context,
                                 const api::ParamObject& params, api::ActionReply reply) {
  Result<std::vector<store::JournalEntry>> entries =
      store.VoucherJournal(context.principal.account_uin, *params.GetString("VoucherId"));
  if (!entries) return reply(tl::unexpected(entries.error()));
  std::erase_if(*entries, [](const store::JournalEntry& entry) { return entry.delta_fen >= 0; });
  int64_t total_used_micro = 0;
  for (const store::JournalEntry& entry : *entries)
    total_used_micro += -entry.delta_fen * kMicroPerFen;
  size_t total_count = entries->size();
  boost::json::array records;
  for (const store::JournalEntry& entry :
       Page(std::move(*entries), *params.GetInteger("Limit"), *params.GetInteger("Offset"))) {
    std::string action(store::JournalActionName(entry.action));
    records.push_back(boost::json::object{
        {"UsedAmount", -entry.delta_fen * kMicroPerFen},
        {"UsedTime", FormatBillingTime(entry.at_unix_millis / 1000)},
        {"UsageDetails",
         boost::json::array{boost::json::object{{"ProductName", "Multi-Network Acceleration"},
                                                {"SubProductName", action},
                                                {"ProductCode", "mna"},
                                                {"SubProductCode", action},
                                                {"BillingItemCode", ""},
                                                {"SubBillingItemCode", ""},
                                                {"ProductEnName", "Multi-Network Acceleration"},
                                                {"SubProductEnName", action},
                                                {"CalcUnit", ""},
                                                {"Action", "purchase"}}}},
        {"PayMode", "prePay"},
        {"VoucherId", entry.voucher_id.value_or("")},
        {"PayScene", "common"},
        {"SeqId", entry.order_id.value_or("")},
    });
  }
  reply(boost::json::object{{"TotalCount", total_count},
                            {"TotalUsedAmount", total_used_micro},
                            {"UsageRecords", std::move(records)}});
}

}  // namespace

void RegisterBillingActions(api::Router& router, store::Store& store, const Clock& clock) {
  using api::ParamSpec;
  // Parameters of the SDK model that mnad accepts but that select nothing
  // here (no batches, activities, names or pay scenes): see the README.
  std::vector<ParamSpec> voucher_info_params = {
      ParamSpec::Integer("Limit").Required().Range(1, 1000),
      ParamSpec::Integer("Offset").Required().Range(1, INT32_MAX),
      ParamSpec::String("Status").OneOf({"unUsed", "used", "delivered", "cancel", "overdue"}),
      ParamSpec::String("VoucherId"),
      ParamSpec::String("VoucherMainType").OneOf({"has_price", "no_price"}),
      ParamSpec::String("ProductCode"),
      ParamSpec::String("SortField").OneOf({"BeginTime", "EndTime", "CreateTime"}),
      ParamSpec::String("SortOrder").OneOf({"desc", "asc"}),
  };
  for (const char* accepted :
       {"CodeId", "ActivityId", "VoucherName", "TimeFrom", "TimeTo", "PayMode", "PayScene",
        "Operator", "VoucherSubType", "StartTimeFrom", "StartTimeTo", "EndTimeFrom", "EndTimeTo",
        "CreateTimeFrom", "CreateTimeTo", "Lang"}) {
    voucher_info_params.push_back(ParamSpec::String(accepted));
  }
  router.Add({.service = kService,
              .version = kVersion,
              .action = "DescribeVoucherInfo",
              .params = std::move(voucher_info_params),
              .handler = [&store, &clock](const api::CallContext& context,
                                          const api::ParamObject& params, api::ActionReply reply) {
                DescribeVoucherInfo(store, clock, context, params, std::move(reply));
              }});
  router.Add({.service = kService,
              .version = kVersion,
              .action = "DescribeVoucherUsageDetails",
              .params = {ParamSpec::Integer("Limit").Required().Range(1, 1000),
                         ParamSpec::Integer("Offset").Required().Range(1, INT32_MAX),
                         ParamSpec::String("VoucherId").Required().Length(1, 64),
                         ParamSpec::String("Operator")},
              .handler = [&store](const api::CallContext& context, const api::ParamObject& params,
                                  api::ActionReply reply) {
                DescribeVoucherUsageDetails(store, context, params, std::move(reply));
              }});
  router.Add({.service = kService,
              .version = kVersion,
              .action = "DescribeAccountBalance",
              .params = {api::ParamSpec::Boolean("TempCredit")},
              .handler = [&store](const api::CallContext& context, const api::ParamObject& params,
                                  api::ActionReply reply) {
                DescribeAccountBalance(store, context, params, std::move(reply));
              }});
}

}  // namespace mnad::billing
