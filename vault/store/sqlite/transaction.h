// Transaction and Savepoint: RAII scopes over a Database connection.
//
// Transaction::Begin(db) runs BEGIN IMMEDIATE (takes the write lock at once, so
// a writer never fails half-way with SQLITE_BUSY on lock upgrade);
// Transaction::BeginRead(db) runs a deferred BEGIN for a consistent read
// snapshot. Commit() makes the work durable (synchronous=FULL); a transaction
// that was neither committed nor rolled back is rolled back by the destructor.
//
// Savepoint::Begin(db) nests a SAVEPOINT inside the open transaction (or starts
// one). Release() keeps its work; the destructor of an unreleased savepoint
// rolls back to it and releases it, undoing only what happened since. Scopes
// nest in LIFO order, as RAII makes natural.
//
// Thread-safety: as Database (one thread at a time).
#ifndef BREAKGLASS_VAULT_STORE_SQLITE_TRANSACTION_H_
#define BREAKGLASS_VAULT_STORE_SQLITE_TRANSACTION_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "vault/store/sqlite/database.h"

namespace breakglass::store::sqlite {

class Transaction final {
 public:
  // BEGIN IMMEDIATE. Errors: UNAVAILABLE when the write lock cannot be had
  // within the busy timeout; INTERNAL when a transaction is already open.
  static absl::StatusOr<Transaction> Begin(Database& db);
  // BEGIN (deferred): a read snapshot that starts at the first read.
  static absl::StatusOr<Transaction> BeginRead(Database& db);

  Transaction(Transaction&& other) noexcept;
  Transaction& operator=(Transaction&&) = delete;
  Transaction(const Transaction&) = delete;
  ~Transaction();

  // COMMIT. After an error the transaction may still be open (e.g. a deferred
  // constraint failed): the destructor then rolls it back.
  absl::Status Commit();
  // ROLLBACK (no-op if SQLite already ended the transaction after an error).
  absl::Status Rollback();

  Database& db() const { return *db_; }

 private:
  Transaction(Database* db) : db_(db) {}
  static absl::StatusOr<Transaction> Start(Database& db, const char* sql);

  Database* db_;
  bool open_ = true;
};

class Savepoint final {
 public:
  // SAVEPOINT. Errors as Database::Prepare/Step.
  static absl::StatusOr<Savepoint> Begin(Database& db);

  Savepoint(Savepoint&& other) noexcept;
  Savepoint& operator=(Savepoint&&) = delete;
  Savepoint(const Savepoint&) = delete;
  ~Savepoint();

  // RELEASE: the work since Begin becomes part of the enclosing transaction.
  absl::Status Release();
  // ROLLBACK TO + RELEASE: undoes the work since Begin, keeps the enclosing
  // transaction open.
  absl::Status Rollback();

 private:
  explicit Savepoint(Database* db) : db_(db) {}

  Database* db_;
  bool open_ = true;
};

}  // namespace breakglass::store::sqlite

#endif  // BREAKGLASS_VAULT_STORE_SQLITE_TRANSACTION_H_
