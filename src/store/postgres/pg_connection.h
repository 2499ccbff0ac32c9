// A small RAII layer over libpq: one connection, its prepared statements,
// and results that free themselves. Library errors become Result values
// here, with the SQLSTATE kept so that the store can tell a conflict to
// retry (serialization failure, deadlock) from a broken connection and from
// a refused statement.
// Thread-safe: no; a connection is used by one thread at a time.
#pragma once

#include <libpq-fe.h>

#include <cstdint>
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
  Result<void> Exec(std::string_view sql);
  // Runs one statement with parameters, prepared once per connection.
  Result<PgRows> Query(std::string_view sql, std::initializer_list<PgParam> params);
  Result<PgRows> Query(std::string_view sql, const std::vector<PgParam>& params);

  PgFailure last_failure() const { return last_failure_; }
  bool broken() const { return PQstatus(connection_) != CONNECTION_OK; }

 private:
  explicit PgConnection(PGconn* connection) : connection_(connection) {}
  // Turns a finished command into rows or an error, and records the failure.
  Result<PgRows> Finish(PGresult* result);

  PGconn* connection_;
  // Looked up by the SQL's view, so that a statement prepared before costs
  // no copy of its text.
  struct SqlHash {
    using is_transparent = void;
    size_t operator()(std::string_view sql) const { return std::hash<std::string_view>{}(sql); }
  };
  std::unordered_map<std::string, std::string, SqlHash, std::equal_to<>>
      prepared_;  // SQL -> statement name
  PgFailure last_failure_ = PgFailure::kNone;
};

// The URL without its password, for logs.
std::string RedactUrl(std::string_view url);

}  // namespace mnad::store::postgres
