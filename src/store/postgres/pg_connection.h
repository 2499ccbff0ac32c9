// A small RAII layer over libpq: one connection, its prepared statements,
// and results that free themselves. Library errors become Result values
// here, with the SQLSTATE kept so that the store can tell a conflict to
// retry (serialization failure, deadlock) from a broken connection and from
// a refused statement.
// Thread-safe: no; a connection is used by one thread at a time.
#pragma once

#include <libpq-fe.h>

#include <cstdint>
#include <deque>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/error.h"

namespace mnad::store::postgres {

// One statement parameter, sent as text (NULL when unset).
class PgParam {
 public:
  PgParam(std::string_view text) : value_(std::string(text)) {}      // NOLINT: implicit by design
  PgParam(const std::string& text) : value_(text) {}                 // NOLINT
  PgParam(const char* text) : value_(std::string(text)) {}           // NOLINT
  PgParam(int64_t number) : value_(std::to_string(number)) {}        // NOLINT
  PgParam(int number) : value_(std::to_string(number)) {}            // NOLINT
  PgParam(bool flag) : value_(flag ? "1" : "0") {}                   // NOLINT
  PgParam(const std::optional<std::string>& text) : value_(text) {}  // NOLINT
  const std::optional<std::string>& value() const { return value_; }

 private:
  std::optional<std::string> value_;
};

// A result's rows, in text format.
class PgRows {
 public:
  explicit PgRows(PGresult* result) : result_(result, PQclear) {}
  int size() const { return PQntuples(result_.get()); }
  bool empty() const { return size() == 0; }
  bool IsNull(int row, int column) const { return PQgetisnull(result_.get(), row, column) != 0; }
  std::string Text(int row, int column) const {
    return std::string(PQgetvalue(result_.get(), row, column),
                       static_cast<size_t>(PQgetlength(result_.get(), row, column)));
  }
  std::optional<std::string> OptionalText(int row, int column) const {
    if (IsNull(row, column)) return std::nullopt;
    return Text(row, column);
  }
  int64_t Int(int row, int column) const;
  bool Flag(int row, int column) const { return Int(row, column) != 0; }

 private:
  std::unique_ptr<PGresult, void (*)(PGresult*)> result_;
};

// What went wrong with the last statement.
enum class PgFailure {
  kNone,
  kConflict,   // serialization failure or deadlock: the transaction may be retried
  kBroken,     // the connection is gone: reconnect
  kStatement,  // the statement was refused (a constraint, bad SQL, read-only)
};

struct PgSettings {
  std::string url;  // postgresql://user:password@host:port/dbname (libpq's URI syntax)
  int connect_timeout_seconds = 3;
  // Any statement running longer is cancelled by the server (row locks held
  // by a stalled node cannot hang a request for longer).
  int statement_timeout_ms = 10'000;
  std::string application_name = "mnad";
};

class PgConnection {
 public:
  static Result<std::unique_ptr<PgConnection>> Connect(const PgSettings& settings);
  ~PgConnection();
  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;

  // Runs SQL with no parameters; several statements may be sent at once.
  // Not in pipeline mode.
  Result<void> Exec(std::string_view sql);
  // Runs one statement with parameters, prepared once per connection. In
  // pipeline mode the statements deferred before it go in the same round
  // trip, and their results are read first.
  Result<PgRows> Query(std::string_view sql, std::initializer_list<PgParam> params);
  Result<PgRows> Query(std::string_view sql, const std::vector<PgParam>& params);
  // Runs statements in order and returns each one's rows; in pipeline mode
  // in one round trip (each statement still starts after the one before it
  // has finished, locks included).
  struct Statement {
    std::string_view sql;
    std::vector<PgParam> params;
  };
  Result<std::vector<PgRows>> QueryEach(const std::vector<Statement>& statements);

  // Pipeline mode (libpq's), for a writer: a statement whose rows are not
  // needed is deferred, and sent with the next statement that needs an
  // answer, or with the next Sync. A failure stops the statements queued
  // after it (the server skips them) and is reported by whatever read the
  // results, with the tag that was current when the failing statement was
  // queued (see failure()).
  Result<void> EnterPipeline();
  bool pipelined() const { return pipelined_; }
  void Defer(std::string_view sql, const std::vector<PgParam>& params);
  // Sends everything deferred, waits for every result.
  Result<void> Sync() {
    SendSync();
    return AwaitSync();
  }
  // Sync in two halves: the statements leave now, the results are read by
  // AwaitSync.
  void SendSync();
  Result<void> AwaitSync();
  // Tests only: shuts the socket down, as a network failure would.
  void BreakForTest();
  // The tag given to the statements queued from now on (a writer: the
  // index of the command in its batch).
  void set_tag(int tag) { tag_ = tag; }

  // The first failure met since ClearFailure(): its kind and the tag of the
  // statement that failed. In pipeline mode the transaction is then aborted
  // (the pipeline itself is already usable again).
  struct Failure {
    PgFailure kind = PgFailure::kNone;
    int tag = 0;
    std::string message;
  };
  const Failure& failure() const { return failure_; }
  void ClearFailure() { failure_ = {}; }

  PgFailure last_failure() const { return last_failure_; }
  bool broken() const { return send_failed_ || PQstatus(connection_) != CONNECTION_OK; }

 private:
  explicit PgConnection(PGconn* connection) : connection_(connection) {}
  // Turns a finished command into rows or an error, and records the failure.
  Result<PgRows> Finish(PGresult* result);
  // Queues a statement (and its PREPARE the first time), pipeline mode.
  void Send(std::string_view sql, const std::vector<PgParam>& params, bool wanted);
  // Asks the server for the results of what was sent (pipeline mode).
  void RequestResults();
  // A statement could not be sent: the connection is unusable.
  void SendFailed();
  // Reads the result of every queued statement, in order; returns the rows
  // of those that were wanted, or the first failure.
  Result<std::vector<PgRows>> Collect();
  // Records a failure (the first one stays) with the current statement's tag.
  void NoteFailure(PgFailure kind, int tag, const std::string& message);

  PGconn* connection_;
  // Looked up by the SQL's view, so that a statement prepared before costs
  // no copy of its text.
  struct SqlHash {
    using is_transparent = void;
    size_t operator()(std::string_view sql) const { return std::hash<std::string_view>{}(sql); }
  };
  std::unordered_map<std::string, std::string, SqlHash, std::equal_to<>>
      prepared_;  // SQL -> statement name
  uint64_t statements_prepared_ = 0;
  PgFailure last_failure_ = PgFailure::kNone;
  Failure failure_;

  // Pipeline mode: what was sent and whose result is still to be read.
  struct Queued {
    enum Kind { kPrepare, kStatement, kSync } kind;
    int tag;
    bool wanted;      // its rows are returned
    std::string sql;  // kPrepare: the statement forgotten if it fails
  };
  bool pipelined_ = false;
  bool send_failed_ = false;  // the connection refused a statement: it is unusable
  int tag_ = 0;
  std::deque<Queued> queued_;
};

// The URL without its password, for logs.
std::string RedactUrl(std::string_view url);

}  // namespace mnad::store::postgres
