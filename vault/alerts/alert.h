// Alert: the message breakglass sends to its alert sinks when an audited
// event happens — schema "breakglass.alert.v1" (README.md "Alerts").
//
// The body is one JSON object (UTF-8, keys sorted, no insignificant
// whitespace). Every member is always present ("" or 0 when not applicable):
//   schema              "breakglass.alert.v1"
//   id                  the idempotency key: 32 lower-case hex digits, fixed
//                       when the alert is written to the outbox and the same
//                       on every retry and every sink (also sent as the
//                       X-Breakglass-Idempotency-Key header)
//   event_type          the audit event type ("request", "release", ...) or
//                       an alert-only type ("release_pending",
//                       "release_gate_bypassed")
//   severity            "info" | "warning" | "critical"
//   time                RFC 3339 UTC, seconds ("2026-11-28T19:41:31Z")
//   time_unix_ms        the same instant, integer milliseconds
//   actor, subject, incident, reason   as in the audit event
//   request             the request id when the event is about a request
//   credential          credential id; credential_version (integer, 0 if none)
//   summary             one human-readable line
//   details             object of string/integer members copied from a fixed
//                       allow-list of the event's fields (requester,
//                       approvers, state, progress, from, note, why,
//                       use_until, expires, key_fingerprint, sink, outcome,
//                       error)
// Secrets never appear: no credential bytes, boxes, signatures, sink secrets.
// Receivers must ignore members they do not know (v1 may gain members).
//
// Thread-safety: pure functions and value types.
#ifndef BREAKGLASS_VAULT_ALERTS_ALERT_H_
#define BREAKGLASS_VAULT_ALERTS_ALERT_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "vault/core/event_log.h"

namespace breakglass::alerts {

inline constexpr std::string_view kAlertSchema = "breakglass.alert.v1";

enum class Severity { kInfo, kWarning, kCritical };

// "info", "warning", "critical".
std::string_view SeverityName(Severity severity);
// The severity of alerts for `event_type` (critical: release, release_pending,
// rollback/verification/HSM/TPM failures, bypassed gate; warning: fetch
// refusals, denials, overdue reviews, NV budget; info: the rest).
Severity SeverityFor(std::string_view event_type);

// One alert as stored in the outbox and sent to sinks.
struct Alert {
  std::string id;          // idempotency key (32 hex)
  std::string event_type;
  Severity severity = Severity::kInfo;
  std::string body;        // the JSON text above
};

// Builds the alert for `event` with idempotency key `id` (32 lower-case hex
// digits). INVALID_ARGUMENT for a malformed id or a field that is not UTF-8.
absl::StatusOr<Alert> BuildAlert(const core::VaultEvent& event, std::string id);

}  // namespace breakglass::alerts

#endif  // BREAKGLASS_VAULT_ALERTS_ALERT_H_
