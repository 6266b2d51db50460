// The start-up check of DESIGN.md "Anchoring in the TPM": for each TPM
// counter, compare the value T the TPM holds with the value A that the last
// `anchor` leaf of the log states for it (anchor_event.h).
//
//   A == T      in step. (The anchor may still lack its checkpoint or
//               evidence: step 3 is then finished by AnchorProtocol.)
//   A == T + 1  the process died between committing the anchor leaf (step 1)
//               and incrementing (step 2): increment, then finish step 3.
//               Only when the last anchor moves that counter — for a counter
//               it leaves alone, T must equal A (stricter than DESIGN.md: a
//               counter that went backwards is never "one step behind").
//   otherwise   rollback or tampering: A < T (a stale copy of the store, or an
//               increment outside breakglass) or A > T + 1 (the TPM or NV
//               index was replaced or reset, or the store forged). Releases
//               are refused (RollbackError in anchor_event.h).
//
// This file holds the judgement and the log reads it needs; acting on it
// (incrementing, sealing, raising the alarm) is AnchorProtocol's and
// Anchorer's job.
//
// Thread-safety: pure functions, and reads through a caller's Txn (used by
// that caller's thread only).
#ifndef BREAKGLASS_VAULT_AUDIT_STARTUP_CHECK_H_
#define BREAKGLASS_VAULT_AUDIT_STARTUP_CHECK_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "tpm/monotonic_counter.h"
#include "vault/audit/anchor_event.h"
#include "vault/audit/log.h"
#include "vault/store/txn.h"

namespace breakglass::audit {

// An anchor leaf and where it is.
struct LocatedAnchor {
  uint64_t seq = 0;
  AnchorStatement statement;
  // True for a `rollback_cleared` leaf (rollback_clear.h): it states the
  // counters' values (its baseline, kind kRoutine) but moves none and has no
  // checkpoint of its own; the next anchor continues from it.
  bool baseline = false;
  // The checkpoint this anchor is bound to: the tree ending with its leaf.
  uint64_t checkpoint_size() const { return seq + 1; }
};

// The last `anchor` or `rollback_cleared` leaf of the log as `txn` sees it,
// found by reading leaves backwards from the end (it is normally within a
// few leaves of the end). nullopt when the log holds neither.
// INVALID_ARGUMENT when a leaf on the way does not parse; store errors.
absl::StatusOr<std::optional<LocatedAnchor>> FindLastAnchor(AuditLog& log, store::Txn& txn);

struct ProvisionRecord {
  ProvisionStatement statement;
  absl::Time time;  // when the appliance was provisioned (the leaf's time)
};

// The provisioning record, leaf 0. FAILED_PRECONDITION when the log is empty
// or leaf 0 is not a `provision` event (the log was not provisioned by
// AnchorProtocol::Provision); INVALID_ARGUMENT when it does not parse.
absl::StatusOr<ProvisionRecord> ReadProvision(AuditLog& log, store::Txn& txn);

enum class CounterVerdict {
  kInStep,     // A == T
  kOneBehind,  // A == T + 1 and the last anchor moves this counter
  kRollback,   // anything else
};

struct CounterCheck {
  std::string counter;  // label
  uint64_t log_value = 0;  // A
  uint64_t tpm_value = 0;  // T
  bool moved_by_last_anchor = false;
  CounterVerdict verdict = CounterVerdict::kInStep;

  // The disagreement to report; only meaningful for kRollback.
  CounterDisagreement Disagreement() const;
};

// Judges one counter (see the file comment).
CounterCheck JudgeCounter(std::string_view label, uint64_t log_value, uint64_t tpm_value,
                          bool moved_by_last_anchor);

// Reads both counters and judges them against `last`: release first, then
// checkpoint (the order step 2 increments them). With `baseline` (`last` is
// a rollback_cleared leaf's) neither counter was moved by it: only A == T is
// in step. Errors: the counters' Read errors annotated "tpm (<label>
// counter): reading".
absl::StatusOr<std::vector<CounterCheck>> CheckCounters(const AnchorStatement& last,
                                                        tpm::MonotonicCounter& checkpoint,
                                                        tpm::MonotonicCounter& release,
                                                        bool baseline = false);

}  // namespace breakglass::audit

#endif  // BREAKGLASS_VAULT_AUDIT_STARTUP_CHECK_H_
