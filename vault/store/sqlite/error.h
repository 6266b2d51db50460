// Turns SQLite result codes into absl::Status (the project's one error type).
// Internal to the adapter: nothing outside vault/store/sqlite includes this.
//
// Mapping (extended codes are reported in the message):
//   BUSY, LOCKED, IOERR, FULL, CANTOPEN, PROTOCOL -> UNAVAILABLE (storage trouble; retry
//                                                    or free space / fix permissions)
//   CONSTRAINT_UNIQUE / _PRIMARYKEY               -> ALREADY_EXISTS
//   other CONSTRAINT                              -> FAILED_PRECONDITION
//   CORRUPT, NOTADB                               -> DATA_LOSS
//   READONLY, PERM, AUTH                          -> PERMISSION_DENIED
//   NOMEM                                         -> RESOURCE_EXHAUSTED
//   anything else (ERROR, MISUSE, RANGE, ...)     -> INTERNAL
//
// Messages name the SQL (never bound values, which may be sensitive) and
// sqlite3_errmsg.
#ifndef BREAKGLASS_VAULT_STORE_SQLITE_ERROR_H_
#define BREAKGLASS_VAULT_STORE_SQLITE_ERROR_H_

#include <string_view>

#include "absl/status/status.h"

struct sqlite3;

namespace breakglass::store::sqlite::internal {

// The status for result code `rc` (not OK/ROW/DONE) while doing `what` (e.g.
// "step `INSERT INTO t ...`"). `db` may be null; when set, its errmsg is used.
absl::Status SqliteError(sqlite3* db, int rc, std::string_view what);

}  // namespace breakglass::store::sqlite::internal

#endif  // BREAKGLASS_VAULT_STORE_SQLITE_ERROR_H_
