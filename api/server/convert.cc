#include "api/server/convert.h"

#include "absl/strings/str_cat.h"
#include "vault/base/encoding.h"
#include "vault/core/policy_codec.h"
#include "vault/crypto/signature.h"
#include "vault/base/status.h"

namespace breakglass::api {
namespace {

absl::Status BadEnum(std::string_view field, int value, std::string_view valid) {
  return absl::InvalidArgumentError(absl::StrCat(std::string(field), ": ", value,
                                                 " is not a valid value; use one of ",
                                                 std::string(valid)));
}

}  // namespace

pb::Role RoleToProto(core::Role role) {
  return static_cast<pb::Role>(static_cast<int>(role) + 1);  // same order, 0 = UNSPECIFIED
}

absl::StatusOr<core::Role> RoleFromProto(int role, std::string_view field) {
  if (role < pb::ROLE_OPERATOR || role > pb::ROLE_AUDITOR) {
    return BadEnum(field, role, "ROLE_OPERATOR, ROLE_CUSTODIAN, ROLE_REQUESTER, ROLE_REVIEWER, "
                                "ROLE_AUDITOR");
  }
  return static_cast<core::Role>(role - 1);
}

absl::StatusOr<core::RoleSet> RolesFromProto(const google::protobuf::RepeatedField<int>& roles,
                                             std::string_view field) {
  core::RoleSet out;
  for (int i = 0; i < roles.size(); ++i) {
    BG_ASSIGN_OR_RETURN(core::Role role,
                        RoleFromProto(roles[i], absl::StrCat(std::string(field), "[", i, "]")));
    out.insert(role);
  }
  return out;
}

pb::RequestState StateToProto(core::RequestState state) {
  return static_cast<pb::RequestState>(static_cast<int>(state) + 1);
}

absl::StatusOr<core::RequestState> StateFromProto(int state, std::string_view field) {
  if (state < pb::REQUEST_STATE_PENDING || state > pb::REQUEST_STATE_CANCELLED) {
    return BadEnum(field, state, "REQUEST_STATE_PENDING ... REQUEST_STATE_CANCELLED");
  }
  return static_cast<core::RequestState>(state - 1);
}

pb::CredentialState CredentialStateToProto(core::CredentialState state) {
  return state == core::CredentialState::kSealed ? pb::CREDENTIAL_STATE_SEALED
                                                 : pb::CREDENTIAL_STATE_EXPOSED;
}

absl::StatusOr<core::Decision> DecisionFromProto(int decision, std::string_view field) {
  if (decision == pb::DECISION_APPROVE) return core::Decision::kApprove;
  if (decision == pb::DECISION_DENY) return core::Decision::kDeny;
  return BadEnum(field, decision, "DECISION_APPROVE, DECISION_DENY");
}

pb::Decision DecisionToProto(core::Decision decision) {
  return decision == core::Decision::kApprove ? pb::DECISION_APPROVE : pb::DECISION_DENY;
}

absl::StatusOr<core::PolicySpec> PolicyFromProto(const pb::Policy& policy) {
  core::PolicySpec spec;
  for (const pb::Factor& f : policy.factors()) {
    spec.factors.push_back(
        {f.name(), f.required(), std::vector<std::string>(f.custodians().begin(),
                                                          f.custodians().end())});
  }
  spec.deny_threshold = policy.deny_threshold();
  spec.incident_pattern = policy.incident_pattern();
  spec.min_reason_length = policy.min_reason_length();
  spec.approval_window = absl::Seconds(policy.approval_window_seconds());
  spec.use_window = absl::Seconds(policy.use_window_seconds());
  BG_ASSIGN_OR_RETURN(spec.requester_roles,
                      RolesFromProto(policy.requester_roles(), "policy.requester_roles"));
  // 0 means the core's default (proto3 cannot tell unset from 0).
  if (policy.reviewers_required() != 0) spec.reviewers_required = policy.reviewers_required();
  if (policy.review_due_seconds() != 0) {
    spec.review_due = absl::Seconds(policy.review_due_seconds());
  }
  if (policy.review_overdue_repeat_seconds() != 0) {
    spec.review_overdue_repeat = absl::Seconds(policy.review_overdue_repeat_seconds());
  }
  spec.overdue_review_extra_approvals = policy.overdue_review_extra_approvals();
  return spec;
}

pb::Policy PolicyToProto(const core::PolicySpec& spec) {
  pb::Policy policy;
  for (const core::Factor& f : spec.factors) {
    pb::Factor* out = policy.add_factors();
    out->set_name(f.name);
    out->set_required(f.required);
    for (const std::string& c : f.custodians) out->add_custodians(c);
  }
  policy.set_deny_threshold(spec.deny_threshold);
  policy.set_incident_pattern(spec.incident_pattern);
  policy.set_min_reason_length(spec.min_reason_length);
  policy.set_approval_window_seconds(absl::ToInt64Seconds(spec.approval_window));
  policy.set_use_window_seconds(absl::ToInt64Seconds(spec.use_window));
  for (core::Role role : spec.requester_roles) policy.add_requester_roles(RoleToProto(role));
  policy.set_reviewers_required(spec.reviewers_required);
  policy.set_review_due_seconds(absl::ToInt64Seconds(spec.review_due));
  policy.set_review_overdue_repeat_seconds(absl::ToInt64Seconds(spec.review_overdue_repeat));
  policy.set_overdue_review_extra_approvals(spec.overdue_review_extra_approvals);
  return policy;
}

absl::StatusOr<pb::Credential> CredentialToProto(const core::CredentialRecord& record,
                                                 const std::string& keystore) {
  absl::StatusOr<core::PolicySpec> spec = core::DecodePolicy(record.policy);
  if (!spec.ok()) {
    return absl::DataLossError(absl::StrCat("credential ", record.id,
                                            ": stored policy does not decode: ",
                                            std::string(spec.status().message())));
  }
  pb::Credential out;
  out.set_id(record.id);
  out.set_version(record.version);
  out.set_state(CredentialStateToProto(record.state));
  *out.mutable_policy() = PolicyToProto(*spec);
  out.set_version_created_unix(record.updated_at);
  out.set_keystore(keystore);
  return out;
}

pb::Identity IdentityToProto(const core::Identity& identity) {
  pb::Identity out;
  out.set_name(identity.name);
  for (core::Role role : identity.roles) out.add_roles(RoleToProto(role));
  out.set_signing_key_pem(identity.signing_key_pem);
  if (!identity.signing_key_pem.empty()) {
    absl::StatusOr<crypto::PublicKey> key = crypto::PublicKey::FromPem(identity.signing_key_pem);
    if (key.ok()) out.set_signing_key_sha256_hex(base::HexEncode(crypto::DigestString(key->Fingerprint())));
  }
  out.set_active(identity.active);
  return out;
}

absl::StatusOr<bool> JustifiedFromProto(int justified, std::string_view field) {
  if (justified == pb::ACCESS_JUSTIFIED_YES) return true;
  if (justified == pb::ACCESS_JUSTIFIED_NO) return false;
  return BadEnum(field, justified, "ACCESS_JUSTIFIED_YES, ACCESS_JUSTIFIED_NO");
}

namespace {

pb::ReviewStatus ReviewToProto(const core::RequestStatus& status) {
  const core::ReleaseRecord& rel = *status.release;
  pb::ReviewStatus out;
  out.set_release_log_index(static_cast<uint64_t>(rel.log_index.value_or(0)));
  out.set_due_unix(rel.review_due);
  out.set_overdue(status.review_overdue);
  out.set_reviewers_required(status.reviewers_required);
  for (const core::ReviewRecord& r : status.reviews) {
    pb::SignedReview* review = out.add_reviews();
    review->set_reviewer(r.reviewer);
    review->set_justified(r.justified ? pb::ACCESS_JUSTIFIED_YES : pb::ACCESS_JUSTIFIED_NO);
    review->set_signed_unix(r.at);
    review->set_key_fingerprint(r.key_fingerprint);
    review->set_statement(std::string(core::kReviewDomain) + r.statement);
    review->set_signature(r.signature);
  }
  out.set_review_signed(rel.reviewed_at.has_value());
  out.set_signed_unix(rel.reviewed_at.value_or(0));
  out.set_rotated_to_version(status.rotated_to_version);
  out.set_closed_unix(rel.closed_at.value_or(0));
  return out;
}

}  // namespace

pb::Request RequestToProto(const core::RequestStatus& status) {
  const core::RequestRecord& r = status.request;
  pb::Request out;
  out.set_id(r.id);
  out.set_credential_id(r.credential);
  out.set_credential_version(r.version);
  out.set_requester(r.requester);
  out.set_incident(r.incident);
  out.set_reason(r.reason);
  out.set_state(StateToProto(r.state));
  out.set_created_unix(r.created_at);
  out.set_approval_expires_unix(r.approval_deadline);
  out.set_release_public_key(r.release_key);
  for (const core::DecisionRecord& d : status.decisions) {
    pb::CustodianDecision* decision = out.add_decisions();
    decision->set_custodian(d.custodian);
    decision->set_decision(DecisionToProto(d.decision));
    decision->set_decided_unix(d.at);
  }
  out.set_quorum_summary(status.progress);
  if (status.release) {
    out.set_use_until_unix(status.release->use_until);
    *out.mutable_review() = ReviewToProto(status);
  }
  out.set_closed(status.closed);
  return out;
}

pb::RollbackRecovery RollbackRecoveryToProto(const core::RollbackRecoveryStatus& status) {
  pb::RollbackRecovery out;
  out.set_statement(status.statement);
  for (const audit::CounterCheck& c : status.counters) {
    pb::RollbackCounter* counter = out.add_counters();
    counter->set_counter(c.counter);
    counter->set_log_value(c.log_value);
    counter->set_tpm_value(c.tpm_value);
  }
  out.set_required_approvals(status.required);
  for (const std::string& name : status.approved_by) out.add_approved_by(name);
  out.set_cleared(status.cleared);
  for (const std::string& action : status.actions) out.add_actions(action);
  return out;
}

}  // namespace breakglass::api
