#include "vault/core/internal/vault_helpers.h"

#include "absl/strings/str_cat.h"
#include "vault/base/encoding.h"
#include "vault/base/status.h"
#include "vault/core/policy_codec.h"
#include "vault/core/repository.h"
#include "vault/crypto/signature.h"

namespace breakglass::core::internal {

VaultEvent MakeEvent(std::string type, std::string_view actor, std::string_view subject,
                     int64_t now) {
  VaultEvent e;
  e.type = std::move(type);
  e.actor = std::string(actor);
  e.subject = std::string(subject);
  e.time = absl::FromUnixSeconds(now);
  return e;
}

std::string FormatTime(int64_t unix_seconds) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", absl::FromUnixSeconds(unix_seconds),
                          absl::UTCTimeZone());
}

absl::StatusOr<RequestRecord> LoadRequest(store::Txn& txn, std::string_view id) {
  BG_ASSIGN_OR_RETURN(auto found, repo::FindRequest(txn, id));
  if (!found) {
    return absl::NotFoundError(absl::StrCat("request_id: no request '", std::string(id), "'"));
  }
  return *std::move(found);
}

absl::StatusOr<CredentialRecord> LoadCredential(store::Txn& txn, std::string_view id) {
  BG_ASSIGN_OR_RETURN(auto found, repo::FindCredential(txn, id));
  if (!found) {
    return absl::NotFoundError(absl::StrCat("credential: no credential '", std::string(id), "'"));
  }
  return *std::move(found);
}

absl::StatusOr<QuorumPolicy> LoadPolicy(const CredentialRecord& credential) {
  auto spec = DecodePolicy(credential.policy);
  auto policy = spec.ok() ? QuorumPolicy::Create(*std::move(spec)) : spec.status();
  if (!policy.ok()) {
    return absl::DataLossError(absl::StrCat("stored policy of credential ", credential.id,
                                            " is damaged: ",
                                            std::string(policy.status().message())));
  }
  return policy;
}

absl::StatusOr<Identity> LoadActiveIdentity(store::Txn& txn, std::string_view name) {
  BG_ASSIGN_OR_RETURN(auto found, repo::FindIdentity(txn, name));
  if (!found) {
    return absl::PermissionDeniedError(
        absl::StrCat("'", std::string(name), "' is not a registered identity"));
  }
  if (!found->active) {
    return absl::PermissionDeniedError(absl::StrCat(
        "'", std::string(name), "' was removed; ask an operator to register it again"));
  }
  return *std::move(found);
}

ApprovalStatement BuildStatement(const RequestRecord& request, std::string_view custodian,
                                 Decision decision) {
  ApprovalStatement s;
  s.request_id = request.id;
  s.credential_id = request.credential;
  s.credential_version = request.version;
  s.requester = request.requester;
  s.custodian = std::string(custodian);
  s.incident = request.incident;
  s.reason_sha256 = ReasonSha256Hex(request.reason);
  s.expires_unix = request.approval_deadline;
  s.release_key = base::HexEncode(request.release_key);
  s.decision = decision;
  return s;
}

absl::StatusOr<CountedDecisions> CountDecisions(store::Txn& txn, const QuorumPolicy& policy,
                                                const std::vector<DecisionRecord>& decisions) {
  CountedDecisions out;
  for (const DecisionRecord& d : decisions) {
    if (!policy.IsCustodian(d.custodian)) continue;
    BG_ASSIGN_OR_RETURN(auto who, repo::FindIdentity(txn, d.custodian));
    if (!who || !who->active || !who->HasRole(Role::kCustodian)) continue;
    auto fingerprint = KeyFingerprint(who->signing_key_pem, "signing_key_pem");
    if (!fingerprint.ok() || *fingerprint != d.key_fingerprint) continue;
    (d.decision == Decision::kApprove ? out.approvals : out.denials).insert(d.custodian);
  }
  return out;
}

absl::StatusOr<int> OverdueExtraApprovals(store::Txn& txn, const QuorumPolicy& policy,
                                          std::string_view credential, int64_t now) {
  const int extra = policy.spec().overdue_review_extra_approvals;
  if (extra == 0) return 0;
  BG_ASSIGN_OR_RETURN(auto overdue, repo::FindOverdueReviews(txn, credential, now));
  return overdue.empty() ? 0 : extra;
}

absl::StatusOr<ReviewStatement> BuildReviewStatement(const RequestRecord& request,
                                                     const ReleaseRecord& release,
                                                     const CredentialRecord& credential,
                                                     std::string_view reviewer,
                                                     const ReviewInput& input) {
  if (!release.log_index) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the release of ", request.id,
        " was recorded before reviews existed and has no log index; it cannot be reviewed "
        "through the appliance"));
  }
  ReviewStatement s;
  s.request_id = request.id;
  s.credential_id = request.credential;
  s.credential_version = request.version;
  s.requester = request.requester;
  s.incident = request.incident;
  s.reason_sha256 = ReasonSha256Hex(request.reason);
  s.release_log_index = *release.log_index;
  s.rotated_to_version = credential.version > request.version ? credential.version : 0;
  s.reviewer = std::string(reviewer);
  s.input = input;
  return s;
}

absl::StatusOr<std::vector<std::string>> CountReviews(store::Txn& txn,
                                                      const std::vector<ReviewRecord>& reviews) {
  std::vector<std::string> out;
  for (const ReviewRecord& r : reviews) {
    BG_ASSIGN_OR_RETURN(auto who, repo::FindIdentity(txn, r.reviewer));
    if (!who || !who->active || !who->HasRole(Role::kReviewer)) continue;
    auto fingerprint = KeyFingerprint(who->signing_key_pem, "signing_key_pem");
    if (fingerprint.ok() && *fingerprint == r.key_fingerprint) out.push_back(r.reviewer);
  }
  return out;
}

absl::StatusOr<std::string> KeyFingerprint(std::string_view pem, std::string_view field) {
  auto key = crypto::PublicKey::FromPem(pem);
  if (!key.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(std::string(field), ": ", std::string(key.status().message())));
  }
  return key->FingerprintHex();
}

}  // namespace breakglass::core::internal
