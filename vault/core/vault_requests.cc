// Vault: filing, cancelling, expiring and reading requests.
#include "absl/strings/str_cat.h"
#include "vault/base/encoding.h"
#include "vault/base/status.h"
#include "vault/core/flat_json.h"
#include "vault/core/internal/vault_helpers.h"
#include "vault/core/repository.h"
#include "vault/core/vault.h"
#include "vault/crypto/release_box.h"
#include "vault/crypto/sha256.h"

namespace breakglass::core {

using internal::MakeEvent;

absl::Status Vault::Transition(store::Txn& txn, const RequestRecord& request, RequestState to,
                               std::string_view actor, std::string_view note, int64_t now) {
  BG_RETURN_IF_ERROR(repo::UpdateRequestState(txn, request.id, request.state, to, note));
  const char* type = to == RequestState::kCancelled ? "cancel" : "expiry";
  VaultEvent e = MakeEvent(type, actor, request.id, now);
  e.incident = request.incident;
  e.fields.Set("credential", request.credential)
      .Set("credential_version", request.version)
      .Set("from", std::string(RequestStateName(request.state)))
      .Set("state", std::string(RequestStateName(to)))
      .Set("note", std::string(note));
  return d_.events->Append(txn, e);
}

absl::Status Vault::CancelForRotation(store::Txn& txn, std::string_view actor,
                                      const CredentialRecord& rotated) {
  BG_ASSIGN_OR_RETURN(auto ids, repo::FindRequestIds(txn, RequestState::kPending, rotated.id,
                                                     std::nullopt));
  for (const std::string& id : ids) {
    BG_ASSIGN_OR_RETURN(RequestRecord r, internal::LoadRequest(txn, id));
    BG_RETURN_IF_ERROR(Transition(
        txn, r, RequestState::kCancelled, actor,
        absl::StrCat("credential ", rotated.id, " was rotated to version ", rotated.version,
                     "; approvals for version ", r.version, " are void; file a new request"),
        rotated.updated_at));
  }
  return absl::OkStatus();
}

namespace {

absl::Status CheckReleaseKey(std::string_view key, base::Random& random) {
  if (key.size() != crypto::release_box::kX25519KeySize) {
    return absl::InvalidArgumentError(absl::StrCat(
        "request.release_key: must be the 32-byte X25519 public key your CLI generated for this "
        "request, got ", key.size(), " bytes"));
  }
  // A trial seal refuses low-order points now rather than at release time.
  auto probe = crypto::release_box::SealTo(key, "probe", base::SecretBytes::CopyFrom(
                                                             std::string_view("x")), random);
  if (probe.status().code() == absl::StatusCode::kInvalidArgument) {
    return absl::InvalidArgumentError(absl::StrCat(
        "request.release_key: ", std::string(probe.status().message())));
  }
  return probe.status();
}

// Every request has its own release key: a reused one would let whoever held
// an earlier request's private key open this one's release box.
absl::Status CheckReleaseKeyUnused(store::Txn& txn, std::string_view key) {
  BG_ASSIGN_OR_RETURN(bool used, repo::ReleaseKeyUsed(txn, key));
  if (!used) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat("request.release_key: X25519 key ", base::HexEncode(key),
                   " was already used by an earlier request; every request needs a fresh key (the "
                   "breakglass CLI generates one per request)"));
}

// The requester may hold a share, but the quorum (with the extra approvals
// of the blocking policy, when in force) must be reachable without them.
absl::Status CheckQuorumWithout(const QuorumPolicy& policy, std::string_view requester,
                                int extra_approvals) {
  std::set<std::string> others;
  for (const std::string& c : policy.custodians()) {
    if (c != requester) others.insert(c);
  }
  Evaluation e = policy.Evaluate(others, {}, extra_approvals);
  if (e.outcome == Outcome::kMet) return absl::OkStatus();
  return absl::FailedPreconditionError(absl::StrCat(
      "requester: '", std::string(requester), "' is a custodian this credential's quorum cannot do "
      "without (", e.summary, " without them); another engineer must file the request",
      extra_approvals > 0 ? ", or sign the overdue review first" : ""));
}

}  // namespace

