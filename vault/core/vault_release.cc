// Vault: custodian decisions, the quorum release and the single fetch.
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "vault/base/encoding.h"
#include "vault/base/status.h"
#include "vault/core/internal/vault_helpers.h"
#include "vault/core/repository.h"
#include "vault/core/sealed_credential.h"
#include "vault/core/vault.h"
#include "vault/crypto/release_box.h"
#include "vault/crypto/sha256.h"
#include "vault/crypto/signature.h"

namespace breakglass::core {

using internal::FormatTime;
using internal::MakeEvent;

inline constexpr size_t kMaxSignatureSize = 512;

struct Vault::DecisionPlan {
  RequestRecord request;
  CredentialRecord credential;
  std::vector<ShareRecord> shares;  // loaded when the quorum is met
  DecisionRecord decision;
  Evaluation evaluation;  // including this decision
  int threshold = 0;
  absl::Duration use_window;
  absl::Duration review_due;
  int extra_approvals = 0;  // blocking policy in force (overdue review)
  int64_t now = 0;
};

struct Vault::PreparedRelease {
  std::string box;
  std::string box_sha256;
  int64_t use_until = 0;
};

absl::StatusOr<DecisionResult> Vault::Approve(std::string_view actor, std::string_view request_id,
                                              const ApprovalStatement& statement,
                                              std::string_view signature) {
  return Decide(actor, request_id, statement, signature, Decision::kApprove);
}

absl::StatusOr<DecisionResult> Vault::Deny(std::string_view actor, std::string_view request_id,
                                           const ApprovalStatement& statement,
                                           std::string_view signature) {
  return Decide(actor, request_id, statement, signature, Decision::kDeny);
}

namespace {

absl::Status ValidateDecisionInput(std::string_view request_id, const ApprovalStatement& statement,
                                   std::string_view signature, Decision decision) {
  BG_RETURN_IF_ERROR(ValidateName("request_id", request_id));
  if (signature.empty() || signature.size() > kMaxSignatureSize) {
    return absl::InvalidArgumentError(absl::StrCat(
        "signature: must be 1 to ", kMaxSignatureSize, " bytes, got ", signature.size()));
  }
  if (statement.decision != decision) {
    return absl::InvalidArgumentError(absl::StrCat(
        "statement.decision: the signed statement says '",
        std::string(DecisionName(statement.decision)), "' but this call is '",
        std::string(DecisionName(decision)), "'"));
  }
  return absl::OkStatus();
}

// Checks that do not depend on the signature, cheapest and most specific first.
absl::Status CheckDecider(const Identity& who, const RequestRecord& r,
                          const CredentialRecord& cred, const QuorumPolicy& policy,
                          int64_t now) {
  if (!who.HasRole(Role::kCustodian)) {
    return absl::PermissionDeniedError(absl::StrCat("'", who.name, "' is not a custodian"));
  }
  if (who.name == r.requester) {
    return absl::PermissionDeniedError(absl::StrCat(
        who.name, " filed request ", r.id,
        "; a requester cannot approve or deny their own request — ask the other custodians"));
  }
  if (r.state != RequestState::kPending) {
    return absl::FailedPreconditionError(absl::StrCat(
        "request ", r.id, " is ", std::string(RequestStateName(r.state)),
        r.state_note.empty() ? "" : " (" + r.state_note + ")",
        "; decisions are accepted only while it is pending"));
  }
  if (cred.version != r.version) {
    return absl::FailedPreconditionError(absl::StrCat(
        "credential ", cred.id, " was rotated to version ", cred.version, " after request ", r.id,
        " (for version ", r.version, ") was filed; approvals for version ", r.version,
        " are void; the requester must file a new request"));
  }
  if (!policy.IsCustodian(who.name)) {
    return absl::PermissionDeniedError(absl::StrCat(
        who.name, " is not a custodian of credential ", cred.id, " (its custodians: ",
        absl::StrJoin(policy.custodians(), ", "), ")"));
  }
  if (now < r.created_at) {
    return absl::FailedPreconditionError(absl::StrCat(
        "clock: the appliance's time ", FormatTime(now), " is before request ", r.id,
        " was filed (", FormatTime(r.created_at), "); fix the clock (NTP) before approving"));
  }
  if (now > r.approval_deadline) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the approval window of request ", r.id, " closed at ", FormatTime(r.approval_deadline),
        "; approvals are no longer accepted — the requester must file a new request"));
  }
  return absl::OkStatus();
}

