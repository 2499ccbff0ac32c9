#include "store/postgres/pg_connection.h"

#include <sys/socket.h>

#include <charconv>

namespace mnad::store::postgres {

int64_t PgRows::Int(int row, int column) const {
  const char* text = PQgetvalue(result_.get(), row, column);
  int64_t value = 0;
  std::from_chars(text, text + PQgetlength(result_.get(), row, column), value);
  return value;
}

Result<std::unique_ptr<PgConnection>> PgConnection::Connect(const PgSettings& settings) {
  std::string timeout = std::to_string(settings.connect_timeout_seconds);
  std::string options =
      "-c statement_timeout=" + std::to_string(settings.statement_timeout_ms) +
      " -c synchronous_commit=on -c default_transaction_isolation=read\\ committed";
  // The URL comes first and may name anything; the keywords after it are
  // the ones mnad relies on.
  const char* keywords[] = {"dbname",
                            "connect_timeout",
                            "options",
                            "application_name",
                            "keepalives",
                            "keepalives_idle",
                            "keepalives_interval",
                            "keepalives_count",
                            nullptr};
  const char* values[] = {settings.url.c_str(),
                          timeout.c_str(),
                          options.c_str(),
                          settings.application_name.c_str(),
                          "1",
                          "10",
                          "5",
                          "3",
                          nullptr};
  PGconn* connection = PQconnectdbParams(keywords, values, /*expand_dbname=*/1);
  if (connection == nullptr) {
    return Fail(ErrorCode::kStorageUnavailable, "PostgreSQL: out of memory connecting");
  }
  if (PQstatus(connection) != CONNECTION_OK) {
    std::string message = PQerrorMessage(connection);
    PQfinish(connection);
    while (!message.empty() && (message.back() == '\n' || message.back() == ' '))
      message.pop_back();
    return Fail(ErrorCode::kStorageUnavailable, "PostgreSQL: cannot connect: " + message);
  }
  return std::unique_ptr<PgConnection>(new PgConnection(connection));
}

PgConnection::~PgConnection() {
  PQfinish(connection_);
}

namespace {

std::string Trimmed(std::string message) {
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
  return message;
}

// libpq's view of the parameters (NULL for an unset one).
std::vector<const char*> ParamValues(const std::vector<PgParam>& params) {
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const PgParam& param : params) {
    values.push_back(param.value() ? param.value()->c_str() : nullptr);
  }
  return values;
}

}  // namespace

Result<PgRows> PgConnection::Finish(PGresult* result) {
  PgRows rows(result);
  ExecStatusType status = result == nullptr ? PGRES_FATAL_ERROR : PQresultStatus(result);
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) {
    last_failure_ = PgFailure::kNone;
    return rows;
  }
  const char* state = result == nullptr ? nullptr : PQresultErrorField(result, PG_DIAG_SQLSTATE);
  std::string sqlstate = state == nullptr ? "" : state;
  if (broken() || sqlstate.starts_with("08") || sqlstate == "57P01" || sqlstate == "57P02" ||
      sqlstate == "57P03") {
    last_failure_ = PgFailure::kBroken;
  } else if (sqlstate == "40001" || sqlstate == "40P01") {
    last_failure_ = PgFailure::kConflict;
  } else {
    last_failure_ = PgFailure::kStatement;
  }
  std::string message = Trimmed(result == nullptr || *PQresultErrorMessage(result) == '\0'
                                    ? PQerrorMessage(connection_)
                                    : PQresultErrorMessage(result));
  return Fail(ErrorCode::kStorageFailed,
              "PostgreSQL" + (sqlstate.empty() ? "" : " " + sqlstate) + ": " + message);
}

void PgConnection::NoteFailure(PgFailure kind, int tag, const std::string& message) {
  if (failure_.kind == PgFailure::kNone) failure_ = Failure{kind, tag, message};
}

