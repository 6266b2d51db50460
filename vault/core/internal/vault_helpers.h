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
#include "vault/core/statement.h"
#include "vault/store/txn.h"

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

// "SHA256:<hex>" of the registered PEM key; INVALID_ARGUMENT naming `field`
// when it does not parse.
absl::StatusOr<std::string> KeyFingerprint(std::string_view pem, std::string_view field);

}  // namespace breakglass::core::internal

#endif  // BREAKGLASS_VAULT_CORE_INTERNAL_VAULT_HELPERS_H_
