// AnchorProtocol: one TPM anchor at a time, exactly as DESIGN.md "Anchoring
// in the TPM" says, safe against a crash between any two steps:
//
//   1. append an `anchor` leaf stating the values the counters are about to
//      reach (anchor_event.h) and commit it;
//   2. increment the counter(s) it moves — release first, then checkpoint
//      (MonotonicCounter::Advance: the adapter retries TPM_RC_NV_RATE and
//      does not read the value back);
//   3. sign the C2SP checkpoint of the tree ending with that leaf (size
//      seq + 1) with the HSM log key, TPM2_NV_Certify each counter moved with
//      qualifying data = SHA-256(checkpoint body) (CheckpointQualifyingData),
//      check each piece of evidence as an auditor will (tpm/evidence: signed
//      by the AK recorded at provisioning, about the NV index recorded there,
//      certifying the stated value over that qualifying data), and store note
//      + evidence in one transaction. Evidence an auditor would reject is
//      never stored; a certified value other than the stated one (the counter
//      moved outside breakglass) is a rollback alarm.
//
// The store reads and the signature of step 3 need no TPM, so Anchor() does
// them on a second thread while step 2 runs; the signed note is neither
// stored nor shown before the counters have moved, and the step hooks fire
// in the order above (kCheckpointSigned after the increments).
//
// Before signing, the tree must extend the last signed checkpoint — the
// stored latest one (its signature checked with our key, then an RFC 9162
// consistency proof) and the last one this object signed. So the log key
// never signs two inconsistent checkpoints, even over a store swapped while
// running. Step 3 is idempotent (Ed25519 is deterministic; existing rows are
// kept), so it can always be finished after a crash.
//
// Recover() is the start-up check (startup_check.h) plus finishing: counters
// one behind are incremented, step 3 is completed. When the last statement
// is a rollback clear's baseline (rollback_clear.h) and the counters equal
// it, Recover makes the routine anchor that continues from it. After any error past step
// 1 the next Anchor() recovers first, so a half-done anchor is finished
// before a new one starts — never skipped, never repeated.
//
// Errors name the component: "tpm (<label> counter): ...", "hsm (log signer):
// ...", "store: ...", keeping the component's code. A counter disagreement is
// not an error here: it is returned in AnchorResult::rollback for the caller
// to raise the alarm.
//
// Thread-safety: not thread-safe. One thread at a time (the Anchorer's worker,
// or the thread running provisioning/start-up before it starts). Borrowed
// dependencies must outlive the object.
#ifndef BREAKGLASS_VAULT_AUDIT_ANCHOR_PROTOCOL_H_
#define BREAKGLASS_VAULT_AUDIT_ANCHOR_PROTOCOL_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "hsm/log_signer.h"
#include "tpm/evidence/verifier.h"
#include "tpm/monotonic_counter.h"
#include "vault/audit/anchor_event.h"
#include "vault/audit/log.h"
#include "vault/audit/startup_check.h"
#include "vault/merkle/checkpoint.h"
#include "vault/merkle/note.h"
#include "vault/store/transaction_runner.h"

namespace breakglass::audit {

// Step boundaries, for fault injection (AnchorDeps::step_hook).
enum class AnchorStep {
  kBeforeEventCommit,   // inside the step-1 unit, leaf appended, not committed
  kEventCommitted,      // step 1 durable, no counter moved
  kCounterIncremented,  // after each successful increment (release, checkpoint)
  kCheckpointSigned,    // note signed, nothing certified
  kCountersCertified,   // evidence in hand, not stored
  kEvidenceStored,      // step 3 durable
};
std::string_view AnchorStepName(AnchorStep step);

// Called at each step boundary. Returning an error aborts the anchor there, as
// a crash would (for tests; a crash test's hook kills the process). Runs on
// the protocol's thread, or on the store's writer thread for
// kBeforeEventCommit.
using AnchorStepHook = std::function<absl::Status(AnchorStep)>;

struct AnchorDeps {
  store::TransactionRunner* runner = nullptr;  // the log's runner
  AuditLog* log = nullptr;
  hsm::LogSigner* signer = nullptr;             // the log key
  tpm::MonotonicCounter* checkpoint_counter = nullptr;  // Label() "checkpoint"
  tpm::MonotonicCounter* release_counter = nullptr;     // Label() "release"
  AnchorStepHook step_hook;                     // optional
};

// What provisioning needs besides the deps (provision event, anchor_event.h).
// The NV Names are those the TPM reports once the index is written (the
// Name NV_Certify evidence carries), lower-case hex.
struct ProvisionRequest {
  std::string ak_public_key_pem;  // ECC P-256 SubjectPublicKeyInfo PEM
  uint32_t checkpoint_nv_index = 0;
  std::string checkpoint_nv_name_hex;
  uint32_t release_nv_index = 0;
  std::string release_nv_name_hex;
};

// Units of work committed in the same transaction as an anchor's `anchor`
// leaf, before it — so that the state changes they write and the statement
// of the counters that anchor them become durable together, with one commit
// (the Anchorer's callers waiting on CommitAndAnchor).
class Riders {
 public:
  virtual ~Riders() = default;
  // Runs inside the step-1 unit (on the store's writer thread), before the
  // anchor leaf is appended; each rider's failure must be rolled back alone.
  // Returns true when a release was committed, so the anchor must also move
  // the release counter. An error aborts step 1: nothing is stored.
  virtual absl::StatusOr<bool> Run(store::Txn& txn) = 0;
  // Called when Run ran but step 1 did not commit (`why`): nothing the
  // riders wrote is stored.
  virtual void Lost(const absl::Status& why) = 0;
};

struct AnchorResult {
  LocatedAnchor anchor;                   // the anchor made or finished
  std::vector<CounterCheck> checks;       // Recover(): what the TPM and log said
  std::vector<std::string> actions;       // Recover(): what was finished, for the report
  std::optional<CounterDisagreement> rollback;  // set: nothing else was done after it
};

class AnchorProtocol final {
 public:
  // `origin` is the checkpoint origin and log key name. Reads the log key's
  // public key once. INVALID_ARGUMENT for a missing dependency, a counter
  // with the wrong label or a bad origin; the signer's errors as
  // "hsm (log signer): ...".
  static absl::StatusOr<std::unique_ptr<AnchorProtocol>> Create(AnchorDeps deps,
                                                                std::string origin);

