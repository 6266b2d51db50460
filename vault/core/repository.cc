#include "vault/core/repository.h"

#include "absl/strings/str_cat.h"
#include "vault/base/status.h"
#include "vault/core/internal/sql_helpers.h"

namespace breakglass::core::repo {
namespace {

using store::Txn;
using store::sqlite::Statement;
using internal::Changed;
using internal::Strings;

constexpr char kSchemaV1[] = R"sql(
CREATE TABLE core_identity (
  name TEXT PRIMARY KEY,
  roles TEXT NOT NULL,
  signing_key_pem TEXT NOT NULL,
  active INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;
CREATE TABLE core_credential (
  id TEXT PRIMARY KEY,
  version INTEGER NOT NULL CHECK (version >= 1),
  state TEXT NOT NULL CHECK (state IN ('sealed', 'exposed')),
  policy TEXT NOT NULL,
  commitment BLOB NOT NULL,
  commitment_key BLOB NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;
CREATE TABLE core_share (
  credential TEXT NOT NULL REFERENCES core_credential(id),
  version INTEGER NOT NULL,
  share_index INTEGER NOT NULL CHECK (share_index BETWEEN 1 AND 255),
  custodian TEXT NOT NULL,
  envelope BLOB NOT NULL,
  PRIMARY KEY (credential, version, share_index)
) STRICT;
CREATE TABLE core_request (
  id TEXT PRIMARY KEY,
  credential TEXT NOT NULL REFERENCES core_credential(id),
  version INTEGER NOT NULL,
  requester TEXT NOT NULL,
  incident TEXT NOT NULL,
  reason TEXT NOT NULL,
  release_key BLOB NOT NULL,
  state TEXT NOT NULL,
  state_note TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  approval_deadline INTEGER NOT NULL
) STRICT;
CREATE INDEX core_request_by_state ON core_request(state, approval_deadline);
CREATE TABLE core_decision (
  request TEXT NOT NULL REFERENCES core_request(id),
  custodian TEXT NOT NULL,
  decision TEXT NOT NULL CHECK (decision IN ('approve', 'deny')),
  statement TEXT NOT NULL,
  signature BLOB NOT NULL,
  key_fingerprint TEXT NOT NULL,
  at INTEGER NOT NULL,
  PRIMARY KEY (request, custodian)
) STRICT;
CREATE TABLE core_release (
  request TEXT PRIMARY KEY REFERENCES core_request(id),
  box BLOB,
  box_sha256 TEXT NOT NULL,
  approvers TEXT NOT NULL,
  released_at INTEGER NOT NULL,
  use_until INTEGER NOT NULL,
  anchored INTEGER NOT NULL,
  fetched_at INTEGER
) STRICT;
)sql";

// Release keys are looked up on every new request (each must be fresh).
constexpr char kSchemaV2[] = R"sql(
CREATE INDEX core_request_by_release_key ON core_request(release_key);
)sql";

// Post-incident reviews. Releases stored before this step get the default
// due time (72 h after release) and no log index (they cannot be reviewed).
constexpr char kSchemaV3[] = R"sql(
ALTER TABLE core_release ADD COLUMN log_index INTEGER;
ALTER TABLE core_release ADD COLUMN review_due INTEGER NOT NULL DEFAULT 0;
ALTER TABLE core_release ADD COLUMN reviewed_at INTEGER;
ALTER TABLE core_release ADD COLUMN closed_at INTEGER;
ALTER TABLE core_release ADD COLUMN overdue_alerted_at INTEGER;
UPDATE core_release SET review_due = released_at + 259200;
CREATE INDEX core_release_open_reviews ON core_release(reviewed_at, review_due);
CREATE TABLE core_review (
  request TEXT NOT NULL REFERENCES core_request(id),
  reviewer TEXT NOT NULL,
  justified INTEGER NOT NULL CHECK (justified IN (0, 1)),
  statement TEXT NOT NULL,
  signature BLOB NOT NULL,
  key_fingerprint TEXT NOT NULL,
  at INTEGER NOT NULL,
  PRIMARY KEY (request, reviewer)
) STRICT;
)sql";

const std::vector<store::sqlite::Migration>& Steps() {
  static const auto* steps = new std::vector<store::sqlite::Migration>{
      {"core", 1, kSchemaV1}, {"core", 2, kSchemaV2}, {"core", 3, kSchemaV3}};
  return *steps;
}


RequestRecord ReadRequest(Statement& s) {
  RequestRecord r;
  r.id = s.ColumnText(0);
  r.credential = s.ColumnText(1);
  r.version = s.ColumnInt64(2);
  r.requester = s.ColumnText(3);
  r.incident = s.ColumnText(4);
  r.reason = s.ColumnText(5);
  r.release_key = s.ColumnBlob(6);
  r.state_note = s.ColumnText(8);
  r.created_at = s.ColumnInt64(9);
  r.approval_deadline = s.ColumnInt64(10);
  return r;
}

ReleaseRecord ReadRelease(Statement& s) {
  ReleaseRecord r;
  r.request = s.ColumnText(0);
  if (!s.ColumnIsNull(1)) r.box = s.ColumnBlob(1);
  r.box_sha256 = s.ColumnText(2);
  r.approvers = s.ColumnText(3);
  r.released_at = s.ColumnInt64(4);
  r.use_until = s.ColumnInt64(5);
  r.anchored = s.ColumnInt64(6) != 0;
  if (!s.ColumnIsNull(7)) r.fetched_at = s.ColumnInt64(7);
  if (!s.ColumnIsNull(8)) r.log_index = s.ColumnInt64(8);
  r.review_due = s.ColumnInt64(9);
  if (!s.ColumnIsNull(10)) r.reviewed_at = s.ColumnInt64(10);
  if (!s.ColumnIsNull(11)) r.closed_at = s.ColumnInt64(11);
  if (!s.ColumnIsNull(12)) r.overdue_alerted_at = s.ColumnInt64(12);
  return r;
}



}  // namespace

