#include "store/sqlite/migrations.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "core/test_directory.h"
#include "store/sqlite/sqlite_transaction.h"

namespace mnad::store::sqlite {
namespace {

// Migration 7 types the journal: entries written before it get their action
// from the reason they were written with, once.
TEST(MigrationsTest, JournalEntriesFromBeforeVersion7AreClassifiedByTheirReason) {
  TestDirectory directory{"mnad-migrations-test"};
  Result<std::unique_ptr<Connection>> db =
      Connection::Open((directory.path() / "mnad.db").string(), /*create=*/true);
  ASSERT_TRUE(db.has_value()) << db.error().message;
  ASSERT_TRUE(Migrate(**db).has_value());
  // Back to version 6: no action column (nor the later test clock table),
  // the reasons mnad wrote then.
  ASSERT_TRUE((*db)->Exec("INSERT INTO accounts(uin, app_id, name, identity_verified, "
                          "service_authorized, suspended, balance_fen, created_ms) "
                          "VALUES ('100', 1, 'a', 1, 1, 0, 0, 0);"
                          "ALTER TABLE journal DROP COLUMN action; DROP TABLE test_clock; "
                          "PRAGMA user_version=6;")
                  .has_value());
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"seed: opening balance", "OpeningBalance"},
      {"admin: voucher issued", "VoucherIssued"},
      {"OrderPerLicense 3f2a-0", "OrderPerLicense"},
      {"OrderFlowPackage pkg-1", "OrderFlowPackage"},
      {"admin top-up: wire 42", "TopUp"},
      {"admin adjustment: refund", "Adjustment"},
      {"admin: voucher cancelled: mistake", "VoucherCancelled"},
  };
  for (const auto& [reason, action] : cases) {
    Result<Statement> insert = (*db)->Prepare(
        "INSERT INTO journal(at_ms, account_uin, delta_fen, balance_after_fen, reason) "
        "VALUES (0, '100', 0, 0, ?1)");
    ASSERT_TRUE(insert.has_value());
    ASSERT_TRUE(insert->Bind(1, reason).Run().has_value());
  }
  ASSERT_TRUE(Migrate(**db).has_value());
  SqliteTransaction transaction(**db, nullptr);
  Result<std::vector<JournalEntry>> journal = transaction.ListJournal({});
  ASSERT_TRUE(journal.has_value());
  ASSERT_EQ(journal->size(), cases.size());
  for (size_t i = 0; i < cases.size(); ++i) {
    EXPECT_EQ((*journal)[i].reason, cases[i].first);
    EXPECT_EQ(JournalActionName((*journal)[i].action), cases[i].second) << cases[i].first;
  }
}

}  // namespace
}  // namespace mnad::store::sqlite
