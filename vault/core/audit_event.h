// The mapping from the vault's events (event_log.h) to audit log leaves
// (vault/audit/event.h): the type name must be an audit EventType name; the
// type-specific members are copied as JSON strings and integers.
//
// Event types the vault writes, and the lifecycle transition each carries:
//   request          -> pending
//   approval         a custodian's signed approval; field `state` is
//                    "approved" when it completed the quorum (pending -> approved)
//   denial           a custodian's signed denial; `state` "denied" when it
//                    ended the request (pending -> denied)
//   release          approved -> released (approvers, share indices, box hash)
//   cancel           pending -> cancelled (by the requester, an operator, or a
//                    rotation)
//   expiry           pending -> expired, or an unfetched release box dropped
//   fetch, fetch_refused   the single fetch and refused repeats
//   review           a reviewer's signed review (statement + signature);
//                    `state` "reviewed" when it signed the review
//                    (released -> reviewed)
//   closed           the release is closed: rotated and reviewed
//   review_overdue   an unsigned review past due (repeats)
//   credential_add, rotation, identity_remove
//   identity_add     roles, key_fingerprint ("SHA256:<hex>") and signing_key
//                    (the registered public key, PEM; "" for identities that
//                    sign nothing), so signatures can be re-verified offline
//
// Thread-safety: pure function.
#ifndef BREAKGLASS_VAULT_CORE_AUDIT_EVENT_H_
#define BREAKGLASS_VAULT_CORE_AUDIT_EVENT_H_

#include "absl/status/statusor.h"
#include "vault/audit/event.h"
#include "vault/core/event_log.h"

namespace breakglass::core {

// INVALID_ARGUMENT for a type that is not an audit event type.
absl::StatusOr<audit::Event> ToAuditEvent(const VaultEvent& event);

}  // namespace breakglass::core

#endif  // BREAKGLASS_VAULT_CORE_AUDIT_EVENT_H_
