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

namespace breakglass::core {

enum class AnchorKind {
  kRoutine,  // checkpoint counter only
  kRelease,  // release counter and checkpoint counter
};

inline std::string_view AnchorKindName(AnchorKind kind) {
  return kind == AnchorKind::kRelease ? "release" : "routine";
}

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
};

}  // namespace breakglass::core

#endif  // BREAKGLASS_VAULT_CORE_ANCHOR_H_
