// RAII wrappers over one sqlite3 connection and its cached prepared
// statements. SQLite errors become Result values here and go no further.
// Thread-safe: no; a Connection belongs to one thread at a time (the store
// hands them out from a pool or keeps one per writer).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/error.h"

struct sqlite3;
struct sqlite3_stmt;

namespace mnad::store::sqlite {

// A prepared statement borrowed from a connection's cache; reset and
// unbound when it goes out of scope.
class Statement {
 public:
  explicit Statement(sqlite3_stmt* statement) : statement_(statement) {}
  Statement(Statement&& other) noexcept : statement_(other.statement_) {
    other.statement_ = nullptr;
  }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement();

  // Parameters are 1-based, as in SQL `?1`.
  Statement& Bind(int index, int64_t value);
  Statement& Bind(int index, std::string_view value);
  Statement& BindOptional(int index, const std::optional<std::string>& value);
  Statement& BindNull(int index);

  // True when a row is ready, false when done.
  Result<bool> Step();
  // Steps until done; for statements that return no rows.
  Result<void> Run();

  int64_t Int(int column) const;
  std::string Text(int column) const;
  bool IsNull(int column) const;

 private:
  sqlite3_stmt* statement_;
};

class Connection {
 public:
  // Opens (creating if asked) the database file with the pragmas mnad
  // relies on: WAL, synchronous=FULL, foreign keys, a busy timeout, and a
  // page cache of `cache_kib` KiB (pages read again are served from it
  // instead of a pread each).
  // `base_vfs`: the VFS under mnad's WAL VFS, empty for the default.
  static Result<std::unique_ptr<Connection>> Open(const std::string& path, bool create,
                                                  int cache_kib = 2048,
                                                  const std::string& base_vfs = "");
  ~Connection();

  Result<void> Exec(std::string_view sql);
  Result<Statement> Prepare(std::string_view sql);
  // Runs a statement that returns no rows through the statement cache.
  Result<void> Run(std::string_view sql);

  // The raw handle, for the store's own use of SQLite APIs this class does
  // not wrap (checkpoints).
  sqlite3* handle() { return db_; }

  // SQLite's message for the last error, for logs and errors.
  std::string LastError() const;
  // The extended result code of the last error.
  int LastErrorCode() const;

 private:
  explicit Connection(sqlite3* db) : db_(db) {}
  sqlite3* db_;
  // Looked up by the SQL text as a view: no string is built for a hit.
  struct SqlHash {
    using is_transparent = void;
    size_t operator()(std::string_view sql) const { return std::hash<std::string_view>{}(sql); }
  };
  std::unordered_map<std::string, sqlite3_stmt*, SqlHash, std::equal_to<>> statements_;
};

}  // namespace mnad::store::sqlite