std::span<const store::sqlite::Migration> Migrations() { return Steps(); }

absl::StatusOr<std::optional<Identity>> FindIdentity(Txn& txn, std::string_view name) {
  BG_ASSIGN_OR_RETURN(auto stmt, txn.Prepare("SELECT roles, signing_key_pem, active FROM "
                                             "core_identity WHERE name = ?"));
  stmt->BindText(1, name);
  BG_ASSIGN_OR_RETURN(bool row, stmt->Step());
  if (!row) return std::nullopt;
  Identity id;
  id.name = std::string(name);
  auto roles = ParseRoleSet(stmt->ColumnText(0));
  if (!roles.ok()) return absl::DataLossError(absl::StrCat("stored roles of ", id.name, ": ",
                                                           std::string(roles.status().message())));
  id.roles = *roles;
  id.signing_key_pem = stmt->ColumnText(1);
  id.active = stmt->ColumnInt64(2) != 0;
  return id;
}

absl::StatusOr<std::vector<std::string>> ListIdentityNames(Txn& txn) {
  BG_ASSIGN_OR_RETURN(auto stmt, txn.Prepare("SELECT name FROM core_identity ORDER BY name"));
  return Strings(stmt);
}

absl::StatusOr<std::vector<std::string>> ListCredentialIds(Txn& txn) {
  BG_ASSIGN_OR_RETURN(auto stmt, txn.Prepare("SELECT id FROM core_credential ORDER BY id"));
  return Strings(stmt);
}

absl::Status PutIdentity(Txn& txn, const Identity& identity, int64_t now) {
  BG_ASSIGN_OR_RETURN(auto stmt, txn.Prepare("INSERT OR REPLACE INTO core_identity (name, roles, "
                                             "signing_key_pem, active, updated_at) "
                                             "VALUES (?, ?, ?, ?, ?)"));
  stmt->BindText(1, identity.name)
      .BindText(2, RoleSetString(identity.roles))
      .BindText(3, identity.signing_key_pem)
      .BindInt64(4, identity.active ? 1 : 0)
      .BindInt64(5, now);
  return stmt->Run();
}

absl::StatusOr<std::optional<std::string>> FindIdentityWithKey(Txn& txn,
                                                               std::string_view signing_key_pem,
                                                               std::string_view except_name) {
  BG_ASSIGN_OR_RETURN(auto stmt, txn.Prepare("SELECT name FROM core_identity WHERE "
                                             "signing_key_pem = ? AND name != ? LIMIT 1"));
  stmt->BindText(1, signing_key_pem).BindText(2, except_name);
  BG_ASSIGN_OR_RETURN(bool row, stmt->Step());
  if (!row) return std::nullopt;
  return stmt->ColumnText(0);
}

