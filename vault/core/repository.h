// Repository: the core's tables and the SQL that reads and writes them, over
// the store's Txn (vault/store/txn.h). Every function runs inside the caller's
// transaction, so a state change and its audit event commit together
// (invariant 2). No function here checks policy; the Vault does.
//
// Tables (component "core" of the store's per-component migrations):
//   core_identity    name, roles, signing key, active
//   core_credential  id, current version, sealed|exposed, policy, commitment
//   core_share       (credential, version, index) -> custodian, envelope, tag
//   core_request     one row per request and its lifecycle state (indexed by
//                    state and by release key)
//   core_decision    (request, custodian) -> approve|deny, statement, signature
//   core_release     request -> release box until fetched or expired; the
//                    release event's log index, review due/signed/closed
//                    times (schema step 3)
//   core_review      (request, reviewer) -> signed review (schema step 3)
//
// Errors: store errors pass through (UNAVAILABLE for storage trouble);
// DATA_LOSS for a stored value that does not parse.
//
// Thread-safety: as Txn (one thread).
#ifndef BREAKGLASS_VAULT_CORE_REPOSITORY_H_
#define BREAKGLASS_VAULT_CORE_REPOSITORY_H_

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "vault/core/identity.h"
#include "vault/core/records.h"
#include "vault/store/sqlite/schema.h"
#include "vault/store/txn.h"

namespace breakglass::core::repo {

// The core's schema steps, to pass (with the other layers') to
// TransactionRunner::Open.
std::span<const store::sqlite::Migration> Migrations();

absl::StatusOr<std::optional<Identity>> FindIdentity(store::Txn& txn, std::string_view name);
// Every identity's name (active or not), sorted.
absl::StatusOr<std::vector<std::string>> ListIdentityNames(store::Txn& txn);
// Inserts or replaces the identity row.
absl::Status PutIdentity(store::Txn& txn, const Identity& identity, int64_t now);

// The name of another identity registered with `signing_key_pem`, if any.
absl::StatusOr<std::optional<std::string>> FindIdentityWithKey(store::Txn& txn,
                                                               std::string_view signing_key_pem,
                                                               std::string_view except_name);
// True when some active identity has the operator role.
absl::StatusOr<bool> AnyActiveOperator(store::Txn& txn);
// Active identities with the custodian role and a registered signing key.
absl::StatusOr<int64_t> CountActiveCustodians(store::Txn& txn);

absl::StatusOr<std::optional<CredentialRecord>> FindCredential(store::Txn& txn,
                                                               std::string_view id);
// Every credential's id, sorted.
absl::StatusOr<std::vector<std::string>> ListCredentialIds(store::Txn& txn);
// Inserts or replaces the credential row.
absl::Status PutCredential(store::Txn& txn, const CredentialRecord& record);
// Deletes every stored share of `credential` (all versions) and stores
// `shares` for `version`: a rotated-away version can never be opened again.
absl::Status ReplaceShares(store::Txn& txn, std::string_view credential, int64_t version,
                           const std::vector<ShareRecord>& shares);
// The shares of that version, by index.
absl::StatusOr<std::vector<ShareRecord>> LoadShares(store::Txn& txn, std::string_view credential,
                                                    int64_t version);

absl::StatusOr<std::optional<RequestRecord>> FindRequest(store::Txn& txn, std::string_view id);
absl::Status InsertRequest(store::Txn& txn, const RequestRecord& record);
// True when any request, in any state, was filed with `release_key`
// (indexed: core_request_by_release_key).
absl::StatusOr<bool> ReleaseKeyUsed(store::Txn& txn, std::string_view release_key);
// Moves the request from `from` to `to` with `note`, only if it is still in
// `from` (compare-and-set) and the lifecycle allows it. FAILED_PRECONDITION
// otherwise, naming the state it is in.
absl::Status UpdateRequestState(store::Txn& txn, std::string_view id, RequestState from,
                                RequestState to, std::string_view note);
// Ids of requests in `state`, optionally only for `credential`, and only
// those whose approval deadline is before `deadline_before` when given.
absl::StatusOr<std::vector<std::string>> FindRequestIds(
    store::Txn& txn, RequestState state, std::optional<std::string_view> credential,
    std::optional<int64_t> deadline_before);

absl::StatusOr<std::vector<DecisionRecord>> LoadDecisions(store::Txn& txn,
                                                          std::string_view request);
// ALREADY_EXISTS when this custodian already decided on this request.
absl::Status InsertDecision(store::Txn& txn, std::string_view request,
                            const DecisionRecord& record);

absl::StatusOr<std::optional<ReleaseRecord>> FindRelease(store::Txn& txn,
                                                         std::string_view request);
absl::Status InsertRelease(store::Txn& txn, const ReleaseRecord& record);
absl::Status MarkReleaseAnchored(store::Txn& txn, std::string_view request);
// Removes the box and records the fetch time (the release was anchored).
absl::Status ConsumeRelease(store::Txn& txn, std::string_view request, int64_t now);
// Removes the box without a fetch (use window over).
absl::Status DropReleaseBox(store::Txn& txn, std::string_view request);
// Requests whose box is still stored and whose use window ended before `now`.
absl::StatusOr<std::vector<std::string>> FindUnfetchedReleasesBefore(store::Txn& txn,
                                                                     int64_t now);

// --- post-incident reviews ---
// The reviews of `request`, by reviewer name.
absl::StatusOr<std::vector<ReviewRecord>> LoadReviews(store::Txn& txn, std::string_view request);
// ALREADY_EXISTS when this reviewer already reviewed this request.
absl::Status InsertReview(store::Txn& txn, std::string_view request, const ReviewRecord& record);
// Records that the review of `request` is signed (once).
absl::Status MarkReviewSigned(store::Txn& txn, std::string_view request, int64_t now);
// Records that the release of `request` is closed (once).
absl::Status MarkReleaseClosed(store::Txn& txn, std::string_view request, int64_t now);
// Records when the last review_overdue event for `request` was written.
absl::Status MarkOverdueAlerted(store::Txn& txn, std::string_view request, int64_t now);
// Requests whose review is not signed and was due before `now`, optionally
// only for `credential`, by id.
absl::StatusOr<std::vector<std::string>> FindOverdueReviews(
    store::Txn& txn, std::optional<std::string_view> credential, int64_t now);
// Requests for `credential` at a version before `current_version` whose
// review is signed and whose release is not yet closed, by id.
absl::StatusOr<std::vector<std::string>> FindClosableReleases(store::Txn& txn,
                                                              std::string_view credential,
                                                              int64_t current_version);

}  // namespace breakglass::core::repo

#endif  // BREAKGLASS_VAULT_CORE_REPOSITORY_H_