  // The genesis anchor of an empty log: reads T of each counter (a counter
  // never written is incremented once first), commits the provision leaf
  // (seq 0) and the genesis anchor stating T+1 for both (seq 1), then steps 2
  // and 3. FAILED_PRECONDITION when the log is not empty; INVALID_ARGUMENT
  // for an AK that is not a P-256 PEM or a Name that is not hex (checked
  // before anything is written).
  absl::StatusOr<AnchorResult> Provision(const ProvisionRequest& request);

  // The start-up check and finishing (file comment). FAILED_PRECONDITION when
  // the log is not provisioned (no anchor leaf).
  absl::StatusOr<AnchorResult> Recover();

  // One anchor of `kind` (routine or release) covering every leaf committed
  // before the call; recovers first when the previous one did not complete.
  // `riders` (optional, borrowed for the call) are committed with the anchor
  // leaf; a routine anchor becomes a release anchor when they commit a
  // release. They do not run when the anchor fails before step 1 (recovery
  // failed, or found a rollback): the caller can tell by their not having
  // run.
  absl::StatusOr<AnchorResult> Anchor(AnchorKind kind, Riders* riders = nullptr);

  // Tree size covered by the last completed anchor (0 before one).
  uint64_t covered_size() const { return covered_size_; }
  // The last anchor statement known (valid after Provision/Recover/Anchor).
  const std::optional<LocatedAnchor>& last_anchor() const { return last_; }
  // Successful NV increments made by this object.
  uint64_t nv_writes() const { return nv_writes_.load(); }
  const merkle::NoteVerifier& verifier() const { return note_signer_.verifier(); }

 private:
  struct SealPlan;
  AnchorProtocol(AnchorDeps deps, std::string origin, merkle::NoteSigner note_signer)
      : deps_(std::move(deps)), origin_(std::move(origin)), note_signer_(std::move(note_signer)) {}

  absl::Status Hook(AnchorStep step);
  absl::Status UseProvision(const ProvisionStatement& p);
  // A certified value other than `stated` is a disagreement; evidence that
  // does not verify is an error.
  absl::StatusOr<std::optional<CounterDisagreement>> CheckEvidence(
      std::string_view label, const tpm::CounterEvidence& evidence, uint64_t stated,
      std::string_view qualifying, uint64_t size) const;
  tpm::MonotonicCounter& Counter(std::string_view label);
  absl::StatusOr<uint64_t> ReadForGenesis(tpm::MonotonicCounter& counter);
  absl::StatusOr<LocatedAnchor> Commit(AnchorStatement s, std::optional<Event> before,
                                       Riders* riders = nullptr);
  absl::Status MoveOne(std::string_view label, uint64_t stated);
  absl::Status MoveAll(const LocatedAnchor& a);
  absl::StatusOr<AnchorResult> Complete(LocatedAnchor a);
  // Recover() after a rollback clear's baseline that the counters match.
  absl::StatusOr<AnchorResult> AnchorBaseline(AnchorResult r);
  // Step 3's part without the TPM: PlanSeal, and the checkpoint signed when
  // no note is stored for `size`. Safe to run beside step 2 (another thread).
  absl::StatusOr<SealPlan> PrepareSeal(uint64_t size);
  // The counters `a` moved whose evidence `plan` does not hold yet.
  static std::vector<std::string_view> MissingEvidence(const LocatedAnchor& a,
                                                       const SealPlan& plan);
  // Step 3 given PrepareSeal's plan (a no-op when already complete): certify,
  // check, store. A certified value other than the stated one is returned as
  // a disagreement, with nothing stored.
  absl::StatusOr<std::optional<CounterDisagreement>> Seal(const LocatedAnchor& a,
                                                          const SealPlan& plan);
  absl::StatusOr<SealPlan> PlanSeal(uint64_t size);
  absl::Status CheckStored(store::Txn& txn, const StoredCheckpoint& latest, SealPlan& plan);
  absl::Status CheckExtends(store::Txn& txn, const merkle::Checkpoint& old,
                            const merkle::Checkpoint& now);
  absl::Status StoreSeal(uint64_t size, const std::string& note,
                         const std::vector<AnchorEvidence>& evidence);

  AnchorDeps deps_;
  std::string origin_;
  merkle::NoteSigner note_signer_;

  // From the provision leaf: the AK and the NV Names evidence must match.
  std::optional<tpm::EvidenceVerifier> evidence_verifier_;
  std::string checkpoint_name_;
  std::string release_name_;

  std::optional<LocatedAnchor> last_;
  bool needs_recovery_ = true;
  uint64_t covered_size_ = 0;
  // The last checkpoint this object signed or found stored and verified.
  std::optional<merkle::Checkpoint> last_signed_;
  std::atomic<uint64_t> nv_writes_{0};
};

}  // namespace breakglass::audit

#endif  // BREAKGLASS_VAULT_AUDIT_ANCHOR_PROTOCOL_H_
