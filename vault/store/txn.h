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
// through Prepare/Exec: the runner owns the transaction. Use StartSavepoint() to
// undo part of a unit's work.
//
// Rollback hooks let a layer keep an in-memory cache of what it wrote (the
// audit log's Merkle frontier) without trusting work that is later undone:
// OnRollback(fn) runs fn if the writes made so far in the current scope are
// rolled back — the unit fails, an enclosing Savepoint is dropped, or the
// batch's COMMIT fails. Hooks run on the writer thread, newest first, and
// must not touch the database.
//
// Thread-safety: none; a Txn is used only by the thread it was handed to.
#ifndef BREAKGLASS_VAULT_STORE_TXN_H_
#define BREAKGLASS_VAULT_STORE_TXN_H_

#include <cstddef>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "vault/store/sqlite/database.h"
#include "vault/store/sqlite/statement.h"
#include "vault/store/sqlite/transaction.h"

namespace breakglass::store {

class Txn;

// A savepoint inside a unit: drop it to undo what was done since (running the
// rollback hooks registered since), Release() it to keep that work.
class Savepoint final {
 public:
  Savepoint(Savepoint&& other) noexcept
      : txn_(other.txn_), mark_(other.mark_), sp_(std::exchange(other.sp_, std::nullopt)) {}
  Savepoint& operator=(Savepoint&&) = delete;
  ~Savepoint();

  // Keeps the work; its hooks now belong to the enclosing scope.
  absl::Status Release();
  // Undoes the work and runs the hooks registered since Begin.
  absl::Status Rollback();

 private:
  friend class Txn;
  Savepoint(Txn* txn, size_t mark, sqlite::Savepoint sp)
      : txn_(txn), mark_(mark), sp_(std::move(sp)) {}

  Txn* txn_;
  size_t mark_;
  std::optional<sqlite::Savepoint> sp_;
};

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

  // A nested savepoint inside this transaction.
  absl::StatusOr<Savepoint> StartSavepoint();

  // Registers `undo` to run if the writes made so far in the current scope
  // are rolled back (see the file comment). In a read snapshot hooks never run.
  void OnRollback(absl::AnyInvocable<void()> undo) { hooks_.push_back(std::move(undo)); }

  // True for a read snapshot (writes fail with an error).
  bool read_only() const { return read_only_; }

 private:
  friend class TransactionRunner;
  friend class store::Savepoint;
  Txn(sqlite::Database& db, bool read_only) : db_(db), read_only_(read_only) {}

  size_t HookMark() const { return hooks_.size(); }
  // Runs the hooks registered since `mark`, newest first, and forgets them.
  void RollBackHooks(size_t mark);
  // Forgets every hook (the transaction committed).
  void ClearHooks() { hooks_.clear(); }

  sqlite::Database& db_;
  bool read_only_;
  std::vector<absl::AnyInvocable<void()>> hooks_;
};

}  // namespace breakglass::store

#endif  // BREAKGLASS_VAULT_STORE_TXN_H_
