// The embedded default Store: one SQLite database file in WAL mode with
// synchronous=FULL, so a committed change survives a crash or power loss.
//
// One writer thread owns the write connection. It takes every command
// waiting (up to a bound), runs them in one transaction and commits once:
// group commit. The commit writes the WAL but leaves its fsync to a second
// thread, which completes the commands only once it has returned, so a reply
// is never sent before its effects are durable, while the writer already
// runs the next batch. One fsync covers every batch committed before it
// began. A command whose answer must leave no trace but which already wrote
// sends the batch back to the start, this time with a SAVEPOINT per command,
// so that undoing it never undoes its neighbours. Reads use a pool of
// separate WAL connections and never wait for the writer.
// Thread-safe: yes.
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/clock.h"
#include "core/histogram.h"
#include "store/sqlite/connection.h"
#include "store/sqlite/sqlite_transaction.h"
#include "store/store.h"

namespace mnad::store::sqlite {

struct SqliteStoreOptions {
  std::string path;  // the database file; created when absent
  // Commands one batch (one commit) takes at most: bounds a batch's latency.
  size_t batch_commands_max = 512;
  // Commands waiting for the writer; beyond it Submit refuses at once.
  size_t queue_commands_max = 100'000;
  // Attempts at a batch whose BEGIN or COMMIT fails before its commands are
  // answered FailedOperation.TransactionException.
  int commit_attempts_max = 3;
  // Page cache of the writer's connection and of each read connection.
  int writer_cache_kib = 32 * 1024;
  int reader_cache_kib = 4 * 1024;
  // The WAL is copied back into the database by a background thread at
  // this interval, so checkpoints never stall the writer's commits.
  int checkpoint_interval_ms = 250;
  // Threads that fsync committed batches. With more than one, a batch
  // committed while an fsync runs need not wait for it to end: its own
  // fsync starts at once and covers every batch before it too.
  int sync_threads = 2;
  // Under continuous writes a PASSIVE checkpoint never catches up with the
  // writer, so the WAL would grow without end. Once a commit leaves more
  // frames than this in the WAL, the writer runs a RESTART checkpoint before
  // its next batch: writes pause briefly, readers leave the WAL, and the
  // next commit starts the WAL over. Its file keeps its size, unless that
  // passed this by more than a quarter (after a large seed, say).
  int wal_frames_max = 16384;        // 64 MiB of 4 KiB pages
  FaultInjection* faults = nullptr;  // tests only
  // The VFS under mnad's WAL VFS; empty for the default one (tests only: a
  // power-loss test puts its fault-injecting VFS there).
  std::string base_vfs;
};

// Group-commit counters, for metrics and benchmarks.
struct WriterStats {
  uint64_t batches = 0;
  uint64_t commands = 0;
  uint64_t largest_batch = 0;
  uint64_t failed_commits = 0;
  uint64_t wal_syncs = 0;  // fdatasync calls that made batches durable
};

class SqliteStore final : public Store {
 public:
  static Result<std::unique_ptr<SqliteStore>> Open(SqliteStoreOptions options, const Clock* clock);
  // Drains the queue, then stops the writer.
  ~SqliteStore() override;

  Result<void> ReadSnapshot(const std::function<Result<void>(Transaction&)>& body) override;
  void Submit(WriteCommand command) override;

  WriterStats stats() const;
  // Commands per committed batch, and seconds from COMMIT to durable (the
  // commit, then the fsync that covers it).
  const Histogram& batch_sizes() const { return batch_sizes_; }
  const Histogram& commit_seconds() const { return commit_seconds_; }
  // Seconds per fdatasync of the WAL.
  const Histogram& sync_seconds() const { return sync_seconds_; }

 private:
  SqliteStore(SqliteStoreOptions options, const Clock* clock, std::unique_ptr<Connection> writer);

