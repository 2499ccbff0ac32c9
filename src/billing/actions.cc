#include "billing/actions.h"

#include <charconv>

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

}  // namespace

void RegisterBillingActions(api::Router& router, store::Store& store) {
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
