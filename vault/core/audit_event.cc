#include "vault/core/audit_event.h"

#include <variant>

#include "vault/base/status.h"

namespace breakglass::core {

absl::StatusOr<audit::Event> ToAuditEvent(const VaultEvent& event) {
  BG_ASSIGN_OR_RETURN(audit::EventType type, audit::ParseEventType(event.type));
  audit::Event out(type);
  out.set_actor(event.actor)
      .set_subject(event.subject)
      .set_incident(event.incident)
      .set_reason(event.reason)
      .set_time(event.time);
  for (const auto& [key, value] : event.fields.members()) {
    if (const auto* s = std::get_if<std::string>(&value)) {
      out.Set(key, *s);
    } else {
      out.Set(key, std::get<int64_t>(value));
    }
  }
  return out;
}

}  // namespace breakglass::core
