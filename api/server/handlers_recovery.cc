// Handlers: rollback recovery (breakglassd --recover-rollback): the statement
// custodians sign and their approvals (vault/core/rollback_recovery.h), and
// the gate's question whether an RPC is served meanwhile.
#include "absl/strings/str_cat.h"
#include "api/server/convert.h"
#include "api/server/handlers.h"
#include "api/server/rpc_table.h"
#include "vault/base/status.h"
#include "vault/core/rollback_recovery.h"

namespace breakglass::api {
namespace {

constexpr size_t kMaxStatementBytes = 8192;
constexpr size_t kMaxSignatureBytes = 512;

absl::Status CheckApproval(const pb::ApproveRollbackClearRequest& request) {
  if (request.statement().empty() || request.statement().size() > kMaxStatementBytes) {
    return absl::InvalidArgumentError(
        "statement: required; send the exact bytes GetRollbackClearStatement returned");
  }
  if (request.signature().empty() || request.signature().size() > kMaxSignatureBytes) {
    return absl::InvalidArgumentError(
        "signature: required (Ed25519 64 bytes, or ECDSA P-256 DER), at most 512 bytes");
  }
  return absl::OkStatus();
}

absl::StatusOr<core::RollbackRecovery*> RequireRecovery(const Backend& backend) {
  core::RollbackRecovery* recovery = backend.rollback_recovery();
  if (recovery != nullptr) return recovery;
  return absl::FailedPreconditionError(
      "the appliance is not in rollback recovery: there is no rollback to clear (a rollback "
      "refuses the start; breakglassd --recover-rollback then serves the clear)");
}

}  // namespace

absl::Status Handlers::CheckRecovery(std::string_view method) const {
  core::RollbackRecovery* recovery = backend_->rollback_recovery();
  if (recovery == nullptr) return absl::OkStatus();
  return RecoveryRefusal(method, recovery->Why());
}

absl::Status Handlers::RecordRefusedCall(std::string_view identity, std::string_view method,
                                         const absl::Status& why) const {
  core::Vault* vault = backend_->vault();
  if (vault == nullptr || backend_->rollback_recovery() != nullptr) return absl::OkStatus();
  return vault->RecordRefusedCall(identity, method,
                                  absl::StrCat(absl::StatusCodeToString(why.code()), ": ",
                                               why.message()));
}

absl::Status Handlers::GetRollbackClearStatement(const Caller&,
                                                 const pb::GetRollbackClearStatementRequest&,
                                                 pb::GetRollbackClearStatementResponse* response) {
  BG_ASSIGN_OR_RETURN(core::RollbackRecovery * recovery, RequireRecovery(*backend_));
  BG_ASSIGN_OR_RETURN(const core::RollbackRecoveryStatus status, recovery->Status());
  *response->mutable_recovery() = RollbackRecoveryToProto(status);
  return absl::OkStatus();
}

absl::Status Handlers::ApproveRollbackClear(const Caller& caller,
                                            const pb::ApproveRollbackClearRequest& request,
                                            pb::ApproveRollbackClearResponse* response) {
  BG_RETURN_IF_ERROR(CheckApproval(request));
  BG_ASSIGN_OR_RETURN(core::RollbackRecovery * recovery, RequireRecovery(*backend_));
  BG_ASSIGN_OR_RETURN(const core::RollbackRecoveryStatus status,
                      recovery->Approve(caller.identity, request.statement(), request.signature()));
  *response->mutable_recovery() = RollbackRecoveryToProto(status);
  return absl::OkStatus();
}

}  // namespace breakglass::api
