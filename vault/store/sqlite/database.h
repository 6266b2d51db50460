// Database: one SQLite connection to a breakglass state file (RAII over
// sqlite3*), configured for durability, with a cache of prepared statements.
//
// Every connection runs with journal_mode=WAL, synchronous=FULL (a COMMIT has
// returned only once the WAL is fsync'd), foreign_keys=ON, trusted_schema=OFF,
// SQLITE_DBCONFIG_DEFENSIVE and a busy timeout.
//
// The file is marked as ours with PRAGMA application_id = kApplicationId and
// PRAGMA user_version = kFormatVersion (the version of the store's own
// bookkeeping: the `breakglass_schema` table that schema.h uses to track each
// component's migrations). Open refuses a file that belongs to something else
// and a file written by a newer format, and says so.
//
// Thread-safety: none (SQLITE_OPEN_NOMUTEX). A Database is used by one thread
// at a time; concurrency comes from several connections to the same file
// (WAL: one writer, many readers).
#ifndef BREAKGLASS_VAULT_STORE_SQLITE_DATABASE_H_
#define BREAKGLASS_VAULT_STORE_SQLITE_DATABASE_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "vault/store/sqlite/statement.h"

struct sqlite3;

namespace breakglass::store::sqlite {

struct DatabaseOptions {
  // A reader: PRAGMA query_only, never creates or claims the file (it must
  // already be a breakglass database).
  bool read_only = false;
  // How long a statement waits for another connection's lock before failing
  // with UNAVAILABLE.
  absl::Duration busy_timeout = absl::Seconds(10);
};

class Database final {
 public:
  static constexpr uint32_t kApplicationId = 0x42474C53;  // "BGLS"
  static constexpr int64_t kFormatVersion = 1;

  // Opens (and, unless read_only, creates and claims) the database at `path`.
  // Errors:
  //   FAILED_PRECONDITION  the file is another application's database, or was
  //                        written by a newer breakglass (format version), or
  //                        read_only and the file is not initialised yet;
  //   DATA_LOSS            the file is not an SQLite database or is corrupt;
  //   UNAVAILABLE          it cannot be opened/locked (permissions, disk full);
  //   PERMISSION_DENIED    read-only file system or file.
  // Every message names the path.
  static absl::StatusOr<std::unique_ptr<Database>> Open(std::string path,
                                                        DatabaseOptions options = {});

  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;
  // Finalizes cached statements and closes the connection. Every
  // ScopedStatement must be gone by then.
  ~Database();

  // Runs an SQL script (one or more statements, no results), e.g. DDL.
  absl::Status Exec(std::string_view sql);

  // A prepared statement for `sql` (exactly one statement), from the cache
  // when possible. Errors: INTERNAL for bad SQL, naming it.
  absl::StatusOr<ScopedStatement> Prepare(std::string_view sql);

  // Runs a query that returns one integer (e.g. a PRAGMA). NOT_FOUND when it
  // returns no row.
  absl::StatusOr<int64_t> QueryInt64(std::string_view sql);

  // True while a transaction (BEGIN ... COMMIT/ROLLBACK) is open. SQLite ends
  // a transaction by itself after some errors (SQLITE_FULL, IOERR, NOMEM);
  // callers that carry on after an error check this.
  bool InTransaction() const;

  const std::string& path() const { return path_; }
  bool read_only() const { return read_only_; }

 private:
  Database(sqlite3* db, std::string path, bool read_only);
  absl::Status Configure(const DatabaseOptions& options);
  absl::Status ClaimOrVerify();
  absl::Status Claim();
  absl::Status VerifyOurs(int64_t application_id, int64_t format, int64_t objects);

  sqlite3* db_;
  std::string path_;
  bool read_only_;
  std::map<std::string, std::unique_ptr<Statement>, std::less<>> cache_;
};

}  // namespace breakglass::store::sqlite

#endif  // BREAKGLASS_VAULT_STORE_SQLITE_DATABASE_H_
