// Versioned schema migrations, tracked in PRAGMA user_version. Each step
// runs in its own transaction; a database newer than this binary is refused.
// Thread-safe: no; runs once on the writer connection at start-up.
#pragma once

#include "core/error.h"
#include "store/sqlite/connection.h"

namespace mnad::store::sqlite {

// The schema version this binary writes.
int LatestSchemaVersion();
Result<void> Migrate(Connection& connection);

}  // namespace mnad::store::sqlite
