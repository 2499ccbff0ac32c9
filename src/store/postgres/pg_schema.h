// The PostgreSQL schema and its versioned migrations. Migrations run at
// start under an advisory lock, so nodes that start together cannot race;
// a database newer than this binary stops start-up.
// Thread-safe: no; runs once on one connection at start-up.
#pragma once

#include "core/error.h"
#include "store/postgres/pg_connection.h"

namespace mnad::store::postgres {

// The schema version this binary writes.
int LatestSchemaVersion();
Result<void> Migrate(PgConnection& connection);

}  // namespace mnad::store::postgres
