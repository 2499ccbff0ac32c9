#include "store/sqlite/wal_vfs.h"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "core/test_directory.h"
#include "store/sqlite/connection.h"

namespace mnad::store::sqlite {
namespace {

class WalVfsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = (directory_ / "test.db").string();
    Result<std::unique_ptr<Connection>> opened = Connection::Open(path_, /*create=*/true);
    ASSERT_TRUE(opened.has_value()) << opened.error().message;
    writer_ = std::move(*opened);
    ASSERT_TRUE(writer_->Exec("CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT NOT NULL)"));
  }
  void TearDown() override { writer_.reset(); }

  // Inserts `rows` rows of `bytes` bytes each in one transaction.
  void Insert(int rows, int bytes) {
    ASSERT_TRUE(writer_->Exec("BEGIN"));
    for (int i = 0; i < rows; ++i) {
      Result<Statement> insert = writer_->Prepare("INSERT INTO t (body) VALUES (?1)");
      ASSERT_TRUE(insert.has_value());
      std::string body(static_cast<size_t>(bytes), static_cast<char>('a' + i % 26));
      ASSERT_TRUE(insert->Bind(1, std::string_view(body)).Run().has_value());
    }
    ASSERT_TRUE(writer_->Exec("COMMIT"));
  }

  // What another connection sees: row count and total body length.
  std::pair<int64_t, int64_t> Seen() {
    Result<std::unique_ptr<Connection>> reader = Connection::Open(path_, /*create=*/false);
    EXPECT_TRUE(reader.has_value());
    Result<Statement> query = (*reader)->Prepare("SELECT count(*), sum(length(body)) FROM t");
    EXPECT_TRUE(query.has_value() && query->Step().value_or(false));
    return {query->Int(0), query->Int(1)};
  }

  TestDirectory directory_{"mnad-wal-vfs-test"};
  std::string path_;
  std::unique_ptr<Connection> writer_;
};

TEST_F(WalVfsTest, ACommitsFramesReachTheFileInOneWrite) {
  Insert(1, 10);  // the WAL and its header exist from here on
  WalVfsCounts before = GetWalVfsCounts();
  Insert(20, 1000);  // several pages: a header and a page write per frame
  WalVfsCounts after = GetWalVfsCounts();
  EXPECT_GE(after.writes_asked - before.writes_asked, 6u);
  EXPECT_EQ(after.writes_issued - before.writes_issued, 1u);
  EXPECT_EQ(Seen(), (std::pair<int64_t, int64_t>{21, 20'010}));
}

TEST_F(WalVfsTest, ACommitLargerThanOneWriteIsWrittenWhole) {
  // 3 MiB in one commit: more than the 1 MiB gathered at most, and more
  // than the default VFS writes in one call (under 128 KiB).
  Insert(768, 4000);
  EXPECT_EQ(Seen(), (std::pair<int64_t, int64_t>{768, 768 * 4000}));
}

TEST_F(WalVfsTest, InsideAScopeTheCommitSyncIsLeftToItsOwner) {
  Insert(1, 10);  // the first sync, the WAL header's, already waited
  WalVfsCounts before = GetWalVfsCounts();
  int wal_fd = -1;
  {
    DeferredSyncScope deferred;
    Insert(5, 100);
    wal_fd = deferred.wal_fd();
  }
  WalVfsCounts after = GetWalVfsCounts();
  EXPECT_EQ(after.syncs_deferred - before.syncs_deferred, 1u);
  EXPECT_EQ(after.syncs_waited - before.syncs_waited, 0u);
  ASSERT_GE(wal_fd, 0);
  EXPECT_EQ(::fdatasync(wal_fd), 0);
  EXPECT_EQ(Seen().first, 6);

  before = GetWalVfsCounts();
  Insert(1, 10);  // no scope: the commit waits for its sync
  after = GetWalVfsCounts();
  EXPECT_EQ(after.syncs_deferred - before.syncs_deferred, 0u);
  EXPECT_EQ(after.syncs_waited - before.syncs_waited, 1u);
}

TEST_F(WalVfsTest, ANewWalHeaderIsSyncedBeforeAnyDeferredCommit) {
  Insert(1, 10);
  // Copy everything back and start the WAL over: the next commit writes a
  // new header first.
  ASSERT_EQ(sqlite3_wal_checkpoint_v2(writer_->handle(), nullptr, SQLITE_CHECKPOINT_RESTART,
                                      nullptr, nullptr),
            SQLITE_OK);
  WalVfsCounts before = GetWalVfsCounts();
  {
    DeferredSyncScope deferred;
    Insert(1, 10);
    EXPECT_GE(deferred.wal_fd(), 0);
  }
  WalVfsCounts after = GetWalVfsCounts();
  EXPECT_EQ(after.syncs_waited - before.syncs_waited, 1u) << "the header's sync";
  EXPECT_EQ(after.syncs_deferred - before.syncs_deferred, 1u) << "the commit's sync";
  EXPECT_EQ(Seen().first, 2);
}

TEST_F(WalVfsTest, AFreshWalsFirstSyncIsNeverDeferred) {
  // Its first sync also makes the new file's directory entry durable.
  std::string fresh = (directory_ / "fresh.db").string();
  Result<std::unique_ptr<Connection>> opened = Connection::Open(fresh, /*create=*/true);
  ASSERT_TRUE(opened.has_value());
  WalVfsCounts before = GetWalVfsCounts();
  {
    DeferredSyncScope deferred;
    ASSERT_TRUE((*opened)->Exec("CREATE TABLE u (id INTEGER PRIMARY KEY)"));
  }
  WalVfsCounts after = GetWalVfsCounts();
  EXPECT_GE(after.syncs_waited - before.syncs_waited, 1u);
}

}  // namespace
}  // namespace mnad::store::sqlite
