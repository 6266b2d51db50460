// Helpers shared by the Vault's implementation files (vault*.cc). Not part of
// the core's API.
//
// Thread-safety: pure functions, or as the Txn they are given.
#ifndef BREAKGLASS_VAULT_CORE_INTERNAL_VAULT_HELPERS_H_
#define BREAKGLASS_VAULT_CORE_INTERNAL_VAULT_HELPERS_H_

#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "vault/core/event_log.h"
#include "vault/core/identity.h"
#include "vault/core/policy.h"
#include "vault/core/records.h"
#include "vault/core/review_statement.h"
#include "vault/core/statement.h"
#include "vault/store/txn.h"

namespace breakglass::core {
struct RequestStatus;
}  // namespace breakglass::core

namespace breakglass::core::internal {

// An event with the common members filled in.
VaultEvent MakeEvent(std::string type, std::string_view actor, std::string_view subject,
                     int64_t now);

// "2024-05-01T12:00:00Z" for messages.
std::string FormatTime(int64_t unix_seconds);

// The request, or NOT_FOUND "request_id: no request '<id>'".
absl::StatusOr<RequestRecord> LoadRequest(store::Txn& txn, std::string_view id);
// The credential, or NOT_FOUND naming it.
absl::StatusOr<CredentialRecord> LoadCredential(store::Txn& txn, std::string_view id);
// The credential's validated policy; DATA_LOSS when the stored text is bad.
absl::StatusOr<QuorumPolicy> LoadPolicy(const CredentialRecord& credential);

// The active identity `name`; PERMISSION_DENIED "<name> is not a registered
// identity" / "... was removed".
absl::StatusOr<Identity> LoadActiveIdentity(store::Txn& txn, std::string_view name);

// The statement custodian `custodian` signs for `request`.
ApprovalStatement BuildStatement(const RequestRecord& request, std::string_view custodian,
                                 Decision decision);

// The decisions that count under `policy` now: from custodians of the policy
// who are still active, and signed with the key they still have registered
// (a removed custodian or a replaced key revokes the decision).
struct CountedDecisions {
  std::set<std::string> approvals;
  std::set<std::string> denials;
};
absl::StatusOr<CountedDecisions> CountDecisions(store::Txn& txn, const QuorumPolicy& policy,
                                                const std::vector<DecisionRecord>& decisions);

// The blocking policy: `policy`'s overdue_review_extra_approvals when some
// release of `credential` has a review past due at `now`; otherwise 0.
absl::StatusOr<int> OverdueExtraApprovals(store::Txn& txn, const QuorumPolicy& policy,
                                          std::string_view credential, int64_t now);

// The review statement `reviewer` signs for `request` with `input`, from
// the release and the credential as they are now. FAILED_PRECONDITION when
// the release has no log index (stored before reviews existed).
absl::StatusOr<ReviewStatement> BuildReviewStatement(const RequestRecord& request,
                                                     const ReleaseRecord& release,
                                                     const CredentialRecord& credential,
                                                     std::string_view reviewer,
                                                     const ReviewInput& input);

// The reviewers whose review counts now: still active reviewers whose
// registered key is the one the review verified under. Sorted.
absl::StatusOr<std::vector<std::string>> CountReviews(store::Txn& txn,
                                                      const std::vector<ReviewRecord>& reviews);

// Fills `status`'s review members (reviews, reviewers_required,
// rotated_to_version, review_overdue, closed) for its release (which must be
// set), under `policy`, the credential's current one. In vault_reviews.cc.
absl::Status AddReviewStatus(store::Txn& txn, const QuorumPolicy& policy,
                             const CredentialRecord& credential, int64_t now,
                             RequestStatus& status);

// "SHA256:<hex>" of the registered PEM key; INVALID_ARGUMENT naming `field`
// when it does not parse.
absl::StatusOr<std::string> KeyFingerprint(std::string_view pem, std::string_view field);

}  // namespace breakglass::core::internal

#endif  // BREAKGLASS_VAULT_CORE_INTERNAL_VAULT_HELPERS_H_
