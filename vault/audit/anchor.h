// Anchorer: TPM anchoring of the audit log with group commit (DESIGN.md
// "Audit log" and "Anchoring in the TPM"). It runs AnchorProtocol
// (anchor_protocol.h: append the `anchor` leaf, increment, sign + certify +
// store) on one worker thread and adds what a running appliance needs:
//
//  - Group commit. AnchorNow(kind) blocks until an anchor that STARTED after
//    the call completes; every caller waiting when the worker starts an
//    anchor shares it — one `anchor` leaf, one checkpoint-counter increment,
//    one signature. A release anchor also moves the release counter exactly
//    once, for exactly one waiting release (releases each count once; other
//    waiting releases take the next anchors).
//  - Riding units. CommitAndAnchor(kind, unit) is Run(unit) then
//    AnchorNow(kind) with one durable commit fewer: the callers' units are
//    written in the anchor's step-1 transaction, before its `anchor` leaf
//    (anchor_protocol.h: Riders).
//  - A minimum interval between anchors (TPM NV wear): waiters that arrive
//    meanwhile pile up into the next one.
//  - Routine events (reads, failed logins, alert deliveries: not followed by
//    AnchorNow) are anchored at the latest once the oldest unanchored leaf is
//    max_routine_age old (a background tick on the worker).
//  - NV write accounting: writes by this process and since genesis (from the
//    counters themselves), and a warning hook before the yearly write budget
//    is spent (the budget accrues per started year since provisioning).
//  - The start-up check (startup_check.h) in Start(); provisioning (genesis)
//    in Provision().
//  - Rollback alarm: a counter disagreeing with the log (at start-up or on an
//    increment) puts the Anchorer in a refusing state — Ready and AnchorNow
//    return RollbackError naming the counter and both values — appends a
//    `rollback_alarm` leaf and calls on_rollback_alarm. A restart re-checks
//    and, if the disagreement persists, alarms again. Leaving the state is a
//    quorum-approved operation: after an alarm raised by Start(),
//    RollbackFactsNow() gives the facts custodians sign (rollback_clear.h)
//    and ClearRollback() — called with approvals the caller verified
//    (vault/core/rollback_recovery.h) — records the clear, re-baselines the
//    counters to the TPM's values and starts anchoring.
//
// Fail closed: AnchorNow returns OK only when every event committed before the
// call is covered by a signed checkpoint anchored in the TPM (for kRelease,
// with the release counter moved). Any TPM, HSM or store error is returned,
// naming the component ("tpm (checkpoint counter): ...", "hsm (log signer):
// ...", "store: ..."), and the next anchor first finishes the interrupted one.
// A failed kRelease that the caller retries moves the release counter again:
// the counter may over-count releases, never under-count them.
//
// This is the implementation of core::Anchor's contract (vault/core/anchor.h:
// Ready, AnchorNow with routine|release). audit may not include core (layer
// rule), so the composition root adapts it with a few lines.
//
// Thread-safety: Ready, AnchorNow and the getters are safe from many threads.
// Provision/Start are called once, before anything else. Borrowed
// dependencies (AnchorDeps, clock) must outlive the Anchorer; the destructor
// stops the worker and fails waiting callers with UNAVAILABLE.
#ifndef BREAKGLASS_VAULT_AUDIT_ANCHOR_H_
#define BREAKGLASS_VAULT_AUDIT_ANCHOR_H_

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "vault/audit/anchor_event.h"
#include "vault/audit/anchor_protocol.h"
#include "vault/audit/rollback_clear.h"
#include "vault/audit/startup_check.h"
#include "vault/base/clock.h"

