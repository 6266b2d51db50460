// AlertingEventLog: a core::EventLog decorator that, for each event whose
// type is routed to sinks (routing.h), writes an alert to the outbox
// (outbox.h) in the SAME transaction as the event — so a committed event
// always has its alert queued, and a rolled-back one never does.
//
// The idempotency key is 16 random bytes (hex), fixed at this moment.
// After appending, `wake` (if set) is called so the dispatcher looks at the
// outbox soon; it may run before the transaction commits, which only costs
// the dispatcher one empty look (it also polls).
//
// Thread-safety: Append is called on the store's writer thread (EventLog
// contract); the borrowed collaborators must allow that.
#ifndef BREAKGLASS_VAULT_ALERTS_ALERTING_EVENT_LOG_H_
#define BREAKGLASS_VAULT_ALERTS_ALERTING_EVENT_LOG_H_

#include <functional>

#include "absl/status/status.h"
#include "vault/alerts/routing.h"
#include "vault/base/random.h"
#include "vault/core/event_log.h"

namespace breakglass::alerts {

// Queues the alert for `event` to `sinks` inside `txn` (no audit event is
// written here). Errors: those of BuildAlert, Random and Enqueue.
absl::Status EnqueueAlert(store::Txn& txn, const core::VaultEvent& event,
                          std::span<const std::string> sinks, base::Random& random);

class AlertingEventLog final : public core::EventLog {
 public:
  // All borrowed; each must outlive this object.
  AlertingEventLog(core::EventLog* inner, const Routing* routing, base::Random* random)
      : inner_(inner), routing_(routing), random_(random) {}

  // Called after an alert was queued (e.g. Dispatcher::Wake). Set before use.
  void set_wake(std::function<void()> wake) { wake_ = std::move(wake); }

  // The inner Append, then the alert if `event.type` is routed. An error from
  // either aborts the caller's unit (nothing is stored).
  absl::StatusOr<uint64_t> AppendAt(store::Txn& txn, const core::VaultEvent& event) override;

 private:
  core::EventLog* const inner_;
  const Routing* const routing_;
  base::Random* const random_;
  std::function<void()> wake_;
};

}  // namespace breakglass::alerts

#endif  // BREAKGLASS_VAULT_ALERTS_ALERTING_EVENT_LOG_H_