absl::StatusOr<bool> AnyActiveOperator(Txn& txn) {
  BG_ASSIGN_OR_RETURN(auto stmt, txn.Prepare("SELECT count(*) FROM core_identity WHERE active = 1 "
                                             "AND (',' || roles || ',') LIKE '%,operator,%'"));
  BG_ASSIGN_OR_RETURN(bool row, stmt->Step());
  return row && stmt->ColumnInt64(0) > 0;
}

absl::StatusOr<int64_t> CountActiveCustodians(Txn& txn) {
  BG_ASSIGN_OR_RETURN(auto stmt, txn.Prepare("SELECT count(*) FROM core_identity WHERE active = 1 "
                                             "AND signing_key_pem != '' AND "
                                             "(',' || roles || ',') LIKE '%,custodian,%'"));
  BG_ASSIGN_OR_RETURN(bool row, stmt->Step());
  return row ? stmt->ColumnInt64(0) : 0;
}

absl::StatusOr<std::optional<CredentialRecord>> FindCredential(Txn& txn, std::string_view id) {
  BG_ASSIGN_OR_RETURN(auto stmt, txn.Prepare("SELECT version, state, policy, commitment, "
                                             "commitment_key, updated_at FROM core_credential "
                                             "WHERE id = ?"));
  stmt->BindText(1, id);
  BG_ASSIGN_OR_RETURN(bool row, stmt->Step());
  if (!row) return std::nullopt;
  CredentialRecord r;
  r.id = std::string(id);
  r.version = stmt->ColumnInt64(0);
  BG_ASSIGN_OR_RETURN(r.state, ParseCredentialState(stmt->ColumnText(1)));
  r.policy = stmt->ColumnText(2);
  r.commitment = stmt->ColumnBlob(3);
  r.commitment_key = stmt->ColumnBlob(4);
  r.updated_at = stmt->ColumnInt64(5);
  return r;
}

absl::Status PutCredential(Txn& txn, const CredentialRecord& r) {
  BG_ASSIGN_OR_RETURN(auto stmt, txn.Prepare("INSERT OR REPLACE INTO core_credential (id, version, "
                                             "state, policy, commitment, commitment_key, "
                                             "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)"));
  stmt->BindText(1, r.id)
      .BindInt64(2, r.version)
      .BindText(3, CredentialStateName(r.state))
      .BindText(4, r.policy)
      .BindBlob(5, r.commitment)
      .BindBlob(6, r.commitment_key)
      .BindInt64(7, r.updated_at);
  return stmt->Run();
}

