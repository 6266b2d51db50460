// Audit events: what one leaf of the audit log says (DESIGN.md "Audit log").
//
// A leaf is the canonical JSON (canonical_json.h) of one object with:
//   "seq"      integer  the leaf index (0-based), assigned by AuditLog::Append
//   "time"     integer  Unix time in milliseconds, UTC, assigned by Append from
//                       the log's clock. Integer milliseconds rather than an RFC
//                       3339 string: no float, no time zone or fraction-digit
//                       variants, and it compares as a number.
//   "type"     string   a stable event type name (EventTypeName)
//   "actor"    string   the identity that caused the event ("" if none)
//   "subject"  string   what it is about: a request, credential, identity ... ("")
//   "incident" string   the incident reference ("" if none)
//   "reason"   string   the stated reason ("" if none)
// plus type-specific fields (snake_case keys; string, integer, bool, null,
// array or object values, no floats). All seven common fields are always
// present, so every leaf has the same shape.
//
// Sensitive values never appear: only HashForLog(value) ("sha256:<hex>"). A
// hash of a guessable value (a PIN, a short password) can be brute-forced;
// such values are not logged at all.
//
// Thread-safety: Event is a value type; distinct objects on distinct threads.
#ifndef BREAKGLASS_VAULT_AUDIT_EVENT_H_
#define BREAKGLASS_VAULT_AUDIT_EVENT_H_

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "vault/base/secret_bytes.h"

namespace breakglass::audit {

// Event types. The names (EventTypeName) are stored in leaves and never
// change; new types are added at the end of the table in event.cc.
enum class EventType {
  kRequest,              // a credential was requested
  kApproval,             // a custodian approved a request
  kDenial,               // a custodian denied a request
  kCancel,               // the requester cancelled a request
  kExpiry,               // a request or approval expired
  kRelease,              // a credential was released to the requester
  kFetch,                // the requester fetched a released credential
  kFetchRefused,         // a fetch was refused
  kRotation,             // a credential was rotated (new version, re-split)
  kReview,               // a post-incident review was signed
  kIdentityAdd,          // an identity (custodian, requester, ...) was registered
  kIdentityRemove,       // an identity was removed or revoked
  kCredentialAdd,        // a credential was provisioned
  kCredentialRemove,     // a credential was retired
  kPolicyChange,         // a quorum or access policy changed
  kProvision,            // the appliance was provisioned (first counter values)
  kAnchor,               // counters about to be moved (DESIGN.md anchoring step 1)
  kCheckpoint,           // a checkpoint was signed
  kAlertDelivery,        // an alert was delivered (or gave up) to a sink
  kLoginFailed,          // an authentication attempt failed
  kRollbackAlarm,        // the store is behind or ahead of the TPM counters
  kRollbackCleared,      // a quorum-approved exit from the rollback state
  kVerificationFailure,  // a log, checkpoint or evidence verification failed
  kReviewOverdue,        // a release's post-incident review is past due (repeats)
  kClosed,               // a release is closed: credential rotated and review signed
};

// The stable name, e.g. "fetch_refused".
std::string_view EventTypeName(EventType type);
// The type named `name`. INVALID_ARGUMENT for an unknown name.
absl::StatusOr<EventType> ParseEventType(std::string_view name);
// True for events that change state and so are anchored before their call
// returns; false for routine ones (fetch, fetch_refused, anchor, checkpoint,
// alert_delivery, login_failed, review_overdue) that ride along with the
// next anchor.
bool IsStateChanging(EventType type);

// "sha256:" + lower-case hex of SHA-256(value): how a sensitive value appears.
std::string HashForLog(std::string_view value);
std::string HashForLog(const base::SecretBytes& value);

class Event final {
 public:
  explicit Event(EventType type) : type_(type) {}

  EventType type() const { return type_; }
  uint64_t seq() const { return seq_; }
  absl::Time time() const { return time_; }
  const std::string& actor() const { return actor_; }
  const std::string& subject() const { return subject_; }
  const std::string& incident() const { return incident_; }
  const std::string& reason() const { return reason_; }
  // Type-specific fields, by key.
  const std::map<std::string, nlohmann::json, std::less<>>& fields() const { return fields_; }

  Event& set_actor(std::string v) { return actor_ = std::move(v), *this; }
  Event& set_subject(std::string v) { return subject_ = std::move(v), *this; }
  Event& set_incident(std::string v) { return incident_ = std::move(v), *this; }
  Event& set_reason(std::string v) { return reason_ = std::move(v), *this; }
  // Assigned by AuditLog::Append; settable here for tests and parsing.
  Event& set_seq(uint64_t v) { return seq_ = v, *this; }
  // Kept to millisecond precision (truncated towards the past).
  Event& set_time(absl::Time t);

  // Sets a type-specific field (replacing an earlier value). Checked by
  // Canonical(): the key must be snake_case ([a-z][a-z0-9_]*) and not one of
  // the common fields; the value must be canonical-JSON-representable.
  Event& Set(std::string key, nlohmann::json value);
  // Sets `key` to HashForLog(value).
  Event& SetHash(std::string key, std::string_view value);

  // The leaf bytes. INVALID_ARGUMENT naming the field for a reserved or badly
  // formed key, a float, an out-of-range integer or invalid UTF-8.
  absl::StatusOr<std::string> Canonical() const;

  // Parses leaf bytes. INVALID_ARGUMENT when they are not canonical JSON, lack
  // a common field or give it the wrong JSON type, or name an unknown type.
  static absl::StatusOr<Event> Parse(std::string_view leaf);

 private:
  EventType type_;
  uint64_t seq_ = 0;
  absl::Time time_ = absl::UnixEpoch();
  std::string actor_, subject_, incident_, reason_;
  std::map<std::string, nlohmann::json, std::less<>> fields_;
};

}  // namespace breakglass::audit

#endif  // BREAKGLASS_VAULT_AUDIT_EVENT_H_
