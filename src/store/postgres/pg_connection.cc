#include "store/postgres/pg_connection.h"

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
    return Fail(ErrorCode::kInternalError, "PostgreSQL: out of memory connecting");
  }
  if (PQstatus(connection) != CONNECTION_OK) {
    std::string message = PQerrorMessage(connection);
    PQfinish(connection);
    while (!message.empty() && (message.back() == '\n' || message.back() == ' '))
      message.pop_back();
    return Fail(ErrorCode::kInternalError, "PostgreSQL: cannot connect: " + message);
  }
  return std::unique_ptr<PgConnection>(new PgConnection(connection));
}

PgConnection::~PgConnection() {
  PQfinish(connection_);
}

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
  std::string message =
      result == nullptr ? PQerrorMessage(connection_) : PQresultErrorMessage(result);
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
  return Fail(ErrorCode::kInternalError,
              "PostgreSQL" + (sqlstate.empty() ? "" : " " + sqlstate) + ": " + message);
}

Result<void> PgConnection::Exec(std::string_view sql) {
  Result<PgRows> rows = Finish(PQexec(connection_, std::string(sql).c_str()));
  if (!rows) return tl::unexpected(rows.error());
  return {};
}

Result<PgRows> PgConnection::Query(std::string_view sql, std::initializer_list<PgParam> params) {
  return Query(sql, std::vector<PgParam>(params));
}

Result<PgRows> PgConnection::Query(std::string_view sql, const std::vector<PgParam>& params) {
  auto found = prepared_.find(sql);
  if (found == prepared_.end()) {
    std::string key(sql);
    std::string name = "s" + std::to_string(prepared_.size());
    Result<PgRows> prepared = Finish(PQprepare(connection_, name.c_str(), key.c_str(),
                                               static_cast<int>(params.size()), nullptr));
    if (!prepared) return prepared;
    found = prepared_.emplace(std::move(key), std::move(name)).first;
  }
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const PgParam& param : params) {
    values.push_back(param.value() ? param.value()->c_str() : nullptr);
  }
  return Finish(PQexecPrepared(connection_, found->second.c_str(), static_cast<int>(values.size()),
                               values.data(), nullptr, nullptr, 0));
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
