// Handlers: provisioning and status, identities, credentials.
#include <optional>

#include "absl/strings/str_cat.h"
#include "api/server/convert.h"
#include "api/server/handlers.h"
#include "api/server/handlers_internal.h"
#include "vault/audit/anchor.h"
#include "vault/audit/log.h"
#include "vault/base/status.h"
#include "vault/core/repository.h"
#include "vault/core/rollback_recovery.h"
#include "vault/core/vault.h"
#include "vault/store/transaction_runner.h"

namespace breakglass::api {
namespace {

// A C2SP checkpoint origin that is also a signed-note key name: 1..128
// printable ASCII bytes, no space and no '+'.
absl::Status CheckOrigin(const std::string& origin) {
  bool ok = !origin.empty() && origin.size() <= 128;
  for (char c : origin) ok = ok && c > 0x20 && c < 0x7f && c != '+';
  if (ok) return absl::OkStatus();
  return absl::InvalidArgumentError(
      "log_origin: required, 1..128 printable ASCII bytes without spaces or '+', e.g. "
      "\"breakglass.example.com/log\" (the checkpoint origin)");
}

// While in rollback recovery (no Anchorer runs): the anchored size and the
// last certified value of each counter in the disputed log — a routine anchor
// moves only the checkpoint counter, so the release counter's value comes
// from the latest checkpoint that moved it.
absl::Status CountersInto(audit::AuditLog& log, pb::GetStatusResponse* response) {
  BG_ASSIGN_OR_RETURN(std::vector<audit::StoredCheckpoint> checkpoints, log.Checkpoints());
  if (!checkpoints.empty()) response->set_anchored_size(checkpoints.back().size);
  bool release = false, checkpoint = false;
  for (auto it = checkpoints.rbegin(); it != checkpoints.rend() && !(release && checkpoint); ++it) {
    BG_ASSIGN_OR_RETURN(std::vector<audit::AnchorEvidence> evidence, log.AnchorEvidenceAt(it->size));
    for (const audit::AnchorEvidence& e : evidence) {
      if (e.counter == "release" && !release) response->set_release_counter(e.value);
      if (e.counter == "checkpoint" && !checkpoint) response->set_checkpoint_counter(e.value);
      release |= e.counter == "release";
      checkpoint |= e.counter == "checkpoint";
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status Handlers::Init(const Caller& caller, const pb::InitRequest& request,
                            pb::InitResponse* response) {
  BG_RETURN_IF_ERROR(CheckOrigin(request.log_origin()));
  if (backend_->vault() != nullptr) {
    return absl::FailedPreconditionError(
        "the appliance is already initialised; `breakglass init` runs once");
  }
  BG_ASSIGN_OR_RETURN(ProvisionResult r, backend_->Provision(request.log_origin()));
  // The operator who ran the ceremony (the bootstrap operator) becomes the
  // first stored operator, so that the core accepts their next calls.
  BG_ASSIGN_OR_RETURN(core::Vault * vault, RequireVault());
  core::Identity self;
  self.name = caller.identity;
  self.roles = {core::Role::kOperator};
  BG_RETURN_IF_ERROR(vault->RegisterIdentity(caller.identity, self));
  response->set_log_verifier_key(r.log_verifier_key);
  response->set_attestation_key_pem(r.ak_public_key_pem);
  response->set_attestation_key_sha256_hex(r.ak_fingerprint.substr(r.ak_fingerprint.find(':') + 1));
  response->set_genesis_checkpoint(r.genesis_checkpoint);
  response->set_release_counter_start(r.release_counter_start);
  response->set_checkpoint_counter_start(r.checkpoint_counter_start);
  return absl::OkStatus();
}

absl::Status Handlers::GetStatus(const Caller&, const pb::GetStatusRequest&,
                                 pb::GetStatusResponse* response) {
  response->set_server_version(kServerVersion);
  audit::AuditLog* log = backend_->log();
  BG_ASSIGN_OR_RETURN(uint64_t size, log->Size());
  response->set_log_size(size);
  if (core::RollbackRecovery* recovery = backend_->rollback_recovery(); recovery != nullptr) {
    response->set_initialized(true);
    BG_RETURN_IF_ERROR(CountersInto(*log, response));
    response->set_release_block(absl::StrCat("ROLLBACK RECOVERY: ", recovery->Why()));
    BG_ASSIGN_OR_RETURN(const core::RollbackRecoveryStatus status, recovery->Status());
    *response->mutable_rollback_recovery() = RollbackRecoveryToProto(status);
    return absl::OkStatus();
  }
  audit::Anchorer* anchorer = backend_->anchorer();
  response->set_initialized(backend_->vault() != nullptr && anchorer != nullptr);
  if (!response->initialized()) {
    response->set_release_block("not initialised: run `breakglass init` as an operator");
    return absl::OkStatus();
  }
  // The counters as of the last anchor (after a rollback clear, the values
  // re-baselined to the TPM) and the size its checkpoint covers: two reads,
  // however long the log.
  const audit::AnchorStatement last = anchorer->last_anchored();
  response->set_release_counter(last.release_counter);
  response->set_checkpoint_counter(last.checkpoint_counter);
  absl::StatusOr<audit::StoredCheckpoint> latest = log->LatestCheckpoint();
  if (latest.ok()) response->set_anchored_size(latest->size);
  if (!latest.ok() && latest.status().code() != absl::StatusCode::kNotFound) return latest.status();
  if (std::optional<absl::Status> refusal = anchorer->refusal(); refusal.has_value()) {
    response->set_release_block(std::string(refusal->message()));
  }
  const audit::NvWriteStats nv = anchorer->nv_writes();
  response->set_nv_writes_this_year(nv.since_genesis);
  response->set_nv_write_budget(nv.allowance);
  return absl::OkStatus();
}

absl::Status Handlers::AddIdentity(const Caller& caller, const pb::AddIdentityRequest& request,
                                   pb::AddIdentityResponse* response) {
  BG_ASSIGN_OR_RETURN(core::Vault * vault, RequireVault());
  BG_RETURN_IF_ERROR(core::ValidateName("name", request.name()));
  core::Identity identity;
  identity.name = request.name();
  BG_ASSIGN_OR_RETURN(identity.roles, RolesFromProto(request.roles(), "roles"));
  identity.signing_key_pem = request.signing_key_pem();
  BG_RETURN_IF_ERROR(
      InProtoTerms(vault->RegisterIdentity(caller.identity, identity), {{"identity.", ""}}));
  BG_ASSIGN_OR_RETURN(std::optional<core::Identity> stored, FindIdentity(identity.name));
  *response->mutable_identity() = IdentityToProto(stored.value_or(identity));
  return absl::OkStatus();
}

absl::Status Handlers::ListIdentities(const Caller&, const pb::ListIdentitiesRequest& request,
                                      pb::ListIdentitiesResponse* response) {
  BG_RETURN_IF_ERROR(RequireVault().status());
  return backend_->runner()->Read([&](store::Txn& txn) -> absl::Status {
    BG_ASSIGN_OR_RETURN(std::vector<std::string> names, core::repo::ListIdentityNames(txn));
    for (const std::string& name : names) {
      BG_ASSIGN_OR_RETURN(std::optional<core::Identity> identity,
                          core::repo::FindIdentity(txn, name));
      if (!identity || (!identity->active && !request.include_inactive())) continue;
      *response->add_identities() = IdentityToProto(*identity);
    }
    return absl::OkStatus();
  });
}

absl::Status Handlers::RemoveIdentity(const Caller& caller, const pb::RemoveIdentityRequest& request,
                                      pb::RemoveIdentityResponse* response) {
  BG_ASSIGN_OR_RETURN(core::Vault * vault, RequireVault());
  BG_RETURN_IF_ERROR(core::ValidateName("name", request.name()));
  BG_RETURN_IF_ERROR(CheckText("reason", request.reason()));
  BG_RETURN_IF_ERROR(vault->RemoveIdentity(caller.identity, request.name()));
  BG_ASSIGN_OR_RETURN(std::optional<core::Identity> stored, FindIdentity(request.name()));
  if (stored) *response->mutable_identity() = IdentityToProto(*stored);
  return absl::OkStatus();
}

absl::Status Handlers::WhoAmI(const Caller& caller, const pb::WhoAmIRequest&,
                              pb::WhoAmIResponse* response) {
  std::optional<core::Identity> stored;
  if (backend_->vault() != nullptr) {
    BG_ASSIGN_OR_RETURN(stored, FindIdentity(caller.identity));
  }
  if (stored) {
    *response->mutable_identity() = IdentityToProto(*stored);
    return absl::OkStatus();
  }
  pb::Identity* identity = response->mutable_identity();  // the bootstrap operator
  identity->set_name(caller.identity);
  for (core::Role role : caller.roles) identity->add_roles(RoleToProto(role));
  identity->set_active(true);
  return absl::OkStatus();
}

absl::Status Handlers::AddCredential(const Caller& caller, const pb::AddCredentialRequest& request,
                                     pb::AddCredentialResponse* response) {
  BG_ASSIGN_OR_RETURN(core::Vault * vault, RequireVault());
  BG_RETURN_IF_ERROR(core::ValidateName("id", request.id()));
  BG_RETURN_IF_ERROR(CheckText("description", request.description(), /*optional=*/true));
  BG_RETURN_IF_ERROR(CheckSecret("secret", request.secret()));
  if (!request.has_policy()) return absl::InvalidArgumentError("policy: required");
  BG_ASSIGN_OR_RETURN(core::PolicySpec spec, PolicyFromProto(request.policy()));
  BG_RETURN_IF_ERROR(
      InProtoTerms(vault->CreateCredential(caller.identity, request.id(), spec,
                                           base::SecretBytes::CopyFrom(request.secret())),
                   {kCredentialId, kApprovalWindow, kUseWindow, kReviewDue, kReviewOverdueRepeat}));
  return CredentialInto(request.id(), response->mutable_credential());
}

absl::Status Handlers::ListCredentials(const Caller&, const pb::ListCredentialsRequest&,
                                       pb::ListCredentialsResponse* response) {
  BG_RETURN_IF_ERROR(RequireVault().status());
  std::vector<std::string> ids;
  BG_RETURN_IF_ERROR(backend_->runner()->Read([&](store::Txn& txn) -> absl::Status {
    BG_ASSIGN_OR_RETURN(ids, core::repo::ListCredentialIds(txn));
    return absl::OkStatus();
  }));
  for (const std::string& id : ids) {
    BG_RETURN_IF_ERROR(CredentialInto(id, response->add_credentials()));
  }
  return absl::OkStatus();
}

absl::Status Handlers::GetCredential(const Caller&, const pb::GetCredentialRequest& request,
                                     pb::GetCredentialResponse* response) {
  BG_RETURN_IF_ERROR(RequireVault().status());
  BG_RETURN_IF_ERROR(core::ValidateName("id", request.id()));
  return CredentialInto(request.id(), response->mutable_credential());
}

absl::Status Handlers::RotateCredential(const Caller& caller,
                                        const pb::RotateCredentialRequest& request,
                                        pb::RotateCredentialResponse* response) {
  BG_ASSIGN_OR_RETURN(core::Vault * vault, RequireVault());
  BG_RETURN_IF_ERROR(core::ValidateName("id", request.id()));
  BG_RETURN_IF_ERROR(CheckSecret("secret", request.secret()));
  BG_ASSIGN_OR_RETURN(core::CredentialRecord current, vault->GetCredential(request.id()));
  if (request.expected_version() != current.version) {
    return absl::FailedPreconditionError(absl::StrCat(
        "expected_version: credential ", request.id(), " is at version ", current.version,
        ", not ", request.expected_version(), "; someone rotated it first — check and retry"));
  }
  std::optional<core::PolicySpec> spec;
  if (request.has_policy()) {
    BG_ASSIGN_OR_RETURN(spec, PolicyFromProto(request.policy()));
  }
  BG_RETURN_IF_ERROR(
      InProtoTerms(vault
                       ->RotateCredential(caller.identity, request.id(),
                                          base::SecretBytes::CopyFrom(request.secret()), spec)
                       .status(),
                   {kCredentialId, kApprovalWindow, kUseWindow, kReviewDue, kReviewOverdueRepeat}));
  return CredentialInto(request.id(), response->mutable_credential());
}

}  // namespace breakglass::api
