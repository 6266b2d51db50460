#include "vault/core/testing/vault_harness.h"

#include "absl/strings/str_cat.h"
#include "vault/base/status.h"
#include "vault/core/repository.h"

namespace breakglass::core::testing {
namespace {

// One SELECT per core table, each row rendered with quote() so that any
// change in any column changes the text.
constexpr const char* kDumps[] = {
    "SELECT group_concat(r, char(10)) FROM (SELECT quote(name)||quote(roles)||"
    "quote(signing_key_pem)||quote(active)||quote(updated_at) AS r FROM core_identity "
    "ORDER BY name)",
    "SELECT group_concat(r, char(10)) FROM (SELECT quote(id)||quote(version)||quote(state)||"
    "quote(policy)||quote(commitment)||quote(commitment_key)||quote(updated_at) AS r FROM "
    "core_credential ORDER BY id)",
    "SELECT group_concat(r, char(10)) FROM (SELECT quote(credential)||quote(version)||"
    "quote(share_index)||quote(custodian)||quote(envelope) AS r FROM core_share "
    "ORDER BY credential, version, share_index)",
    "SELECT group_concat(r, char(10)) FROM (SELECT quote(id)||quote(credential)||quote(version)||"
    "quote(requester)||quote(incident)||quote(reason)||quote(release_key)||quote(state)||"
    "quote(state_note)||quote(created_at)||quote(approval_deadline) AS r FROM core_request "
    "ORDER BY id)",
    "SELECT group_concat(r, char(10)) FROM (SELECT quote(request)||quote(custodian)||"
    "quote(decision)||quote(statement)||quote(signature)||quote(key_fingerprint)||quote(at) AS r "
    "FROM core_decision ORDER BY request, custodian)",
    "SELECT group_concat(r, char(10)) FROM (SELECT quote(request)||quote(box)||quote(box_sha256)||"
    "quote(approvers)||quote(released_at)||quote(use_until)||quote(anchored)||quote(fetched_at)||"
    "quote(log_index)||quote(review_due)||quote(reviewed_at)||quote(closed_at)||"
    "quote(overdue_alerted_at) AS r FROM core_release ORDER BY request)",
    "SELECT group_concat(r, char(10)) FROM (SELECT quote(request)||quote(reviewer)||"
    "quote(justified)||quote(statement)||quote(signature)||quote(key_fingerprint)||quote(at) AS r "
    "FROM core_review ORDER BY request, reviewer)",
};

}  // namespace

absl::StatusOr<std::unique_ptr<VaultHarness>> VaultHarness::Create(hsm::Keystore* keystore,
                                                                   Anchor* anchor) {
  return Create(keystore, [anchor](store::TransactionRunner&, audit::AuditLog&) {
    return absl::StatusOr<Anchor*>(anchor);
  });
}

absl::StatusOr<std::unique_ptr<VaultHarness>> VaultHarness::Create(hsm::Keystore* keystore,
                                                                   const AnchorFactory& anchor,
                                                                   Extras extras) {
  std::unique_ptr<VaultHarness> h(new VaultHarness());
  std::vector<store::sqlite::Migration> steps = audit::AuditLog::Migrations();
  for (const auto& m : repo::Migrations()) steps.push_back(m);
  for (const auto& m : extras.migrations) steps.push_back(m);
  BG_ASSIGN_OR_RETURN(h->runner_, store::TransactionRunner::Open(h->dir_.File("state.db"), steps));
  BG_ASSIGN_OR_RETURN(h->log_, audit::AuditLog::Create(h->runner_.get(), &h->clock_));
  h->audit_events_ = std::make_unique<AuditEventLog>(h->log_.get());
  h->events_ = std::make_unique<FaultyEventLog>(h->audit_events_.get());
  VaultDeps deps;
  deps.runner = h->runner_.get();
  deps.events = h->events_.get();
  deps.keystore = keystore;
  BG_ASSIGN_OR_RETURN(deps.anchor, anchor(*h->runner_, *h->log_));
  deps.clock = &h->clock_;
  deps.random = &h->random_;
  if (extras.configure) {
    BG_RETURN_IF_ERROR(extras.configure(*h->runner_, *h->audit_events_, *h->events_, deps));
  }
  BG_ASSIGN_OR_RETURN(h->vault_, Vault::Create(deps));
  return h;
}

VaultHarness::~VaultHarness() {
  vault_.reset();
  log_.reset();
  runner_.reset();
}

PolicySpec VaultHarness::DbRootPolicy() {
  PolicySpec s;
  s.factors = {{"dba", 2, {"ann", "bob", "cat"}}, {"security", 1, {"sam", "sue"}}};
  s.deny_threshold = 2;
  s.incident_pattern = "INC-[0-9]{4,8}";
  s.min_reason_length = 20;
  s.approval_window = absl::Hours(1);
  s.use_window = absl::Minutes(15);
  s.requester_roles = {Role::kRequester};
  return s;
}

absl::Status VaultHarness::Register(std::string_view name, RoleSet roles, bool ed25519) {
  Identity id;
  id.name = std::string(name);
  id.roles = std::move(roles);
  if (id.HasRole(Role::kCustodian) || id.HasRole(Role::kReviewer)) {
    BG_ASSIGN_OR_RETURN(auto key, crypto::SigningKey::Generate(
                                      ed25519 ? crypto::SignatureAlgorithm::kEd25519
                                              : crypto::SignatureAlgorithm::kEcdsaP256Sha256));
    id.signing_key_pem = key.public_key().ToPem();
    absl::MutexLock lock(&mu_);
    keys_.insert_or_assign(id.name, std::move(key));
  }
  return vault_->RegisterIdentity("oscar", id);
}

absl::Status VaultHarness::Provision() {
  BG_RETURN_IF_ERROR(Register("oscar", {Role::kOperator}, false));
  BG_RETURN_IF_ERROR(Register("alice", {Role::kRequester}, false));
  BG_RETURN_IF_ERROR(Register("rita", {Role::kRequester}, false));
  BG_RETURN_IF_ERROR(Register("ann", {Role::kCustodian}, true));
  BG_RETURN_IF_ERROR(Register("bob", {Role::kCustodian}, false));
  BG_RETURN_IF_ERROR(Register("cat", {Role::kCustodian, Role::kRequester}, true));
  BG_RETURN_IF_ERROR(Register("sam", {Role::kCustodian}, false));
  BG_RETURN_IF_ERROR(Register("sue", {Role::kCustodian, Role::kReviewer}, true));
  BG_RETURN_IF_ERROR(Register("carl", {Role::kCustodian}, true));
  return vault_->CreateCredential("oscar", "db-root", DbRootPolicy(),
                                  base::SecretBytes::CopyFrom(kSecret));
}

absl::StatusOr<RequestRecord> VaultHarness::File(std::string_view requester,
                                                 std::string_view credential) {
  BG_ASSIGN_OR_RETURN(auto pair, crypto::release_box::Generate(random_));
  NewRequest req{std::string(credential), std::string(kIncident), std::string(kReason),
                 pair.public_key};
  BG_ASSIGN_OR_RETURN(RequestRecord r, vault_->CreateRequest(requester, req));
  absl::MutexLock lock(&mu_);
  release_keys_.insert_or_assign(r.id, std::move(pair.private_key));
  return r;
}

absl::StatusOr<std::string> VaultHarness::Sign(std::string_view custodian,
                                               const ApprovalStatement& statement) {
  BG_ASSIGN_OR_RETURN(std::string bytes, statement.SignedBytes());
  absl::MutexLock lock(&mu_);
  auto it = keys_.find(custodian);
  if (it == keys_.end()) return absl::NotFoundError("harness: no key for that custodian");
  return it->second.Sign(bytes);
}

absl::StatusOr<DecisionResult> VaultHarness::Decide(std::string_view custodian,
                                                    std::string_view request_id,
                                                    Decision decision) {
  BG_ASSIGN_OR_RETURN(ApprovalStatement st, vault_->StatementFor(request_id, custodian, decision));
  BG_ASSIGN_OR_RETURN(std::string sig, Sign(custodian, st));
  return decision == Decision::kApprove ? vault_->Approve(custodian, request_id, st, sig)
                                        : vault_->Deny(custodian, request_id, st, sig);
}

absl::StatusOr<base::SecretBytes> VaultHarness::FetchAndOpen(std::string_view requester,
                                                             std::string_view request_id) {
  BG_ASSIGN_OR_RETURN(std::string box, vault_->Fetch(requester, request_id));
  absl::MutexLock lock(&mu_);
  auto it = release_keys_.find(request_id);
  if (it == release_keys_.end()) return absl::NotFoundError("harness: no release key");
  return crypto::release_box::Open(it->second, request_id, box);
}

absl::Status VaultHarness::AddIdentity(std::string_view name, RoleSet roles) {
  return Register(name, std::move(roles), true);
}

absl::StatusOr<ReviewResult> VaultHarness::Review(std::string_view reviewer,
                                                  std::string_view request_id,
                                                  const ReviewInput& input) {
  BG_ASSIGN_OR_RETURN(ReviewStatement st, vault_->ReviewStatementFor(request_id, reviewer, input));
  BG_ASSIGN_OR_RETURN(std::string bytes, st.SignedBytes());
  BG_ASSIGN_OR_RETURN(std::string sig, SignBytes(reviewer, bytes));
  return vault_->SubmitReview(reviewer, request_id, st, sig);
}

absl::StatusOr<std::string> VaultHarness::SignBytes(std::string_view name, std::string_view bytes) {
  absl::MutexLock lock(&mu_);
  auto it = keys_.find(name);
  if (it == keys_.end()) return absl::NotFoundError("harness: no key for that identity");
  return it->second.Sign(bytes);
}

absl::StatusOr<RequestRecord> VaultHarness::Release(std::string_view requester,
                                                    std::string_view credential) {
  BG_ASSIGN_OR_RETURN(RequestRecord r, File(requester, credential));
  for (const char* custodian : {"ann", "bob", "sam"}) {
    BG_RETURN_IF_ERROR(Decide(custodian, r.id).status());
  }
  return r;
}

absl::Status VaultHarness::RekeyCustodian(std::string_view name) {
  return Register(name, {Role::kCustodian}, true);
}

absl::StatusOr<Snapshot> VaultHarness::Snap() {
  // Units commit in submission order: once this one is done, every write
  // queued earlier (e.g. the vault's background "anchored" flag) is durable.
  BG_RETURN_IF_ERROR(runner_->Run([](store::Txn&) { return absl::OkStatus(); }));
  Snapshot s;
  if (absl::Status done = runner_->Read([&](store::Txn& txn) -> absl::Status {
    for (const char* sql : kDumps) {
      BG_ASSIGN_OR_RETURN(auto stmt, txn.Prepare(sql));
      BG_ASSIGN_OR_RETURN(bool row, stmt->Step());
      if (row) absl::StrAppend(&s.rows, stmt->ColumnText(0), "\n--\n");
    }
    return absl::OkStatus();
  }); !done.ok()) return done;
  BG_ASSIGN_OR_RETURN(uint64_t size, log_->Size());
  s.events = size;
  return s;
}

absl::StatusOr<std::vector<std::string>> VaultHarness::Leaves() {
  BG_ASSIGN_OR_RETURN(uint64_t size, log_->Size());
  return log_->Leaves(0, size);
}

const crypto::SigningKey& VaultHarness::key(std::string_view name) const {
  absl::MutexLock lock(&mu_);
  return keys_.find(name)->second;
}

}  // namespace breakglass::core::testing
