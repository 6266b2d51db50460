// Conversions between breakglass.v1 messages and the core's types, with the
// field checks that belong to the wire format: an unknown or unspecified enum
// value, or a missing message, is INVALID_ARGUMENT naming the proto field
// ("policy.requester_roles[1]: ..."). Semantic checks (name rules, ranges,
// policy shape) stay in the core, whose errors already name the field.
//
// Thread-safety: pure functions.
#ifndef BREAKGLASS_API_SERVER_CONVERT_H_
#define BREAKGLASS_API_SERVER_CONVERT_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "api/proto/breakglass/v1/breakglass.pb.h"
#include "vault/core/identity.h"
#include "vault/core/lifecycle.h"
#include "vault/core/policy.h"
#include "vault/core/records.h"
#include "vault/core/rollback_recovery.h"
#include "vault/core/statement.h"
#include "vault/core/vault.h"

namespace breakglass::api {

namespace pb = ::breakglass::v1;

pb::Role RoleToProto(core::Role role);
absl::StatusOr<core::Role> RoleFromProto(int role, std::string_view field);
absl::StatusOr<core::RoleSet> RolesFromProto(const google::protobuf::RepeatedField<int>& roles,
                                             std::string_view field);

pb::RequestState StateToProto(core::RequestState state);
absl::StatusOr<core::RequestState> StateFromProto(int state, std::string_view field);
pb::CredentialState CredentialStateToProto(core::CredentialState state);
absl::StatusOr<core::Decision> DecisionFromProto(int decision, std::string_view field);
pb::Decision DecisionToProto(core::Decision decision);

// True for ACCESS_JUSTIFIED_YES, false for _NO; INVALID_ARGUMENT naming
// `field` otherwise.
absl::StatusOr<bool> JustifiedFromProto(int justified, std::string_view field);

// INVALID_ARGUMENT naming "policy..." for enum values; windows in seconds;
// review settings left 0 take the core's defaults.
absl::StatusOr<core::PolicySpec> PolicyFromProto(const pb::Policy& policy);
pb::Policy PolicyToProto(const core::PolicySpec& spec);

// The stored credential (its policy decoded). DATA_LOSS for a policy the
// store holds but cannot be decoded.
absl::StatusOr<pb::Credential> CredentialToProto(const core::CredentialRecord& record,
                                                 const std::string& keystore);

pb::Identity IdentityToProto(const core::Identity& identity);

// A request with its decisions, progress, release times and review.
pb::Request RequestToProto(const core::RequestStatus& status);

// The statement, both counters, the quorum and its approvals (or, once
// cleared, what was done).
pb::RollbackRecovery RollbackRecoveryToProto(const core::RollbackRecoveryStatus& status);

}  // namespace breakglass::api

#endif  // BREAKGLASS_API_SERVER_CONVERT_H_