Result<void> PgConnection::Exec(std::string_view sql) {
  if (pipelined_) return Fail(ErrorCode::kStorageFailed, "PostgreSQL: Exec in pipeline mode");
  Result<PgRows> rows = Finish(PQexec(connection_, std::string(sql).c_str()));
  if (!rows) {
    NoteFailure(last_failure_, tag_, rows.error().message);
    return tl::unexpected(rows.error());
  }
  return {};
}

Result<PgRows> PgConnection::Query(std::string_view sql, std::initializer_list<PgParam> params) {
  return Query(sql, std::vector<PgParam>(params));
}

Result<PgRows> PgConnection::Query(std::string_view sql, const std::vector<PgParam>& params) {
  if (pipelined_) {
    Send(sql, params, /*wanted=*/true);
    RequestResults();
    Result<std::vector<PgRows>> rows = Collect();
    if (!rows) return tl::unexpected(rows.error());
    return std::move(rows->back());
  }
  auto found = prepared_.find(sql);
  if (found == prepared_.end()) {
    std::string key(sql);
    std::string name = "s" + std::to_string(statements_prepared_++);
    Result<PgRows> prepared = Finish(PQprepare(connection_, name.c_str(), key.c_str(),
                                               static_cast<int>(params.size()), nullptr));
    if (!prepared) {
      NoteFailure(last_failure_, tag_, prepared.error().message);
      return prepared;
    }
    found = prepared_.emplace(std::move(key), std::move(name)).first;
  }
  std::vector<const char*> values = ParamValues(params);
  Result<PgRows> rows =
      Finish(PQexecPrepared(connection_, found->second.c_str(), static_cast<int>(values.size()),
                            values.data(), nullptr, nullptr, 0));
  if (!rows) NoteFailure(last_failure_, tag_, rows.error().message);
  return rows;
}

Result<std::vector<PgRows>> PgConnection::QueryEach(const std::vector<Statement>& statements) {
  if (!pipelined_) {
    std::vector<PgRows> each;
    for (const Statement& statement : statements) {
      Result<PgRows> rows = Query(statement.sql, statement.params);
      if (!rows) return tl::unexpected(rows.error());
      each.push_back(std::move(*rows));
    }
    return each;
  }
  for (const Statement& statement : statements) Send(statement.sql, statement.params, true);
  RequestResults();
  return Collect();
}

Result<void> PgConnection::EnterPipeline() {
  if (PQenterPipelineMode(connection_) != 1) {
    return Fail(ErrorCode::kStorageFailed,
                "PostgreSQL: cannot enter pipeline mode: " + Trimmed(PQerrorMessage(connection_)));
  }
  pipelined_ = true;
  return {};
}

void PgConnection::RequestResults() {
  // Without a Flush (or a Sync) the server keeps its answers buffered.
  if (send_failed_) return;
  PQsendFlushRequest(connection_);
  PQflush(connection_);
}

void PgConnection::SendFailed() {
  send_failed_ = true;
  NoteFailure(PgFailure::kBroken, tag_, "PostgreSQL: " + Trimmed(PQerrorMessage(connection_)));
}

void PgConnection::Defer(std::string_view sql, const std::vector<PgParam>& params) {
  Send(sql, params, /*wanted=*/false);
}

void PgConnection::SendSync() {
  if (send_failed_) return;
  if (PQpipelineSync(connection_) == 1) {
    queued_.push_back({Queued::kSync, tag_, false, {}});
  } else {
    SendFailed();
  }
}

Result<void> PgConnection::AwaitSync() {
  Result<std::vector<PgRows>> rows = Collect();
  if (!rows) return tl::unexpected(rows.error());
  return {};
}

void PgConnection::BreakForTest() {
  ::shutdown(PQsocket(connection_), SHUT_RDWR);
}

