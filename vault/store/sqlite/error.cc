#include "vault/store/sqlite/error.h"

#include <sqlite3.h>

#include <string>

#include "absl/strings/str_cat.h"

namespace breakglass::store::sqlite::internal {
namespace {

absl::StatusCode CodeFor(int rc) {
  switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_IOERR:
    case SQLITE_FULL:
    case SQLITE_CANTOPEN:
    case SQLITE_PROTOCOL:
      return absl::StatusCode::kUnavailable;
    case SQLITE_CONSTRAINT:
      return (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY)
                 ? absl::StatusCode::kAlreadyExists
                 : absl::StatusCode::kFailedPrecondition;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return absl::StatusCode::kDataLoss;
    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_AUTH:
      return absl::StatusCode::kPermissionDenied;
    case SQLITE_NOMEM:
      return absl::StatusCode::kResourceExhausted;
    default:
      return absl::StatusCode::kInternal;
  }
}

}  // namespace

absl::Status SqliteError(sqlite3* db, int rc, std::string_view what) {
  // sqlite3_errmsg describes the most recent failing call on `db`; when the
  // code came from elsewhere (or there is no handle) use the generic text.
  const bool from_db = db != nullptr && (sqlite3_extended_errcode(db) == rc ||
                                         sqlite3_errcode(db) == rc);
  const char* msg = from_db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  return absl::Status(CodeFor(rc), absl::StrCat("sqlite: ", std::string(what), ": ", msg,
                                                " (code ", rc, ")"));
}

}  // namespace breakglass::store::sqlite::internal