absl::StatusOr<RequestRecord> Vault::CreateRequest(std::string_view actor,
                                                   const NewRequest& in) {
  BG_RETURN_IF_ERROR(ValidateName("request.credential", in.credential));
  BG_RETURN_IF_ERROR(CheckReleaseKey(in.release_key, *d_.random));
  RequestRecord r;
  if (absl::Status done = d_.runner->Read([&](store::Txn& txn) -> absl::Status {
    BG_ASSIGN_OR_RETURN(Identity who, internal::LoadActiveIdentity(txn, actor));
    BG_ASSIGN_OR_RETURN(CredentialRecord cred, internal::LoadCredential(txn, in.credential));
    BG_ASSIGN_OR_RETURN(QuorumPolicy policy, internal::LoadPolicy(cred));
    BG_RETURN_IF_ERROR(policy.CheckRequesterRoles(actor, who.roles));
    BG_RETURN_IF_ERROR(policy.CheckIncident(in.incident));
    BG_RETURN_IF_ERROR(policy.CheckReason(in.reason));
    BG_ASSIGN_OR_RETURN(const int extra, internal::OverdueExtraApprovals(
                                             txn, policy, cred.id, NowSeconds()));
    BG_RETURN_IF_ERROR(CheckQuorumWithout(policy, actor, extra));
    BG_RETURN_IF_ERROR(CheckReleaseKeyUnused(txn, in.release_key));
    r.version = cred.version;
    r.approval_deadline = absl::ToInt64Seconds(policy.spec().approval_window);
    return absl::OkStatus();
  }); !done.ok()) return done;
  if (d_.incident_checker != nullptr) {
    BG_RETURN_IF_ERROR(d_.incident_checker->CheckIncident(
        IncidentQuery{in.incident, in.credential, std::string(actor), d_.clock->Now()}));
  }
  BG_ASSIGN_OR_RETURN(std::string nonce, d_.random->Bytes(16));
  r.id = "req-" + base::HexEncode(nonce);
  r.credential = in.credential;
  r.requester = std::string(actor);
  r.incident = in.incident;
  r.reason = in.reason;
  r.release_key = in.release_key;
  r.created_at = NowSeconds();
  r.approval_deadline += r.created_at;
  if (absl::Status done = CommitAndAnchor(
      [&](store::Txn& txn) -> absl::Status {
        BG_ASSIGN_OR_RETURN(CredentialRecord cred, internal::LoadCredential(txn, r.credential));
        if (cred.version != r.version) {
          return absl::AbortedError("credential was rotated while the request was filed; retry");
        }
        // Again in the writing transaction: two requests racing with one key.
        BG_RETURN_IF_ERROR(CheckReleaseKeyUnused(txn, r.release_key));
        BG_RETURN_IF_ERROR(repo::InsertRequest(txn, r));
        VaultEvent e = MakeEvent("request", r.requester, r.id, r.created_at);
        e.incident = r.incident;
        e.reason = r.reason;
        e.fields.Set("credential", r.credential)
            .Set("credential_version", r.version)
            .Set("reason_sha256", ReasonSha256Hex(r.reason))
            .Set("release_key", base::HexEncode(r.release_key))
            .Set("expires", r.approval_deadline);
        return d_.events->Append(txn, e);
      },
      AnchorKind::kRoutine, absl::StrCat("request ", r.id)); !done.ok()) return done;
  return r;
}

absl::StatusOr<ApprovalStatement> Vault::StatementFor(std::string_view request_id,
                                                      std::string_view custodian,
                                                      Decision decision) {
  BG_RETURN_IF_ERROR(ValidateName("request_id", request_id));
  BG_RETURN_IF_ERROR(ValidateName("custodian", custodian));
  RequestRecord r;
  if (absl::Status done = d_.runner->Read([&](store::Txn& txn) -> absl::Status {
    BG_ASSIGN_OR_RETURN(r, internal::LoadRequest(txn, request_id));
    return absl::OkStatus();
  }); !done.ok()) return done;
  return internal::BuildStatement(r, custodian, decision);
}

absl::Status Vault::Cancel(std::string_view actor, std::string_view request_id,
                           std::string_view reason) {
  BG_RETURN_IF_ERROR(ValidateName("request_id", request_id));
  if (reason.empty() || reason.size() > 1024 || !IsValidUtf8(reason)) {
    return absl::InvalidArgumentError("reason: say why the request is cancelled (1 to 1024 bytes of UTF-8)");
  }
  absl::MutexLock lock(&LockFor(request_id));
  const int64_t now = NowSeconds();
  auto unit = [&](store::Txn& txn) -> absl::Status {
    BG_ASSIGN_OR_RETURN(RequestRecord r, internal::LoadRequest(txn, request_id));
    BG_ASSIGN_OR_RETURN(Identity who, internal::LoadActiveIdentity(txn, actor));
    if (who.name != r.requester && !who.HasRole(Role::kOperator)) {
      return absl::PermissionDeniedError(absl::StrCat(
          "only the requester ", r.requester, " or an operator can cancel request ", r.id));
    }
    return Transition(txn, r, RequestState::kCancelled, actor,
                      absl::StrCat("cancelled by ", who.name, ": ", std::string(reason)), now);
  };
  return CommitAndAnchor(std::move(unit), AnchorKind::kRoutine,
                         absl::StrCat("cancellation of ", std::string(request_id)));
}