absl::Status CheckNotDecided(const std::vector<DecisionRecord>& decisions, const RequestRecord& r,
                             std::string_view custodian) {
  for (const DecisionRecord& d : decisions) {
    if (d.custodian != custodian) continue;
    return absl::AlreadyExistsError(absl::StrCat(
        std::string(custodian), " already decided (", std::string(DecisionName(d.decision)),
        ") on request ", r.id, " at ", FormatTime(d.at), "; each custodian counts once"));
  }
  return absl::OkStatus();
}

Evaluation EvaluateWith(const QuorumPolicy& policy, internal::CountedDecisions counted,
                        const DecisionRecord& added, int extra_approvals) {
  (added.decision == Decision::kApprove ? counted.approvals : counted.denials)
      .insert(added.custodian);
  return policy.Evaluate(counted.approvals, counted.denials, extra_approvals);
}

}  // namespace

absl::StatusOr<Vault::DecisionPlan> Vault::PlanDecision(std::string_view actor,
                                                        std::string_view request_id,
                                                        const ApprovalStatement& statement,
                                                        std::string_view signature,
                                                        Decision decision) {
  DecisionPlan plan;
  plan.now = NowSeconds();
  if (absl::Status done = d_.runner->Read([&](store::Txn& txn) -> absl::Status {
    BG_ASSIGN_OR_RETURN(plan.request, internal::LoadRequest(txn, request_id));
    BG_ASSIGN_OR_RETURN(Identity who, internal::LoadActiveIdentity(txn, actor));
    BG_ASSIGN_OR_RETURN(plan.credential, internal::LoadCredential(txn, plan.request.credential));
    BG_ASSIGN_OR_RETURN(QuorumPolicy policy, internal::LoadPolicy(plan.credential));
    BG_RETURN_IF_ERROR(CheckDecider(who, plan.request, plan.credential, policy, plan.now));
    BG_ASSIGN_OR_RETURN(auto decisions, repo::LoadDecisions(txn, request_id));
    BG_RETURN_IF_ERROR(CheckNotDecided(decisions, plan.request, who.name));
    BG_ASSIGN_OR_RETURN(auto key, crypto::PublicKey::FromPem(who.signing_key_pem));
    const ApprovalStatement expected = internal::BuildStatement(plan.request, who.name, decision);
    BG_RETURN_IF_ERROR(VerifySignedStatement(expected, statement, signature, key));
    BG_ASSIGN_OR_RETURN(plan.decision.statement, expected.ToJson());
    plan.decision.custodian = who.name;
    plan.decision.decision = decision;
    plan.decision.signature = std::string(signature);
    plan.decision.key_fingerprint = key.FingerprintHex();
    plan.decision.at = plan.now;
    BG_ASSIGN_OR_RETURN(auto counted, internal::CountDecisions(txn, policy, decisions));
    BG_ASSIGN_OR_RETURN(plan.extra_approvals,
                        internal::OverdueExtraApprovals(txn, policy, plan.credential.id, plan.now));
    plan.evaluation =
        EvaluateWith(policy, std::move(counted), plan.decision, plan.extra_approvals);
    plan.threshold = policy.threshold();
    plan.use_window = policy.spec().use_window;
    plan.review_due = policy.spec().review_due;
    if (plan.evaluation.outcome != Outcome::kMet) return absl::OkStatus();
    BG_ASSIGN_OR_RETURN(plan.shares, repo::LoadShares(txn, plan.credential.id,
                                                      plan.credential.version));
    return absl::OkStatus();
  }); !done.ok()) return done;
  return plan;
}

