// The stored and logged form of a PolicySpec: one FlatJson object
// (flat_json.h) with these members, so the policy in a `credential` audit
// event is canonical and readable:
//
//   approval_window_s   integer  seconds
//   deny_threshold      integer
//   factor.<i>.custodians string  comma-separated names, share order
//   factor.<i>.name     string
//   factor.<i>.required integer
//   factors             integer  number of factors
//   incident_pattern    string
//   min_reason_length   integer
//   overdue_review_extra_approvals  integer  (0: blocking off)
//   requester_roles     string   RoleSetString
//   review_due_s        integer  seconds
//   review_overdue_repeat_s  integer  seconds
//   reviewers_required  integer
//   use_window_s        integer  seconds
//
// The four review members were added later: a text without them (a policy
// stored before reviews existed) decodes with their defaults (policy.h).
//
// Thread-safety: pure functions.
#ifndef BREAKGLASS_VAULT_CORE_POLICY_CODEC_H_
#define BREAKGLASS_VAULT_CORE_POLICY_CODEC_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "vault/core/policy.h"

namespace breakglass::core {

// The canonical text. Windows are truncated to whole seconds (Create refuses
// nothing finer than that would change). INVALID_ARGUMENT when a string is
// not UTF-8.
absl::StatusOr<std::string> EncodePolicy(const PolicySpec& spec);

// Inverse of EncodePolicy. The result still needs QuorumPolicy::Create.
// INVALID_ARGUMENT naming the member for a missing or malformed one.
absl::StatusOr<PolicySpec> DecodePolicy(std::string_view text);

}  // namespace breakglass::core

#endif  // BREAKGLASS_VAULT_CORE_POLICY_CODEC_H_
