// The embedded default Store: one SQLite database file in WAL mode with
// synchronous=FULL, so a committed change survives a crash or power loss.
// Writes go through one write connection; reads use a pool of separate
// connections and never wait for the writer.
// Thread-safe: yes.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/clock.h"
#include "store/sqlite/connection.h"
#include "store/store.h"

namespace mnad::store::sqlite {

struct SqliteStoreOptions {
  std::string path;  // the database file; created when absent
};

class SqliteStore final : public Store {
 public:
  static Result<std::unique_ptr<SqliteStore>> Open(SqliteStoreOptions options, const Clock* clock);

  Result<SeedReport> ApplySeed(const SeedData& seed) override;
  Result<std::vector<std::string>> Regions() override;
  Result<std::optional<CredentialRecord>> FindCredential(std::string_view secret_id) override;
  Result<std::optional<AccountRecord>> FindAccount(std::string_view uin) override;
  Result<std::optional<DeviceRecord>> FindDevice(std::string_view account_uin,
                                                 std::string_view device_id) override;

 private:
  SqliteStore(SqliteStoreOptions options, const Clock* clock, std::unique_ptr<Connection> writer);

  // A read connection from the pool, returned when the lease ends.
  class ReadLease {
   public:
    ReadLease(SqliteStore* store, std::unique_ptr<Connection> connection)
        : store_(store), connection_(std::move(connection)) {}
    ReadLease(ReadLease&&) = default;
    ~ReadLease();
    Connection* operator->() { return connection_.get(); }

   private:
    SqliteStore* store_;
    std::unique_ptr<Connection> connection_;
  };
  Result<ReadLease> Read();

  Result<void> ApplySeedAccount(const SeedAccount& seed, int64_t now_ms, SeedReport* report);

  SqliteStoreOptions options_;
  const Clock* clock_;
  std::mutex writer_mutex_;
  std::unique_ptr<Connection> writer_;
  std::mutex readers_mutex_;
  std::vector<std::unique_ptr<Connection>> idle_readers_;
};

}  // namespace mnad::store::sqlite
