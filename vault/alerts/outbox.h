// Outbox: the durable queue of alerts (component "alerts" of the store's
// migrations). An alert row is written in the caller's transaction — the same
// one as its audit event — so an alert exists exactly when its event does, and
// survives crashes and restarts until every sink it is routed to has either
// accepted it or given up.
//
// Layout (alerts v1):
//   alert_outbox(seq, id, event_type, severity, body, created_ms)
//     one row per alert; `id` is the idempotency key (alert.h).
//   alert_deliveries(alert_seq, sink, state, attempts, next_attempt_ms,
//                    last_error)
//     one row per (alert, sink); state 'pending' | 'delivered' | 'gave_up'.
//     Rows are kept after delivery as the delivery history.
// `last_error` holds the sink's error text, which never contains secrets.
//
// Thread-safety: stateless functions; each uses the caller's Txn on the
// caller's thread.
#ifndef BREAKGLASS_VAULT_ALERTS_OUTBOX_H_
#define BREAKGLASS_VAULT_ALERTS_OUTBOX_H_

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "vault/alerts/alert.h"
#include "vault/store/sqlite/schema.h"
#include "vault/store/txn.h"

namespace breakglass::alerts {

std::vector<store::sqlite::Migration> OutboxMigrations();

enum class DeliveryState { kPending, kDelivered, kGaveUp };
std::string_view DeliveryStateName(DeliveryState state);

// One (alert, sink) delivery that is due.
struct PendingDelivery {
  int64_t seq = 0;
  std::string sink;
  Alert alert;
  int64_t attempts = 0;  // failed attempts so far
  int64_t created_ms = 0;
};

// Writes `alert` and one pending delivery per sink in `sinks` (due at
// `now_ms`) inside `txn`. ALREADY_EXISTS if the id was used before.
absl::Status Enqueue(store::Txn& txn, const Alert& alert, std::span<const std::string> sinks,
                     int64_t now_ms);

// Up to `limit` pending deliveries for `sink` due at or before `now_ms`,
// oldest first.
absl::StatusOr<std::vector<PendingDelivery>> LoadDue(store::Txn& txn, std::string_view sink,
                                                     int64_t now_ms, int64_t limit);

// When the next pending delivery for `sink` is due; nullopt when none is.
absl::StatusOr<std::optional<int64_t>> NextDue(store::Txn& txn, std::string_view sink);

// Records the outcome of one attempt: `state`, the attempt count, when to try
// next (pending only) and the error ("" when delivered). NOT_FOUND if the
// delivery does not exist or is no longer pending (the update is refused, so
// a delivered row never goes back to pending).
absl::Status RecordAttempt(store::Txn& txn, int64_t seq, std::string_view sink,
                           DeliveryState state, int64_t attempts, int64_t next_attempt_ms,
                           std::string_view error);

// Count of deliveries in `state` (all sinks).
absl::StatusOr<int64_t> CountDeliveries(store::Txn& txn, DeliveryState state);

}  // namespace breakglass::alerts

#endif  // BREAKGLASS_VAULT_ALERTS_OUTBOX_H_
