// Vault: the break-glass service core — identities, credentials, requests,
// custodian decisions and the quorum release (DESIGN.md "Secrets", "Quorum
// release — the invariants"; issue 5).
//
// Every mutating call validates its input (INVALID_ARGUMENT naming the
// field), checks the caller's role and the invariants, then writes the state
// change and its audit event in ONE store transaction (invariant 2) and has
// the log anchored before it returns (routine anchor; release anchor for a
// release). A call that is refused changes nothing: no row, no event.
//
// Release (in the call that records the final approval):
//   1. checks: the approval is valid and completes the quorum;
//      Anchor::Ready(release) (TPM, log key, no rollback alarm);
//   2. opens exactly the approving custodians' shares, checks their tags,
//      combines, checks the commitment, and seals the credential to the
//      requester's X25519 key with context = request id (release_box);
//   2b. the release gate, if one is wired (release_gate.h: "alert before
//      release"); its refusal refuses the approval like a failure in 1–2;
//   3. one transaction: the approval, `approved`, the `release` event and the
//      sealed box (not yet deliverable), credential -> exposed — committed
//      with the anchor's `anchor` leaf (Anchor::CommitAndAnchor);
//   4. the anchor completes (counters, signed checkpoint, evidence); then the
//      box is deliverable (the flag is
//      stored in the background; after a crash before it lands, Fetch
//      anchors the release again — the release counter may over-count,
//      never under-count).
// A failure in 1–2 (keystore, TPM, clock) refuses the approval with an error
// naming the component and stores nothing. A failure in 4 returns an error
// and leaves the release logged but undeliverable until a later Fetch
// anchors it (over-reports, never under-reports: invariant 3).
//
// The plaintext exists only in SecretBytes during step 2; it never reaches the
// store, a log or an error message.
//
// Reviews (issue 7 "Post-incident review"; review_statement.h): every release
// opens a review, due `review_due` after the release (policy). Reviewers
// (active identities with role reviewer, none of them the requester or an
// approving custodian of that request) each sign the canonical review
// statement with their registered key, once per request; each signature is
// a `review` event carrying the statement and signature. When
// `reviewers_required` distinct reviewers have signed (their reviews still
// counting: reviewer active, same registered key), the review is signed and
// the request becomes `reviewed` in the same transaction. A release is
// `closed` once the credential has been rotated (a later version exists) AND
// its review is signed; whichever of rotation and review comes last writes
// the `closed` event. CheckOverdueReviews (breakglassd calls it
// periodically, with ExpireDue) writes `review_overdue` for each unsigned
// review past due, again every `review_overdue_repeat`. Blocking policy: while
// a release of a credential has an overdue review, the quorum check of every
// request for that credential requires `overdue_review_extra_approvals` more
// approvals (policy.h), shown in the progress text; it is evaluated at each
// decision, so signing the review lifts it.
//
// Thread-safety: all methods are safe to call from many threads. Calls on the
// same request are serialised; the store transaction re-checks state, so
// concurrent approvals past the threshold release exactly once.
#ifndef BREAKGLASS_VAULT_CORE_VAULT_H_
#define BREAKGLASS_VAULT_CORE_VAULT_H_

#include <array>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "hsm/keystore.h"
#include "vault/base/clock.h"
#include "vault/base/random.h"
#include "vault/base/secret_bytes.h"
#include "vault/core/anchor.h"
#include "vault/core/event_log.h"
#include "vault/core/identity.h"
#include "vault/core/incident_checker.h"
#include "vault/core/policy.h"
#include "vault/core/records.h"
#include "vault/core/release_gate.h"
#include "vault/core/review_statement.h"
#include "vault/core/statement.h"
#include "vault/store/transaction_runner.h"

namespace breakglass::core {

// Borrowed collaborators; each must outlive the Vault.
struct VaultDeps {
  store::TransactionRunner* runner = nullptr;  // migrated with repo::Migrations()
  EventLog* events = nullptr;
  hsm::Keystore* keystore = nullptr;
  Anchor* anchor = nullptr;
  const base::Clock* clock = nullptr;
  base::Random* random = nullptr;
  // Optional hooks (nullptr: none). The gate is asked just before a release
  // is committed; the checker before a request is stored. Either one's error
  // refuses the call and nothing is stored.
  ReleaseGate* release_gate = nullptr;
  IncidentChecker* incident_checker = nullptr;
};

struct NewRequest {
  std::string credential;
  std::string incident;
  std::string reason;
  std::string release_key;  // raw 32-byte X25519 public key from the requester's CLI
};

// A request as people see it.
struct RequestStatus {
  RequestRecord request;
  std::vector<DecisionRecord> decisions;
  std::string progress;  // "dba 1/2, security 0/1", or why it ended
  std::optional<ReleaseRecord> release;  // without the box
  // Post-incident review, once released: the signed reviews, how many the
  // credential's policy requires, the credential's version when it has been
  // rotated since (0: not), whether the review is overdue now, and whether
  // the release is closed (rotated and reviewed).
  std::vector<ReviewRecord> reviews;
  int reviewers_required = 0;
  int64_t rotated_to_version = 0;
  bool review_overdue = false;
  bool closed = false;
};

struct DecisionResult {
  RequestState state = RequestState::kPending;
  std::string progress;
};

struct ReviewResult {
  RequestState state = RequestState::kReleased;  // kReviewed once signed
  std::string progress;                          // "reviewers 1/2"
  bool closed = false;
};

// The requests whose review_overdue event was written by this call.
struct OverdueReport {
  std::vector<std::string> alerted;
};

struct ExpiryReport {
  std::vector<std::string> expired_requests;  // pending -> expired
  std::vector<std::string> expired_releases;  // unfetched boxes dropped
};

class Vault final {
 public:
  // INVALID_ARGUMENT naming a missing dependency.
  static absl::StatusOr<std::unique_ptr<Vault>> Create(VaultDeps deps);

