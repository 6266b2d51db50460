// An auditor's check of an anchored log, written independently of the
// Anchorer for the integration tests: every stored checkpoint verifies with
// the log key and matches the leaves; consecutive checkpoints are consistent
// (RFC 9162 proofs); leaf 0 is the provision leaf; the anchor leaves state
// counter values that move by exactly one per anchor (release only when
// moved); every anchor leaf has its checkpoint (size seq+1) and evidence for
// each counter it moves that verifies (tpm/evidence) with the AK and NV Names
// of the provision leaf, certifying the stated value over SHA-256 of the
// checkpoint body; the TPM's (resetCount, restartCount, clock) never goes
// backwards from one anchor to the next.
//
// Thread-safety: reads through the log's snapshots; call from one thread.
#ifndef BREAKGLASS_TESTS_INTEGRATION_ANCHOR_CHECK_H_
#define BREAKGLASS_TESTS_INTEGRATION_ANCHOR_CHECK_H_

#include <string>

#include "absl/status/status.h"
#include "vault/audit/log.h"
#include "vault/merkle/note.h"

namespace breakglass::audit::testing {

// OK, or the first problem found, naming the leaf or checkpoint.
absl::Status VerifyAnchoredLog(AuditLog& log, const merkle::NoteVerifier& verifier);

}  // namespace breakglass::audit::testing

#endif  // BREAKGLASS_TESTS_INTEGRATION_ANCHOR_CHECK_H_
