// The core's ports implemented by the audit layer: the vault's EventLog over
// audit::AuditLog, and its Anchor over audit::Anchorer (whose contract was
// written for it; audit may not include core, so the adapters live here).
// The composition root (breakglassd) wires these.
//
// Thread-safety: as the wrapped objects (both safe from many threads).
#ifndef BREAKGLASS_VAULT_CORE_AUDIT_ADAPTERS_H_
#define BREAKGLASS_VAULT_CORE_AUDIT_ADAPTERS_H_

#include "vault/audit/anchor.h"
#include "vault/audit/log.h"
#include "vault/core/anchor.h"
#include "vault/core/event_log.h"

namespace breakglass::core {

// Appends each VaultEvent (converted by ToAuditEvent) to the audit log inside
// the caller's transaction. `log` is borrowed and must outlive this.
class AuditEventLog final : public EventLog {
 public:
  explicit AuditEventLog(audit::AuditLog* log) : log_(log) {}
  absl::StatusOr<uint64_t> AppendAt(store::Txn& txn, const VaultEvent& event) override;

 private:
  audit::AuditLog* const log_;
};

// core::Anchor over the audit layer's group-committing Anchorer. `anchorer`
// is borrowed, must outlive this, and must have been started (Start or
// Provision); before that it refuses, so releases are refused too.
class AuditAnchor final : public Anchor {
 public:
  explicit AuditAnchor(audit::Anchorer* anchorer) : anchorer_(anchorer) {}
  absl::Status Ready(AnchorKind kind) override;
  absl::Status AnchorNow(AnchorKind kind) override;
  // Rides the Anchorer's step-1 commit when `runner` is the log's.
  AnchoredCommit CommitAndAnchor(AnchorKind kind, store::TransactionRunner& runner,
                                 store::Unit unit) override;

 private:
  audit::Anchorer* const anchorer_;
};

}  // namespace breakglass::core

#endif  // BREAKGLASS_VAULT_CORE_AUDIT_ADAPTERS_H_