absl::StatusOr<ExpiryReport> Vault::ExpireDue() {
  const int64_t now = NowSeconds();
  ExpiryReport report;
  if (absl::Status done = d_.runner->Read([&](store::Txn& txn) -> absl::Status {
    BG_ASSIGN_OR_RETURN(report.expired_requests,
                        repo::FindRequestIds(txn, RequestState::kPending, std::nullopt, now));
    BG_ASSIGN_OR_RETURN(report.expired_releases, repo::FindUnfetchedReleasesBefore(txn, now));
    return absl::OkStatus();
  }); !done.ok()) return done;
  std::vector<std::string> requests, releases;
  for (const std::string& id : report.expired_requests) {
    absl::MutexLock lock(&LockFor(id));
    bool changed = false;
    if (absl::Status done = d_.runner->Run([&](store::Txn& txn) -> absl::Status {
      BG_ASSIGN_OR_RETURN(RequestRecord r, internal::LoadRequest(txn, id));
      if (r.state != RequestState::kPending || r.approval_deadline >= now) return absl::OkStatus();
      changed = true;
      return Transition(txn, r, RequestState::kExpired, "breakglassd",
                        absl::StrCat("approval window closed at ",
                                     internal::FormatTime(r.approval_deadline)),
                        now);
    }); !done.ok()) return done;
    if (changed) requests.push_back(id);
  }
  for (const std::string& id : report.expired_releases) {
    absl::MutexLock lock(&LockFor(id));
    bool changed = false;
    if (absl::Status done = d_.runner->Run([&](store::Txn& txn) -> absl::Status {
      BG_ASSIGN_OR_RETURN(auto release, repo::FindRelease(txn, id));
      if (!release || !release->box || release->use_until >= now) return absl::OkStatus();
      changed = true;
      BG_RETURN_IF_ERROR(repo::DropReleaseBox(txn, id));
      VaultEvent e = MakeEvent("expiry", "breakglassd", id, now);
      e.fields.Set("what", "release box").Set("use_until", release->use_until);
      return d_.events->Append(txn, e);
    }); !done.ok()) return done;
    if (changed) releases.push_back(id);
  }
  report.expired_requests = std::move(requests);
  report.expired_releases = std::move(releases);
  if (report.expired_requests.empty() && report.expired_releases.empty()) return report;
  BG_RETURN_IF_ERROR(AnchorCommitted(AnchorKind::kRoutine, "expiry"));
  return report;
}

absl::StatusOr<RequestStatus> Vault::GetRequest(std::string_view request_id) {
  BG_RETURN_IF_ERROR(ValidateName("request_id", request_id));
  const int64_t now = NowSeconds();
  RequestStatus out;
  if (absl::Status done = d_.runner->Read([&](store::Txn& txn) -> absl::Status {
    BG_ASSIGN_OR_RETURN(out.request, internal::LoadRequest(txn, request_id));
    BG_ASSIGN_OR_RETURN(out.decisions, repo::LoadDecisions(txn, request_id));
    BG_ASSIGN_OR_RETURN(out.release, repo::FindRelease(txn, request_id));
    if (out.release) out.release->box.reset();
    out.progress = out.request.state_note;
    BG_ASSIGN_OR_RETURN(CredentialRecord cred, internal::LoadCredential(txn, out.request.credential));
    BG_ASSIGN_OR_RETURN(QuorumPolicy policy, internal::LoadPolicy(cred));
    if (out.release) BG_RETURN_IF_ERROR(internal::AddReviewStatus(txn, policy, cred, now, out));
    if (out.request.state != RequestState::kPending) return absl::OkStatus();
    BG_ASSIGN_OR_RETURN(auto counted, internal::CountDecisions(txn, policy, out.decisions));
    BG_ASSIGN_OR_RETURN(const int extra,
                        internal::OverdueExtraApprovals(txn, policy, cred.id, now));
    out.progress = policy.Evaluate(counted.approvals, counted.denials, extra).summary;
    return absl::OkStatus();
  }); !done.ok()) return done;
  return out;
}

}  // namespace breakglass::core
