// Anchor: how the core asks the audit log to anchor what it has committed
// (DESIGN.md "Anchoring in the TPM", invariant 3). The core depends only on
// this interface; the real implementation (audit log + checkpoint signer + TPM
// counters) is wired in by the composition root.
//
// Thread-safety: implementations must be safe to call from many threads;
// concurrent callers are expected to be group-committed (one TPM increment
// for all waiting events).
#ifndef BREAKGLASS_VAULT_CORE_ANCHOR_H_
#define BREAKGLASS_VAULT_CORE_ANCHOR_H_

#include <string_view>

#include "absl/status/status.h"
#include "vault/store/transaction_runner.h"

namespace breakglass::core {

enum class AnchorKind {
  kRoutine,  // checkpoint counter only
  kRelease,  // release counter and checkpoint counter
};

inline std::string_view AnchorKindName(AnchorKind kind) {
  return kind == AnchorKind::kRelease ? "release" : "routine";
}

// What CommitAndAnchor did. `committed`: OK when the unit's writes are
// durable; otherwise the unit's own error or the store's, and nothing of the
// unit is stored. `anchored` (meaningful only when committed): as AnchorNow.
struct AnchoredCommit {
  absl::Status committed;
  absl::Status anchored;
};

class Anchor {
 public:
  virtual ~Anchor() = default;

  // Side-effect-free check that an anchor of `kind` could be made now: the
  // TPM answers, the HSM log key is usable, and no rollback alarm is raised.
  // Called before a release commits anything, so that a device that is
  // already down refuses the release with no state change. OK or an error
  // naming the component (UNAVAILABLE "tpm: ...", FAILED_PRECONDITION
  // "hsm log signer: logged out", FAILED_PRECONDITION "rollback: ...").
  virtual absl::Status Ready(AnchorKind kind) = 0;

  // Blocks until every event committed before the call is covered by a
  // signed checkpoint anchored in the TPM (for kRelease, also with the
  // release counter moved). OK only when that holds; otherwise an error
  // naming the component that failed. Never returns OK on a fallback.
  virtual absl::Status AnchorNow(AnchorKind kind) = 0;

  // runner.Run(unit) followed by AnchorNow(kind), with the same results, but
  // an implementation may commit the unit in the same store transaction as
  // its anchor's own first write (DESIGN.md "Anchoring in the TPM", step 1),
  // saving one durable commit on the caller's path. `runner` is the store the
  // unit belongs to; an implementation anchoring another store runs the unit
  // there first.
  virtual AnchoredCommit CommitAndAnchor(AnchorKind kind, store::TransactionRunner& runner,
                                         store::Unit unit) = 0;
};

}  // namespace breakglass::core

#endif  // BREAKGLASS_VAULT_CORE_ANCHOR_H_