void PgConnection::Send(std::string_view sql, const std::vector<PgParam>& params, bool wanted) {
  if (send_failed_) return;
  auto found = prepared_.find(sql);
  if (found == prepared_.end()) {
    std::string name = "s" + std::to_string(statements_prepared_++);
    found = prepared_.emplace(std::string(sql), std::move(name)).first;
    if (PQsendPrepare(connection_, found->second.c_str(), found->first.c_str(),
                      static_cast<int>(params.size()), nullptr) != 1) {
      prepared_.erase(found);
      SendFailed();
      return;
    }
    queued_.push_back({Queued::kPrepare, tag_, false, found->first});
  }
  std::vector<const char*> values = ParamValues(params);
  if (PQsendQueryPrepared(connection_, found->second.c_str(), static_cast<int>(values.size()),
                          values.data(), nullptr, nullptr, 0) != 1) {
    SendFailed();
    return;
  }
  queued_.push_back({Queued::kStatement, tag_, wanted, {}});
}

Result<std::vector<PgRows>> PgConnection::Collect() {
  auto gone = [this](int tag) {
    // The connection is unusable: nothing queued will answer.
    std::string message = "PostgreSQL: " + Trimmed(PQerrorMessage(connection_));
    NoteFailure(PgFailure::kBroken, tag, message);
    queued_.clear();
    last_failure_ = PgFailure::kBroken;
    return Fail(ErrorCode::kStorageFailed, message);
  };
  if (send_failed_) return gone(tag_);
  std::vector<PgRows> wanted;
  std::optional<Error> first_error;
  PgFailure first_kind = PgFailure::kNone;
  bool synced_since_error = false;
  while (!queued_.empty()) {
    Queued entry = std::move(queued_.front());
    queued_.pop_front();
    PGresult* raw = PQgetResult(connection_);
    if (raw == nullptr) return gone(entry.tag);
    ExecStatusType status = PQresultStatus(raw);
    if (entry.kind == Queued::kSync) {
      PQclear(raw);
      if (status != PGRES_PIPELINE_SYNC) return gone(entry.tag);
      synced_since_error = first_error.has_value();
      continue;
    }
    // The NULL that ends this statement's results.
    while (PGresult* more = PQgetResult(connection_)) PQclear(more);
    if (status == PGRES_PIPELINE_ABORTED) {
      // Skipped by the server after an earlier failure, reported already
      // (a skipped PREPARE did not happen: it is sent again next time).
      PQclear(raw);
      if (entry.kind == Queued::kPrepare) prepared_.erase(entry.sql);
      if (!first_error) {
        first_error = Error{ErrorCode::kStorageFailed, "PostgreSQL: skipped after a failure"};
        first_kind = PgFailure::kStatement;
      }
      continue;
    }
    Result<PgRows> rows = Finish(raw);
    if (!rows) {
      if (entry.kind == Queued::kPrepare) prepared_.erase(entry.sql);
      NoteFailure(last_failure_, entry.tag, rows.error().message);
      if (!first_error) {
        first_error = rows.error();
        first_kind = last_failure_;
      }
      if (last_failure_ == PgFailure::kBroken) return gone(entry.tag);
      continue;
    }
    if (entry.wanted) wanted.push_back(std::move(*rows));
  }
  if (!first_error) return wanted;
  // The server skips every message up to a Sync: one makes the pipeline
  // usable again (the transaction stays aborted).
  if (!synced_since_error) {
    if (PQpipelineSync(connection_) != 1) return gone(tag_);
    queued_.push_back({Queued::kSync, tag_, false, {}});
    (void)Collect();
  }
  last_failure_ = first_kind;
  return tl::unexpected(*first_error);
}

std::string RedactUrl(std::string_view url) {
  // scheme://user:password@host... -> scheme://user:***@host...
  size_t scheme = url.find("://");
  if (scheme == std::string_view::npos) return "(a connection string)";
  size_t at = url.find('@', scheme + 3);
  if (at == std::string_view::npos) return std::string(url);
  size_t colon = url.find(':', scheme + 3);
  if (colon == std::string_view::npos || colon > at) return std::string(url);
  return std::string(url.substr(0, colon + 1)) + "***" + std::string(url.substr(at));
}

}  // namespace mnad::store::postgres
