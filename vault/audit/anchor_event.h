// The leaves the TPM anchoring protocol writes (DESIGN.md "Anchoring in the
// TPM"), and the bytes it binds to the TPM. This file is the format contract
// the offline verifier (vault/verify) checks against; change it only together.
//
// `anchor` leaf (EventType::kAnchor), written in step 1 of every anchor:
//   "kind"               "genesis" | "routine" | "release"
//   "checkpoint_counter" integer: the value the checkpoint counter reaches
//                        with this anchor (one more than the previous anchor
//                        stated; genesis: the TPM value read at provisioning + 1)
//   "release_counter"    integer: the value the release counter has after this
//                        anchor — one more than the previous anchor stated
//                        when it moves, else equal to it
//   "moves"              array of the counters this anchor increments and
//                        certifies, in increment order: ["checkpoint"] for a
//                        routine anchor, ["release","checkpoint"] for a
//                        release or genesis anchor
// Every anchor states BOTH counters, so the last anchor leaf alone gives the
// start-up check the value the log expects of each counter.
//
// The checkpoint an anchor leaf at seq s is bound to is the one of size s+1
// (the tree ending with that leaf). For each counter in "moves", the stored
// evidence is TPM2_NV_Certify of that counter with
//     qualifying data = SHA-256(checkpoint text)
// where "checkpoint text" is the C2SP tlog-checkpoint BODY — the note text
// "<origin>\n<size>\n<base64 root>\n" exactly, ending in its newline, WITHOUT
// the blank line and signature lines of the signed note. (The body fixes the
// tree; binding the body rather than the note lets cosignatures be added
// later without invalidating the TPM evidence.) The certified counter value
// must equal the value this leaf states for that counter.
//
// `provision` leaf (EventType::kProvision), seq 0, immediately followed by
// the genesis anchor at seq 1 (both covered by checkpoint size 2):
//   "origin"             the checkpoint origin (= the log key's name)
//   "log_verifier_key"   the C2SP verifier key "<name>+<hex id>+<base64>"
//   "ak_public_key_pem"  the attestation key that signs NV_Certify evidence
//   "counters"           {"checkpoint": C, "release": R}; each C/R is
//                        {"nv_index": integer, "nv_name": lower-case hex of
//                        the TPM Name, "start_value": integer — the value read
//                        before genesis, so genesis states start_value + 1}
//
// `rollback_alarm` leaf (EventType::kRollbackAlarm): "counter" (label),
// "log_value", "tpm_value" (integers), "problem" (RollbackProblemName).
//
// `rollback_cleared` leaf (EventType::kRollbackCleared): the quorum-approved
// exit from the rollback state, which re-baselines both counters; its format
// is in rollback_clear.h.
//
// Counter values are JSON integers (canonical JSON allows |v| < 2^53; a
// larger TPM value is refused with OUT_OF_RANGE rather than truncated).
//
// Thread-safety: value types and pure functions.
#ifndef BREAKGLASS_VAULT_AUDIT_ANCHOR_EVENT_H_
#define BREAKGLASS_VAULT_AUDIT_ANCHOR_EVENT_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "vault/audit/event.h"

namespace breakglass::audit {

// MonotonicCounter::Label() of the two counters.
inline constexpr std::string_view kCheckpointCounterLabel = "checkpoint";
inline constexpr std::string_view kReleaseCounterLabel = "release";

enum class AnchorKind {
  kRoutine,  // moves the checkpoint counter
  kRelease,  // moves the release counter, then the checkpoint counter
  kGenesis,  // the first anchor, at provisioning: moves both
};
std::string_view AnchorKindName(AnchorKind kind);

// What one anchor leaf states.
struct AnchorStatement {
  AnchorKind kind = AnchorKind::kRoutine;
  uint64_t checkpoint_counter = 0;
  uint64_t release_counter = 0;

  bool moves_release() const { return kind != AnchorKind::kRoutine; }
  // The value stated for the counter labelled `label` (checkpoint or release).
  uint64_t ValueOf(std::string_view label) const;
  friend bool operator==(const AnchorStatement&, const AnchorStatement&) = default;
};

// The statement of the anchor that follows `previous` (the last one in the
// log) for an anchor of `kind` (routine or release).
AnchorStatement NextStatement(const AnchorStatement& previous, AnchorKind kind);

// The `anchor` event for `s`. OUT_OF_RANGE for a value >= 2^53.
absl::StatusOr<Event> AnchorEvent(const AnchorStatement& s);
// Reads an `anchor` event back. INVALID_ARGUMENT naming the field when it is
// not an anchor event or its fields are missing, mistyped or inconsistent.
absl::StatusOr<AnchorStatement> ParseAnchorEvent(const Event& event);

// One counter as recorded at provisioning.
struct CounterIdentity {
  uint32_t nv_index = 0;
  std::string nv_name_hex;  // the TPM Name of the NV index, lower-case hex
  uint64_t start_value = 0;  // read before the genesis anchor
};

struct ProvisionStatement {
  std::string origin;
  std::string log_verifier_key;
  std::string ak_public_key_pem;
  CounterIdentity checkpoint;
  CounterIdentity release;
};

// The `provision` event for `p`. INVALID_ARGUMENT for an empty field;
// OUT_OF_RANGE for a start value >= 2^53 - 1.
absl::StatusOr<Event> ProvisionEvent(const ProvisionStatement& p);
absl::StatusOr<ProvisionStatement> ParseProvisionEvent(const Event& event);

enum class RollbackProblem {
  kStoreBehindTpm,     // log value < TPM value: a stale store, or a foreign increment
  kStoreAheadOfTpm,    // log value > TPM value + 1 (or +1 for an unmoved counter)
  kIncrementMismatch,  // an increment returned another value than stated
};
std::string_view RollbackProblemName(RollbackProblem problem);

struct CounterDisagreement {
  std::string counter;  // label
  uint64_t log_value = 0;
  uint64_t tpm_value = 0;
  RollbackProblem problem = RollbackProblem::kStoreBehindTpm;
};

// The `rollback_alarm` event for `d`.
Event RollbackAlarmEvent(const CounterDisagreement& d);

// FAILED_PRECONDITION "rollback: ..." stating the counter, both values, what
// they mean and what to do. What Ready/AnchorNow return in the refusing state.
absl::Status RollbackError(const CounterDisagreement& d);

// SHA-256 of the checkpoint body (see the file comment): the qualifying data
// of every NV_Certify of an anchor. 32 raw bytes.
std::string CheckpointQualifyingData(std::string_view checkpoint_body);

// The body of a signed note: everything up to and including the newline
// before the last blank line. INVALID_ARGUMENT when `note` has no signature
// block.
absl::StatusOr<std::string> CheckpointBodyOfNote(std::string_view note);

}  // namespace breakglass::audit

#endif  // BREAKGLASS_VAULT_AUDIT_ANCHOR_EVENT_H_
