// Routing: which event types alert, and to which sinks (per event type).
//
// Event types that may alert (kAlertableTypes): the audit event types
// request, approval, denial, release, fetch, fetch_refused, cancel, expiry,
// rotation, review, review_overdue, rollback_alarm, verification_failure,
// and names the daemon emits or will emit outside the audit table
// (hsm_failure, tpm_failure, nv_budget_low, release_pending,
// release_gate_bypassed). `alert_delivery` can never alert: a delivery
// outcome alerting would feed the outbox from the dispatcher forever.
//
// Thread-safety: immutable after Create; safe from many threads.
#ifndef BREAKGLASS_VAULT_ALERTS_ROUTING_H_
#define BREAKGLASS_VAULT_ALERTS_ROUTING_H_

#include <map>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace breakglass::alerts {

// Every event type name a route may name.
std::span<const std::string_view> AlertableTypes();
// The types that alert when the configuration does not say otherwise: all of
// AlertableTypes() except cancel and expiry.
std::vector<std::string> DefaultAlertingTypes();

class Routing final {
 public:
  // `routes`: event type -> sink names (each must be in `sinks`, the
  // configured sink names). INVALID_ARGUMENT naming an unknown type, an
  // unknown sink, alert_delivery, or a type routed to no sink.
  static absl::StatusOr<Routing> Create(std::map<std::string, std::vector<std::string>> routes,
                                        const std::set<std::string>& sinks);
  // Every type in DefaultAlertingTypes() to every sink in `sinks`.
  static absl::StatusOr<Routing> AllTo(const std::set<std::string>& sinks);

  // The sinks for `event_type`; empty when the type does not alert.
  std::span<const std::string> SinksFor(std::string_view event_type) const;

 private:
  explicit Routing(std::map<std::string, std::vector<std::string>, std::less<>> routes)
      : routes_(std::move(routes)) {}
  std::map<std::string, std::vector<std::string>, std::less<>> routes_;
};

}  // namespace breakglass::alerts

#endif  // BREAKGLASS_VAULT_ALERTS_ROUTING_H_
