// Vault: construction, shared plumbing, identities and credentials. Requests
// are in vault_requests.cc, decisions and the release in vault_release.cc.
#include "vault/core/vault.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "vault/base/status.h"
#include "vault/core/internal/vault_helpers.h"
#include "vault/core/policy_codec.h"
#include "vault/core/repository.h"
#include "vault/core/sealed_credential.h"
#include "vault/crypto/signature.h"

namespace breakglass::core {

using internal::MakeEvent;

absl::StatusOr<std::unique_ptr<Vault>> Vault::Create(VaultDeps deps) {
  const std::pair<const void*, const char*> required[] = {
      {deps.runner, "runner"}, {deps.events, "events"}, {deps.keystore, "keystore"},
      {deps.anchor, "anchor"}, {deps.clock, "clock"},   {deps.random, "random"}};
  for (const auto& [ptr, name] : required) {
    if (ptr == nullptr) {
      return absl::InvalidArgumentError(absl::StrCat("vault deps: '", name, "' is missing"));
    }
  }
  return std::unique_ptr<Vault>(new Vault(deps));
}

int64_t Vault::NowSeconds() const { return absl::ToUnixSeconds(d_.clock->Now()); }

absl::Mutex& Vault::LockFor(std::string_view request_id) {
  return request_locks_[std::hash<std::string_view>()(request_id) % request_locks_.size()];
}

namespace {

absl::Status NotYetAnchored(const absl::Status& anchored, std::string_view what) {
  if (anchored.ok()) return anchored;
  return base::Annotate(anchored, absl::StrCat(std::string(what),
                                               " was recorded but is not yet anchored in the TPM "
                                               "(it will be covered by the next anchor); anchor"));
}

}  // namespace

absl::Status Vault::AnchorCommitted(AnchorKind kind, std::string_view what) {
  return NotYetAnchored(d_.anchor->AnchorNow(kind), what);
}

absl::Status Vault::CommitAndAnchor(store::Unit unit, AnchorKind kind, std::string_view what) {
  AnchoredCommit done = d_.anchor->CommitAndAnchor(kind, *d_.runner, std::move(unit));
  BG_RETURN_IF_ERROR(done.committed);
  return NotYetAnchored(done.anchored, what);
}

absl::Status Vault::RequireOperator(std::string_view actor) {
  return d_.runner->Read([&](store::Txn& txn) -> absl::Status {
    BG_ASSIGN_OR_RETURN(Identity who, internal::LoadActiveIdentity(txn, actor));
    if (who.HasRole(Role::kOperator)) return absl::OkStatus();
    return absl::PermissionDeniedError(
        absl::StrCat("'", std::string(actor), "' is not an operator; only operators manage "
                                              "identities and credentials"));
  });
}

namespace {

absl::Status ValidateIdentity(const Identity& identity) {
  BG_RETURN_IF_ERROR(ValidateName("identity.name", identity.name));
  if (identity.roles.empty()) {
    return absl::InvalidArgumentError("identity.roles: at least one role is required");
  }
  const bool signs = identity.HasRole(Role::kCustodian) || identity.HasRole(Role::kReviewer);
  if (signs && identity.signing_key_pem.empty()) {
    return absl::InvalidArgumentError(
        "identity.signing_key_pem: custodians and reviewers need a registered public key "
        "(Ed25519 or ECDSA P-256, PEM) from their own token");
  }
  return absl::OkStatus();
}

// An operator may register; so may the very first operator, registering itself.
absl::Status CheckRegistrar(store::Txn& txn, std::string_view actor, const Identity& identity) {
  BG_ASSIGN_OR_RETURN(auto who, repo::FindIdentity(txn, actor));
  if (who && who->active && who->HasRole(Role::kOperator)) return absl::OkStatus();
  BG_ASSIGN_OR_RETURN(bool any_operator, repo::AnyActiveOperator(txn));
  if (!any_operator && identity.name == actor && identity.HasRole(Role::kOperator)) {
    return absl::OkStatus();
  }
  return absl::PermissionDeniedError(absl::StrCat(
      "'", std::string(actor), "' is not an operator; only operators register identities"));
}

}  // namespace

absl::Status Vault::RecordRefusedCall(std::string_view identity, std::string_view method,
                                      std::string_view why) {
  return d_.runner->Run([&](store::Txn& txn) -> absl::Status {
    VaultEvent e = MakeEvent("login_failed", identity, method, NowSeconds());
    e.fields.Set("why", std::string(why));
    return d_.events->Append(txn, e);
  });
}

absl::Status Vault::RegisterIdentity(std::string_view actor, const Identity& input) {
  BG_RETURN_IF_ERROR(ValidateIdentity(input));
  Identity identity = input;
  identity.active = true;
  std::string fingerprint;
  if (!identity.signing_key_pem.empty()) {
    auto key = crypto::PublicKey::FromPem(identity.signing_key_pem);
    if (!key.ok()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "identity.signing_key_pem: ", std::string(key.status().message())));
    }
    identity.signing_key_pem = key->ToPem();  // one text per key, for uniqueness
    fingerprint = key->FingerprintHex();
  }
  const int64_t now = NowSeconds();
  const std::string who(actor);
  return CommitAndAnchor(
      [=, this](store::Txn& txn) -> absl::Status {
        BG_RETURN_IF_ERROR(CheckRegistrar(txn, who, identity));
        if (!identity.signing_key_pem.empty()) {
          BG_ASSIGN_OR_RETURN(auto other,
                              repo::FindIdentityWithKey(txn, identity.signing_key_pem, identity.name));
          if (other) {
            return absl::AlreadyExistsError(absl::StrCat(
                "identity.signing_key_pem: key ", fingerprint, " is already registered to '",
                *other, "'; every identity signs with its own key"));
          }
        }
        BG_RETURN_IF_ERROR(repo::PutIdentity(txn, identity, now));
        VaultEvent e = MakeEvent("identity_add", who, identity.name, now);
        // The public key itself, so an auditor can re-verify this identity's
        // signed approvals and reviews from the log alone (vault/report).
        e.fields.Set("roles", RoleSetString(identity.roles))
            .Set("key_fingerprint", fingerprint)
            .Set("signing_key", identity.signing_key_pem);
        return d_.events->Append(txn, e);
      },
      AnchorKind::kRoutine, absl::StrCat("identity ", identity.name));
}

