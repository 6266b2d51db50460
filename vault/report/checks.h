// The checks an incident report re-runs on each event besides its inclusion
// in an anchored checkpoint, from the log alone:
//
//   request       "reason": the logged reason hashes to the logged
//                 reason_sha256 (the value custodians sign).
//   approval,     "statement": the signed statement stored in the event is
//   denial        the canonical approval statement (vault/core/statement.h)
//                 of THIS request — request id, custodian = the event's
//                 actor, decision, credential and version, requester,
//                 incident, reason_sha256, release key and expiry all equal
//                 to the request event's;
//                 "signature": the signature verifies over
//                 "breakglass-approval-v1\n" || statement under the key the
//                 log registered for the custodian (the latest identity_add
//                 before the event, with role custodian), whose fingerprint
//                 is the one the event states.
//   release       "approvers": each approver named has a signed approval of
//                 this request earlier in the log.
//   fetch         "box": the fetched box is the released one (box_sha256).
//   review        when the event carries a statement and a signature (the
//                 review statement of vault/core/review_statement.h):
//                 "statement": it is of this request — request, reviewer =
//                 the event's actor, credential and version, requester,
//                 incident, reason_sha256, justified as the event says, and
//                 release_log_index = the index of the request's `release`
//                 leaf — and its rotated_to_version agrees with the
//                 rotations logged before the review;
//                 "signature": as for approvals, with the reviewer's key
//                 (role reviewer) over "breakglass-review-v1\n" || statement
//                 (the statement as logged when it starts with its own
//                 "breakglass-" domain line).
//
// These are written apart from vault/core on purpose, like vault/verify: the
// auditor's check must not run the code it checks. tests/integration pins
// the approval domain and statement format to vault/core's.
//
// Thread-safety: pure functions.
#ifndef BREAKGLASS_VAULT_REPORT_CHECKS_H_
#define BREAKGLASS_VAULT_REPORT_CHECKS_H_

#include <string_view>
#include <vector>

#include "vault/report/incident_log.h"
#include "vault/report/timeline.h"

namespace breakglass::report {

inline constexpr char kApprovalDomain[] = "breakglass-approval-v1\n";
inline constexpr char kReviewDomain[] = "breakglass-review-v1\n";

// The checks of `event` (one of log.events()), per the file comment; empty
// for types without any.
std::vector<Check> CheckEvent(const LoggedEvent& event, const IncidentLog& log);

}  // namespace breakglass::report

#endif  // BREAKGLASS_VAULT_REPORT_CHECKS_H_
