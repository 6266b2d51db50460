// VerifyBundle: the auditor's offline check that nobody — the appliance's
// root included — altered or rolled back the audit log (DESIGN.md "Audit
// log", "Anchoring in the TPM"). It needs only the bundle directory
// (bundle.h): no appliance, HSM or TPM, and none of the code that wrote the
// log (it links merkle, crypto, base and tpm/evidence only).
//
// What it checks, streaming over leaves.jsonl once (memory does not grow
// with the log):
//   - every checkpoint note verifies with log.vkey (C2SP signed note,
//     Ed25519) and its origin is the key's name;
//   - each leaf is canonical JSON with the common event fields and
//     "seq" == its line index;
//   - each checkpoint's root is the RFC 9162 root of the first <size>
//     leaves, and each checkpoint is consistent with the one before it: the
//     RFC 9162 consistency proof between them, built from the streamed tree,
//     verifies;
//   - the TPM anchoring, by AnchorChain (anchors.h): provisioning record, counter
//     values stated by `anchor` leaves, NV_Certify evidence (AK signature,
//     qualifying data = SHA-256 of the checkpoint text, NV index names,
//     certified value = stated value), resetCount / restartCount / clock
//     monotonic;
//   - the latest checkpoint is the newest in the bundle and covers every
//     leaf; leaves after it are reported as an unanchored tail (a warning);
//   - a counter jump between anchors fails, unless a quorum-approved
//     `rollback_cleared` leaf between them explains exactly those numbers
//     (rollback_clears.h); each clear is listed in Summary::rollback_clears
//     and printed first.
//
// Failure: the first bad item in log order as a DATA_LOSS status naming it
// (finding.h: "leaf 17: ...", "checkpoint 12: ..."). When a leaf is altered
// so that only a checkpoint root disagrees, the bundle's leaf_hashes hint is
// authenticated against that checkpoint's signed root and, if it matches,
// names the exact leaf. Other errors: INVALID_ARGUMENT for bad options;
// UNAVAILABLE when a file cannot be read.
//
// Thread-safety: VerifyBundle may run concurrently on different bundles; it
// starts and joins its own helper threads.
#ifndef BREAKGLASS_VAULT_VERIFY_VERIFIER_H_
#define BREAKGLASS_VAULT_VERIFY_VERIFIER_H_

#include <filesystem>
#include <string>

#include "absl/status/statusor.h"
#include "vault/verify/finding.h"
#include "vault/verify/summary.h"

namespace breakglass::verify {

struct VerifyOptions {
  // Threads hashing and checking leaves (the caller's included). 0: the
  // machine's hardware threads, at most 4. The result does not depend on it.
  int threads = 0;
  // The log verifier key the auditor trusts ("<name>+<hex id>+<base64>"),
  // recorded at provisioning. Empty: trust log.vkey (and say so).
  std::string trusted_log_key;
  // The attestation key the auditor trusts, "SHA256:<hex of its SPKI DER>".
  // Empty: trust the key recorded in leaf 0 (and say so).
  std::string trusted_ak_fingerprint;
  // A signed checkpoint the auditor already holds (e.g. the latest of the
  // previous audit), exact note bytes. The bundle must reach at least its
  // size and contain the same tree there: an older or forked bundle fails.
  std::string known_checkpoint;
  // Check the TPM anchoring. Off only for logs that were never anchored
  // (benchmarks, tests of the tree checks); the summary then warns.
  bool check_tpm = true;
  // A rollback clear must carry at least this many valid custodian
  // approvals, even if the appliance was configured to require fewer.
  uint32_t min_rollback_clear_approvals = 1;
  // Treat warnings (unanchored tail, pending anchor, untrusted keys ...) as
  // failures.
  bool strict = false;
};

// Verifies the bundle in `dir` (see the file comment).
absl::StatusOr<Summary> VerifyBundle(const std::filesystem::path& dir,
                                     const VerifyOptions& options = {});

// The verdict as one JSON object: {"ok":true,"summary":{...}} or
// {"ok":false,"error":"...","finding":{"where":"leaf","position":17}} (no
// "finding" for errors that are not a verdict). What `--json` prints.
std::string VerdictJson(const absl::StatusOr<Summary>& verdict);

}  // namespace breakglass::verify

#endif  // BREAKGLASS_VAULT_VERIFY_VERIFIER_H_
