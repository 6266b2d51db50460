// Vault: post-incident reviews, closure and overdue reviews (vault.h
// "Reviews").
#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "vault/base/encoding.h"
#include "vault/base/status.h"
#include "vault/core/internal/vault_helpers.h"
#include "vault/core/repository.h"
#include "vault/core/vault.h"
#include "vault/crypto/signature.h"

namespace breakglass::core {

using internal::FormatTime;
using internal::MakeEvent;

namespace {

constexpr size_t kMaxReviewSignatureSize = 512;

// The release exists and its credential can no longer be fetched.
absl::Status CheckReviewable(const RequestRecord& r, const std::optional<ReleaseRecord>& rel,
                             int64_t now) {
  if (!rel) {
    return absl::FailedPreconditionError(absl::StrCat("request ", r.id, " is ",
                                                      std::string(RequestStateName(r.state)),
                                                      "; only released requests are reviewed"));
  }
  if (rel->box && now <= rel->use_until) {
    return absl::FailedPreconditionError(
        absl::StrCat("the credential of request ", r.id, " can still be fetched until ",
                     FormatTime(rel->use_until),
                     "; review the release once it has been fetched or its use window is over"));
  }
  return absl::OkStatus();
}

// Who may review this request: a reviewer who neither filed nor approved it.
absl::Status CheckReviewer(const Identity& who, const RequestRecord& r,
                           const std::vector<DecisionRecord>& decisions) {
  if (!who.HasRole(Role::kReviewer)) {
    return absl::PermissionDeniedError(absl::StrCat("'", who.name, "' is not a reviewer"));
  }
  if (who.name == r.requester) {
    return absl::PermissionDeniedError(absl::StrCat(
        who.name, " filed request ", r.id,
        "; a requester cannot review their own use of a credential — ask another reviewer"));
  }
  for (const DecisionRecord& d : decisions) {
    if (d.custodian != who.name || d.decision != Decision::kApprove) continue;
    return absl::PermissionDeniedError(absl::StrCat(
        who.name, " approved request ", r.id,
        "; a custodian who approved a release cannot review it — ask another reviewer"));
  }
  return absl::OkStatus();
}

// Each reviewer once; no reviews after the review is signed.
absl::Status CheckNotReviewed(const std::vector<ReviewRecord>& reviews, const RequestRecord& r,
                              const ReleaseRecord& rel, std::string_view reviewer) {
  for (const ReviewRecord& review : reviews) {
    if (review.reviewer != reviewer) continue;
    return absl::AlreadyExistsError(
        absl::StrCat(std::string(reviewer), " already reviewed request ", r.id, " at ",
                     FormatTime(review.at), "; each reviewer signs once"));
  }
  if (rel.reviewed_at) {
    std::vector<std::string> names;
    for (const ReviewRecord& review : reviews) names.push_back(review.reviewer);
    return absl::FailedPreconditionError(absl::StrCat(
        "the review of request ", r.id, " was signed at ", FormatTime(*rel.reviewed_at), " by ",
        absl::StrJoin(names, ", "), "; no more reviews are needed"));
  }
  return absl::OkStatus();
}

std::string ReviewProgress(size_t counted, int required) {
  return absl::StrCat("reviewers ", counted, "/", required);
}

}  // namespace

struct Vault::ReviewPlan {
  RequestRecord request;
  ReleaseRecord release;
  int64_t credential_version = 0;  // as planned; a rotation meanwhile aborts
  ReviewRecord review;
  ReviewStatement statement;
  int required = 1;
  int64_t now = 0;
  ReviewResult result;
};

absl::StatusOr<ReviewStatement> Vault::ReviewStatementFor(std::string_view request_id,
                                                          std::string_view reviewer,
                                                          const ReviewInput& input) {
  BG_RETURN_IF_ERROR(ValidateName("request_id", request_id));
  BG_RETURN_IF_ERROR(ValidateName("reviewer", reviewer));
  BG_RETURN_IF_ERROR(ValidateReviewInput(input));
  const int64_t now = NowSeconds();
  ReviewStatement out;
  if (absl::Status done = d_.runner->Read([&](store::Txn& txn) -> absl::Status {
        BG_ASSIGN_OR_RETURN(RequestRecord r, internal::LoadRequest(txn, request_id));
        BG_ASSIGN_OR_RETURN(auto rel, repo::FindRelease(txn, request_id));
        BG_RETURN_IF_ERROR(CheckReviewable(r, rel, now));
        BG_ASSIGN_OR_RETURN(CredentialRecord cred, internal::LoadCredential(txn, r.credential));
        BG_ASSIGN_OR_RETURN(out, internal::BuildReviewStatement(r, *rel, cred, reviewer, input));
        return absl::OkStatus();
      });
      !done.ok()) {
    return done;
  }
  return out;
}

absl::StatusOr<Vault::ReviewPlan> Vault::PlanReview(std::string_view actor,
                                                    std::string_view request_id,
                                                    const ReviewStatement& statement,
                                                    std::string_view signature) {
  ReviewPlan plan;
  plan.now = NowSeconds();
  if (absl::Status done = d_.runner->Read([&](store::Txn& txn) -> absl::Status {
        BG_ASSIGN_OR_RETURN(Identity who, internal::LoadActiveIdentity(txn, actor));
        BG_ASSIGN_OR_RETURN(plan.request, internal::LoadRequest(txn, request_id));
        BG_ASSIGN_OR_RETURN(auto decisions, repo::LoadDecisions(txn, request_id));
        BG_RETURN_IF_ERROR(CheckReviewer(who, plan.request, decisions));
        BG_ASSIGN_OR_RETURN(auto rel, repo::FindRelease(txn, request_id));
        BG_RETURN_IF_ERROR(CheckReviewable(plan.request, rel, plan.now));
        plan.release = *rel;
        BG_ASSIGN_OR_RETURN(auto reviews, repo::LoadReviews(txn, request_id));
        BG_RETURN_IF_ERROR(CheckNotReviewed(reviews, plan.request, plan.release, who.name));
        BG_ASSIGN_OR_RETURN(CredentialRecord cred,
                            internal::LoadCredential(txn, plan.request.credential));
        BG_ASSIGN_OR_RETURN(QuorumPolicy policy, internal::LoadPolicy(cred));
        BG_ASSIGN_OR_RETURN(plan.statement,
                            internal::BuildReviewStatement(plan.request, plan.release, cred,
                                                           who.name, statement.input));
        BG_ASSIGN_OR_RETURN(auto key, crypto::PublicKey::FromPem(who.signing_key_pem));
        BG_RETURN_IF_ERROR(VerifySignedReview(plan.statement, statement, signature, key));
        BG_ASSIGN_OR_RETURN(plan.review.statement, plan.statement.ToJson());
        plan.review.reviewer = who.name;
        plan.review.justified = statement.input.justified;
        plan.review.signature = std::string(signature);
        plan.review.key_fingerprint = key.FingerprintHex();
        plan.review.at = plan.now;
        plan.credential_version = cred.version;
        plan.required = policy.spec().reviewers_required;
        return absl::OkStatus();
      });
      !done.ok()) {
    return done;
  }
  return plan;
}

absl::Status Vault::CommitReview(ReviewPlan& plan) {
  const RequestRecord& r = plan.request;
  auto unit = [&](store::Txn& txn) -> absl::Status {
    // Re-check under the writer: another review or a rotation may have landed.
    BG_ASSIGN_OR_RETURN(RequestRecord now_r, internal::LoadRequest(txn, r.id));
    BG_ASSIGN_OR_RETURN(auto rel, repo::FindRelease(txn, r.id));
    BG_ASSIGN_OR_RETURN(auto reviews, repo::LoadReviews(txn, r.id));
    BG_ASSIGN_OR_RETURN(CredentialRecord cred, internal::LoadCredential(txn, r.credential));
    if (!rel || now_r.state != RequestState::kReleased || cred.version != plan.credential_version) {
      return absl::AbortedError(absl::StrCat("request ", r.id,
                                             " changed while this review was "
                                             "processed; fetch the review "
                                             "statement again and sign it"));
    }
    BG_RETURN_IF_ERROR(CheckNotReviewed(reviews, r, *rel, plan.review.reviewer));
    BG_ASSIGN_OR_RETURN(auto counted, internal::CountReviews(txn, reviews));
    counted.push_back(plan.review.reviewer);
    const bool is_signed = static_cast<int>(counted.size()) >= plan.required;
    plan.result = ReviewResult{};
    plan.result.progress = ReviewProgress(counted.size(), plan.required);
    plan.result.state = is_signed ? RequestState::kReviewed : RequestState::kReleased;
    BG_RETURN_IF_ERROR(repo::InsertReview(txn, r.id, plan.review));
    VaultEvent e = MakeEvent("review", plan.review.reviewer, r.id, plan.now);
    e.incident = r.incident;
    e.fields.Set("credential", r.credential)
        .Set("credential_version", r.version)
        .Set("statement", plan.review.statement)
        .Set("signature", base::Base64Encode(plan.review.signature))
        .Set("key_fingerprint", plan.review.key_fingerprint)
        .Set("justified", std::string(plan.review.justified ? "yes" : "no"))
        .Set("release_log_index", plan.statement.release_log_index)
        .Set("rotated_to_version", plan.statement.rotated_to_version)
        .Set("progress", plan.result.progress)
        .Set("state", std::string(RequestStateName(plan.result.state)));
    BG_RETURN_IF_ERROR(d_.events->Append(txn, e));
    if (!is_signed) return absl::OkStatus();
    std::sort(counted.begin(), counted.end());
    BG_RETURN_IF_ERROR(
        repo::UpdateRequestState(txn, r.id, RequestState::kReleased, RequestState::kReviewed,
                                 absl::StrCat("review signed by ", absl::StrJoin(counted, ","))));
    BG_RETURN_IF_ERROR(repo::MarkReviewSigned(txn, r.id, plan.now));
    if (cred.version <= r.version) return absl::OkStatus();
    plan.result.closed = true;
    return CloseRelease(txn, plan.review.reviewer, r, *rel, cred.version, plan.now);
  };
  return CommitAndAnchor(std::move(unit), AnchorKind::kRoutine,
                         absl::StrCat("the review of ", r.id, " by ", plan.review.reviewer));
}

absl::StatusOr<ReviewResult> Vault::SubmitReview(std::string_view actor,
                                                 std::string_view request_id,
                                                 const ReviewStatement& statement,
                                                 std::string_view signature) {
  BG_RETURN_IF_ERROR(ValidateName("request_id", request_id));
  if (signature.empty() || signature.size() > kMaxReviewSignatureSize) {
    return absl::InvalidArgumentError(absl::StrCat(
        "signature: must be 1 to ", kMaxReviewSignatureSize, " bytes, got ", signature.size()));
  }
  BG_RETURN_IF_ERROR(ValidateReviewInput(statement.input));
  absl::MutexLock lock(&LockFor(request_id));
  BG_ASSIGN_OR_RETURN(ReviewPlan plan, PlanReview(actor, request_id, statement, signature));
  BG_RETURN_IF_ERROR(CommitReview(plan));  // committed and anchored
  return plan.result;
}

absl::Status Vault::CloseRelease(store::Txn& txn, std::string_view actor,
                                 const RequestRecord& request, const ReleaseRecord& release,
                                 int64_t rotated_to, int64_t now) {
  BG_RETURN_IF_ERROR(repo::MarkReleaseClosed(txn, request.id, now));
  VaultEvent e = MakeEvent("closed", actor, request.id, now);
  e.incident = request.incident;
  e.fields.Set("credential", request.credential)
      .Set("credential_version", request.version)
      .Set("rotated_to_version", rotated_to)
      .Set("release_log_index", release.log_index.value_or(-1))
      .Set("state", "closed");
  return d_.events->Append(txn, e);
}

absl::Status Vault::CloseRotated(store::Txn& txn, std::string_view actor,
                                 const CredentialRecord& rotated) {
  BG_ASSIGN_OR_RETURN(auto ids, repo::FindClosableReleases(txn, rotated.id, rotated.version));
  for (const std::string& id : ids) {
    BG_ASSIGN_OR_RETURN(RequestRecord r, internal::LoadRequest(txn, id));
    BG_ASSIGN_OR_RETURN(auto rel, repo::FindRelease(txn, id));
    if (!rel) continue;
    BG_RETURN_IF_ERROR(CloseRelease(txn, actor, r, *rel, rotated.version, rotated.updated_at));
  }
  return absl::OkStatus();
}

absl::StatusOr<bool> Vault::AlertOverdue(std::string_view request_id, int64_t now) {
  bool alerted = false;
  absl::Status done = d_.runner->Run([&](store::Txn& txn) -> absl::Status {
    BG_ASSIGN_OR_RETURN(RequestRecord r, internal::LoadRequest(txn, request_id));
    BG_ASSIGN_OR_RETURN(auto rel, repo::FindRelease(txn, request_id));
    if (!rel || rel->reviewed_at || rel->review_due >= now) return absl::OkStatus();
    BG_ASSIGN_OR_RETURN(CredentialRecord cred, internal::LoadCredential(txn, r.credential));
    BG_ASSIGN_OR_RETURN(QuorumPolicy policy, internal::LoadPolicy(cred));
    const int64_t repeat = absl::ToInt64Seconds(policy.spec().review_overdue_repeat);
    if (rel->overdue_alerted_at && now - *rel->overdue_alerted_at < repeat) {
      return absl::OkStatus();
    }
    BG_ASSIGN_OR_RETURN(auto reviews, repo::LoadReviews(txn, request_id));
    BG_ASSIGN_OR_RETURN(auto counted, internal::CountReviews(txn, reviews));
    VaultEvent e = MakeEvent("review_overdue", "breakglassd", r.id, now);
    e.incident = r.incident;
    e.fields.Set("credential", r.credential)
        .Set("credential_version", r.version)
        .Set("requester", r.requester)
        .Set("release_log_index", rel->log_index.value_or(-1))
        .Set("review_due", rel->review_due)
        .Set("overdue_seconds", now - rel->review_due)
        .Set("progress", ReviewProgress(counted.size(), policy.spec().reviewers_required));
    BG_RETURN_IF_ERROR(repo::MarkOverdueAlerted(txn, r.id, now));
    alerted = true;
    return d_.events->Append(txn, e);
  });
  if (!done.ok()) return done;
  return alerted;
}

absl::StatusOr<OverdueReport> Vault::CheckOverdueReviews() {
  const int64_t now = NowSeconds();
  std::vector<std::string> overdue;
  absl::Status read = d_.runner->Read([&](store::Txn& txn) -> absl::Status {
    BG_ASSIGN_OR_RETURN(overdue, repo::FindOverdueReviews(txn, std::nullopt, now));
    return absl::OkStatus();
  });
  if (!read.ok()) return read;
  OverdueReport report;
  for (const std::string& id : overdue) {
    absl::MutexLock lock(&LockFor(id));
    BG_ASSIGN_OR_RETURN(const bool alerted, AlertOverdue(id, now));
    if (alerted) report.alerted.push_back(id);
  }
  if (report.alerted.empty()) return report;
  BG_RETURN_IF_ERROR(AnchorCommitted(AnchorKind::kRoutine, "review_overdue"));
  return report;
}

absl::Status internal::AddReviewStatus(store::Txn& txn, const QuorumPolicy& policy,
                                       const CredentialRecord& credential, int64_t now,
                                       RequestStatus& status) {
  const ReleaseRecord& rel = *status.release;
  BG_ASSIGN_OR_RETURN(status.reviews, repo::LoadReviews(txn, status.request.id));
  status.reviewers_required = policy.spec().reviewers_required;
  status.rotated_to_version = credential.version > status.request.version ? credential.version : 0;
  status.review_overdue = !rel.reviewed_at && rel.review_due < now;
  status.closed = rel.closed_at.has_value();
  return absl::OkStatus();
}

}  // namespace breakglass::core