absl::StatusOr<Vault::PreparedRelease> Vault::PrepareRelease(const DecisionPlan& plan) {
  BG_RETURN_IF_ERROR(d_.anchor->Ready(AnchorKind::kRelease));
  BG_ASSIGN_OR_RETURN(base::SecretBytes secret,
                      OpenAndCombine(*d_.keystore, plan.credential, plan.shares,
                                     plan.evaluation.approvers));
  auto box = crypto::release_box::SealTo(plan.request.release_key, plan.request.id, secret,
                                         *d_.random);
  if (!box.ok()) return base::Annotate(box.status(), "release box (X25519 to the requester)");
  PreparedRelease out;
  out.box_sha256 = base::HexEncode(crypto::Sha256String(*box));
  out.box = *std::move(box);
  out.use_until = NowSeconds() + absl::ToInt64Seconds(plan.use_window);
  if (d_.release_gate != nullptr) {
    const RequestRecord& r = plan.request;
    BG_RETURN_IF_ERROR(d_.release_gate->BeforeRelease(ReleaseNotice{
        r.id, r.credential, r.version, r.requester, r.incident, r.reason,
        absl::StrJoin(plan.evaluation.approvers, ","), plan.decision.custodian,
        absl::FromUnixSeconds(plan.now)}));
  }
  return out;
}

store::Unit Vault::DecisionUnit(const DecisionPlan& plan, const PreparedRelease* release) {
  return [this, &plan, release](store::Txn& txn) -> absl::Status {
    const RequestRecord& r = plan.request;
    const std::string& custodian = plan.decision.custodian;
    // Re-check under the writer: the request may have moved since the plan.
    BG_ASSIGN_OR_RETURN(RequestRecord now_r, internal::LoadRequest(txn, r.id));
    BG_ASSIGN_OR_RETURN(CredentialRecord cred, internal::LoadCredential(txn, r.credential));
    BG_ASSIGN_OR_RETURN(QuorumPolicy policy, internal::LoadPolicy(cred));
    if (now_r.state != RequestState::kPending || cred.version != r.version) {
      return absl::FailedPreconditionError(absl::StrCat(
          "request ", r.id, " is ", std::string(RequestStateName(now_r.state)),
          " (credential at version ", cred.version, "); this decision was not recorded"));
    }
    BG_ASSIGN_OR_RETURN(auto decisions, repo::LoadDecisions(txn, r.id));
    BG_RETURN_IF_ERROR(CheckNotDecided(decisions, r, custodian));
    BG_ASSIGN_OR_RETURN(auto counted, internal::CountDecisions(txn, policy, decisions));
    BG_ASSIGN_OR_RETURN(const int extra,
                        internal::OverdueExtraApprovals(txn, policy, cred.id, plan.now));
    const Evaluation e = EvaluateWith(policy, std::move(counted), plan.decision, extra);
    if (e.outcome != plan.evaluation.outcome || e.approvers != plan.evaluation.approvers) {
      return absl::AbortedError(absl::StrCat("request ", r.id, " changed while this decision was "
                                                               "processed; submit it again"));
    }
    BG_RETURN_IF_ERROR(repo::InsertDecision(txn, r.id, plan.decision));
    // The decision that ends the pending state carries that transition.
    RequestState to = RequestState::kPending;
    if (e.outcome == Outcome::kDenied) to = RequestState::kDenied;
    if (e.outcome == Outcome::kMet) to = RequestState::kApproved;
    if (to != RequestState::kPending) {
      BG_RETURN_IF_ERROR(repo::UpdateRequestState(txn, r.id, RequestState::kPending, to, e.summary));
    }
    BG_RETURN_IF_ERROR(AppendDecisionEvent(txn, plan, to));
    if (e.outcome != Outcome::kMet) return absl::OkStatus();
    return RecordRelease(txn, plan, *release, cred);
  };
}

absl::Status Vault::AppendDecisionEvent(store::Txn& txn, const DecisionPlan& plan,
                                        RequestState state) {
  const DecisionRecord& d = plan.decision;
  VaultEvent e = MakeEvent(d.decision == Decision::kApprove ? "approval" : "denial", d.custodian,
                           plan.request.id, plan.now);
  e.incident = plan.request.incident;
  e.fields.Set("credential", plan.request.credential)
      .Set("credential_version", plan.request.version)
      .Set("statement", d.statement)
      .Set("signature", base::Base64Encode(d.signature))
      .Set("key_fingerprint", d.key_fingerprint)
      .Set("progress", plan.evaluation.summary)
      .Set("state", std::string(RequestStateName(state)));
  return d_.events->Append(txn, e);
}

