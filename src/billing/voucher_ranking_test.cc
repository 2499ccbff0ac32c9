#include "billing/voucher_ranking.h"

#include <gtest/gtest.h>

namespace mnad::billing {
namespace {

constexpr int64_t kNow = 1'780'000'000;
constexpr int64_t kTotal = 100000;  // the order: 1,000 CNY

store::VoucherRecord Voucher(std::string id, int64_t balance_fen, int64_t end_unix = kNow + 86400,
                             bool cash = false) {
  store::VoucherRecord voucher;
  voucher.voucher_id = std::move(id);
  voucher.account_uin = "100";
  voucher.nominal_fen = balance_fen;
  voucher.balance_fen = balance_fen;
  voucher.begin_unix = kNow - 86400;
  voucher.end_unix = end_unix;
  voucher.products = {"mna"};
  voucher.cash = cash;
  return voucher;
}

std::string Chosen(const std::vector<store::VoucherRecord>& vouchers, int64_t total = kTotal) {
  std::optional<store::VoucherRecord> chosen = ChooseVoucher(vouchers, "100", "mna", total, kNow);
  return chosen ? chosen->voucher_id : "none";
}

struct EligibilityCase {
  std::string name;
  std::function<void(store::VoucherRecord&)> change;
  bool eligible;
};

TEST(VoucherRankingTest, EligibilityFollowsEveryRule) {
  std::vector<EligibilityCase> cases = {
      {"plain", [](store::VoucherRecord&) {}, true},
      {"another account", [](store::VoucherRecord& v) { v.account_uin = "200"; }, false},
      {"used", [](store::VoucherRecord& v) { v.status = "used"; }, false},
      {"cancelled", [](store::VoucherRecord& v) { v.status = "cancel"; }, false},
      {"overdue", [](store::VoucherRecord& v) { v.status = "overdue"; }, false},
      {"not begun", [](store::VoucherRecord& v) { v.begin_unix = kNow + 1; }, false},
      {"begins now", [](store::VoucherRecord& v) { v.begin_unix = kNow; }, true},
      {"ended", [](store::VoucherRecord& v) { v.end_unix = kNow - 1; }, false},
      {"ends now", [](store::VoucherRecord& v) { v.end_unix = kNow; }, true},
      {"other product", [](store::VoucherRecord& v) { v.products = {"cvm"}; }, false},
      {"no balance", [](store::VoucherRecord& v) { v.balance_fen = 0; }, false},
      {"threshold above total", [](store::VoucherRecord& v) { v.threshold_fen = kTotal + 1; },
       false},
      {"threshold equals total", [](store::VoucherRecord& v) { v.threshold_fen = kTotal; }, true},
  };
  for (const EligibilityCase& c : cases) {
    store::VoucherRecord voucher = Voucher("v", 5000);
    c.change(voucher);
    EXPECT_EQ(VoucherEligible(voucher, "100", "mna", kTotal, kNow), c.eligible) << c.name;
  }
}

TEST(VoucherRankingTest, AutoVoucherPrefersVoucherThatCoversTotal) {
  // The covering one expires later and is not cash: rule 1 still wins.
  EXPECT_EQ(Chosen({Voucher("a-partial", 90000, kNow + 10, true),
                    Voucher("b-covers", 100000, kNow + 999)}),
            "b-covers");
}

TEST(VoucherRankingTest, AutoVoucherThenPrefersEarlierEndTime) {
  EXPECT_EQ(Chosen({Voucher("a-late", 5000, kNow + 999), Voucher("b-early", 3000, kNow + 10)}),
            "b-early");
  EXPECT_EQ(Chosen({Voucher("a-late", 200000, kNow + 999), Voucher("b-early", 150000, kNow + 10)}),
            "b-early");
}

TEST(VoucherRankingTest, AutoVoucherThenPrefersLargerDeductibleAmount) {
  EXPECT_EQ(Chosen({Voucher("a-small", 3000), Voucher("b-large", 5000)}), "b-large");
}

TEST(VoucherRankingTest, AutoVoucherThenPrefersSmallerRemainingBalance) {
  // Both cover the order, so their deductible amounts tie at the total.
  EXPECT_EQ(Chosen({Voucher("a-rich", 300000), Voucher("b-lean", 120000)}), "b-lean");
}

TEST(VoucherRankingTest, AutoVoucherThenPrefersCashVoucher) {
  EXPECT_EQ(Chosen({Voucher("a-free", 5000, kNow + 100, false),
                    Voucher("b-cash", 5000, kNow + 100, true)}),
            "b-cash");
}

TEST(VoucherRankingTest, AutoVoucherFinallyPrefersSmallerVoucherId) {
  EXPECT_EQ(Chosen({Voucher("v-2", 5000), Voucher("v-1", 5000)}), "v-1");
  EXPECT_EQ(Chosen({Voucher("v-1", 5000), Voucher("v-2", 5000)}), "v-1");
}

TEST(VoucherRankingTest, IneligibleVouchersAreNeverChosen) {
  store::VoucherRecord expired = Voucher("a-expired", 100000, kNow - 1);
  EXPECT_EQ(Chosen({expired, Voucher("b-small", 10)}), "b-small");
  EXPECT_EQ(Chosen({expired}), "none");
  EXPECT_EQ(Chosen({}), "none");
}

TEST(VoucherRankingTest, DeductibleAmountIsCappedByTheTotal) {
  EXPECT_EQ(DeductibleFen(Voucher("v", 300000), kTotal), kTotal);
  EXPECT_EQ(DeductibleFen(Voucher("v", 300), kTotal), 300);
}

}  // namespace
}  // namespace mnad::billing
