// Query helpers shared by the SQLite store's files.
// Thread-safe: no; each call uses the connection it is given.
#pragma once

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "store/records.h"
#include "store/sqlite/connection.h"

namespace mnad::store::sqlite {

// Storage failures inside a purchase are transaction failures for the
// caller (precedence 11 of order-per-license.md).
template <typename T>
inline Result<T> AsTransactionError(Result<T> result) {
  if (!result && result.error().code == ErrorCode::kStorageFailed) {
    return Fail(ErrorCode::kStorageFailed,
                "The storage transaction failed: " + result.error().message);
  }
  return result;
}

template <typename Record, typename Reader>
Result<std::optional<Record>> QueryOne(Connection& db, std::string_view sql,
                                       std::initializer_list<std::string_view> keys,
                                       Reader reader) {
  Result<Statement> query = db.Prepare(sql);
  if (!query) return AsTransactionError<std::optional<Record>>(tl::unexpected(query.error()));
  int index = 1;
  for (std::string_view key : keys) query->Bind(index++, key);
  Result<bool> row = query->Step();
  if (!row) return AsTransactionError<std::optional<Record>>(tl::unexpected(row.error()));
  if (!*row) return std::optional<Record>();
  return std::optional<Record>(reader(*query));
}

template <typename Record, typename Reader>
Result<std::vector<Record>> QueryAll(Connection& db, std::string_view sql,
                                     std::initializer_list<std::string_view> keys, Reader reader) {
  Result<Statement> query = db.Prepare(sql);
  if (!query) return AsTransactionError<std::vector<Record>>(tl::unexpected(query.error()));
  int index = 1;
  for (std::string_view key : keys) query->Bind(index++, key);
  std::vector<Record> records;
  while (true) {
    Result<bool> row = query->Step();
    if (!row) return AsTransactionError<std::vector<Record>>(tl::unexpected(row.error()));
    if (!*row) return records;
    records.push_back(reader(*query));
  }
}

// One window of `SELECT <columns> FROM <from_where> ORDER BY <order>`, and
// the count of every row it selects. `bind` binds the parameters of
// from_where (the window's are bound after them).
template <typename Record, typename Reader, typename Binder>
Result<Page<Record>> QueryPage(Connection& db, std::string_view columns,
                               std::string_view from_where, std::string_view order, Binder bind,
                               int parameters, PageWindow window, Reader reader) {
  Page<Record> page;
  {
    Result<Statement> count = db.Prepare("SELECT count(*) FROM " + std::string(from_where));
    if (!count) return AsTransactionError<Page<Record>>(tl::unexpected(count.error()));
    bind(*count);
    Result<bool> row = count->Step();
    if (!row) return AsTransactionError<Page<Record>>(tl::unexpected(row.error()));
    page.total = count->Int(0);
  }
  if (window.limit <= 0 || window.offset >= page.total) return page;
  Result<Statement> query =
      db.Prepare("SELECT " + std::string(columns) + " FROM " + std::string(from_where) +
                 " ORDER BY " + std::string(order) + " LIMIT ?" + std::to_string(parameters + 1) +
                 " OFFSET ?" + std::to_string(parameters + 2));
  if (!query) return AsTransactionError<Page<Record>>(tl::unexpected(query.error()));
  bind(*query);
  query->Bind(parameters + 1, window.limit).Bind(parameters + 2, window.offset);
  while (true) {
    Result<bool> row = query->Step();
    if (!row) return AsTransactionError<Page<Record>>(tl::unexpected(row.error()));
    if (!*row) return page;
    page.items.push_back(reader(*query));
  }
}

inline std::optional<std::string> OptionalText(const Statement& row, int column) {
  if (row.IsNull(column)) return std::nullopt;
  return row.Text(column);
}

}  // namespace mnad::store::sqlite
