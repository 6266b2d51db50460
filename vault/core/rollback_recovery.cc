#include "vault/core/rollback_recovery.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "vault/base/status.h"
#include "vault/core/repository.h"

namespace breakglass::core {
namespace {

absl::Status Cleared() {
  return absl::FailedPreconditionError(
      "the rollback was already cleared; the appliance serves normally");
}

}  // namespace

absl::StatusOr<std::unique_ptr<RollbackRecovery>> RollbackRecovery::Create(
    RollbackRecoveryDeps deps) {
  if (deps.runner == nullptr || deps.anchorer == nullptr) {
    return absl::InvalidArgumentError("rollback recovery: the runner or anchorer is null");
  }
  BG_ASSIGN_OR_RETURN(RollbackClearQuorum quorum, RollbackClearQuorum::Create(deps.required));
  BG_RETURN_IF_ERROR(deps.anchorer->RollbackFactsNow().status());
  int64_t custodians = 0;
  BG_RETURN_IF_ERROR(deps.runner->Read([&](store::Txn& txn) -> absl::Status {
    BG_ASSIGN_OR_RETURN(custodians, repo::CountActiveCustodians(txn));
    return absl::OkStatus();
  }));
  if (custodians < static_cast<int64_t>(deps.required)) {
    return absl::FailedPreconditionError(absl::StrCat(
        "a rollback clear needs ", deps.required, " custodian approvals but the store holds ",
        custodians, " active custodians with a registered key: the quorum could never be met"));
  }
  return std::unique_ptr<RollbackRecovery>(
      new RollbackRecovery(std::move(deps), std::move(quorum)));
}

std::string RollbackRecovery::Why() const {
  const std::optional<absl::Status> refusal = deps_.anchorer->refusal();
  if (!refusal.has_value()) return "the rollback clear is being recorded";
  return std::string(refusal->message());
}

absl::StatusOr<RollbackRecoveryStatus> RollbackRecovery::Status() {
  absl::MutexLock lock(&mu_);
  return StatusLocked();
}

absl::StatusOr<RollbackRecoveryStatus> RollbackRecovery::StatusLocked() {
  RollbackRecoveryStatus s;
  s.required = quorum_.required();
  if (cleared_.has_value()) {
    s.cleared = true;
    s.approved_by = quorum_.approvers();
    s.actions = *cleared_;
    return s;
  }
  BG_ASSIGN_OR_RETURN(const audit::RollbackFacts facts, deps_.anchorer->RollbackFactsNow());
  s.statement = facts.Statement();
  s.counters = facts.counters;
  if (quorum_.statement() == s.statement) s.approved_by = quorum_.approvers();
  return s;
}

absl::Status RollbackRecovery::Count(std::string_view actor, std::string_view current,
                                     std::string_view statement, std::string_view signature) {
  std::optional<Identity> signer;
  BG_RETURN_IF_ERROR(deps_.runner->Read([&](store::Txn& txn) -> absl::Status {
    BG_ASSIGN_OR_RETURN(signer, repo::FindIdentity(txn, actor));
    return absl::OkStatus();
  }));
  if (!signer.has_value()) {
    return absl::PermissionDeniedError(
        absl::StrCat("'", std::string(actor),
                     "' is not a registered identity; only custodians approve a "
                     "rollback clear"));
  }
  return quorum_.Add(*signer, current, statement, signature);
}

absl::StatusOr<RollbackRecoveryStatus> RollbackRecovery::Approve(std::string_view actor,
                                                                 std::string_view statement,
                                                                 std::string_view signature) {
  absl::MutexLock lock(&mu_);
  if (cleared_.has_value()) return Cleared();
  BG_ASSIGN_OR_RETURN(const audit::RollbackFacts facts, deps_.anchorer->RollbackFactsNow());
  const absl::Status counted = Count(actor, facts.Statement(), statement, signature);
  // A counted custodian approving again retries a clear that failed.
  const bool retry = absl::IsAlreadyExists(counted) && quorum_.met();
  if (!counted.ok() && !retry) return counted;
  if (!quorum_.met()) return StatusLocked();
  return Clear();
}

absl::StatusOr<RollbackRecoveryStatus> RollbackRecovery::Clear() {
  BG_ASSIGN_OR_RETURN(const audit::StartupReport report,
                      deps_.anchorer->ClearRollback(quorum_.Record()));
  cleared_ = report.actions;
  if (deps_.on_cleared) BG_RETURN_IF_ERROR(deps_.on_cleared());
  return StatusLocked();
}

}  // namespace breakglass::core