absl::Status Vault::RecordRelease(store::Txn& txn, const DecisionPlan& plan,
                                  const PreparedRelease& release, CredentialRecord credential) {
  const RequestRecord& r = plan.request;
  const std::string approvers = absl::StrJoin(plan.evaluation.approvers, ",");
  credential.state = CredentialState::kExposed;
  credential.updated_at = plan.now;
  BG_RETURN_IF_ERROR(repo::PutCredential(txn, credential));
  BG_RETURN_IF_ERROR(repo::UpdateRequestState(txn, r.id, RequestState::kApproved,
                                              RequestState::kReleased,
                                              absl::StrCat("approved by ", approvers)));
  VaultEvent e = MakeEvent("release", "breakglassd", r.id, plan.now);
  e.incident = r.incident;
  std::vector<std::string> indices;
  for (const ShareRecord& s : plan.shares) {
    for (const std::string& a : plan.evaluation.approvers) {
      if (s.custodian == a) indices.push_back(absl::StrCat(s.index));
    }
  }
  e.fields.Set("credential", r.credential)
      .Set("credential_version", r.version)
      .Set("requester", r.requester)
      .Set("approvers", approvers)
      .Set("share_indices", absl::StrJoin(indices, ","))
      .Set("keystore", d_.keystore->Describe())
      .Set("box_sha256", release.box_sha256)
      .Set("use_until", release.use_until)
      .Set("review_due", plan.now + absl::ToInt64Seconds(plan.review_due))
      .Set("state", "released");
  // The release row records its event's leaf index: the review statement
  // names it.
  BG_ASSIGN_OR_RETURN(const uint64_t index, d_.events->AppendAt(txn, e));
  ReleaseRecord rel;
  rel.request = r.id;
  rel.box = release.box;
  rel.box_sha256 = release.box_sha256;
  rel.approvers = approvers;
  rel.released_at = plan.now;
  rel.use_until = release.use_until;
  rel.log_index = static_cast<int64_t>(index);
  rel.review_due = plan.now + absl::ToInt64Seconds(plan.review_due);
  return repo::InsertRelease(txn, rel);
}

absl::Status Vault::FinishRelease(std::string_view request_id, const absl::Status& anchored) {
  if (!anchored.ok()) {
    return base::Annotate(anchored, absl::StrCat(
        "the release of ", std::string(request_id),
        " is logged but not yet anchored; it will not be handed out until anchoring succeeds "
        "(fetch again once the TPM and HSM are back); anchor"));
  }
  // The flag is made durable in the background, off the release's critical
  // path; until then this process remembers it. After a crash before the flag
  // landed, Fetch anchors the release again: the release counter may
  // over-count, never under-count (invariant 3).
  const std::string id(request_id);
  {
    absl::MutexLock lock(&anchored_mu_);
    anchored_.insert(id);
  }
  (void)d_.runner->Submit([id](store::Txn& txn) { return repo::MarkReleaseAnchored(txn, id); });
  return absl::OkStatus();
}

bool Vault::KnownAnchored(const ReleaseRecord& release) {
  if (release.anchored) return true;
  absl::MutexLock lock(&anchored_mu_);
  return anchored_.count(release.request) != 0;
}

