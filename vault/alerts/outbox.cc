#include "vault/alerts/outbox.h"

#include "absl/strings/str_cat.h"
#include "vault/base/status.h"

namespace breakglass::alerts {
namespace {

constexpr std::string_view kV1 = R"sql(
CREATE TABLE alert_outbox(
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  event_type TEXT NOT NULL,
  severity TEXT NOT NULL,
  body TEXT NOT NULL,
  created_ms INTEGER NOT NULL);
CREATE TABLE alert_deliveries(
  alert_seq INTEGER NOT NULL REFERENCES alert_outbox(seq),
  sink TEXT NOT NULL,
  state TEXT NOT NULL CHECK(state IN ('pending', 'delivered', 'gave_up')),
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_ms INTEGER NOT NULL,
  last_error TEXT NOT NULL DEFAULT '',
  PRIMARY KEY(alert_seq, sink));
CREATE INDEX alert_deliveries_due ON alert_deliveries(sink, state, next_attempt_ms);
)sql";

Severity ParseSeverity(std::string_view s) {
  if (s == "critical") return Severity::kCritical;
  if (s == "warning") return Severity::kWarning;
  return Severity::kInfo;
}

}  // namespace

std::vector<store::sqlite::Migration> OutboxMigrations() {
  return {{"alerts", 1, std::string(kV1)}};
}

std::string_view DeliveryStateName(DeliveryState state) {
  switch (state) {
    case DeliveryState::kDelivered: return "delivered";
    case DeliveryState::kGaveUp: return "gave_up";
    case DeliveryState::kPending: break;
  }
  return "pending";
}

absl::Status Enqueue(store::Txn& txn, const Alert& alert, std::span<const std::string> sinks,
                     int64_t now_ms) {
  BG_ASSIGN_OR_RETURN(auto dup, txn.Prepare("SELECT 1 FROM alert_outbox WHERE id = ?1"));
  dup->BindText(1, alert.id);
  BG_ASSIGN_OR_RETURN(bool exists, dup->Step());
  if (exists) {
    return absl::AlreadyExistsError(absl::StrCat("alert ", alert.id, " is already queued"));
  }
  BG_ASSIGN_OR_RETURN(auto ins, txn.Prepare(
      "INSERT INTO alert_outbox(id, event_type, severity, body, created_ms) "
      "VALUES(?1, ?2, ?3, ?4, ?5)"));
  ins->BindText(1, alert.id).BindText(2, alert.event_type)
      .BindText(3, SeverityName(alert.severity)).BindText(4, alert.body).BindInt64(5, now_ms);
  BG_RETURN_IF_ERROR(ins->Run());
  BG_ASSIGN_OR_RETURN(const int64_t seq, txn.QueryInt64("SELECT last_insert_rowid()"));
  BG_ASSIGN_OR_RETURN(auto del, txn.Prepare(
      "INSERT INTO alert_deliveries(alert_seq, sink, state, next_attempt_ms) "
      "VALUES(?1, ?2, 'pending', ?3)"));
  for (const std::string& sink : sinks) {
    del->Reset();
    del->BindInt64(1, seq).BindText(2, sink).BindInt64(3, now_ms);
    BG_RETURN_IF_ERROR(del->Run());
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<PendingDelivery>> LoadDue(store::Txn& txn, std::string_view sink,
                                                     int64_t now_ms, int64_t limit) {
  BG_ASSIGN_OR_RETURN(auto q, txn.Prepare(
      "SELECT o.seq, o.id, o.event_type, o.severity, o.body, o.created_ms, d.attempts "
      "FROM alert_deliveries d JOIN alert_outbox o ON o.seq = d.alert_seq "
      "WHERE d.sink = ?1 AND d.state = 'pending' AND d.next_attempt_ms <= ?2 "
      "ORDER BY d.next_attempt_ms, o.seq LIMIT ?3"));
  q->BindText(1, sink).BindInt64(2, now_ms).BindInt64(3, limit);
  std::vector<PendingDelivery> out;
  while (true) {
    BG_ASSIGN_OR_RETURN(bool row, q->Step());
    if (!row) break;
    PendingDelivery p;
    p.seq = q->ColumnInt64(0);
    p.sink = std::string(sink);
    p.alert.id = q->ColumnText(1);
    p.alert.event_type = q->ColumnText(2);
    p.alert.severity = ParseSeverity(q->ColumnText(3));
    p.alert.body = q->ColumnText(4);
    p.created_ms = q->ColumnInt64(5);
    p.attempts = q->ColumnInt64(6);
    out.push_back(std::move(p));
  }
  return out;
}

absl::StatusOr<std::optional<int64_t>> NextDue(store::Txn& txn, std::string_view sink) {
  BG_ASSIGN_OR_RETURN(auto q, txn.Prepare(
      "SELECT min(next_attempt_ms) FROM alert_deliveries WHERE sink = ?1 AND state = 'pending'"));
  q->BindText(1, sink);
  BG_ASSIGN_OR_RETURN(bool row, q->Step());
  if (!row || q->ColumnIsNull(0)) return std::optional<int64_t>();
  return std::optional<int64_t>(q->ColumnInt64(0));
}

absl::Status RecordAttempt(store::Txn& txn, int64_t seq, std::string_view sink,
                           DeliveryState state, int64_t attempts, int64_t next_attempt_ms,
                           std::string_view error) {
  BG_ASSIGN_OR_RETURN(auto up, txn.Prepare(
      "UPDATE alert_deliveries SET state = ?3, attempts = ?4, next_attempt_ms = ?5, "
      "last_error = ?6 WHERE alert_seq = ?1 AND sink = ?2 AND state = 'pending'"));
  up->BindInt64(1, seq).BindText(2, sink).BindText(3, DeliveryStateName(state))
      .BindInt64(4, attempts).BindInt64(5, next_attempt_ms).BindText(6, error);
  BG_RETURN_IF_ERROR(up->Run());
  if (up->Changes() != 1) {
    return absl::NotFoundError(absl::StrCat("alert delivery ", seq, " to ", std::string(sink),
                                            " is not pending"));
  }
  return absl::OkStatus();
}

absl::StatusOr<int64_t> CountDeliveries(store::Txn& txn, DeliveryState state) {
  BG_ASSIGN_OR_RETURN(auto q, txn.Prepare("SELECT count(*) FROM alert_deliveries WHERE state = ?1"));
  q->BindText(1, DeliveryStateName(state));
  BG_ASSIGN_OR_RETURN(bool row, q->Step());
  if (!row) return absl::InternalError("count returned no row");
  return q->ColumnInt64(0);
}

}  // namespace breakglass::alerts
