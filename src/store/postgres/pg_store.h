// The PostgreSQL Store: the state of any number of mnad nodes in one
// database.
//
// Writes: each writer thread owns one connection, in libpq's pipeline
// mode. It takes every command waiting (up to a bound) and runs them in one
// transaction; one COMMIT (synchronous_commit on) then makes the whole
// batch durable before any of its commands is answered: group commit.
// Writes are deferred and travel with the next read, so a purchase costs
// two round trips. A command that must be undone alone (it answered an
// error after writing, or the database refused one of its statements) gets
// a SAVEPOINT of its own, and the batch runs again. Rules lock the rows they
// change (SELECT ... FOR UPDATE), so the database orders the commands of
// every node. A serialization failure or deadlock sends the batch back to
// the start, with back-off, up to a bound; then its commands answer
// FailedOperation.TransactionException and nothing has changed.
//
// A broken connection is replaced. Before COMMIT was sent the batch simply
// runs again; when the connection broke during COMMIT, the writer reads
// back the batch's commit marker to learn whether it committed, and answers
// accordingly. While the database is away, a batch waits at most
// `unavailable_wait_ms` for it before its commands are answered.
//
// Reads run on a pool of connections, each in a REPEATABLE READ READ ONLY
// transaction (one snapshot), and never wait for the writers.
// Thread-safe: yes.
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "core/clock.h"
#include "core/histogram.h"
#include "store/postgres/pg_connection.h"
#include "store/store.h"

namespace mnad::store::postgres {

struct PgStoreOptions {
  PgSettings settings;
  // Commands one batch (one COMMIT) takes at most.
  size_t batch_commands_max = 256;
  // Commands waiting for a writer; beyond it Submit refuses at once.
  size_t queue_commands_max = 100'000;
  // Writer threads, each with its connection, its queue and its batches.
  // A command goes to the writer its shard (the paying account) runs on
  // while it has commands unanswered, else to the least loaded one: one
  // account's commands never wait on another writer's row locks.
  int writers = 1;
  // Read connections at most; a read waits for one up to `read_wait_ms`.
  int readers_max = 8;
  int read_wait_ms = 5'000;
  // Attempts at a batch that meets serialization failures or deadlocks.
  int conflict_attempts_max = 8;
  // How long a batch waits for an unreachable database before its commands
  // are answered.
  int unavailable_wait_ms = 5'000;
  // Tests only: called with a writer's connection just before its COMMIT
  // is queued, and just after it was sent (before its answer is read).
  std::function<void(PgConnection&)> before_commit_for_test;
  std::function<void(PgConnection&)> after_commit_sent_for_test;
};

struct PgWriterStats {
  uint64_t batches = 0;
  uint64_t commands = 0;
  uint64_t largest_batch = 0;
  uint64_t conflicts = 0;        // batches retried after a serialization failure or deadlock
  uint64_t reconnects = 0;       // connections replaced
  uint64_t commits_unknown = 0;  // COMMITs whose outcome was read back from the marker
  uint64_t failed_batches = 0;   // batches whose commands answered an error for the store
  uint64_t isolated_commands = 0;  // commands re-run in a savepoint, to be undone alone
};

class PgStore final : public Store {
 public:
  // Connects, migrates the schema (under an advisory lock) and starts the
  // writers. Fails when the database cannot be reached now.
  static Result<std::unique_ptr<PgStore>> Open(PgStoreOptions options, const Clock* clock);
  // Drains the queue, then stops the writers.
  ~PgStore() override;

  Result<void> ReadSnapshot(const std::function<Result<void>(Transaction&)>& body) override;
  void Submit(WriteCommand command) override;

  PgWriterStats stats() const;
  const Histogram& batch_sizes() const { return batch_sizes_; }
  const Histogram& commit_seconds() const { return commit_seconds_; }

 private:
  PgStore(PgStoreOptions options, const Clock* clock);

  void WriterLoop(int index);
  // A command of `shard` was answered.
  void Unplace(const std::string& shard);
  void ExecuteBatch(std::unique_ptr<PgConnection>& connection, std::vector<WriteCommand>& batch);
  // kIsolate: a command must be undone alone; the batch runs again with
  // that command in a savepoint.
  enum class BatchOutcome { kCommitted, kConflict, kBroken, kCommitUnknown, kFailed, kIsolate };
  // One attempt: BEGIN, every command (those marked `isolated` each in a
  // savepoint), the marker, COMMIT. `answers` receives each command's own
  // answer for the store.
  BatchOutcome RunBatch(PgConnection& connection, std::vector<WriteCommand>& batch,
                        const std::string& batch_id, std::vector<Result<void>>& answers,
                        std::vector<bool>& isolated, std::string* failure);
  // A connection, made within the deadline (nullptr: the database is away).
  std::unique_ptr<PgConnection> ConnectBefore(int64_t deadline_nanos, std::string* failure);

  // A pooled read connection, returned when the lease ends.
  class ReadLease;
  Result<std::unique_ptr<PgConnection>> TakeReader();
  void ReturnReader(std::unique_ptr<PgConnection> connection);

  PgStoreOptions options_;
  const Clock* clock_;

  mutable std::mutex queue_mutex_;
  // One queue per writer, each with its wake-up.
  std::vector<std::deque<WriteCommand>> queues_;
  std::vector<std::unique_ptr<std::condition_variable>> queue_ready_;
  size_t queued_ = 0;  // over every queue
  // Several writers: where each shard with commands unanswered runs, and
  // each writer's unanswered commands. A shard with none goes to the least
  // loaded writer, so that one account's commands keep their order and no
  // writer is left with more than its share because of how names hash.
  struct Placement {
    size_t writer = 0;
    size_t unanswered = 0;
  };
  std::unordered_map<std::string, Placement> placements_;
  std::vector<size_t> writer_load_;
  bool stopping_ = false;
  PgWriterStats stats_;
  Histogram batch_sizes_{{1, 2, 4, 8, 16, 32, 64, 128, 256, 512}};
  Histogram commit_seconds_{{0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1}};
  std::vector<std::thread> writers_;
  const std::string batch_nonce_;  // with the counter: a batch id no other store uses
  std::atomic<uint64_t> batch_counter_{0};

  std::mutex readers_mutex_;
  std::condition_variable reader_returned_;
  std::vector<std::unique_ptr<PgConnection>> idle_readers_;
  int readers_open_ = 0;
};

}  // namespace mnad::store::postgres
