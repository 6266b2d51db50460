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

absl::StatusOr<std::string> KeyFingerprint(std::string_view pem, std::string_view field) {
  auto key = crypto::PublicKey::FromPem(pem);
  if (!key.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(std::string(field), ": ", std::string(key.status().message())));
  }
  return key->FingerprintHex();
}

}  // namespace breakglass::core::internal
