#include "vault/core/audit_adapters.h"

#include "vault/base/status.h"
#include "vault/core/audit_event.h"

namespace breakglass::core {
namespace {

audit::AnchorKind ToAudit(AnchorKind kind) {
  return kind == AnchorKind::kRelease ? audit::AnchorKind::kRelease : audit::AnchorKind::kRoutine;
}

}  // namespace

absl::StatusOr<uint64_t> AuditEventLog::AppendAt(store::Txn& txn, const VaultEvent& event) {
  BG_ASSIGN_OR_RETURN(audit::Event leaf, ToAuditEvent(event));
  return log_->Append(txn, std::move(leaf));
}

absl::Status AuditAnchor::Ready(AnchorKind kind) { return anchorer_->Ready(ToAudit(kind)); }

absl::Status AuditAnchor::AnchorNow(AnchorKind kind) {
  return anchorer_->AnchorNow(ToAudit(kind));
}

AnchoredCommit AuditAnchor::CommitAndAnchor(AnchorKind kind, store::TransactionRunner& runner,
                                            store::Unit unit) {
  if (&runner != anchorer_->runner()) {
    AnchoredCommit done{runner.Run(std::move(unit)), absl::OkStatus()};
    if (done.committed.ok()) done.anchored = AnchorNow(kind);
    return done;
  }
  audit::AnchoredCommit done = anchorer_->CommitAndAnchor(ToAudit(kind), std::move(unit));
  return {std::move(done.committed), std::move(done.anchored)};
}

}  // namespace breakglass::core