absl::Status Vault::RemoveIdentity(std::string_view actor, std::string_view name) {
  BG_RETURN_IF_ERROR(ValidateName("name", name));
  BG_RETURN_IF_ERROR(RequireOperator(actor));
  const int64_t now = NowSeconds();
  const std::string who(actor), target(name);
  return CommitAndAnchor(
      [=, this](store::Txn& txn) -> absl::Status {
        BG_ASSIGN_OR_RETURN(auto found, repo::FindIdentity(txn, target));
        if (!found || !found->active) {
          return absl::NotFoundError(absl::StrCat("name: no active identity '", target, "'"));
        }
        found->active = false;
        BG_RETURN_IF_ERROR(repo::PutIdentity(txn, *found, now));
        return d_.events->Append(txn, MakeEvent("identity_remove", who, target, now));
      },
      AnchorKind::kRoutine, absl::StrCat("removal of ", target));
}

namespace {

// Every custodian of `policy` must be an active custodian with a key.
absl::Status CheckCustodians(store::Txn& txn, const QuorumPolicy& policy) {
  for (const std::string& c : policy.custodians()) {
    BG_ASSIGN_OR_RETURN(auto who, repo::FindIdentity(txn, c));
    if (!who || !who->active || !who->HasRole(Role::kCustodian) || who->signing_key_pem.empty()) {
      return absl::FailedPreconditionError(absl::StrCat(
          "policy: '", c, "' is not an active custodian with a registered key; register it "
                          "first"));
    }
  }
  return absl::OkStatus();
}

VaultEvent CredentialEvent(std::string type, std::string_view actor, const CredentialRecord& r,
                           const QuorumPolicy& policy, std::string_view keystore, int64_t now) {
  VaultEvent e = MakeEvent(std::move(type), actor, r.id, now);
  e.fields.Set("version", r.version)
      .Set("policy", r.policy)
      .Set("threshold", int64_t{policy.threshold()})
      .Set("custodians", absl::StrJoin(policy.custodians(), ","))
      .Set("keystore", std::string(keystore));
  return e;
}

}  // namespace

