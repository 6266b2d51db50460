#include "vault/store/sqlite/transaction.h"

#include <utility>

#include "vault/base/status.h"

namespace breakglass::store::sqlite {
namespace {

// One fixed name: SQLite resolves a savepoint name to the innermost one, and
// RAII keeps savepoints strictly nested.
constexpr char kSavepoint[] = "SAVEPOINT bg_sp";
constexpr char kRelease[] = "RELEASE bg_sp";
constexpr char kRollbackTo[] = "ROLLBACK TO bg_sp";

absl::Status Run(Database& db, const char* sql) {
  BG_ASSIGN_OR_RETURN(ScopedStatement stmt, db.Prepare(sql));
  return stmt->Run();
}

}  // namespace

absl::StatusOr<Transaction> Transaction::Begin(Database& db) {
  return Start(db, "BEGIN IMMEDIATE");
}

absl::StatusOr<Transaction> Transaction::BeginRead(Database& db) {
  return Start(db, "BEGIN DEFERRED");
}

absl::StatusOr<Transaction> Transaction::Start(Database& db, const char* sql) {
  BG_RETURN_IF_ERROR(Run(db, sql));
  return Transaction(&db);
}

Transaction::Transaction(Transaction&& other) noexcept
    : db_(other.db_), open_(std::exchange(other.open_, false)) {}

Transaction::~Transaction() {
  if (open_) Rollback().IgnoreError();
}

absl::Status Transaction::Commit() {
  if (!open_) return absl::FailedPreconditionError("sqlite: the transaction already ended");
  BG_RETURN_IF_ERROR(Run(*db_, "COMMIT"));
  open_ = false;
  return absl::OkStatus();
}

absl::Status Transaction::Rollback() {
  if (!open_) return absl::FailedPreconditionError("sqlite: the transaction already ended");
  open_ = false;
  if (!db_->InTransaction()) return absl::OkStatus();
  return Run(*db_, "ROLLBACK");
}

absl::StatusOr<Savepoint> Savepoint::Begin(Database& db) {
  BG_RETURN_IF_ERROR(Run(db, kSavepoint));
  return Savepoint(&db);
}

Savepoint::Savepoint(Savepoint&& other) noexcept
    : db_(other.db_), open_(std::exchange(other.open_, false)) {}

Savepoint::~Savepoint() {
  if (open_) Rollback().IgnoreError();
}

absl::Status Savepoint::Release() {
  if (!open_) return absl::FailedPreconditionError("sqlite: the savepoint already ended");
  if (!db_->InTransaction()) {
    open_ = false;
    return absl::AbortedError(
        "sqlite: the transaction was ended by SQLite after an error; the savepoint's work is "
        "lost");
  }
  BG_RETURN_IF_ERROR(Run(*db_, kRelease));
  open_ = false;
  return absl::OkStatus();
}

absl::Status Savepoint::Rollback() {
  if (!open_) return absl::FailedPreconditionError("sqlite: the savepoint already ended");
  open_ = false;
  if (!db_->InTransaction()) return absl::OkStatus();  // everything is already undone
  BG_RETURN_IF_ERROR(Run(*db_, kRollbackTo));
  return Run(*db_, kRelease);
}

}  // namespace breakglass::store::sqlite
