// Schema migrations. Each layer that owns tables (the audit log now, the core's
// credentials and requests later) registers its own ordered steps under its own
// component name; the composition root passes all of them to ApplyMigrations.
//
// Versions are tracked per component in the `breakglass_schema` table, which
// the store format (PRAGMA user_version = Database::kFormatVersion) defines. A
// single PRAGMA user_version cannot number the steps of independent layers
// without every layer agreeing on one global sequence; per-component versions
// let each layer add steps without touching the others.
//
// Rules: a component's steps are numbered 1, 2, 3 ... without gaps and never
// change once released (add a step instead). Steps are plain SQL scripts. All
// pending steps of all components run in one IMMEDIATE transaction: the
// database is upgraded completely or not at all.
//
// Thread-safety: as Database.
#ifndef BREAKGLASS_VAULT_STORE_SQLITE_SCHEMA_H_
#define BREAKGLASS_VAULT_STORE_SQLITE_SCHEMA_H_

#include <cstdint>
#include <span>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "vault/store/sqlite/database.h"

namespace breakglass::store::sqlite {

struct Migration {
  std::string component;  // e.g. "audit", "core"; [a-z_]+
  int64_t version;        // 1-based, contiguous within the component
  std::string sql;        // one or more DDL/DML statements
};

// Brings every component in `steps` up to its latest version.
// Errors:
//   INVALID_ARGUMENT     the steps are malformed (gap, duplicate, bad name) —
//                        a programming error, nothing is applied;
//   FAILED_PRECONDITION  the database has a component at a newer version than
//                        this binary knows (message names component and both
//                        versions), or the connection is read-only and steps
//                        are pending;
//   others               from SQLite, naming the failing step; nothing applied.
absl::Status ApplyMigrations(Database& db, std::span<const Migration> steps);

// The stored version of `component` (0 when it has never been migrated).
absl::StatusOr<int64_t> ComponentVersion(Database& db, std::string_view component);

}  // namespace breakglass::store::sqlite

#endif  // BREAKGLASS_VAULT_STORE_SQLITE_SCHEMA_H_
