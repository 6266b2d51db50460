#include "vault/store/txn.h"

#include <utility>

#include "vault/base/status.h"

namespace breakglass::store {

Savepoint::~Savepoint() {
  if (sp_.has_value()) Rollback().IgnoreError();
}

absl::Status Savepoint::Release() {
  if (!sp_.has_value()) return absl::FailedPreconditionError("savepoint already ended");
  BG_RETURN_IF_ERROR(sp_->Release());
  sp_.reset();
  return absl::OkStatus();
}

absl::Status Savepoint::Rollback() {
  if (!sp_.has_value()) return absl::FailedPreconditionError("savepoint already ended");
  const absl::Status status = sp_->Rollback();
  sp_.reset();
  txn_->RollBackHooks(mark_);
  return status;
}

absl::StatusOr<Savepoint> Txn::StartSavepoint() {
  BG_ASSIGN_OR_RETURN(sqlite::Savepoint sp, sqlite::Savepoint::Begin(db_));
  return store::Savepoint(this, HookMark(), std::move(sp));
}

void Txn::RollBackHooks(size_t mark) {
  while (hooks_.size() > mark) {
    absl::AnyInvocable<void()> undo = std::move(hooks_.back());
    hooks_.pop_back();
    undo();
  }
}

}  // namespace breakglass::store