absl::Status ReplaceShares(Txn& txn, std::string_view credential, int64_t version,
                           const std::vector<ShareRecord>& shares) {
  {
    BG_ASSIGN_OR_RETURN(auto del, txn.Prepare("DELETE FROM core_share WHERE credential = ?"));
    del->BindText(1, credential);
    BG_RETURN_IF_ERROR(del->Run());
  }
  for (const ShareRecord& s : shares) {
    BG_ASSIGN_OR_RETURN(auto ins, txn.Prepare("INSERT INTO core_share (credential, version, "
                                              "share_index, custodian, envelope) "
                                              "VALUES (?, ?, ?, ?, ?)"));
    ins->BindText(1, credential)
        .BindInt64(2, version)
        .BindInt64(3, s.index)
        .BindText(4, s.custodian)
        .BindBlob(5, s.envelope);
    BG_RETURN_IF_ERROR(ins->Run());
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<ShareRecord>> LoadShares(Txn& txn, std::string_view credential,
                                                    int64_t version) {
  BG_ASSIGN_OR_RETURN(auto stmt, txn.Prepare("SELECT share_index, custodian, envelope FROM "
                                             "core_share WHERE credential = ? AND version = ? "
                                             "ORDER BY share_index"));
  stmt->BindText(1, credential).BindInt64(2, version);
  std::vector<ShareRecord> out;
  while (true) {
    BG_ASSIGN_OR_RETURN(bool row, stmt->Step());
    if (!row) return out;
    out.push_back({static_cast<int>(stmt->ColumnInt64(0)), stmt->ColumnText(1),
                   stmt->ColumnBlob(2)});
  }
}

absl::StatusOr<std::optional<RequestRecord>> FindRequest(Txn& txn, std::string_view id) {
  BG_ASSIGN_OR_RETURN(auto stmt, txn.Prepare("SELECT id, credential, version, requester, "
                                             "incident, reason, release_key, state, state_note, "
                                             "created_at, approval_deadline FROM core_request "
                                             "WHERE id = ?"));
  stmt->BindText(1, id);
  BG_ASSIGN_OR_RETURN(bool row, stmt->Step());
  if (!row) return std::nullopt;
  RequestRecord r = ReadRequest(*stmt);
  BG_ASSIGN_OR_RETURN(r.state, ParseRequestState(stmt->ColumnText(7)));
  return r;
}

absl::Status InsertRequest(Txn& txn, const RequestRecord& r) {
  BG_ASSIGN_OR_RETURN(auto stmt, txn.Prepare("INSERT INTO core_request (id, credential, version, "
                                             "requester, incident, reason, release_key, state, "
                                             "state_note, created_at, approval_deadline) "
                                             "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
  stmt->BindText(1, r.id)
      .BindText(2, r.credential)
      .BindInt64(3, r.version)
      .BindText(4, r.requester)
      .BindText(5, r.incident)
      .BindText(6, r.reason)
      .BindBlob(7, r.release_key)
      .BindText(8, RequestStateName(r.state))
      .BindText(9, r.state_note)
      .BindInt64(10, r.created_at)
      .BindInt64(11, r.approval_deadline);
  return stmt->Run();
}

absl::StatusOr<bool> ReleaseKeyUsed(Txn& txn, std::string_view release_key) {
  BG_ASSIGN_OR_RETURN(auto stmt, txn.Prepare("SELECT 1 FROM core_request WHERE release_key = ? "
                                             "LIMIT 1"));
  stmt->BindBlob(1, release_key);
  return stmt->Step();
}

absl::Status UpdateRequestState(Txn& txn, std::string_view id, RequestState from,
                                RequestState to, std::string_view note) {
  BG_RETURN_IF_ERROR(CheckTransition(from, to));
  BG_ASSIGN_OR_RETURN(auto stmt, txn.Prepare("UPDATE core_request SET state = ?, state_note = ? "
                                             "WHERE id = ? AND state = ?"));
  stmt->BindText(1, RequestStateName(to))
      .BindText(2, note)
      .BindText(3, id)
      .BindText(4, RequestStateName(from));
  BG_RETURN_IF_ERROR(stmt->Run());
  if (stmt->Changes() == 1) return absl::OkStatus();
  return absl::FailedPreconditionError(absl::StrCat(
      "request ", std::string(id), " is no longer ", std::string(RequestStateName(from))));
}

absl::StatusOr<std::vector<std::string>> FindRequestIds(Txn& txn, RequestState state,
                                                        std::optional<std::string_view> credential,
                                                        std::optional<int64_t> deadline_before) {
  BG_ASSIGN_OR_RETURN(auto stmt, txn.Prepare("SELECT id FROM core_request WHERE state = ? AND "
                                             "(?2 IS NULL OR credential = ?2) AND "
                                             "(?3 IS NULL OR approval_deadline < ?3) ORDER BY id"));
  stmt->BindText(1, RequestStateName(state));
  credential ? stmt->BindText(2, *credential) : stmt->BindNull(2);
  deadline_before ? stmt->BindInt64(3, *deadline_before) : stmt->BindNull(3);
  return Strings(stmt);
}

absl::StatusOr<std::vector<DecisionRecord>> LoadDecisions(Txn& txn, std::string_view request) {
  BG_ASSIGN_OR_RETURN(auto stmt, txn.Prepare("SELECT custodian, decision, statement, signature, "
                                             "key_fingerprint, at FROM core_decision WHERE "
                                             "request = ? ORDER BY custodian"));
  stmt->BindText(1, request);
  std::vector<DecisionRecord> out;
  while (true) {
    BG_ASSIGN_OR_RETURN(bool row, stmt->Step());
    if (!row) return out;
    DecisionRecord d;
    d.custodian = stmt->ColumnText(0);
    d.decision = stmt->ColumnText(1) == "approve" ? Decision::kApprove : Decision::kDeny;
    d.statement = stmt->ColumnText(2);
    d.signature = stmt->ColumnBlob(3);
    d.key_fingerprint = stmt->ColumnText(4);
    d.at = stmt->ColumnInt64(5);
    out.push_back(std::move(d));
  }
}

absl::Status InsertDecision(Txn& txn, std::string_view request, const DecisionRecord& d) {
  BG_ASSIGN_OR_RETURN(auto stmt, txn.Prepare("INSERT OR IGNORE INTO core_decision (request, "
                                             "custodian, decision, statement, signature, "
                                             "key_fingerprint, at) VALUES (?, ?, ?, ?, ?, ?, ?)"));
  stmt->BindText(1, request)
      .BindText(2, d.custodian)
      .BindText(3, DecisionName(d.decision))
      .BindText(4, d.statement)
      .BindBlob(5, d.signature)
      .BindText(6, d.key_fingerprint)
      .BindInt64(7, d.at);
  BG_RETURN_IF_ERROR(stmt->Run());
  if (stmt->Changes() == 1) return absl::OkStatus();
  return absl::AlreadyExistsError(absl::StrCat("custodian ", d.custodian,
                                               " has already decided on request ",
                                               std::string(request)));
}

absl::StatusOr<std::optional<ReleaseRecord>> FindRelease(Txn& txn, std::string_view request) {
  BG_ASSIGN_OR_RETURN(auto stmt, txn.Prepare("SELECT request, box, box_sha256, approvers, "
                                             "released_at, use_until, anchored, fetched_at, "
                                             "log_index, review_due, reviewed_at, closed_at, "
                                             "overdue_alerted_at FROM core_release WHERE "
                                             "request = ?"));
  stmt->BindText(1, request);
  BG_ASSIGN_OR_RETURN(bool row, stmt->Step());
  if (!row) return std::nullopt;
  return ReadRelease(*stmt);
}

absl::Status InsertRelease(Txn& txn, const ReleaseRecord& r) {
  BG_ASSIGN_OR_RETURN(auto stmt, txn.Prepare("INSERT INTO core_release (request, box, box_sha256, "
                                             "approvers, released_at, use_until, anchored, "
                                             "fetched_at, log_index, review_due) "
                                             "VALUES (?, ?, ?, ?, ?, ?, ?, NULL, ?, ?)"));
  stmt->BindText(1, r.request);
  r.box ? stmt->BindBlob(2, *r.box) : stmt->BindNull(2);
  stmt->BindText(3, r.box_sha256)
      .BindText(4, r.approvers)
      .BindInt64(5, r.released_at)
      .BindInt64(6, r.use_until)
      .BindInt64(7, r.anchored ? 1 : 0);
  r.log_index ? stmt->BindInt64(8, *r.log_index) : stmt->BindNull(8);
  stmt->BindInt64(9, r.review_due);
  return stmt->Run();
}

absl::Status MarkReleaseAnchored(Txn& txn, std::string_view request) {
  BG_ASSIGN_OR_RETURN(auto stmt,
                      txn.Prepare("UPDATE core_release SET anchored = 1 WHERE request = ?"));
  stmt->BindText(1, request);
  BG_RETURN_IF_ERROR(stmt->Run());
  return Changed(*stmt, "release");
}

absl::Status ConsumeRelease(Txn& txn, std::string_view request, int64_t now) {
  BG_ASSIGN_OR_RETURN(auto stmt, txn.Prepare("UPDATE core_release SET box = NULL, fetched_at = ?, anchored = 1 "
                                             "WHERE request = ? AND box IS NOT NULL"));
  stmt->BindInt64(1, now).BindText(2, request);
  BG_RETURN_IF_ERROR(stmt->Run());
  return Changed(*stmt, "unfetched release");
}

absl::Status DropReleaseBox(Txn& txn, std::string_view request) {
  BG_ASSIGN_OR_RETURN(auto stmt, txn.Prepare("UPDATE core_release SET box = NULL WHERE "
                                             "request = ? AND box IS NOT NULL"));
  stmt->BindText(1, request);
  BG_RETURN_IF_ERROR(stmt->Run());
  return Changed(*stmt, "unfetched release");
}

absl::StatusOr<std::vector<std::string>> FindUnfetchedReleasesBefore(Txn& txn, int64_t now) {
  BG_ASSIGN_OR_RETURN(auto stmt, txn.Prepare("SELECT request FROM core_release WHERE box IS NOT "
                                             "NULL AND use_until < ? ORDER BY request"));
  stmt->BindInt64(1, now);
  return Strings(stmt);
}

}  // namespace breakglass::core::repo