namespace breakglass::audit {

struct NvWriteStats {
  uint64_t by_this_process = 0;  // successful increments since Create
  uint64_t since_genesis = 0;    // counter values now minus those recorded at provisioning
  uint64_t yearly_budget = 0;
  uint64_t allowance = 0;        // yearly_budget × started years since provisioning
};

// What CommitAndAnchor did: `committed` is the unit's outcome (OK: its
// writes are durable; else its own error or the store's, and nothing of it
// is stored); `anchored`, meaningful when committed, is AnchorNow's result.
struct AnchoredCommit {
  absl::Status committed;
  absl::Status anchored;
};

struct AnchorOptions {
  // Checkpoint origin and log key name (from config).
  std::string origin;
  // Least time between two anchors (NV increments).
  absl::Duration min_interval = absl::Milliseconds(50);
  // Unanchored leaves are anchored once the oldest is this old.
  absl::Duration max_routine_age = absl::Seconds(60);
  // How often the worker looks at the age of unanchored leaves (and at the
  // clock while waiting out min_interval).
  absl::Duration tick = absl::Milliseconds(200);
  // NV writes allowed per year, and the share of the allowance at which
  // on_budget_warning is called (once per started year).
  uint64_t yearly_nv_write_budget = 50'000;
  uint32_t budget_warning_percent = 80;
  // Hooks, called on the worker thread (or the thread in Start/Provision).
  std::function<void(const NvWriteStats&)> on_budget_warning;
  std::function<void(const CounterDisagreement&)> on_rollback_alarm;
};

// What Start() or Provision() found and did.
struct StartupReport {
  uint64_t last_anchor_seq = 0;
  std::vector<CounterCheck> checks;   // both counters, A and T
  std::vector<std::string> actions;   // steps finished after a crash
};

class Anchorer final {
 public:
  // Validates the options and builds the protocol (reads the log public key).
  // Does not touch the TPM or the log. INVALID_ARGUMENT for a bad option or
  // dependency; "hsm (log signer): ..." errors.
  static absl::StatusOr<std::unique_ptr<Anchorer>> Create(AnchorDeps deps, const base::Clock* clock,
                                                          AnchorOptions options);
  ~Anchorer();
  Anchorer(const Anchorer&) = delete;
  Anchorer& operator=(const Anchorer&) = delete;

  // Provisions an empty log (AnchorProtocol::Provision: provision leaf +
  // genesis anchor) and starts anchoring. FAILED_PRECONDITION when the log is
  // not empty or this Anchorer already started; component errors.
  absl::StatusOr<StartupReport> Provision(const ProvisionRequest& request);

  // The start-up check: finishes an interrupted anchor, or raises the rollback
  // alarm and returns RollbackError (the Anchorer then refuses). Starts
  // anchoring on success. FAILED_PRECONDITION when not provisioned.
  absl::StatusOr<StartupReport> Start();

  // While refusing after an alarm raised by Start(): the facts a rollback
  // clear states, read now (log, latest checkpoint, both counters).
  // FAILED_PRECONDITION when there is no such alarm; store and TPM errors.
  absl::StatusOr<RollbackFacts> RollbackFactsNow();

  // Leaves the refusing state of a Start() alarm with the approved `record`
  // (the approvals are the caller's to verify; this records them). In ONE
  // store transaction: re-reads the facts, and only when some counter still
  // disagrees and record.statement is exactly their statement, appends the
  // `rollback_cleared` leaf. Then runs the start-up check again, which makes
  // the anchor continuing from the TPM's values, and starts anchoring; the
  // report's actions say what was done. FAILED_PRECONDITION (nothing written)
  // when there is no such alarm, or the facts changed since the statement
  // was made; INVALID_ARGUMENT for a malformed record; store, TPM and HSM
  // errors. After the clear is committed, an error of the anchor leaves it
  // in the log: the next Start() anchors it. Calls are serialised.
  absl::StatusOr<StartupReport> ClearRollback(const RollbackClearRecord& record);

  // core::Anchor::Ready: side-effect free. OK when started, not refusing, the
  // counter(s) an anchor of `kind` moves can be read and the log key answers;
  // else the refusal or the component error.
  absl::Status Ready(AnchorKind kind);

  // core::Anchor::AnchorNow (see the file comment). `kind` is kRoutine or
  // kRelease (INVALID_ARGUMENT for kGenesis).
  absl::Status AnchorNow(AnchorKind kind);

  // Run(unit) on the log's runner followed by AnchorNow(kind), in fewer
  // steps: the unit is committed in the same transaction as the anchor's
  // `anchor` leaf (step 1), each waiting caller's unit in its own savepoint,
  // so a state change and the statement of the counters anchoring it are
  // durable together after one commit. A kRelease anchor moves the release
  // counter only if its unit committed. When the anchor cannot start (refusal,
  // stopped, recovery failed) the unit is committed on its own and `anchored`
  // is that error, exactly as Run then AnchorNow would report; when the
  // anchorer stops before the unit ran, `committed` is UNAVAILABLE.
  AnchoredCommit CommitAndAnchor(AnchorKind kind, store::Unit unit);