absl::StatusOr<int64_t> Vault::SealVersion(std::string_view actor, std::string_view id,
                                           const PolicySpec& spec, const base::SecretBytes& secret,
                                           std::optional<CredentialRecord> previous) {
  BG_ASSIGN_OR_RETURN(QuorumPolicy policy, QuorumPolicy::Create(spec));
  BG_ASSIGN_OR_RETURN(std::string policy_text, EncodePolicy(spec));
  if (absl::Status done = d_.runner->Read([&](store::Txn& txn) { return CheckCustodians(txn, policy); }); !done.ok()) return done;
  CredentialRecord record;
  record.id = std::string(id);
  record.version = previous ? previous->version + 1 : 1;
  record.policy = policy_text;
  record.updated_at = NowSeconds();
  BG_ASSIGN_OR_RETURN(SealedVersion sealed,
                      SplitAndSeal(*d_.keystore, *d_.random, id, record.version, policy, secret));
  record.commitment = sealed.commitment;
  record.commitment_key = sealed.commitment_key;
  const std::string who(actor);
  auto unit = [&, who](store::Txn& txn) -> absl::Status {
    BG_ASSIGN_OR_RETURN(auto current, repo::FindCredential(txn, record.id));
    if (current.has_value() != previous.has_value() ||
        (current && current->version != previous->version)) {
      return absl::AbortedError(absl::StrCat("credential ", record.id,
                                             " changed while it was being sealed; try again"));
    }
    BG_RETURN_IF_ERROR(CheckCustodians(txn, policy));
    BG_RETURN_IF_ERROR(repo::PutCredential(txn, record));
    BG_RETURN_IF_ERROR(repo::ReplaceShares(txn, record.id, record.version, sealed.shares));
    if (previous) BG_RETURN_IF_ERROR(CancelForRotation(txn, who, record));
    BG_RETURN_IF_ERROR(d_.events->Append(
        txn, CredentialEvent(previous ? "rotation" : "credential_add", who, record, policy,
                             d_.keystore->Describe(), record.updated_at)));
    // A rotation closes the releases of older versions whose review is signed.
    return previous ? CloseRotated(txn, who, record) : absl::OkStatus();
  };
  BG_RETURN_IF_ERROR(CommitAndAnchor(std::move(unit), AnchorKind::kRoutine,
                                     absl::StrCat("credential ", record.id, " v", record.version)));
  return record.version;
}

absl::Status Vault::CreateCredential(std::string_view actor, std::string_view id,
                                     const PolicySpec& policy, const base::SecretBytes& secret) {
  BG_RETURN_IF_ERROR(ValidateName("credential.id", id));
  BG_RETURN_IF_ERROR(RequireOperator(actor));
  std::optional<CredentialRecord> existing;
  if (absl::Status done = d_.runner->Read([&](store::Txn& txn) -> absl::Status {
    BG_ASSIGN_OR_RETURN(existing, repo::FindCredential(txn, id));
    return absl::OkStatus();
  }); !done.ok()) return done;
  if (existing) {
    return absl::AlreadyExistsError(absl::StrCat("credential.id: '", std::string(id),
                                                 "' exists; use rotate to store a new version"));
  }
  return SealVersion(actor, id, policy, secret, std::nullopt).status();
}

absl::StatusOr<int64_t> Vault::RotateCredential(std::string_view actor, std::string_view id,
                                                const base::SecretBytes& secret,
                                                const std::optional<PolicySpec>& policy) {
  BG_RETURN_IF_ERROR(ValidateName("credential.id", id));
  BG_RETURN_IF_ERROR(RequireOperator(actor));
  CredentialRecord current;
  if (absl::Status done = d_.runner->Read([&](store::Txn& txn) -> absl::Status {
    BG_ASSIGN_OR_RETURN(current, internal::LoadCredential(txn, id));
    return absl::OkStatus();
  }); !done.ok()) return done;
  PolicySpec spec;
  if (policy) {
    spec = *policy;
  } else {
    BG_ASSIGN_OR_RETURN(spec, DecodePolicy(current.policy));
  }
  return SealVersion(actor, id, spec, secret, current);
}

absl::StatusOr<CredentialRecord> Vault::GetCredential(std::string_view id) {
  BG_RETURN_IF_ERROR(ValidateName("credential.id", id));
  CredentialRecord out;
  if (absl::Status done = d_.runner->Read([&](store::Txn& txn) -> absl::Status {
    BG_ASSIGN_OR_RETURN(out, internal::LoadCredential(txn, id));
    return absl::OkStatus();
  }); !done.ok()) return done;
  return out;
}

}  // namespace breakglass::core