  // --- identities (operator) ---
  // Registers or updates `identity`. Custodians and reviewers need a PEM
  // public key (Ed25519 or ECDSA P-256), refused if another identity already
  // uses it. PERMISSION_DENIED unless `actor` is an active operator.
  absl::Status RegisterIdentity(std::string_view actor, const Identity& identity);
  // Deactivates `name`: its approvals stop counting. NOT_FOUND if unknown.
  absl::Status RemoveIdentity(std::string_view actor, std::string_view name);
  // A call refused before it reached the vault — no usable certificate CN,
  // an unregistered identity, a role the RPC does not allow: one
  // `login_failed` event (actor = the certificate's CN, "" when unusable;
  // subject = the RPC; why = the refusal). Routine (DESIGN.md "failed
  // logins"): committed, not anchored before the call returns — it rides
  // with the next anchor.
  absl::Status RecordRefusedCall(std::string_view identity, std::string_view method,
                                 std::string_view why);

  // --- credentials (operator) ---
  // Creates `id` at version 1 with `policy`, split and sealed for its
  // custodians (each must be an active custodian with a key).
  // ALREADY_EXISTS if `id` exists.
  absl::Status CreateCredential(std::string_view actor, std::string_view id,
                                const PolicySpec& policy, const base::SecretBytes& secret);
  // Stores `secret` as the next version (re-split, re-sealed; old shares are
  // deleted), optionally under a new policy; the credential becomes `sealed`
  // and pending requests for the old version are cancelled. Returns the new
  // version.
  absl::StatusOr<int64_t> RotateCredential(std::string_view actor, std::string_view id,
                                           const base::SecretBytes& secret,
                                           const std::optional<PolicySpec>& policy);
  absl::StatusOr<CredentialRecord> GetCredential(std::string_view id);

  // --- requests ---
  // Files a request for the credential's current version. Checks the
  // requester's role, the incident pattern, the reason length, the release
  // key (32 bytes, not a low-order point), and that the quorum can be met
  // without the requester. Returns the new request.
  absl::StatusOr<RequestRecord> CreateRequest(std::string_view actor, const NewRequest& request);
  // The statement `custodian` must sign to decide on `request_id`.
  absl::StatusOr<ApprovalStatement> StatementFor(std::string_view request_id,
                                                 std::string_view custodian, Decision decision);
  // Records a custodian's signed decision; `actor` is the authenticated
  // custodian. Refusals (nothing stored): PERMISSION_DENIED (not an active
  // custodian of this credential, the requester, signature does not verify),
  // ALREADY_EXISTS (decided before), FAILED_PRECONDITION (request not
  // pending, approval window closed, credential rotated), INVALID_ARGUMENT
  // (statement differs from the request, naming the member). The final
  // approval releases (see the file comment); its errors name the component.
  absl::StatusOr<DecisionResult> Approve(std::string_view actor, std::string_view request_id,
                                         const ApprovalStatement& statement,
                                         std::string_view signature);
  absl::StatusOr<DecisionResult> Deny(std::string_view actor, std::string_view request_id,
                                      const ApprovalStatement& statement,
                                      std::string_view signature);
  // The requester or an operator withdraws a pending request.
  absl::Status Cancel(std::string_view actor, std::string_view request_id,
                      std::string_view reason);
  // Hands the release box to the requester, once, within the use window.
  // PERMISSION_DENIED for anyone else (nothing logged here: the API logs
  // access failures); FAILED_PRECONDITION when not released, after the use
  // window, or — logged as `fetch_refused` — when already fetched.
  absl::StatusOr<std::string> Fetch(std::string_view actor, std::string_view request_id);
  // Expires pending requests past their approval window and drops unfetched
  // boxes past their use window, each with its event.
  absl::StatusOr<ExpiryReport> ExpireDue();
  absl::StatusOr<RequestStatus> GetRequest(std::string_view request_id);

