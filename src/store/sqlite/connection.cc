#include "store/sqlite/connection.h"

#include <sqlite3.h>

#include "store/sqlite/wal_vfs.h"

namespace mnad::store::sqlite {
namespace {

tl::unexpected<Error> SqliteError(sqlite3* db, std::string_view what) {
  return Fail(ErrorCode::kStorageFailed,
              "storage error (" + std::string(what) + "): " + sqlite3_errmsg(db));
}

}  // namespace

Statement::~Statement() {
  if (statement_ != nullptr) {
    sqlite3_reset(statement_);
    sqlite3_clear_bindings(statement_);
  }
}

Statement& Statement::Bind(int index, int64_t value) {
  sqlite3_bind_int64(statement_, index, value);
  return *this;
}

Statement& Statement::Bind(int index, std::string_view value) {
  sqlite3_bind_text(statement_, index, value.data(), static_cast<int>(value.size()),
                    SQLITE_TRANSIENT);
  return *this;
}

Statement& Statement::BindOptional(int index, const std::optional<std::string>& value) {
  return value ? Bind(index, std::string_view(*value)) : BindNull(index);
}

Statement& Statement::BindNull(int index) {
  sqlite3_bind_null(statement_, index);
  return *this;
}

Result<bool> Statement::Step() {
  int rc = sqlite3_step(statement_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  sqlite3* db = sqlite3_db_handle(statement_);
  return Fail(ErrorCode::kStorageFailed, std::string("storage error: ") + sqlite3_errmsg(db));
}

Result<void> Statement::Run() {
  while (true) {
    Result<bool> row = Step();
    if (!row) return tl::unexpected(row.error());
    if (!*row) return {};
  }
}

int64_t Statement::Int(int column) const {
  return sqlite3_column_int64(statement_, column);
}

std::string Statement::Text(int column) const {
  const unsigned char* text = sqlite3_column_text(statement_, column);
  int bytes = sqlite3_column_bytes(statement_, column);
  return text == nullptr ? std::string() : std::string(reinterpret_cast<const char*>(text), bytes);
}

bool Statement::IsNull(int column) const {
  return sqlite3_column_type(statement_, column) == SQLITE_NULL;
}

Result<std::unique_ptr<Connection>> Connection::Open(const std::string& path, bool create,
                                                     int cache_kib, const std::string& base_vfs) {
  sqlite3* db = nullptr;
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (create ? SQLITE_OPEN_CREATE : 0);
  const char* vfs = WalVfsName(base_vfs.empty() ? nullptr : base_vfs.c_str());
  if (vfs == nullptr) return Fail(ErrorCode::kStorageFailed, "no VFS named " + base_vfs);
  int rc = sqlite3_open_v2(path.c_str(), &db, flags, vfs);
  if (rc != SQLITE_OK) {
    std::string message = db != nullptr ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close(db);
    return Fail(ErrorCode::kStorageFailed, "cannot open database " + path + ": " + message);
  }
  sqlite3_extended_result_codes(db, 1);
  // Powersafe overwrite (the default on unix, pinned here) means a commit's
  // frames are never padded to a sector with a sync in the middle: the WAL
  // VFS relies on a commit's writes all coming before its sync.
  int powersafe_overwrite = 1;
  sqlite3_file_control(db, "main", SQLITE_FCNTL_POWERSAFE_OVERWRITE, &powersafe_overwrite);
  std::unique_ptr<Connection> connection(new Connection(db));
  Result<void> pragmas = connection->Exec(
      "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"
      "PRAGMA busy_timeout=5000; PRAGMA temp_store=MEMORY; PRAGMA cache_size=-" +
      std::to_string(cache_kib) + ";");
  if (!pragmas) return tl::unexpected(pragmas.error());
  return connection;
}

Connection::~Connection() {
  for (auto& [sql, statement] : statements_) sqlite3_finalize(statement);
  sqlite3_close(db_);
}

Result<void> Connection::Exec(std::string_view sql) {
  char* message = nullptr;
  int rc = sqlite3_exec(db_, std::string(sql).c_str(), nullptr, nullptr, &message);
  if (rc != SQLITE_OK) {
    std::string text = message != nullptr ? message : sqlite3_errstr(rc);
    sqlite3_free(message);
    return Fail(ErrorCode::kStorageFailed, "storage error: " + text);
  }
  return {};
}

Result<Statement> Connection::Prepare(std::string_view sql) {
  auto cached = statements_.find(sql);
  if (cached != statements_.end()) return Statement(cached->second);
  std::string key(sql);
  sqlite3_stmt* statement = nullptr;
  int rc = sqlite3_prepare_v3(db_, key.c_str(), static_cast<int>(key.size()),
                              SQLITE_PREPARE_PERSISTENT, &statement, nullptr);
  if (rc != SQLITE_OK) return SqliteError(db_, "prepare");
  statements_.emplace(std::move(key), statement);
  return Statement(statement);
}

Result<void> Connection::Run(std::string_view sql) {
  Result<Statement> statement = Prepare(sql);
  if (!statement) return tl::unexpected(statement.error());
  return statement->Run();
}

std::string Connection::LastError() const {
  return sqlite3_errmsg(db_);
}
int Connection::LastErrorCode() const {
  return sqlite3_extended_errcode(db_);
}

}  // namespace mnad::store::sqlite
