// Txn: the narrow handle through which the layers above the store (audit log,
// core) read and write inside a transaction, without seeing sqlite3.h.
//
// A Txn exists only while its transaction is open: the TransactionRunner hands
// one to each unit of work (a write transaction, the unit inside its own
// SAVEPOINT) and to each read (a read snapshot on a query_only connection).
// It is borrowed: never keep it, or a statement from it, past the call it was
// given to.
//
// Inside a unit, never run BEGIN, COMMIT, ROLLBACK, SAVEPOINT or RELEASE
// through Prepare/Exec: the runner owns the transaction. Use Savepoint() to
// undo part of a unit's work.
//
// Thread-safety: none; a Txn is used only by the thread it was handed to.
#ifndef BREAKGLASS_VAULT_STORE_TXN_H_
#define BREAKGLASS_VAULT_STORE_TXN_H_

#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "vault/store/sqlite/database.h"
#include "vault/store/sqlite/statement.h"
#include "vault/store/sqlite/transaction.h"

namespace breakglass::store {

class Txn final {
 public:
  Txn(const Txn&) = delete;
  Txn& operator=(const Txn&) = delete;

  // A prepared statement for `sql` (one statement; cached per connection).
  // Errors: INTERNAL for bad SQL, naming it.
  absl::StatusOr<sqlite::ScopedStatement> Prepare(std::string_view sql) {
    return db_.Prepare(sql);
  }
  // Runs an SQL script that returns no rows.
  absl::Status Exec(std::string_view sql) { return db_.Exec(sql); }
  // Runs a query returning one integer; NOT_FOUND when it returns no row.
  absl::StatusOr<int64_t> QueryInt64(std::string_view sql) { return db_.QueryInt64(sql); }

  // A nested savepoint inside this transaction: drop it to undo what was done
  // since, Release() it to keep that work.
  absl::StatusOr<sqlite::Savepoint> Savepoint() { return sqlite::Savepoint::Begin(db_); }

  // True for a read snapshot (writes fail with PERMISSION_DENIED/INTERNAL).
  bool read_only() const { return read_only_; }

 private:
  friend class TransactionRunner;
  Txn(sqlite::Database& db, bool read_only) : db_(db), read_only_(read_only) {}

  sqlite::Database& db_;
  bool read_only_;
};

}  // namespace breakglass::store

#endif  // BREAKGLASS_VAULT_STORE_TXN_H_
