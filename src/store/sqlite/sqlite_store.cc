#include "store/sqlite/sqlite_store.h"

#include <pthread.h>
#include <spdlog/spdlog.h>
#include <sqlite3.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <future>

#include "store/sqlite/migrations.h"
#include "store/sqlite/query.h"
#include "store/sqlite/wal_vfs.h"

namespace mnad::store::sqlite {
namespace {

constexpr int64_t kPageBytes = 4096;       // SQLite's default page size, which mnad keeps
constexpr int64_t kFrameHeaderBytes = 24;  // before each page in the WAL

}  // namespace

Result<std::unique_ptr<SqliteStore>> SqliteStore::Open(SqliteStoreOptions options,
                                                       const Clock* clock) {
  Result<std::unique_ptr<Connection>> writer =
      Connection::Open(options.path, /*create=*/true, options.writer_cache_kib, options.base_vfs);
  if (!writer) return tl::unexpected(writer.error());
  MNAD_TRY(Migrate(**writer));
  // A commit may carry the WAL past wal_frames_max before the writer starts
  // it over. The limit, applied when the WAL starts over, leaves a quarter
  // more room, so that the file keeps its size instead of having its tail cut
  // off and allocated again on every cycle.
  int64_t wal_bytes_limit = (int64_t{options.wal_frames_max} + options.wal_frames_max / 4) *
                            (kPageBytes + kFrameHeaderBytes);
  MNAD_TRY((*writer)->Exec("PRAGMA wal_autocheckpoint=0; PRAGMA journal_size_limit=" +
                           std::to_string(wal_bytes_limit)));
  return std::unique_ptr<SqliteStore>(
      new SqliteStore(std::move(options), clock, std::move(*writer)));
}

SqliteStore::SqliteStore(SqliteStoreOptions options, const Clock* clock,
                         std::unique_ptr<Connection> writer)
    : options_(std::move(options)), clock_(clock), writer_(std::move(writer)) {
  // After each commit SQLite tells the WAL's size in frames.
  sqlite3_wal_hook(
      writer_->handle(),
      [](void* store, sqlite3*, const char*, int frames) {
        static_cast<SqliteStore*>(store)->wal_frames_ = frames;
        return SQLITE_OK;
      },
      this);
  writer_thread_ = std::thread([this] { WriterLoop(); });
  for (int i = 0; i < std::max(1, options_.sync_threads); ++i) {
    sync_threads_.emplace_back([this] { SyncLoop(); });
  }
  checkpoint_thread_ = std::thread([this] { CheckpointLoop(); });
}

SqliteStore::~SqliteStore() {
  {
    std::lock_guard lock(queue_mutex_);
    stopping_ = true;
  }
  queue_ready_.notify_all();
  checkpoint_wakeup_.notify_all();
  writer_thread_.join();  // every command is committed or answered
  {
    std::lock_guard lock(sync_mutex_);
    sync_stopping_ = true;
  }
  sync_ready_.notify_all();
  for (std::thread& thread : sync_threads_) thread.join();  // every commit answered
  checkpoint_thread_.join();
  idle_readers_.clear();  // their snapshots would hold back the checkpoint
  // Leave a compact database behind: everything copied out of the WAL.
  (void)writer_->Exec("PRAGMA wal_checkpoint(TRUNCATE)");
}

void SqliteStore::RestartWal() {
  // RESTART waits for every reader still reading from the WAL: readers give
  // up their snapshots while it runs, even current ones.
  restart_pending_.store(true, std::memory_order_release);
  ReleaseIdleSnapshots();
  if (sqlite3_wal_checkpoint_v2(writer_->handle(), nullptr, SQLITE_CHECKPOINT_RESTART, nullptr,
                                nullptr) == SQLITE_OK) {
    wal_frames_ = 0;
  }
  restart_pending_.store(false, std::memory_order_release);
}

void SqliteStore::CheckpointLoop() {
  pthread_setname_np(pthread_self(), "mnad-checkpoint");  // as top -H and perf show it
  Result<std::unique_ptr<Connection>> connection =
      Connection::Open(options_.path, /*create=*/false, 256, options_.base_vfs);
  if (!connection) return;
  std::unique_lock lock(queue_mutex_);
  while (!stopping_) {
    checkpoint_wakeup_.wait_for(lock, std::chrono::milliseconds(options_.checkpoint_interval_ms));
    if (stopping_) break;
    lock.unlock();
    ReleaseIdleSnapshots();
    // PASSIVE: copies what it can without waiting for readers or the writer.
    sqlite3_wal_checkpoint_v2((*connection)->handle(), nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr,
                              nullptr);
    lock.lock();
  }
}

void SqliteStore::Submit(WriteCommand command) {
  {
    std::lock_guard lock(queue_mutex_);
    if (!stopping_ && queue_.size() < options_.queue_commands_max) {
      queue_.push_back(std::move(command));
      queue_ready_.notify_one();
      return;
    }
  }
  command.done(
      Fail(ErrorCode::kStorageBusy,
           "The store is not accepting writes (stopping or overloaded); nothing changed."));
}

WriterStats SqliteStore::stats() const {
  std::lock_guard lock(queue_mutex_);
  return stats_;
}

void SqliteStore::WriterLoop() {
  pthread_setname_np(pthread_self(), "mnad-writer");  // as top -H and perf show it
  std::vector<WriteCommand> batch;
  while (true) {
    {
      std::unique_lock lock(queue_mutex_);
      queue_ready_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and everything is answered
      while (!queue_.empty() && batch.size() < options_.batch_commands_max) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    ExecuteBatch(batch);
    batch.clear();
  }
}

// Runs the batch's commands in the open transaction. Commands marked in
// `settled` already have their final answer and are skipped. Without
// savepoints (`isolated` false) a command that must be undone after it
// wrote cannot be: the run stops there (kMustUndo), so that the caller
// rolls back and runs the rest with savepoints.
SqliteStore::PassOutcome SqliteStore::RunCommands(std::vector<WriteCommand>& batch,
                                                  std::vector<bool>& settled,
                                                  SqliteTransaction& transaction, bool isolated) {
  Connection& db = *writer_;
  for (size_t i = 0; i < batch.size(); ++i) {
    if (settled[i]) continue;
    transaction.ResetForCommand();
    if (isolated) {
      // A savepoint per command: one command's failure undoes only its own
      // writes, never its neighbours' in the batch.
      Result<void> savepoint = db.Run("SAVEPOINT command");
      bool keep = savepoint.has_value() && batch[i].run(transaction);
      if (savepoint && !keep) (void)db.Run("ROLLBACK TO command");
      if (savepoint) (void)db.Run("RELEASE command");
    } else {
      int64_t changes_before = sqlite3_total_changes64(db.handle());
      bool keep = batch[i].run(transaction);
      if (!keep) {
        // An answer that leaves no trace needs no undo when nothing was
        // written; otherwise this command's answer is final and the batch
        // starts over without it, one savepoint per command.
        settled[i] = true;
        if (sqlite3_total_changes64(db.handle()) != changes_before) return PassOutcome::kMustUndo;
      }
    }
    // An I/O error can make SQLite roll the whole transaction back.
    if (sqlite3_get_autocommit(db.handle()) != 0) return PassOutcome::kTransactionLost;
  }
  return PassOutcome::kAllRan;
}

void SqliteStore::ExecuteBatch(std::vector<WriteCommand>& batch) {
  Connection& db = *writer_;
  SqliteTransaction transaction(db, options_.faults);
  std::vector<bool> settled(batch.size(), false);
  // Most commands either succeed or refuse before writing, so the first
  // attempt runs them without savepoints, which cost a statement each and
  // a copy of every page a command touches.
  bool isolated = false;
  Error failure{ErrorCode::kStorageFailed, ""};
  for (int attempt = 0; attempt < options_.commit_attempts_max; ++attempt) {
    Result<void> begun = db.Run("BEGIN IMMEDIATE");
    if (!begun) {
      failure.message = begun.error().message;
      continue;
    }
    PassOutcome pass = RunCommands(batch, settled, transaction, isolated);
    if (pass == PassOutcome::kMustUndo) {
      // A command wrote, then failed: undo everything, then run the others
      // again, each in its own savepoint. Not counted as an attempt.
      (void)db.Run("ROLLBACK");
      isolated = true;
      --attempt;
      continue;
    }
    bool inject_failure = options_.faults != nullptr && options_.faults->fail_commits.load() > 0 &&
                          options_.faults->fail_commits.fetch_sub(1) > 0;
    int64_t commit_started = clock_->MonotonicNanos();
    Result<void> committed;
    int wal_fd = -1;
    if (pass == PassOutcome::kTransactionLost) {
      committed =
          Fail(ErrorCode::kStorageFailed, "the transaction was rolled back: " + db.LastError());
    } else if (inject_failure) {
      committed = Fail(ErrorCode::kStorageFailed, "injected commit fault");
    } else {
      // The commit writes the WAL; its fsync is the sync thread's.
      DeferredSyncScope deferred_sync;
      committed = db.Run("COMMIT");
      wal_fd = deferred_sync.wal_fd();
    }
    if (committed) {
      {
        std::lock_guard lock(sync_mutex_);
        unanswered_.push_back({std::move(batch), wal_fd, commit_started});
      }
      sync_ready_.notify_one();
      if (wal_frames_ > options_.wal_frames_max) RestartWal();
      return;
    }
    failure.message = committed.error().message;
    (void)db.Run("ROLLBACK");
    std::lock_guard lock(queue_mutex_);
    ++stats_.failed_commits;
  }
  failure.message = "The storage transaction failed after " +
                    std::to_string(options_.commit_attempts_max) +
                    " attempts; nothing changed: " + failure.message;
  for (WriteCommand& command : batch) command.done(tl::unexpected(failure));
}

void SqliteStore::SyncLoop() {
  pthread_setname_np(pthread_self(), "mnad-sync");  // as top -H and perf show it
  std::vector<CommittedBatch> answering;
  std::unique_lock lock(sync_mutex_);
  while (true) {
    sync_ready_.wait(lock, [this] { return sync_stopping_ || syncing_ < Committed(); });
    if (syncing_ == Committed()) return;  // stopping, and every commit is being answered
    // Every batch committed so far was written to the WAL before this
    // fsync begins, so it covers them all. A batch whose commit synced by
    // itself (or wrote nothing) may still have read what an earlier batch
    // wrote, and it is answered together with every unanswered batch before
    // it: so the fsync covers every unanswered batch, including those whose
    // own fsync is still running on the other thread. (Looking only at the
    // batches new to this thread answered a batch that wrote nothing, and the
    // batches before it, while their fsync still ran; the PowerLoss test
    // found it.)
    uint64_t through = Committed();
    int wal_fd = -1;
    for (uint64_t number = answered_ + 1; number <= through; ++number) {
      int fd = unanswered_[number - answered_ - 1].wal_fd;
      if (fd >= 0) wal_fd = fd;
    }
    syncing_ = through;
    lock.unlock();
    if (wal_fd >= 0) SyncWal(wal_fd);
    lock.lock();
    // A later fsync, begun while this one ran, may have answered them.
    if (through <= answered_) continue;
    for (; answered_ < through; ++answered_) {
      answering.push_back(std::move(unanswered_.front()));
      unanswered_.pop_front();
    }
    // Counted before any reply goes out: a read after a reply sees its batch.
    commits_.fetch_add(answering.size(), std::memory_order_release);
    lock.unlock();
    AnswerDurable(answering);
    answering.clear();
    lock.lock();
  }
}

void SqliteStore::AnswerDurable(std::vector<CommittedBatch>& batches) {
  int64_t durable = clock_->MonotonicNanos();
  {
    std::lock_guard lock(queue_mutex_);
    for (const CommittedBatch& committed : batches) {
      ++stats_.batches;
      stats_.commands += committed.commands.size();
      stats_.largest_batch = std::max<uint64_t>(stats_.largest_batch, committed.commands.size());
    }
  }
  for (CommittedBatch& committed : batches) {
    commit_seconds_.Observe(static_cast<double>(durable - committed.commit_started_nanos) / 1e9);
    batch_sizes_.Observe(static_cast<double>(committed.commands.size()));
    for (WriteCommand& command : committed.commands) command.done({});
  }
}

void SqliteStore::SyncWal(int wal_fd) {
  FaultInjection* faults = options_.faults;
  if (faults != nullptr && faults->before_sync) faults->before_sync();
  bool inject_failure =
      faults != nullptr && faults->fail_syncs.load() > 0 && faults->fail_syncs.fetch_sub(1) > 0;
  int64_t started = clock_->MonotonicNanos();
  bool synced =
      !inject_failure &&
      (faults != nullptr && faults->sync_wal ? faults->sync_wal(wal_fd) : ::fdatasync(wal_fd)) == 0;
  if (synced) {
    sync_seconds_.Observe(static_cast<double>(clock_->MonotonicNanos() - started) / 1e9);
    std::lock_guard lock(queue_mutex_);
    ++stats_.wal_syncs;
    return;
  }
  // The batches are committed, and reads may have seen them, but the disk
  // may not hold them: no answer to their commands would be true. Stop, as
  // PostgreSQL does; on restart SQLite recovers whatever the WAL holds.
  std::string reason = inject_failure ? "injected fault" : std::strerror(errno);
  spdlog::critical("fsync of the write-ahead log failed ({}); stopping, since commits may be lost",
                   reason);
  spdlog::default_logger()->flush();
  std::abort();
}

bool SqliteStore::SnapshotCurrent(const Reader& reader, uint64_t commits) const {
  return reader.in_snapshot && reader.commits_seen == commits &&
         !restart_pending_.load(std::memory_order_acquire);
}

void SqliteStore::EndSnapshot(Reader& reader) {
  if (reader.in_snapshot) (void)reader.connection->Run("COMMIT");
  reader.in_snapshot = false;
}

void SqliteStore::ReleaseStaleSnapshot(Reader& reader) {
  if (!SnapshotCurrent(reader, commits_.load(std::memory_order_acquire))) EndSnapshot(reader);
}

void SqliteStore::ReleaseIdleSnapshots() {
  std::lock_guard lock(readers_mutex_);
  for (Reader& reader : idle_readers_) ReleaseStaleSnapshot(reader);
}

SqliteStore::ReadLease::~ReadLease() {
  if (reader_.connection == nullptr) return;
  store_->ReleaseStaleSnapshot(reader_);
  std::lock_guard lock(store_->readers_mutex_);
  store_->idle_readers_.push_back(std::move(reader_));
}

Result<SqliteStore::ReadLease> SqliteStore::Read() {
  Reader reader;
  {
    std::lock_guard lock(readers_mutex_);
    if (!idle_readers_.empty()) {
      reader = std::move(idle_readers_.back());
      idle_readers_.pop_back();
    }
  }
  if (reader.connection == nullptr) {
    Result<std::unique_ptr<Connection>> opened = Connection::Open(
        options_.path, /*create=*/false, options_.reader_cache_kib, options_.base_vfs);
    if (!opened) return tl::unexpected(opened.error());
    MNAD_TRY((*opened)->Exec("PRAGMA query_only=1"));
    reader.connection = std::move(*opened);
  }
  // An error may have ended the transaction behind our back.
  if (sqlite3_get_autocommit(reader.connection->handle()) != 0) reader.in_snapshot = false;
  // Read before the snapshot begins: the snapshot then holds at least every
  // batch counted here (a sync thread counts a batch once it is durable).
  uint64_t commits = commits_.load(std::memory_order_acquire);
  if (!SnapshotCurrent(reader, commits)) {
    EndSnapshot(reader);
    // BEGIN is deferred: the snapshot is taken by the first read after it.
    MNAD_TRY(reader.connection->Run("BEGIN"));
    reader.in_snapshot = true;
    reader.commits_seen = commits;
  }
  return ReadLease(this, std::move(reader));
}

Result<void> SqliteStore::ReadSnapshot(const std::function<Result<void>(Transaction&)>& body) {
  Result<ReadLease> db = Read();
  if (!db) return tl::unexpected(db.error());
  // A lease is one read transaction: every query of the body sees the same
  // commit.
  SqliteTransaction snapshot(**db, nullptr);
  return body(snapshot);
}

}  // namespace mnad::store::sqlite