  // The runner the log (and CommitAndAnchor's units) are committed through.
  store::TransactionRunner* runner() const { return deps_.runner; }

  NvWriteStats nv_writes() const;
  // Anchors completed by this process (not counting start-up finishing).
  uint64_t anchors_completed() const;
  // Callers blocked in AnchorNow that no anchor has taken yet.
  size_t waiting() const;
  // The result of the last age-triggered anchor (OK if none failed).
  absl::Status background_status() const;
  // The refusal, when refusing.
  std::optional<absl::Status> refusal() const;
  // What the last anchor this Anchorer completed stated: once started, the
  // last anchor of the log (finished by Start if it was interrupted; after
  // ClearRollback, continuing from the TPM's values), then each anchor it
  // completes. Its counter values are the TPM's as of that anchor (certified
  // when it completed). All zero before Start or Provision.
  AnchorStatement last_anchored() const;
  const merkle::NoteVerifier& verifier() const { return protocol_->verifier(); }

  // Stops the worker; waiting and later callers get UNAVAILABLE. Idempotent.
  void Stop();

 private:
  struct Waiter {
    AnchorKind kind = AnchorKind::kRoutine;
    store::Unit* unit = nullptr;  // CommitAndAnchor's, borrowed from the caller
    bool done = false;
    absl::Status status;     // the anchor's
    bool unit_ran = false;   // set on the writer thread (BatchRiders)
    absl::Status committed;  // the unit's, when unit_ran
  };
  class BatchRiders;

  Anchorer(AnchorDeps deps, const base::Clock* clock, AnchorOptions options,
           std::unique_ptr<AnchorProtocol> protocol)
      : deps_(std::move(deps)),
        clock_(clock),
        options_(std::move(options)),
        protocol_(std::move(protocol)) {}

  absl::StatusOr<StartupReport> Began(const absl::StatusOr<AnchorResult>& result);
  absl::Status RaiseAlarm(const CounterDisagreement& d);
  // OK when refusing after a Start() alarm (the worker never started).
  absl::Status CheckStartupAlarm() const;
  absl::Status Refusal() const ABSL_SHARED_LOCKS_REQUIRED(mu_);
  absl::Status Wait(Waiter& waiter);
  absl::Status RunAnchor(AnchorKind kind, Riders* riders = nullptr);
  void RunBatch(const std::vector<Waiter*>& batch);
  void MaybeAnchorAged();
  void WorkerLoop();
  std::vector<Waiter*> TakeBatch() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  bool HasWaitersOrStopping() const ABSL_SHARED_LOCKS_REQUIRED(mu_) {
    return stopping_ || !waiters_.empty();
  }
  NvWriteStats StatsLocked() const ABSL_SHARED_LOCKS_REQUIRED(mu_);
  void CheckBudget();

  const AnchorDeps deps_;
  const base::Clock* const clock_;
  const AnchorOptions options_;
  // Used by one thread at a time: the Start/Provision caller, then the worker.
  const std::unique_ptr<AnchorProtocol> protocol_;

  absl::Mutex clear_mu_;  // serialises ClearRollback
  mutable absl::Mutex mu_;
  bool started_ ABSL_GUARDED_BY(mu_) = false;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::optional<absl::Status> refusal_ ABSL_GUARDED_BY(mu_);
  std::deque<Waiter*> waiters_ ABSL_GUARDED_BY(mu_);
  absl::Time next_allowed_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
  std::optional<ProvisionRecord> provision_ ABSL_GUARDED_BY(mu_);
  AnchorStatement last_statement_ ABSL_GUARDED_BY(mu_);
  uint64_t anchors_completed_ ABSL_GUARDED_BY(mu_) = 0;
  absl::Status background_status_ ABSL_GUARDED_BY(mu_);
  int64_t warned_year_ ABSL_GUARDED_BY(mu_) = -1;
  std::thread worker_;
};

}  // namespace breakglass::audit

#endif  // BREAKGLASS_VAULT_AUDIT_ANCHOR_H_