  // --- reviews (see the file comment) ---
  // The statement `reviewer` signs to review `request_id` with `input`, as
  // the appliance would build it now. INVALID_ARGUMENT naming the field
  // ("review.actions", ...); NOT_FOUND for an unknown request;
  // FAILED_PRECONDITION when the request was never released, its credential
  // can still be fetched (review once fetched or the use window is over), or
  // its release predates reviews (no log index).
  absl::StatusOr<ReviewStatement> ReviewStatementFor(std::string_view request_id,
                                                     std::string_view reviewer,
                                                     const ReviewInput& input);
  // Records `actor`'s signed review. Refusals (nothing stored):
  // INVALID_ARGUMENT (bad signature size; statement differs from the one the
  // appliance builds now, naming the member), PERMISSION_DENIED (not an
  // active reviewer; the requester or an approving custodian of this
  // request; signature does not verify), ALREADY_EXISTS (reviewed before),
  // FAILED_PRECONDITION (as ReviewStatementFor, or the review is already
  // signed). Anchored before it returns.
  absl::StatusOr<ReviewResult> SubmitReview(std::string_view actor, std::string_view request_id,
                                            const ReviewStatement& statement,
                                            std::string_view signature);
  // Writes `review_overdue` for every unsigned review past due that has not
  // had one within its credential's review_overdue_repeat, and anchors them.
  absl::StatusOr<OverdueReport> CheckOverdueReviews();

 private:
  struct DecisionPlan;
  struct PreparedRelease;

  explicit Vault(VaultDeps deps) : d_(deps) {}

  absl::Mutex& LockFor(std::string_view request_id);
  absl::StatusOr<DecisionResult> Decide(std::string_view actor, std::string_view request_id,
                                        const ApprovalStatement& statement,
                                        std::string_view signature, Decision decision);
  absl::StatusOr<DecisionPlan> PlanDecision(std::string_view actor, std::string_view request_id,
                                            const ApprovalStatement& statement,
                                            std::string_view signature, Decision decision);
  absl::StatusOr<PreparedRelease> PrepareRelease(const DecisionPlan& plan);
  // The unit recording a decision (re-checked under the writer), and for the
  // final approval the release. `plan` and `release` are borrowed until the
  // unit has run.
  store::Unit DecisionUnit(const DecisionPlan& plan, const PreparedRelease* release);
  absl::Status AppendDecisionEvent(store::Txn& txn, const DecisionPlan& plan, RequestState state);
  absl::Status RecordRelease(store::Txn& txn, const DecisionPlan& plan,
                             const PreparedRelease& release, CredentialRecord credential);
  // Given the release anchor's result: marks the box deliverable, or returns
  // the annotated anchoring error.
  absl::Status FinishRelease(std::string_view request_id, const absl::Status& anchored);
  // True when the release's anchor succeeded (flag stored, or seen by this
  // process while the flag is being stored).
  bool KnownAnchored(const ReleaseRecord& release);
  absl::Status RefuseSecondFetch(const RequestRecord& request, const ReleaseRecord& release,
                                 int64_t now);
  absl::Status RequireOperator(std::string_view actor);
  absl::Status CommitAndAnchor(store::Unit unit, AnchorKind kind, std::string_view what);
  absl::Status AnchorCommitted(AnchorKind kind, std::string_view what);
  absl::StatusOr<int64_t> SealVersion(std::string_view actor, std::string_view id,
                                      const PolicySpec& spec, const base::SecretBytes& secret,
                                      std::optional<CredentialRecord> previous);
  absl::Status CancelForRotation(store::Txn& txn, std::string_view actor,
                                 const CredentialRecord& rotated);
  // The `closed` event for each reviewed, not yet closed release of a
  // version before `rotated`'s (vault_reviews.cc).
  absl::Status CloseRotated(store::Txn& txn, std::string_view actor,
                            const CredentialRecord& rotated);
  absl::Status CloseRelease(store::Txn& txn, std::string_view actor, const RequestRecord& request,
                            const ReleaseRecord& release, int64_t rotated_to, int64_t now);
  struct ReviewPlan;
  absl::StatusOr<ReviewPlan> PlanReview(std::string_view actor, std::string_view request_id,
                                        const ReviewStatement& statement,
                                        std::string_view signature);
  absl::Status CommitReview(ReviewPlan& plan);
  absl::StatusOr<bool> AlertOverdue(std::string_view request_id, int64_t now);
  absl::Status Transition(store::Txn& txn, const RequestRecord& request, RequestState to,
                          std::string_view actor, std::string_view note, int64_t now);
  int64_t NowSeconds() const;

  VaultDeps d_;
  std::array<absl::Mutex, 64> request_locks_;
  absl::Mutex anchored_mu_;
  std::set<std::string> anchored_ ABSL_GUARDED_BY(anchored_mu_);
};

}  // namespace breakglass::core

#endif  // BREAKGLASS_VAULT_CORE_VAULT_H_
