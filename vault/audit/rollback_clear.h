// The rollback clear (DESIGN.md "Anchoring in the TPM": leaving the rollback
// state "is itself a quorum-approved, logged operation"): the statement that
// custodians sign, and the `rollback_cleared` leaf that records their
// approvals and re-baselines the counters to the TPM's values. This file is a
// format contract with the offline verifier (vault/verify/rollback_clears.h),
// like anchor_event.h; change them only together.
//
// Statement: the exact bytes each custodian signs (ASCII; every line,
// the last included, ends in "\n"; counters release first, then checkpoint):
//
//   breakglass-rollback-clear-v1
//   origin: <checkpoint origin>
//   log: size <N>, root <lower-case hex RFC 9162 root of leaves [0, N)>
//   latest checkpoint: size <S>, note sha256 <lower-case hex SHA-256 of the
//                      stored signed note, exact bytes>      (or "none")
//   counter release: log states <A>, TPM holds <T>; re-baseline counter release to <T>
//   counter checkpoint: log states <A>, TPM holds <T>; re-baseline counter checkpoint to <T>
//
// (the latest-checkpoint line is one line; it is wrapped here). A is the value
// the last `anchor` (or `rollback_cleared`) leaf states for the counter, T
// what the TPM holds now. The statement fixes the log (N and its root: the
// clear is the leaf at index N), the TPM values, and so the action: no other
// state can be cleared with these signatures, and no later one either (the
// anchor after a clear moves the checkpoint counter past T).
//
// `rollback_cleared` leaf (EventType::kRollbackCleared), seq N, written in
// the same store transaction that re-read the facts and found them equal to
// the statement:
//   "statement"           the statement, exact text
//   "required_approvals"  integer: approvals the appliance required
//   "approvals"           array, in the order received, of objects
//                         {"custodian": identity name,
//                          "key_pem": the custodian's registered public key,
//                          "key_fingerprint": "SHA256:<hex of its SPKI DER>"
//                                 (as in the custodian's identity_add leaf),
//                          "signature": base64 of the signature over the
//                                 statement bytes (Ed25519, or DER ECDSA
//                                 P-256/SHA-256: core/statement.h)}
//   "counters"            {"release": {"log_value": A, "tpm_value": T},
//                          "checkpoint": {...}}
//   "release_counter", "checkpoint_counter"   integers: the new baseline (T)
// The leaf states the counters' values without moving them: the next
// `anchor` leaf continues from it (checkpoint T+1; release T or T+1), and the
// start-up check treats it like an anchor that moves nothing (A == T only).
// It has no checkpoint or TPM evidence of its own; the anchor made right
// after it covers it.
//
// Thread-safety: value types and pure functions; ReadRollbackFacts reads
// through the caller's Txn.
#ifndef BREAKGLASS_VAULT_AUDIT_ROLLBACK_CLEAR_H_
#define BREAKGLASS_VAULT_AUDIT_ROLLBACK_CLEAR_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "tpm/monotonic_counter.h"
#include "vault/audit/anchor_event.h"
#include "vault/audit/event.h"
#include "vault/audit/log.h"
#include "vault/audit/startup_check.h"
#include "vault/store/txn.h"

namespace breakglass::audit {

inline constexpr std::string_view kRollbackClearHeader = "breakglass-rollback-clear-v1";

// What a rollback clear is about: the log and both counters, as they are.
struct RollbackFacts {
  std::string origin;
  uint64_t log_size = 0;
  std::string log_root_hex;
  uint64_t checkpoint_size = 0;        // latest stored checkpoint; 0 with none
  std::string checkpoint_sha256_hex;   // "" with none
  std::vector<CounterCheck> counters;  // release, then checkpoint

  // True when some counter disagrees in a way only a clear resolves
  // (CounterVerdict::kRollback).
  bool disagrees() const;
  // The statement (file comment).
  std::string Statement() const;
  // The values the clear re-baselines to: the TPM's.
  AnchorStatement Baseline() const;
};

// Reads the facts as `txn` and the counters see them now: the log's size and
// root, the latest stored checkpoint, the last anchor (or clear) leaf and
// both TPM counters. FAILED_PRECONDITION when the log holds no anchor leaf;
// store errors; the counters' read errors ("tpm (<label> counter): ...").
absl::StatusOr<RollbackFacts> ReadRollbackFacts(AuditLog& log, store::Txn& txn,
                                                std::string_view origin,
                                                tpm::MonotonicCounter& checkpoint,
                                                tpm::MonotonicCounter& release);

// One custodian's approval, verified by the caller (vault/core).
struct ClearApproval {
  std::string custodian;
  std::string key_pem;
  std::string key_fingerprint;  // "SHA256:<hex>"
  std::string signature;        // raw bytes
};

// What the quorum approved.
struct RollbackClearRecord {
  std::string statement;
  uint32_t required = 0;
  std::vector<ClearApproval> approvals;
};

// The `rollback_cleared` event for `facts` and `record`; `actor` is the
// custodian whose approval completed the quorum. INVALID_ARGUMENT when the
// record's statement is not facts.Statement(), an approval has an empty
// field, or there are fewer approvals than `required` (or none required).
absl::StatusOr<Event> RollbackClearedEvent(const RollbackFacts& facts,
                                           const RollbackClearRecord& record);

// The baseline a `rollback_cleared` event states (kind kRoutine: it moves
// nothing). INVALID_ARGUMENT naming the field when it is not such an event or
// the baseline is missing.
absl::StatusOr<AnchorStatement> ParseRollbackClearedBaseline(const Event& event);

}  // namespace breakglass::audit

#endif  // BREAKGLASS_VAULT_AUDIT_ROLLBACK_CLEAR_H_