absl::StatusOr<DecisionResult> Vault::Decide(std::string_view actor, std::string_view request_id,
                                             const ApprovalStatement& statement,
                                             std::string_view signature, Decision decision) {
  BG_RETURN_IF_ERROR(ValidateDecisionInput(request_id, statement, signature, decision));
  absl::MutexLock lock(&LockFor(request_id));
  BG_ASSIGN_OR_RETURN(DecisionPlan plan,
                      PlanDecision(actor, request_id, statement, signature, decision));
  DecisionResult result{RequestState::kPending, plan.evaluation.summary};
  if (plan.evaluation.outcome == Outcome::kDenied) result.state = RequestState::kDenied;
  if (plan.evaluation.outcome != Outcome::kMet) {
    BG_RETURN_IF_ERROR(CommitAndAnchor(DecisionUnit(plan, nullptr), AnchorKind::kRoutine,
                                       absl::StrCat("the ", std::string(DecisionName(decision)),
                                                    " by ", plan.decision.custodian)));
    return result;
  }
  auto release = PrepareRelease(plan);
  if (!release.ok()) {
    return base::Annotate(release.status(), absl::StrCat(
        "release of ", plan.request.id, " refused; the approval by ", plan.decision.custodian,
        " was NOT recorded (submit it again once fixed)"));
  }
  // The approval, the release event and the box are committed together with
  // the anchor's statement of the counters (one durable write), then anchored.
  AnchoredCommit done =
      d_.anchor->CommitAndAnchor(AnchorKind::kRelease, *d_.runner, DecisionUnit(plan, &*release));
  BG_RETURN_IF_ERROR(done.committed);
  BG_RETURN_IF_ERROR(FinishRelease(plan.request.id, done.anchored));
  result.state = RequestState::kReleased;
  return result;
}

absl::StatusOr<std::string> Vault::Fetch(std::string_view actor, std::string_view request_id) {
  BG_RETURN_IF_ERROR(ValidateName("request_id", request_id));
  absl::MutexLock lock(&LockFor(request_id));
  const int64_t now = NowSeconds();
  RequestRecord r;
  std::optional<ReleaseRecord> rel;
  if (absl::Status done = d_.runner->Read([&](store::Txn& txn) -> absl::Status {
    BG_ASSIGN_OR_RETURN(r, internal::LoadRequest(txn, request_id));
    BG_ASSIGN_OR_RETURN(rel, repo::FindRelease(txn, request_id));
    return absl::OkStatus();
  }); !done.ok()) return done;
  if (r.requester != actor) {
    return absl::PermissionDeniedError(absl::StrCat(
        "only the requester ", r.requester, " can fetch the credential of request ", r.id));
  }
  if (r.state != RequestState::kReleased || !rel) {
    return absl::FailedPreconditionError(absl::StrCat(
        "request ", r.id, " is ", std::string(RequestStateName(r.state)),
        r.state_note.empty() ? "" : " (" + r.state_note + ")", "; nothing to fetch"));
  }
  if (rel->fetched_at) return RefuseSecondFetch(r, *rel, now);
  if (!rel->box || now > rel->use_until) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the use window of request ", r.id, " ended at ", FormatTime(rel->use_until),
        "; the credential can no longer be fetched — file a new request"));
  }
  if (!KnownAnchored(*rel)) {
    BG_RETURN_IF_ERROR(FinishRelease(r.id, d_.anchor->AnchorNow(AnchorKind::kRelease)));
  }
  std::string box;
  if (absl::Status done = d_.runner->Run([&](store::Txn& txn) -> absl::Status {
    BG_ASSIGN_OR_RETURN(auto current, repo::FindRelease(txn, r.id));
    if (!current || !current->box || current->fetched_at) {
      return absl::AbortedError(absl::StrCat("release of ", r.id, " changed; fetch again"));
    }
    box = *current->box;
    BG_RETURN_IF_ERROR(repo::ConsumeRelease(txn, r.id, now));
    VaultEvent e = MakeEvent("fetch", r.requester, r.id, now);
    e.incident = r.incident;
    e.fields.Set("box_sha256", current->box_sha256);
    return d_.events->Append(txn, e);
  }); !done.ok()) return done;
  return box;
}

absl::Status Vault::RefuseSecondFetch(const RequestRecord& r, const ReleaseRecord& rel,
                                      int64_t now) {
  if (absl::Status done = d_.runner->Run([&](store::Txn& txn) -> absl::Status {
    VaultEvent e = MakeEvent("fetch_refused", r.requester, r.id, now);
    e.incident = r.incident;
    e.fields.Set("fetched_at", *rel.fetched_at).Set("why", "already fetched");
    return d_.events->Append(txn, e);
  }); !done.ok()) return done;
  return absl::FailedPreconditionError(absl::StrCat(
      "request ", r.id, " was already fetched at ", FormatTime(*rel.fetched_at),
      "; a release is handed out once — this attempt was logged; file a new request if needed"));
}

}  // namespace breakglass::core
