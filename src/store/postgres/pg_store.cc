#include "store/postgres/pg_store.h"

#include <pthread.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <random>

#include "store/postgres/pg_schema.h"
#include "store/postgres/pg_transaction.h"

namespace mnad::store::postgres {
namespace {

constexpr int64_t kNanosPerMilli = 1'000'000;
// Markers older than this are deleted (a COMMIT's outcome is read back
// within seconds of it).
constexpr int64_t kMarkerLifetimeMillis = 10 * 60 * 1000;
constexpr uint64_t kMarkerSweepEveryBatches = 1024;
// The tag of the batch's own statements (BEGIN, the marker, COMMIT), as
// opposed to a command's index.
constexpr int kTagBatch = -1;

// Deadlines and durations are real time, whatever the business clock says.
int64_t SteadyNanos() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// Sleeps 2^attempt ms (at most 256), with jitter so that nodes in conflict
// do not retry in step.
void BackOff(int attempt) {
  thread_local std::minstd_rand random(std::random_device{}());
  int base = 1 << std::min(attempt, 8);
  std::this_thread::sleep_for(
      std::chrono::microseconds(base * 500 + static_cast<int>(random() % (base * 1000))));
}

// A prefix no other store (of this process or another node) shares, for
// batch ids.
std::string StoreNonce() {
  std::random_device device;
  return std::to_string(getpid()) + "-" + std::to_string(device()) + "-" + std::to_string(device());
}

}  // namespace

Result<std::unique_ptr<PgStore>> PgStore::Open(PgStoreOptions options, const Clock* clock) {
  Result<std::unique_ptr<PgConnection>> connection = PgConnection::Connect(options.settings);
  if (!connection) return tl::unexpected(connection.error());
  MNAD_TRY(Migrate(**connection));
  std::unique_ptr<PgStore> store(new PgStore(std::move(options), clock));
  store->idle_readers_.push_back(std::move(*connection));
  store->readers_open_ = 1;
  return store;
}

PgStore::PgStore(PgStoreOptions options, const Clock* clock)
    : options_(std::move(options)), clock_(clock), batch_nonce_(StoreNonce()) {
  options_.writers = std::max(1, options_.writers);
  queues_.resize(static_cast<size_t>(options_.writers));
  writer_load_.resize(static_cast<size_t>(options_.writers));
  for (int i = 0; i < options_.writers; ++i) {
    queue_ready_.push_back(std::make_unique<std::condition_variable>());
  }
  for (int i = 0; i < options_.writers; ++i) {
    writers_.emplace_back([this, i] { WriterLoop(i); });
  }
}

PgStore::~PgStore() {
  {
    std::lock_guard lock(queue_mutex_);
    stopping_ = true;
  }
  for (auto& ready : queue_ready_) ready->notify_all();
  for (std::thread& writer : writers_) writer.join();  // every command answered
}

void PgStore::Submit(WriteCommand command) {
  {
    std::lock_guard lock(queue_mutex_);
    if (!stopping_ && queued_ < options_.queue_commands_max) {
      size_t writer = 0;
      if (queues_.size() > 1 && !command.shard.empty()) {
        Placement& placement = placements_[command.shard];
        if (placement.unanswered == 0) {
          placement.writer = static_cast<size_t>(
              std::min_element(writer_load_.begin(), writer_load_.end()) - writer_load_.begin());
        }
        ++placement.unanswered;
        writer = placement.writer;
        ++writer_load_[writer];
        command.done = [this, shard = command.shard,
                        done = std::move(command.done)](Result<void> answer) {
          Unplace(shard);
          done(std::move(answer));
        };
      }
      queues_[writer].push_back(std::move(command));
      ++queued_;
      queue_ready_[writer]->notify_one();
      return;
    }
  }
  command.done(tl::unexpected(
      Error(ErrorCode::kStorageBusy,
            "The store is not accepting writes (stopping or overloaded); nothing changed.")));
}

void PgStore::Unplace(const std::string& shard) {
  std::lock_guard lock(queue_mutex_);
  auto placed = placements_.find(shard);
  --writer_load_[placed->second.writer];
  if (--placed->second.unanswered == 0) placements_.erase(placed);
}

PgWriterStats PgStore::stats() const {
  std::lock_guard lock(queue_mutex_);
  return stats_;
}

void PgStore::WriterLoop(int index) {
  std::string name = "mnad-pgwriter" + std::to_string(index);
  pthread_setname_np(pthread_self(), name.substr(0, 15).c_str());
  std::unique_ptr<PgConnection> connection;
  std::vector<WriteCommand> batch;
  while (true) {
    {
      std::deque<WriteCommand>& queue = queues_[static_cast<size_t>(index)];
      std::unique_lock lock(queue_mutex_);
      queue_ready_[static_cast<size_t>(index)]->wait(
          lock, [this, &queue] { return stopping_ || !queue.empty(); });
      if (queue.empty()) return;  // stopping, and everything is answered
      while (!queue.empty() && batch.size() < options_.batch_commands_max) {
        batch.push_back(std::move(queue.front()));
        queue.pop_front();
        --queued_;
      }
    }
    ExecuteBatch(connection, batch);
    batch.clear();
  }
}

std::unique_ptr<PgConnection> PgStore::ConnectBefore(int64_t deadline_nanos, std::string* failure) {
  for (int attempt = 0;; ++attempt) {
    Result<std::unique_ptr<PgConnection>> connection = PgConnection::Connect(options_.settings);
    if (connection) {
      std::lock_guard lock(queue_mutex_);
      ++stats_.reconnects;
      return std::move(*connection);
    }
    *failure = connection.error().message;
    if (SteadyNanos() >= deadline_nanos) return nullptr;
    std::this_thread::sleep_for(
        std::chrono::milliseconds(std::min(50 << std::min(attempt, 4), 500)));
  }
}

void PgStore::ExecuteBatch(std::unique_ptr<PgConnection>& connection,
                           std::vector<WriteCommand>& batch) {
  std::string batch_id = batch_nonce_ + "-" + std::to_string(batch_counter_.fetch_add(1));
  int64_t started = SteadyNanos();
  int64_t deadline = started + options_.unavailable_wait_ms * kNanosPerMilli;
  std::vector<Result<void>> answers(batch.size());
  std::vector<bool> isolated(batch.size(), false);
  int conflicts = 0;
  bool commit_unknown = false;
  std::string failure;

  auto answer_all = [&](const Error& error) {
    for (WriteCommand& command : batch) command.done(tl::unexpected(error));
    std::lock_guard lock(queue_mutex_);
    ++stats_.failed_batches;
  };

  while (true) {
    if (!connection || connection->broken()) {
      connection = ConnectBefore(deadline, &failure);
      if (connection) {
        if (Result<void> piped = connection->EnterPipeline(); !piped) {
          failure = piped.error().message;
          connection.reset();
        }
      }
      if (!connection) {
        if (commit_unknown) {
          spdlog::error("PostgreSQL: a batch of {} commands may or may not have committed: {}",
                        batch.size(), failure);
          return answer_all(Error{ErrorCode::kStorageOutcomeUnknown,
                                  "The database connection broke during COMMIT and the database "
                                  "is unreachable: whether this command took effect is unknown. "
                                  "Read the resource back before retrying. " +
                                      failure});
        }
        return answer_all(Error(ErrorCode::kStorageUnavailable,
                                "The database is unreachable; nothing changed. " + failure));
      }
    }
    if (commit_unknown) {
      // The connection broke during COMMIT: the marker tells whether it
      // committed.
      Result<PgRows> marker =
          connection->Query("SELECT 1 FROM commit_markers WHERE batch_id=$1", {batch_id});
      if (!marker) continue;  // broken again: reconnect within the deadline
      {
        std::lock_guard lock(queue_mutex_);
        ++stats_.commits_unknown;
      }
      if (!marker->empty()) break;  // it committed: answers stand
      commit_unknown = false;       // it did not: run it again
    }
    BatchOutcome outcome = RunBatch(*connection, batch, batch_id, answers, isolated, &failure);
    if (outcome == BatchOutcome::kCommitted) break;
    if (outcome == BatchOutcome::kIsolate) {
      // One command more runs in its savepoint (at most once each).
      std::lock_guard lock(queue_mutex_);
      ++stats_.isolated_commands;
      continue;
    }
    if (outcome == BatchOutcome::kCommitUnknown) {
      commit_unknown = true;
      continue;
    }
    if (outcome == BatchOutcome::kBroken) {
      if (SteadyNanos() >= deadline) {
        return answer_all(
            Error(ErrorCode::kStorageUnavailable,
                  "The database connection keeps breaking; nothing changed. " + failure));
      }
      continue;
    }
    if (outcome == BatchOutcome::kConflict) {
      {
        std::lock_guard lock(queue_mutex_);
        ++stats_.conflicts;
      }
      if (++conflicts >= options_.conflict_attempts_max) {
        return answer_all(
            Error(ErrorCode::kStorageConflict,
                  "The transaction kept conflicting with concurrent ones and was given up; nothing "
                  "changed. " +
                      failure));
      }
      BackOff(conflicts);
      continue;
    }
    return answer_all(Error(ErrorCode::kStorageFailed,
                            "The storage transaction failed; nothing changed. " + failure));
  }

  int64_t durable = SteadyNanos();
  commit_seconds_.Observe(static_cast<double>(durable - started) / 1e9);
  batch_sizes_.Observe(static_cast<double>(batch.size()));
  {
    std::lock_guard lock(queue_mutex_);
    ++stats_.batches;
    stats_.commands += batch.size();
    stats_.largest_batch = std::max<uint64_t>(stats_.largest_batch, batch.size());
  }
  for (size_t i = 0; i < batch.size(); ++i) batch[i].done(std::move(answers[i]));
}

PgStore::BatchOutcome PgStore::RunBatch(PgConnection& connection, std::vector<WriteCommand>& batch,
                                        const std::string& batch_id,
                                        std::vector<Result<void>>& answers,
                                        std::vector<bool>& isolated, std::string* failure) {
  // After a failure the pipeline is usable again and the transaction is
  // aborted: it is rolled back, unless the connection is gone.
  auto abandon = [&](BatchOutcome outcome) {
    *failure = connection.failure().message;
    if (connection.broken()) return BatchOutcome::kBroken;
    connection.set_tag(kTagBatch);
    (void)connection.Query("ROLLBACK", {});
    return outcome;
  };
  // A failed statement: a conflict or a broken connection concerns the
  // whole batch; a refused statement, the command that sent it, which then
  // runs again in a savepoint of its own.
  auto failed = [&]() {
    const PgConnection::Failure& found = connection.failure();
    if (found.kind == PgFailure::kBroken || connection.broken()) {
      return abandon(BatchOutcome::kBroken);
    }
    if (found.kind == PgFailure::kConflict) return abandon(BatchOutcome::kConflict);
    if (found.tag < 0 || isolated[static_cast<size_t>(found.tag)]) {
      return abandon(BatchOutcome::kFailed);
    }
    isolated[static_cast<size_t>(found.tag)] = true;
    return abandon(BatchOutcome::kIsolate);
  };

  // Round trips are what a batch costs. A command runs without a savepoint:
  // its writes are deferred and go with the next statement that needs an
  // answer (often the next command's first read), and BEGIN with the
  // batch's first one. Only a command that must be undone alone (it wrote,
  // then answered an error, or a statement of it was refused) runs again,
  // with the whole batch, in a savepoint: a subtransaction per command
  // would cost a round trip each, and PostgreSQL slows down for everyone
  // once a transaction has more than 64 of them.
  connection.ClearFailure();
  connection.set_tag(kTagBatch);
  connection.Defer("BEGIN", {});
  PgTransaction transaction(connection, /*writing=*/true);
  for (size_t i = 0; i < batch.size(); ++i) {
    connection.set_tag(static_cast<int>(i));
    transaction.ResetForCommand();
    transaction.ResetStatementFailure();
    transaction.ResetWrote();
    answers[i] = {};
    if (!isolated[i]) {
      bool keep = batch[i].run(transaction);
      if (transaction.statement_failed() || connection.failure().kind != PgFailure::kNone) {
        return failed();
      }
      if (!keep && transaction.wrote()) {
        isolated[i] = true;
        return abandon(BatchOutcome::kIsolate);
      }
      continue;
    }
    connection.Defer("SAVEPOINT command", {});
    bool keep = batch[i].run(transaction);
    Result<void> synced = connection.Sync();  // this command's failures, if any
    PgFailure kind = connection.failure().kind;
    if (kind == PgFailure::kBroken || kind == PgFailure::kConflict || connection.broken()) {
      return failed();
    }
    if (!synced || transaction.statement_failed()) {
      // Undone; the rule went on after a refused statement, so whatever it
      // answered, it answers the failure.
      answers[i] = tl::unexpected(
          Error(ErrorCode::kStorageFailed, "The storage transaction failed; nothing changed."));
      keep = false;
    }
    connection.ClearFailure();
    if (!keep) {
      connection.Defer("ROLLBACK TO SAVEPOINT command", {});
      transaction.DropCachedReads();
    }
    connection.Defer("RELEASE SAVEPOINT command", {});
  }
  connection.set_tag(kTagBatch);
  int64_t now_ms = clock_->NowUnixMillis();
  if (batch_counter_.load() % kMarkerSweepEveryBatches == 0) {
    connection.Defer("DELETE FROM commit_markers WHERE at_ms < $1",
                     {now_ms - kMarkerLifetimeMillis});
  }
  connection.Defer("INSERT INTO commit_markers(batch_id, at_ms) VALUES ($1, $2)",
                   {batch_id, now_ms});
  if (options_.before_commit_for_test) options_.before_commit_for_test(connection);
  connection.Defer("COMMIT", {});
  connection.SendSync();
  if (options_.after_commit_sent_for_test) options_.after_commit_sent_for_test(connection);
  if (connection.AwaitSync()) return BatchOutcome::kCommitted;
  if (connection.broken()) {
    *failure = connection.failure().message;
    // Whether the COMMIT reached the server and ran is unknown (unless the
    // failure came before it, which the marker tells too).
    return BatchOutcome::kCommitUnknown;
  }
  // A deferred statement was refused (the COMMIT did not run), or the
  // server refused the COMMIT itself: rolled back either way.
  return failed();
}

Result<std::unique_ptr<PgConnection>> PgStore::TakeReader() {
  {
    std::unique_lock lock(readers_mutex_);
    bool available = reader_returned_.wait_for(
        lock, std::chrono::milliseconds(options_.read_wait_ms),
        [this] { return !idle_readers_.empty() || readers_open_ < options_.readers_max; });
    if (!available) {
      return Fail(ErrorCode::kStorageBusy, "Every read connection is busy; try again.");
    }
    if (!idle_readers_.empty()) {
      std::unique_ptr<PgConnection> connection = std::move(idle_readers_.back());
      idle_readers_.pop_back();
      return connection;
    }
    ++readers_open_;
  }
  Result<std::unique_ptr<PgConnection>> connection = PgConnection::Connect(options_.settings);
  if (!connection) {
    std::lock_guard lock(readers_mutex_);
    --readers_open_;
    reader_returned_.notify_one();
    return Fail(ErrorCode::kStorageUnavailable,
                "The database is unreachable: " + connection.error().message);
  }
  return connection;
}

void PgStore::ReturnReader(std::unique_ptr<PgConnection> connection) {
  std::lock_guard lock(readers_mutex_);
  if (connection && !connection->broken()) {
    idle_readers_.push_back(std::move(connection));
  } else {
    --readers_open_;
  }
  reader_returned_.notify_one();
}

Result<void> PgStore::ReadSnapshot(const std::function<Result<void>(Transaction&)>& body) {
  // A pooled connection may have broken while idle (the server restarted):
  // one more attempt on a fresh one.
  for (int attempt = 0;; ++attempt) {
    Result<std::unique_ptr<PgConnection>> taken = TakeReader();
    if (!taken) return tl::unexpected(taken.error());
    std::unique_ptr<PgConnection> connection = std::move(*taken);
    Result<void> begun = connection->Exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    if (!begun) {
      bool broken = connection->last_failure() == PgFailure::kBroken || connection->broken();
      ReturnReader(broken ? nullptr : std::move(connection));
      if (broken && attempt == 0) continue;
      return Fail(broken ? ErrorCode::kStorageUnavailable : ErrorCode::kStorageFailed,
                  "The storage transaction failed: " + begun.error().message);
    }
    PgTransaction snapshot(*connection, /*writing=*/false);
    Result<void> result = body(snapshot);
    (void)connection->Exec(snapshot.statement_failed() ? "ROLLBACK" : "COMMIT");
    ReturnReader(std::move(connection));
    return result;
  }
}

}  // namespace mnad::store::postgres