  // A pooled read connection. It stays inside one read transaction (one
  // snapshot) for as long as no batch has committed since the snapshot
  // began: a read then costs no transaction start, whose WAL lock takes
  // two fcntl calls. A commit makes it start a new one on its next use.
  struct Reader {
    std::unique_ptr<Connection> connection;
    bool in_snapshot = false;
    uint64_t commits_seen = 0;  // commits_ when the snapshot began
  };
  // A read connection from the pool, returned when the lease ends.
  class ReadLease {
   public:
    ReadLease(SqliteStore* store, Reader reader) : store_(store), reader_(std::move(reader)) {}
    ReadLease(ReadLease&&) = default;
    ~ReadLease();
    Connection* operator->() { return reader_.connection.get(); }
    Connection& operator*() { return *reader_.connection; }

   private:
    SqliteStore* store_;
    Reader reader_;
  };
  // Every read sees every batch committed before it began.
  Result<ReadLease> Read();

  // A batch committed to the WAL, waiting for the fsync that makes it
  // durable before its commands are completed.
  struct CommittedBatch {
    std::vector<WriteCommand> commands;
    int wal_fd = -1;  // the WAL to fdatasync; -1 when its commit left none
    int64_t commit_started_nanos = 0;
  };
  void WriterLoop();
  void SyncLoop();
  void AnswerDurable(std::vector<CommittedBatch>& batches);
  void SyncWal(int wal_fd);  // on the sync thread; stops the process on failure
  void CheckpointLoop();
  void RestartWal();  // on the writer thread
  void ExecuteBatch(std::vector<WriteCommand>& batch);
  enum class PassOutcome {
    kAllRan,           // every command not settled before ran
    kMustUndo,         // a command wrote, then answered an error
    kTransactionLost,  // SQLite rolled the transaction back (an I/O error)
  };
  PassOutcome RunCommands(std::vector<WriteCommand>& batch, std::vector<bool>& settled,
                          SqliteTransaction& transaction, bool isolated);

  SqliteStoreOptions options_;
  const Clock* clock_;
  std::unique_ptr<Connection> writer_;  // used by the writer thread only

  mutable std::mutex queue_mutex_;
  std::condition_variable queue_ready_;
  std::deque<WriteCommand> queue_;
  bool stopping_ = false;
  WriterStats stats_;
  Histogram batch_sizes_{{1, 2, 4, 8, 16, 32, 64, 128, 256, 512}};
  static constexpr std::initializer_list<double> kSecondsBounds = {
      0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1};
  Histogram commit_seconds_{kSecondsBounds};
  Histogram sync_seconds_{kSecondsBounds};
  std::thread writer_thread_;

  std::mutex sync_mutex_;
  std::condition_variable sync_ready_;
  // Committed batches not yet answered, in commit order: numbers
  // answered_ + 1 onwards. An fsync begun covers the batches committed
  // before it, numbers up to syncing_.
  std::deque<CommittedBatch> unanswered_;
  uint64_t syncing_ = 0;
  uint64_t answered_ = 0;
  uint64_t Committed() const { return answered_ + unanswered_.size(); }  // under sync_mutex_
  bool sync_stopping_ = false;
  std::vector<std::thread> sync_threads_;
  std::condition_variable checkpoint_wakeup_;
  std::thread checkpoint_thread_;

  // Batches durable so far: a reader's snapshot is current while equal.
  std::atomic<uint64_t> commits_{0};
  std::mutex readers_mutex_;
  std::vector<Reader> idle_readers_;
  int wal_frames_ = 0;  // after the last commit; writer thread only
  // Set while a RESTART checkpoint waits for the readers to leave the WAL.
  std::atomic<bool> restart_pending_{false};
  bool SnapshotCurrent(const Reader& reader, uint64_t commits) const;
  static void EndSnapshot(Reader& reader);
  // Ends the snapshot of a reader that is no longer current, so that it
  // does not hold back checkpoints while it sits in the pool.
  void ReleaseStaleSnapshot(Reader& reader);
  void ReleaseIdleSnapshots();  // of every reader in the pool
};

}  // namespace mnad::store::sqlite
